/* test_target.c: finding the target disk in a fake /sys/class/block and /dev, and every refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "target.h"
#include "tmpdir.h"

#define UUID_A "0dd0aa11-1111-4222-8333-444455556666"
#define UUID_B "5eb1a5e0-2222-4333-8444-555566667777"

static char sys_block[128], dev_dir[128];

static void add_device(const char *name, unsigned maj, unsigned min)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", sys_block, name);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%s/dev", sys_block, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%u:%u\n", maj, min);
	fclose(f);
}

/* Writes the 16 bytes of a UUID in "8-4-4-4-12" text form at p. */
static void put_uuid(unsigned char *p, const char *uuid)
{
	for (unsigned i = 0; i < 16; i++, uuid += 2) {
		if (*uuid == '-')
			uuid++;
		assert_int_equal(sscanf(uuid, "%2hhx", &p[i]), 1);
	}
}

/* Writes dev_dir/NAME: the first 4 KiB of an ext4 (extents) or xfs filesystem with
 * UUID and LABEL, what superblock_read looks at; "none" leaves it all zeroes. */
static void add_image(const char *name, const char *type, const char *uuid, const char *label)
{
	unsigned char buf[4096] = { 0 };
	char path[256];
	int fd;

	if (strcmp(type, "ext4") == 0) {
		buf[1024 + 0x38] = 0x53, buf[1024 + 0x39] = 0xEF;
		buf[1024 + 0x60] = 0x40; /* incompat: extents */
		put_uuid(buf + 1024 + 0x68, uuid);
		memcpy(buf + 1024 + 0x78, label, strlen(label));
	} else if (strcmp(type, "xfs") == 0) {
		memcpy(buf, "XFSB", 4);
		put_uuid(buf + 32, uuid);
		memcpy(buf + 108, label, strlen(label));
	}
	snprintf(path, sizeof(path), "%s/%s", dev_dir, name);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, sizeof(buf)), sizeof(buf));
	close(fd);
}

/* The sysfs entry NAME (253:MINOR) and its node, an image as add_image makes it. */
static void add_disk(const char *name, unsigned minor, const char *type, const char *uuid,
		     const char *label)
{
	add_device(name, 253, minor);
	add_image(name, type, uuid, label);
}

/* Stands in for target_is_device: the images are regular files, not block devices. */
static int image_is_device(const struct stat *st, dev_t dev)
{
	(void)dev;
	return S_ISREG(st->st_mode);
}

/* target_find on the fake tree with images accepted as devices: its return value. */
static int find(const char *target, const char *fstype, struct target_dev *out, char *err,
		size_t errlen)
{
	struct target_env env = { sys_block, dev_dir, 0, 0, image_is_device };
	struct target_spec spec;

	assert_int_equal(target_spec_parse(target, fstype, &spec, err, errlen), 0);
	return target_find(&env, &spec, out, err, errlen);
}

static int setup(void **state)
{
	if (tmpdir_setup(state) < 0)
		return -1;
	snprintf(sys_block, sizeof(sys_block), "%s/block", root);
	snprintf(dev_dir, sizeof(dev_dir), "%s/dev", root);
	return mkdir(sys_block, 0755) || mkdir(dev_dir, 0755) ? -1 : 0;
}

/* 300 loop devices, 16 ram disks and a zram device do not use up
 * TARGET_MAX_DEVICES: the one disk (here a plain file, so not a block
 * device) is still probed, and the error lists only it. */
