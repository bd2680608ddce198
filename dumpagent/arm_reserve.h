/* arm_reserve.h: how much reserved memory the capture environment needs (normal-boot side, arming). */
#ifndef DUMPAGENT_ARM_RESERVE_H
#define DUMPAGENT_ARM_RESERVE_H

#include <stddef.h>

#define MIB (1024ULL * 1024)
/* The estimate is the kernel's memory while it boots (its own header's
 * init_size), the initramfs packed and unpacked, and the mode's working
 * memory: a base below, and 1 MiB per ARM_RAM_GIB_PER_MIB GiB of the
 * machine's RAM (makedumpfile's bitmaps and the kernel's view of the
 * vmcore grow with it). Both are calibrated by make bench
 * (bench/RESULTS.md prints the estimate beside the smallest reservation it
 * measured), so that the estimate is the smallest reservation that worked,
 * not a margin. The small kernel (bench of 2026-12-02, commit 569866c): 32
 * MB worked at 1 and 4 GB (28 MB failed), 36 MB at 16 GB (32 MB failed:
 * makedumpfile could not copy its bitmap), with init_size 10.8 MiB and an
 * initramfs of 3.4 MiB packed, 7.4 MiB unpacked: 9 MiB of base. Then
 * makedumpfile 1.7.6 came in as trixie's binary (with libzstd: 3.6 MiB
 * packed, 7.8 MiB unpacked; init_size 11.3 MiB), and its bitmap file moved
 * from the capture kernel's tmpfs to the target (capture_files.c,
 * bitmap_on_target): 32 MB worked at 1 GB (make bench ARCH=arm64 at fc3b428,
 * where 28 MB failed) and at 4 GB (twice, test-e2e-panic with QEMU_MEM=4G and
 * CRASHKERNEL=32M at 4058f5d; without the bitmap's move it had failed), so 8
 * MiB of base keeps the estimate at 32 MiB at both. make bench ARCH=arm64 at
 * f405300 confirmed it: 32 MB worked and 28 MB failed at 1 and 4 GB. At 16
 * GB, 32 MB failed at 4058f5d (makedumpfile killed for memory): the estimate
 * there, 36 MiB, stands. Then the capture kernel lost its legacy ptys (1.9 MiB
 * of slab) and 3.3 MiB of memmap (16 MiB memory sections), the agent 1 MiB
 * (musl), and the kernel was told to unpack into a ramfs before its drivers
 * start (rootfstype=ramfs initramfs_async=0): by hand, 24 MB worked at 1, 4
 * and 16 GB and 20 MB failed at 1 GB (bench/by-hand.md), with init_size 11.4
 * MiB and an initramfs of 3.2 MiB packed, 6.9 MiB unpacked: 1 MiB of base
 * makes the estimate 24 MiB at 1 and 4 GB, and 28 MiB at 16 GB, where 24
 * worked (the RAM term is kept: no guest above 16 GB was bisected). */
#define ARM_WORK_MB 1
#define ARM_RAM_GIB_PER_MIB 4
/* The distro kernel (CAPTURE_MODE=distro): Debian's, which loads modules and
 * sizes its tables for a whole machine. 104 MB worked at 1, 4 and 16 GB (96
 * MB failed, 8 MB steps), with init_size 63.6 MiB and an initramfs of 4.3
 * MiB packed, 11.2 MiB unpacked: 20 MiB of base. */
#define ARM_DISTRO_WORK_MB 20
/* arm64: the same formula, with the kernel's own image_size (code, data,
 * init and bss: an Image is not decompressed) as what it needs while it
 * boots. The small kernel's base is measured (make bench ARCH=arm64 at
 * 95d8483 and again at fdbabf6, bench/RESULTS.md section 1b): 28 MB worked at 1 and 4 GB and 24
 * MB failed (the initramfs did not fit while unpacking), with image_size
 * 6.2 MiB and an initramfs of 3.0 MiB packed, 6.5 MiB unpacked: 11 MiB of
 * base makes the estimate 28 MiB at both, as the x86 bases are calibrated
 * (not above the smallest that worked, above the largest that failed).
 * The distro kernel's is measured the same way (the same bench, Debian's
 * arm64 kernel 6.1.0-57 as the capture kernel with the virtio and ext4
 * modules): 64 MB worked at 1 and 4 GB and 56 MB failed (out of memory while
 * booting); 18 MiB of base makes the estimate 64 MiB at both. Debian's
 * arm64 kernels and this project's use 4 KiB pages; a kernel with 64 KiB
 * pages needs more (Fedora reserves more for it) and is not counted. */
