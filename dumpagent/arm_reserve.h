/* arm_reserve.h: how much reserved memory the capture environment needs (normal-boot side, arming). */
#ifndef DUMPAGENT_ARM_RESERVE_H
#define DUMPAGENT_ARM_RESERVE_H

#include <stddef.h>

#define MIB (1024ULL * 1024)
/* Working memory of the capture environment (kernel allocations, busybox,
 * the agent and makedumpfile), measured in QEMU with 32 MiB reserved. */
#define ARM_WORK_MB 12
/* The margin added on top of the sum. */
#define ARM_MARGIN_PCT 20
/* --shrink never goes below this. The bench (bench/RESULTS.md) found 32 MB the
 * smallest reservation that works for 1, 4 and 16 GB guests and 28 MB failing,
 * with 0.7 MiB free at the lowest at 32 MB: the edge is sharp and measured with
 * the default configuration only. A shrink is undone only by a reboot, so it
 * keeps half as much again. */
#define ARM_SHRINK_FLOOR_MB 48

/* The distro mode (CAPTURE_MODE=distro) boots a full distro kernel, which
 * loads its modules and needs more working memory than the small one.
 * PLACEHOLDERS until measured by the bench (bench/RESULTS.md, the distro
 * rows of the smallest-reservation table): the distro initramfs's size when
 * it is not built yet (--reserve before the first load), and the working
 * memory added to ARM_WORK_MB. */
#define ARM_DISTRO_INITRD_MB 24
#define ARM_DISTRO_WORK_MB 48

struct arm_need {
	unsigned long long need;   /* bytes, in 2 MiB steps */
	unsigned long long shrink; /* what --shrink keeps: need, at least the floor */
	unsigned long long reserve_mb; /* crashkernel= for --reserve: need in 8 MiB steps */
};

/* The estimate from the sizes of the kernel image (about 4 times its
 * compressed size while it boots), the initramfs and its unpacked copy
 * (unpacked 0: not gzip, counted as 3 times the initramfs). */
void arm_need_from_sizes(unsigned long long kernel, unsigned long long initrd,
			 unsigned long long unpacked, struct arm_need *n);
/* The unpacked size of the gzip members at fd (an initramfs may hold
 * several), stopping at the first byte that is not one; 0 when none. The
 * size, or -errno of a read. */
long long arm_unpacked_size(int fd);
/* The estimate for the files kernel and initrd; 0, or -1 with why. */
int arm_need(const char *kernel, const char *initrd, struct arm_need *n, char *why, size_t len);
/* The distro mode's estimate: arm_need, plus ARM_DISTRO_WORK_MB; an initrd
 * not built yet counts as ARM_DISTRO_INITRD_MB. 0, or -1 with why. */
int arm_need_distro(const char *kernel, const char *initrd, struct arm_need *n, char *why, size_t len);

#endif
