/* dmesg_scan.c: the facts of a crash, read from the crashed kernel's log text.
 *
 * One pass, bounded memory. The last of each kind of line wins, so the facts
 * come from the last oops or panic: "Kernel panic - not syncing:", "CPU: N
 * PID: N Comm: X ...", "Modules linked in:", and the frames after the last
 * "Call Trace:" (x86_64; arm64's dump_backtrace prints "Call trace:"). */
#include "dmesg_scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"

static const char *const oops_starts[] = {
	"BUG: ", "Oops: ", "general protection fault", "kernel BUG at ", "Unable to handle kernel",
	"WARNING: ", "sysrq: Trigger a crash",
};

void dmesg_facts_clear(struct dmesg_facts *facts)
{
	memset(facts, 0, sizeof(*facts));
	facts->cpu = -1;
	facts->pid = -1;
}

void dmesg_scan_init(struct dmesg_scan *s, struct dmesg_facts *facts, const char *release)
{
	memset(s, 0, sizeof(*s));
	dmesg_facts_clear(facts);
	s->facts = facts;
	s->release = release;
}

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void copy_bounded(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* "[   12.345678] " and a caller id like "[    T1] " are not part of the message. */
static const char *skip_prefix(const char *p)
{
	for (int i = 0; i < 2 && *p == '['; i++) {
		const char *end = strchr(p, ']');

		if (!end)
			break;
		p = end + 1;
		if (*p == ' ')
			p++;
	}
	return p;
}

static void take_taint(struct dmesg_scan *s, const char *p)
{
	struct dmesg_facts *f = s->facts;
	const char *end = NULL;

	if (starts(p, "Not tainted")) {
		copy_bounded(f->taint, sizeof(f->taint), "Not tainted", 11);
		return;
	}
	if (!starts(p, "Tainted: "))
		return;
	p += 9;
	if (s->release && *s->release)
		end = strstr(p, s->release);
	if (!end)
		end = p + strcspn(p, " ");
	while (end > p && end[-1] == ' ')
		end--;
	copy_bounded(f->taint, sizeof(f->taint), p, (size_t)(end - p));
}

/* "CPU: 1 PID: 57 Comm: sh Not tainted 6.1.0-26-amd64 #1 ..." (newer kernels add "UID: 0"). */
static void take_cpu_line(struct dmesg_scan *s, const char *p)
{
	struct dmesg_facts *f = s->facts;
	char *end;
	long cpu = strtol(p + 5, &end, 10);
	size_t n;

	if (end == p + 5 || cpu < 0 || cpu > 1 << 20)
		return;
	p = end + strspn(end, " ");
	if (starts(p, "UID: "))
		p += 5 + strcspn(p + 5, " "), p += strspn(p, " ");
	if (!starts(p, "PID: "))
		return;
	f->pid = strtol(p + 5, &end, 10);
	f->cpu = (int)cpu;
	p = end + strspn(end, " ");
	f->comm[0] = '\0';
	if (starts(p, "Comm: ")) {
		p += 6;
		n = strcspn(p, " ");
		copy_bounded(f->comm, sizeof(f->comm), p, n);
		p += n + strspn(p + n, " ");
	}
	take_taint(s, p);
}

static void take_trace_line(struct dmesg_scan *s, const char *p)
{
	struct dmesg_facts *f = s->facts;

	p += strspn(p, " ");
	if (strcmp(p, "<TASK>") == 0 || strcmp(p, "</TASK>") == 0 || !*p)
		return;
	if (f->trace_count == FACT_TRACE_MAX) {
		f->trace_cut = 1;
		return;
	}
	copy_bounded(f->trace[f->trace_count], FACT_LINE_MAX, p, strlen(p));
	f->trace_count++;
}

static void scan_line(struct dmesg_scan *s, const char *line)
{
	struct dmesg_facts *f = s->facts;
	const char *p = skip_prefix(line);

	if (s->in_trace && p[0] == ' ') {
		take_trace_line(s, p);
		return;
	}
	s->in_trace = 0;
	if (starts(p, "Kernel panic - not syncing")) {
		copy_bounded(f->panic, sizeof(f->panic), p, strlen(p));
	} else if (starts(p, "CPU: ")) {
		take_cpu_line(s, p);
	} else if (starts(p, "Modules linked in:")) {
		p += 18;
		p += strspn(p, " ");
		copy_bounded(f->modules, sizeof(f->modules), p, strlen(p));
	} else if (starts(p, "Call Trace:") || starts(p, "Call trace:")) {
		s->in_trace = 1;
		f->trace_count = 0;
		f->trace_cut = 0;
	} else {
		for (size_t i = 0; i < sizeof(oops_starts) / sizeof(oops_starts[0]); i++)
			if (starts(p, oops_starts[i]))
				copy_bounded(s->oops, sizeof(s->oops), p, strlen(p));
	}
}

static void end_line(struct dmesg_scan *s)
{
	s->line[s->len] = '\0';
	while (s->len > 0 && s->line[s->len - 1] == ' ')
		s->line[--s->len] = '\0';
	scan_line(s, s->line);
	s->len = 0;
}

/* Every byte of the dead kernel's log enters the agent here, and only from
 * here reaches the console, the brown screen, kmsg, the summary and the
 * report's facts. Like savecore's vis(): printable ASCII passes, a backslash
 * becomes \\, tab, CR and NUL a space, and every other byte (ESC of an
 * ANSI sequence, C1 controls, UTF-8 too) \ooo in octal. A character that
 * does not fit whole cuts the line there. dmesg.<stamp> keeps the raw bytes. */
static void put_visible(struct dmesg_scan *s, unsigned char c)
{
	char enc[8];
	int n;

	if (c == '\t' || c == '\r' || c == '\0')
		n = snprintf(enc, sizeof(enc), " ");
	else if (c == '\\')
		n = snprintf(enc, sizeof(enc), "\\\\");
	else if (c < 0x20 || c >= 0x7f)
		n = snprintf(enc, sizeof(enc), "\\%03o", c);
	else
		n = snprintf(enc, sizeof(enc), "%c", c);
	if (s->len + (size_t)n < sizeof(s->line)) {
		memcpy(s->line + s->len, enc, (size_t)n);
		s->len += (size_t)n;
	} else { /* full: spaces, trimmed at the end of the line, keep out what follows */
		memset(s->line + s->len, ' ', sizeof(s->line) - 1 - s->len);
		s->len = sizeof(s->line) - 1;
	}
}

void dmesg_scan_feed(struct dmesg_scan *s, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n')
			end_line(s);
		else
			put_visible(s, (unsigned char)text[i]);
	}
}

void dmesg_scan_finish(struct dmesg_scan *s)
{
	if (s->len > 0)
		end_line(s);
	if (!s->facts->panic[0] && s->oops[0])
		memcpy(s->facts->panic, s->oops, sizeof(s->facts->panic));
}

static int feed(void *s, const char *p, size_t n)
{
	dmesg_scan_feed(s, p, n);
	return 0;
}

int dmesg_scan_fd(int fd, struct dmesg_facts *facts, const char *release)
{
	static struct dmesg_scan s;
	char buf[16384];
	int r;

	dmesg_scan_init(&s, facts, release);
	r = read_each(fd, buf, sizeof(buf), feed, &s);
	if (r < 0)
		return r;
	dmesg_scan_finish(&s);
	return 0;
}
