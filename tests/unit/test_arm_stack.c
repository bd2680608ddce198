/* test_arm_stack.c: the layers recorded under a target at arming, in a fake sysfs and /dev: plain LUKS, LVM on LUKS, LUKS on LVM, not enrolled, an LV on two LUKS devices. */
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

#include "arm_stack.h"
#include "lvm_fixture.h"
#include "sysfs_fixture.h"

#define VG_ID "Nwalkc4V20qRzB4Pc5UuaXnR1qnyAnw0"
#define VG_DASHED "Nwalkc-4V20-qRzB-4Pc5-UuaX-nR1q-nyAnw0"
#define PV_B "B4z9G51DYexMuyDeRIzJcbOyzXw05ahI"
#define LV_ID "xUfE1fFyhQJGq2uVbT1P2N2fEmxsf6Xh"
#define VIRTIO "pci0000:00/0000:00:04.0/virtio1"
/* headers cryptsetup luksFormat made (test_luks.c) */
#define LUKS1_FIXTURE "tests/fixtures/luks/luks1-header.bin"
#define LUKS2_FIXTURE "tests/fixtures/luks/luks2-header.bin"
#define LUKS1_UUID "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
#define LUKS2_UUID "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"

static char sysfs[128], block[128], dev_dir[128], keys[128];
static unsigned char header[16384];

static int image_is_device(const struct stat *st, dev_t dev)
{
	(void)dev;
	return S_ISREG(st->st_mode);
}

static size_t load(const char *path)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	memset(header, 0, sizeof(header));
	n = read(fd, header, sizeof(header));
	close(fd);
	assert_true(n >= 4096);
	return (size_t)n;
}

