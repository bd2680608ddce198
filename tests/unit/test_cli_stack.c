/* test_cli_stack.c: what dumpagent status says the target sits on, from a fake sysfs: an LV and its PVs, an md array and its members, a partition, an unknown device. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "cli_stack.h"
#include "sysfs_fixture.h"

#define VIRTIO "pci0000:00/0000:00:04.0/virtio1"

static void lv_on_its_pvs_partition_and_unknown(void **state)
{
	char sysfs[256], out[320];

	(void)state;
	(void)snprintf(sysfs, sizeof(sysfs), "%s/sys", root);
	fx_file("sys/devices/virtual/block/dm-0/dm/uuid",
		"LVM-Nwalkc4V20qRzB4Pc5UuaXnR1qnyAnw0A4z9G51DYexMuyDeRIzJcbOyzXw05ahI\n");
	fx_file("sys/devices/virtual/block/dm-0/dm/name", "my--vg-root\n");
	fx_link("sys/devices/virtual/block/dm-0/slaves/vda2", "sys/devices/" VIRTIO "/block/vda/vda2");
	fx_block("253:0", "virtual/block/dm-0");
	cli_stack(sysfs, makedev(253, 0), out, sizeof(out));
	assert_string_equal(out, "LV my-vg/root on vda2");
	fx_block("254:2", VIRTIO "/block/vda/vda2");
	cli_stack(sysfs, makedev(254, 2), out, sizeof(out));
	assert_string_equal(out, "vda2");
	cli_stack(sysfs, makedev(8, 99), out, sizeof(out));
	assert_string_equal(out, "8:99");
	/* a dm device that is neither an LV nor LUKS is named as any device */
	fx_file("sys/devices/virtual/block/dm-1/dm/uuid", "CRYPT-PLAIN-root_crypt\n");
	fx_block("253:1", "virtual/block/dm-1");
	cli_stack(sysfs, makedev(253, 1), out, sizeof(out));
	assert_string_equal(out, "dm-1");
}

/* Encrypted LVM either way up, and plain LUKS. */
static void lv_on_luks_and_luks_on_lv(void **state)
{
	char sysfs[256], out[320];

	(void)state;
	(void)snprintf(sysfs, sizeof(sysfs), "%s/sys", root);
	fx_file("sys/devices/virtual/block/dm-0/dm/uuid", "CRYPT-LUKS2-0123456789abcdef0123456789abcdef-vda3_crypt\n");
	fx_link("sys/devices/virtual/block/dm-0/slaves/vda3", "sys/devices/" VIRTIO "/block/vda/vda3");
	fx_block("253:0", "virtual/block/dm-0");
	cli_stack(sysfs, makedev(253, 0), out, sizeof(out));
	assert_string_equal(out, "LUKS2 on vda3");
	fx_file("sys/devices/virtual/block/dm-1/dm/uuid",
		"LVM-Nwalkc4V20qRzB4Pc5UuaXnR1qnyAnw0A4z9G51DYexMuyDeRIzJcbOyzXw05ahI\n");
	fx_file("sys/devices/virtual/block/dm-1/dm/name", "vg0-root\n");
	fx_link("sys/devices/virtual/block/dm-1/slaves/dm-0", "sys/devices/virtual/block/dm-0");
	fx_block("253:1", "virtual/block/dm-1");
	cli_stack(sysfs, makedev(253, 1), out, sizeof(out));
	assert_string_equal(out, "LV vg0/root on LUKS2 on vda3");
	fx_file("sys/devices/virtual/block/dm-2/dm/uuid",
		"LVM-Nwalkc4V20qRzB4Pc5UuaXnR1qnyAnw0B4z9G51DYexMuyDeRIzJcbOyzXw05ahI\n");
	fx_file("sys/devices/virtual/block/dm-2/dm/name", "vg1-crypt\n");
	fx_link("sys/devices/virtual/block/dm-2/slaves/vdb1", "sys/devices/" VIRTIO "/block/vdb/vdb1");
	fx_file("sys/devices/virtual/block/dm-3/dm/uuid", "CRYPT-LUKS1-0123456789abcdef0123456789abcdef-lv_crypt\n");
	fx_link("sys/devices/virtual/block/dm-3/slaves/dm-2", "sys/devices/virtual/block/dm-2");
	fx_block("253:3", "virtual/block/dm-3");
	cli_stack(sysfs, makedev(253, 3), out, sizeof(out));
	assert_string_equal(out, "LUKS1 on LV vg1/crypt on vdb1");
}

static void md_array_on_its_members(void **state)
{
	char sysfs[256], out[320];

	(void)state;
	(void)snprintf(sysfs, sizeof(sysfs), "%s/sys", root);
	fx_file("sys/devices/virtual/block/md0/md/level", "raid1\n");
	fx_file("sys/devices/virtual/block/md0/md/raid_disks", "2\n");
	fx_link("sys/devices/virtual/block/md0/slaves/vda1", "sys/devices/" VIRTIO "/block/vda/vda1");
	fx_block("9:0", "virtual/block/md0");
	cli_stack(sysfs, makedev(9, 0), out, sizeof(out));
	assert_string_equal(out, "md0 (raid1, 2 members) on vda1");
	fx_link("sys/devices/virtual/block/md0/slaves/vdb1", "sys/devices/" VIRTIO "/block/vdb/vdb1");
	cli_stack(sysfs, makedev(9, 0), out, sizeof(out));
	assert_true(strcmp(out, "md0 (raid1, 2 members) on vda1, vdb1") == 0 ||
		    strcmp(out, "md0 (raid1, 2 members) on vdb1, vda1") == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TMPDIR_TEST(lv_on_its_pvs_partition_and_unknown),
		TMPDIR_TEST(md_array_on_its_members),
		TMPDIR_TEST(lv_on_luks_and_luks_on_lv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
