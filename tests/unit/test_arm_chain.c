/* test_arm_chain.c: the target's driver chain from a fake sysfs, and the targets no mode reaches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "arm_chain.h"
#include "sysfs_fixture.h"

#define VIRTIO "pci0000:00/0000:00:04.0/virtio1"
#define MEGA "pci0000:00/0000:00:1c.0/0000:02:00.0"
#define SCSI MEGA "/host0/target0:0:0/0:0:0:0"

/* arm_chain of MAJ:MIN under root/sys: its return, the modules as "a b c" in got. */
static int chain(unsigned maj, unsigned min, const char *fstype, char *got, size_t len, char *why)
{
	char sysfs[256];
	struct arm_chain c;
	size_t used = 0;
	int r;

	(void)snprintf(sysfs, sizeof(sysfs), "%s/sys", root);
	r = arm_chain(sysfs, makedev(maj, min), fstype, &c, why, 2048);
	got[0] = '\0';
	for (unsigned i = 0; r == 0 && i < c.n; i++)
		used += (size_t)snprintf(got + used, len - used, "%s%s", i ? " " : "", c.module[i]);
	if (r == 0)
		used += (size_t)snprintf(got + used, len - used, " (%s)", c.device);
	return r;
}

static void virtio_partition_is_pci_virtio_ext4(void **state)
{
	char got[1024], why[2048];

	(void)state;
	fx_file("sys/devices/" VIRTIO "/block/vda/vda1/partition", "1\n");
	fx_driver("pci0000:00/0000:00:04.0", "pci", "virtio-pci", "virtio_pci");
	fx_driver(VIRTIO, "virtio", "virtio_blk", "virtio_blk");
	fx_block("254:1", VIRTIO "/block/vda/vda1");
	assert_int_equal(chain(254, 1, "ext4", got, sizeof(got), why), 0);
	assert_string_equal(got, "virtio_pci virtio_blk ext4 (vda1)");
	/* ext3 is mounted by ext4; xfs by xfs */
	assert_int_equal(chain(254, 1, "ext3", got, sizeof(got), why), 0);
	assert_string_equal(got, "virtio_pci virtio_blk ext4 (vda1)");
	assert_int_equal(chain(254, 1, "xfs", got, sizeof(got), why), 0);
	assert_string_equal(got, "virtio_pci virtio_blk xfs (vda1)");
}

static void scsi_disk_behind_a_port_and_a_builtin_driver(void **state)
{
	char got[1024], why[2048];

	(void)state;
	fx_dir("sys/devices/" SCSI "/block/sda");
	fx_driver("pci0000:00/0000:00:1c.0", "pci", "pcieport", "pcieportdrv"); /* not needed */
	fx_driver(MEGA, "pci", "megaraid_sas", "megaraid_sas");
	fx_driver(SCSI, "scsi", "sd", "sd_mod");
	fx_block("8:0", SCSI "/block/sda");
	assert_int_equal(chain(8, 0, "xfs", got, sizeof(got), why), 0);
	assert_string_equal(got, "megaraid_sas sd_mod xfs (sda)");
	/* a driver without a module link is named by the driver, '-' as '_' */
	fx_dir("sys/devices/pci0000:00/0000:00:1f.2/ata1/host1/target1:0:0/1:0:0:0/block/sdb");
	fx_driver("pci0000:00/0000:00:1f.2", "pci", "ahci-x", NULL);
	fx_block("8:16", "pci0000:00/0000:00:1f.2/ata1/host1/target1:0:0/1:0:0:0/block/sdb");
	assert_int_equal(chain(8, 16, "vfat", got, sizeof(got), why), 0);
	assert_string_equal(got, "ahci_x vfat (sdb)");
}

#define LVM_IDS "Nwalkc4V20qRzB4Pc5UuaXnR1qnyAnw0A4z9G51DYexMuyDeRIzJcbOyzXw05ahI"

