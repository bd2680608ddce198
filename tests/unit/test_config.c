/* test_config.c: the config parser's verdicts and exact messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "config.h"

static struct config cfg;
static struct config_error err;

static void ok(const char *text)
{
	if (config_parse(text, strlen(text), &cfg, &err) != 0)
		fail_msg("'%s' rejected: %u: %s", text, err.line, err.msg);
}

static void bad(const char *text, unsigned line, const char *msg)
{
	assert_int_equal(config_parse(text, strlen(text), &cfg, &err), -1);
	assert_int_equal(err.line, line);
	assert_string_equal(err.msg, msg);
}

static void defaults(void **state)
{
	(void)state;
	ok("");
	assert_string_equal(config_get(&cfg, KEY_TARGET), "auto");
	assert_string_equal(config_get(&cfg, KEY_CRASH_DIR), "/var/crash");
	assert_int_equal(config_dump_level(&cfg), 31);
	assert_string_equal(config_get(&cfg, KEY_FINAL_ACTION), "reboot");
}

static void values(void **state)
{
	(void)state;
	ok("# c\n\n   \t\n  # indented comment\nTARGET=UUID=5A1E-0F3C\nDUMP_LEVEL=1 \t\r\n"
	   "CMDLINE_APPEND=\"a b  c\"\nCRASH_DIR=/srv/dumps/k-1.x\nFSTYPE=xfs");
	assert_string_equal(config_get(&cfg, KEY_TARGET), "UUID=5A1E-0F3C");
	assert_int_equal(config_dump_level(&cfg), 1);
	assert_string_equal(config_get(&cfg, KEY_CMDLINE_APPEND), "a b  c");
	assert_string_equal(config_get(&cfg, KEY_CRASH_DIR), "/srv/dumps/k-1.x");
	ok("TARGET=/dev/disk/by-label/my\\x20disk\nCMDLINE_APPEND=\n");
	ok("TARGET=LABEL=root\n");
}

static void errors(void **state)
{
	(void)state;
	bad("FOO=1\n", 1, "unknown key 'FOO'");
	bad("\nDUMP_LEVEL=1\nDUMP_LEVEL=2\n", 3, "DUMP_LEVEL is already set on line 2");
	bad(" TARGET=auto\n", 1, "expected KEY=value");
	bad("target=auto\n", 1, "expected KEY=value");
	bad("TARGET auto\n", 1, "expected KEY=value");
	bad("CMDLINE_APPEND=\"abc\n", 1, "CMDLINE_APPEND: unterminated quote");
	bad("CMDLINE_APPEND=a\"b\n", 1, "CMDLINE_APPEND: unterminated quote");
	bad("CMDLINE_APPEND=a\tb\n", 1, "CMDLINE_APPEND: value has a non-printable character");
	bad("TARGET=\n", 1, "TARGET: value is empty");
	bad("DUMP_LEVEL=32\n", 1, "DUMP_LEVEL: bad value '32': expected a number from 0 to 31");
	bad("DUMP_LEVEL=-1\n", 1, "DUMP_LEVEL: bad value '-1': expected a number from 0 to 31");
	bad("DUMP_LEVEL=007\n", 1, "DUMP_LEVEL: bad value '007': expected a number from 0 to 31");
	bad("COMPRESSION=xz\n", 1, "COMPRESSION: bad value 'xz': expected zlib, lzo, zstd or none");
	bad("FINAL_ACTION=explode\n", 1,
	    "FINAL_ACTION: bad value 'explode': expected reboot, poweroff, halt or shell");
	bad("FSTYPE=btrfs\n", 1,
	    "FSTYPE: bad value 'btrfs': expected auto, ext2, ext3, ext4, xfs or vfat");
	bad("CAPTURE_KERNEL=vmlinuz\n", 1,
	    "CAPTURE_KERNEL: bad value 'vmlinuz': expected an absolute path");
}

static void targets(void **state)
{
	static const char *const rejected[] = {
		"TARGET=/dev/sda1\n", "TARGET=UUID=\n", "TARGET=UUID=xyz\n",
		"TARGET=LABEL=a/b\n", "TARGET=/dev/disk/by-foo/x\n", "TARGET=/dev/disk/by-uuid/\n",
		"TARGET=/dev/disk/by-uuid/..\n", "TARGET=UUID=0123456789abcdef0123456789abcdef01234\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++) {
		assert_int_equal(config_parse(rejected[i], strlen(rejected[i]), &cfg, &err), -1);
		assert_non_null(strstr(err.msg, "expected auto, UUID=..., LABEL=... or /dev/disk/by-*/..."));
	}
}

static void crash_dirs(void **state)
{
	static const char *const rejected[] = {
		"CRASH_DIR=/\n", "CRASH_DIR=var/crash\n", "CRASH_DIR=/var//crash\n",
		"CRASH_DIR=/var/crash/\n", "CRASH_DIR=/var/../etc\n", "CRASH_DIR=/var/./crash\n",
		"CRASH_DIR=/var/cr ash\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++) {
		assert_int_equal(config_parse(rejected[i], strlen(rejected[i]), &cfg, &err), -1);
		assert_non_null(strstr(err.msg, "expected an absolute path without"));
	}
}

static void long_line(void **state)
{
	char text[1025];

	(void)state;
	memset(text, 'x', sizeof(text));
	memcpy(text, "CMDLINE_APPEND=", 15);
	text[1023] = '\n';
	assert_int_equal(config_parse(text, 1024, &cfg, &err), 0);
	text[1023] = 'x';
	text[1024] = '\n';
	assert_int_equal(config_parse(text, 1025, &cfg, &err), -1);
	assert_int_equal(err.line, 1);
	assert_string_equal(err.msg, "line is longer than 1023 bytes");
}

static void set_from_cmdline(void **state)
{
	(void)state;
	config_defaults(&cfg);
	assert_int_equal(config_set(&cfg, "TARGET", "UUID=abcd", &err), 0);
	assert_string_equal(config_get(&cfg, KEY_TARGET), "UUID=abcd");
	assert_int_equal(config_set(&cfg, "FSTYPE", "ntfs", &err), -1);
	assert_string_equal(err.msg, "FSTYPE: bad value 'ntfs': expected auto, ext2, ext3, ext4, xfs or vfat");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),	 cmocka_unit_test(values),
		cmocka_unit_test(errors),	 cmocka_unit_test(targets),
		cmocka_unit_test(crash_dirs),	 cmocka_unit_test(long_line),
		cmocka_unit_test(set_from_cmdline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
