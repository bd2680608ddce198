/* runner.h: runs makedumpfile with its output confined to a directory fd. */
#ifndef DUMPAGENT_RUNNER_H
#define DUMPAGENT_RUNNER_H

/* Receives the program's output, a line at a time ('\r' also ends a line),
 * and a tick about once a second while it runs. */
struct run_watch {
	void (*line)(void *arg, const char *line);
	void (*tick)(void *arg);
	void *arg;
};

/* Runs argv[0] (a path) with the working directory set to dirfd and umask 077,
 * so relative output names land in that directory with mode 0600. env, if
 * not NULL, is NAME, VALUE, NAME, VALUE, ..., NULL: set in the child's
 * environment only (the agent's own stays as it is); one that cannot be set
 * (or a NAME without a VALUE) fails the run with 126 and a line on the
 * child's stderr. With a watch, its stdout and stderr go to the watch;
 * without, they are inherited. Returns the exit status (0..255),
 * 128+signal, or -errno if it could not run. */
int run_in_dir(int dirfd, char *const argv[], const char *const env[], const struct run_watch *watch);

#endif
