/* arm_check.c: the checks of a load before kexec: reserved memory, capture files, TARGET names, lockdown (normal-boot side, arming). */
#include "arm_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The first line of path into buf ("" when it cannot be read); 0 or -1. */
static int first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int ok;

	buf[0] = '\0';
	if (!f)
		return -1;
	ok = fgets(buf, (int)len, f) != NULL;
	(void)fclose(f); /* read-only */
	buf[strcspn(buf, "\n")] = '\0';
	return ok ? 0 : -1;
}

int arm_check_reserved(const char *sysfs, enum arm_arch arch, const struct arm_crashkernel *ck,
		       unsigned long long *reserved, char *why, size_t len)
{
	char path[1024], val[64], state[1100];
	int readable;

	(void)snprintf(path, sizeof(path), "%s/kernel/kexec_crash_size", sysfs);
	readable = access(path, R_OK) == 0;
	(void)first_line(path, val, sizeof(val));
	/* As the shell did: only digits count, anything else is none. */
	*reserved = val[0] && strspn(val, "0123456789") == strlen(val) ? strtoull(val, NULL, 10) : 0;
	if (*reserved > 0)
		return 0;
	if (readable)
		(void)snprintf(state, sizeof(state), "%s is %s", path, val);
	else
		(void)snprintf(state, sizeof(state), "%s does not exist", path);
	arm_crashkernel_missing(arch, ck, state, why, len);
	return -1;
}

int arm_check_file(const char *what, const char *path, const char *from, char *why, size_t len)
{
	struct stat st;
	const char *wrong = NULL;

	if (stat(path, &st) < 0)
		wrong = "does not exist";
	else if (!S_ISREG(st.st_mode))
		wrong = "is not a regular file";
	else if (access(path, R_OK) < 0)
		wrong = "is not readable";
	if (!wrong)
		return 0;
	(void)snprintf(why, len, "%s %s (%s) %s", what, path, from, wrong);
	return -1;
}

int arm_target_warning(const char *target, char *why, size_t len)
{
	/* The agent resolves only UUID=, LABEL= and their /dev/disk/by-* forms itself. */
	if (strncmp(target, "/dev/disk/by-id/", 16) != 0 && strncmp(target, "/dev/disk/by-path/", 18) != 0 &&
	    strncmp(target, "/dev/disk/by-part", 17) != 0)
		return 0;
	(void)snprintf(why, len,
		       "TARGET=%s: the capture environment has no udev to resolve this name; "
		       "use TARGET=UUID=... or TARGET=LABEL=...", target);
	return 1;
}

const char *arm_lockdown(const char *sysfs)
{
	char path[1024], mode[256];

	(void)snprintf(path, sizeof(path), "%s/kernel/security/lockdown", sysfs);
	(void)first_line(path, mode, sizeof(mode));
	if (strstr(mode, "[integrity]"))
		return "integrity";
	if (strstr(mode, "[confidentiality]"))
		return "confidentiality";
	return "";
}

int arm_loaded(const char *sysfs)
{
	char path[1024], val[16];

	(void)snprintf(path, sizeof(path), "%s/kernel/kexec_crash_loaded", sysfs);
	return first_line(path, val, sizeof(val)) == 0 && strcmp(val, "1") == 0;
}

void arm_lockdown_why(const char *lockdown, int distro, const char *kernel, const char *release, char *why,
		      size_t len)
{
	if (!*lockdown)
		why[0] = '\0';
	else if (distro)
		(void)snprintf(why, len,
			       "kernel lockdown (%s, Secure Boot) loads only a kernel signed by a key the kernel "
			       "trusts, and it does not trust the signature of the distro kernel %s: boot through "
			       "shim (which gives the kernel the distribution's key), or reinstall the signed kernel "
			       "package (linux-image-%s)",
			       lockdown, kernel, release);
	else
		(void)snprintf(why, len,
			       "kernel lockdown (%s, Secure Boot) loads only a capture kernel signed by a key the "
			       "kernel trusts, and %s is not (or its key is not enrolled): sign it with sbsign and "
			       "enroll the key (mokutil --import), or set CAPTURE_MODE=auto, which boots the "
			       "distro's signed kernel under lockdown",
			       lockdown, kernel);
}
