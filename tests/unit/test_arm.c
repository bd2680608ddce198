/* test_arm.c: what load-crashkernel arms with: TARGET=auto, the estimate, the command line, the "armed?" facts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <zlib.h>

#include "arm_check.h"
#include "arm_cmdline.h"
#include "arm_initrd.h"
#include "arm_record.h"
#include "arm_reserve.h"
#include "kernel_header.h"
#include "arm_state.h"
#include "sha256.h"
#include "arm_target.h"
#include "tmpdir.h"

static void need_counts_every_part(void **state)
{
	struct arm_need n;

	(void)state;
	/* 11 MiB booting, 20 MiB initramfs that is not gzip (unpacked: 3 times),
	 * 10 MiB work: 11 + 20 + 60 + 10 = 101 -> 102 MiB in 2 MiB steps;
	 * +20% = 122.4 -> 128 in 8 MiB steps. */
	arm_need_from_sizes(11 * MIB, 20 * MIB, 0, 10 * MIB, &n);
	assert_int_equal(n.need, 102 * MIB);
	assert_int_equal(n.recommend, 128 * MIB);
	assert_int_equal(n.shrink, 128 * MIB);
	assert_int_equal(n.reserve_mb, 128);
	assert_int_equal(n.unpacked, 60 * MIB);
	/* An unpacked size that is known counts as it is: 11 + 3 + 7 + 10 = 31 -> 32, 38.4 -> 40. */
	arm_need_from_sizes(11 * MIB, 3 * MIB, 7 * MIB, 10 * MIB, &n);
	assert_int_equal(n.need, 32 * MIB);
	assert_int_equal(n.recommend, 40 * MIB);
	assert_int_equal(n.reserve_mb, 40);
}

static void shrink_keeps_the_floor(void **state)
{
	struct arm_need n;

	(void)state;
	arm_need_from_sizes(11 * MIB, 3 * MIB, 7 * MIB, 10 * MIB, &n); /* recommends 40 */
	assert_int_equal(n.shrink, ARM_SHRINK_FLOOR_MB * MIB);
}

/* The boot size comes from the kernel's header: an x86 bzImage's init_size,
 * an arm64 Image's image_size, else 4 times the file. */
static void kernel_boot_size_reads_the_header(void **state)
{
	unsigned char h[0x270] = { 0 };

	(void)state;
	assert_int_equal(kernel_header_boot_size(h, sizeof(h), 5 * MIB), 20 * MIB);
	memcpy(h + 0x202, "HdrS", 4);
	h[0x206] = 0x0f, h[0x207] = 0x02; /* protocol 2.15 */
	h[0x260] = 0x00, h[0x261] = 0x40, h[0x262] = 0xad, h[0x263] = 0x00; /* 0xad4000: 10.8 MiB */
	assert_int_equal(kernel_header_boot_size(h, sizeof(h), 5 * MIB), 0xad4000);
	assert_int_equal(kernel_header_boot_size(h, 0x263, 5 * MIB), 20 * MIB); /* cut short */
	h[0x206] = 0x09; /* protocol 2.09: no init_size */
	assert_int_equal(kernel_header_boot_size(h, sizeof(h), 5 * MIB), 20 * MIB);
	memset(h, 0, sizeof(h));
	memcpy(h + 0x38, "ARM\x64", 4);
	h[16] = 0x00, h[17] = 0x00, h[18] = 0x30, h[19] = 0x02; /* 35 MiB */
	assert_int_equal(kernel_header_boot_size(h, sizeof(h), 5 * MIB), 35 * MIB);
}

/* A bzImage's kernel_version string: the pointer at 0x20e counts from 0x200. */
static void kernel_version_is_found_from_the_header(void **state)
{
	unsigned char h[KERNEL_HEADER_LEN] = { 0 };

	(void)state;
	h[0x20e] = 0x40, h[0x20f] = 0x38; /* 0x3840 */
	assert_int_equal(kernel_header_version_at(h, sizeof(h)), 0); /* no "HdrS": not a bzImage */
	memcpy(h + 0x202, "HdrS", 4);
	assert_int_equal(kernel_header_version_at(h, sizeof(h)), 0x3a40);
	assert_int_equal(kernel_header_version_at(h, 0x20f), 0); /* cut short */
	h[0x20e] = 0, h[0x20f] = 0;
	assert_int_equal(kernel_header_version_at(h, sizeof(h)), 0); /* none */
}

/* The working memory grows by 1 MiB per ARM_RAM_GIB_PER_MIB GiB of RAM,
 * counted in quarters; MemTotal of proc/meminfo gives the RAM. */
