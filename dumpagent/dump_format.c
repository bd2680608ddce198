/* dump_format.c: every name of docs/dump-format.md, for the writer (capture) and the readers alike. */
#include "dump_format.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define REPORT_PREFIX "linux-image-"
#define REPORT_SUFFIX ".crash"

/* Each name is BEFORE<id>AFTER; dumpagent.log alone takes no id. */
static const struct {
	const char *before, *after;
	int with_id;
} file_names[DUMP_FILE_KINDS] = {
	[DUMP_FILE_DMESG] = { "dmesg.", "", 1 },
	[DUMP_FILE_SUMMARY_TXT] = { "summary.", ".txt", 1 },
	[DUMP_FILE_SUMMARY_JSON] = { "summary.", ".json", 1 },
	[DUMP_FILE_DUMP] = { "dump.", "", 1 },
	[DUMP_FILE_VMCORE_GZ] = { "vmcore.", ".gz", 1 },
	[DUMP_FILE_LOG] = { "dumpagent.log", "", 0 },
};

const char *dump_file_name(enum dump_file f, const char *id, char name[DUMP_NAME_MAX])
{
	if ((unsigned)f >= DUMP_FILE_KINDS) {
		name[0] = '\0';
		return name;
	}
	(void)snprintf(name, DUMP_NAME_MAX, "%s%.*s%s", file_names[f].before,
		       file_names[f].with_id ? DUMP_ID_MAX - 1 : 0, id, file_names[f].after);
	return name;
}

int dump_file_of(const char *name, const char *id)
{
	char want[DUMP_NAME_MAX];

	for (int f = 0; f < DUMP_FILE_KINDS; f++)
		if (strcmp(name, dump_file_name((enum dump_file)f, id, want)) == 0)
			return f;
	return -1;
}

const char *dump_report_name(const char *release, const char *id, char name[DUMP_NAME_MAX])
{
	char safe[80];
	size_t n = 0;

	for (; *release && n + 1 < sizeof(safe); release++, n++)
		safe[n] = (strchr("._+-", *release) || (*release >= '0' && *release <= '9') ||
			   (*release >= 'a' && *release <= 'z') || (*release >= 'A' && *release <= 'Z'))
				  ? *release
				  : '_';
	safe[n] = '\0';
	(void)snprintf(name, DUMP_NAME_MAX, REPORT_PREFIX "%s-%.*s" REPORT_SUFFIX,
		       n ? safe : "unknown", DUMP_ID_MAX - 1, id);
	return name;
}

int dump_is_report(const char *name, const char *id)
{
	char suffix[DUMP_ID_MAX + sizeof(REPORT_SUFFIX) + 1];
	size_t n = strlen(name), k;

	(void)snprintf(suffix, sizeof(suffix), "-%.*s" REPORT_SUFFIX, DUMP_ID_MAX - 1, id);
	k = strlen(suffix);
	return strncmp(name, REPORT_PREFIX, strlen(REPORT_PREFIX)) == 0 &&
	       n > k + strlen(REPORT_PREFIX) && strcmp(name + n - k, suffix) == 0;
}

int dump_part_name(const char *final, char *tmp, size_t size)
{
	int n = snprintf(tmp, size, "%s" DUMP_PART_SUFFIX, final);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int dump_is_part(const char *name)
{
	size_t n = strlen(name), k = strlen(DUMP_PART_SUFFIX);

	return n >= k && strcmp(name + n - k, DUMP_PART_SUFFIX) == 0;
}

int dump_id_format(long long t, unsigned seq, char id[DUMP_ID_MAX])
{
	time_t tt = (time_t)t;
	struct tm tm;

	/* Only 12 digits are a dump id: a year before 1000 or after 9999 would
	 * make a name that list and gc never see. */
	if (seq < 1 || seq > 99 || (long long)tt != t || !gmtime_r(&tt, &tm) ||
	    strftime(id, DUMP_ID_MAX, "%Y%m%d%H%M", &tm) != 12 || strspn(id, "0123456789") != 12)
		return -1;
	if (seq > 1)
		(void)snprintf(id + 12, DUMP_ID_MAX - 12, "-%u", seq);
	return 0;
}

static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int num(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int dump_id_parse(const char *name, long long *t, unsigned *seq)
{
	size_t len = strlen(name);
	struct tm tm = { 0 };

	if (len < 12 || !digits(name, 12))
		return -1;
	*seq = 1;
	if (len > 12) {
		if (name[12] != '-' || len < 14 || len > 15 || !digits(name + 13, len - 13) ||
		    name[13] == '0' || num(name + 13, len - 13) < 2)
			return -1;
		*seq = (unsigned)num(name + 13, len - 13);
	}
	tm.tm_year = num(name, 4) - 1900;
	tm.tm_mon = num(name + 4, 2) - 1;
	tm.tm_mday = num(name + 6, 2);
	tm.tm_hour = num(name + 8, 2);
	tm.tm_min = num(name + 10, 2);
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour > 23 || tm.tm_min > 59)
		return -1;
	*t = (long long)timegm(&tm);
	return 0;
}

int dump_dir_root_only(const struct stat *st)
{
	return st->st_uid == 0 && (st->st_mode & 0077) == 0;
}