static void loop_and_ram_devices_are_not_counted(void **state)
{
	struct target_env env = { sys_block, dev_dir, 0, 0, NULL };
	struct target_spec spec;
	struct target_dev out;
	char err[1536], path[256];
	int fd;

	(void)state;
	add_device("vdz", 253, 0);
	snprintf(path, sizeof(path), "%s/vdz", dev_dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	for (unsigned i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "loop%u", i);
		add_device(path, 7, i);
	}
	for (unsigned i = 0; i < 16; i++) {
		snprintf(path, sizeof(path), "ram%u", i);
		add_device(path, 1, i);
	}
	add_device("zram0", 252, 0);
	assert_int_equal(target_spec_parse("UUID=1234", "ext4", &spec, err, sizeof(err)), 0);
	assert_int_equal(target_find(&env, &spec, &out, err, sizeof(err)), -1);
	assert_string_equal(err, "no filesystem with UUID=1234 found after 0 s; block devices seen: "
				 "vdz (No such device)");
}

/* Only the block device node with the major:minor of sysfs is the device. */
static void only_the_block_node_of_that_number_is_the_device(void **state)
{
	struct stat st = { 0 };

	(void)state;
	st.st_mode = S_IFBLK | 0600;
	st.st_rdev = makedev(253, 1);
	assert_int_equal(target_is_device(&st, makedev(253, 1)), 1);
	assert_int_equal(target_is_device(&st, makedev(253, 2)), 0);
	assert_int_equal(target_is_device(&st, makedev(8, 1)), 0);
	st.st_mode = S_IFCHR | 0600;
	assert_int_equal(target_is_device(&st, makedev(253, 1)), 0);
	st.st_mode = S_IFREG | 0600;
	assert_int_equal(target_is_device(&st, makedev(253, 1)), 0);
}

/* The one match is the device, by UUID (any case) or LABEL, FSTYPE given or auto. */
static void finds_the_one_match(void **state)
{
	struct target_dev out;
	char err[1536];

	(void)state;
	add_disk("vda", 1, "ext4", UUID_A, "dumptest");
	add_disk("vdb", 2, "xfs", UUID_B, "other");
	assert_int_equal(find("UUID=" UUID_A, "ext4", &out, err, sizeof(err)), 0);
	assert_string_equal(out.name, "vda");
	assert_string_equal(out.id.type, "ext4");
	assert_int_equal(out.dev, makedev(253, 1));
	assert_int_equal(find("UUID=0DD0AA11-1111-4222-8333-444455556666", "auto", &out, err,
			      sizeof(err)), 0);
	assert_string_equal(out.name, "vda");
	assert_int_equal(find("LABEL=other", "xfs", &out, err, sizeof(err)), 0);
	assert_string_equal(out.name, "vdb");
	assert_int_equal(find("/dev/disk/by-uuid/" UUID_B, "auto", &out, err, sizeof(err)), 0);
	assert_string_equal(out.name, "vdb");
}

