/* test_screen_check.c: the brown screen's verdict from a fake sysfs: VGA text, the firmware's framebuffer, a DRM driver. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "screen_check.h"
#include "sysfs_fixture.h"

#define STD_VGA "pci0000:00/0000:00:01.0"
#define SIMPLE_FB "platform/simple-framebuffer.0"

/* sys/class/drm/cardN -> the card under device dev, bound to driver on bus. */
static void card(int n, const char *dev, const char *bus, const char *driver)
{
	char rel[256], to[256];

	(void)snprintf(to, sizeof(to), "sys/devices/%s/drm/card%d", dev, n);
	(void)snprintf(rel, sizeof(rel), "sys/class/drm/card%d", n);
	fx_link(rel, to);
	(void)snprintf(rel, sizeof(rel), "sys/devices/%s/drm/card%d/device", dev, n);
	(void)snprintf(to, sizeof(to), "sys/devices/%s", dev);
	fx_link(rel, to);
	if (driver)
		fx_driver(dev, bus, driver, NULL);
}

static void fb(int n, const char *name)
{
	char rel[256], text[128];

	(void)snprintf(rel, sizeof(rel), "sys/class/graphics/fb%d/name", n);
	(void)snprintf(text, sizeof(text), "%s\n", name);
	fx_file(rel, text);
}

/* fbN of a DRM driver in mode W x H, 32 bits a pixel. */
static void drm_fb(int n, const char *name, unsigned w, unsigned h)
{
	char rel[256], text[64];

	fb(n, name);
	(void)snprintf(rel, sizeof(rel), "sys/class/graphics/fb%d/virtual_size", n);
	(void)snprintf(text, sizeof(text), "%u,%u\n", w, h);
	fx_file(rel, text);
	(void)snprintf(rel, sizeof(rel), "sys/class/graphics/fb%d/stride", n);
	(void)snprintf(text, sizeof(text), "%u\n", w * 4);
	fx_file(rel, text);
	(void)snprintf(rel, sizeof(rel), "sys/class/graphics/fb%d/bits_per_pixel", n);
	fx_file(rel, "32\n");
}

/* kernel/boot_params/data: a screen_info of type (0x70 EFI, 0x01 VGA text),
 * 1280x800x32 at base, as OVMF's GOP left it under QEMU -vga std. */
static void boot_params(unsigned char type, unsigned base)
{
	unsigned char d[0x80] = { 0 };
	char path[512];
	FILE *f;

	d[0x0f] = type;
	d[0x12] = 0x00, d[0x13] = 0x05; /* lfb_width 1280 */
	d[0x14] = 0x20, d[0x15] = 0x03; /* lfb_height 800 */
	d[0x16] = 32;                   /* lfb_depth */
	for (int i = 0; i < 4; i++)
		d[0x18 + i] = (unsigned char)(base >> (8 * i));
	d[0x24] = 0x00, d[0x25] = 0x14; /* lfb_linelength 5120 */
	fx_dir("sys/kernel/boot_params");
	(void)snprintf(path, sizeof(path), "%s/sys/kernel/boot_params/data", root);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(d, 1, sizeof(d), f), sizeof(d));
	assert_int_equal(fclose(f), 0);
}

/* The std-vga's PCI resources: video memory at 0xc0000000 (16 MiB), then MMIO. */
static void std_vga_resources(void)
{
	fx_file("sys/devices/" STD_VGA "/resource",
		"0x00000000c0000000 0x00000000c0ffffff 0x0000000000042208\n"
		"0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
		"0x00000000c1086000 0x00000000c1086fff 0x0000000000040200\n");
}

/* The verdict for the fake sysfs under the kexec call method, its status line in line. */
static enum screen_verdict verdict_with(const char *method, char *line, size_t len)
{
	char sysfs[256];
	struct screen_check s;

	(void)snprintf(sysfs, sizeof(sysfs), "%s/sys", root);
	screen_check(sysfs, method, &s);
	screen_check_describe(&s, line, len);
	return s.verdict;
}

static enum screen_verdict verdict(char *line, size_t len)
{
	return verdict_with("kexec_file_load", line, len);
}

static void no_graphics_driver_is_vga_text(void **state)
{
	char line[256];

	(void)state;
	fx_dir("sys/class/graphics/fbcon"); /* fbcon's own entry is no framebuffer */
	assert_int_equal(verdict(line, sizeof(line)), SCREEN_VGA_TEXT);
	assert_string_equal(line, "brown screen: on the VGA text console");
	card(0, STD_VGA, "pci", NULL); /* a card with no driver bound */
	assert_int_equal(verdict(line, sizeof(line)), SCREEN_VGA_TEXT);
}

