/* apport.h: writes apport problem reports (.crash), streaming, in bounded memory. */
#ifndef DUMPAGENT_APPORT_H
#define DUMPAGENT_APPORT_H

#include <stddef.h>

#include "outbuf.h"

enum apport_kind {
	APPORT_TEXT,     /* text, len bytes */
	APPORT_TEXT_FD,  /* text read from fd to its end */
	APPORT_BINARY_FD, /* bytes read from fd to its end, gzipped and base64-encoded */
	APPORT_BINARY_FD_STORED /* the same for bytes that are compressed already: the gzip
				   stream holds them in stored blocks, not deflated twice */
};

struct apport_entry {
	const char *key;
	enum apport_kind kind;
	const char *text;
	size_t len;
	int fd;
};

/* A key is one or more ASCII letters, digits, '.', '-' or '_'. */
int apport_key_valid(const char *key);
/* Writes ProblemType first, then text entries sorted by key, then binary ones
 * sorted by key; reorders entries. Returns 0, or -1 with a message in err. */
int apport_write(struct outbuf *o, struct apport_entry *entries, size_t n, char *err,
		 size_t errlen);

/* Appends one binary entry (APPORT_BINARY_FD or _STORED) to a report that
 * holds only text entries so far, and flushes: the order apport_write keeps
 * (binary entries last) when the key sorts after every binary one there,
 * which holds for VmCore, the only one. 0, or -1 with a message in err. */
int apport_append_binary(struct outbuf *o, const struct apport_entry *e, char *err, size_t errlen);

#endif