/* An LV: the chains of its PVs (sysfs slaves), then dm_mod, then the filesystem. */
static void lvm_lv_is_its_pvs_chains_and_dm_mod(void **state)
{
	char got[1024], why[2048];

	(void)state;
	fx_file("sys/devices/" VIRTIO "/block/vda/vda2/partition", "2\n");
	fx_driver("pci0000:00/0000:00:04.0", "pci", "virtio-pci", "virtio_pci");
	fx_driver(VIRTIO, "virtio", "virtio_blk", "virtio_blk");
	fx_dir("sys/devices/" SCSI "/block/sdb");
	fx_driver(MEGA, "pci", "megaraid_sas", "megaraid_sas");
	fx_driver(SCSI, "scsi", "sd", "sd_mod");
	fx_file("sys/devices/virtual/block/dm-1/dm/uuid", "LVM-" LVM_IDS "\n");
	fx_link("sys/devices/virtual/block/dm-1/slaves/vda2", "sys/devices/" VIRTIO "/block/vda/vda2");
	fx_block("253:1", "virtual/block/dm-1");
	assert_int_equal(chain(253, 1, "xfs", got, sizeof(got), why), 0);
	assert_string_equal(got, "virtio_pci virtio_blk dm_mod xfs (dm-1)");
	/* a second PV, a whole disk, on another controller */
	fx_link("sys/devices/virtual/block/dm-1/slaves/sdb", "sys/devices/" SCSI "/block/sdb");
	assert_int_equal(chain(253, 1, "xfs", got, sizeof(got), why), 0);
	assert_non_null(strstr(got, "megaraid_sas sd_mod"));
	assert_non_null(strstr(got, "virtio_pci virtio_blk"));
	assert_non_null(strstr(got, "dm_mod xfs (dm-1)"));
	/* a PV on a loop device is refused by its name */
	fx_dir("sys/devices/virtual/block/loop3/loop");
	fx_link("sys/devices/virtual/block/dm-1/slaves/loop3", "sys/devices/virtual/block/loop3");
	assert_int_equal(chain(253, 1, "xfs", got, sizeof(got), why), -2);
	assert_string_equal(why, "the target loop3 is a loop device, whose backing file the capture kernel "
				 "cannot reach; set TARGET to a filesystem on a plain disk partition");
}

/* An md RAID1 array: its members' chains, then md_mod and raid1; other
 * levels, and an array under an LV, refused by name. */
static void md_raid1_is_its_members_chains_md_mod_raid1(void **state)
{
	char got[1024], why[2048];

	(void)state;
	fx_file("sys/devices/" VIRTIO "/block/vda/vda1/partition", "1\n");
	fx_driver("pci0000:00/0000:00:04.0", "pci", "virtio-pci", "virtio_pci");
	fx_driver(VIRTIO, "virtio", "virtio_blk", "virtio_blk");
	fx_dir("sys/devices/" SCSI "/block/sdb");
	fx_driver(MEGA, "pci", "megaraid_sas", "megaraid_sas");
	fx_driver(SCSI, "scsi", "sd", "sd_mod");
	fx_file("sys/devices/virtual/block/md0/md/level", "raid1\n");
	fx_link("sys/devices/virtual/block/md0/slaves/vda1", "sys/devices/" VIRTIO "/block/vda/vda1");
	fx_link("sys/devices/virtual/block/md0/slaves/sdb", "sys/devices/" SCSI "/block/sdb");
	fx_block("9:0", "virtual/block/md0");
	assert_int_equal(chain(9, 0, "ext4", got, sizeof(got), why), 0);
	assert_non_null(strstr(got, "megaraid_sas sd_mod"));
	assert_non_null(strstr(got, "virtio_pci virtio_blk"));
	assert_non_null(strstr(got, " md_mod raid1 ext4 (md0)"));
	fx_file("sys/devices/virtual/block/md0/md/level", "raid0\n");
	assert_int_equal(chain(9, 0, "ext4", got, sizeof(got), why), -2);
	assert_string_equal(why, "the target md0 is an md raid0 array: only md RAID1 arrays are assembled in the "
				 "capture; set TARGET to a filesystem on a plain disk partition or an md RAID1 array");
	/* an LV whose PV is an md array: the capture does not stack them */
	fx_file("sys/devices/virtual/block/dm-2/dm/uuid", "LVM-" LVM_IDS "\n");
	fx_link("sys/devices/virtual/block/dm-2/slaves/md0", "sys/devices/virtual/block/md0");
	fx_block("253:2", "virtual/block/dm-2");
	assert_int_equal(chain(253, 2, "ext4", got, sizeof(got), why), -2);
	assert_non_null(strstr(why, "the target md0 is an md RAID device (under another layer"));
}

/* LUKS on a partition: the partition's chain, then dm-crypt and the
 * aes-xts-plain64 templates (whether it is enrolled is arm_luks.c's). */
