/* command_probe.c: the probe command: what the capture agent would see on each device (type, UUID, label). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "command.h"
#include "exit_codes.h"
#include "log.h"
#include "superblock.h"

static int no_option(void *ctx, int letter, const char *value)
{
	(void)ctx, (void)letter, (void)value;
	return EXIT_OK;
}

int command_probe(int argc, char **argv)
{
	int first, status;

	log_set_command("probe");
	status = command_parse(command_named("probe"), argc, argv, no_option, NULL, &first);
	for (int i = first; status != EXIT_USAGE && i < argc; i++) {
		struct fsid id;
		int r, fd = open(argv[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			log_errno(errno, "open %s", argv[i]);
			status = EXIT_FAILED;
			continue;
		}
		r = superblock_read(fd, &id);
		(void)close(fd); /* read-only */
		if (r < 0 && r != -ENOENT) {
			log_errno(-r, "read %s", argv[i]);
			status = EXIT_FAILED;
		} else if (r == -ENOENT) {
			printf("%s: no known filesystem\n", argv[i]);
			status = EXIT_FAILED;
		} else {
			printf("%s: TYPE=%s UUID=%s LABEL=%s\n", argv[i], id.type, id.uuid, id.label);
		}
	}
	return status;
}
