/* arm_arch.h: the running kernel's architecture and a capture kernel's, and what arming does differently on each (normal-boot side, arming). */
#ifndef DUMPAGENT_ARM_ARCH_H
#define DUMPAGENT_ARM_ARCH_H

#include <stddef.h>

enum arm_arch { ARM_ARCH_UNKNOWN, ARM_ARCH_X86_64, ARM_ARCH_ARM64 };

/* uname -m's name ("x86_64", "aarch64"; "arm64" too), else UNKNOWN. */
enum arm_arch arm_arch_parse(const char *machine);
/* The running kernel's: uname(2)'s machine, or $DUMPAGENT_ARCH (a test hook,
 * so that the host's tests can arm an arm64 machine). */
enum arm_arch arm_arch_running(void);
/* "x86_64", "arm64" (Debian's name, as the packages and the kernel's
 * arch/ directory say it), "unknown". */
const char *arm_arch_name(enum arm_arch arch);
/* The architecture of the kernel image at path (kernel_header_arch): UNKNOWN
 * when it cannot be told (a gzip'd Image) or read. */
enum arm_arch arm_arch_of_kernel(const char *path);
/* what ("capture kernel") path is for the running architecture: 0, or -1
 * with why (the image's architecture, the machine's, the fix). A kernel whose
 * architecture cannot be told passes: kexec says then. */
int arm_arch_check_kernel(const char *what, const char *path, enum arm_arch running, char *why, size_t len);

#endif
