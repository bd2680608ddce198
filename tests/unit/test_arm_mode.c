/* test_arm_mode.c: CAPTURE_MODE decided from lockdown and the small kernel's drivers, with its one-line reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "arm_mode.h"

static struct arm_chain virtio = { "vda1", 3, { "virtio_pci", "virtio_blk", "ext4" }, NULL, NULL };

/* arm_mode_decide: want_rc, the mode, and the reason. */
static void decide(const char *setting, const char *lockdown, const char *error, const char *missing,
		   int want_rc, enum arm_mode want, const char *reason)
{
	struct arm_mode_facts f = { setting, lockdown, "/usr/lib/dumpagent/vmlinuz.builtin", error, missing,
				    &virtio, NULL };
	enum arm_mode mode;
	char why[1024];

	assert_int_equal(arm_mode_decide(&f, &mode, why, sizeof(why)), want_rc);
	assert_string_equal(why, reason);
	if (want_rc == 0)
		assert_string_equal(arm_mode_name(mode), arm_mode_name(want));
}

static void auto_small_when_it_can(void **state)
{
	(void)state;
	decide("auto", "", "", "", 0, ARM_MODE_SMALL,
	       "auto: small: lockdown is off and the small kernel has virtio_pci virtio_blk ext4");
}

static void auto_distro_under_lockdown_or_a_missing_driver(void **state)
{
	(void)state;
	decide("auto", "integrity", "", "", 0, ARM_MODE_DISTRO,
	       "auto: distro: lockdown is integrity (Secure Boot): the small kernel is not signed");
	decide("auto", "", "", "megaraid_sas", 0, ARM_MODE_DISTRO, "auto: distro: the small kernel lacks megaraid_sas");
	decide("auto", "", "read /x.builtin: No such file or directory", "", 0, ARM_MODE_DISTRO,
	       "auto: distro: the small kernel has no list of its built-in drivers (read /x.builtin: No such "
	       "file or directory)");
	decide("distro", "", "", "", 0, ARM_MODE_DISTRO, "distro: CAPTURE_MODE=distro");
}

static void small_refused_when_it_cannot_reach(void **state)
{
	(void)state;
	decide("small", "", "", "megaraid_sas sd_mod", -1, ARM_MODE_SMALL,
	       "CAPTURE_MODE=small: the small kernel lacks megaraid_sas sd_mod, needed to reach vda1 "
	       "(/usr/lib/dumpagent/vmlinuz.builtin lists its drivers); set CAPTURE_MODE=distro or CAPTURE_MODE=auto");
	decide("small", "", "read /x: Permission denied", "", -1, ARM_MODE_SMALL,
	       "CAPTURE_MODE=small: the small kernel has no list of its built-in drivers (read /x: Permission "
	       "denied), so it cannot be trusted to reach vda1; set CAPTURE_MODE=auto or CAPTURE_MODE=distro");
	/* lockdown does not refuse small up front: an admin may have signed it */
	decide("small", "integrity", "", "", 0, ARM_MODE_SMALL,
	       "small: CAPTURE_MODE=small, under lockdown integrity: the small kernel loads only if it is "
	       "signed by a key the kernel trusts");
	decide("small", "", "", "", 0, ARM_MODE_SMALL, "small: CAPTURE_MODE=small");
}

/* Stacked targets: the agent maps an LV and assembles an md array itself,
 * so the small kernel takes them when it has their drivers built in; a LUKS
 * device needs cryptsetup, which the small initramfs lacks. */
static void stacked_small_unless_a_tool_is_needed(void **state)
{
	static struct arm_chain lv = { "dm-1", 4, { "virtio_pci", "virtio_blk", "dm_mod", "xfs" }, NULL, NULL };
	static struct arm_chain md = { "md0", 5, { "virtio_pci", "virtio_blk", "md_mod", "raid1", "ext4" },
				       NULL, NULL };
	static struct arm_chain luks = { "dm-0", 7,
					 { "virtio_pci", "virtio_blk", "dm_mod", "dm_crypt", "ecb", "xts", "ext4" },
					 "cryptsetup", "open the LUKS device" };
	struct arm_mode_facts f = { "auto", "", "/k.builtin", "", "", &lv, NULL };
	enum arm_mode mode;
	char why[1024];

	(void)state;
	assert_int_equal(arm_mode_decide(&f, &mode, why, sizeof(why)), 0);
	assert_int_equal(mode, ARM_MODE_SMALL);
	assert_string_equal(why, "auto: small: lockdown is off and the small kernel has virtio_pci virtio_blk dm_mod xfs");
	f.chain = &md;
	assert_int_equal(arm_mode_decide(&f, &mode, why, sizeof(why)), 0);
	assert_int_equal(mode, ARM_MODE_SMALL);
	assert_string_equal(why, "auto: small: lockdown is off and the small kernel has virtio_pci virtio_blk md_mod "
				 "raid1 ext4");
	f.chain = &luks;
	assert_int_equal(arm_mode_decide(&f, &mode, why, sizeof(why)), 0);
	assert_int_equal(mode, ARM_MODE_DISTRO);
	assert_string_equal(why, "auto: distro: the small initramfs lacks cryptsetup, needed to open the LUKS device "
				 "of dm-0");
	f.setting = "small";
	assert_int_equal(arm_mode_decide(&f, &mode, why, sizeof(why)), -1);
	assert_string_equal(why, "CAPTURE_MODE=small: the small initramfs lacks cryptsetup, needed to open the LUKS "
				 "device of dm-0; set CAPTURE_MODE=distro or CAPTURE_MODE=auto");
	/* A kernel without dm-crypt is named first: it is the bigger gap. */
	f.setting = "auto";
	f.missing = "dm_crypt";
	assert_int_equal(arm_mode_decide(&f, &mode, why, sizeof(why)), 0);
	assert_int_equal(mode, ARM_MODE_DISTRO);
	assert_string_equal(why, "auto: distro: the small kernel lacks dm_crypt");
}

/* --kernel sets the small mode, whatever CAPTURE_MODE says, and is named. */
static void kernel_option_sets_small(void **state)
{
	struct arm_mode_facts f = { "auto", "", "/k.builtin", "", "megaraid_sas", &virtio, "--kernel" };
	enum arm_mode mode;
	char why[1024];

	(void)state;
	assert_int_equal(arm_mode_decide(&f, &mode, why, sizeof(why)), -1);
	assert_string_equal(why, "--kernel: the small kernel lacks megaraid_sas, needed to reach vda1 (/k.builtin "
				 "lists its drivers); set CAPTURE_MODE=distro or CAPTURE_MODE=auto");
	f.missing = "";
	f.setting = "distro";
	assert_int_equal(arm_mode_decide(&f, &mode, why, sizeof(why)), 0);
	assert_int_equal(mode, ARM_MODE_SMALL);
	assert_string_equal(why, "small: --kernel");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(auto_small_when_it_can),
		cmocka_unit_test(auto_distro_under_lockdown_or_a_missing_driver),
		cmocka_unit_test(small_refused_when_it_cannot_reach),
		cmocka_unit_test(stacked_small_unless_a_tool_is_needed),
		cmocka_unit_test(kernel_option_sets_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