static void luks_is_its_partitions_chain_and_dm_crypt(void **state)
{
	char got[1024], why[2048];

	(void)state;
	fx_file("sys/devices/" VIRTIO "/block/vda/vda3/partition", "3\n");
	fx_driver("pci0000:00/0000:00:04.0", "pci", "virtio-pci", "virtio_pci");
	fx_driver(VIRTIO, "virtio", "virtio_blk", "virtio_blk");
	fx_file("sys/devices/virtual/block/dm-0/dm/uuid", "CRYPT-LUKS2-0123456789abcdef0123456789abcdef-vda3_crypt\n");
	fx_link("sys/devices/virtual/block/dm-0/slaves/vda3", "sys/devices/" VIRTIO "/block/vda/vda3");
	fx_block("253:0", "virtual/block/dm-0");
	assert_int_equal(chain(253, 0, "ext4", got, sizeof(got), why), 0);
	assert_string_equal(got, "virtio_pci virtio_blk dm_mod dm_crypt ecb xts ext4 (dm-0)");
	fx_file("sys/devices/virtual/block/dm-0/dm/uuid", "CRYPT-LUKS1-0123456789abcdef0123456789abcdef-vda3_crypt\n");
	assert_int_equal(chain(253, 0, "ext4", got, sizeof(got), why), 0);
	assert_string_equal(got, "virtio_pci virtio_blk dm_mod dm_crypt ecb xts ext4 (dm-0)");
}

/* Encrypted LVM, one layer of each: an LV on a LUKS device (Debian's
 * installer), a LUKS device on an LV; two of a kind are refused. */
static void encrypted_lvm_is_both_layers(void **state)
{
	char got[1024], why[2048];

	(void)state;
	fx_file("sys/devices/" VIRTIO "/block/vda/vda3/partition", "3\n");
	fx_driver("pci0000:00/0000:00:04.0", "pci", "virtio-pci", "virtio_pci");
	fx_driver(VIRTIO, "virtio", "virtio_blk", "virtio_blk");
	fx_file("sys/devices/virtual/block/dm-0/dm/uuid", "CRYPT-LUKS2-0123456789abcdef0123456789abcdef-vda3_crypt\n");
	fx_link("sys/devices/virtual/block/dm-0/slaves/vda3", "sys/devices/" VIRTIO "/block/vda/vda3");
	fx_file("sys/devices/virtual/block/dm-1/dm/uuid", "LVM-" LVM_IDS "\n");
	fx_link("sys/devices/virtual/block/dm-1/slaves/dm-0", "sys/devices/virtual/block/dm-0");
	fx_block("253:1", "virtual/block/dm-1");
	assert_int_equal(chain(253, 1, "ext4", got, sizeof(got), why), 0);
	assert_string_equal(got, "virtio_pci virtio_blk dm_mod dm_crypt ecb xts ext4 (dm-1)");
	/* LUKS on an LV on the partition */
	fx_file("sys/devices/virtual/block/dm-2/dm/uuid", "LVM-" LVM_IDS "\n");
	fx_link("sys/devices/virtual/block/dm-2/slaves/vda3", "sys/devices/" VIRTIO "/block/vda/vda3");
	fx_file("sys/devices/virtual/block/dm-3/dm/uuid", "CRYPT-LUKS1-0123456789abcdef0123456789abcdef-lv_crypt\n");
	fx_link("sys/devices/virtual/block/dm-3/slaves/dm-2", "sys/devices/virtual/block/dm-2");
	fx_block("253:3", "virtual/block/dm-3");
	assert_int_equal(chain(253, 3, "ext4", got, sizeof(got), why), 0);
	assert_string_equal(got, "virtio_pci virtio_blk dm_mod dm_crypt ecb xts ext4 (dm-3)");
	/* an LV on an LV, and LUKS on LVM on LUKS: refused by name */
	fx_file("sys/devices/virtual/block/dm-4/dm/uuid", "LVM-" LVM_IDS "\n");
	fx_link("sys/devices/virtual/block/dm-4/slaves/dm-2", "sys/devices/virtual/block/dm-2");
	fx_block("253:4", "virtual/block/dm-4");
	assert_int_equal(chain(253, 4, "ext4", got, sizeof(got), why), -2);
	assert_string_equal(why, "the target dm-2 is a device-mapper device that is no LVM logical volume (only LVs "
				 "are supported); set TARGET to a filesystem on a plain disk partition");
	fx_file("sys/devices/virtual/block/dm-5/dm/uuid", "CRYPT-LUKS2-0123456789abcdef0123456789abcdef-x_crypt\n");
	fx_link("sys/devices/virtual/block/dm-5/slaves/dm-1", "sys/devices/virtual/block/dm-1");
	fx_block("253:5", "virtual/block/dm-5");
	assert_int_equal(chain(253, 5, "ext4", got, sizeof(got), why), -2);
	assert_string_equal(why, "the target dm-0 is a device-mapper device that is no LVM logical volume (only LVs "
				 "are supported); set TARGET to a filesystem on a plain disk partition");
}

