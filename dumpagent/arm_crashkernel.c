/* arm_crashkernel.c: crashkernel= on each architecture: what --reserve writes, why nothing was reserved, arm64's ,high and ,low (normal-boot side, arming). */
#include "arm_crashkernel.h"

#include <stdio.h>
#include <string.h>

#include "cmdline.h"

#define FOUR_GIB (4ULL << 30)

/* Copies the value of word w (len bytes, "crashkernel=..." without quotes)
 * into the slot its suffix names. */
static void classify(const char *w, size_t len, struct arm_crashkernel *ck)
{
	static const char key[] = "crashkernel=";
	char *slot = ck->plain;

	w += sizeof(key) - 1, len -= sizeof(key) - 1;
	if (len > 5 && memcmp(w + len - 5, ",high", 5) == 0)
		slot = ck->high, len -= 5;
	else if (len > 4 && memcmp(w + len - 4, ",low", 4) == 0)
		slot = ck->low, len -= 4;
	if (len >= sizeof(ck->plain))
		len = sizeof(ck->plain) - 1;
	memcpy(slot, w, len);
	slot[len] = '\0';
}

void arm_crashkernel_parse(const char *cmdline, struct arm_crashkernel *ck)
{
	const char *w;
	size_t len;

	memset(ck, 0, sizeof(*ck));
	for (const char *p = cmdline_word(cmdline, &w, &len); len > 0; p = cmdline_word(p, &w, &len)) {
		if (len == 2 && memcmp(w, "--", 2) == 0)
			break; /* init's arguments, not the kernel's */
		if (w[0] == '"') /* crashkernel="..." : the quotes are not the value's */
			w++, len--;
		while (len > 0 && w[len - 1] == '"')
			len--;
		if (len > 12 && memcmp(w, "crashkernel=", 12) == 0)
			classify(w, len, ck);
	}
}

/* The same form on both: x86_64 places crashkernel=X below 4 GiB first and
 * falls back above; arm64's Linux 6.1 places it below the DMA zone's limit
 * (4 GiB, or lower where the firmware says so, as on the Raspberry Pi 4)
 * or nowhere. Both suit the capture kernel best: all its memory reachable
 * by any device, no bounce buffers to allocate. ,high is advised only when
 * that failed (arm_crashkernel_missing). */
void arm_crashkernel_param(enum arm_arch arch, unsigned long long mb, char *out, size_t len)
{
	(void)arch;
	(void)snprintf(out, len, "crashkernel=%lluM", mb);
}

void arm_crashkernel_missing(enum arm_arch arch, const struct arm_crashkernel *ck, const char *state, char *why,
			     size_t len)
{
	const char *fix = "try crashkernel=" ARM_CRASHKERNEL_SIZE;

	if (!*ck->plain && !*ck->high) {
		(void)snprintf(why, len,
			       "no memory is reserved for the capture kernel (%s). Add crashkernel="
			       ARM_CRASHKERNEL_SIZE " to the kernel command line (on Debian: "
			       "GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, then update-grub and reboot)",
			       state);
		return;
	}
	if (arch == ARM_ARCH_ARM64 && *ck->plain)
		fix = "try crashkernel=" ARM_CRASHKERNEL_SIZE ", or crashkernel=" ARM_CRASHKERNEL_SIZE ",high "
		      "crashkernel=" ARM_CRASHKERNEL_LOW ",low: on arm64, Linux 6.1 places crashkernel=X only "
		      "below the DMA zone's limit (4 GiB, lower on some boards) and, unlike x86_64, reserves "
		      "nothing when it does not fit there";
	else if (arch == ARM_ARCH_ARM64)
		fix = "try a smaller crashkernel=Y,low, or crashkernel=" ARM_CRASHKERNEL_SIZE " alone: on "
		      "arm64, Linux 6.1 gives up the whole reservation when crashkernel=Y,low does not fit "
		      "below the DMA zone's limit";
	/* A plain crashkernel= wins: the kernel ignores ,high beside it. */
	(void)snprintf(why, len,
		       "no memory is reserved for the capture kernel (%s), although the kernel command line has "
		       "crashkernel=%s%s: the kernel could not reserve it (see: dmesg | grep -i crashkernel), %s",
		       state, *ck->plain ? ck->plain : ck->high, *ck->plain ? "" : ",high", fix);
}

/* The lowest start of proc/iomem's "Crash kernel" ranges, and how many: 0
 * when there are none, or the addresses are hidden (not root: all zeros). */
static int crash_ranges(const char *proc, unsigned long long *lowest)
{
	char path[512], line[256];
	unsigned long long start, end;
	int n = 0;
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/iomem", proc);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, " : Crash kernel") && sscanf(line, " %llx-%llx", &start, &end) == 2 && end > 0) {
			*lowest = n++ == 0 || start < *lowest ? start : *lowest;
		}
	(void)fclose(f); /* read-only */
	return n;
}

int arm_crashkernel_warning(enum arm_arch arch, const char *proc, const struct arm_crashkernel *ck, char *why,
			    size_t len)
{
	unsigned long long lowest = 0;

	why[0] = '\0';
	/* x86_64 reserves 256 MiB below 4 GiB beside ,high by itself. */
	if (arch != ARM_ARCH_ARM64 || *ck->low || crash_ranges(proc, &lowest) == 0 || lowest < FOUR_GIB)
		return 0;
	(void)snprintf(why, len,
		       "the memory reserved for the capture kernel is all above 4 GiB (%s/iomem: Crash kernel from "
		       "0x%llx), and arm64's Linux 6.1 reserves none below it without crashkernel=Y,low: a disk "
		       "controller that cannot reach above 4 GiB fails in the capture kernel; add crashkernel="
		       ARM_CRASHKERNEL_LOW ",low, or use crashkernel=X alone",
		       proc, lowest);
	return 1;
}
