/* lvm_meta.c: the VG's name, id and seqno from the top of LVM2's text metadata, and LVM ids.
 *
 * The text (LVM2's lib/format_text/export.c writes it) opens with the VG's
 * section: "NAME {", then "id = \"...\"" and "seqno = N" before any
 * subsection. Only that much is read: a tokenizer over a bounded buffer that
 * stops at the first subsection or at the buffer's end, and trusts no byte. */
#include "lvm_meta.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

/* LVM's id alphabet (lib/uuid/uuid.c). */
static int id_char(int c)
{
	return isascii(c) && (isalnum(c) || c == '!' || c == '#');
}

/* LVM's name alphabet (lib/misc/lvm-string.c): letters, digits, "+_.-". */
static int name_char(int c)
{
	return isascii(c) && (isalnum(c) || c == '+' || c == '_' || c == '.' || c == '-');
}

int lvm_id_plain(const char *in, size_t n, char out[LVM_ID_LEN + 1])
{
	size_t k = 0;

	for (size_t i = 0; i < n && in[i]; i++) {
		if (in[i] == '-')
			continue;
		if (k >= LVM_ID_LEN || !id_char((unsigned char)in[i]))
			return -1;
		out[k++] = in[i];
	}
	out[k] = '\0';
	return k == LVM_ID_LEN ? 0 : -1;
}

struct lex {
	const char *p, *end;
};

/* Skips blanks and "#" comments (to the end of their line). */
static void skip_space(struct lex *l)
{
	while (l->p < l->end) {
		if (*l->p == '#')
			while (l->p < l->end && *l->p != '\n')
				l->p++;
		else if (isspace((unsigned char)*l->p))
			l->p++;
		else
			break;
	}
}

/* A word of the name alphabet, at most max bytes: its length, or 0. */
static size_t word(struct lex *l, size_t max)
{
	const char *start;

	skip_space(l);
	start = l->p;
	while (l->p < l->end && name_char((unsigned char)*l->p) && (size_t)(l->p - start) <= max)
		l->p++;
	return (size_t)(l->p - start) <= max ? (size_t)(l->p - start) : 0;
}

static int expect(struct lex *l, char c)
{
	skip_space(l);
	if (l->p >= l->end || *l->p != c)
		return -1;
	l->p++;
	return 0;
}

/* Skips a value: a quoted string, a number, or a [list] of them. */
static int skip_value(struct lex *l)
{
	int in_list = 0, in_string = 0;

	skip_space(l);
	for (; l->p < l->end; l->p++) {
		char c = *l->p;

		if (in_string) {
			if (c == '\\' && l->p + 1 < l->end)
				l->p++;
			else if (c == '"')
				in_string = 0;
			continue;
		}
		if (c == '"')
			in_string = 1;
		else if (c == '[')
			in_list = 1;
		else if (c == ']' && in_list)
			in_list = 0;
		else if ((c == '\n' || c == '#') && !in_list)
			return 0;
	}
	return -1; /* the buffer ended inside the value */
}

static int parse_id(struct lex *l, struct lvm_vg *vg)
{
	const char *q;

	if (expect(l, '"') < 0)
		return -1;
	q = memchr(l->p, '"', (size_t)(l->end - l->p));
	if (!q || lvm_id_plain(l->p, (size_t)(q - l->p), vg->id) < 0 || memchr(l->p, '\0', (size_t)(q - l->p)))
		return -1;
	l->p = q + 1;
	return 0;
}

static int parse_seqno(struct lex *l, struct lvm_vg *vg)
{
	unsigned long long v = 0;
	const char *start;

	skip_space(l);
	start = l->p;
	for (; l->p < l->end && *l->p >= '0' && *l->p <= '9'; l->p++) {
		if (v > (~0ULL - 9) / 10)
			return -1;
		v = v * 10 + (unsigned)(*l->p - '0');
	}
	if (l->p == start || v == 0)
		return -1;
	vg->seqno = v;
	return 0;
}

int lvm_meta_parse(const char *text, size_t len, struct lvm_vg *vg)
{
	struct lex l = { text, text + len };
	size_t n;

	memset(vg, 0, sizeof(*vg));
	n = word(&l, LVM_NAME_MAX);
	if (n == 0)
		return -EINVAL;
	memcpy(vg->name, l.p - n, n); /* word stopped just after it */
	if (expect(&l, '{') < 0) {
		memset(vg, 0, sizeof(*vg));
		return -EINVAL;
	}
	for (int keys = 0; keys < 64 && !(vg->id[0] && vg->seqno); keys++) {
		const char *k = (skip_space(&l), l.p);
		size_t kn = word(&l, 32);

		if (kn == 0 || expect(&l, '=') < 0)
			break; /* a subsection ("physical_volumes {"), or the end */
		if ((kn == 2 && memcmp(k, "id", 2) == 0 ? parse_id(&l, vg)
		     : kn == 5 && memcmp(k, "seqno", 5) == 0 ? parse_seqno(&l, vg)
							     : skip_value(&l)) < 0)
			break;
	}
	if (!vg->id[0] || !vg->seqno) {
		memset(vg, 0, sizeof(*vg));
		return -EINVAL;
	}
	return 0;
}
