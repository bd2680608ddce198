/* test_arm_lvm.c: recording an LV's mapping at arming, from its table and its PVs in a fake sysfs and /dev, and the LVs refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arm_lvm.h"
#include "lvm_fixture.h"
#include "sysfs_fixture.h"

#define VG_ID "Nwalkc4V20qRzB4Pc5UuaXnR1qnyAnw0"
#define VG_DASHED "Nwalkc-4V20-qRzB-4Pc5-UuaX-nR1q-nyAnw0"
#define PV_B "B4z9G51DYexMuyDeRIzJcbOyzXw05ahI"
#define VIRTIO "pci0000:00/0000:00:04.0/virtio1"

static char sysfs[128], block[128], dev_dir[128];

static int image_is_device(const struct stat *st, dev_t dev)
{
	(void)dev;
	return S_ISREG(st->st_mode);
}

/* Partition NAME (MAJ:MIN) in sysfs, with the current img as its node. */
static void add_part(const char *name, const char *majmin)
{
	char rel[256], text[32];
	int fd;

	(void)snprintf(rel, sizeof(rel), VIRTIO "/block/vda/%s", name);
	fx_block(majmin, rel);
	(void)snprintf(rel, sizeof(rel), "sys/class/block/%s/dev", name);
	(void)snprintf(text, sizeof(text), "%s\n", majmin);
	fx_file(rel, text);
	(void)snprintf(rel, sizeof(rel), "%s/%s", dev_dir, name);
	fd = open(rel, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, img, sizeof(img)), sizeof(img));
	close(fd);
}

static int record(const char *dm_name, const char *table, char *out, size_t outlen, char *why)
{
	struct target_env env = { block, dev_dir, 0, 0, image_is_device };
	static struct lvm_plan p;
	int r;

	r = arm_lvm_from_table(&env, sysfs, VG_DASHED, dm_name, table, &p, why, 1024);
	if (r == 0)
		assert_int_equal(lvm_plan_format(&p, out, outlen), 0);
	return r;
}

static int setup(void **state)
{
	if (tmpdir_setup(state) < 0)
		return -1;
	snprintf(sysfs, sizeof(sysfs), "%s/sys", root);
	snprintf(block, sizeof(block), "%s/sys/class/block", root);
	snprintf(dev_dir, sizeof(dev_dir), "%s/dev", root);
	fx_dir("dev");
	return 0;
}

static void linear_lv_on_one_pv(void **state)
{
	char out[LVM_PLAN_TEXT_MAX + 1], why[1024];

	(void)state;
	make_pv(PV_ID, "vg0", VG_ID, 7);
	add_part("vda2", "254:2");
	assert_int_equal(record("vg0-root", "0 2048 linear 254:2 2048\n2048 2048 linear 254:2 8192\n", out,
				sizeof(out), why),
			 0);
	assert_string_equal(out, "vg0/root," VG_ID ",7,0+2048:linear:" PV_ID "+2048,2048+2048:linear:" PV_ID
				 "+8192");
	assert_int_equal(record("my--vg-my--lv", "0 2048 linear 254:2 2048\n", out, sizeof(out), why), 0);
	assert_string_equal(out, "my-vg/my-lv," VG_ID ",7,0+2048:linear:" PV_ID "+2048");
}

static void striped_lv_on_two_pvs(void **state)
{
	char out[LVM_PLAN_TEXT_MAX + 1], why[1024];

	(void)state;
	make_pv(PV_ID, "vg0", VG_ID, 9);
	add_part("vda2", "254:2");
	make_pv(PV_B, "vg0", VG_ID, 9);
	add_part("vda3", "254:3");
	assert_int_equal(record("vg0-data", "0 8192 striped 2 128 254:2 2048 254:3 2048\n", out, sizeof(out), why), 0);
	assert_string_equal(out, "vg0/data," VG_ID ",9,0+8192:striped:128:" PV_ID "+2048:" PV_B "+2048");
}

static void refusals(void **state)
{
	char out[LVM_PLAN_TEXT_MAX + 1], why[1024];

	(void)state;
	make_pv(PV_ID, "vg0", VG_ID, 7);
	add_part("vda2", "254:2");
	assert_int_equal(record("vg0-pool", "0 2048 thin 253:5 1\n", out, sizeof(out), why), -2);
	assert_string_equal(why, "the LV vg0/pool has a thin segment (only linear and striped LVs are mapped in "
				 "the capture); set TARGET to a filesystem on a plain partition or a linear LV");
	/* two PVs whose seqnos disagree: the VG is changing */
	make_pv(PV_B, "vg0", VG_ID, 8);
	add_part("vda3", "254:3");
	assert_int_equal(record("vg0-data", "0 8192 striped 2 128 254:2 2048 254:3 2048\n", out, sizeof(out), why),
			 -1);
	assert_string_equal(why, "the metadata on vda3 (VG vg0, seqno 8) is not VG vg0's (id " VG_ID ", seqno 7): "
				 "the VG is changing, or its PVs disagree (vgck); try again");
	/* a device that is no PV */
	memset(img, 0, sizeof(img));
	add_part("vda4", "254:4");
	assert_int_equal(record("vg0-root", "0 2048 linear 254:4 2048\n", out, sizeof(out), why), -1);
	assert_string_equal(why, "read the LVM label of vda4 (under vg0/root): no LVM2 label");
	assert_int_equal(record("vg0root", "0 2048 linear 254:2 2048\n", out, sizeof(out), why), -1);
	assert_int_equal(record("vg0-root", "0 2048 linear\n", out, sizeof(out), why), -1);
	assert_int_equal(record("vg0-root", "", out, sizeof(out), why), -1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, tmpdir_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(linear_lv_on_one_pv),
		T(striped_lv_on_two_pvs),
		T(refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
