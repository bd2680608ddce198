/* test_arm_distro.c: what the distro mode adds: TARGET's device from mountinfo, the rebuild of its initramfs, its estimate and command line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sys/sysmacros.h>
#include <zlib.h>

#include "arm_cmdline.h"
#include "arm_device.h"
#include "arm_initrd.h"
#include "arm_reserve.h"
#include "sysfs_fixture.h"

/* root/disk.img: an ext4 superblock with UUID 10111213-..., label "crash". */
static void ext4_image(void)
{
	unsigned char sb[2048] = { 0 };
	char path[256];
	FILE *f;

	sb[1024 + 0x38] = 0x53;
	sb[1024 + 0x39] = 0xEF;
	for (int i = 0; i < 16; i++)
		sb[1024 + 0x68 + i] = (unsigned char)(0x10 + i);
	memcpy(sb + 1024 + 0x78, "crash", 5);
	(void)snprintf(path, sizeof(path), "%s/disk.img", root);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(sb, 1, sizeof(sb), f), sizeof(sb));
	assert_int_equal(fclose(f), 0);
}

static void device_of_a_mounted_uuid_or_label(void **state)
{
	char proc[256], sys[256], text[1024], fstype[32], why[2048], want[2048];
	struct arm_where w = { proc, sys, "/nonexistent-dev" };
	dev_t dev = 0;

	(void)state;
	ext4_image();
	(void)snprintf(proc, sizeof(proc), "%s/proc", root);
	(void)snprintf(sys, sizeof(sys), "%s/sys", root);
	/* A bind mount of a subdirectory (root not "/") does not count. */
	(void)snprintf(text, sizeof(text),
		       "1 0 8:99 / / rw - ext4 /dev/other rw\n30 1 8:17 /sub /b rw - ext4 %s/disk.img rw\n"
		       "31 1 8:18 / /srv rw - ext4 %s/disk.img rw\n", root, root);
	fx_file("proc/self/mountinfo", text);
	assert_int_equal(arm_device(&w, "UUID=10111213-1415-1617-1819-1A1B1C1D1E1F", "auto", &dev, fstype, why,
				    sizeof(why)), 0);
	assert_int_equal(major(dev), 8);
	assert_int_equal(minor(dev), 18);
	assert_string_equal(fstype, "ext4");
	dev = 0;
	assert_int_equal(arm_device(&w, "LABEL=crash", "auto", &dev, fstype, why, sizeof(why)), 0);
	assert_int_equal(minor(dev), 18);
	/* Not mounted, and no block device holds it: where it looked. */
	fx_dir("sys/class/block");
	assert_int_equal(arm_device(&w, "LABEL=other", "auto", &dev, fstype, why, sizeof(why)), -1);
	(void)snprintf(want, sizeof(want), "cannot find the target's device on this system, to check the capture "
					   "kernel's drivers for it: no filesystem with LABEL=other found after 0 s; "
					   "block devices seen: none");
	assert_string_equal(why, want);
	assert_int_equal(arm_device(&w, "/dev/disk/by-id/none", "auto", &dev, fstype, why, sizeof(why)), -1);
	assert_string_equal(why, "cannot find the target's device: open /dev/disk/by-id/none: No such file or directory");
}

/* root/NAME: a gzip'ed newc archive holding etc/dumpagent.conf with text. */
static void image_with_config(const char *name, const char *text)
{
	char path[256], hdr[256];
	size_t n = strlen("etc/dumpagent.conf") + 1, d = strlen(text);
	gzFile g;

	(void)snprintf(path, sizeof(path), "%s/%s", root, name);
	g = gzopen(path, "wb");
	assert_non_null(g);
	(void)snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", 1u,
		       0100644u, 0u, 0u, 1u, 0u, d, 0u, 0u, 0u, 0u, n, 0u);
	assert_int_equal(gzwrite(g, hdr, 110), 110);
	assert_int_equal(gzwrite(g, "etc/dumpagent.conf\0\0\0\0", (unsigned)(n + (4 - (110 + n) % 4) % 4)),
			 (int)(n + (4 - (110 + n) % 4) % 4));
	assert_int_equal(gzwrite(g, text, (unsigned)d), (int)d);
	assert_int_equal(gzwrite(g, "\0\0\0", (unsigned)((4 - d % 4) % 4)), (int)((4 - d % 4) % 4));
	assert_int_equal(gzclose(g), Z_OK);
}

#define HI_SHA "98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4" /* sha256("hi\n") */

