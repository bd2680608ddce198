/* kernel_header.c: the fields read from a kernel image's header (x86 bzImage setup header, arm64 Image header). */
#include "kernel_header.h"

#include <string.h>

/* Little-endian fields of a kernel header. */
static unsigned long long le(const unsigned char *p, int bytes)
{
	unsigned long long v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* x86 boot protocol (Documentation/arch/x86/boot.rst): "HdrS" at 0x202, the
 * protocol version at 0x206. */
static int is_bzimage(const unsigned char *head, size_t len)
{
	return len >= 0x210 && memcmp(head + 0x202, "HdrS", 4) == 0;
}

/* arm64 Image (Documentation/arch/arm64/booting.rst): "ARM\x64" at 0x38. */
static int is_arm64_image(const unsigned char *head, size_t len)
{
	return len >= 0x40 && memcmp(head + 0x38, "ARM\x64", 4) == 0;
}

/* An EFI zboot image (CONFIG_EFI_ZBOOT, arm64 only here): "MZ", then
 * "zimg" at 4 (drivers/firmware/efi/libstub/zboot-header.S). */
static int is_efi_zboot(const unsigned char *head, size_t len)
{
	return len >= 8 && memcmp(head, "MZ", 2) == 0 && memcmp(head + 4, "zimg", 4) == 0;
}

unsigned long long kernel_header_boot_size(const unsigned char *head, size_t len, unsigned long long size)
{
	/* x86: init_size at 0x260 since 2.10, the memory the kernel needs from
	 * its load address until it has booted. */
	if (len >= 0x264 && is_bzimage(head, len) && le(head + 0x206, 2) >= 0x020a && le(head + 0x260, 4) > 0)
		return le(head + 0x260, 4);
	/* arm64 (Documentation/arch/arm64/booting.rst): "ARM\x64" at 0x38,
	 * image_size at 16, the image with its bss. */
	if (is_arm64_image(head, len) && le(head + 16, 8) > 0)
		return le(head + 16, 8);
	return size * 4;
}

enum kernel_arch kernel_header_arch(const unsigned char *head, size_t len)
{
	if (is_bzimage(head, len))
		return KERNEL_ARCH_X86_64;
	if (is_arm64_image(head, len))
		return KERNEL_ARCH_ARM64;
	if (is_efi_zboot(head, len))
		return KERNEL_ARCH_ARM64;
	/* An ELF vmlinux: e_machine at 18, little-endian (ELFDATA2LSB at 5). */
	if (len >= 20 && memcmp(head, "\177ELF", 4) == 0 && head[5] == 1) {
		if (le(head + 18, 2) == 62) /* EM_X86_64 */
			return KERNEL_ARCH_X86_64;
		if (le(head + 18, 2) == 183) /* EM_AARCH64 */
			return KERNEL_ARCH_ARM64;
	}
	return KERNEL_ARCH_UNKNOWN; /* a gzip'd Image.gz, or anything else */
}

unsigned long kernel_header_version_at(const unsigned char *head, size_t len)
{
	/* kernel_version at 0x20e: the string's offset from the end of the
	 * 0x200-byte boot sector. */
	unsigned long off = is_bzimage(head, len) ? (unsigned long)le(head + 0x20e, 2) : 0;

	return off ? off + 0x200 : 0;
}

int kernel_header_compressed(const unsigned char *head, size_t len)
{
	return (len >= 2 && head[0] == 0x1f && head[1] == 0x8b) || is_efi_zboot(head, len);
}
