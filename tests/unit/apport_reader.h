/* apport_reader.h: a strict reader of apport problem reports, for the tests.
 *
 * Written from the format rules, not from apport.c: "Key: value" lines; keys
 * of [A-Za-z0-9._-]; multi-line text as "Key:" plus lines starting with one
 * space; no blank lines; binary as "Key: base64" plus lines of complete
 * base64 that decode to gzip (header 1f 8b 08 08 00000000 02 ff, key, NUL,
 * raw deflate, CRC32 and length little-endian). */
#ifndef APPORT_READER_H
#define APPORT_READER_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct rd_entry {
	char key[128];
	int binary;
	unsigned char *value;
	size_t len, cap;
};

static void rd_append(struct rd_entry *e, const void *p, size_t n)
{
	if (e->len + n + 1 > e->cap) {
		e->cap = (e->len + n + 1) * 2;
		e->value = realloc(e->value, e->cap);
		if (!e->value)
			abort();
	}
	memcpy(e->value + e->len, p, n);
	e->len += n;
	e->value[e->len] = 0;
}

static int rd_b64val(char c)
{
	const char *tab = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(tab, c) : NULL;

	return p ? (int)(p - tab) : -1;
}

/* Strict base64 of one line: length a multiple of 4, '=' only as the last one or two. */
static long rd_b64(const char *s, size_t n, unsigned char *out)
{
	size_t o = 0;

	if (n == 0 || n % 4)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		int v[4], pad = 0;

		for (int k = 0; k < 4; k++) {
			if (s[i + k] == '=' && i + 4 == n && k >= 2) {
				v[k] = 0;
				pad++;
				continue;
			}
			if (pad || (v[k] = rd_b64val(s[i + k])) < 0)
				return -1;
		}
		uint32_t x = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
		out[o++] = (unsigned char)(x >> 16);
		if (pad < 2)
			out[o++] = (unsigned char)(x >> 8);
		if (pad < 1)
			out[o++] = (unsigned char)x;
	}
	return (long)o;
}

struct rd_bin {
	z_stream z;
	int lines, ended;
	unsigned char tail[16];
	size_t tail_len;
};

static int rd_bin_line(struct rd_entry *e, struct rd_bin *b, const char *s, size_t n, char *why)
{
	unsigned char *raw = malloc(n), out[65536];
	long len = raw ? rd_b64(s, n, raw) : -1;
	int r = Z_OK;

	if (len < 0) {
		free(raw);
		return sprintf(why, "%s: bad base64 line", e->key), -1;
	}
	if (b->lines++ == 0) {
		unsigned char head[10] = { 0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 2, 0xff };
		size_t klen = strlen(e->key);
		int ok = (size_t)len == 11 + klen && !memcmp(raw, head, 10) &&
			 !memcmp(raw + 10, e->key, klen) && raw[10 + klen] == 0;

		free(raw);
		return ok ? 0 : (sprintf(why, "%s: bad gzip header", e->key), -1);
	}
	b->z.next_in = raw;
	b->z.avail_in = (uInt)len;
	while (!b->ended && b->z.avail_in > 0 && r == Z_OK) {
		b->z.next_out = out;
		b->z.avail_out = sizeof(out);
		r = inflate(&b->z, Z_NO_FLUSH);
		rd_append(e, out, sizeof(out) - b->z.avail_out);
		b->ended = r == Z_STREAM_END;
	}
	if (r != Z_OK && r != Z_STREAM_END) {
		free(raw);
		return sprintf(why, "%s: bad deflate data", e->key), -1;
	}
	if (b->z.avail_in + b->tail_len > sizeof(b->tail)) {
		free(raw);
		return sprintf(why, "%s: data after the trailer", e->key), -1;
	}
	memcpy(b->tail + b->tail_len, b->z.next_in, b->z.avail_in);
	b->tail_len += b->z.avail_in;
	free(raw);
	return 0;
}

