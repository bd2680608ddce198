/* fallback.c: the agent's own dump when makedumpfile cannot make one: the vmcore, gzipped. */
#include "fallback.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "io.h"

#define CHUNK (256 * 1024)

struct gz {
	z_stream zs;
	int out;
	unsigned char obuf[CHUNK];
};

/* Compresses what is in zs's input, writing every full output buffer. */
static int pump(struct gz *g, int flush)
{
	int zr;

	do {
		g->zs.next_out = g->obuf;
		g->zs.avail_out = sizeof(g->obuf);
		zr = deflate(&g->zs, flush);
		if (zr == Z_STREAM_ERROR)
			return -EIO;
		int r = write_all(g->out, g->obuf, sizeof(g->obuf) - g->zs.avail_out);

		if (r < 0)
			return r;
	} while (g->zs.avail_out == 0);
	return flush == Z_FINISH && zr != Z_STREAM_END ? -EIO : 0;
}

static int stream(int in, struct gz *g, char *err, size_t errlen)
{
	static unsigned char ibuf[CHUNK];
	off_t off = 0;

	for (;;) {
		ssize_t n = pread_full(in, ibuf, sizeof(ibuf), off);
		int r;

		if (n < 0) {
			(void)snprintf(err, errlen, "read vmcore at offset %lld: %s", (long long)off,
				       strerror((int)-n));
			return (int)n;
		}
		g->zs.next_in = ibuf;
		g->zs.avail_in = (uInt)n;
		r = pump(g, n == 0 ? Z_FINISH : Z_NO_FLUSH);
		if (r < 0) {
			(void)snprintf(err, errlen, "write compressed core: %s", strerror(-r));
			return r;
		}
		if (n == 0)
			return 0;
		off += n;
	}
}

int fallback_gzip_vmcore(const char *vmcore_path, int dirfd, const char *tmpname, char *err,
			 size_t errlen)
{
	static struct gz g;
	int in, r;

	memset(&g.zs, 0, sizeof(g.zs));
	/* windowBits 15 + 16: a gzip stream; level 1: the fastest, on the worst day. */
	if (deflateInit2(&g.zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		(void)snprintf(err, errlen, "zlib deflateInit2 failed");
		return -ENOMEM;
	}
	in = open(vmcore_path, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		r = -errno;
		(void)snprintf(err, errlen, "open %s: %s", vmcore_path, strerror(-r));
		goto out_zlib;
	}
	g.out = openat(dirfd, tmpname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (g.out < 0) {
		r = -errno;
		(void)snprintf(err, errlen, "create %s: %s", tmpname, strerror(-r));
		goto out_in;
	}
	r = stream(in, &g, err, errlen);
	if (close(g.out) < 0 && r == 0) {
		r = -errno;
		(void)snprintf(err, errlen, "close %s: %s", tmpname, strerror(-r));
	}
out_in:
	(void)close(in); /* read-only */
out_zlib:
	(void)deflateEnd(&g.zs);
	return r;
}
