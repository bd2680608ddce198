/* gunzip.h: reads a file of gzip members as one inflated stream, as gzip -dc does. */
#ifndef DUMPAGENT_GUNZIP_H
#define DUMPAGENT_GUNZIP_H

#include <stddef.h>
#include <zlib.h>

#define GUNZIP_CHUNK 65536

/* Members follow each other (an initramfs may be several); bytes that are
 * not gzip end the stream, as gzip -d ignores trailing garbage. */
struct gunzip {
	int fd, end, err; /* err: -errno of a read that failed, else 0 */
	long long off;
	z_stream z;
	unsigned char in[GUNZIP_CHUNK];
};

/* Starts reading fd (not closed here); 0, or -ENOMEM. */
int gunzip_open(struct gunzip *g, int fd);
/* Up to len inflated bytes into buf; fewer only at the end of the stream. */
size_t gunzip_read(struct gunzip *g, unsigned char *buf, size_t len);
void gunzip_close(struct gunzip *g);

#endif
