/* main.c: the dumpagent command: finds the command in command.c's table and runs it. */
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "exit_codes.h"

static int is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

int main(int argc, char **argv)
{
	const struct command *cmd;
	int words;

	if (argc < 2)
		return command_usage_error(NULL, "expected a command");
	if (is_help(argv[1])) {
		command_help(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("dumpagent %s\n", DUMPAGENT_VERSION);
		return EXIT_OK;
	}
	cmd = command_find(argc - 1, argv + 1, &words);
	if (!cmd)
		return command_usage_error(NULL, "unknown command '%s%s%s'", argv[1], words > 1 ? " " : "",
					   words > 1 ? argv[2] : "");
	/* "COMMAND --help" is dumpagent's; arm-args' arguments are load-crashkernel's. */
	for (int k = 1 + words; k < argc && cmd->run != command_arm_args; k++)
		if (is_help(argv[k])) {
			command_help(stdout);
			return EXIT_OK;
		}
	return cmd->run(argc - words, argv + words);
}
