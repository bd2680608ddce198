/* dumpdir.h: reads the dump directories of a crash directory and their status (docs/dump-format.md). */
#ifndef DUMPAGENT_DUMPDIR_H
#define DUMPAGENT_DUMPDIR_H

#include <stddef.h>

#include "crashdir.h"

/* More dump directories than this are counted in skipped, not read. */
#define DUMPDIR_MAX 10000

enum dump_status { DUMP_COMPLETE, DUMP_FALLBACK, DUMP_DMESG_ONLY, DUMP_INCOMPLETE };

struct dump_entry {
	char id[CRASHDIR_NAME_MAX];
	int dirfd;                 /* the crash directory holding it (borrowed) */
	const char *where;         /* its path, for messages */
	enum dump_status status;
	long long id_time;         /* the UTC minute its id names, seconds since the epoch */
	unsigned seq;              /* 1, or N of a -N suffix */
	unsigned long long bytes;  /* sum of the sizes of its files */
	int has_summary;
};

struct dump_set {
	struct dump_entry d[DUMPDIR_MAX];
	size_t count, skipped;
};

/* Parses YYYYMMDDHHMM or YYYYMMDDHHMM-N (N from 2 to 99): 0, or -1 when name is no dump id. */
int dumpdir_parse_id(const char *name, long long *t, unsigned *seq);
/* Adds the dump directories of crashfd (path where) to set. 0 or -errno. */
int dumpdir_scan(int crashfd, const char *where, struct dump_set *set);
/* Orders set oldest first. */
void dumpdir_sort(struct dump_set *set);
/* Reads the status and size of dump directory id of crashfd into e. 0 or -errno. */
int dumpdir_read(int crashfd, const char *id, struct dump_entry *e);
/* Removes dump directory id of crashfd and its files, never following a link. 0 or -errno. */
int dumpdir_remove(int crashfd, const char *id);
/* Finds id in set, or NULL. */
struct dump_entry *dumpdir_find(struct dump_set *set, const char *id);
const char *dumpdir_status_name(enum dump_status s);

#endif