/* Block device NAME (MAJ:MIN) at sys/devices/DEV, holding data as its node. */
static void add_dev(const char *name, const char *majmin, const char *dev, const void *data, size_t len)
{
	char rel[256], text[32];
	int fd;

	fx_block(majmin, dev);
	(void)snprintf(rel, sizeof(rel), "sys/class/block/%s/dev", name);
	(void)snprintf(text, sizeof(text), "%s\n", majmin);
	fx_file(rel, text);
	(void)snprintf(rel, sizeof(rel), "%s/%s", dev_dir, name);
	fd = open(rel, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* dm-N of dm/uuid uuid (and dm/name name) on the device under at sys/devices/UNDER. */
static void add_dm(const char *dm, const char *majmin, const char *uuid, const char *name, const char *under,
		   const void *data, size_t len)
{
	char rel[256], to[256], text[160];

	(void)snprintf(rel, sizeof(rel), "sys/devices/virtual/block/%s/dm/uuid", dm);
	(void)snprintf(text, sizeof(text), "%s\n", uuid);
	fx_file(rel, text);
	if (name) {
		(void)snprintf(rel, sizeof(rel), "sys/devices/virtual/block/%s/dm/name", dm);
		(void)snprintf(text, sizeof(text), "%s\n", name);
		fx_file(rel, text);
	}
	(void)snprintf(rel, sizeof(rel), "sys/devices/virtual/block/%s/slaves/%s", dm, strrchr(under, '/') + 1);
	(void)snprintf(to, sizeof(to), "sys/devices/%s", under);
	fx_link(rel, to);
	(void)snprintf(rel, sizeof(rel), "virtual/block/%s", dm);
	add_dev(dm, majmin, rel, data, len);
}

/* uuid enrolled in keyslot slot (luks-enroll's files). */
static void enroll(const char *uuid, const char *slot)
{
	char rel[256];

	fx_dir("keys");
	assert_int_equal(chmod(keys, 0700), 0);
	(void)snprintf(rel, sizeof(rel), "keys/%s.key", uuid);
	fx_file(rel, "KEY");
	(void)snprintf(rel, sizeof(rel), "%s/%s.key", keys, uuid);
	assert_int_equal(chmod(rel, 0600), 0);
	(void)snprintf(rel, sizeof(rel), "keys/%s.slot", uuid);
	fx_file(rel, slot);
	(void)snprintf(rel, sizeof(rel), "%s/%s.slot", keys, uuid);
	assert_int_equal(chmod(rel, 0600), 0);
}

static int record(unsigned ma, unsigned mi, const char *table, struct arm_stack *s, char *why)
{
	struct target_env env = { block, dev_dir, 0, 0, image_is_device };
	char path[256];

	(void)snprintf(path, sizeof(path), "%s/table", root);
	fx_file("table", table);
	assert_int_equal(setenv("DUMPAGENT_DM_TABLE", path, 1), 0);
	return arm_stack_record(&env, sysfs, makedev(ma, mi), s, why, 2048);
}

static int setup(void **state)
{
	if (tmpdir_setup(state) < 0)
		return -1;
	snprintf(sysfs, sizeof(sysfs), "%s/sys", root);
	snprintf(block, sizeof(block), "%s/sys/class/block", root);
	snprintf(dev_dir, sizeof(dev_dir), "%s/dev", root);
	snprintf(keys, sizeof(keys), "%s/keys", root);
	fx_dir("dev");
	return setenv("DUMPAGENT_LUKS_DIR", keys, 1);
}

/* Debian's "encrypted LVM": LUKS2 on vda3, the PV on it, the LV root. */
static void lvm_on_luks_records_both(void **state)
{
	static struct arm_stack s;
	char why[2048], want[2048];

	(void)state;
	add_dev("vda3", "254:3", VIRTIO "/block/vda/vda3", header, load(LUKS2_FIXTURE));
	make_pv(PV_ID, "vg0", VG_ID, 7);
	add_dm("dm-0", "253:0", "CRYPT-LUKS2-1a2b3c4d5e6f4a7b8c9d0e1f2a3b4c5d-vda3_crypt", NULL,
	       VIRTIO "/block/vda/vda3", img, sizeof(img));
	add_dm("dm-1", "253:1", "LVM-" VG_ID LV_ID, "vg0-root", "virtual/block/dm-0", "", 0);
	assert_int_equal(record(253, 1, "0 2048 linear 253:0 2048\n", &s, why), -2);
	(void)snprintf(want, sizeof(want), "the target is encrypted: dm-crypt on %s/vda3 (luks2 UUID " LUKS2_UUID
		       "), which is not enrolled, and no passphrase can be typed after a panic; enroll it with: "
		       "dumpagent luks-enroll %s/vda3 (see dumpagent.conf(5) for what that trades)", dev_dir, dev_dir);
	assert_string_equal(why, want);
	assert_string_equal(s.lvm, ""); /* nothing half recorded */
	enroll(LUKS2_UUID, "3\n");
	assert_int_equal(record(253, 1, "0 2048 linear 253:0 2048\n", &s, why), 0);
	assert_string_equal(s.lvm, "vg0/root," VG_ID ",7,0+2048:linear:" PV_ID "+2048");
	assert_string_equal(s.luks, LUKS2_UUID ",3,pv");
	assert_non_null(strstr(s.luks_key, "/keys/" LUKS2_UUID ".key"));
	assert_string_equal(s.md, "");
	/* the LUKS device alone, as before */
	assert_int_equal(record(253, 0, "", &s, why), 0);
	assert_string_equal(s.luks, LUKS2_UUID ",3");
	assert_string_equal(s.lvm, "");
}

/* The other way up: LUKS on the LV vg0/crypt on vda2. */
static void luks_on_lvm_records_both(void **state)
{
	static struct arm_stack s;
	char why[2048];

	(void)state;
	make_pv(PV_ID, "vg0", VG_ID, 9);
	add_dev("vda2", "254:2", VIRTIO "/block/vda/vda2", img, sizeof(img));
	add_dm("dm-3", "253:3", "LVM-" VG_ID LV_ID, "vg0-crypt", VIRTIO "/block/vda/vda2", header,
	       load(LUKS1_FIXTURE));
	add_dm("dm-4", "253:4", "CRYPT-LUKS1-0f1e2d3c4b5a49688776a5b4c3d2e1f0-crypt", NULL, "virtual/block/dm-3", "",
	       0);
	enroll(LUKS1_UUID, "1\n");
	assert_int_equal(record(253, 4, "0 4096 linear 254:2 2048\n", &s, why), 0);
	assert_string_equal(s.luks, LUKS1_UUID ",1,lv");
	assert_string_equal(s.lvm, "vg0/crypt," VG_ID ",9,0+4096:linear:" PV_ID "+2048");
}

/* An LV striped over two LUKS devices: refused by name. */
static void lv_on_two_luks_devices_refused(void **state)
{
	static struct arm_stack s;
	char why[2048];

	(void)state;
	add_dev("vda3", "254:3", VIRTIO "/block/vda/vda3", header, load(LUKS2_FIXTURE));
	add_dev("vdb1", "254:17", VIRTIO "/block/vdb/vdb1", header, load(LUKS1_FIXTURE));
	make_pv(PV_ID, "vg0", VG_ID, 5);
	add_dm("dm-0", "253:0", "CRYPT-LUKS2-1a2b3c4d5e6f4a7b8c9d0e1f2a3b4c5d-vda3_crypt", NULL,
	       VIRTIO "/block/vda/vda3", img, sizeof(img));
	make_pv(PV_B, "vg0", VG_ID, 5);
	add_dm("dm-2", "253:2", "CRYPT-LUKS1-0f1e2d3c4b5a49688776a5b4c3d2e1f0-vdb1_crypt", NULL,
	       VIRTIO "/block/vdb/vdb1", img, sizeof(img));
	add_dm("dm-1", "253:1", "LVM-" VG_ID LV_ID, "vg0-data", "virtual/block/dm-0", "", 0);
	fx_link("sys/devices/virtual/block/dm-1/slaves/dm-2", "sys/devices/virtual/block/dm-2");
	enroll(LUKS2_UUID, "3\n");
	enroll(LUKS1_UUID, "1\n");
	assert_int_equal(record(253, 1, "0 8192 striped 2 128 253:0 2048 253:2 2048\n", &s, why), -2);
	assert_true(strcmp(why, "the target's LV is on 2 LUKS devices (dm-0, dm-2): the capture opens one; set "
				"TARGET to a filesystem on an LV whose PVs are on one LUKS device") == 0 ||
		    strcmp(why, "the target's LV is on 2 LUKS devices (dm-2, dm-0): the capture opens one; set "
				"TARGET to a filesystem on an LV whose PVs are on one LUKS device") == 0);
	assert_string_equal(s.luks, "");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, tmpdir_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(lvm_on_luks_records_both),
		T(luks_on_lvm_records_both),
		T(lv_on_two_luks_devices_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
