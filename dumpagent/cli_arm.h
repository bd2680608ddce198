/* cli_arm.h: what the arm-* commands (cli_arm.c, cli_arm_plan.c) share: answers as shell assignments. */
#ifndef DUMPAGENT_CLI_ARM_H
#define DUMPAGENT_CLI_ARM_H

/* Prints NAME='VALUE' with every ' written '\'': load-crashkernel evals
 * these lines, so no value, however made, can run anything. */
void arm_put(const char *name, const char *value);
/* "dumpagent CMD: WHAT 'ARG'; see dumpagent --help"; returns EXIT_USAGE. */
int arm_usage_error(const char *cmd, const char *what, const char *arg);
/* $DUMPAGENT_PROC or /proc, $DUMPAGENT_SYSFS or /sys (test hooks). */
const char *arm_proc_dir(void);
const char *arm_sysfs_dir(void);

#endif
