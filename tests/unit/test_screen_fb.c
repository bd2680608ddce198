/* test_screen_fb.c: the agent's own brown screen: PSF fonts, the text grid, QEMU's standard VGA from a fake sysfs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdint.h>
#include <sys/stat.h>
#include <zlib.h>

#include "bochs_fb.h"
#include "fb_text.h"
#include "psf_font.h"
#include "screen_fb.h"
#include "sysfs_fixture.h"

#define DEV "0000:00:02.0"
#define PCI "sys/bus/pci/devices/" DEV
#define BAR0 (4u << 20)

static struct psf_font font;

/* A PSF1 font of 256 glyphs, 16 rows: glyph g is g in every row, and its
 * Unicode table puts ASCII c at glyph 255 - c (console-setup's fonts do not
 * keep ASCII in place either). Returns its length. */
static size_t psf1(unsigned char *d)
{
	size_t n = 4;

	d[0] = 0x36, d[1] = 0x04, d[2] = 0x02, d[3] = 16;
	for (unsigned g = 0; g < 256; g++)
		for (unsigned r = 0; r < 16; r++)
			d[n++] = (unsigned char)g;
	for (unsigned g = 0; g < 256; g++) {
		unsigned c = 255 - g;

		if (c < 128)
			d[n++] = (unsigned char)c, d[n++] = 0;
		d[n++] = 0xff, d[n++] = 0xff;
	}
	return n;
}

/* root/REL: the PSF1 font above, gzipped. */
static void font_file(const char *rel)
{
	unsigned char d[8192];
	char path[512];
	size_t n = psf1(d);
	gzFile g;

	(void)snprintf(path, sizeof(path), "%s/%s", root, rel);
	g = gzopen(path, "wb");
	assert_non_null(g);
	assert_int_equal(gzwrite(g, d, (unsigned)n), (int)n);
	assert_int_equal(gzclose(g), Z_OK);
}

static void psf1_maps_ascii_through_its_unicode_table(void **state)
{
	char err[256] = "";

	(void)state;
	assert_int_equal(psf_font_parse(&font, psf1(font.data), err, sizeof(err)), 0);
	assert_int_equal(font.height, 16);
	assert_int_equal(psf_font_glyph(&font, 'A')[0], 255 - 'A');
	assert_int_equal(psf_font_glyph(&font, '\n')[15], 255 - '?'); /* not printable: '?' */
}

static void psf2_with_utf8_table_and_refusals(void **state)
{
	unsigned char *d = font.data;
	char err[256] = "";
	size_t n = 32;
	uint32_t h[8] = { 0x864ab572, 0, 32, 1, 128, 8, 8, 8 };

	(void)state;
	memcpy(d, h, sizeof(h));
	for (unsigned g = 0; g < 128; g++)
		for (unsigned r = 0; r < 8; r++)
			d[n++] = (unsigned char)(g ^ 0x55);
	for (unsigned g = 0; g < 128; g++) {
		d[n++] = 0xc3, d[n++] = 0xa9;           /* a two-byte character first: not ASCII */
		d[n++] = (unsigned char)(127 - g), d[n++] = 0xff;
	}
	assert_int_equal(psf_font_parse(&font, n, err, sizeof(err)), 0);
	assert_int_equal(psf_font_glyph(&font, 'z')[7], (127 - 'z') ^ 0x55);
	assert_int_equal(psf_font_parse(&font, 32 + 128 * 8 - 1, err, sizeof(err)), -1);
	assert_string_equal(err, "font cut short: 128 glyphs of 8 rows need 1056 bytes, the file has 1055");
	d[32 + 128 * 8 + 4 * 62 + 2] = 0xfe; /* glyph 62's 'A' starts a sequence instead: no 'A' */
	assert_int_equal(psf_font_parse(&font, n, err, sizeof(err)), -1);
	assert_string_equal(err, "font has no glyph for 'A' (0x41)");
	h[7] = 9; /* 9 pixels wide */
	memcpy(d, h, sizeof(h));
	assert_int_equal(psf_font_parse(&font, n, err, sizeof(err)), -1);
	assert_string_equal(err, "PSF2 font of 128 glyphs 9x8, 8 bytes each: only 8 pixels wide, one byte a row, up to 512 glyphs");
	assert_int_equal(psf_font_parse(&font, 3, err, sizeof(err)), -1);
	assert_string_equal(err, "not a PSF1 or PSF2 font (no magic number)");
}

