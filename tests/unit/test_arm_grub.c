/* test_arm_grub.c: the GRUB settings files that set crashkernel= already (load-crashkernel --reserve). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "arm_grub.h"
#include "tmpdir.h"


static void others_are_named_in_order(void **state)
{
	char dir[256], out[1024], want[1024];

	(void)state;
	(void)snprintf(dir, sizeof(dir), "%s/grub.d", root);
	assert_int_equal(mkdir(dir, 0755), 0);
	tmpdir_write("grub", "GRUB_DEFAULT=0\n# crashkernel=64M was here\nGRUB_CMDLINE_LINUX=\"quiet crashkernel=128M\"\n");
	tmpdir_write("grub.d/kdump-tools.cfg", "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=384M-:128M\"\n");
	tmpdir_write("grub.d/dumpagent.cfg", "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=40M\"\n");
	tmpdir_write("grub.d/a-comment.cfg", "X=1 # crashkernel=1M\n");
	tmpdir_write("grub.d/b-not-cfg.txt", "crashkernel=1M\n");
	assert_int_equal(arm_grub_others(dir, out, sizeof(out)), 2);
	(void)snprintf(want, sizeof(want), "%s/grub %s/grub.d/kdump-tools.cfg", root, root);
	assert_string_equal(out, want);
}

static void none_when_only_ours_or_comments(void **state)
{
	char dir[256], out[1024];

	(void)state;
	(void)snprintf(dir, sizeof(dir), "%s/grub.d", root);
	assert_int_equal(arm_grub_others(dir, out, sizeof(out)), 0); /* neither file nor directory */
	assert_string_equal(out, "");
	assert_int_equal(mkdir(dir, 0755), 0);
	tmpdir_write("grub", "#GRUB_CMDLINE_LINUX=\"crashkernel=128M\"\n");
	tmpdir_write("grub.d/dumpagent.cfg", "GRUB_CMDLINE_LINUX_DEFAULT=\"crashkernel=40M\"\n");
	assert_int_equal(arm_grub_others(dir, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TMPDIR_TEST(others_are_named_in_order),
		TMPDIR_TEST(none_when_only_ours_or_comments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
