/* runner.h: runs makedumpfile with its output confined to a directory fd. */
#ifndef DUMPAGENT_RUNNER_H
#define DUMPAGENT_RUNNER_H

/* Runs argv[0] (a path) with the working directory set to dirfd and umask 077,
 * so relative output names land in that directory with mode 0600.
 * Returns the exit status (0..255), 128+signal, or -errno if it could not run. */
int run_in_dir(int dirfd, char *const argv[]);

#endif
