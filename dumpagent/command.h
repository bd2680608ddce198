/* command.h: the one table of dumpagent's commands, their options, and their --help. */
#ifndef DUMPAGENT_COMMAND_H
#define DUMPAGENT_COMMAND_H

#include <stdio.h>

struct command {
	const char *name;    /* "list", or two words: "config check" */
	const char *operand; /* "ID", "KERNEL INITRD" (both), "DEVICE..." (one or more), or NULL */
	const char *opts;    /* the letters of the options it takes (command.c's options[]) */
	const char *what;    /* its line in --help */
	/* argv[0] is the last word of the name; returns the exit status. */
	int (*run)(int argc, char **argv);
};

/* The commands that read no dump (command_*.c); the admin ones are cli.h's. */
int command_capture(int argc, char **argv);
int command_config_check(int argc, char **argv);
int command_config_get(int argc, char **argv);
int command_probe(int argc, char **argv);
/* luks-enroll and luks-unenroll (command_luks.c): the capture's keyslot. */
int command_luks_enroll(int argc, char **argv);
int command_luks_unenroll(int argc, char **argv);
/* load-crashkernel's (command_arm.c, command_arm_args.c, command_arm_plan.c):
 * its command line and --help; the configuration,
 * TARGET=auto and the checks of a load; the reservation estimate; the
 * checksums of what it arms and the record of it. */
int command_arm_args(int argc, char **argv);
int command_arm_plan(int argc, char **argv);
int command_arm_need(int argc, char **argv);
int command_arm_state(int argc, char **argv);

/* The command named by args[0] (and args[1] for a two-word name), or NULL;
 * *words is how many words its name took. */
const struct command *command_find(int argc, char **args, int *words);
/* The command named name, which must be in the table. */
const struct command *command_named(const char *name);
/* Parses the options of cmd in argv (argv[0] is its name), calling
 * set(ctx, letter, value) for each (value NULL for a flag); set returns
 * EXIT_OK or an exit status after saying why. Checks the operands against
 * cmd->operand, and sets *first to the index of the first one. EXIT_OK or the
 * exit status, after a usage message. */
int command_parse(const struct command *cmd, int argc, char **argv,
		  int (*set)(void *ctx, int letter, const char *value), void *ctx, int *first);
/* Says "dumpagent NAME: MESSAGE; see dumpagent --help" and returns EXIT_USAGE. */
int command_usage_error(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* --help: the commands, the options, the exit statuses, the message format. */
void command_help(FILE *f);

#endif
