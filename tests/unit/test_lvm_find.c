/* test_lvm_find.c: finding the PVs of a recorded LV in a fake /sys/class/block and /dev, and every refusal of a stale mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lvm_find.h"
#include "lvm_fixture.h"
#include "tmpdir.h"

#define VG_ID "Nwalkc4V20qRzB4Pc5UuaXnR1qnyAnw0"
#define VG_OTHER "Zwalkc4V20qRzB4Pc5UuaXnR1qnyAnw0"
#define PV_B "B4z9G51DYexMuyDeRIzJcbOyzXw05ahI"
#define PLAN "vg0/root," VG_ID ",7,0+2048:linear:" PV_ID "+2048"

static char sys_block[128], dev_dir[128];
static const char *also; /* the dm device lvm_find scans too */

/* The sysfs entry NAME (8:MINOR), and the current img as its node. */
static void add_disk(const char *name, unsigned minor)
{
	char path[256];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", sys_block, name);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%s/dev", sys_block, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "8:%u\n", minor);
	fclose(f);
	snprintf(path, sizeof(path), "%s/%s", dev_dir, name);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, img, sizeof(img)), sizeof(img));
	close(fd);
}

static int image_is_device(const struct stat *st, dev_t dev)
{
	(void)dev;
	return S_ISREG(st->st_mode);
}

static int find(const char *plan, struct lvm_found *f, char *err, size_t errlen)
{
	struct target_env env = { sys_block, dev_dir, 0, 0, image_is_device };
	static struct lvm_plan p;

	assert_int_equal(lvm_plan_parse(plan, &p, err, errlen), 0);
	return lvm_find(&env, &p, also, f, err, errlen);
}

static int setup(void **state)
{
	if (tmpdir_setup(state) < 0)
		return -1;
	also = NULL;
	snprintf(sys_block, sizeof(sys_block), "%s/block", root);
	snprintf(dev_dir, sizeof(dev_dir), "%s/dev", root);
	return mkdir(sys_block, 0755) || mkdir(dev_dir, 0755) ? -1 : 0;
}

static void finds_the_pv_with_the_recorded_seqno(void **state)
{
	struct lvm_found f;
	char err[512];

	(void)state;
	memset(img, 0, sizeof(img));
	add_disk("sda", 0); /* no PV */
	make_pv(PV_ID, "vg0", VG_ID, 7);
	add_disk("sda2", 2);
	assert_int_equal(find(PLAN, &f, err, sizeof(err)), 0);
	assert_int_equal(f.dev[0], makedev(8, 2));
	assert_string_equal(f.name[0], "sda2");
	assert_int_equal(f.checked, 1);
}

static void refuses_another_seqno(void **state)
{
	struct lvm_found f;
	char err[512];

	(void)state;
	make_pv(PV_ID, "vg0", VG_ID, 8);
	add_disk("sda2", 2);
	assert_int_equal(find(PLAN, &f, err, sizeof(err)), -1);
	assert_string_equal(err, "VG vg0 changed since the loader armed: its metadata on sda2 has seqno 8, the "
				 "mapping recorded seqno 7: refusing to write through a stale mapping; the loader "
				 "re-arms when the VG changes");
}

/* A PV of the VG that the LV does not use still tells the VG's seqno. */
static void refuses_another_seqno_on_another_pv(void **state)
{
	struct lvm_found f;
	char err[512];

	(void)state;
	make_pv(PV_ID, "vg0", VG_ID, 7);
	add_disk("sda2", 2);
	make_pv(PV_B, "vg0", VG_ID, 9);
	add_disk("sdb1", 17);
	assert_int_equal(find(PLAN, &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "its metadata on sdb1 has seqno 9"));
}

static void refuses_a_pv_of_another_vg(void **state)
{
	struct lvm_found f;
	char err[512];

	(void)state;
	make_pv(PV_ID, "vgx", VG_OTHER, 7);
	add_disk("sda2", 2);
	assert_int_equal(find(PLAN, &f, err, sizeof(err)), -1);
	assert_string_equal(err, "PV " PV_ID " on sda2 belongs to VG vgx (id " VG_OTHER ") now, not to VG vg0 (id "
				 VG_ID ") as when the loader armed: refusing to write through a stale mapping; "
				 "the loader re-arms when the VG changes");
}

static void refuses_a_pv_on_two_devices(void **state)
{
	struct lvm_found f;
	char err[512];

	(void)state;
	make_pv(PV_ID, "vg0", VG_ID, 7);
	add_disk("sda2", 2);
	add_disk("sdb2", 18);
	assert_int_equal(find(PLAN, &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "PV " PV_ID " of VG vg0 is on two devices ("));
}

static void refuses_a_missing_pv(void **state)
{
	struct lvm_found f;
	char err[512];

	(void)state;
	make_pv(PV_B, "vg0", VG_ID, 7);
	add_disk("sdb1", 17);
	assert_int_equal(find(PLAN, &f, err, sizeof(err)), -1);
	assert_string_equal(err, "PV " PV_ID " of VG vg0 (LV root) not found after 0 s: refusing to map the LV "
				 "without it");
}

/* A PV whose metadata area is ignored (or that has none) proves nothing. */
static void refuses_without_metadata(void **state)
{
	struct lvm_found f;
	char err[512];

	(void)state;
	make_pv(PV_ID, "vg0", VG_ID, 7);
	img[MDA_START + 60] = 1; /* RAW_LOCN_IGNORED, header CRC made again */
	{
		unsigned char *h = img + MDA_START;

		put32(h, lvm_crc(LVM_INITIAL_CRC, h + 4, 512 - 4));
	}
	add_disk("sda2", 2);
	assert_int_equal(find(PLAN, &f, err, sizeof(err)), -1);
	assert_string_equal(err, "no metadata of VG vg0 (id " VG_ID ") found on its PVs: cannot prove the recorded "
				 "mapping of vg0/root current; refusing to write");
}

/* LVM on LUKS: the PV is on the LUKS device the capture opened (dm-3),
 * found only when named; any other dm device is still no PV. */
static void finds_the_pv_on_the_opened_luks_device(void **state)
{
	struct lvm_found f;
	char err[512];

	(void)state;
	make_pv(PV_ID, "vg0", VG_ID, 7);
	add_disk("dm-3", 3);
	assert_int_equal(find(PLAN, &f, err, sizeof(err)), -1);
	assert_string_equal(err, "PV " PV_ID " of VG vg0 (LV root) not found after 0 s: refusing to map the LV "
				 "without it");
	also = "dm-3";
	assert_int_equal(find(PLAN, &f, err, sizeof(err)), 0);
	assert_string_equal(f.name[0], "dm-3");
	assert_int_equal(f.dev[0], makedev(8, 3));
	add_disk("dm-4", 4); /* the same PV on another dm device: not looked at */
	assert_int_equal(find(PLAN, &f, err, sizeof(err)), 0);
	assert_string_equal(f.name[0], "dm-3");
	make_pv(PV_ID, "vg0", VG_ID, 8);
	add_disk("dm-5", 5);
	also = "dm-5"; /* and its seqno is proven as on a disk */
	assert_int_equal(find(PLAN, &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "VG vg0 changed since the loader armed: its metadata on dm-5 has seqno 8"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, tmpdir_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(finds_the_pv_with_the_recorded_seqno),
		T(refuses_another_seqno),
		T(refuses_another_seqno_on_another_pv),
		T(refuses_a_pv_of_another_vg),
		T(refuses_a_pv_on_two_devices),
		T(refuses_a_missing_pv),
		T(refuses_without_metadata),
		T(finds_the_pv_on_the_opened_luks_device),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
