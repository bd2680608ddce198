/* dumpdir_read.h: reader side: the dump directories of a crash directory and their status (docs/dump-format.md). */
#ifndef DUMPAGENT_DUMPDIR_READ_H
#define DUMPAGENT_DUMPDIR_READ_H

#include <stddef.h>

#include "dump_format.h"

/* More dump directories than this are counted in skipped, not read. */
#define DUMPDIR_MAX 10000

/* DUMP_SUMMARY_ONLY: a capture that saved its summary and log but no dmesg or
 * dump; it is kept by the rules of a finished dump, for the log says why. */
enum dump_status { DUMP_COMPLETE, DUMP_FALLBACK, DUMP_DMESG_ONLY, DUMP_INCOMPLETE, DUMP_SUMMARY_ONLY };

struct dump_entry {
	char id[DUMP_ID_MAX];
	int dirfd;                 /* the crash directory holding it (borrowed) */
	const char *where;         /* its path, for messages */
	enum dump_status status;
	long long id_time;         /* the UTC minute its id names, seconds since the epoch */
	unsigned seq;              /* 1, or N of a -N suffix */
	unsigned long long bytes;  /* sum of the sizes of its files */
	int has_summary;
	unsigned long long dev, ino; /* the directory that was read, to find it again */
};

struct dump_set {
	struct dump_entry d[DUMPDIR_MAX];
	size_t count, skipped;
};

/* Adds the dump directories of crashfd (path where) to set: directories named
 * by an id, owned by root, with no group or other permission bits; anything
 * else is someone else's and is not read. 0 or -errno. */
int dumpdir_scan(int crashfd, const char *where, struct dump_set *set);
/* Orders set oldest first. */
void dumpdir_sort(struct dump_set *set);
/* Reads the status and size of dump directory id of crashfd into e. 0 or -errno. */
int dumpdir_read(int crashfd, const char *id, struct dump_entry *e);
/* Opens dump directory id of crashfd, never following a link, only when it is
 * a directory owned by root with no group or other bits (else -EPERM).
 * The fd or -errno. */
int dumpdir_open(int crashfd, const char *id);
/* Opens the directory e was read from, as dumpdir_open; -ESTALE when its name
 * has been given to another directory since. */
int dumpdir_open_entry(const struct dump_entry *e);
/* Removes dump directory id of crashfd and its files, never following a link. 0 or -errno. */
int dumpdir_remove(int crashfd, const char *id);
/* Finds id in set, or NULL. */
struct dump_entry *dumpdir_find(struct dump_set *set, const char *id);
const char *dumpdir_status_name(enum dump_status s);

#endif
