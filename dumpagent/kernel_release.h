/* kernel_release.h: the release a kernel image file was built as, for dumpagent status. */
#ifndef DUMPAGENT_KERNEL_RELEASE_H
#define DUMPAGENT_KERNEL_RELEASE_H

#include <stddef.h>

/* How far into an uncompressed image kernel_release looks for the banner. */
#define KERNEL_BANNER_SCAN (64ULL << 20)

/* The release ("6.1.0-57-arm64") of the kernel image open as fd, at path,
 * into out (len > 0; cut to fit): an x86 bzImage's kernel_version; else the
 * "Linux version RELEASE " banner of an uncompressed image (an arm64 Image,
 * a vmlinux), in its first KERNEL_BANNER_SCAN bytes (a gzip'd or EFI zboot
 * image is not scanned); else the RELEASE of a path named vmlinuz-RELEASE
 * (a compressed arm64 vmlinuz). Returns 0, or -1 with out empty when none of
 * them says (a read error included: status then says "unknown"). Reads with
 * a fixed buffer. */
int kernel_release(int fd, const char *path, char *out, size_t len);

#endif
