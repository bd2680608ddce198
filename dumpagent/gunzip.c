/* gunzip.c: reads a file of gzip members as one inflated stream, as gzip -dc does. */
#include "gunzip.h"

#include <errno.h>
#include <string.h>

#include "io.h"

int gunzip_open(struct gunzip *g, int fd)
{
	memset(g, 0, sizeof(*g));
	g->fd = fd;
	return inflateInit2(&g->z, 15 + 16) == Z_OK ? 0 : -ENOMEM; /* 16: gzip only */
}

size_t gunzip_read(struct gunzip *g, unsigned char *buf, size_t len)
{
	size_t got = 0;

	while (got < len && !g->end) {
		int r;

		if (g->z.avail_in == 0) {
			ssize_t n = pread_full(g->fd, g->in, sizeof(g->in), g->off);

			if (n <= 0) {
				g->err = n < 0 ? (int)n : 0;
				g->end = 1;
				break;
			}
			g->off += n;
			g->z.next_in = g->in;
			g->z.avail_in = (uInt)n;
		}
		g->z.next_out = buf + got;
		g->z.avail_out = (uInt)(len - got);
		r = inflate(&g->z, Z_NO_FLUSH);
		got = len - g->z.avail_out;
		if (r == Z_STREAM_END)
			r = inflateReset(&g->z); /* the next member, if any */
		if (r != Z_OK && !(r == Z_BUF_ERROR && g->z.avail_in == 0))
			g->end = 1; /* not gzip (any more), or corrupt: what came out counts */
	}
	return got;
}

void gunzip_close(struct gunzip *g)
{
	(void)inflateEnd(&g->z);
}