static int rd_bin_end(struct rd_entry *e, struct rd_bin *b, char *why)
{
	uint32_t crc = 0, size = 0;

	(void)inflateEnd(&b->z);
	if (!b->ended || b->tail_len != 8)
		return sprintf(why, "%s: truncated binary value", e->key), -1;
	for (int i = 0; i < 4; i++) {
		crc |= (uint32_t)b->tail[i] << (8 * i);
		size |= (uint32_t)b->tail[4 + i] << (8 * i);
	}
	if (crc != (uint32_t)crc32(0, e->value ? e->value : (const Bytef *)"", (uInt)e->len))
		return sprintf(why, "%s: CRC mismatch", e->key), -1;
	if (size != (uint32_t)e->len)
		return sprintf(why, "%s: length mismatch", e->key), -1;
	return 0;
}

static int rd_key_ok(const char *k, size_t n)
{
	if (n == 0 || n >= 128)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z') ||
		      (k[i] >= '0' && k[i] <= '9') || strchr("._-", k[i])))
			return 0;
	return 1;
}

static int rd_parse_all(const char *d, size_t len, struct rd_entry *ent, int max, char *why,
			int *count, struct rd_bin *bin)
{
	struct rd_bin *b = bin;
	int n = 0;
	struct rd_entry *cur = NULL;

	if (len == 0 || d[len - 1] != '\n')
		return sprintf(why, "truncated: no final newline"), -1;
	for (size_t pos = 0; pos < len;) {
		const char *line = d + pos, *nl = memchr(line, '\n', len - pos);
		size_t ll = (size_t)(nl - line);

		pos += ll + 1;
		if (ll == 0)
			return sprintf(why, "blank line"), -1;
		if (line[0] == ' ') {
			if (!cur)
				return sprintf(why, "continuation before a key"), -1;
			if (cur->binary) {
				if (rd_bin_line(cur, b, line + 1, ll - 1, why) < 0)
					return -1;
			} else {
				if (cur->len || cur->cap)
					rd_append(cur, "\n", 1);
				rd_append(cur, line + 1, ll - 1);
			}
			continue;
		}
		if (cur && cur->binary && rd_bin_end(cur, b, why) < 0)
			return -1;
		const char *colon = memchr(line, ':', ll);
		if (!colon || !rd_key_ok(line, (size_t)(colon - line)) || n == max)
			return sprintf(why, "not a 'Key: value' line"), -1;
		cur = &ent[n++];
		*count = n;
		memset(cur, 0, sizeof(*cur));
		memcpy(cur->key, line, (size_t)(colon - line));
		size_t vl = ll - (size_t)(colon - line) - 1;
		if (vl > 0 && colon[1] != ' ')
			return sprintf(why, "no space after the colon"), -1;
		if (vl == 7 && !memcmp(colon + 2, "base64", 6)) {
			cur->binary = 1;
			memset(b, 0, sizeof(*b));
			if (inflateInit2(&b->z, -MAX_WBITS) != Z_OK)
				return sprintf(why, "inflateInit2"), -1;
		} else if (vl > 1) {
			rd_append(cur, colon + 2, vl - 1);
		} else {
			cur->cap = 0;
		}
	}
	if (cur && cur->binary && rd_bin_end(cur, b, why) < 0)
		return -1;
	return n;
}

static void rd_free(struct rd_entry *ent, int n);

/* Parses a whole report; returns the entry count or -1 with why[256]. */
static int rd_parse(const char *d, size_t len, struct rd_entry *ent, int max, char *why)
{
	struct rd_bin bin;
	int count = 0, n;

	memset(&bin, 0, sizeof(bin));
	n = rd_parse_all(d, len, ent, max, why, &count, &bin);
	if (n < 0) {
		if (bin.z.state)
			(void)inflateEnd(&bin.z);
		rd_free(ent, count);
	}
	return n;
}

static void rd_free(struct rd_entry *ent, int n)
{
	for (int i = 0; i < n; i++)
		free(ent[i].value);
}

#endif
