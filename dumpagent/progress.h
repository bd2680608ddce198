/* progress.h: what makedumpfile is doing, shown on the console about once a second. */
#ifndef DUMPAGENT_PROGRESS_H
#define DUMPAGENT_PROGRESS_H

#include "runner.h"

struct progress {
	const char *what; /* "dump", "dmesg" */
	int dirfd;
	const char *file; /* being written in dirfd */
	long long start_ms;
	char phase[48];
	double percent; /* of the phase; -1 before the first report */
	char shown[160];
};

/* A watch for run_in_dir: progress lines become console updates, others go to the log. */
void progress_watch(struct progress *p, struct run_watch *w, const char *what, int dirfd,
		    const char *file);
/* Parses makedumpfile's "Copying data   : [ 45.2 %] /  eta: 5s"; 0 if it is one. */
int progress_parse(const char *line, char *phase, unsigned size, double *percent);

#endif
