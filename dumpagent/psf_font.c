/* psf_font.c: an 8-pixel-wide console font (PSF1 or PSF2, gzipped or not) for drawing text.
 *
 * The formats are kbd's (font-formats in kbd's documentation): PSF1 is a
 * 4-byte header (0x36 0x04, mode, rows), 256 or 512 glyphs of one byte a
 * row, then, with a Unicode table, per glyph 16-bit code points up to
 * 0xFFFF. PSF2 is a 32-byte header (magic, version, header size, flags,
 * count, bytes per glyph, height, width), then the glyphs, then per glyph
 * UTF-8 sequences up to 0xFF. Only the table tells which glyph is which
 * character: console-setup's fonts do not keep ASCII at its own positions.
 * Everything read is bounded by the buffer; a font that does not fit, is
 * wider than 8 pixels or lacks ASCII is refused. */
#include "psf_font.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gunzip.h"
#include "io.h"

#define PSF1_MODE512 0x01
#define PSF1_MODEHASTAB 0x02
#define PSF1_MODESEQ 0x04
#define PSF2_HAS_UNICODE_TABLE 0x01

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Records that glyph g shows code point u, when u is ASCII and not seen yet. */
static void map(struct psf_font *f, unsigned long u, unsigned g, unsigned char *seen)
{
	if (u < 128 && !seen[u]) {
		f->ascii[u] = (unsigned short)g;
		seen[u] = 1;
	}
}

/* PSF1's table from off: 16-bit code points, 0xFFFE starts a sequence (skipped), 0xFFFF ends a glyph's. */
static void table16(struct psf_font *f, size_t off, size_t len, unsigned char *seen)
{
	unsigned g = 0;
	int in_seq = 0;

	for (; off + 2 <= len && g < f->count; off += 2) {
		unsigned u = f->data[off] | f->data[off + 1] << 8;

		if (u == 0xFFFF) {
			g++;
			in_seq = 0;
		} else if (u == 0xFFFE) {
			in_seq = 1;
		} else if (!in_seq) {
			map(f, u, g, seen);
		}
	}
}

/* PSF2's table from off: UTF-8; 0xFE starts a sequence (skipped), 0xFF ends a glyph's. Only
 * one-byte sequences can be ASCII, so longer ones are stepped over byte by byte. */
static void table8(struct psf_font *f, size_t off, size_t len, unsigned char *seen)
{
	unsigned g = 0;
	int in_seq = 0;

	for (; off < len && g < f->count; off++) {
		unsigned char b = f->data[off];

		if (b == 0xFF) {
			g++;
			in_seq = 0;
		} else if (b == 0xFE) {
			in_seq = 1;
		} else if (!in_seq && b < 0x80) {
			map(f, b, g, seen);
		}
	}
}

/* The header: glyph count, height, where the glyphs start and the table's kind (0 none, 16, 8). */
static int header(struct psf_font *f, size_t len, size_t *start, int *table, char *err, size_t errlen)
{
	const unsigned char *d = f->data;

	if (len >= 4 && d[0] == 0x36 && d[1] == 0x04) {
		f->count = d[2] & PSF1_MODE512 ? 512 : 256;
		f->height = d[3];
		*start = 4;
		*table = d[2] & (PSF1_MODEHASTAB | PSF1_MODESEQ) ? 16 : 0;
		return 0;
	}
	if (len >= 32 && le32(d) == 0x864ab572) {
		uint32_t hsize = le32(d + 8), count = le32(d + 16), size = le32(d + 20), height = le32(d + 24),
			 width = le32(d + 28);

		if (width == 0 || width > 8 || size != height || hsize < 32 || hsize > len || count > 512) {
			(void)snprintf(err, errlen, "PSF2 font of %" PRIu32 " glyphs %" PRIu32 "x%" PRIu32 ", %" PRIu32
				       " bytes each: only 8 pixels wide, one byte a row, up to 512 glyphs",
				       count, width, height, size);
			return -1;
		}
		f->count = count;
		f->height = height;
		*start = hsize;
		*table = le32(d + 12) & PSF2_HAS_UNICODE_TABLE ? 8 : 0;
		return 0;
	}
	(void)snprintf(err, errlen, "not a PSF1 or PSF2 font (no magic number)");
	return -1;
}

int psf_font_parse(struct psf_font *f, size_t len, char *err, size_t errlen)
{
	unsigned char seen[128] = { 0 };
	size_t start, end;
	int table;

	if (len > sizeof(f->data)) {
		(void)snprintf(err, errlen, "font over %d bytes", PSF_FONT_MAX);
		return -1;
	}
	if (header(f, len, &start, &table, err, errlen) < 0)
		return -1;
	if (f->height == 0 || f->height > PSF_HEIGHT_MAX || f->count == 0) {
		(void)snprintf(err, errlen, "font of %u glyphs, %u rows: expected 1 to %d rows", f->count, f->height,
			       PSF_HEIGHT_MAX);
		return -1;
	}
	end = start + (size_t)f->count * f->height;
	if (end > len) {
		(void)snprintf(err, errlen, "font cut short: %u glyphs of %u rows need %zu bytes, the file has %zu",
			       f->count, f->height, end, len);
		return -1;
	}
	f->glyphs = f->data + start;
	if (table == 16)
		table16(f, end, len, seen);
	else if (table == 8)
		table8(f, end, len, seen);
	else
		for (unsigned c = 0; c < 128 && c < f->count; c++)
			map(f, c, c, seen);
	for (unsigned c = ' '; c < 127; c++)
		if (!seen[c]) {
			(void)snprintf(err, errlen, "font has no glyph for '%c' (0x%02x)", c, c);
			return -1;
		}
	return 0;
}

int psf_font_load(const char *path, struct psf_font *f, char *err, size_t errlen)
{
	struct gunzip *g = NULL;
	unsigned char magic[2];
	ssize_t n;
	size_t len;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	memset(f->ascii, 0, sizeof(f->ascii));
	if (fd < 0) {
		(void)snprintf(err, errlen, "open %s: %s", path, strerror(errno));
		return -1;
	}
	n = pread_full(fd, magic, sizeof(magic), 0);
	if (n == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
		static struct gunzip gz; /* 64 KiB of input buffer: not on the stack */

		g = &gz;
		if (gunzip_open(g, fd) < 0) {
			(void)snprintf(err, errlen, "inflate %s: out of memory", path);
			(void)close(fd);
			return -1;
		}
		/* one byte more than fits, to tell a font that does not fit */
		len = gunzip_read(g, f->data, sizeof(f->data));
		n = g->err ? g->err : (ssize_t)len;
		if (len == sizeof(f->data) && gunzip_read(g, magic, 1) == 1)
			n = (ssize_t)sizeof(f->data) + 1;
		gunzip_close(g);
	} else if (n >= 0) {
		n = pread_full(fd, f->data, sizeof(f->data), 0);
		if (n == (ssize_t)sizeof(f->data) && pread_full(fd, magic, 1, (off_t)sizeof(f->data)) == 1)
			n = (ssize_t)sizeof(f->data) + 1;
	}
	(void)close(fd); /* read-only */
	if (n < 0) {
		(void)snprintf(err, errlen, "read %s: %s", path, strerror((int)-n));
		return -1;
	}
	return psf_font_parse(f, (size_t)n, err, errlen);
}

const unsigned char *psf_font_glyph(const struct psf_font *f, unsigned char c)
{
	if (c < ' ' || c > '~')
		c = '?';
	return f->glyphs + (size_t)f->ascii[c] * f->height;
}
