/* arm_reserve.c: how much reserved memory the capture environment needs (normal-boot side, arming). */
#include "arm_reserve.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gunzip.h"
#include "kernel_header.h"

void arm_need_from_sizes(unsigned long long boot, unsigned long long initrd, unsigned long long unpacked,
			 unsigned long long work, struct arm_need *n)
{
	unsigned long long r;

	if (unpacked == 0)
		unpacked = initrd * 3;
	*n = (struct arm_need){ .boot = boot, .initrd = initrd, .unpacked = unpacked, .work = work };
	n->need = (boot + initrd + unpacked + work + 2 * MIB - 1) / (2 * MIB) * (2 * MIB);
	r = n->need + n->need * ARM_MARGIN_PCT / 100;
	n->recommend = (r + 8 * MIB - 1) / (8 * MIB) * (8 * MIB);
	n->shrink = n->recommend < ARM_SHRINK_FLOOR_MB * MIB ? ARM_SHRINK_FLOOR_MB * MIB : n->recommend;
	n->reserve_mb = n->recommend / MIB;
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

/* The boot size of the kernel file at path, and whether it is an arm64
 * kernel: 0, or -1 with why. */
static int kernel_boot_size(const char *path, unsigned long long *boot, int *arm64, char *why, size_t len)
{
	unsigned char head[KERNEL_HEADER_LEN];
	unsigned long long size;
	ssize_t got;
	int fd;

	if (open_sized(path, &fd, &size, why, len) < 0)
		return -1;
	got = pread(fd, head, sizeof(head), 0);
	if (got < 0)
		(void)snprintf(why, len, "read %s: %s", path, strerror(errno));
	(void)close(fd); /* read-only */
	if (got < 0)
		return -1;
	*boot = kernel_header_boot_size(head, (size_t)got, size);
	*arm64 = kernel_header_arch(head, (size_t)got) == KERNEL_ARCH_ARM64;
	return 0;
}

unsigned long long arm_work(unsigned base_mb, unsigned long long ram)
{
	const unsigned long long step = ARM_RAM_GIB_PER_MIB * 1024 * MIB;

	/* ram / step MiB, in quarter MiB: 1 GiB counts 0.25 MiB. */
	return base_mb * MIB + ram / (step / 4) * (MIB / 4);
}

unsigned long long arm_ram(const char *proc)
{
	char path[512], line[128];
	unsigned long long kib = 0;
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/meminfo", proc);
	f = fopen(path, "re");
	if (!f)
		return 0; /* unknown: the base alone */
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %llu kB", &kib) == 1)
			break;
	(void)fclose(f); /* read-only */
	return kib * 1024;
}

int arm_need(const char *kernel, const char *initrd, unsigned long long ram, struct arm_need *n, char *why,
	     size_t len)
{
	unsigned long long boot, isize;
	long long unpacked;
	int arm64;

	if (kernel_boot_size(kernel, &boot, &arm64, why, len) < 0 ||
	    initrd_sizes(initrd, &isize, &unpacked, why, len) < 0)
		return -1;
	arm_need_from_sizes(boot, isize, (unsigned long long)unpacked,
			    arm_work(arm64 ? ARM_WORK_MB_ARM64 : ARM_WORK_MB, ram), n);
	return 0;
}

int arm_need_distro(const char *kernel, const char *initrd, unsigned long long ram, struct arm_need *n,
		    char *why, size_t len)
{
	unsigned long long boot, isize = ARM_DISTRO_INITRD_MB * MIB;
	long long unpacked = ARM_DISTRO_UNPACKED_MB * MIB;
	int arm64;

	if (kernel_boot_size(kernel, &boot, &arm64, why, len) < 0)
		return -1;
	/* Not built yet: the placeholders. */
	if (access(initrd, F_OK) == 0 && initrd_sizes(initrd, &isize, &unpacked, why, len) < 0)
		return -1;
	arm_need_from_sizes(boot, isize, (unsigned long long)unpacked,
			    arm_work(arm64 ? ARM_DISTRO_WORK_MB_ARM64 : ARM_DISTRO_WORK_MB, ram), n);
	return 0;
}

/* Tenths of a MiB, for the messages. */
#define MIB10(b) ((b) * 10 / MIB / 10), ((b) * 10 / MIB % 10)

int arm_need_fits(const struct arm_need *n, unsigned long long reserved, const char *mode, char *why,
		  size_t len)
{
	char parts[256];

	why[0] = '\0';
	if (reserved >= n->recommend)
		return 0;
	(void)snprintf(parts, sizeof(parts),
		       "the kernel %llu.%llu MiB while it boots, the initramfs %llu.%llu MiB and %llu.%llu MiB "
		       "unpacked, %llu.%llu MiB of working memory",
		       MIB10(n->boot), MIB10(n->initrd), MIB10(n->unpacked), MIB10(n->work));
	if (reserved >= n->need) {
		(void)snprintf(why, len,
			       "the %llu MiB reserved hold the %s capture environment's estimated need of %llu "
			       "MiB (%s) but not the margin of %d%%: reserve %lluM (load-crashkernel --reserve, "
			       "then reboot)",
			       reserved / MIB, mode, n->need / MIB, parts, ARM_MARGIN_PCT, n->reserve_mb);
		return 1;
	}
	(void)snprintf(why, len,
		       "the %llu MiB reserved are less than the %s capture environment needs: an estimated %llu "
		       "MiB (%s), and a capture kernel without them runs out of memory before it saves "
		       "anything; reserve %lluM (load-crashkernel --reserve, then reboot)",
		       reserved / MIB, mode, n->need / MIB, parts, n->reserve_mb);
	return -1;
}