/* On a BIOS boot: the capture kernel has no console on bochs-drm's mode, so the
 * agent draws there on QEMU's standard VGA (1234:1111), and only there. */
static void bochs_drm_on_bios_is_drawn_by_the_agent_on_std_vga_only(void **state)
{
	char line[256];

	(void)state;
	card(0, STD_VGA, "pci", "bochs-drm");
	fb(0, "bochs-drmdrmfb");
	assert_int_equal(verdict(line, sizeof(line)), SCREEN_NOT_POSSIBLE); /* no PCI ids: another card */
	assert_string_equal(line, "brown screen: not possible with bochs-drm, the serial console still gets it");
	fx_file("sys/devices/" STD_VGA "/vendor", "0x1234\n");
	fx_file("sys/devices/" STD_VGA "/device", "0x1111\n");
	assert_int_equal(verdict(line, sizeof(line)), SCREEN_AGENT_FB);
	assert_string_equal(line, "brown screen: drawn by dumpagent where bochs-drm's picture is (QEMU's standard VGA), "
				  "the capture kernel having no console there");
	assert_int_equal(verdict_with("kexec_load", line, sizeof(line)), SCREEN_AGENT_FB);
	fx_file("sys/devices/" STD_VGA "/device", "0x1112\n");
	assert_int_equal(verdict(line, sizeof(line)), SCREEN_NOT_POSSIBLE);
}

/* virtio-gpu's card hangs off its PCI device, driven by virtio-pci (as seen under QEMU). */
static void virtio_gpu(const char *class)
{
	card(0, STD_VGA, "pci", "virtio-pci");
	fx_file("sys/devices/" STD_VGA "/class", class);
	fb(0, "virtio_gpudrmfb");
}

static void virtio_gpu_pci_is_not_possible(void **state)
{
	char line[256];

	(void)state;
	virtio_gpu("0x038000\n"); /* virtio-gpu-pci: a display controller without VGA */
	boot_params(0x01, 0);
	assert_int_equal(verdict(line, sizeof(line)), SCREEN_NOT_POSSIBLE);
	assert_string_equal(line, "brown screen: not possible with virtio_gpu, the serial console still gets it");
}

static void virtio_vga_on_bios_falls_back_to_vga_text(void **state)
{
	char line[256];

	(void)state;
	virtio_gpu("0x030000\n"); /* virtio-vga */
	boot_params(0x01, 0);
	assert_int_equal(verdict(line, sizeof(line)), SCREEN_VGA_TEXT);
	assert_string_equal(line, "brown screen: on the VGA text console, which the VGA device shows again once "
				  "virtio_gpu stops");
	/* kexec_load passes no screen at all for a DRM framebuffer */
	assert_int_equal(verdict_with("kexec_load", line, sizeof(line)), SCREEN_NOT_POSSIBLE);
}

/* Booted on UEFI (OVMF): the GOP's framebuffer in virtio-vga's VGA BAR, which
 * the device shows again once virtio_gpu stops (seen: test-system-bsod). */
static void virtio_vga_on_uefi_falls_back_to_the_boot_framebuffer(void **state)
{
	char line[256];

	(void)state;
	virtio_gpu("0x030000\n");
	boot_params(0x70, 0xc0000000);
	assert_int_equal(verdict(line, sizeof(line)), SCREEN_NOT_POSSIBLE); /* no resources: not in the card */
	std_vga_resources();
	assert_int_equal(verdict(line, sizeof(line)), SCREEN_VGA_FB);
	assert_string_equal(line, "brown screen: on the boot framebuffer (1280x800), which the VGA device shows "
				  "again once virtio_gpu stops");
	assert_int_equal(verdict_with("kexec_load", line, sizeof(line)), SCREEN_NOT_POSSIBLE);
	boot_params(0x70, 0xe0000000); /* a framebuffer elsewhere */
	assert_int_equal(verdict(line, sizeof(line)), SCREEN_NOT_POSSIBLE);
	assert_string_equal(line, "brown screen: not possible with virtio_gpu, the serial console still gets it");
}

static void firmware_framebuffers_are_kept(void **state)
{
	char line[256];

	(void)state;
	fb(0, "EFI VGA");
	assert_int_equal(verdict(line, sizeof(line)), SCREEN_FIRMWARE_FB);
	assert_string_equal(line, "brown screen: on the firmware's framebuffer (EFI VGA)");
	/* simpledrm: a DRM card, but the firmware's mode */
	card(0, SIMPLE_FB, "platform", "simple-framebuffer");
	fb(0, "simpledrmdrmfb");
	assert_int_equal(verdict(line, sizeof(line)), SCREEN_FIRMWARE_FB);
	assert_string_equal(line, "brown screen: on the firmware's framebuffer (simpledrmdrmfb)");
	/* kexec_load describes only "EFI VGA" and "VESA VGA" to the capture kernel */
	assert_int_equal(verdict_with("kexec_load", line, sizeof(line)), SCREEN_NOT_POSSIBLE);
	assert_string_equal(line, "brown screen: not possible with simpledrmdrmfb, the serial console still gets it");
	fb(0, "EFI VGA");
	assert_int_equal(verdict_with("kexec_load", line, sizeof(line)), SCREEN_FIRMWARE_FB);
}

