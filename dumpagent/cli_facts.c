/* cli_facts.c: the facts of one dump for list and show: its summary, else its dmesg. */
#include "cli.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "json.h"

#define DMESG_TAIL 65536
#define PANIC_PREFIX "Kernel panic - not syncing:"

const char *cli_summary_json(const struct dump_entry *e, size_t *len)
{
	static char buf[CLI_SUMMARY_MAX + 1];
	char name[96];
	int fd;
	long n;

	*len = 0;
	(void)snprintf(name, sizeof(name), "%s/summary.%s.json", e->id, e->id);
	fd = openat(e->dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = (long)pread_full(fd, buf, sizeof(buf) - 1, 0);
	(void)close(fd); /* read-only */
	if (n <= 0 || json_check(buf, (size_t)n) < 0)
		return NULL;
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
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
static void facts_from_dmesg(const struct dump_entry *e, struct dump_facts *f)
{
	static char buf[DMESG_TAIL + 1];
	char name[96], line[256] = "";
	off_t size;
	ssize_t n;
	int fd;

	(void)snprintf(name, sizeof(name), "%s/dmesg.%s", e->id, e->id);
	fd = openat(e->dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	n = pread_full(fd, buf, 4096, 0);
	if (n > 0 && !f->release[0]) {
		buf[n] = '\0';
		last_line_with(buf, (size_t)n, "Linux version ", line, sizeof(line));
		(void)sscanf(line, "Linux version %79s", f->release);
	}
	size = lseek(fd, 0, SEEK_END);
	n = size < 0 ? -1 : pread_full(fd, buf, DMESG_TAIL, size > DMESG_TAIL ? size - DMESG_TAIL : 0);
	(void)close(fd); /* read-only */
	if (n > 0 && !f->panic[0]) {
		buf[n] = '\0';
		last_line_with(buf, (size_t)n, PANIC_PREFIX, f->panic, sizeof(f->panic));
	}
}

void cli_facts_read(const struct dump_entry *e, struct dump_facts *f)
{
	size_t len;
	const char *j = cli_summary_json(e, &len);
	long long t;

	memset(f, 0, sizeof(*f));
	f->crash_time = e->id_time;
	if (j) {
		f->summary_ok = 1;
		(void)json_get_string(j, len, "release", f->release, sizeof(f->release));
		(void)json_get_string(j, len, "panic", f->panic, sizeof(f->panic));
		if (json_get_int(j, len, "crash_time", &t) == 1 && t > 0)
			f->crash_time = t;
	}
	if (!f->panic[0] || !f->release[0])
		facts_from_dmesg(e, f);
}