static void psf_font_load_reads_gzip_and_names_a_missing_file(void **state)
{
	char err[256] = "", path[512];

	(void)state;
	font_file("f.psf.gz");
	(void)snprintf(path, sizeof(path), "%s/f.psf.gz", root);
	assert_int_equal(psf_font_load(path, &font, err, sizeof(err)), 0);
	assert_int_equal(psf_font_glyph(&font, 'x')[3], 255 - 'x');
	(void)snprintf(path, sizeof(path), "%s/none.psf.gz", root);
	assert_int_equal(psf_font_load(path, &font, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "none.psf.gz: No such file or directory"));
}

static uint32_t pixel(const unsigned char *base, unsigned stride, unsigned x, unsigned y)
{
	uint32_t v;

	memcpy(&v, base + (size_t)y * stride + (size_t)x * 4, 4);
	return v;
}

static void the_grid_is_scaled_centred_and_drawn_white_on_brown(void **state)
{
	static unsigned char px[1300 * 4 * 820];
	struct fb_text t;
	char err[256] = "";
	unsigned stride = 1300 * 4;

	(void)state;
	assert_int_equal(psf_font_parse(&font, psf1(font.data), err, sizeof(err)), 0);
	assert_int_equal(fb_text_setup(&t, px, 1290, 810, stride, &font, err, sizeof(err)), 0);
	assert_int_equal(t.scale, 2);
	assert_int_equal(t.x0, 5);
	assert_int_equal(t.y0, 5);
	fb_text_clear(&t);
	assert_int_equal(pixel(px, stride, 0, 0), FB_TEXT_BROWN);
	assert_int_equal(pixel(px, stride, 1289, 809), FB_TEXT_BROWN);
	assert_int_equal(pixel(px, stride, 1290, 0), 0); /* past the width: the stride's padding untouched */
	fb_text_row(&t, 2, "A");
	/* 'A' is glyph 190 = 0b10111110: columns 0, 2-6 white, 1 and 7 brown, each 2 pixels wide */
	assert_int_equal(pixel(px, stride, 5, 5 + 32), FB_TEXT_WHITE);
	assert_int_equal(pixel(px, stride, 6, 5 + 32 + 31), FB_TEXT_WHITE);
	assert_int_equal(pixel(px, stride, 7, 5 + 32), FB_TEXT_BROWN);
	assert_int_equal(pixel(px, stride, 5 + 14, 5 + 32), FB_TEXT_BROWN);
	assert_int_equal(pixel(px, stride, 5, 5 + 31), FB_TEXT_BROWN); /* row 1 stays brown */
	assert_int_equal(fb_text_setup(&t, px, 639, 400, stride, &font, err, sizeof(err)), -1);
	assert_string_equal(err, "a 639x400 framebuffer (stride 5200) cannot hold 80x25 characters of 8x16");
}

/* A fake QEMU standard VGA in sysfs: its MMIO BAR with DISPI registers
 * (id, width, height, bpp, enable, virtual width, y offset) and a video
 * memory BAR of BAR0 bytes. */
static void std_vga(unsigned w, unsigned h, unsigned bpp, unsigned enable, unsigned vwidth, unsigned yoff)
{
	uint16_t regs[2048] = { 0 };
	char path[512];
	int fd;

	fx_file(PCI "/vendor", "0x1234\n");
	fx_file(PCI "/device", "0x1111\n");
	fx_file(PCI "/resource", "0x00000000c0000000 0x00000000c03fffff 0x0000000000042208\n"
				 "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
				 "0x00000000c1000000 0x00000000c1000fff 0x0000000000040200\n");
	regs[0x500 / 2 + 0] = 0xb0c5;
	regs[0x500 / 2 + 1] = (uint16_t)w;
	regs[0x500 / 2 + 2] = (uint16_t)h;
	regs[0x500 / 2 + 3] = (uint16_t)bpp;
	regs[0x500 / 2 + 4] = (uint16_t)enable;
	regs[0x500 / 2 + 6] = (uint16_t)vwidth;
	regs[0x500 / 2 + 9] = (uint16_t)yoff;
	(void)snprintf(path, sizeof(path), "%s/" PCI "/resource2", root);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0 && write(fd, regs, sizeof(regs)) == (ssize_t)sizeof(regs) && close(fd) == 0);
	(void)snprintf(path, sizeof(path), "%s/" PCI "/resource0", root);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0 && ftruncate(fd, BAR0) == 0 && close(fd) == 0);
}

