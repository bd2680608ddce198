/* screen_fb.c: the brown screen drawn by the agent where the capture kernel has no visible console.
 *
 * The capture kernel draws the brown screen itself on VGA text or on the
 * boot framebuffer (screen.c writes ANSI to its tty). Where it found
 * neither (the dummy console), the display may still show a framebuffer
 * that the agent can find: QEMU's standard VGA after bochs-drm (bochs_fb.c).
 * Then the agent draws the same rows there, with a console font from the
 * initramfs. No driver is loaded and no register is written. */
#include "screen_fb.h"

#include <stdio.h>
#include <string.h>

#include "bochs_fb.h"
#include "fb_text.h"
#include "io.h"

static struct psf_font font_data; /* 32 KiB: not on the stack */
static struct bochs_fb fb;
static struct fb_text grid;
static int taken;

/* 1 when a console other than the dummy one is bound (class/vtconsole/vtconN: bind, name). */
static int console_visible(const char *sysfs)
{
	char path[512], text[128];

	for (int i = 0; i < 16; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/class/vtconsole/vtcon%d/bind", sysfs, i) >= sizeof(path) ||
		    read_small(path, text, sizeof(text)) < 0 || text[0] != '1')
			continue;
		(void)snprintf(path, sizeof(path), "%s/class/vtconsole/vtcon%d/name", sysfs, i);
		if (read_small(path, text, sizeof(text)) >= 0 && !strstr(text, "dummy device"))
			return 1;
	}
	return 0;
}

int screen_fb_open(const char *sysfs, const char *font, char *why, size_t len)
{
	char err[256];
	int r;

	if (console_visible(sysfs)) {
		(void)snprintf(why, len, "the capture kernel's console shows it");
		return 1;
	}
	r = bochs_fb_open(sysfs, &fb, err, sizeof(err));
	if (r != 0) {
		(void)snprintf(why, len, "%s", r > 0 ? "the console is the dummy one and no framebuffer is known" : err);
		return r;
	}
	if (psf_font_load(font, &font_data, err, sizeof(err)) < 0 ||
	    fb_text_setup(&grid, fb.base, fb.width, fb.height, fb.stride, &font_data, err, sizeof(err)) < 0) {
		(void)snprintf(why, len, "font %s: %s", font, err);
		bochs_fb_close(&fb);
		return -1;
	}
	fb_text_clear(&grid);
	taken = 1;
	(void)snprintf(why, len, "drawn by the agent on %s's framebuffer (%ux%u, QEMU's standard VGA)", fb.device,
		       fb.width, fb.height);
	return 0;
}

void screen_fb_row(int r, const char *text)
{
	if (taken)
		fb_text_row(&grid, r, text);
}

void screen_fb_close(void)
{
	if (!taken)
		return;
	bochs_fb_close(&fb);
	taken = 0;
}