static void distro_rebuild_follows_config_release_and_modules(void **state)
{
	char sums[1024], again[1100], other[1024];

	(void)state;
	assert_int_equal(arm_rebuild_distro(root, HI_SHA, "6.1.0-18-amd64", "/m/a.ko\n/m/b.ko", sums, sizeof(sums)),
			 ARM_REBUILD_BUILD); /* nothing built yet */
	assert_memory_equal(sums, "CONFIG_SHA256=" HI_SHA " RELEASE=6.1.0-18-amd64 MODULES_SHA256=", 99);
	(void)snprintf(again, sizeof(again), "%s\n", sums);
	fx_file("initramfs-distro.sums", again);
	image_with_config("initramfs-distro.img", "hi\n");
	assert_int_equal(arm_rebuild_distro(root, HI_SHA, "6.1.0-18-amd64", "/m/a.ko\n/m/b.ko", again, sizeof(again)),
			 ARM_REBUILD_REUSE);
	assert_string_equal(again, sums);
	/* another release, another module list, another configuration */
	assert_int_equal(arm_rebuild_distro(root, HI_SHA, "6.1.0-19-amd64", "/m/a.ko\n/m/b.ko", other, sizeof(other)),
			 ARM_REBUILD_BUILD);
	assert_int_equal(arm_rebuild_distro(root, HI_SHA, "6.1.0-18-amd64", "/m/a.ko", other, sizeof(other)),
			 ARM_REBUILD_BUILD);
	image_with_config("initramfs-distro.img", "ho\n"); /* the sums match, the image holds another */
	assert_int_equal(arm_rebuild_distro(root, HI_SHA, "6.1.0-18-amd64", "/m/a.ko\n/m/b.ko", again, sizeof(again)),
			 ARM_REBUILD_BUILD);
}

static void distro_need_counts_the_placeholders(void **state)
{
	char kernel[256], initrd[256], why[512];
	struct arm_need small, distro;

	(void)state;
	fx_file("vmlinuz", "");
	assert_int_equal(truncate(strcat(strcpy(kernel, root), "/vmlinuz"), 8 * MIB), 0);
	(void)snprintf(initrd, sizeof(initrd), "%s/initramfs-distro.img", root);
	/* Not built yet: the placeholders and the work; a kernel file without
	 * a header counts 4 times. 32 + 8 + 16 + 20 + 4 (16 GiB of RAM) = 80
	 * MiB, 96 recommended. */
	assert_int_equal(arm_need_distro(kernel, initrd, 16ULL * 1024 * MIB, &distro, why, sizeof(why)), 0);
	assert_int_equal(distro.need, 80 * MIB);
	assert_int_equal(distro.recommend, 96 * MIB);
	image_with_config("initramfs-distro.img", "hi\n");
	assert_int_equal(arm_need_distro(kernel, initrd, 0, &distro, why, sizeof(why)), 0);
	assert_int_equal(arm_need(kernel, initrd, 0, &small, why, sizeof(why)), 0);
	/* The same files: the distro kernel's working memory is the difference. */
	assert_int_equal(distro.work - small.work, (ARM_DISTRO_WORK_MB - ARM_WORK_MB) * MIB);
	assert_true(distro.need > small.need);
	(void)snprintf(kernel, sizeof(kernel), "%s/none", root);
	assert_int_equal(arm_need_distro(kernel, initrd, 0, &distro, why, sizeof(why)), -1);
}

static void distro_cmdline_keeps_append_last(void **state)
{
	char out[512];

	(void)state;
	assert_int_equal(arm_cmdline("console=ttyS0", 1, -1, NULL, NULL, "", out, sizeof(out)), 0);
	assert_int_equal(arm_cmdline_distro("a=1", out, sizeof(out)), 0);
	assert_string_equal(out, "console=ttyS0 nr_cpus=1 reset_devices irqpoll panic=10 printk.devkmsg=on rootfstype=ramfs initramfs_async=0 "
				 "cma=0 hugetlb_cma=0 novmcoredd kfence.sample_interval=0 transparent_hugepage=never swiotlb=2048 a=1");
	assert_int_equal(arm_cmdline_distro("", out, 120), -1); /* does not fit */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TMPDIR_TEST(device_of_a_mounted_uuid_or_label),
		TMPDIR_TEST(distro_rebuild_follows_config_release_and_modules),
		TMPDIR_TEST(distro_need_counts_the_placeholders),
		TMPDIR_TEST(distro_cmdline_keeps_append_last),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
