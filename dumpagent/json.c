/* json.c: a small, bounded reader of top-level values of one JSON object, and a string writer.
 *
 * It never allocates: strings are decoded into the caller's buffer and
 * truncated, nesting is bounded, and every read is checked against the end. */
#include "json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct scan {
	const char *p, *end;
};

static void skip_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int take(struct scan *s, char c)
{
	skip_ws(s);
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return 1;
	}
	return 0;
}

static int hex4(const char *p, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
			     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
						    : 16;
		if (d == 16)
			return -1;
		*v = *v * 16 + d;
	}
	return 0;
}

/* Appends the UTF-8 of code point cp when it fits whole. Surrogates become U+FFFD. */
static void put_cp(char *out, size_t cap, size_t *n, unsigned cp)
{
	char b[4];
	size_t k;

	if (cp >= 0xd800 && cp <= 0xdfff)
		cp = 0xfffd;
	if (cp < 0x80) {
		b[0] = (char)cp;
		k = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		k = 2;
	} else {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		k = 3;
	}
	if (out && *n + k < cap) {
		memcpy(out + *n, b, k);
		*n += k;
	}
}

static const char *unescape(char c)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *at = c ? strchr(from, c) : NULL;

	return at ? to + (at - from) : NULL;
}

/* Reads a string into out (may be NULL to skip), NUL-terminated, truncated. */
static int read_string(struct scan *s, char *out, size_t cap)
{
	size_t n = 0;

	if (!take(s, '"'))
		return -1;
	while (s->p < s->end && *s->p != '"') {
		unsigned char c = (unsigned char)*s->p++;
		unsigned cp;
		const char *e;

		if (c < 0x20)
			return -1;
		if (c != '\\') {
			if (out && n + 1 < cap)
				out[n++] = (char)c;
			continue;
		}
		if (s->p >= s->end)
			return -1;
		if (*s->p == 'u') {
			if (s->end - s->p < 5 || hex4(s->p + 1, &cp) < 0)
				return -1;
			s->p += 5;
			put_cp(out, cap, &n, cp);
		} else if ((e = unescape(*s->p)) != NULL) {
			s->p++;
			if (out && n + 1 < cap)
				out[n++] = *e;
		} else {
			return -1;
		}
	}
	if (s->p >= s->end)
		return -1;
	s->p++;
	if (out && cap)
		out[n] = '\0';
	return 0;
}

/* Skips digits: how many there were. */
static size_t digits(struct scan *s)
{
	const char *start = s->p;

	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return (size_t)(s->p - start);
}

static int take_exact(struct scan *s, char c)
{
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return 1;
	}
	return 0;
}

/* Reads a number as RFC 8259 writes it: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
 * Anything else ("-", "01", "1.", "+1", "1-2") is malformed. *is_int is 1, and
 * *v set, only for an integer that fits a long long: a fraction, an exponent
 * or an out-of-range integer is a number, but not one that json_get_int gives. */
static int read_number(struct scan *s, long long *v, int *is_int)
{
	const char *start = s->p;
	char buf[32];
	size_t n;

	*is_int = 1;
	(void)take_exact(s, '-');
	if (s->p < s->end && *s->p == '0')
		s->p++;
	else if (digits(s) == 0)
		return -1;
	if (take_exact(s, '.')) {
		*is_int = 0;
		if (digits(s) == 0)
			return -1;
	}
	if (take_exact(s, 'e') || take_exact(s, 'E')) {
		*is_int = 0;
		if (!take_exact(s, '+'))
			(void)take_exact(s, '-');
		if (digits(s) == 0)
			return -1;
	}
	n = (size_t)(s->p - start);
	if (!*is_int || n >= sizeof(buf)) {
		*is_int = 0;
		return 0;
	}
	memcpy(buf, start, n);
	buf[n] = '\0';
	errno = 0;
	*v = strtoll(buf, NULL, 10);
	if (errno == ERANGE)
		*is_int = 0;
	return 0;
}

static int skip_value(struct scan *s, int depth);

static int skip_container(struct scan *s, int depth, char close, int keyed)
{
	if (depth >= JSON_MAX_DEPTH)
		return -1;
	if (take(s, close))
		return 0;
	do {
		if (keyed && (read_string(s, NULL, 0) < 0 || !take(s, ':')))
			return -1;
		if (skip_value(s, depth + 1) < 0)
			return -1;
	} while (take(s, ','));
	return take(s, close) ? 0 : -1;
}

static int skip_word(struct scan *s, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n) != 0)
		return -1;
	s->p += n;
	return 0;
}

static int skip_value(struct scan *s, int depth)
{
	long long v;
	int is_int;

	skip_ws(s);
	if (s->p >= s->end)
		return -1;
	switch (*s->p) {
	case '"': return read_string(s, NULL, 0);
	case '{': s->p++; return skip_container(s, depth, '}', 1);
	case '[': s->p++; return skip_container(s, depth, ']', 0);
	case 't': return skip_word(s, "true");
	case 'f': return skip_word(s, "false");
	case 'n': return skip_word(s, "null");
	default: return read_number(s, &v, &is_int);
	}
}

/* Leaves s at the value of top-level key: 1 found, 0 absent, -1 malformed. */
static int find(struct scan *s, const char *buf, size_t len, const char *key)
{
	char name[64];

	s->p = buf;
	s->end = buf + len;
	if (!take(s, '{'))
		return -1;
	if (take(s, '}'))
		return 0;
	do {
		if (read_string(s, name, sizeof(name)) < 0 || !take(s, ':'))
			return -1;
		skip_ws(s);
		if (strcmp(name, key) == 0)
			return 1;
		if (skip_value(s, 1) < 0)
			return -1;
	} while (take(s, ','));
	return take(s, '}') ? 0 : -1;
}

int json_check(const char *buf, size_t len)
{
	struct scan s = { buf, buf + len };

	skip_ws(&s);
	if (s.p >= s.end || *s.p != '{' || skip_value(&s, 0) < 0)
		return -1;
	skip_ws(&s);
	return s.p == s.end ? 0 : -1;
}

int json_get_string(const char *buf, size_t len, const char *key, char *out, size_t outlen)
{
	struct scan s;
	int r = find(&s, buf, len, key);

	if (r <= 0 || s.p >= s.end || *s.p != '"')
		return r < 0 ? -1 : 0;
	return read_string(&s, out, outlen) < 0 ? -1 : 1;
}

int json_get_int(const char *buf, size_t len, const char *key, long long *out)
{
	struct scan s;
	int is_int, r = find(&s, buf, len, key);
	long long v;

	if (r <= 0 || s.p >= s.end || !strchr("-0123456789", *s.p) || !*s.p)
		return r < 0 ? -1 : 0;
	if (read_number(&s, &v, &is_int) < 0)
		return -1;
	if (is_int)
		*out = v;
	return is_int;
}

int json_get_strings(const char *buf, size_t len, const char *key,
		     void (*each)(const char *s, void *arg), void *arg)
{
	char item[JSON_ITEM_MAX];
	struct scan s;
	int count = 0, r = find(&s, buf, len, key);

	if (r <= 0 || !take(&s, '['))
		return r < 0 ? -1 : 0;
	if (take(&s, ']'))
		return 0;
	do {
		skip_ws(&s);
		if (s.p < s.end && *s.p == '"') {
			if (read_string(&s, item, sizeof(item)) < 0)
				return -1;
			each(item, arg);
			count++;
		} else if (skip_value(&s, 1) < 0) {
			return -1;
		}
	} while (take(&s, ','));
	return take(&s, ']') ? count : -1;
}

void json_put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
