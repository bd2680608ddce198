/* apport.c: writes apport problem reports (.crash), streaming, in bounded memory.
 *
 * The format is what apport's problem_report.py reads: "Key: value" lines;
 * multi-line text as "Key:" and lines that each start with one space; binary
 * values as "Key: base64" and lines that each hold a complete base64 string
 * of a gzip stream (header line with the key as file name, deflate data,
 * then CRC32 and length). */
#include "apport.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "io.h"

#define READ_CHUNK 65536
#define LINE_BYTES 3072 /* raw bytes per base64 line: 4096 characters, no padding */
#define DEFLATE_OUT (LINE_BYTES * 16)

int apport_key_valid(const char *key)
{
	if (!key || !*key)
		return 0;
	for (const char *p = key; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_'))
			return 0;
	return 1;
}

static int entry_rank(const struct apport_entry *e)
{
	if (strcmp(e->key, "ProblemType") == 0)
		return 0;
	return e->kind == APPORT_BINARY_FD || e->kind == APPORT_BINARY_FD_STORED ? 2 : 1;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct apport_entry *x = a, *y = b;
	int rx = entry_rank(x), ry = entry_rank(y);

	return rx != ry ? rx - ry : strcmp(x->key, y->key);
}

/* Each line of a multi-line value starts with a space; the last newline ends it. */
static void put_indented(struct outbuf *o, const char *p, size_t len, int *bol)
{
	while (len > 0) {
		const char *nl = memchr(p, '\n', len);
		size_t n = nl ? (size_t)(nl - p) + 1 : len;

		if (*bol)
			outbuf_write(o, " ", 1);
		outbuf_write(o, p, n);
		*bol = nl != NULL;
		p += n;
		len -= n;
	}
}

struct indented {
	struct outbuf *o;
	int bol;
};

static int put_chunk(void *ctx, const char *p, size_t n)
{
	struct indented *t = ctx;

	put_indented(t->o, p, n, &t->bol);
	return t->o->err; /* the target is full or failing: reading on writes nothing */
}

static int put_text_fd(struct outbuf *o, int fd)
{
	static char buf[READ_CHUNK];
	struct indented t = { o, 1 };
	int r = read_each(fd, buf, sizeof(buf), put_chunk, &t);

	if (r < 0)
		return r;
	if (!t.bol && !o->err) /* on o->err, apport_write reports it */
		outbuf_write(o, "\n", 1);
	return 0;
}

static void put_text(struct outbuf *o, const struct apport_entry *e)
{
	int bol = 1;

	if (!memchr(e->text, '\n', e->len)) {
		outbuf_printf(o, "%s: ", e->key);
		outbuf_write(o, e->text, e->len);
		outbuf_write(o, "\n", 1);
		return;
	}
	outbuf_printf(o, "%s:\n", e->key);
	put_indented(o, e->text, e->len, &bol);
	if (!bol)
		outbuf_write(o, "\n", 1);
}

/* One line: a space, the base64 of data (padded), a newline. */
static void put_base64_line(struct outbuf *o, const unsigned char *data, size_t len)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char quad[4];

	outbuf_write(o, " ", 1);
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16;
		size_t left = len - i;

		if (left > 1)
			v |= (uint32_t)data[i + 1] << 8;
		if (left > 2)
			v |= data[i + 2];
		quad[0] = tab[(v >> 18) & 63];
		quad[1] = tab[(v >> 12) & 63];
		quad[2] = left > 1 ? tab[(v >> 6) & 63] : '=';
		quad[3] = left > 2 ? tab[v & 63] : '=';
		outbuf_write(o, quad, 4);
	}
	outbuf_write(o, "\n", 1);
}

static void put_base64_lines(struct outbuf *o, const unsigned char *data, size_t len)
{
	for (size_t i = 0; i < len; i += LINE_BYTES)
		put_base64_line(o, data + i, len - i < LINE_BYTES ? len - i : LINE_BYTES);
}

static void put_gzip_header(struct outbuf *o, const char *key)
{
	unsigned char h[10 + 128] = { 0x1f, 0x8b, 0x08, 0x08, 0, 0, 0, 0, 0x02, 0xff };
	size_t klen = strlen(key);

	if (klen > sizeof(h) - 11)
		klen = sizeof(h) - 11;
	memcpy(h + 10, key, klen);
	h[10 + klen] = '\0';
	put_base64_line(o, h, 10 + klen + 1);
}

/* Deflates everything z holds (and, with Z_FINISH, ends the stream), emitting lines. */
static int deflate_out(struct outbuf *o, z_stream *z, unsigned char *out, int flush)
{
	int r;

	do {
		z->next_out = out;
		z->avail_out = DEFLATE_OUT;
		r = deflate(z, flush);
		if (r == Z_STREAM_ERROR)
			return -1;
		put_base64_lines(o, out, DEFLATE_OUT - z->avail_out);
	} while (z->avail_out == 0 || (flush == Z_FINISH && r != Z_STREAM_END));
	return 0;
}