static void the_std_vga_picture_is_found_at_its_scanout_offset(void **state)
{
	struct bochs_fb fb;
	char err[256] = "", sys[512];

	(void)state;
	(void)snprintf(sys, sizeof(sys), "%s/sys", root);
	assert_int_equal(bochs_fb_open(sys, &fb, err, sizeof(err)), 1); /* no PCI at all */
	std_vga(640, 400, 32, 0x41, 648, 400); /* the second of two pages, as a page flip leaves it */
	assert_int_equal(bochs_fb_open(sys, &fb, err, sizeof(err)), 0);
	assert_string_equal(fb.device, DEV);
	assert_int_equal(fb.width, 640);
	assert_int_equal(fb.height, 400);
	assert_int_equal(fb.stride, 648 * 4);
	assert_ptr_equal(fb.base, (unsigned char *)fb.map + (400 * 648 * 4) % 4096);
	bochs_fb_close(&fb);
	std_vga(640, 400, 32, 0x00, 640, 0); /* DISPI off: VGA text, the kernel's own console */
	assert_int_equal(bochs_fb_open(sys, &fb, err, sizeof(err)), 1);
	std_vga(640, 400, 16, 0x41, 640, 0);
	assert_int_equal(bochs_fb_open(sys, &fb, err, sizeof(err)), 1);
	std_vga(1280, 800, 32, 0x41, 1280, 800); /* the second page is past the 4 MiB of video memory */
	assert_int_equal(bochs_fb_open(sys, &fb, err, sizeof(err)), -1);
	assert_string_equal(err, DEV ": a 1280x800 picture at offset 4096000 does not fit its 4194304 bytes of video memory");
}

/* The vtconsole entry N: bound or not, with its name. */
static void vtcon(int n, int bound, const char *name)
{
	char rel[128];

	(void)snprintf(rel, sizeof(rel), "sys/class/vtconsole/vtcon%d/bind", n);
	fx_file(rel, bound ? "1\n" : "0\n");
	(void)snprintf(rel, sizeof(rel), "sys/class/vtconsole/vtcon%d/name", n);
	fx_file(rel, name);
}

static void screen_fb_draws_only_behind_the_dummy_console(void **state)
{
	char why[512] = "", sys[512], fontpath[512], path[512];
	unsigned char px[4];
	int fd;

	(void)state;
	(void)snprintf(sys, sizeof(sys), "%s/sys", root);
	(void)snprintf(fontpath, sizeof(fontpath), "%s/font.psf.gz", root);
	std_vga(640, 400, 32, 0x41, 640, 0);
	vtcon(0, 1, "(S) VGA+\n");
	assert_int_equal(screen_fb_open(sys, fontpath, why, sizeof(why)), 1);
	assert_string_equal(why, "the capture kernel's console shows it");
	vtcon(0, 1, "(S) dummy device\n");
	vtcon(1, 0, "(M) frame buffer device\n");
	assert_int_equal(screen_fb_open(sys, fontpath, why, sizeof(why)), -1); /* no font yet */
	assert_non_null(strstr(why, "font.psf.gz: No such file or directory"));
	font_file("font.psf.gz");
	assert_int_equal(screen_fb_open(sys, fontpath, why, sizeof(why)), 0);
	assert_string_equal(why, "drawn by the agent on " DEV "'s framebuffer (640x400, QEMU's standard VGA)");
	screen_fb_row(1, "A");
	screen_fb_close();
	(void)snprintf(path, sizeof(path), "%s/" PCI "/resource0", root);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	/* 'A' (glyph 190, 0b10111110) in row 1, column 0: its first pixel white, its second brown */
	assert_int_equal(pread(fd, px, 4, 0), 4);
	assert_int_equal(px[0] | px[1] << 8 | px[2] << 16, FB_TEXT_WHITE);
	assert_int_equal(pread(fd, px, 4, 4), 4);
	assert_int_equal(px[0] | px[1] << 8 | px[2] << 16, FB_TEXT_BROWN);
	assert_int_equal(pread(fd, px, 4, 640 * 4 * 16), 4); /* row 2, cleared: brown */
	assert_int_equal(px[0] | px[1] << 8 | px[2] << 16, FB_TEXT_BROWN);
	assert_int_equal(close(fd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(psf1_maps_ascii_through_its_unicode_table),
		cmocka_unit_test(psf2_with_utf8_table_and_refusals),
		TMPDIR_TEST(psf_font_load_reads_gzip_and_names_a_missing_file),
		cmocka_unit_test(the_grid_is_scaled_centred_and_drawn_white_on_brown),
		TMPDIR_TEST(the_std_vga_picture_is_found_at_its_scanout_offset),
		TMPDIR_TEST(screen_fb_draws_only_behind_the_dummy_console),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
