/* io.h: complete reads and writes, retried on EINTR and short counts. */
#ifndef DUMPAGENT_IO_H
#define DUMPAGENT_IO_H

#include <stddef.h>
#include <sys/types.h>

/* Returns 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);
/* One read(2) of at most len bytes, retried on EINTR: the count (0 at end of
 * file) or -errno. For a stream read chunk by chunk. */
ssize_t read_some(int fd, void *buf, size_t len);
/* Reads fd to its end, at most len bytes of buf at a time, and hands each
 * chunk to each(ctx, buf, n); stops early when each returns nonzero.
 * 0, or -errno of the read. */
int read_each(int fd, char *buf, size_t len, int (*each)(void *ctx, const char *p, size_t n),
	      void *ctx);
/* Reads up to len bytes at off; returns the count (short only at end of file) or -errno. */
ssize_t pread_full(int fd, void *buf, size_t len, off_t off);
/* Reads at most len-1 bytes of path (a small file of the normal-boot side,
 * opened as given) into buf and ends them with a NUL: the count or -errno. */
ssize_t read_small(const char *path, char *buf, size_t len);

#endif
