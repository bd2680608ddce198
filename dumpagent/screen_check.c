/* screen_check.c: can the brown screen reach this machine's display after a crash? (from sysfs)
 *
 * The capture kernel has no GPU driver: it draws with VGA text (vgacon) or
 * on the framebuffer that the boot parameters' screen_info describe
 * (simplefb + fbcon). kexec_file_load copies the crashed kernel's boot-time
 * screen_info; kexec_load (kexec-tools) sets it only from a /dev/fb0 named
 * "VESA VGA" or "EFI VGA", and to "no screen" for any other framebuffer.
 * Seen under QEMU with Debian 12's kernel: after bochs-drm on a BIOS boot
 * (VGA text at boot) the screen keeps the crashed kernel's last picture;
 * virtio-gpu has no framebuffer in memory at all; on a UEFI boot bochs-drm
 * keeps scanning out the firmware's framebuffer, same address, same mode,
 * and the capture kernel draws there; QEMU's virtio-vga shows its VGA text
 * again once virtio_gpu stops driving it, so on a BIOS boot the capture
 * kernel's vgacon is seen, and on a UEFI boot its simplefb on the GOP's
 * framebuffer in the VGA BAR. Only that is claimed: a DRM driver counts as
 * keeping the boot framebuffer when it is known to (kept[]), the boot
 * screen_info is a linear framebuffer inside the card's memory, and the
 * current mode is the boot mode; virtio_gpu counts as falling back to the
 * boot screen (VGA text, or a linear framebuffer inside the card's memory)
 * on a VGA-class PCI device (virtio-vga). Where bochs-drm drives QEMU's
 * standard VGA (PCI 1234:1111) and the capture kernel gets no console on
 * it (a BIOS boot, or kexec_load), the agent finds the scanout itself and
 * draws there (screen_fb.c, bochs_fb.c). */
#include "screen_check.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "text.h"

#define CARDS_MAX 16 /* DRM cards and framebuffers looked at: card0..card15, fb0..fb15 */
#define VIDEO_TYPE_VGA 0x01 /* the boot protocol's orig_video_isVGA for VGA text */
#define VIDEO_TYPE_VLFB 0x23
#define VIDEO_TYPE_EFI 0x70

/* Drivers that only wrap the firmware's framebuffer: the platform drivers
 * (simpledrm binds as simple-framebuffer), and the fbdev names of efifb,
 * vesafb and simplefb. */
static const char *const firmware[] = {
	"simple-framebuffer", "efi-framebuffer", "vesa-framebuffer", "simpledrm",
	"EFI VGA", "VESA VGA", "simple", "simpledrmdrmfb",
};
/* The framebuffers kexec_load passes on (kexec-tools' setup_linux_vesafb). */
static const char *const kexec_load_fb[] = { "EFI VGA", "VESA VGA" };
/* DRM drivers seen to keep scanning out the boot framebuffer (tests/qemu/test-system-bsod.sh). */
static const char *const kept[] = { "bochs-drm" };

/* The boot screen_info, as far as it is needed (struct screen_info offsets). */
struct boot_fb {
	unsigned type, width, height, depth, stride;
	uint64_t base;
};

static int in(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return 1;
	return 0;
}
#define IN(name, list) in(name, list, sizeof(list) / sizeof(list[0]))

/* The driver bound to DRM card i: the basename of its device/driver link. */
static int card_driver(const char *sysfs, int i, char *out, size_t len)
{
	char path[512], target[512];
	const char *base;
	ssize_t n;

	if ((size_t)snprintf(path, sizeof(path), "%s/class/drm/card%d/device/driver", sysfs, i) >= sizeof(path))
		return -1;
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return -1;
	target[n] = '\0';
	base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	/* virtio_gpu's card hangs off the PCI device, which virtio-pci drives */
	if (strcmp(base, "virtio-pci") == 0)
		base = "virtio_gpu";
	(void)text_copy(out, len, base, strlen(base));
	return 0;
}

/* 1 when DRM card n is a VGA-compatible PCI device (class 0x0300xx). */
static int card_is_vga(const char *sysfs, int n)
{
	char path[512], text[32];

	if ((size_t)snprintf(path, sizeof(path), "%s/class/drm/card%d/device/class", sysfs, n) >= sizeof(path) ||
	    read_small(path, text, sizeof(text)) < 0)
		return 0;
	return strncmp(text, "0x0300", 6) == 0;
}

