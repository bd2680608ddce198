/* outbuf.h: a buffered writer to a file descriptor that remembers its first error. */
#ifndef DUMPAGENT_OUTBUF_H
#define DUMPAGENT_OUTBUF_H

#include <stddef.h>

#define OUTBUF_SIZE 16384

struct outbuf {
	int fd;  /* -1: writes go to mem */
	int err; /* 0, or the first -errno; later writes do nothing */
	size_t len;
	char *mem; /* memory mode: NUL-terminated, cut at cap - 1 bytes */
	size_t cap;
	char buf[OUTBUF_SIZE];
};

void outbuf_init(struct outbuf *o, int fd);
/* Writes into mem[cap] instead of a file; what does not fit is dropped. */
void outbuf_init_mem(struct outbuf *o, char *mem, size_t cap);
void outbuf_write(struct outbuf *o, const void *data, size_t len);
void outbuf_puts(struct outbuf *o, const char *s);
/* At most OUTBUF_LINE_MAX - 1 bytes; longer output is cut and ends with
 * "...[cut]" (and its newline when fmt ends with one). Write long values
 * with outbuf_puts or outbuf_write, which never cut. */
#define OUTBUF_LINE_MAX 1024
void outbuf_printf(struct outbuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes out what is buffered; returns 0 or the first -errno. */
int outbuf_flush(struct outbuf *o);

#endif
