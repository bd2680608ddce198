/* screen_check.h: can the brown screen reach this machine's display after a crash? (from sysfs) */
#ifndef DUMPAGENT_SCREEN_CHECK_H
#define DUMPAGENT_SCREEN_CHECK_H

#include <stddef.h>

#define SCREEN_DRIVER_MAX 64

enum screen_verdict {
	SCREEN_VGA_TEXT,     /* no graphics driver: the capture kernel's VGA text console */
	SCREEN_FIRMWARE_FB,  /* the firmware's framebuffer (efifb, vesafb, simplefb, simpledrm) */
	SCREEN_KEPT_FB,      /* a DRM driver that still scans out the boot framebuffer */
	SCREEN_VGA_FB,       /* the boot framebuffer, which the VGA device shows again when its DRM driver stops */
	SCREEN_AGENT_FB,     /* QEMU's standard VGA: the agent draws where bochs-drm's scanout is (screen_fb.c) */
	SCREEN_NOT_POSSIBLE, /* the capture kernel cannot draw where the display looks */
};

struct screen_check {
	enum screen_verdict verdict;
	char driver[SCREEN_DRIVER_MAX]; /* the display's driver: "bochs-drm", "EFI VGA"; "" for VGA text */
	unsigned width, height;         /* SCREEN_KEPT_FB, SCREEN_VGA_FB: the mode */
};

/* What the capture kernel can show, judged from sysfs (a root such as /sys)
 * and method, the kexec system call that loads it ("kexec_load", else
 * kexec_file_load, which the loader tries first): the drivers bound to the
 * DRM cards (class/drm/cardN/device/driver), the framebuffers
 * (class/graphics/fbN), and the boot screen_info (kernel/boot_params/data).
 * Never fails: what sysfs does not show counts as absent. */
void screen_check(const char *sysfs, const char *method, struct screen_check *out);
/* The status line for it: "brown screen: not possible with bochs-drm, the
 * serial console still gets it", or where the screen will be. */
void screen_check_describe(const struct screen_check *s, char *out, size_t len);

#endif