/* sysfs/class/graphics/fbI/ATTR, without its newline; -1 when absent. */
static int fb_attr(const char *sysfs, int i, const char *attr, char *out, size_t len)
{
	char path[512], text[SCREEN_DRIVER_MAX];
	ssize_t n;

	if ((size_t)snprintf(path, sizeof(path), "%s/class/graphics/fb%d/%s", sysfs, i, attr) >= sizeof(path))
		return -1;
	n = read_small(path, text, sizeof(text));
	if (n < 0)
		return -1;
	text[strcspn(text, "\n")] = '\0';
	(void)text_copy(out, len, text, strlen(text));
	return 0;
}

static unsigned le(const unsigned char *p, int bytes)
{
	unsigned v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* The boot screen_info from kernel/boot_params/data; type 0 when unreadable. */
static void boot_fb(const char *sysfs, struct boot_fb *b)
{
	unsigned char si[0x40];
	char path[512];
	int fd;

	memset(b, 0, sizeof(*b));
	if ((size_t)snprintf(path, sizeof(path), "%s/kernel/boot_params/data", sysfs) >= sizeof(path))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (pread_full(fd, si, sizeof(si), 0) == (ssize_t)sizeof(si)) {
		b->type = si[0x0f];
		b->width = le(si + 0x12, 2);
		b->height = le(si + 0x14, 2);
		b->depth = le(si + 0x16, 2);
		b->base = (uint64_t)le(si + 0x18, 4) | (uint64_t)le(si + 0x3a, 4) << 32;
		b->stride = le(si + 0x24, 2);
	}
	(void)close(fd); /* read-only */
}

/* 1 when PCI resource i of card n (class/drm/cardN/device/resource) holds base. */
static int card_holds(const char *sysfs, int n, uint64_t base)
{
	char path[512], text[4096];
	unsigned long long start, end, flags;
	const char *p = text;

	if ((size_t)snprintf(path, sizeof(path), "%s/class/drm/card%d/device/resource", sysfs, n) >= sizeof(path) ||
	    read_small(path, text, sizeof(text)) < 0)
		return 0;
	while (*p) {
		if (sscanf(p, "%llx %llx %llx", &start, &end, &flags) == 3 && start && start <= base && base <= end)
			return 1;
		p += strcspn(p, "\n");
		p += *p == '\n';
	}
	return 0;
}

/* 1 when the DRM driver's framebuffer (fbN named DRIVERdrmfb) has the boot mode. */
static int same_mode(const char *sysfs, const char *driver, const struct boot_fb *b)
{
	char want[SCREEN_DRIVER_MAX + 8], name[SCREEN_DRIVER_MAX], size[32], stride[16], bpp[16];
	unsigned w, h;

	(void)snprintf(want, sizeof(want), "%sdrmfb", driver);
	for (int i = 0; i < CARDS_MAX; i++) {
		if (fb_attr(sysfs, i, "name", name, sizeof(name)) < 0 || strcmp(name, want) != 0)
			continue;
		if (fb_attr(sysfs, i, "virtual_size", size, sizeof(size)) < 0 ||
		    fb_attr(sysfs, i, "stride", stride, sizeof(stride)) < 0 ||
		    fb_attr(sysfs, i, "bits_per_pixel", bpp, sizeof(bpp)) < 0 ||
		    sscanf(size, "%u,%u", &w, &h) != 2)
			return 0;
		return w == b->width && h == b->height && strtoul(stride, NULL, 10) == b->stride &&
		       strtoul(bpp, NULL, 10) == b->depth;
	}
	return 0;
}

/* 1 when DRM card n is QEMU's standard VGA (PCI 1234:1111), which bochs_fb.c knows. */
static int card_is_std_vga(const char *sysfs, int n)
{
	char path[512], vendor[16], device[16];

	if ((size_t)snprintf(path, sizeof(path), "%s/class/drm/card%d/device/vendor", sysfs, n) >= sizeof(path) ||
	    read_small(path, vendor, sizeof(vendor)) < 0)
		return 0;
	(void)snprintf(path, sizeof(path), "%s/class/drm/card%d/device/device", sysfs, n);
	if (read_small(path, device, sizeof(device)) < 0)
		return 0;
	return strncmp(vendor, "0x1234", 6) == 0 && strncmp(device, "0x1111", 6) == 0;
}

/* The verdict from what the capture kernel itself shows: the boot screen that the card keeps or shows again. */
static void judge_kept(const char *sysfs, const char *method, int n, struct screen_check *out)
{
	struct boot_fb b;

	out->verdict = SCREEN_NOT_POSSIBLE;
	if (strcmp(method, "kexec_load") == 0)
		return;
	boot_fb(sysfs, &b);
	if (strcmp(out->driver, "virtio_gpu") == 0 && card_is_vga(sysfs, n)) {
		if (b.type == VIDEO_TYPE_VGA)
			out->verdict = SCREEN_VGA_TEXT;
		else if ((b.type == VIDEO_TYPE_EFI || b.type == VIDEO_TYPE_VLFB) && card_holds(sysfs, n, b.base))
			out->verdict = SCREEN_VGA_FB;
		out->width = b.width;
		out->height = b.height;
		return;
	}
	if (!IN(out->driver, kept) || (b.type != VIDEO_TYPE_EFI && b.type != VIDEO_TYPE_VLFB) || !card_holds(sysfs, n, b.base) ||
	    !same_mode(sysfs, out->driver, &b))
		return;
	out->verdict = SCREEN_KEPT_FB;
	out->width = b.width;
	out->height = b.height;
}

/* The verdict on DRM card n, bound to a driver that is not the firmware's. */
static void judge_drm(const char *sysfs, const char *method, int n, struct screen_check *out)
{
	judge_kept(sysfs, method, n, out);
	if (out->verdict == SCREEN_NOT_POSSIBLE && strcmp(out->driver, "bochs-drm") == 0 && card_is_std_vga(sysfs, n))
		out->verdict = SCREEN_AGENT_FB;
}

/* fbdev drivers without DRM; a DRM driver's emulation ("...drmfb") is judged with its card. */
static void judge_fbdev(const char *sysfs, const char *method, struct screen_check *out)
{
	char name[SCREEN_DRIVER_MAX];

	for (int i = 0; i < CARDS_MAX; i++) {
		if (fb_attr(sysfs, i, "name", name, sizeof(name)) < 0)
			continue;
		if (strlen(name) >= 5 && strcmp(name + strlen(name) - 5, "drmfb") == 0 && IN(name, firmware) == 0)
			continue;
		(void)snprintf(out->driver, sizeof(out->driver), "%s", name[0] ? name : "an unnamed framebuffer");
		out->verdict = IN(name, firmware) ? SCREEN_FIRMWARE_FB : SCREEN_NOT_POSSIBLE;
		/* kexec_load describes no other framebuffer to the capture kernel */
		if (strcmp(method, "kexec_load") == 0 && !IN(name, kexec_load_fb))
			out->verdict = SCREEN_NOT_POSSIBLE;
		if (out->verdict == SCREEN_NOT_POSSIBLE)
			return;
	}
}

void screen_check(const char *sysfs, const char *method, struct screen_check *out)
{
	char name[SCREEN_DRIVER_MAX];

	memset(out, 0, sizeof(*out));
	out->verdict = SCREEN_VGA_TEXT;
	method = method ? method : "";
	for (int i = 0; i < CARDS_MAX; i++) {
		if (card_driver(sysfs, i, name, sizeof(name)) < 0 || IN(name, firmware))
			continue;
		(void)snprintf(out->driver, sizeof(out->driver), "%s", name);
		judge_drm(sysfs, method, i, out);
		return;
	}
	judge_fbdev(sysfs, method, out);
}

void screen_check_describe(const struct screen_check *s, char *out, size_t len)
{
	switch (s->verdict) {
	case SCREEN_VGA_TEXT:
		if (s->driver[0])
			(void)snprintf(out, len, "brown screen: on the VGA text console, which the VGA device "
						 "shows again once %s stops", s->driver);
		else
			(void)snprintf(out, len, "brown screen: on the VGA text console");
		break;
	case SCREEN_FIRMWARE_FB:
		(void)snprintf(out, len, "brown screen: on the firmware's framebuffer (%s)", s->driver);
		break;
	case SCREEN_KEPT_FB:
		(void)snprintf(out, len, "brown screen: on the boot framebuffer (%ux%u) that %s still shows; "
					 "not verified while X or Wayland shows a buffer of its own",
			       s->width, s->height, s->driver);
		break;
	case SCREEN_VGA_FB:
		(void)snprintf(out, len, "brown screen: on the boot framebuffer (%ux%u), which the VGA device "
					 "shows again once %s stops", s->width, s->height, s->driver);
		break;
	case SCREEN_AGENT_FB:
		(void)snprintf(out, len, "brown screen: drawn by dumpagent where %s's picture is (QEMU's standard "
					 "VGA), the capture kernel having no console there", s->driver);
		break;
	case SCREEN_NOT_POSSIBLE:
		(void)snprintf(out, len, "brown screen: not possible with %s, the serial console still gets it",
			       s->driver);
		break;
	}
}
