/* test_lvm_plan.c: the recorded LV mapping (dumpagent.lvm=): parsed, refused when malformed, written back, and as a DM_TABLE_LOAD request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <linux/dm-ioctl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "dm_create.h"
#include "lvm_plan.h"

#define VG_ID "Nwalkc4V20qRzB4Pc5UuaXnR1qnyAnw0"
#define PV_A "A4z9G51DYexMuyDeRIzJcbOyzXw05ahI"
#define PV_B "B4z9G51DYexMuyDeRIzJcbOyzXw05ahI"

/* A linear segment, then one striped over two PVs. */
static const char two[] = "vg0/root," VG_ID ",7,0+2048:linear:" PV_A "+2048,"
			  "2048+4096:striped:128:" PV_A "+4096:" PV_B "+2048";

static void parses_linear_and_striped(void **state)
{
	struct lvm_plan p;
	char err[256];

	(void)state;
	assert_int_equal(lvm_plan_parse(two, &p, err, sizeof(err)), 0);
	assert_string_equal(p.vg, "vg0");
	assert_string_equal(p.lv, "root");
	assert_string_equal(p.vg_id, VG_ID);
	assert_int_equal(p.seqno, 7);
	assert_int_equal(p.nseg, 2);
	assert_int_equal(p.npv, 2);
	assert_int_equal(p.seg[0].n, 1);
	assert_int_equal(p.seg[0].area[0].offset, 2048);
	assert_int_equal(p.seg[1].n, 2);
	assert_int_equal(p.seg[1].chunk, 128);
	assert_int_equal(p.seg[1].area[1].pv, 1);
	assert_string_equal(p.pv[1], PV_B);
}

static void writes_what_it_reads(void **state)
{
	struct lvm_plan p;
	char err[256], out[LVM_PLAN_TEXT_MAX + 1];

	(void)state;
	assert_int_equal(lvm_plan_parse(two, &p, err, sizeof(err)), 0);
	assert_int_equal(lvm_plan_format(&p, out, sizeof(out)), 0);
	assert_string_equal(out, two);
	assert_int_equal(lvm_plan_format(&p, out, 40), -1);
}

static void refuses_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"vg0/root," VG_ID ",7",                                   /* no segment */
		"vg0," VG_ID ",7,0+8:linear:" PV_A "+0",                  /* no LV */
		"vg0/ro ot," VG_ID ",7,0+8:linear:" PV_A "+0",            /* a blank */
		"vg0/root,short,7,0+8:linear:" PV_A "+0",                 /* VG id */
		"vg0/root," VG_ID ",0,0+8:linear:" PV_A "+0",             /* seqno 0 */
		"vg0/root," VG_ID ",7,8+8:linear:" PV_A "+0",             /* not from sector 0 */
		"vg0/root," VG_ID ",7,0+8:linear:" PV_A "+0,16+8:linear:" PV_A "+8", /* a gap */
		"vg0/root," VG_ID ",7,0+0:linear:" PV_A "+0",             /* empty */
		"vg0/root," VG_ID ",7,0+8:mirror:" PV_A "+0",             /* not linear/striped */
		"vg0/root," VG_ID ",7,0+8:striped:100:" PV_A "+0:" PV_B "+0", /* chunk not 2^n */
		"vg0/root," VG_ID ",7,0+9:striped:128:" PV_A "+0:" PV_B "+0", /* len not whole stripes */
		"vg0/root," VG_ID ",7,0+8:striped:128:" PV_A "+0",        /* one stripe */
		"vg0/root," VG_ID ",7,0+8:linear:" PV_A "+0,",            /* a trailing comma */
		"vg0/root," VG_ID ",7,0+8:linear:" PV_A "+0x",            /* garbage */
		"vg0/root," VG_ID ",7,0+99999999999999999999:linear:" PV_A "+0",
		"vg0/root," VG_ID ",7,0+8:linear:" PV_A "+-1",
	};
	struct lvm_plan p;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (lvm_plan_parse(bad[i], &p, err, sizeof(err)) != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_int_equal(p.nseg, 0);
		assert_true(strncmp(err, "dumpagent.lvm=: ", 16) == 0);
	}
}

