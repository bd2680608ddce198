/* io.h: complete reads and writes, retried on EINTR and short counts. */
#ifndef DUMPAGENT_IO_H
#define DUMPAGENT_IO_H

#include <stddef.h>
#include <sys/types.h>

/* Returns 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);
/* Reads up to len bytes at off; returns the count (short only at end of file) or -errno. */
ssize_t pread_full(int fd, void *buf, size_t len, off_t off);

#endif
