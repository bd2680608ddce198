/* test_arm_modules.c: the small kernel's built-in list, and the distro modules from modules.dep, .softdep and .alias in load order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "arm_modules.h"
#include "sysfs_fixture.h"

static struct arm_chain chain_of(const char *const *names)
{
	struct arm_chain c = { .device = "sda1" };

	for (; *names; names++)
		(void)snprintf(c.module[c.n++], ARM_MODNAME_MAX, "%s", *names);
	return c;
}

static void builtin_matches_names_and_paths(void **state)
{
	static const char *const names[] = { "virtio_pci", "virtio_blk", "megaraid_sas", "ext4", NULL };
	struct arm_chain c = chain_of(names);
	char path[256], missing[512], why[512];

	(void)state;
	fx_file("vmlinuz.builtin", "ext4\nvirtio_blk\nvirtio_pci\n");
	(void)snprintf(path, sizeof(path), "%s/vmlinuz.builtin", root);
	assert_int_equal(arm_builtin_has(path, "virtio_blk"), 1);
	assert_int_equal(arm_builtin_has(path, "virtio-blk"), 1); /* '-' is '_' */
	assert_int_equal(arm_builtin_has(path, "virtio"), 0);     /* whole names only */
	assert_int_equal(arm_builtin_missing(path, &c, missing, sizeof(missing), why, sizeof(why)), 1);
	assert_string_equal(missing, "megaraid_sas");
	fx_file("modules.builtin", "kernel/drivers/scsi/megaraid/megaraid_sas.ko\nkernel/fs/ext4/ext4.ko\n");
	(void)snprintf(path, sizeof(path), "%s/modules.builtin", root);
	assert_int_equal(arm_builtin_has(path, "megaraid_sas"), 1);
	assert_int_equal(arm_builtin_missing(path, &c, missing, sizeof(missing), why, sizeof(why)), 2);
	assert_string_equal(missing, "virtio_pci virtio_blk");
	(void)snprintf(path, sizeof(path), "%s/none.builtin", root);
	assert_int_equal(arm_builtin_missing(path, &c, missing, sizeof(missing), why, sizeof(why)), -1);
	(void)snprintf(missing, sizeof(missing), "read %s: No such file or directory", path);
	assert_string_equal(why, missing);
}

#define M "lib/modules/6.1.0-18-amd64"

/* A Debian-like tree: ext4 and megaraid_sas as modules, sd_mod built in. */
static void fake_modules(void)
{
	fx_file(M "/modules.builtin", "kernel/drivers/scsi/sd_mod.ko\nkernel/lib/crc16.ko\n");
	fx_file(M "/modules.dep",
		"kernel/drivers/scsi/megaraid/megaraid_sas.ko.xz: kernel/drivers/scsi/scsi_mod.ko.xz "
		"kernel/drivers/scsi/scsi_common.ko.xz\n"
		"kernel/drivers/scsi/scsi_mod.ko.xz: kernel/drivers/scsi/scsi_common.ko.xz\n"
		"kernel/drivers/scsi/scsi_common.ko.xz:\n"
		"kernel/fs/ext4/ext4.ko.xz: kernel/fs/mbcache.ko.xz kernel/fs/jbd2/jbd2.ko.xz\n"
		"kernel/fs/mbcache.ko.xz:\n"
		"kernel/fs/jbd2/jbd2.ko.xz:\n"
		"kernel/crypto/crc32c_generic.ko.xz:\n"
		"kernel/arch/x86/crypto/crc32c-intel.ko.xz:\n"
		"kernel/drivers/block/xen-blkfront.ko.xz:\n");
	fx_file(M "/modules.softdep", "# Soft dependencies extracted from modules themselves.\n"
				      "softdep ext4 pre: crypto-crc32c post: nothing\n");
	/* as Debian 12's: the CPU's module first, then the generic one */
	fx_file(M "/modules.alias", "alias fs-ext4 ext4\nalias crypto-crc32c crc32c_intel\n"
				    "alias crc32c crc32c_intel\nalias crypto-crc32c crc32c_generic\n");
}

/* arm_modules_resolve of names under root/M: its return, the set as names. */
static int resolve(const char *const *names, char *got, size_t len, char *why)
{
	struct arm_chain c = chain_of(names);
	static struct arm_modset s;
	char dir[256];
	size_t used = 0;
	int r;

	(void)snprintf(dir, sizeof(dir), "%s/" M, root);
	r = arm_modules_resolve(dir, &c, &s, why, 1024);
	got[0] = '\0';
	for (unsigned i = 0; r == 0 && i < s.n; i++) {
		const char *rel = s.path[i] + strlen(dir) + 1;

		assert_memory_equal(s.path[i], dir, strlen(dir)); /* absolute, under the tree */
		used += (size_t)snprintf(got + used, len - used, "%s%s=%s", i ? " " : "", s.name[i], rel);
	}
	return r;
}

