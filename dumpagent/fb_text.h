/* fb_text.h: rows of text, white on brown, drawn into a 32-bit linear framebuffer. */
#ifndef DUMPAGENT_FB_TEXT_H
#define DUMPAGENT_FB_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "psf_font.h"

#define FB_TEXT_COLS 80
#define FB_TEXT_ROWS 25
#define FB_TEXT_BROWN 0x00aa5500u /* VGA colour 6, as the text console shows it */
#define FB_TEXT_WHITE 0x00ffffffu

/* A mapped framebuffer of width x height pixels, stride bytes a line, in
 * XRGB8888 (little-endian: blue first). The 80x25 text grid is scaled by
 * the largest whole factor that fits and centred. */
struct fb_text {
	unsigned char *base;
	unsigned width, height, stride;
	unsigned scale, x0, y0;
	const struct psf_font *font;
};

/* Checks the geometry (0, or -1 with the cause in err) and sets the grid. */
int fb_text_setup(struct fb_text *t, unsigned char *base, unsigned width, unsigned height, unsigned stride,
		  const struct psf_font *font, char *err, size_t errlen);
/* The whole screen brown. */
void fb_text_clear(const struct fb_text *t);
/* Row r (1-based, 1 to 25) brown, then text from column 1, cut at 80 columns. */
void fb_text_row(const struct fb_text *t, int r, const char *text);

#endif
