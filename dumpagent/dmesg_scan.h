/* dmesg_scan.h: the facts of a crash, read from the crashed kernel's log text. */
#ifndef DUMPAGENT_DMESG_SCAN_H
#define DUMPAGENT_DMESG_SCAN_H

#include <stddef.h>

#define FACT_LINE_MAX 256
#define FACT_TRACE_MAX 48
#define FACT_MODULES_MAX 4096
#define DMESG_LINE_MAX 8192 /* longer lines are cut here */

struct dmesg_facts {
	char panic[FACT_LINE_MAX]; /* "" when unknown */
	int cpu;                   /* -1 when unknown */
	long pid;                  /* -1 when unknown */
	char comm[64];
	char taint[64];
	char modules[FACT_MODULES_MAX]; /* as printed: names separated by spaces */
	unsigned trace_count;
	int trace_cut; /* more trace lines than FACT_TRACE_MAX */
	char trace[FACT_TRACE_MAX][FACT_LINE_MAX];
};

struct dmesg_scan {
	struct dmesg_facts *facts;
	const char *release; /* ends the taint flags on the "CPU:" line */
	char oops[FACT_LINE_MAX];
	int in_trace;
	size_t len; /* of the line being collected */
	char line[DMESG_LINE_MAX];
};

/* No facts known. */
void dmesg_facts_clear(struct dmesg_facts *facts);
void dmesg_scan_init(struct dmesg_scan *s, struct dmesg_facts *facts, const char *release);
/* Feeds any amount of text; lines may span calls. */
void dmesg_scan_feed(struct dmesg_scan *s, const char *text, size_t len);
/* Ends the last line and settles the panic line. */
void dmesg_scan_finish(struct dmesg_scan *s);
/* Scans a whole file; returns 0 or -errno. */
int dmesg_scan_fd(int fd, struct dmesg_facts *facts, const char *release);

#endif
