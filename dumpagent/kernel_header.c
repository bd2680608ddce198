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

unsigned long long kernel_header_boot_size(const unsigned char *head, size_t len, unsigned long long size)
{
	/* x86: init_size at 0x260 since 2.10, the memory the kernel needs from
	 * its load address until it has booted. */
	if (len >= 0x264 && is_bzimage(head, len) && le(head + 0x206, 2) >= 0x020a && le(head + 0x260, 4) > 0)
		return le(head + 0x260, 4);
	/* arm64 (Documentation/arch/arm64/booting.rst): "ARM\x64" at 0x38,
	 * image_size at 16, the image with its bss. */
	if (len >= 0x40 && memcmp(head + 0x38, "ARM\x64", 4) == 0 && le(head + 16, 8) > 0)
		return le(head + 16, 8);
	return size * 4;
}

unsigned long kernel_header_version_at(const unsigned char *head, size_t len)
{
	/* kernel_version at 0x20e: the string's offset from the end of the
	 * 0x200-byte boot sector. */
	unsigned long off = is_bzimage(head, len) ? (unsigned long)le(head + 0x20e, 2) : 0;

	return off ? off + 0x200 : 0;
}
