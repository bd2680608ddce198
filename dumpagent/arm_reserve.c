/* arm_reserve.c: how much reserved memory the capture environment needs (normal-boot side, arming). */
#include "arm_reserve.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "io.h"

#define CHUNK 65536

void arm_need_from_sizes(unsigned long long kernel, unsigned long long initrd,
			 unsigned long long unpacked, struct arm_need *n)
{
	unsigned long long b;

	if (unpacked == 0)
		unpacked = initrd * 3;
	b = kernel * 4 + initrd + unpacked + ARM_WORK_MB * MIB;
	b += b * ARM_MARGIN_PCT / 100;
	n->need = (b + 2 * MIB - 1) / (2 * MIB) * (2 * MIB);
	n->shrink = n->need < ARM_SHRINK_FLOOR_MB * MIB ? ARM_SHRINK_FLOOR_MB * MIB : n->need;
	n->reserve_mb = (n->need + 8 * MIB - 1) / (8 * MIB) * 8;
}

/* Inflates what z holds, counting the output. A member that ends is
 * followed by the next (an initramfs may be several); bytes that are not
 * gzip end it, as gzip -d ignores trailing garbage. 1 to go on, 0 at the end. */
static int inflate_chunk(z_stream *z, unsigned char *out, unsigned long long *total)
{
	while (z->avail_in > 0) {
		int r;

		z->next_out = out;
		z->avail_out = CHUNK;
		r = inflate(z, Z_NO_FLUSH);
		*total += CHUNK - z->avail_out;
		if (r == Z_STREAM_END)
			r = inflateReset(z);
		if (r != Z_OK)
			return 0; /* not gzip (any more), or corrupt: what came out counts */
	}
	return 1;
}

long long arm_unpacked_size(int fd)
{
	static unsigned char in[CHUNK], out[CHUNK];
	unsigned long long total = 0;
	long long off = 0;
	z_stream z;
	int more = 1;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK) /* 16: gzip only */
		return -ENOMEM;
	while (more) {
		ssize_t n = pread_full(fd, in, sizeof(in), off);

		if (n < 0) {
			(void)inflateEnd(&z);
			return n;
		}
		if (n == 0)
			break;
		off += n;
		z.next_in = in;
		z.avail_in = (uInt)n;
		more = inflate_chunk(&z, out, &total);
	}
	(void)inflateEnd(&z);
	return (long long)total;
}

/* The size of path, a readable regular file; 0 or -1 with why. */
static int open_sized(const char *path, int *fd, unsigned long long *size, char *why, size_t len)
{
	struct stat st;

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0 || fstat(*fd, &st) < 0) {
		(void)snprintf(why, len, "open %s: %s", path, strerror(errno));
		if (*fd >= 0)
			(void)close(*fd); /* read-only */
		return -1;
	}
	*size = (unsigned long long)st.st_size;
	return 0;
}

int arm_need(const char *kernel, const char *initrd, struct arm_need *n, char *why, size_t len)
{
	unsigned long long ksize, isize;
	long long unpacked;
	int kfd, ifd;

	if (open_sized(kernel, &kfd, &ksize, why, len) < 0)
		return -1;
	(void)close(kfd); /* read-only: only its size counts */
	if (open_sized(initrd, &ifd, &isize, why, len) < 0)
		return -1;
	unpacked = arm_unpacked_size(ifd);
	(void)close(ifd); /* read-only */
	if (unpacked < 0) {
		(void)snprintf(why, len, "read %s: %s", initrd, strerror((int)-unpacked));
		return -1;
	}
	arm_need_from_sizes(ksize, isize, (unsigned long long)unpacked, n);
	return 0;
}