static void distro_set_in_load_order(void **state)
{
	static const char *const mega[] = { "megaraid_sas", "sd_mod", "ext4", NULL };
	static const char *const xen[] = { "xen_blkfront", "pcieportdrv", NULL };
	char got[4096], why[1024];

	(void)state;
	fake_modules();
	assert_int_equal(resolve(mega, got, sizeof(got), why), 0);
	assert_string_equal(got, "scsi_common=kernel/drivers/scsi/scsi_common.ko.xz "
				 "scsi_mod=kernel/drivers/scsi/scsi_mod.ko.xz "
				 "megaraid_sas=kernel/drivers/scsi/megaraid/megaraid_sas.ko.xz "
				 "crc32c_intel=kernel/arch/x86/crypto/crc32c-intel.ko.xz "
				 "crc32c_generic=kernel/crypto/crc32c_generic.ko.xz "
				 "jbd2=kernel/fs/jbd2/jbd2.ko.xz mbcache=kernel/fs/mbcache.ko.xz "
				 "ext4=kernel/fs/ext4/ext4.ko.xz");
	/* file names with '-', and a driver built into the running kernel */
	assert_int_equal(resolve(xen, got, sizeof(got), why), 0);
	assert_string_equal(got, "xen_blkfront=kernel/drivers/block/xen-blkfront.ko.xz");
}

static void distro_set_errors_name_the_file(void **state)
{
	static const char *const ext4[] = { "ext4", NULL };
	char got[4096], why[1024], want[1024];

	(void)state;
	fx_dir(M);
	assert_int_equal(resolve(ext4, got, sizeof(got), why), -1);
	(void)snprintf(want, sizeof(want), "read %s/" M "/modules.dep: No such file or directory", root);
	assert_string_equal(why, want);
	fake_modules();
	{
		static char longline[ARM_MODLINE_MAX + 16];

		memset(longline, 'x', sizeof(longline) - 2);
		longline[sizeof(longline) - 2] = '\n';
		fx_file(M "/modules.dep", longline);
	}
	assert_int_equal(resolve(ext4, got, sizeof(got), why), -1);
	(void)snprintf(want, sizeof(want), "read %s/" M "/modules.dep: a line is longer than the agent reads",
		       root);
	assert_string_equal(why, want);
}

/* A dependency's softdeps come before it: xfs needs libcrc32c, whose init
 * fails ("Unknown symbol") unless a crc32c module is loaded first (Debian
 * 12's "softdep libcrc32c pre: crc32c"; seen in test-system-lvm). */
static void distro_set_has_softdeps_of_dependencies(void **state)
{
	static const char *const xfs[] = { "xfs", NULL };
	char got[4096], why[1024];

	(void)state;
	fake_modules();
	fx_file(M "/modules.dep", "kernel/fs/xfs/xfs.ko.xz: kernel/lib/libcrc32c.ko.xz\n"
				  "kernel/lib/libcrc32c.ko.xz:\n"
				  "kernel/crypto/crc32c_generic.ko.xz:\n"
				  "kernel/arch/x86/crypto/crc32c-intel.ko.xz:\n");
	fx_file(M "/modules.softdep", "softdep libcrc32c pre: crc32c\n");
	fx_file(M "/modules.alias", "alias crc32c crc32c_intel\nalias crc32c crc32c_generic\n"); /* as Debian 12's */
	assert_int_equal(resolve(xfs, got, sizeof(got), why), 0);
	assert_string_equal(got, "crc32c_intel=kernel/arch/x86/crypto/crc32c-intel.ko.xz "
				 "crc32c_generic=kernel/crypto/crc32c_generic.ko.xz "
				 "libcrc32c=kernel/lib/libcrc32c.ko.xz xfs=kernel/fs/xfs/xfs.ko.xz");
}

static void distro_set_is_bounded(void **state)
{
	static const char *const big[] = { "big", NULL };
	char line[80], got[4096], why[1024], want[1024];
	static char dep[ARM_MODLINE_MAX];
	size_t used;

	(void)state;
	used = (size_t)snprintf(dep, sizeof(dep), "big.ko:");
	for (int i = 0; i < ARM_MODS_MAX; i++) {
		(void)snprintf(line, sizeof(line), " d%d.ko", i);
		used += (size_t)snprintf(dep + used, sizeof(dep) - used, "%s", line);
	}
	(void)snprintf(dep + used, sizeof(dep) - used, "\n");
	fx_file(M "/modules.dep", dep);
	assert_int_equal(resolve(big, got, sizeof(got), why), -1);
	(void)snprintf(want, sizeof(want), "the target needs more than %d modules of %s/" M, ARM_MODS_MAX, root);
	assert_string_equal(why, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TMPDIR_TEST(builtin_matches_names_and_paths),
		TMPDIR_TEST(distro_set_in_load_order),
		TMPDIR_TEST(distro_set_errors_name_the_file),
		TMPDIR_TEST(distro_set_has_softdeps_of_dependencies),
		TMPDIR_TEST(distro_set_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