/* More segments than LVM_SEG_MAX, or longer than LVM_PLAN_TEXT_MAX (a cut value). */
static void refuses_too_many(void **state)
{
	static char text[4096];
	struct lvm_plan p;
	char err[256];
	size_t n;

	(void)state;
	n = (size_t)snprintf(text, sizeof(text), "v/l," VG_ID ",1");
	for (unsigned i = 0; i <= LVM_SEG_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, ",%u+8:linear:" PV_A "+%u", i * 8, i * 8);
	assert_true(n <= LVM_PLAN_TEXT_MAX);
	assert_int_equal(lvm_plan_parse(text, &p, err, sizeof(err)), -1);
	assert_string_equal(err, "dumpagent.lvm=: bad segment 16 of v/l");
	memset(text, 'a', sizeof(text) - 1);
	assert_int_equal(lvm_plan_parse(text, &p, err, sizeof(err)), -1);
}

static void table_lines_name_the_devices(void **state)
{
	struct lvm_plan p;
	dev_t devs[2] = { makedev(8, 2), makedev(259, 65537) };
	char err[256], line[256];

	(void)state;
	assert_int_equal(lvm_plan_parse(two, &p, err, sizeof(err)), 0);
	assert_int_equal(lvm_plan_table(&p, 0, devs, line, sizeof(line)), 0);
	assert_string_equal(line, "8:2 2048");
	assert_int_equal(lvm_plan_table(&p, 1, devs, line, sizeof(line)), 0);
	assert_string_equal(line, "2 128 8:2 4096 259:65537 2048");
	assert_int_equal(lvm_plan_table(&p, 2, devs, line, sizeof(line)), -1);
	assert_int_equal(lvm_plan_table(&p, 1, devs, line, 10), -1);
}

/* The request the kernel reads: specs 8-byte aligned, next from each spec. */
static void table_request_layout(void **state)
{
	static unsigned char buf[DM_TABLE_BUF];
	struct dm_ioctl *io = (struct dm_ioctl *)buf;
	struct dm_target_spec *t;
	struct lvm_plan p;
	dev_t devs[2] = { makedev(8, 2), makedev(8, 17) };
	char err[256];
	size_t n;

	(void)state;
	assert_int_equal(lvm_plan_parse(two, &p, err, sizeof(err)), 0);
	n = dm_table_request("dumpagent-target", &p, devs, buf, sizeof(buf));
	assert_true(n > sizeof(*io));
	assert_int_equal(io->data_size, n);
	assert_int_equal(io->data_start, sizeof(*io));
	assert_int_equal(io->target_count, 2);
	assert_int_equal(io->version[0], 4);
	assert_string_equal(io->name, "dumpagent-target");
	t = (struct dm_target_spec *)(buf + sizeof(*io));
	assert_int_equal(t->sector_start, 0);
	assert_int_equal(t->length, 2048);
	assert_string_equal(t->target_type, "linear");
	assert_string_equal((char *)(t + 1), "8:2 2048");
	assert_int_equal(t->next % 8, 0);
	t = (struct dm_target_spec *)((unsigned char *)t + t->next);
	assert_int_equal(t->sector_start, 2048);
	assert_int_equal(t->length, 4096);
	assert_string_equal(t->target_type, "striped");
	assert_string_equal((char *)(t + 1), "2 128 8:2 4096 8:17 2048");
	assert_int_equal((unsigned char *)t + t->next - buf, n);
	assert_int_equal(dm_table_request("dumpagent-target", &p, devs, buf, sizeof(*io) + 50), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_linear_and_striped),
		cmocka_unit_test(writes_what_it_reads),
		cmocka_unit_test(refuses_malformed),
		cmocka_unit_test(refuses_too_many),
		cmocka_unit_test(table_lines_name_the_devices),
		cmocka_unit_test(table_request_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
