/* report_embed.c: completes an apport report with its dump as VmCore (at the next boot, or in export's copy). */
#include "report_embed.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "apport.h"
#include "io.h"

#define CHUNK 65536

/* Apport keys start a line; continuation lines start with a space. So a
 * line that begins with "KEY:" is that entry, and a value never looks so. */
struct key_match {
	const char *key; /* with its ':' */
	size_t matched;  /* bytes of key matched at the start of this line */
	int off;         /* this line cannot be key any more */
};

/* Feeds c; 1 when it completes key at the start of a line. */
static int key_step(struct key_match *m, char c)
{
	if (c == '\n') {
		m->matched = 0, m->off = 0;
		return 0;
	}
	if (m->off)
		return 0;
	if (c != m->key[m->matched]) {
		m->off = 1;
		return 0;
	}
	return m->key[++m->matched] == '\0';
}

int report_has_vmcore(int fd)
{
	static char buf[CHUNK];
	struct key_match m = { "VmCore:", 0, 0 };
	ssize_t n;

	while ((n = read_some(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			if (key_step(&m, buf[i]))
				return 1;
	return n < 0 ? (int)n : 0;
}

const char *report_embed_refusal(unsigned long long size, unsigned long max_mb, unsigned long long reserve,
				 unsigned long long avail)
{
	if (size > (unsigned long long)max_mb << 20)
		return "it is over REPORT_VMCORE_MAX_MB";
	if (size / 3 * 4 + (4ULL << 20) + reserve > avail)
		return "there is not room for it a second time above MIN_FREE_MB";
	return NULL;
}

/* Copies rpt to o, leaving out the VmCorePath line (its value is one line:
 * a path). The bytes of a line's start that may still be "VmCorePath:" are
 * held back (they are key's first bytes) until they turn out not to be. */
static int copy_without_path(struct outbuf *o, int rpt)
{
	static char buf[CHUNK];
	struct key_match m = { "VmCorePath:", 0, 0 };
	int skipping = 0;
	ssize_t n;

	while ((n = read_some(rpt, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++) {
			char c = buf[i];
			size_t held = m.matched;
			int was_off = m.off;

			if (skipping) {
				if (c == '\n')
					skipping = 0, m.matched = 0, m.off = 0;
				continue;
			}
			if (key_step(&m, c)) {
				skipping = 1;
				continue;
			}
			if (!was_off && (m.off || c == '\n'))
				outbuf_write(o, m.key, held);
			if (m.off || c == '\n')
				outbuf_write(o, &c, 1);
		}
	return n < 0 ? (int)n : 0;
}

int report_embed_write(struct outbuf *o, int rpt, int dump, char *err, size_t errlen)
{
	char magic[8];
	ssize_t n = pread_full(dump, magic, sizeof(magic), 0);
	struct apport_entry e = { "VmCore", APPORT_BINARY_FD, NULL, 0, dump };
	int r;

	if (n < 0) {
		(void)snprintf(err, errlen, "read the dump: %s", strerror((int)-n));
		return -1;
	}
	if (n == (ssize_t)sizeof(magic) && memcmp(magic, "KDUMP   ", sizeof(magic)) == 0)
		e.kind = APPORT_BINARY_FD_STORED; /* compressed already: not deflated twice */
	r = copy_without_path(o, rpt);
	if (r < 0) {
		(void)snprintf(err, errlen, "read the report: %s", strerror(-r));
		return -1;
	}
	return apport_append_binary(o, &e, err, errlen);
}
