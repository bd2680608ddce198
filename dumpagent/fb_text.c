/* fb_text.c: rows of text, white on brown, drawn into a 32-bit linear framebuffer.
 *
 * The same 80x25 grid as the VGA text console, so that the brown screen
 * keeps its rows (screen.c). Every write is inside the rectangle that
 * fb_text_setup checked against width, height and stride. */
#include "fb_text.h"

#include <stdio.h>
#include <string.h>

static void put_pixel(const struct fb_text *t, unsigned x, unsigned y, uint32_t colour)
{
	memcpy(t->base + (size_t)y * t->stride + (size_t)x * 4, &colour, 4); /* x86/arm64: little-endian */
}

int fb_text_setup(struct fb_text *t, unsigned char *base, unsigned width, unsigned height, unsigned stride,
		  const struct psf_font *font, char *err, size_t errlen)
{
	unsigned gw = FB_TEXT_COLS * 8, gh = FB_TEXT_ROWS * font->height;

	if (width < gw || height < gh || stride < (size_t)width * 4) {
		(void)snprintf(err, errlen, "a %ux%u framebuffer (stride %u) cannot hold 80x25 characters of 8x%u",
			       width, height, stride, font->height);
		return -1;
	}
	t->base = base;
	t->width = width;
	t->height = height;
	t->stride = stride;
	t->font = font;
	t->scale = width / gw < height / gh ? width / gw : height / gh;
	t->x0 = (width - gw * t->scale) / 2;
	t->y0 = (height - gh * t->scale) / 2;
	return 0;
}

void fb_text_clear(const struct fb_text *t)
{
	for (unsigned y = 0; y < t->height; y++)
		for (unsigned x = 0; x < t->width; x++)
			put_pixel(t, x, y, FB_TEXT_BROWN);
}

/* Character c at column col (0-based) of the row whose top pixel line is y. */
static void draw_char(const struct fb_text *t, unsigned col, unsigned y, unsigned char c)
{
	const unsigned char *rows = psf_font_glyph(t->font, c);
	unsigned x = t->x0 + col * 8 * t->scale;

	for (unsigned gy = 0; gy < t->font->height * t->scale; gy++)
		for (unsigned gx = 0; gx < 8 * t->scale; gx++)
			put_pixel(t, x + gx, y + gy,
				  rows[gy / t->scale] & (0x80 >> (gx / t->scale)) ? FB_TEXT_WHITE : FB_TEXT_BROWN);
}

void fb_text_row(const struct fb_text *t, int r, const char *text)
{
	size_t n = strlen(text);
	unsigned y;

	if (r < 1 || r > FB_TEXT_ROWS)
		return;
	y = t->y0 + (unsigned)(r - 1) * t->font->height * t->scale;
	for (unsigned col = 0; col < FB_TEXT_COLS; col++)
		draw_char(t, col, y, col < n ? (unsigned char)text[col] : ' ');
}