static void bochs_drm_on_uefi_keeps_the_boot_framebuffer(void **state)
{
	char line[256];

	(void)state;
	card(0, STD_VGA, "pci", "bochs-drm");
	drm_fb(0, "bochs-drmdrmfb", 1280, 800);
	std_vga_resources();
	boot_params(0x70, 0xc0000000);
	assert_int_equal(verdict(line, sizeof(line)), SCREEN_KEPT_FB);
	assert_string_equal(line, "brown screen: on the boot framebuffer (1280x800) that bochs-drm still shows; "
				  "not verified while X or Wayland shows a buffer of its own");
	/* kexec_load passes no screen for a DRM framebuffer */
	assert_int_equal(verdict_with("kexec_load", line, sizeof(line)), SCREEN_NOT_POSSIBLE);
	assert_string_equal(line, "brown screen: not possible with bochs-drm, the serial console still gets it");
}

static void bochs_drm_in_another_mode_or_place_is_not_possible(void **state)
{
	char line[256];

	(void)state;
	card(0, STD_VGA, "pci", "bochs-drm");
	std_vga_resources();
	boot_params(0x70, 0xc0000000);
	drm_fb(0, "bochs-drmdrmfb", 1024, 768); /* another mode than the firmware's */
	assert_int_equal(verdict(line, sizeof(line)), SCREEN_NOT_POSSIBLE);
	drm_fb(0, "bochs-drmdrmfb", 1280, 800);
	boot_params(0x70, 0x80000000); /* a boot framebuffer outside the card's memory */
	assert_int_equal(verdict(line, sizeof(line)), SCREEN_NOT_POSSIBLE);
	boot_params(0x01, 0xc0000000); /* a BIOS boot: VGA text in screen_info */
	assert_int_equal(verdict(line, sizeof(line)), SCREEN_NOT_POSSIBLE);
	assert_string_equal(line, "brown screen: not possible with bochs-drm, the serial console still gets it");
}

static void other_drm_drivers_on_uefi_are_not_claimed(void **state)
{
	char line[256];

	(void)state;
	card(0, STD_VGA, "pci", "virtio_gpu");
	drm_fb(0, "virtio_gpudrmfb", 1280, 800);
	std_vga_resources();
	boot_params(0x70, 0xc0000000);
	assert_int_equal(verdict(line, sizeof(line)), SCREEN_NOT_POSSIBLE);
	assert_string_equal(line, "brown screen: not possible with virtio_gpu, the serial console still gets it");
}

static void the_gpu_driver_after_the_firmwares_decides(void **state)
{
	char line[256];

	(void)state;
	card(0, SIMPLE_FB, "platform", "simple-framebuffer");
	card(1, STD_VGA, "pci", "bochs-drm");
	assert_int_equal(verdict(line, sizeof(line)), SCREEN_NOT_POSSIBLE);
	assert_string_equal(line, "brown screen: not possible with bochs-drm, the serial console still gets it");
}

static void an_fbdev_hardware_driver_is_not_possible(void **state)
{
	char line[256];

	(void)state;
	fb(0, "hyperv_fb");
	assert_int_equal(verdict(line, sizeof(line)), SCREEN_NOT_POSSIBLE);
	assert_string_equal(line, "brown screen: not possible with hyperv_fb, the serial console still gets it");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TMPDIR_TEST(no_graphics_driver_is_vga_text),
		TMPDIR_TEST(bochs_drm_on_bios_is_drawn_by_the_agent_on_std_vga_only),
		TMPDIR_TEST(virtio_gpu_pci_is_not_possible),
		TMPDIR_TEST(virtio_vga_on_bios_falls_back_to_vga_text),
		TMPDIR_TEST(virtio_vga_on_uefi_falls_back_to_the_boot_framebuffer),
		TMPDIR_TEST(firmware_framebuffers_are_kept),
		TMPDIR_TEST(the_gpu_driver_after_the_firmwares_decides),
		TMPDIR_TEST(bochs_drm_on_uefi_keeps_the_boot_framebuffer),
		TMPDIR_TEST(bochs_drm_in_another_mode_or_place_is_not_possible),
		TMPDIR_TEST(other_drm_drivers_on_uefi_are_not_claimed),
		TMPDIR_TEST(an_fbdev_hardware_driver_is_not_possible),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
