/* cli_dump_facts.c: reader side: the facts of one saved dump for list and show: its summary, else its dmesg. */
#include "cli.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"
#include "json.h"

#define DMESG_TAIL 65536
#define PANIC_PREFIX "Kernel panic - not syncing:"

/* summary.<id>.json of the open dump directory dumpfd, if well-formed. */
static const char *summary_at(int dumpfd, const char *id, size_t *len)
{
	static char buf[CLI_SUMMARY_MAX + 1];
	char name[DUMP_NAME_MAX];
	long n;

	*len = 0;
	n = cli_read_small(dumpfd, dump_file_name(DUMP_FILE_SUMMARY_JSON, id, name), buf, sizeof(buf));
	if (n <= 0 || json_check(buf, (size_t)n) < 0)
		return NULL;
	*len = (size_t)n;
	return buf;
}

const char *cli_summary_json(const struct dump_entry *e, size_t *len)
{
	const char *j;
	int fd = dumpdir_open_entry(e);

	*len = 0;
	if (fd < 0)
		return NULL;
	j = summary_at(fd, e->id, len);
	(void)close(fd); /* read-only */
	return j;
}

/* Copies the line of buf[0..n) that starts at the last occurrence of what. */
static void last_line_with(const char *buf, size_t n, const char *what, char *out, size_t len)
{
	const char *hit = NULL, *p = buf;
	size_t k = strlen(what);

	while ((p = memmem(p, n - (size_t)(p - buf), what, k)) != NULL)
		hit = p++;
	if (!hit)
		return;
	k = strcspn(hit, "\n");
	if (hit + k > buf + n)
		k = (size_t)(buf + n - hit);
	(void)snprintf(out, len, "%.*s", (int)k, hit);
}

/* The dmesg's last panic line and its "Linux version" release, from its head and tail. */
static void facts_from_dmesg(int dumpfd, const char *id, struct dump_facts *f)
{
	static char buf[DMESG_TAIL + 1];
	char name[DUMP_NAME_MAX], line[256] = "";
	struct stat st;
	off_t size;
	ssize_t n;
	int fd;

	fd = cli_open_file(dumpfd, dump_file_name(DUMP_FILE_DMESG, id, name), &st);
	if (fd < 0)
		return;
	n = pread_full(fd, buf, 4096, 0);
	if (n > 0 && !f->release[0]) {
		buf[n] = '\0';
		last_line_with(buf, (size_t)n, "Linux version ", line, sizeof(line));
		(void)sscanf(line, "Linux version %79s", f->release);
	}
	size = st.st_size;
	n = pread_full(fd, buf, DMESG_TAIL, size > DMESG_TAIL ? size - DMESG_TAIL : 0);
	(void)close(fd); /* read-only */
	if (n > 0 && !f->panic[0]) {
		buf[n] = '\0';
		last_line_with(buf, (size_t)n, PANIC_PREFIX, f->panic, sizeof(f->panic));
	}
}

void cli_dump_facts_read(const struct dump_entry *e, struct dump_facts *f)
{
	size_t len;
	const char *j;
	long long t;
	int fd = dumpdir_open_entry(e);

	memset(f, 0, sizeof(*f));
	f->crash_time = e->id_time;
	if (fd < 0)
		return;
	j = summary_at(fd, e->id, &len);
	if (j) {
		f->summary_ok = 1;
		(void)json_get_string(j, len, "release", f->release, sizeof(f->release));
		(void)json_get_string(j, len, "panic", f->panic, sizeof(f->panic));
		if (json_get_int(j, len, "crash_time", &t) == 1 && t > 0)
			f->crash_time = t;
	}
	if (!f->panic[0] || !f->release[0])
		facts_from_dmesg(fd, e->id, f);
	(void)close(fd); /* read-only */
}
