/* psf_font.h: an 8-pixel-wide console font (PSF1 or PSF2, gzipped or not) for drawing text. */
#ifndef DUMPAGENT_PSF_FONT_H
#define DUMPAGENT_PSF_FONT_H

#include <stddef.h>

#define PSF_FONT_MAX 32768 /* the font file, inflated: 512 glyphs of 32 rows and their Unicode table */
#define PSF_HEIGHT_MAX 32

struct psf_font {
	unsigned height;                     /* rows per glyph, one byte each (8 pixels, MSB left) */
	unsigned count;                      /* glyphs */
	const unsigned char *glyphs;         /* count * height bytes, in data */
	unsigned short ascii[128];           /* the glyph of each ASCII character */
	unsigned char data[PSF_FONT_MAX];
};

/* Reads the font from path (gzip members, as consolefonts/ ship, or plain).
 * 0, or -1 with the cause in err. */
int psf_font_load(const char *path, struct psf_font *f, char *err, size_t errlen);
/* Parses len bytes already in f->data. 0, or -1 with the cause in err. */
int psf_font_parse(struct psf_font *f, size_t len, char *err, size_t errlen);
/* The rows of character c (ASCII; others show as '?'). */
const unsigned char *psf_font_glyph(const struct psf_font *f, unsigned char c);

#endif
