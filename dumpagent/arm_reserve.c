/* arm_reserve.c: how much reserved memory the capture environment needs (normal-boot side, arming). */
#include "arm_reserve.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gunzip.h"

/* The estimate with work bytes of working memory. */
static void need_with(unsigned long long kernel, unsigned long long initrd, unsigned long long unpacked,
		      unsigned long long work, struct arm_need *n)
{
	unsigned long long b;

	if (unpacked == 0)
		unpacked = initrd * 3;
	b = kernel * 4 + initrd + unpacked + work;
	b += b * ARM_MARGIN_PCT / 100;
	n->need = (b + 2 * MIB - 1) / (2 * MIB) * (2 * MIB);
	n->shrink = n->need < ARM_SHRINK_FLOOR_MB * MIB ? ARM_SHRINK_FLOOR_MB * MIB : n->need;
	n->reserve_mb = (n->need + 8 * MIB - 1) / (8 * MIB) * 8;
}

void arm_need_from_sizes(unsigned long long kernel, unsigned long long initrd,
			 unsigned long long unpacked, struct arm_need *n)
{
	need_with(kernel, initrd, unpacked, ARM_WORK_MB * MIB, n);
}

long long arm_unpacked_size(int fd)
{
	static struct gunzip g;
	static unsigned char out[GUNZIP_CHUNK];
	unsigned long long total = 0;
	size_t n;

	if (gunzip_open(&g, fd) < 0) {
		gunzip_close(&g);
		return -ENOMEM;
	}
	while ((n = gunzip_read(&g, out, sizeof(out))) > 0)
		total += n;
	gunzip_close(&g);
	return g.err < 0 ? g.err : (long long)total;
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

/* The initramfs's size and unpacked size: 0, or -1 with why. */
static int initrd_sizes(const char *initrd, unsigned long long *size, long long *unpacked, char *why, size_t len)
{
	int fd;

	if (open_sized(initrd, &fd, size, why, len) < 0)
		return -1;
	*unpacked = arm_unpacked_size(fd);
	(void)close(fd); /* read-only */
	if (*unpacked < 0) {
		(void)snprintf(why, len, "read %s: %s", initrd, strerror((int)-*unpacked));
		return -1;
	}
	return 0;
}

int arm_need(const char *kernel, const char *initrd, struct arm_need *n, char *why, size_t len)
{
	unsigned long long ksize, isize;
	long long unpacked;
	int kfd;

	if (open_sized(kernel, &kfd, &ksize, why, len) < 0)
		return -1;
	(void)close(kfd); /* read-only: only its size counts */
	if (initrd_sizes(initrd, &isize, &unpacked, why, len) < 0)
		return -1;
	arm_need_from_sizes(ksize, isize, (unsigned long long)unpacked, n);
	return 0;
}

int arm_need_distro(const char *kernel, const char *initrd, struct arm_need *n, char *why, size_t len)
{
	unsigned long long ksize, isize = ARM_DISTRO_INITRD_MB * MIB;
	long long unpacked = 0;
	int kfd;

	if (open_sized(kernel, &kfd, &ksize, why, len) < 0)
		return -1;
	(void)close(kfd); /* read-only: only its size counts */
	/* Not built yet: counted as ARM_DISTRO_INITRD_MB, packed. */
	if (access(initrd, F_OK) == 0 && initrd_sizes(initrd, &isize, &unpacked, why, len) < 0)
		return -1;
	need_with(ksize, isize, (unsigned long long)unpacked, (ARM_WORK_MB + ARM_DISTRO_WORK_MB) * MIB, n);
	return 0;
}
