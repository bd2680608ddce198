/* lvm_plan.c: the mapping of one LV recorded at arming (dumpagent.lvm=), parsed, written, and as dm table lines.
 *
 * The value comes from the command line the loader wrote, yet it is parsed
 * as untrusted text: fixed arrays, every count capped, every number range
 * checked, and the segments must tile the LV from sector 0 without gaps. */
#include "lvm_plan.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#define SECTORS_MAX (1ULL << 54) /* 8 EiB in sectors: keeps start + len from wrapping */

/* The next field up to one of stops (or the end): its length, *p moved past it. */
static size_t field(const char **p, const char *stops)
{
	size_t n = strcspn(*p, stops);

	*p += n;
	return n;
}

static int number(const char **p, const char *stops, unsigned long long *v)
{
	const char *s = *p;
	size_t n = field(p, stops);

	*v = 0;
	if (n == 0 || n > 20)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || *v > (SECTORS_MAX - 9) / 10)
			return -1;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return 0;
}

static int take(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

int lvm_plan_pv(struct lvm_plan *p, const char *id)
{
	for (unsigned i = 0; i < p->npv; i++)
		if (strcmp(p->pv[i], id) == 0)
			return (int)i;
	if (p->npv >= LVM_PLAN_PV_MAX)
		return -1;
	memcpy(p->pv[p->npv], id, LVM_ID_LEN + 1);
	return (int)p->npv++;
}

/* "PVID+OFF", ended by ':' ',' or the end. */
static int parse_area(const char **s, struct lvm_plan *p, struct lvm_area *a)
{
	const char *id = *s;
	char plain[LVM_ID_LEN + 1];
	int i;

	if (field(s, "+,:") != LVM_ID_LEN || lvm_id_plain(id, LVM_ID_LEN, plain) < 0 || take(s, '+') < 0 ||
	    number(s, ",:", &a->offset) < 0 || (i = lvm_plan_pv(p, plain)) < 0)
		return -1;
	a->pv = (unsigned)i;
	return 0;
}

static int parse_seg(const char **s, struct lvm_plan *p, struct lvm_seg *g)
{
	const char *type = (number(s, "+", &g->start) < 0 || take(s, '+') < 0 || number(s, ":", &g->len) < 0 ||
			    take(s, ':') < 0) ? NULL : *s;
	size_t tn = type ? field(s, ":") : 0;

	if (!type || g->len == 0 || take(s, ':') < 0)
		return -1;
	if (tn == 6 && memcmp(type, "linear", 6) == 0) {
		g->n = 1;
		return parse_area(s, p, &g->area[0]);
	}
	if (tn != 7 || memcmp(type, "striped", 7) != 0 || number(s, ":", &g->chunk) < 0 || g->chunk < 8 ||
	    (g->chunk & (g->chunk - 1)) || take(s, ':') < 0)
		return -1;
	do {
		if (g->n >= LVM_STRIPE_MAX || parse_area(s, p, &g->area[g->n++]) < 0)
			return -1;
	} while (take(s, ':') == 0);
	return g->n >= 2 && g->len % g->n == 0 ? 0 : -1;
}

static int parse_head(const char **s, struct lvm_plan *p)
{
	const char *vg = *s, *lv, *id;
	size_t vn = field(s, "/,"), ln;

	if (vn == 0 || vn > LVM_NAME_MAX || take(s, '/') < 0)
		return -1;
	lv = *s, ln = field(s, ",");
	if (ln == 0 || ln > LVM_NAME_MAX || take(s, ',') < 0)
		return -1;
	id = *s;
	if (field(s, ",") != LVM_ID_LEN || lvm_id_plain(id, LVM_ID_LEN, p->vg_id) < 0 || take(s, ',') < 0 ||
	    number(s, ",", &p->seqno) < 0 || p->seqno == 0)
		return -1;
	memcpy(p->vg, vg, vn);
	memcpy(p->lv, lv, ln);
	/* The names go into log lines and the dm device's name: LVM's alphabet only. */
	return strspn(p->vg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+_.-") == vn &&
			       strspn(p->lv, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+_.-") == ln
		       ? 0
		       : -1;
}

int lvm_plan_parse(const char *text, struct lvm_plan *p, char *err, size_t errlen)
{
	const char *s = text;
	unsigned long long next = 0;

	memset(p, 0, sizeof(*p));
	if (strlen(text) > LVM_PLAN_TEXT_MAX || parse_head(&s, p) < 0) {
		(void)snprintf(err, errlen, "dumpagent.lvm=: bad VG/LV,VGID,SEQNO");
		return -1;
	}
	while (take(&s, ',') == 0) {
		struct lvm_seg *g = &p->seg[p->nseg < LVM_SEG_MAX ? p->nseg : 0];

		if (p->nseg >= LVM_SEG_MAX || parse_seg(&s, p, g) < 0 || g->start != next ||
		    g->len > SECTORS_MAX - next) {
			(void)snprintf(err, errlen, "dumpagent.lvm=: bad segment %u of %s/%s", p->nseg, p->vg, p->lv);
			memset(p, 0, sizeof(*p));
			return -1;
		}
		next += g->len;
		p->nseg++;
	}
	if (*s || p->nseg == 0) {
		(void)snprintf(err, errlen, "dumpagent.lvm=: %s after the segments of %s/%s",
			       *s ? "garbage" : "no segment", p->vg, p->lv);
		memset(p, 0, sizeof(*p));
		return -1;
	}
	return 0;
}

/* Appends with snprintf's rules: -1 once out is full. */
__attribute__((format(printf, 4, 5))) static int put(char *out, size_t len, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*n >= len)
		return -1;
	va_start(ap, fmt);
	r = vsnprintf(out + *n, len - *n, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= len - *n)
		return -1;
	*n += (size_t)r;
	return 0;
}

int lvm_plan_format(const struct lvm_plan *p, char *out, size_t len)
{
	size_t n = 0;

	if (put(out, len, &n, "%s/%s,%s,%llu", p->vg, p->lv, p->vg_id, p->seqno) < 0)
		return -1;
	for (unsigned i = 0; i < p->nseg; i++) {
		const struct lvm_seg *g = &p->seg[i];

		if (put(out, len, &n, ",%llu+%llu:", g->start, g->len) < 0 ||
		    (g->n == 1 ? put(out, len, &n, "linear") : put(out, len, &n, "striped:%llu", g->chunk)) < 0)
			return -1;
		for (unsigned k = 0; k < g->n; k++)
			if (put(out, len, &n, ":%s+%llu", p->pv[g->area[k].pv], g->area[k].offset) < 0)
				return -1;
	}
	return 0;
}

int lvm_plan_table(const struct lvm_plan *p, unsigned i, const dev_t *devs, char *params, size_t len)
{
	const struct lvm_seg *g = &p->seg[i];
	size_t n = 0;

	if (i >= p->nseg || (g->n > 1 && put(params, len, &n, "%u %llu", g->n, g->chunk) < 0))
		return -1;
	for (unsigned k = 0; k < g->n; k++)
		if (put(params, len, &n, "%s%u:%u %llu", n ? " " : "", major(devs[g->area[k].pv]),
			minor(devs[g->area[k].pv]), g->area[k].offset) < 0)
			return -1;
	return 0;
}
