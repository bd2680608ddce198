/* test_md_find.c: which devices make the recorded md array, and when the capture refuses to assemble it (a slot missing or twice, events that disagree, a changed array). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "md_find.h"

#define UUID "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"

static const struct md_plan plan = { UUID, 1, 2 };

static struct md_member member(int role, unsigned long long events)
{
	struct md_member m;

	memset(&m, 0, sizeof(m));
	m.major = 1, m.minor = 2;
	memcpy(m.uuid, UUID, sizeof(m.uuid));
	m.level = 1, m.raid_disks = 2, m.role = role, m.events = events;
	return m;
}

static void both_members_in_step_are_the_array(void **state)
{
	struct md_found f;
	struct md_member m, other;
	char err[512];

	(void)state;
	memset(&f, 0, sizeof(f));
	other = member(0, 9);
	memcpy(other.uuid, "b0a1a2a3a4a5a6a7a8a9aaabacadaeaf", 33); /* another array: ignored */
	assert_int_equal(md_found_add(&f, &plan, "sdd", makedev(8, 48), &other, err, sizeof(err)), 0);
	m = member(1, 20);
	assert_int_equal(md_found_add(&f, &plan, "sdc1", makedev(8, 33), &m, err, sizeof(err)), 0);
	m = member(-1, 20); /* a spare: no slot */
	assert_int_equal(md_found_add(&f, &plan, "sde", makedev(8, 64), &m, err, sizeof(err)), 0);
	assert_int_equal(md_found_check(&f, &plan, err, sizeof(err)), -1);
	assert_string_equal(err, "md array " UUID ": no device holds slot 0 of its 2 members: refusing to "
				 "assemble it degraded (the dump would be on some members only)");
	m = member(0, 20);
	assert_int_equal(md_found_add(&f, &plan, "sdb1", makedev(8, 17), &m, err, sizeof(err)), 0);
	assert_int_equal(md_found_check(&f, &plan, err, sizeof(err)), 0);
	assert_int_equal(f.seen, 3);
	assert_string_equal(f.name[0], "sdb1");
	assert_int_equal(f.dev[1], makedev(8, 33));
}

static void refuses_what_md_would_not_assemble_whole(void **state)
{
	struct md_found f;
	struct md_member m;
	char err[512];

	(void)state;
	memset(&f, 0, sizeof(f));
	m = member(0, 20);
	assert_int_equal(md_found_add(&f, &plan, "sdb", makedev(8, 16), &m, err, sizeof(err)), 0);
	m = member(1, 19); /* one update behind */
	assert_int_equal(md_found_add(&f, &plan, "sdc", makedev(8, 32), &m, err, sizeof(err)), 0);
	assert_int_equal(md_found_check(&f, &plan, err, sizeof(err)), -1);
	assert_string_equal(err, "md array " UUID ": its members disagree: sdb has events 20, sdc has 19: refusing "
				 "to assemble (md would drop the older one); mdadm --examine them after the reboot");
	m = member(0, 20); /* a clone of slot 0 */
	assert_int_equal(md_found_add(&f, &plan, "sdd", makedev(8, 48), &m, err, sizeof(err)), -1);
	assert_string_equal(err, "md array " UUID ": slot 0 is on two devices (sdb, sdd): refusing to guess which "
				 "one to assemble");
	m = member(0, 20);
	m.raid_disks = 3; /* grown since arming */
	assert_int_equal(md_found_add(&f, &plan, "sdd", makedev(8, 48), &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "sdd says level 1 with 3 members, the loader recorded raid1 with 2"));
	m = member(0, 20);
	m.feature_map = MD_FEATURE_RESHAPE_ACTIVE;
	assert_int_equal(md_found_add(&f, &plan, "sdd", makedev(8, 48), &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "a reshape is under way on sdd"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(both_members_in_step_are_the_array),
		cmocka_unit_test(refuses_what_md_would_not_assemble_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