static int put_binary_fd(struct outbuf *o, const struct apport_entry *e, char *err, size_t errlen)
{
	static unsigned char in[READ_CHUNK], out[DEFLATE_OUT];
	uLong crc = crc32(0L, Z_NULL, 0);
	uint32_t size = 0;
	unsigned char tail[8];
	z_stream z;
	int r = 0, level = e->kind == APPORT_BINARY_FD_STORED ? Z_NO_COMPRESSION : 1;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		(void)snprintf(err, errlen, "%s: deflateInit2 failed", e->key);
		return -1;
	}
	outbuf_printf(o, "%s: base64\n", e->key);
	put_gzip_header(o, e->key);
	for (;;) {
		ssize_t n = read_some(e->fd, in, sizeof(in));

		if (n < 0) {
			(void)snprintf(err, errlen, "%s: read: %s", e->key, strerror((int)-n));
			r = -1;
			break;
		}
		crc = crc32(crc, in, (uInt)n);
		size += (uint32_t)n; /* the gzip trailer keeps the length mod 2^32 */
		z.next_in = in;
		z.avail_in = (uInt)n;
		if (deflate_out(o, &z, out, n == 0 ? Z_FINISH : Z_NO_FLUSH) < 0) {
			(void)snprintf(err, errlen, "%s: deflate failed", e->key);
			r = -1;
			break;
		}
		/* Stop at the first write error (ENOSPC): deflating gigabytes
		 * more would only burn the time the watchdog gives the capture. */
		if (o->err) {
			(void)snprintf(err, errlen, "write: %s", strerror(-o->err));
			r = -1;
			break;
		}
		if (n == 0)
			break;
	}
	(void)deflateEnd(&z); /* frees memory only */
	if (r < 0)
		return -1;
	for (int i = 0; i < 4; i++) {
		tail[i] = (unsigned char)(crc >> (8 * i));
		tail[4 + i] = (unsigned char)(size >> (8 * i));
	}
	put_base64_line(o, tail, sizeof(tail));
	return 0;
}

static int check_keys(const struct apport_entry *e, size_t n, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++)
		if (!apport_key_valid(e[i].key)) {
			(void)snprintf(err, errlen, "invalid report key '%s'", e[i].key ? e[i].key : "");
			return -1;
		}
	return 0;
}

/* After sorting: no key twice, and ProblemType first. */
static int check_sorted(const struct apport_entry *e, size_t n, char *err, size_t errlen)
{
	for (size_t i = 1; i < n; i++)
		if (strcmp(e[i].key, e[i - 1].key) == 0) {
			(void)snprintf(err, errlen, "report key '%s' given twice", e[i].key);
			return -1;
		}
	if (n == 0 || strcmp(e[0].key, "ProblemType") != 0 || e[0].kind != APPORT_TEXT) {
		(void)snprintf(err, errlen, "a report needs a ProblemType text entry");
		return -1;
	}
	return 0;
}

int apport_write(struct outbuf *o, struct apport_entry *e, size_t n, char *err, size_t errlen)
{
	if (check_keys(e, n, err, errlen) < 0)
		return -1;
	qsort(e, n, sizeof(*e), entry_cmp);
	if (check_sorted(e, n, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < n && o->err == 0; i++) {
		int r = 0;

		if (e[i].kind == APPORT_TEXT) {
			put_text(o, &e[i]);
		} else if (e[i].kind == APPORT_TEXT_FD) {
			outbuf_printf(o, "%s:\n", e[i].key);
			r = put_text_fd(o, e[i].fd);
			if (r < 0)
				(void)snprintf(err, errlen, "%s: read: %s", e[i].key, strerror(-r));
		} else {
			r = put_binary_fd(o, &e[i], err, errlen);
		}
		if (r < 0)
			return -1;
	}
	if (outbuf_flush(o) < 0) {
		(void)snprintf(err, errlen, "write: %s", strerror(-o->err));
		return -1;
	}
	return 0;
}

int apport_append_binary(struct outbuf *o, const struct apport_entry *e, char *err, size_t errlen)
{
	if (check_keys(e, 1, err, errlen) < 0)
		return -1;
	if (e->kind != APPORT_BINARY_FD && e->kind != APPORT_BINARY_FD_STORED) {
		(void)snprintf(err, errlen, "%s: not a binary entry", e->key);
		return -1;
	}
	if (put_binary_fd(o, e, err, errlen) < 0)
		return -1;
	if (outbuf_flush(o) < 0) {
		(void)snprintf(err, errlen, "write: %s", strerror(-o->err));
		return -1;
	}
	return 0;
}
