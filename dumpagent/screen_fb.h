/* screen_fb.h: the brown screen drawn by the agent where the capture kernel has no visible console. */
#ifndef DUMPAGENT_SCREEN_FB_H
#define DUMPAGENT_SCREEN_FB_H

#include <stddef.h>

#define SCREEN_FONT "/usr/share/dumpagent/screen-font.psf.gz" /* in the capture initramfs */

/* When the capture kernel's only console is the dummy one (sysfs
 * class/vtconsole) and the display is a framebuffer the agent can map
 * (bochs_fb.c), loads the font and takes that framebuffer, all brown.
 * 0 when taken; 1 when not needed or not there, with why; -1 on an error,
 * with why. */
int screen_fb_open(const char *sysfs, const char *font, char *why, size_t len);
/* Row r (1-based) of the 80x25 grid; nothing when not taken. */
void screen_fb_row(int r, const char *text);
void screen_fb_close(void);

#endif
