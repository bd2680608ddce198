/* main.c: the dumpagent command: dispatches to capture and config. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "cli.h"
#include "config.h"
#include "log.h"
#include "superblock.h"

#define DEFAULT_CONFIG "/etc/dumpagent.conf"
#define EXIT_USAGE 100

static void usage(FILE *f)
{
	fputs("usage: dumpagent capture [options]   save /proc/vmcore (in the capture kernel)\n"
	      "       dumpagent config check [--config FILE]\n"
	      "       dumpagent config get KEY [--config FILE]\n"
	      "       dumpagent probe DEVICE...       show the filesystem the agent sees\n"
	      "       dumpagent status [--json]       would a crash now be captured?\n"
	      "       dumpagent list [--json]         the dumps, newest first\n"
	      "       dumpagent show ID [--json]      the summary and files of one dump\n"
	      "       dumpagent export ID --apport    copy its .crash report to /var/crash for apport\n"
	      "       dumpagent export ID --tar FILE  one archive of the dump (- for stdout)\n"
	      "       dumpagent delete ID             remove one dump\n"
	      "       dumpagent gc                    apply MAX_DUMPS, MAX_TOTAL_MB, MAX_AGE_DAYS\n"
	      "       dumpagent test [--yes]          crash this machine now, to prove capture works\n"
	      "       dumpagent arm-plan [--config FILE]  the configuration and TARGET=auto, as\n"
	      "                                       shell assignments (used by load-crashkernel)\n"
	      "       dumpagent arm-need KERNEL INITRD    the crashkernel= size they need (used by\n"
	      "                                       load-crashkernel)\n"
	      "       dumpagent arm-state KERNEL INITRD CONFIG CMDLINE  their checksums, and\n"
	      "                                       whether they are armed (used by load-crashkernel)\n"
	      "       dumpagent --help | --version\n"
	      "\n"
	      "capture options:\n"
	      "  --config FILE        configuration (default " DEFAULT_CONFIG ")\n"
	      "  --vmcore FILE        crash dump to read (default /proc/vmcore)\n"
	      "  --cmdline FILE       kernel command line with dumpagent.* (default /proc/cmdline)\n"
	      "  --makedumpfile PATH  makedumpfile binary (default /usr/bin/makedumpfile)\n"
	      "  --mountpoint DIR     where the target is mounted (default /mnt/target)\n"
	      "  --target-dir DIR     use this already mounted directory as the target\n"
	      "  --wait SECONDS       how long to wait for the target disk (default 30)\n"
	      "\n"
	      "options of status, list, show, export, delete, gc and test:\n"
	      "  --config FILE        configuration (default " DEFAULT_CONFIG ")\n"
	      "  --crash-dir DIR      read the dumps in DIR instead of the target's CRASH_DIR\n"
	      "  --json               (status, list, show) the same facts as JSON\n"
	      "  --yes                (test) do not ask for confirmation\n"
	      "environment: DUMPAGENT_SYSFS, DUMPAGENT_PROC, DUMPAGENT_DEV, DUMPAGENT_RUN,\n"
	      "DUMPAGENT_APPORT_DIR replace /sys, /proc, /dev, /run/dumpagent and /var/crash.\n"
	      "\n"
	      "exit status of status, list, show, export, delete, gc and test:\n"
	      "  0    done; status: armed, a crash now would be captured\n"
	      "  1    failed; status: not armed (each problem is named)\n"
	      "  2    no dump with that ID\n"
	      "  5    permission denied: not root\n"
	      "  100  bad usage or configuration\n"
	      "\n"
	      "exit status of capture:\n"
	      "  0    complete: dmesg and dump saved\n"
	      "  1    failed: nothing saved\n"
	      "  2    dmesg-only: the dmesg saved, no dump (no space, or every dump failed)\n"
	      "  3    fallback: the agent's own gzipped vmcore instead of makedumpfile's dump,\n"
	      "       or a dump without the dmesg\n"
	      "  4    refused: the target disk is not certain or not safe; nothing written\n"
	      "  100  bad usage or configuration\n"
	      "See dumpagent(8) and dumpagent.conf(5).\n",
	      f);
}

static int cmd_config(int argc, char **argv)
{
	const char *path = DEFAULT_CONFIG, *key = NULL;
	struct config_error err;
	struct config cfg;
	int k, get;

	if (argc < 2 || (strcmp(argv[1], "check") != 0 && strcmp(argv[1], "get") != 0)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	get = strcmp(argv[1], "get") == 0;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (get && !key && argv[i][0] != '-')
			key = argv[i];
		else {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (get && (!key || (k = config_key_lookup(key, strlen(key))) < 0)) {
		log_error("config get: unknown key '%s'", key ? key : "");
		return EXIT_USAGE;
	}
	if (config_load(path, &cfg, &err) < 0) {
		config_report_error(path, &err);
		return EXIT_USAGE;
	}
	if (get)
		printf("%s\n", config_get(&cfg, (enum config_key)k));
	return 0;
}

/* Prints what the capture agent would see on each device: type, UUID, label. */
static int cmd_probe(int argc, char **argv)
{
	int status = argc > 1 ? 0 : EXIT_USAGE;

	for (int i = 1; i < argc; i++) {
		struct fsid id;
		int r, fd = open(argv[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			log_errno(errno, "open %s", argv[i]);
			status = 1;
			continue;
		}
		r = superblock_read(fd, &id);
		(void)close(fd); /* read-only */
		if (r < 0 && r != -ENOENT) {
			log_errno(-r, "read %s", argv[i]);
			status = 1;
		} else if (r == -ENOENT) {
			printf("%s: no known filesystem\n", argv[i]);
			status = 1;
		} else {
			printf("%s: TYPE=%s UUID=%s LABEL=%s\n", argv[i], id.type, id.uuid, id.label);
		}
	}
	if (argc < 2)
		usage(stderr);
	return status;
}

static int cmd_capture(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "vmcore", required_argument, NULL, 'v' },
		{ "cmdline", required_argument, NULL, 'k' },
		{ "makedumpfile", required_argument, NULL, 'm' },
		{ "mountpoint", required_argument, NULL, 'p' },
		{ "target-dir", required_argument, NULL, 't' },
		{ "sys-block", required_argument, NULL, 's' },
		{ "dev-dir", required_argument, NULL, 'd' },
		{ "wait", required_argument, NULL, 'w' },
		{ "tty", required_argument, NULL, 'y' },
		{ "clock", required_argument, NULL, 'T' }, /* tests: the capture kernel's clock */
		{ NULL, 0, NULL, 0 },
	};
	struct capture_opts o = {
		DEFAULT_CONFIG, "/proc/vmcore", "/proc/cmdline", "/usr/bin/makedumpfile",
		"/mnt/target",	NULL,		"/sys/class/block", "/dev", 30000, "/dev/tty1", 0,
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		char *end;
		unsigned long secs;

		switch (opt) {
		case 'c': o.config_path = optarg; break;
		case 'v': o.vmcore = optarg; break;
		case 'k': o.cmdline = optarg; break;
		case 'm': o.makedumpfile = optarg; break;
		case 'p': o.mountpoint = optarg; break;
		case 't': o.target_dir = optarg; break;
		case 's': o.sys_block = optarg; break;
		case 'd': o.dev_dir = optarg; break;
		case 'y': o.tty = optarg; break;
		case 'T':
			o.clock = strtoll(optarg, &end, 10);
			if (*end || end == optarg || o.clock <= 0) {
				log_error("--clock: expected seconds since the epoch, not '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'w':
			secs = strtoul(optarg, &end, 10);
			if (*end || end == optarg || secs > 3600) {
				log_error("--wait: expected seconds from 0 to 3600, not '%s'", optarg);
				return EXIT_USAGE;
			}
			o.wait_ms = (unsigned)secs * 1000;
			break;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* Only the real capture logs to the kernel ring buffer, not a test run. */
	log_set_kmsg(strcmp(o.vmcore, "/proc/vmcore") == 0);
	return (int)capture_run(&o);
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} admin[] = {
	{ "status", cli_status }, { "list", cli_list }, { "show", cli_show }, { "export", cli_export },
	{ "delete", cli_delete }, { "gc", cli_gc },	{ "test", cli_test },
	{ "arm-plan", cli_arm_plan }, { "arm-need", cli_arm_need }, { "arm-state", cli_arm_state },
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("dumpagent %s\n", DUMPAGENT_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "capture") == 0)
		return cmd_capture(argc - 1, argv + 1);
	if (strcmp(argv[1], "probe") == 0)
		return cmd_probe(argc - 1, argv + 1);
	if (strcmp(argv[1], "config") == 0)
		return cmd_config(argc - 1, argv + 1);
	for (size_t i = 0; i < sizeof(admin) / sizeof(admin[0]); i++) {
		if (strcmp(argv[1], admin[i].name) != 0)
			continue;
		for (int k = 2; k < argc; k++)
			if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
				usage(stdout);
				return 0;
			}
		return admin[i].run(argc - 1, argv + 1);
	}
	log_error("unknown command '%s'; see dumpagent --help", argv[1]);
	return EXIT_USAGE;
}
