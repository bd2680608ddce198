/* arm_arch.c: the running kernel's architecture and a capture kernel's, and what arming does differently on each (normal-boot side, arming). */
#include "arm_arch.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kernel_header.h"

enum arm_arch arm_arch_parse(const char *machine)
{
	if (strcmp(machine, "x86_64") == 0)
		return ARM_ARCH_X86_64;
	if (strcmp(machine, "aarch64") == 0 || strcmp(machine, "arm64") == 0)
		return ARM_ARCH_ARM64;
	return ARM_ARCH_UNKNOWN;
}

enum arm_arch arm_arch_running(void)
{
	const char *hook = getenv("DUMPAGENT_ARCH");
	struct utsname u;

	if (hook && *hook)
		return arm_arch_parse(hook);
	return uname(&u) == 0 ? arm_arch_parse(u.machine) : ARM_ARCH_UNKNOWN;
}

const char *arm_arch_name(enum arm_arch arch)
{
	return arch == ARM_ARCH_X86_64 ? "x86_64" : arch == ARM_ARCH_ARM64 ? "arm64" : "unknown";
}

enum arm_arch arm_arch_of_kernel(const char *path)
{
	unsigned char head[KERNEL_HEADER_LEN];
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return ARM_ARCH_UNKNOWN;
	got = pread(fd, head, sizeof(head), 0);
	(void)close(fd); /* read-only */
	if (got <= 0)
		return ARM_ARCH_UNKNOWN;
	switch (kernel_header_arch(head, (size_t)got)) {
	case KERNEL_ARCH_X86_64:
		return ARM_ARCH_X86_64;
	case KERNEL_ARCH_ARM64:
		return ARM_ARCH_ARM64;
	default:
		return ARM_ARCH_UNKNOWN;
	}
}

/* kexec refuses another architecture's image with "Cannot determine the
 * file type of ...", which names neither: say both before it runs. */
int arm_arch_check_kernel(const char *what, const char *path, enum arm_arch running, char *why, size_t len)
{
	enum arm_arch image = arm_arch_of_kernel(path);

	if (image == ARM_ARCH_UNKNOWN || running == ARM_ARCH_UNKNOWN || image == running)
		return 0;
	(void)snprintf(why, len,
		       "%s %s is a kernel for %s, and this machine runs %s: install the dumpagent package "
		       "built for %s, or set CAPTURE_KERNEL to a kernel for %s",
		       what, path, arm_arch_name(image), arm_arch_name(running), arm_arch_name(running),
		       arm_arch_name(running));
	return -1;
}
