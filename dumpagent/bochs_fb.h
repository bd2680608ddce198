/* bochs_fb.h: the picture that bochs-drm left on QEMU's standard VGA, found and mapped from sysfs. */
#ifndef DUMPAGENT_BOCHS_FB_H
#define DUMPAGENT_BOCHS_FB_H

#include <stddef.h>

struct bochs_fb {
	unsigned char *base;  /* the first pixel of what the display shows */
	unsigned width, height, stride;
	void *map;            /* the mapping of video memory, for munmap */
	size_t map_len;
	char device[64];      /* the PCI device, "0000:00:01.0" */
};

/* Looks in sysfs (/sys) for QEMU's standard VGA (PCI 1234:1111) in a
 * linear 32-bit mode of its DISPI interface, reads the mode and the scanout
 * offset from its MMIO registers (resource2) and maps that part of its video
 * memory (resource0). Writes no register. 0; 1 when there is no such device
 * in such a mode; -1 with the cause in err. */
int bochs_fb_open(const char *sysfs, struct bochs_fb *fb, char *err, size_t errlen);
void bochs_fb_close(struct bochs_fb *fb);

#endif
