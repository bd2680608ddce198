/* command_capture.c: the capture command: its options, then capture_run (capture.c). */
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "command.h"
#include "config.h"
#include "exit_codes.h"
#include "log.h"

static int capture_option(void *ctx, int letter, const char *value)
{
	struct capture_opts *o = ctx;
	unsigned long secs;
	char *end;

	switch (letter) {
	case 'c': o->config_path = value; break;
	case 'v': o->vmcore = value; break;
	case 'k': o->cmdline = value; break;
	case 'm': o->makedumpfile = value; break;
	case 'p': o->mountpoint = value; break;
	case 'r': o->target_dir = value; break;
	case 's': o->sys_block = value; break;
	case 'e': o->dev_dir = value; break;
	case 'Y': o->tty = value; break;
	case 'T':
		o->clock = strtoll(value, &end, 10);
		if (*end || end == value || o->clock <= 0)
			return command_usage_error("capture", "--clock: expected seconds since the "
							      "epoch, not '%s'", value);
		break;
	case 'w':
		secs = strtoul(value, &end, 10);
		if (*end || end == value || secs > 3600)
			return command_usage_error("capture", "--wait: expected seconds from 0 to 3600, "
							      "not '%s'", value);
		o->wait_ms = (unsigned)secs * 1000;
		break;
	}
	return EXIT_OK;
}

int command_capture(int argc, char **argv)
{
	struct capture_opts o = {
		CONFIG_PATH,	"/proc/vmcore", "/proc/cmdline", "/usr/bin/makedumpfile",
		"/mnt/target",	NULL,		"/sys/class/block", "/dev", 30000, "/dev/tty1", 0,
	};
	int first, r = command_parse(command_named("capture"), argc, argv, capture_option, &o, &first);

	if (r != EXIT_OK)
		return r;
	/* Only the real capture logs to the kernel ring buffer, not a test run.
	 * Its lines are "dumpagent: ...", without the command: the capture is
	 * all the agent does in the capture kernel. */
	log_set_kmsg(strcmp(o.vmcore, "/proc/vmcore") == 0);
	return (int)capture_run(&o);
}
