/* command_arm.h: what the arm-* commands (command_arm.c, command_arm_plan.c) share: answers as shell assignments. */
#ifndef DUMPAGENT_COMMAND_ARM_H
#define DUMPAGENT_COMMAND_ARM_H

/* Prints NAME='VALUE' with every ' written '\'': load-crashkernel evals
 * these lines, so no value, however made, can run anything. */
void arm_put(const char *name, const char *value);
/* Parses argv for the command name (command.c's table), calling set(ctx,
 * letter, value) for each option; *first is the first operand. EXIT_OK or
 * the exit status, after a usage message. */
int arm_args(const char *name, int argc, char **argv, int (*set)(void *ctx, int letter, const char *value),
	     void *ctx, int *first);
/* $DUMPAGENT_PROC or /proc, $DUMPAGENT_SYSFS or /sys (test hooks). */
const char *arm_proc_dir(void);
const char *arm_sysfs_dir(void);

#endif