static void work_grows_with_ram(void **state)
{
	char dir[256], path[300];
	FILE *f;

	(void)state;
	assert_int_equal(arm_work(9, 0), 9 * MIB);
	assert_int_equal(arm_work(9, 1024 * MIB), 9 * MIB + MIB / 4);
	assert_int_equal(arm_work(9, 16ULL * 1024 * MIB), 13 * MIB);
	assert_int_equal(arm_work(20, 1000ULL * 1024 * MIB), 270 * MIB); /* 1000 GiB: 250 MiB more */
	(void)snprintf(dir, sizeof(dir), "%s", "/tmp/test_arm_ram.XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(arm_ram(dir), 0); /* no meminfo: unknown */
	(void)snprintf(path, sizeof(path), "%s/meminfo", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("MemFree:         1000 kB\nMemTotal:       16371268 kB\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(arm_ram(dir), 16371268ULL * 1024);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* The check of a load: short refuses, naming the need and the fix; between
 * the need and the recommendation, a warning; above, nothing. */
static void need_fits_or_says_why(void **state)
{
	struct arm_need n;
	char why[512];

	(void)state;
	arm_need_from_sizes(11 * MIB, 3 * MIB, 7 * MIB, 10 * MIB, &n); /* need 32, recommend 40 */
	assert_int_equal(arm_need_fits(&n, 30 * MIB, "small", why, sizeof(why)), -1);
	assert_non_null(strstr(why, "the 30 MiB reserved are less than the small capture environment needs: "
				    "an estimated 32 MiB"));
	assert_non_null(strstr(why, "reserve 40M"));
	assert_int_equal(arm_need_fits(&n, 32 * MIB, "small", why, sizeof(why)), 1);
	assert_non_null(strstr(why, "not the margin of 20%: reserve 40M"));
	assert_int_equal(arm_need_fits(&n, 40 * MIB, "small", why, sizeof(why)), 0);
	assert_string_equal(why, "");
}

/* Appends a gzip member holding len bytes of c to path. */
static void gzip_append(const char *path, int c, size_t len)
{
	static char buf[100000];
	gzFile g = gzopen(path, "ab");

	assert_non_null(g);
	memset(buf, c, len);
	assert_int_equal(gzwrite(g, buf, (unsigned)len), (int)len);
	assert_int_equal(gzclose(g), Z_OK);
}

static long long unpacked(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	long long n;

	assert_true(fd >= 0);
	n = arm_unpacked_size(fd);
	(void)close(fd);
	return n;
}

static void unpacked_counts_every_member(void **state)
{
	char path[128];
	FILE *f;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/initrd.img", root);
	gzip_append(path, 'a', 100000);
	assert_int_equal(unpacked(path), 100000);
	gzip_append(path, 'b', 70000); /* an initramfs of two archives */
	assert_int_equal(unpacked(path), 170000);
	f = fopen(path, "ab"); /* padding after the last member is not gzip: it ends there */
	assert_non_null(f);
	assert_int_equal(fwrite("\0\0\0\0garbage", 1, 11, f), 11);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(unpacked(path), 170000);
}

static void unpacked_of_not_gzip_is_zero(void **state)
{
	char path[128];
	FILE *f;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/plain.cpio", root);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite("070701 not compressed", 1, 21, f), 21);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(unpacked(path), 0);
}

static void mount_found_by_device_with_root_slash(void **state)
{
	/* A bind mount of a subdirectory of 8:1 comes first: its root is not "/". */
	static char text[] = "21 1 0:20 / /proc rw - proc proc rw\n"
			     "30 1 8:1 /srv /mnt/bind rw - ext4 /dev/sda1 rw\n"
			     "31 1 8:1 / /mnt/my\\040disk rw,relatime shared:1 - ext4 /dev/sda1 rw\n";
	struct arm_mount m;
	FILE *f = fmemopen(text, strlen(text), "r");

	(void)state;
	assert_non_null(f);
	assert_int_equal(arm_mount_find(f, makedev(8, 1), &m), 0);
	assert_string_equal(m.mountpoint, "/mnt/my disk");
	assert_string_equal(m.device, "/dev/sda1");
	assert_string_equal(m.fstype, "ext4");
	rewind(f);
	assert_int_equal(arm_mount_find(f, makedev(8, 2), &m), -1);
	(void)fclose(f);
}

static void existing_dir_is_the_nearest_parent(void **state)
{
	char path[256], dir[256];
	struct stat st;
	dev_t dev;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/var/crash/new", root);
	assert_int_equal(arm_existing_dir(path, dir, sizeof(dir), &dev), 0);
	assert_string_equal(dir, root);
	assert_int_equal(stat(root, &st), 0);
	assert_int_equal(dev, st.st_dev);
	assert_int_equal(arm_existing_dir("/nothere-dumpagent", dir, sizeof(dir), &dev), 0);
	assert_string_equal(dir, "/");
}

/* A fake proc whose mountinfo has the mount of root's filesystem, from
 * source (an ext4 superblock image is made at root/disk.img). */
static void fake_proc(const char *mnt, const char *type, const char *source)
{
	unsigned char sb[2048] = { 0 };
	char path[256];
	struct stat st;
	FILE *f;

	sb[1024 + 0x38] = 0x53;
	sb[1024 + 0x39] = 0xEF;
	for (int i = 0; i < 16; i++)
		sb[1024 + 0x68 + i] = (unsigned char)(0x10 + i);
	(void)snprintf(path, sizeof(path), "%s/disk.img", root);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(sb, 1, sizeof(sb), f), sizeof(sb));
	assert_int_equal(fclose(f), 0);
	(void)snprintf(path, sizeof(path), "%s/proc/self", root);
	(void)mkdir(path, 0700); /* twice in one test: it may exist */
	(void)snprintf(path, sizeof(path), "%s/proc/self/mountinfo", root);
	assert_int_equal(stat(root, &st), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "1 0 8:99 / / rw - ext4 /dev/other rw\n22 1 %u:%u / %s rw - %s %s rw\n",
		major(st.st_dev), minor(st.st_dev), mnt, type, source);
	assert_int_equal(fclose(f), 0);
}

/* arm_target_auto on root/var/crash: want 0, or -1 with the message expect. */
static void auto_target(const char *fstype, int want, const char *expect)
{
	char proc[128], dir[128], why[2048] = "";
	struct arm_target t;

	(void)snprintf(proc, sizeof(proc), "%s/proc", root);
	(void)snprintf(dir, sizeof(dir), "%s/var/crash", root);
	assert_int_equal(arm_target_auto(proc, dir, fstype, &t, why, sizeof(why)), want);
	if (want == 0) {
		assert_string_equal(t.uuid, "10111213-1415-1617-1819-1a1b1c1d1e1f");
		assert_string_equal(t.dir, root);
		return;
	}
	assert_string_equal(why, expect);
}

static void auto_resolves_uuid_and_type(void **state)
{
	char path[128], disk[128];
	struct arm_target t;
	char why[2048];

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/proc", root);
	assert_int_equal(mkdir(path, 0700), 0);
	(void)snprintf(disk, sizeof(disk), "%s/disk.img", root);
	fake_proc("/", "ext4", disk);
	auto_target("auto", 0, NULL);
	auto_target("ext4", 0, NULL);
	assert_int_equal(arm_target_auto(path, root, "auto", &t, why, sizeof(why)), 0);
	assert_string_equal(t.mount.fstype, "ext4");
	assert_string_equal(t.mount.mountpoint, "/");
}

static void auto_refusals(void **state)
{
	char path[128], disk[128], expect[1024];

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/proc", root);
	assert_int_equal(mkdir(path, 0700), 0);
	(void)snprintf(disk, sizeof(disk), "%s/disk.img", root);
	fake_proc("/", "ext4", disk);
	(void)snprintf(expect, sizeof(expect), "the filesystem holding %s is ext4, but FSTYPE=xfs", root);
	auto_target("xfs", -1, expect);
	fake_proc("/", "btrfs", disk);
	(void)snprintf(expect, sizeof(expect), "the filesystem holding %s is btrfs, which the capture "
					       "agent does not write (ext2, ext3, ext4, xfs or vfat)", root);
	auto_target("auto", -1, expect);
	fake_proc("/run", "ext4", "tmpfs");
	(void)snprintf(expect, sizeof(expect), "the filesystem holding %s (ext4 at /run) has no UUID", root);
	auto_target("auto", -1, expect);
	fake_proc("/", "vfat", path); /* a directory: no superblock to read */
	(void)snprintf(expect, sizeof(expect), "the filesystem holding %s (vfat on %s) has no UUID that "
					       "the agent can read: Is a directory", root, path);
	auto_target("auto", -1, expect);
	(void)snprintf(path, sizeof(path), "%s/proc/self/mountinfo", root);
	assert_int_equal(unlink(path), 0);
	(void)snprintf(expect, sizeof(expect), "open %s: No such file or directory", path);
	auto_target("auto", -1, expect);
}

static void cmdline_takes_consoles_and_dumpagent_words(void **state)
{
	char out[ARM_CMDLINE_MAX], small[64];

	(void)state;
	assert_int_equal(arm_cmdline("BOOT_IMAGE=/v console=tty0 root=x \"dumpagent.note=a b\" quiet "
				     "\"console=ttyS0,115200\"\tdumpagent.shell=1 -- console=ttyS1 "
				     "dumpagent.init=1", 1, -1, "0a1b-2c3d", "vfat", "loglevel=7", out,
				     sizeof(out)), 0);
	assert_string_equal(out, "console=tty0 \"console=ttyS0,115200\" nr_cpus=1 reset_devices "
				 "irqpoll panic=10 printk.devkmsg=on rootfstype=ramfs initramfs_async=0 \"dumpagent.note=a b\" "
				 "dumpagent.shell=1 dumpagent.target=UUID=0a1b-2c3d "
				 "dumpagent.fstype=vfat loglevel=7");
	assert_int_equal(arm_cmdline("root=x consolex=1", 1, -1, NULL, NULL, "", out, sizeof(out)), 0);
	assert_string_equal(out, "console=tty0 nr_cpus=1 reset_devices irqpoll panic=10 "
				 "printk.devkmsg=on rootfstype=ramfs initramfs_async=0");
	/* threads: one CPU each; on x86_64 without the boot CPU (arm_threads.h) */
	assert_int_equal(arm_cmdline("console=ttyS0", 4, -1, NULL, NULL, "", out, sizeof(out)), 0);
	assert_string_equal(out, "console=ttyS0 nr_cpus=4 reset_devices irqpoll panic=10 printk.devkmsg=on rootfstype=ramfs initramfs_async=0");
	assert_int_equal(arm_cmdline("console=ttyS0", 4, 0, NULL, NULL, "", out, sizeof(out)), 0);
	assert_string_equal(out, "console=ttyS0 nr_cpus=4 disable_cpu_apicid=0 reset_devices irqpoll panic=10 "
				 "printk.devkmsg=on rootfstype=ramfs initramfs_async=0");
	assert_int_equal(arm_cmdline("console=ttyS0", 2, 65534, NULL, NULL, "", out, sizeof(out)), 0);
	assert_string_equal(out, "console=ttyS0 nr_cpus=2 disable_cpu_apicid=65534 reset_devices irqpoll "
				 "panic=10 printk.devkmsg=on rootfstype=ramfs initramfs_async=0");
	/* one CPU: no other CPU is started, and so none is disabled */
	assert_int_equal(arm_cmdline("console=ttyS0", 1, 6, NULL, NULL, "", out, sizeof(out)), 0);
	assert_string_equal(out, "console=ttyS0 nr_cpus=1 reset_devices irqpoll panic=10 printk.devkmsg=on rootfstype=ramfs initramfs_async=0");
	assert_int_equal(arm_cmdline("", 1, -1, NULL, NULL, "", small, sizeof(small)), -1);
}

static void sha256_known_answers(void **state)
{
	static const char *const in[] = {
		"", "abc", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq" };
	static const char *const out[] = {
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" };

	(void)state;
	for (int i = 0; i < 3; i++) {
		struct sha256 h;
		char hex[65];

		sha256_init(&h);
		/* In two pieces, across the block a piece ends in. */
		sha256_update(&h, in[i], strlen(in[i]) / 2);
		sha256_update(&h, in[i] + strlen(in[i]) / 2, strlen(in[i]) - strlen(in[i]) / 2);
		sha256_hex(&h, hex);
		assert_string_equal(hex, out[i]);
	}
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void layout_is_ram_and_cpus(void **state)
{
	char dir[256], sha[65];

	(void)state;
	write_file(root, "iomem", "00000000-00000fff : Reserved\n00100000-3fffffff : System RAM\n"
				  "  01000000-01ffffff : Kernel code\n100000000-10fffffff : System RAM");
	(void)snprintf(dir, sizeof(dir), "%s/devices", root);
	assert_int_equal(mkdir(dir, 0700), 0);
	(void)snprintf(dir, sizeof(dir), "%s/devices/system", root);
	assert_int_equal(mkdir(dir, 0700), 0);
	(void)snprintf(dir, sizeof(dir), "%s/devices/system/cpu", root);
	assert_int_equal(mkdir(dir, 0700), 0);
	write_file(dir, "present", "0-1\n");
	/* printf 'RAM line\nRAM line\n0-1\n' | sha256sum, as the shell loader had it */
	arm_layout_sha(root, root, sha);
	assert_string_equal(sha, "cb96ffcf001cbe02ab158c52e4bb61dd106c6bce06f0cef03c5bd9fffde90e8d");
}

static void unchanged_compares_every_fact(void **state)
{
	char path[256];
	struct arm_state s = { .kernel = "/k", .initrd = "/i", .cmdline = "console=tty0 x=\"a b\"",
			       .kernel_sha = "ks", .initrd_sha = "is", .config_sha = "cs",
			       .layout_sha = "ls" };

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/loaded", root);
	assert_int_equal(arm_unchanged(path, &s), 0); /* no record */
	write_file(root, "loaded", "KERNEL=/k\nKERNEL_SHA256=ks\nINITRD=/i\nINITRD_SHA256=is\n"
				   "CONFIG=/c\nCONFIG_SHA256=cs\nCMDLINE=console=tty0 x=\"a b\"\n"
				   "METHOD=kexec_load\nLAYOUT_SHA256=ls\nLOADED_AT=1\n");
	assert_int_equal(arm_unchanged(path, &s), 1);
	s.cmdline = "console=tty0";
	assert_int_equal(arm_unchanged(path, &s), 0);
	s.cmdline = "console=tty0 x=\"a b\"";
	(void)snprintf(s.layout_sha, sizeof(s.layout_sha), "other");
	assert_int_equal(arm_unchanged(path, &s), 0);
}

/* A fake sysfs under root: kernel/ and kernel/security/. */
static void fake_sysfs(void)
{
	char dir[256];

	(void)snprintf(dir, sizeof(dir), "%s/kernel", root);
	assert_int_equal(mkdir(dir, 0700), 0);
	(void)snprintf(dir, sizeof(dir), "%s/kernel/security", root);
	assert_int_equal(mkdir(dir, 0700), 0);
}

static void reserved_refusals_say_why(void **state)
{
	char why[1024], want[1024], dir[256];
	unsigned long long r = 7;
	struct arm_crashkernel none, asked;

	(void)state;
	arm_crashkernel_parse("root=/dev/vda1 quiet", &none);
	arm_crashkernel_parse("root=/dev/vda1 crashkernel=4G quiet", &asked);
	fake_sysfs();
	(void)snprintf(dir, sizeof(dir), "%s/kernel", root);
	assert_int_equal(arm_check_reserved(root, ARM_ARCH_X86_64, &none, &r, why, sizeof(why)), -1);
	assert_int_equal(r, 0);
	(void)snprintf(want, sizeof(want),
		       "no memory is reserved for the capture kernel (%s/kexec_crash_size does not exist). "
		       "Add crashkernel=64M to the kernel command line (on Debian: GRUB_CMDLINE_LINUX_DEFAULT "
		       "in /etc/default/grub, then update-grub and reboot)", dir);
	assert_string_equal(why, want);
	write_file(dir, "kexec_crash_size", "0\n");
	assert_int_equal(arm_check_reserved(root, ARM_ARCH_X86_64, &asked, &r, why, sizeof(why)), -1);
	(void)snprintf(want, sizeof(want),
		       "no memory is reserved for the capture kernel (%s/kexec_crash_size is 0), although "
		       "the kernel command line has crashkernel=4G: the kernel could not reserve it (see: "
		       "dmesg | grep -i crashkernel), try crashkernel=64M", dir);
	assert_string_equal(why, want);
	write_file(dir, "kexec_crash_size", "12x\n"); /* not a number: none */
	assert_int_equal(arm_check_reserved(root, ARM_ARCH_X86_64, &none, &r, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "kexec_crash_size is 12x). Add"));
	write_file(dir, "kexec_crash_size", "67108864\n");
	assert_int_equal(arm_check_reserved(root, ARM_ARCH_X86_64, &none, &r, why, sizeof(why)), 0);
	assert_int_equal(r, 67108864);
}

static void capture_file_refusals(void **state)
{
	char why[1024], path[256], want[1024];

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/vmlinuz", root);
	assert_int_equal(arm_check_file("capture kernel", path, "--kernel", why, sizeof(why)), -1);
	(void)snprintf(want, sizeof(want), "capture kernel %s (--kernel) does not exist", path);
	assert_string_equal(why, want);
	assert_int_equal(arm_check_file("capture initramfs", root, "CAPTURE_INITRD in /c", why, sizeof(why)), -1);
	(void)snprintf(want, sizeof(want), "capture initramfs %s (CAPTURE_INITRD in /c) is not a regular file", root);
	assert_string_equal(why, want);
	write_file(root, "vmlinuz", "k");
	assert_int_equal(arm_check_file("capture kernel", path, "--kernel", why, sizeof(why)), 0);
	if (geteuid() != 0) { /* root reads anything */
		assert_int_equal(chmod(path, 0), 0);
		assert_int_equal(arm_check_file("capture kernel", path, "--kernel", why, sizeof(why)), -1);
		(void)snprintf(want, sizeof(want), "capture kernel %s (--kernel) is not readable", path);
		assert_string_equal(why, want);
	}
}

static void target_udev_names_warn(void **state)
{
	char why[512];

	(void)state;
	assert_int_equal(arm_target_warning("/dev/disk/by-id/ata-DISK-part1", why, sizeof(why)), 1);
	assert_string_equal(why, "TARGET=/dev/disk/by-id/ata-DISK-part1: the capture environment has no udev "
				 "to resolve this name; use TARGET=UUID=... or TARGET=LABEL=...");
	assert_int_equal(arm_target_warning("/dev/disk/by-path/pci-0", why, sizeof(why)), 1);
	assert_int_equal(arm_target_warning("/dev/disk/by-partuuid/x", why, sizeof(why)), 1);
	assert_int_equal(arm_target_warning("/dev/disk/by-uuid/x", why, sizeof(why)), 0);
	assert_int_equal(arm_target_warning("UUID=x", why, sizeof(why)), 0);
}

static void loaded_only_when_the_kernel_says_1(void **state)
{
	char dir[256];

	(void)state;
	assert_int_equal(arm_loaded(root), 0); /* no sysfs file */
	fake_sysfs();
	(void)snprintf(dir, sizeof(dir), "%s/kernel", root);
	write_file(dir, "kexec_crash_loaded", "0\n");
	assert_int_equal(arm_loaded(root), 0);
	write_file(dir, "kexec_crash_loaded", "1\n");
	assert_int_equal(arm_loaded(root), 1);
	write_file(dir, "kexec_crash_loaded", "10\n");
	assert_int_equal(arm_loaded(root), 0);
}

static void lockdown_mode_is_the_bracketed_one(void **state)
{
	char dir[256];

	(void)state;
	assert_string_equal(arm_lockdown(root), ""); /* no lockdown file */
	fake_sysfs();
	(void)snprintf(dir, sizeof(dir), "%s/kernel/security", root);
	write_file(dir, "lockdown", "[none] integrity confidentiality\n");
	assert_string_equal(arm_lockdown(root), "");
	write_file(dir, "lockdown", "none [integrity] confidentiality\n");
	assert_string_equal(arm_lockdown(root), "integrity");
	write_file(dir, "lockdown", "none integrity [confidentiality]\n");
	assert_string_equal(arm_lockdown(root), "confidentiality");
}

/* Under lockdown the refusal names the signature and the fix for its mode, never memory. */
static void lockdown_why_names_the_signature(void **state)
{
	char why[1024];

	(void)state;
	arm_lockdown_why("", 0, "/k", "6.1.0-9-amd64", why, sizeof(why));
	assert_string_equal(why, "");
	arm_lockdown_why("integrity", 0, "/usr/lib/dumpagent/vmlinuz", "6.1.0-9-amd64", why, sizeof(why));
	assert_non_null(strstr(why, "kernel lockdown (integrity, Secure Boot)"));
	assert_non_null(strstr(why, "/usr/lib/dumpagent/vmlinuz is not (or its key is not enrolled)"));
	assert_non_null(strstr(why, "CAPTURE_MODE=auto"));
	assert_null(strstr(why, "MB"));
	arm_lockdown_why("confidentiality", 1, "/boot/vmlinuz-6.1.0-9-amd64", "6.1.0-9-amd64", why, sizeof(why));
	assert_non_null(strstr(why, "kernel lockdown (confidentiality, Secure Boot)"));
	assert_non_null(strstr(why, "the distro kernel /boot/vmlinuz-6.1.0-9-amd64: boot through shim"));
	assert_non_null(strstr(why, "(linux-image-6.1.0-9-amd64)"));
}

/* Appends a newc entry (name, mode, data) to the archive in a, at *len. */
static void newc_add(char *a, size_t *len, const char *name, unsigned mode, const char *data)
{
	size_t n = strlen(name) + 1, d = strlen(data);

	*len += (size_t)sprintf(a + *len, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", 1u,
				mode, 0u, 0u, 1u, 0u, d, 0u, 0u, 0u, 0u, n, 0u);
	memcpy(a + *len, name, n);
	*len += n;
	while (*len % 4)
		a[(*len)++] = '\0';
	memcpy(a + *len, data, d);
	*len += d;
	while (*len % 4)
		a[(*len)++] = '\0';
}

/* Writes the archive a as gzip to dir/name, in members of at most split bytes. */
static void gzip_write(const char *dir, const char *name, const char *a, size_t len, size_t split)
{
	char path[256];

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	(void)unlink(path);
	for (size_t off = 0; off < len; off += split) {
		gzFile g = gzopen(path, "ab");
		unsigned n = (unsigned)(len - off < split ? len - off : split);

		assert_non_null(g);
		assert_int_equal(gzwrite(g, a + off, n), (int)n);
		assert_int_equal(gzclose(g), Z_OK);
	}
}

#define HI_SHA "98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4" /* "hi\n" */

static void embedded_config_is_found_in_newc(void **state)
{
	static char a[4096];
	char path[256], sha[65];
	size_t len = 0;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/i.img", root);
	newc_add(a, &len, "etc", 040755, "");
	newc_add(a, &len, "bin/abcde", 0100755, "12345"); /* odd name and data: padding */
	newc_add(a, &len, "etc/dumpagent.conf", 0100644, "hi\n");
	newc_add(a, &len, "TRAILER!!!", 0, "");
	gzip_write(root, "i.img", a, len, len);
	arm_embedded_sha(path, ARM_INITRD_CONFIG, sha);
	assert_string_equal(sha, HI_SHA);
	gzip_write(root, "i.img", a, len, 100); /* gzip members that cut the archive anywhere */
	arm_embedded_sha(path, ARM_INITRD_CONFIG, sha);
	assert_string_equal(sha, HI_SHA);
	arm_embedded_sha(path, "etc/other.conf", sha);
	assert_string_equal(sha, "unknown");
	write_file(root, "i.img", "not gzip");
	arm_embedded_sha(path, ARM_INITRD_CONFIG, sha);
	assert_string_equal(sha, "unknown");
	arm_embedded_sha("/nonexistent/i.img", ARM_INITRD_CONFIG, sha);
	assert_string_equal(sha, "unknown");
}

static void embedded_config_only_regular_and_first_archive(void **state)
{
	static char a[4096];
	char path[256], sha[65];
	size_t len = 0;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/i.img", root);
	newc_add(a, &len, "etc/dumpagent.conf", 040755, ""); /* a directory */
	newc_add(a, &len, "TRAILER!!!", 0, "");
	gzip_write(root, "i.img", a, len, len);
	arm_embedded_sha(path, ARM_INITRD_CONFIG, sha);
	assert_string_equal(sha, "unknown");
	len = 0;
	newc_add(a, &len, "etc", 040755, "");
	newc_add(a, &len, "TRAILER!!!", 0, "");
	newc_add(a, &len, "etc/dumpagent.conf", 0100644, "hi\n"); /* after the end: cpio -i stops */
	gzip_write(root, "i.img", a, len, len);
	arm_embedded_sha(path, ARM_INITRD_CONFIG, sha);
	assert_string_equal(sha, "unknown");
}

static void rebuild_decides_from_the_sums(void **state)
{
	static char a[4096];
	char base[256], sums[1024], want[1024], ksha[65];
	size_t len = 0;
	const char *other = "d134ed2a929a5c1e73bc4c0a3cfeab09c830de84ddebd72354983ad96e218f4f";

	(void)state;
	(void)snprintf(base, sizeof(base), "%s/base.img", root);
	assert_int_equal(arm_rebuild(root, base, other, sums, sizeof(sums)), ARM_REBUILD_NONE); /* none */
	newc_add(a, &len, "etc/dumpagent.conf", 0100644, "hi\n");
	newc_add(a, &len, "TRAILER!!!", 0, "");
	gzip_write(root, "base.img", a, len, len);
	assert_int_equal(arm_rebuild(root, base, HI_SHA, sums, sizeof(sums)), ARM_REBUILD_NONE);
	assert_int_equal(arm_rebuild(root, base, other, sums, sizeof(sums)), ARM_REBUILD_BUILD);
	arm_file_sha(base, ksha);
	(void)snprintf(want, sizeof(want), "CONFIG_SHA256=%s BASE=%s BASE_SHA256=%s", other, base, ksha);
	assert_string_equal(sums, want);
	(void)snprintf(want + strlen(want), sizeof(want) - strlen(want), "\n");
	write_file(root, "initramfs.sums", want);
	/* The sums match, but initramfs.img is missing, a directory, holds "hi\n", then the configuration. */
	assert_int_equal(arm_rebuild(root, base, other, sums, sizeof(sums)), ARM_REBUILD_BUILD);
	(void)snprintf(want, sizeof(want), "%s/initramfs.img", root);
	assert_int_equal(mkdir(want, 0700), 0);
	assert_int_equal(arm_rebuild(root, base, other, sums, sizeof(sums)), ARM_REBUILD_BUILD);
	assert_int_equal(rmdir(want), 0);
	gzip_write(root, "initramfs.img", a, len, len);
	assert_int_equal(arm_rebuild(root, base, other, sums, sizeof(sums)), ARM_REBUILD_BUILD);
	len = 0;
	newc_add(a, &len, "etc/dumpagent.conf", 0100644, "TARGET=auto\n");
	newc_add(a, &len, "TRAILER!!!", 0, "");
	gzip_write(root, "initramfs.img", a, len, len);
	assert_int_equal(arm_rebuild(root, base, other, sums, sizeof(sums)), ARM_REBUILD_REUSE);
	write_file(root, "initramfs.sums", "CONFIG_SHA256=x\n"); /* another configuration recorded */
	assert_int_equal(arm_rebuild(root, base, other, sums, sizeof(sums)), ARM_REBUILD_BUILD);
}

static void record_is_written_atomically_and_private(void **state)
{
	char run[128], path[256], text[4096], why[512];
	struct arm_state s = { .kernel = "/k", .initrd = "/i", .cmdline = "console=tty0 x=\"a b\"",
			       .kernel_sha = "ks", .initrd_sha = "is", .config_sha = "cs", .layout_sha = "ls" };
	struct arm_loaded l = { .config = "/c", .method = "kexec_load", .mode = "distro", .embedded_sha = "es",
				.at = 1 };
	struct stat st;

	(void)state;
	(void)snprintf(run, sizeof(run), "%s/run", root);
	assert_int_equal(arm_record_write(run, &s, &l, why, sizeof(why)), 0);
	(void)snprintf(path, sizeof(path), "%s/loaded", run);
	assert_int_equal(arm_record_read(path, text, sizeof(text)), 0);
	assert_string_equal(text, "KERNEL=/k\nKERNEL_SHA256=ks\nINITRD=/i\nINITRD_SHA256=is\nCONFIG=/c\n"
				  "CONFIG_SHA256=cs\nINITRD_CONFIG_SHA256=es\nCMDLINE=console=tty0 x=\"a b\"\n"
				  "METHOD=kexec_load\nLAYOUT_SHA256=ls\nLOADED_AT=1\nMODE=distro\n");
	assert_int_equal(arm_unchanged(path, &s), 1); /* what is written is what is read */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(chmod(run, 0755), 0);
	assert_int_equal(arm_record_write(run, &s, &l, why, sizeof(why)), 0); /* replaces it */
	assert_int_equal(stat(run, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	(void)snprintf(path, sizeof(path), "%s/loaded.tmp", run);
	assert_int_equal(access(path, F_OK), -1); /* renamed away */
	write_file(root, "file", "");
	(void)snprintf(run, sizeof(run), "%s/file", root);
	assert_int_equal(arm_record_write(run, &s, &l, why, sizeof(why)), -1);
	(void)snprintf(text, sizeof(text), "open %s/loaded.tmp: Not a directory", run);
	assert_string_equal(why, text);
}

static void previous_is_intact_while_its_files_are(void **state)
{
	char path[256], text[2048], ksha[65], isha[65];
	struct arm_previous p;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/loaded", root);
	assert_int_equal(arm_previous(path, &p), -1); /* no record */
	write_file(root, "k", "kernel");
	write_file(root, "i", "initrd");
	(void)snprintf(text, sizeof(text), "%s/k", root);
	arm_file_sha(text, ksha);
	(void)snprintf(text, sizeof(text), "%s/i", root);
	arm_file_sha(text, isha);
	(void)snprintf(text, sizeof(text), "KERNEL=%s/k\nKERNEL_SHA256=%s\nINITRD=%s/i\nINITRD_SHA256=%s\n"
		       "CMDLINE=console=tty0\nMETHOD=kexec_load\n", root, ksha, root, isha);
	write_file(root, "loaded", text);
	assert_int_equal(arm_previous(path, &p), 0);
	assert_int_equal(p.intact, 1);
	assert_string_equal(p.cmdline, "console=tty0");
	assert_string_equal(p.method, "kexec_load");
	(void)snprintf(text, sizeof(text), "%s/i", root);
	assert_string_equal(p.initrd, text);
	write_file(root, "i", "initrd, changed");
	assert_int_equal(arm_previous(path, &p), 0);
	assert_int_equal(p.intact, 0);
	write_file(root, "i", "initrd");
	write_file(root, "k", "kernel, changed");
	assert_int_equal(arm_previous(path, &p), 0);
	assert_int_equal(p.intact, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(need_counts_every_part),
		cmocka_unit_test(shrink_keeps_the_floor),
		cmocka_unit_test(kernel_boot_size_reads_the_header),
		cmocka_unit_test(kernel_version_is_found_from_the_header),
		cmocka_unit_test(need_fits_or_says_why),
		cmocka_unit_test(work_grows_with_ram),
		TMPDIR_TEST(unpacked_counts_every_member),
		TMPDIR_TEST(unpacked_of_not_gzip_is_zero),
		cmocka_unit_test(mount_found_by_device_with_root_slash),
		TMPDIR_TEST(existing_dir_is_the_nearest_parent),
		TMPDIR_TEST(auto_resolves_uuid_and_type),
		TMPDIR_TEST(auto_refusals),
		cmocka_unit_test(cmdline_takes_consoles_and_dumpagent_words),
		cmocka_unit_test(sha256_known_answers),
		TMPDIR_TEST(layout_is_ram_and_cpus),
		TMPDIR_TEST(unchanged_compares_every_fact),
		TMPDIR_TEST(reserved_refusals_say_why),
		TMPDIR_TEST(capture_file_refusals),
		cmocka_unit_test(target_udev_names_warn),
		TMPDIR_TEST(lockdown_mode_is_the_bracketed_one),
		cmocka_unit_test(lockdown_why_names_the_signature),
		TMPDIR_TEST(loaded_only_when_the_kernel_says_1),
		TMPDIR_TEST(embedded_config_is_found_in_newc),
		TMPDIR_TEST(embedded_config_only_regular_and_first_archive),
		TMPDIR_TEST(rebuild_decides_from_the_sums),
		TMPDIR_TEST(record_is_written_atomically_and_private),
		TMPDIR_TEST(previous_is_intact_while_its_files_are),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
