/* bochs_fb.c: the picture that bochs-drm left on QEMU's standard VGA, found and mapped from sysfs.
 *
 * Why: after bochs-drm on a BIOS boot the crashed kernel's boot screen_info
 * says VGA text, but the device is in a linear DISPI mode, where VGA text
 * memory is not shown; the capture kernel finds no VGA and gets the dummy
 * console (README, the console section). The device itself is simple and
 * documented (QEMU's docs/specs/standard-vga.rst): DISPI registers are
 * 16-bit, at 0x500 + 2 * index of the MMIO BAR (resource2), and the
 * picture is in the video memory BAR (resource0), at the offset that
 * bochs-drm set with the virtual width and the x/y offsets. Only reads of
 * registers: the mode stays as the crashed kernel left it. */
#include "bochs_fb.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "io.h"

#define DISPI_BASE 0x500
#define DISPI_ID 0
#define DISPI_XRES 1
#define DISPI_YRES 2
#define DISPI_BPP 3
#define DISPI_ENABLE 4
#define DISPI_VIRT_WIDTH 6
#define DISPI_X_OFFSET 8
#define DISPI_Y_OFFSET 9
#define DISPI_ENABLED 0x01
#define DISPI_LFB_ENABLED 0x40
#define DISPI_ID_MIN 0xb0c0
#define DISPI_ID_MAX 0xb0cf
#define MMIO_LEN 4096

struct dispi {
	unsigned id, xres, yres, bpp, enable, vwidth, xoff, yoff;
};

/* 1 when sysfs/bus/pci/devices/dev/attr holds want (e.g. "0x1234"). */
static int attr_is(const char *sysfs, const char *dev, const char *attr, const char *want)
{
	char path[512], text[32];

	if ((size_t)snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/%s", sysfs, dev, attr) >= sizeof(path) ||
	    read_small(path, text, sizeof(text)) < 0)
		return 0;
	text[strcspn(text, "\n")] = '\0';
	return strcmp(text, want) == 0;
}

/* Maps len bytes at off of resourceN of dev; MAP_FAILED with errno. */
static void *map_resource(const char *sysfs, const char *dev, int n, size_t len, off_t off, int prot)
{
	char path[512];
	void *p;
	int fd, e;

	if ((size_t)snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/resource%d", sysfs, dev, n) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return MAP_FAILED;
	}
	fd = open(path, (prot & PROT_WRITE ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return MAP_FAILED;
	p = mmap(NULL, len, prot, MAP_SHARED, fd, off);
	e = errno;
	(void)close(fd); /* the mapping stays */
	errno = e;
	return p;
}

/* The DISPI registers of dev, through its MMIO BAR. */
static int read_dispi(const char *sysfs, const char *dev, struct dispi *d, char *err, size_t errlen)
{
	const volatile uint16_t *r = map_resource(sysfs, dev, 2, MMIO_LEN, 0, PROT_READ);

	if (r == MAP_FAILED) {
		(void)snprintf(err, errlen, "map the registers of %s (resource2): %s", dev, strerror(errno));
		return -1;
	}
	r += DISPI_BASE / 2;
	d->id = r[DISPI_ID];
	d->xres = r[DISPI_XRES];
	d->yres = r[DISPI_YRES];
	d->bpp = r[DISPI_BPP];
	d->enable = r[DISPI_ENABLE];
	d->vwidth = r[DISPI_VIRT_WIDTH];
	d->xoff = r[DISPI_X_OFFSET];
	d->yoff = r[DISPI_Y_OFFSET];
	if (munmap((void *)(uintptr_t)(r - DISPI_BASE / 2), MMIO_LEN) < 0) {
		(void)snprintf(err, errlen, "unmap the registers of %s: %s", dev, strerror(errno));
		return -1;
	}
	return 0;
}

/* The size of BAR n of dev, from its resource attribute ("start end flags" a line); 0 when unknown. */
static unsigned long long bar_size(const char *sysfs, const char *dev, int n)
{
	char path[512], text[2048];
	unsigned long long start, end, flags;
	const char *p = text;

	if ((size_t)snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/resource", sysfs, dev) >= sizeof(path) ||
	    read_small(path, text, sizeof(text)) < 0)
		return 0;
	for (int i = 0; i < n && *p; i++) {
		p += strcspn(p, "\n");
		p += *p == '\n';
	}
	if (sscanf(p, "%llx %llx %llx", &start, &end, &flags) != 3 || end <= start)
		return 0;
	return end - start + 1;
}

/* Maps what the display shows, from the mode in d. 0, 1 (not a linear 32-bit mode), -1. */
static int map_picture(const char *sysfs, const struct dispi *d, struct bochs_fb *fb, char *err, size_t errlen)
{
	unsigned long long size = bar_size(sysfs, fb->device, 0), off, end;
	long page = sysconf(_SC_PAGESIZE);
	off_t start;

	if (d->id < DISPI_ID_MIN || d->id > DISPI_ID_MAX ||
	    (d->enable & (DISPI_ENABLED | DISPI_LFB_ENABLED)) != (DISPI_ENABLED | DISPI_LFB_ENABLED) || d->bpp != 32 ||
	    d->xres == 0 || d->yres == 0 || d->vwidth < d->xres)
		return 1;
	fb->width = d->xres;
	fb->height = d->yres;
	fb->stride = d->vwidth * 4;
	off = (unsigned long long)d->yoff * fb->stride + (unsigned long long)d->xoff * 4;
	end = off + (unsigned long long)fb->stride * fb->height;
	if (page <= 0 || end > size) {
		(void)snprintf(err, errlen, "%s: a %ux%u picture at offset %llu does not fit its %llu bytes of video memory",
			       fb->device, fb->width, fb->height, off, size);
		return -1;
	}
	start = (off_t)(off - off % (unsigned long long)page);
	fb->map_len = (size_t)(end - (unsigned long long)start);
	fb->map = map_resource(sysfs, fb->device, 0, fb->map_len, start, PROT_READ | PROT_WRITE);
	if (fb->map == MAP_FAILED) {
		fb->map = NULL;
		(void)snprintf(err, errlen, "map the video memory of %s (resource0): %s", fb->device, strerror(errno));
		return -1;
	}
	fb->base = (unsigned char *)fb->map + (off - (unsigned long long)start);
	return 0;
}

int bochs_fb_open(const char *sysfs, struct bochs_fb *fb, char *err, size_t errlen)
{
	char path[512];
	struct dirent *e;
	struct dispi d;
	DIR *dir;
	int r = 1;

	memset(fb, 0, sizeof(*fb));
	if ((size_t)snprintf(path, sizeof(path), "%s/bus/pci/devices", sysfs) >= sizeof(path) || !(dir = opendir(path)))
		return 1; /* no PCI: no such device */
	while (r == 1 && (e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof(fb->device) ||
		    !attr_is(sysfs, e->d_name, "vendor", "0x1234") || !attr_is(sysfs, e->d_name, "device", "0x1111"))
			continue;
		memcpy(fb->device, e->d_name, strlen(e->d_name) + 1); /* length checked above */
		r = read_dispi(sysfs, fb->device, &d, err, errlen) < 0 ? -1 : map_picture(sysfs, &d, fb, err, errlen);
	}
	(void)closedir(dir); /* read-only: nothing to lose */
	return r;
}

void bochs_fb_close(struct bochs_fb *fb)
{
	if (fb->map)
		(void)munmap(fb->map, fb->map_len); /* the capture ends; nothing to report it to */
	fb->map = NULL;
	fb->base = NULL;
}
