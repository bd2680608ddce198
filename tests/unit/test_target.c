/* test_target.c: finding the target disk in a fake /sys/class/block and /dev. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "target.h"
#include "tmpdir.h"

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
	struct target_env env = { sys_block, dev_dir, 0, 0 };
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(loop_and_ram_devices_are_not_counted, setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
