/* kernel_header.h: the fields read from a kernel image's header (x86 bzImage setup header, arm64 Image header). */
#ifndef DUMPAGENT_KERNEL_HEADER_H
#define DUMPAGENT_KERNEL_HEADER_H

#include <stddef.h>

#define KERNEL_HEADER_LEN 0x270 /* the first bytes of the file that hold every field below */

/* The memory a kernel image needs while it boots: an x86 bzImage's
 * init_size (boot protocol 2.10 on), an arm64 Image's image_size; any other
 * (a compressed arm64 Image.gz) counts as 4 times its size. head is the
 * first len bytes of the file, size its size. */
unsigned long long kernel_header_boot_size(const unsigned char *head, size_t len, unsigned long long size);

/* The architecture a kernel image is built for, from its header: an x86
 * bzImage, an arm64 Image or EFI zboot image, an ELF vmlinux by its
 * e_machine; UNKNOWN for anything else (a gzip'd arm64 Image.gz). */
enum kernel_arch { KERNEL_ARCH_UNKNOWN, KERNEL_ARCH_X86_64, KERNEL_ARCH_ARM64 };
enum kernel_arch kernel_header_arch(const unsigned char *head, size_t len);

/* Where an x86 bzImage's kernel_version string is in the file ("6.1.0-28-amd64
 * (debian-kernel@...) #1 SMP ..."), or 0 when it has none. */
unsigned long kernel_header_version_at(const unsigned char *head, size_t len);

/* Whether the whole image is compressed, so that none of its own bytes can
 * be read: gzip'd (1f 8b, an arm64 Image.gz) or EFI zboot. */
int kernel_header_compressed(const unsigned char *head, size_t len);

#endif