/* A '!' in a sysfs name is a '/' under /dev (cciss!c0d0p1 is /dev/cciss/c0d0p1). */
static void a_bang_in_the_name_is_a_directory(void **state)
{
	struct target_dev out;
	char err[1536], path[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/cciss", dev_dir);
	assert_int_equal(mkdir(path, 0755), 0);
	add_device("cciss!c0d0p1", 104, 1);
	add_image("cciss/c0d0p1", "ext4", UUID_A, "");
	assert_int_equal(find("UUID=" UUID_A, "ext4", &out, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/cciss/c0d0p1", dev_dir);
	assert_string_equal(out.path, path);
	assert_string_equal(out.name, "cciss!c0d0p1");
}

/* No match: nothing found, and the line lists every device seen with what it holds. */
static void refuses_when_nothing_matches(void **state)
{
	struct target_dev out;
	char err[1536];

	(void)state;
	add_disk("vda", 1, "ext4", UUID_B, "dumptest");
	assert_int_equal(find("UUID=" UUID_A, "ext4", &out, err, sizeof(err)), -1);
	assert_string_equal(err, "no filesystem with UUID=" UUID_A " found after 0 s; block devices "
				 "seen: vda (ext4 UUID=" UUID_B " LABEL=dumptest)");
	assert_int_equal(find("LABEL=dumptesT", "auto", &out, err, sizeof(err)), -1);
	assert_string_equal(err, "no filesystem with LABEL=dumptesT found after 0 s; block devices "
				 "seen: vda (ext4 UUID=" UUID_B " LABEL=dumptest)");
}

/* A disk with no filesystem, or a sysfs entry without its node, is listed as such. */
static void refuses_and_says_what_the_devices_hold(void **state)
{
	struct target_dev out;
	char err[1536];

	(void)state;
	add_disk("vdc", 3, "none", "", "");
	assert_int_equal(find("UUID=" UUID_A, "auto", &out, err, sizeof(err)), -1);
	assert_string_equal(err, "no filesystem with UUID=" UUID_A " found after 0 s; block devices "
				 "seen: vdc (no known filesystem)");
}

/* A symbolic link in /dev is not followed, even to the filesystem sought, and
 * names sysfs never makes (hidden, with a blank) are not even looked at. */
static void refuses_links_and_skips_odd_names(void **state)
{
	struct target_dev out;
	char err[1536], path[256];

	(void)state;
	add_image("real", "ext4", UUID_A, "");
	add_device("vda", 253, 1);
	snprintf(path, sizeof(path), "%s/vda", dev_dir);
	assert_int_equal(symlink("real", path), 0);
	add_disk(".vdd", 4, "ext4", UUID_A, "");
	add_disk("vd e", 5, "ext4", UUID_A, "");
	assert_int_equal(find("UUID=" UUID_A, "auto", &out, err, sizeof(err)), -1);
	assert_string_equal(err, "no filesystem with UUID=" UUID_A " found after 0 s; block devices "
				 "seen: vda (Too many levels of symbolic links)");
}

/* Two devices hold the UUID: refuses to guess, naming both. */
static void refuses_two_matches(void **state)
{
	struct target_dev out;
	char err[1536];

	(void)state;
	add_disk("vda", 1, "ext4", UUID_A, "dumptest");
	add_disk("vdb", 2, "ext4", UUID_A, "dumptest");
	assert_int_equal(find("UUID=" UUID_A, "ext4", &out, err, sizeof(err)), -1);
	if (strcmp(err, "UUID=" UUID_A " matches 2 devices (vda, vdb): refusing to guess which one to "
			"write") != 0)
		assert_string_equal(err, "UUID=" UUID_A " matches 2 devices (vdb, vda): refusing to guess "
					 "which one to write");
}

/* Probes so far by late_twin_is_device. */
static unsigned probes;

/* An image stands in for a device, as image_is_device; and at the first probe of
 * the second scan, vdb (empty until then) gets a copy of vda's filesystem. */
static int late_twin_is_device(const struct stat *st, dev_t dev)
{
	if (++probes == 3)
		add_image("vdb", "ext4", UUID_A, "dumptest");
	return image_is_device(st, dev);
}

/* A twin that shows up just after the first match (a disk that is slow to
 * appear) is seen by the second look that settle_ms asks for: refused. */
static void refuses_a_twin_that_appears_while_settling(void **state)
{
	struct target_env env = { sys_block, dev_dir, 0, 1, late_twin_is_device };
	struct target_spec spec;
	struct target_dev out;
	char err[1536];

	(void)state;
	add_disk("vda", 1, "ext4", UUID_A, "dumptest");
	add_disk("vdb", 2, "none", "", "");
	probes = 0;
	assert_int_equal(target_spec_parse("UUID=" UUID_A, "ext4", &spec, err, sizeof(err)), 0);
	assert_int_equal(target_find(&env, &spec, &out, err, sizeof(err)), -1);
	assert_int_equal(probes, 4);
	assert_non_null(strstr(err, " matches 2 devices ("));
	/* Without a twin, the second look confirms the one match. */
	add_image("vdb", "none", "", "");
	probes = 100;
	assert_int_equal(target_find(&env, &spec, &out, err, sizeof(err)), 0);
	assert_string_equal(out.name, "vda");
}

/* Three or more: the first two are named, then "...". */
static void refuses_three_matches(void **state)
{
	struct target_dev out;
	char err[1536];

	(void)state;
	add_disk("vda", 1, "ext4", UUID_B, "dumptest");
	add_disk("vdb", 2, "ext4", UUID_A, "dumptest");
	add_disk("vdc", 3, "xfs", UUID_B, "dumptest");
	assert_int_equal(find("LABEL=dumptest", "ext4", &out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "LABEL=dumptest matches 3 devices (vd"));
	assert_non_null(strstr(err, ", ...): refusing to guess which one to write"));
	assert_int_equal(strlen(err), strlen("LABEL=dumptest matches 3 devices (vda, vdb, ...): "
					     "refusing to guess which one to write"));
}

/* The UUID is there, on another filesystem type than FSTYPE. */
static void refuses_another_filesystem_type(void **state)
{
	struct target_dev out;
	char err[1536];

	(void)state;
	add_disk("vda", 1, "xfs", UUID_A, "dumptest");
	assert_int_equal(find("UUID=" UUID_A, "ext4", &out, err, sizeof(err)), -1);
	assert_string_equal(err, "UUID=" UUID_A " on vda is xfs, but FSTYPE is ext4: refusing to write");
}

/* No /sys/class/block: the scan itself fails. */
static void refuses_without_sysfs(void **state)
{
	struct target_dev out;
	char err[1536], want[256];

	(void)state;
	assert_int_equal(rmdir(sys_block), 0);
	assert_int_equal(find("UUID=" UUID_A, "ext4", &out, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "open %s: No such file or directory", sys_block);
	assert_string_equal(err, want);
}

/* TARGET= values the capture kernel cannot resolve are refused before any scan. */
static void refuses_targets_it_cannot_resolve(void **state)
{
	struct target_spec spec;
	char err[512];

	(void)state;
	assert_int_equal(target_spec_parse("auto", "ext4", &spec, err, sizeof(err)), -1);
	assert_string_equal(err, "TARGET=auto was not resolved: the loader passes dumpagent.target= on "
				 "the capture kernel's command line; reload it with load-crashkernel, or "
				 "set TARGET=UUID=... in the configuration");
	assert_int_equal(target_spec_parse("/dev/sda1", "ext4", &spec, err, sizeof(err)), -1);
	assert_string_equal(err, "TARGET=/dev/sda1: the capture environment has no udev to resolve "
				 "this name; use TARGET=UUID=... or TARGET=LABEL=...");
	assert_int_equal(target_spec_parse("LABEL=", "ext4", &spec, err, sizeof(err)), -1);
	assert_string_equal(err, "TARGET=LABEL=: bad name");
	assert_int_equal(target_spec_parse("/dev/disk/by-label/a\\x00b", "ext4", &spec, err,
					   sizeof(err)), -1);
	assert_string_equal(err, "TARGET=/dev/disk/by-label/a\\x00b: bad name");
	assert_int_equal(target_spec_parse("/dev/disk/by-label/my\\x20disk", "ext4", &spec, err,
					   sizeof(err)), 0);
	assert_string_equal(spec.value, "my disk");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(loop_and_ram_devices_are_not_counted, setup, tmpdir_teardown),
		cmocka_unit_test(only_the_block_node_of_that_number_is_the_device),
		cmocka_unit_test_setup_teardown(finds_the_one_match, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(a_bang_in_the_name_is_a_directory, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(refuses_when_nothing_matches, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(refuses_and_says_what_the_devices_hold, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(refuses_links_and_skips_odd_names, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(refuses_two_matches, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(refuses_three_matches, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(refuses_a_twin_that_appears_while_settling, setup,
						tmpdir_teardown),
		cmocka_unit_test_setup_teardown(refuses_another_filesystem_type, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(refuses_without_sysfs, setup, tmpdir_teardown),
		cmocka_unit_test(refuses_targets_it_cannot_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