static void no_mode_reaches_dm_md_loop_network(void **state)
{
	char got[1024], why[2048];

	(void)state;
	fx_dir("sys/devices/virtual/block/dm-0/dm");
	fx_block("253:0", "virtual/block/dm-0");
	assert_int_equal(chain(253, 0, "ext4", got, sizeof(got), why), -2);
	assert_string_equal(why, "the target dm-0 is a device-mapper device that is no LVM logical volume (only "
				 "LVs are supported); set TARGET to a filesystem on a plain disk partition or an LVM "
				 "logical volume");
	fx_file("sys/devices/virtual/block/dm-0/dm/uuid", "CRYPT-PLAIN-sda3_crypt\n");
	assert_int_equal(chain(253, 0, "ext4", got, sizeof(got), why), -2);
	assert_string_equal(why, "the target dm-0 is a dm-crypt device that is not LUKS (plain, TrueCrypt, BitLocker): "
				 "only LUKS targets are supported; set TARGET to a filesystem on a plain disk partition "
				 "or an LVM logical volume");
	fx_file("sys/devices/virtual/block/dm-0/dm/uuid", "LVM-" LVM_IDS "-real\n");
	assert_int_equal(chain(253, 0, "ext4", got, sizeof(got), why), -2);
	assert_non_null(strstr(why, "is a part of an LVM snapshot, thin pool or cache, not a plain logical volume"));
	fx_dir("sys/devices/virtual/block/md0/md");
	fx_file("sys/devices/virtual/block/md0/md0p1/partition", "1\n");
	fx_block("259:1", "virtual/block/md0/md0p1");
	assert_int_equal(chain(259, 1, "ext4", got, sizeof(got), why), -2);
	assert_string_equal(why, "the target md0p1 is a partition of the md array md0 (only whole arrays are "
				 "assembled); set TARGET to a filesystem on a plain disk partition or an md RAID1 array");
	fx_dir("sys/devices/virtual/block/loop0/loop");
	fx_block("7:0", "virtual/block/loop0");
	assert_int_equal(chain(7, 0, "ext4", got, sizeof(got), why), -2);
	assert_string_equal(why, "the target loop0 is a loop device, whose backing file the capture kernel "
				 "cannot reach; set TARGET to a filesystem on a plain disk partition");
	/* without hardware: a zram disk, a loop device not (or no longer) bound */
	fx_dir("sys/devices/virtual/block/zram0");
	fx_block("253:1", "virtual/block/zram0");
	assert_int_equal(chain(253, 1, "ext4", got, sizeof(got), why), -2);
	assert_string_equal(why, "the target zram0 is a virtual block device, with no hardware the capture kernel "
				 "can reach; set TARGET to a filesystem on a plain disk partition");
	fx_dir("sys/devices/virtual/block/loop1");
	fx_block("7:1", "virtual/block/loop1");
	assert_int_equal(chain(7, 1, "ext4", got, sizeof(got), why), -2);
	assert_string_equal(why, "the target loop1 is a loop device, whose backing file the capture kernel "
				 "cannot reach; set TARGET to a filesystem on a plain disk partition");
	assert_int_equal(chain(0, 52, "nfs4", got, sizeof(got), why), -2);
	assert_string_equal(why, "the target 0:52 is a network filesystem (nfs4), which the capture kernel "
				 "cannot reach; set TARGET to a filesystem on a local disk");
	assert_int_equal(chain(0, 53, "fuse.sshfs", got, sizeof(got), why), -2);
	assert_string_equal(why, "the target 0:53 is a FUSE filesystem (fuse.sshfs), which the capture "
				 "kernel cannot reach; set TARGET to a filesystem on a local disk");
	assert_null(arm_chain_network("ext4"));
	assert_non_null(arm_chain_network("cifs"));
	assert_non_null(arm_chain_network("9p"));
}

static void unknown_device_says_where_it_looked(void **state)
{
	char got[1024], why[2048], want[2048];

	(void)state;
	fx_dir("sys/devices");
	assert_int_equal(chain(8, 1, "ext4", got, sizeof(got), why), -1);
	(void)snprintf(want, sizeof(want), "cannot find the driver chain of the target: resolve "
					   "%s/sys/dev/block/8:1: No such file or directory", root);
	assert_string_equal(why, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TMPDIR_TEST(virtio_partition_is_pci_virtio_ext4),
		TMPDIR_TEST(scsi_disk_behind_a_port_and_a_builtin_driver),
		TMPDIR_TEST(lvm_lv_is_its_pvs_chains_and_dm_mod),
		TMPDIR_TEST(md_raid1_is_its_members_chains_md_mod_raid1),
		TMPDIR_TEST(luks_is_its_partitions_chain_and_dm_crypt),
		TMPDIR_TEST(encrypted_lvm_is_both_layers),
		TMPDIR_TEST(no_mode_reaches_dm_md_loop_network),
		TMPDIR_TEST(unknown_device_says_where_it_looked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