#define ARM_WORK_MB_ARM64 11
#define ARM_DISTRO_WORK_MB_ARM64 18
/* A distro initramfs not built yet (--reserve before the first load) counts
 * as this, packed and unpacked: 4.3 and 11.2 MiB measured with 14 modules
 * (megaraid_sas, sd_mod, ext4); xfs or a bigger controller driver add some. */
#define ARM_DISTRO_INITRD_MB 8
#define ARM_DISTRO_UNPACKED_MB 16
/* What --reserve recommends and --shrink keeps on top of the estimate: a
 * kernel update or a bigger initramfs must not tip a working machine over. */
#define ARM_MARGIN_PCT 20
/* --shrink never goes below this. The bench (bench/RESULTS.md) found 32 MB the
 * smallest reservation that worked for 1 and 4 GB guests before the savings
 * above (24 MB after them), with under 1 MiB free at the lowest: the edge is
 * sharp and measured with the default configuration only. A shrink is undone
 * only by a reboot, so it keeps half as much again over the default 32. */
#define ARM_SHRINK_FLOOR_MB 48

struct arm_need {
	unsigned long long boot;       /* the kernel's memory while it boots, bytes */
	unsigned long long initrd;     /* the initramfs, bytes */
	unsigned long long unpacked;   /* its unpacked files, bytes */
	unsigned long long work;       /* the mode's working memory, bytes */
	unsigned long long need;       /* the sum, in 2 MiB steps: less does not load a capture */
	unsigned long long recommend;  /* need + ARM_MARGIN_PCT, in 8 MiB steps */
	unsigned long long shrink;     /* what --shrink keeps: recommend, at least the floor */
	unsigned long long reserve_mb; /* crashkernel= for --reserve: recommend, in MiB */
};

/* The estimate from its parts (unpacked 0: not gzip, counted as 3 times the
 * initramfs). */
void arm_need_from_sizes(unsigned long long boot, unsigned long long initrd, unsigned long long unpacked,
			 unsigned long long work, struct arm_need *n);
/* The unpacked size of the gzip members at fd (an initramfs may hold
 * several), stopping at the first byte that is not one; 0 when none. The
 * size, or -errno of a read. */
long long arm_unpacked_size(int fd);
/* The working memory of a mode's base (MiB) on a machine with ram bytes. */
unsigned long long arm_work(unsigned base_mb, unsigned long long ram);
/* The machine's RAM, bytes: MemTotal of proc/meminfo; 0 when unknown. */
unsigned long long arm_ram(const char *proc);
/* The small mode's estimate for the files kernel and initrd on a machine
 * with ram bytes (the working memory of the kernel's architecture, read
 * from its header: ARM_WORK_MB or ARM_WORK_MB_ARM64); 0, or -1 with why. */
int arm_need(const char *kernel, const char *initrd, unsigned long long ram, struct arm_need *n, char *why,
	     size_t len);
/* The distro mode's: ARM_DISTRO_WORK_MB (_ARM64 for an arm64 kernel), and an initrd not built yet counted
 * as ARM_DISTRO_INITRD_MB and ARM_DISTRO_UNPACKED_MB. 0, or -1 with why. */
int arm_need_distro(const char *kernel, const char *initrd, unsigned long long ram, struct arm_need *n,
		    char *why, size_t len);
/* Does reserved hold n? 0 when it holds the recommendation too; 1 when it
 * holds the need but not the margin; -1 when it is short: why (or the
 * warning for 1) says the figures and the fix. */
int arm_need_fits(const struct arm_need *n, unsigned long long reserved, const char *mode, char *why,
		  size_t len);

#endif
