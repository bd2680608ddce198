/* cli_list.c: dumpagent list: one line per dump, newest first. */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "text.h"

static void human_size(unsigned long long b, char *out, size_t len)
{
	static const char units[] = "BKMGT";
	int u = 0;

	while (b >= 10240 && u < 4) {
		b >>= 10;
		u++;
	}
	(void)snprintf(out, len, "%llu%c", b, units[u]);
}

static void print_line(const struct dump_entry *e, const struct cli_test_mark *m)
{
	struct dump_facts f;
	char when[32], size[24], release[25], panic[64];

	cli_dump_facts_read(e, &f);
	cli_format_time(f.crash_time, when, sizeof(when));
	human_size(e->bytes, size, sizeof(size));
	(void)text_copy(release, sizeof(release), f.release[0] ? f.release : "?", sizeof(f.release));
	(void)text_copy(panic, sizeof(panic), f.panic[0] ? f.panic : "-", sizeof(f.panic));
	printf("%-15s  %-20s  %-24s  %-10s  %6s  %s%s", e->id, when, release,
	       dumpdir_status_name(e->status), size, panic, strlen(f.panic) >= sizeof(panic) ? "..." : "");
	if (m->captured == e)
		printf("  [test crash %s]", m->id);
	putchar('\n');
}

static void iso_time(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		(void)snprintf(buf, len, "?");
}

static void json_dump(const struct dump_entry *e, const struct cli_test_mark *m, int first)
{
	struct dump_facts f;
	char when[32];

	cli_dump_facts_read(e, &f);
	iso_time(f.crash_time, when, sizeof(when));
	printf("%s\n    {\"id\": \"%s\", \"path\": ", first ? "" : ",", e->id);
	json_put_string(stdout, e->where);
	printf(", \"status\": \"%s\", \"crash_time\": %lld, \"crash_time_utc\": \"%s\", \"release\": ",
	       dumpdir_status_name(e->status), f.crash_time, when);
	if (f.release[0])
		json_put_string(stdout, f.release);
	else
		fputs("null", stdout);
	fputs(", \"panic\": ", stdout);
	if (f.panic[0])
		json_put_string(stdout, f.panic);
	else
		fputs("null", stdout);
	printf(", \"bytes\": %llu, \"test_crash\": %s}", e->bytes, m->captured == e ? "true" : "false");
}

/* The test crash, as list and status report it; JSON when json. */
void cli_print_test(const struct cli_test_mark *m, int json)
{
	char when[32];

	if (json) {
		if (!m->present) {
			fputs("null", stdout);
			return;
		}
		printf("{\"id\": \"%s\", \"time\": %lld, \"captured\": ", m->id, m->time);
		if (m->captured)
			printf("\"%s\"}", m->captured->id);
		else
			fputs("null}", stdout);
		return;
	}
	if (!m->present)
		return;
	cli_format_time(m->time, when, sizeof(when));
	if (m->captured)
		printf("test crash %s of %s: captured as %s (%s)\n", m->id, when, m->captured->id,
		       dumpdir_status_name(m->captured->status));
	else
		printf("test crash %s of %s: NOT captured (no dump since)\n", m->id, when);
}

int cli_list(int argc, char **argv)
{
	static struct cli c;
	struct cli_test_mark m;
	int r = cli_start(&c, "list", argc, argv);

	if (r == EXIT_OK)
		r = cli_scan(&c);
	if (r != EXIT_OK)
		return r;
	cli_test_mark_read(&c, &m);
	if (c.json) {
		fputs("{\"crash_dir\": ", stdout);
		json_put_string(stdout, c.crash_path);
		fputs(", \"dumps\": [", stdout);
		for (size_t i = c.set.count; i-- > 0;)
			json_dump(&c.set.d[i], &m, i + 1 == c.set.count);
		fputs(c.set.count ? "\n  ], \"test\": " : "], \"test\": ", stdout);
		cli_print_test(&m, 1);
		fputs("}\n", stdout);
	} else if (!c.set.count) {
		printf("no dumps in %s\n", c.crash_path);
	} else {
		printf("%-15s  %-20s  %-24s  %-10s  %6s  %s\n", "ID", "CRASH TIME", "RELEASE", "STATUS",
		       "SIZE", "PANIC");
		for (size_t i = c.set.count; i-- > 0;)
			print_line(&c.set.d[i], &m);
	}
	if (!c.json)
		cli_print_test(&m, 0);
	cli_finish(&c);
	return EXIT_OK;
}
