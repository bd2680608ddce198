/* arm_cmdline.c: the capture kernel's command line, from the running one (normal-boot side, arming). */
#include "arm_cmdline.h"

#include <stdio.h>
#include <string.h>

#include "cmdline.h"

/* What the capture kernel needs after arm_cmdline's nr_cpus= (1 unless
 * THREADS asks for more: each CPU costs memory): devices reset and polled
 * (their drivers may have been mid-transfer at the panic), a reboot 10 s
 * after a panic of its own, and its messages on /dev/kmsg. rootfstype=ramfs:
 * without root=, the kernel unpacks the initramfs into a tmpfs capped at half
 * the memory it manages, which at 28 MB is less than the unpacked image (the
 * "initramfs did not fit" failures); ramfs has no cap. Nothing mounts a root
 * after the initramfs, so the option names no other filesystem.
 * initramfs_async=0: the kernel unpacks the initramfs before the drivers
 * start, and frees the packed image, instead of while they probe; the peak of
 * the packed and unpacked image and the drivers' memory is what made 24 MB
 * run out of memory (bench/by-hand.md). */
#define CAPTURE_OPTIONS "reset_devices irqpoll panic=10 printk.devkmsg=on rootfstype=ramfs initramfs_async=0"

/* The distro kernel (CAPTURE_MODE=distro) is a full Debian kernel in the same
 * small reservation. Debian's kdump-tools passes reset_devices nr_cpus=1
 * irqpoll, as arm_cmdline does by default; Fedora's kdump-utils adds for x86_64
 * what keeps such a kernel from reserving or sampling memory it has not got:
 * no CMA areas, no device dump buffers (vmcoredd), no KFENCE pool, no
 * transparent huge pages. KASLR stays: kexec_file_load places the kernel.
 * swiotlb=2048 (4 MiB of bounce buffers): when the machine has memory above
 * 4 GiB (or a hotplug range there), Debian's kernel wants 64 MiB of them,
 * halves until it fits, and took 32 MiB of a 128 MiB reservation, leaving too
 * little to unpack the initramfs (test-system-distro, out of memory). */
#define DISTRO_OPTIONS                                                                                 \
	"cma=0 hugetlb_cma=0 novmcoredd kfence.sample_interval=0 transparent_hugepage=never swiotlb=2048"

/* Appends " " and len bytes of s to out (used bytes *n); -1 when full. */
static int add(char *out, size_t size, size_t *n, const char *s, size_t len)
{
	if (*n + 1 + len + 1 > size)
		return -1;
	if (*n)
		out[(*n)++] = ' ';
	memcpy(out + *n, s, len);
	*n += len;
	out[*n] = '\0';
	return 0;
}

/* Adds the words of running that start with prefix (a leading quote aside). */
static int add_words(char *out, size_t size, size_t *n, const char *running, const char *prefix)
{
	const char *p = running, *w;
	size_t len, plen = strlen(prefix);

	for (p = cmdline_word(p, &w, &len); len > 0; p = cmdline_word(p, &w, &len)) {
		const char *word = w[0] == '"' ? w + 1 : w;

		if (len == 2 && memcmp(w, "--", 2) == 0)
			break; /* the rest is init's, not the kernel's */
		if ((size_t)(w + len - word) >= plen && memcmp(word, prefix, plen) == 0 &&
		    add(out, size, n, w, len) < 0)
			return -1;
	}
	return 0;
}

int arm_cmdline(const char *running, unsigned cpus, long apicid, const char *uuid, const char *fstype,
		const char *append, char *out, size_t len)
{
	char target[128], ncpus[64];
	size_t n = 0;

	out[0] = '\0';
	if (add_words(out, len, &n, running, "console=") < 0)
		return -1;
	if (n == 0 && add(out, len, &n, "console=tty0", 12) < 0)
		return -1;
	(void)snprintf(ncpus, sizeof(ncpus), "nr_cpus=%u", cpus ? cpus : 1);
	if (cpus > 1 && apicid >= 0)
		(void)snprintf(ncpus + strlen(ncpus), sizeof(ncpus) - strlen(ncpus), " disable_cpu_apicid=%ld",
			       apicid);
	if (add(out, len, &n, ncpus, strlen(ncpus)) < 0 ||
	    add(out, len, &n, CAPTURE_OPTIONS, strlen(CAPTURE_OPTIONS)) < 0 ||
	    add_words(out, len, &n, running, "dumpagent.") < 0)
		return -1;
	if (uuid) {
		(void)snprintf(target, sizeof(target), "dumpagent.target=UUID=%s dumpagent.fstype=%s",
			       uuid, fstype);
		if (add(out, len, &n, target, strlen(target)) < 0)
			return -1;
	}
	if (append[0] && add(out, len, &n, append, strlen(append)) < 0)
		return -1;
	return 0;
}

int arm_cmdline_distro(const char *append, char *out, size_t len)
{
	size_t n = strlen(out);

	if (add(out, len, &n, DISTRO_OPTIONS, strlen(DISTRO_OPTIONS)) < 0)
		return -1;
	return append[0] && add(out, len, &n, append, strlen(append)) < 0 ? -1 : 0;
}
