/* config_values.c: what each configuration key accepts. */
#include "config_values.h"

#include <stdlib.h>
#include <string.h>

#include "arm_threads.h"
#include "config.h"

static int one_of(const char *value, const char *const *words)
{
	for (; *words; words++)
		if (strcmp(value, *words) == 0)
			return 1;
	return 0;
}

static int span_is(const char *s, size_t len, const char *accept)
{
	return strspn(s, accept) >= len;
}

static int target_ok(const char *v)
{
	static const char *const by[] = { "uuid", "label", "partuuid", "partlabel", "id", "path",
					   NULL };
	const char *name;
	size_t n;

	if (strcmp(v, "auto") == 0)
		return 1;
	if (strncmp(v, "UUID=", 5) == 0) {
		n = strlen(v + 5);
		return n >= 1 && n <= 36 && span_is(v + 5, n, "0123456789abcdefABCDEF-");
	}
	if (strncmp(v, "LABEL=", 6) == 0) {
		n = strlen(v + 6);
		return n >= 1 && n <= 32 && !strchr(v + 6, '/');
	}
	if (strncmp(v, "/dev/disk/by-", 13) != 0)
		return 0;
	name = strchr(v + 13, '/');
	if (!name)
		return 0;
	for (int i = 0; by[i]; i++) {
		if (strlen(by[i]) == (size_t)(name - (v + 13)) &&
		    strncmp(v + 13, by[i], strlen(by[i])) == 0) {
			name++;
			return *name && !strchr(name, '/') && strcmp(name, ".") != 0 &&
			       strcmp(name, "..") != 0;
		}
	}
	return 0;
}

static int crash_dir_ok(const char *v)
{
	static const char comp_chars[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";
	size_t len = strlen(v);
	const char *p = v;

	if (v[0] != '/' || len < 2 || len > 255)
		return 0;
	while (*p == '/') {
		size_t n = strspn(p + 1, comp_chars);

		if (n == 0 || (n == 1 && p[1] == '.') || (n == 2 && p[1] == '.' && p[2] == '.'))
			return 0;
		p += 1 + n;
	}
	return *p == '\0';
}

static int dump_level_ok(const char *v)
{
	size_t n = strlen(v);

	if (n < 1 || n > 2 || !span_is(v, n, "0123456789"))
		return 0;
	return (n == 1 ? v[0] - '0' : (v[0] - '0') * 10 + (v[1] - '0')) <= 31;
}

static int mib_ok(const char *v)
{
	size_t n = strlen(v);

	return n >= 1 && n <= 6 && span_is(v, n, "0123456789");
}

static int seconds_ok(const char *v, size_t max_digits)
{
	size_t n = strlen(v);

	return n >= 1 && n <= max_digits && span_is(v, n, "0123456789");
}

/* 1 to max_digits decimal digits, no leading zero (or "0" itself when zero_ok). */
static int count_ok(const char *v, size_t max_digits, int zero_ok)
{
	size_t n = strlen(v);

	if (zero_ok && strcmp(v, "0") == 0)
		return 1;
	return n >= 1 && n <= max_digits && v[0] >= '1' && v[0] <= '9' &&
	       span_is(v, n, "0123456789");
}

static int abs_path_ok(const char *v)
{
	return v[0] == '/' && !strchr(v, ' ');
}

const char *config_value_check(int key, const char *v)
{
	static const char *const fstypes[] = { "auto", "ext2", "ext3", "ext4", "xfs", "vfat", NULL };
	static const char *const comps[] = { "zlib", "lzo", "zstd", "none", NULL };
	static const char *const actions[] = { "reboot", "poweroff", "halt", "shell", NULL };
	static const char *const bools[] = { "0", "1", NULL };
	static const char *const shells[] = { "0", "1", "only", NULL };
	static const char *const modes[] = { "auto", "small", "distro", NULL };
	static const char *const embeds[] = { "boot", "capture", "export", NULL };

	switch (key) {
	case KEY_TARGET:
		return target_ok(v) ? NULL
				    : "expected auto, UUID=..., LABEL=... or /dev/disk/by-*/...";
	case KEY_FSTYPE:
		return one_of(v, fstypes) ? NULL : "expected auto, ext2, ext3, ext4, xfs or vfat";
	case KEY_CRASH_DIR:
		return crash_dir_ok(v)
			       ? NULL
			       : "expected an absolute path without '.', '..' or empty components";
	case KEY_DUMP_LEVEL:
		return dump_level_ok(v) ? NULL : "expected a number from 0 to 31";
	case KEY_COMPRESSION:
		return one_of(v, comps) ? NULL : "expected zlib, lzo, zstd or none";
	case KEY_FINAL_ACTION:
	case KEY_FAILURE_ACTION:
		return one_of(v, actions) ? NULL : "expected reboot, poweroff, halt or shell";
	case KEY_CAPTURE_KERNEL:
	case KEY_CAPTURE_INITRD:
		return abs_path_ok(v) ? NULL : "expected an absolute path";
	case KEY_CAPTURE_MODE:
		return one_of(v, modes) ? NULL : "expected auto, small or distro";
	case KEY_BSOD:
		return one_of(v, bools) ? NULL : "expected 0 or 1";
	case KEY_BSOD_SECONDS:
		return seconds_ok(v, 5) ? NULL : "expected a number of seconds from 0 to 99999";
	case KEY_EMERGENCY_SHELL:
		return one_of(v, shells) ? NULL : "expected 0, 1 or only";
	case KEY_WATCHDOG_SECONDS:
		return seconds_ok(v, 6) ? NULL
					: "expected a number of seconds from 0 (no watchdog) to 999999";
	case KEY_REPORT_VMCORE:
		return one_of(v, embeds) ? NULL : "expected boot, capture or export";
	case KEY_MIN_FREE_MB:
	case KEY_REPORT_VMCORE_MAX_MB:
		return mib_ok(v) ? NULL : "expected a number of MiB from 0 to 999999";
	case KEY_MAX_DUMPS:
		return count_ok(v, 4, 0) ? NULL : "expected a number of dumps from 1 to 9999";
	case KEY_MAX_TOTAL_MB:
		return !*v || count_ok(v, 7, 0) ? NULL
						: "expected nothing or a number of MiB from 1 to 9999999";
	case KEY_MAX_AGE_DAYS:
		return !*v || count_ok(v, 5, 0) ? NULL
						: "expected nothing or a number of days from 1 to 99999";
	case KEY_CRASH_LOOP_MAX:
		return count_ok(v, 3, 1) ? NULL : "expected a number of dumps from 0 to 999";
	case KEY_CRASH_LOOP_MINUTES:
		return count_ok(v, 5, 0) ? NULL : "expected a number of minutes from 1 to 99999";
	case KEY_THREADS:
		return strcmp(v, "auto") == 0 || (count_ok(v, 2, 0) && strtoul(v, NULL, 10) <= ARM_THREADS_MAX)
			       ? NULL
			       : "expected auto or a number of threads from 1 to 16";
	default:
		return NULL;
	}
}
