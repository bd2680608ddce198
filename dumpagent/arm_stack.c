/* arm_stack.c: the layers under a target recorded for the capture: LUKS, an LV, encrypted LVM (both, either way up), or an md array (normal-boot side, arming).
 *
 * Encrypted LVM is one LUKS layer and one LVM layer. Debian's installer puts
 * the VG on a LUKS device (LVM on LUKS: the capture opens LUKS first, then
 * finds the PV on it); LUKS on an LV is the other way up (the capture maps
 * the LV first, then opens LUKS on it). Which way is written after the slot
 * (",pv" or ",lv") so that the capture never guesses the order. The LUKS
 * UUID is the header's, as for plain LUKS; the LV's mapping is recorded as
 * for a plain LV (arm_lvm.c), its PVs by their LVM2 ids, which the capture
 * finds on the opened LUKS device as on a disk. */
#include "arm_stack.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "arm_lvm.h"
#include "arm_md.h"
#include "io.h"

/* The devices under dev (sysfs/dev/block/MAJ:MIN/slaves), their numbers from
 * env's sysfs/class/block/NAME/dev: how many (at most max kept), or -1. */
static int slaves(const struct target_env *env, const char *sysfs, dev_t dev, dev_t *out, char (*name)[32],
		  int max)
{
	char path[PATH_MAX], text[32];
	unsigned ma, mi;
	struct dirent *de;
	int n = 0;
	DIR *d;

	(void)snprintf(path, sizeof(path), "%s/dev/block/%u:%u/slaves", sysfs, major(dev), minor(dev));
	if (!(d = opendir(path)))
		return -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !target_name_ok(de->d_name))
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s/dev", env->sys_block, de->d_name);
		if (n < max && read_small(path, text, sizeof(text)) >= 0 && sscanf(text, "%u:%u", &ma, &mi) == 2) {
			out[n] = makedev(ma, mi);
			(void)snprintf(name[n], sizeof(name[n]), "%.31s", de->d_name);
		}
		n++;
	}
	(void)closedir(d);
	return n;
}

/* Appends ",how" to the recorded dumpagent.luks=; -1 with why when it does not fit. */
static int luks_way(struct arm_stack *s, const char *how, char *why, size_t len)
{
	size_t n = strlen(s->luks);

	if ((size_t)snprintf(s->luks + n, sizeof(s->luks) - n, ",%s", how) >= sizeof(s->luks) - n) {
		(void)snprintf(why, len, "dumpagent.luks=%s,%s is longer than %zu bytes", s->luks, how,
			       sizeof(s->luks) - 1);
		return -1;
	}
	return 0;
}

/* LUKS on dev: an LV under it is recorded too (LUKS on LVM). */
static int luks_on_lv(const struct target_env *env, const char *sysfs, dev_t dev, struct arm_stack *s, char *why,
		      size_t len)
{
	dev_t under[1];
	char name[1][32];

	if (slaves(env, sysfs, dev, under, name, 1) != 1)
		return 0; /* arm_luks.c found the one device under it, or refused */
	/* A partition or a disk records nothing (plain LUKS); a dm device that
	 * is no LV is refused (arm_chain.c refused it first). The LVM and md
	 * refusals are -1: the caller adds that the capture is not armed. */
	if (arm_lvm_record(env, sysfs, under[0], s->lvm, sizeof(s->lvm), why, len) < 0)
		return -1;
	return *s->lvm ? luks_way(s, "lv", why, len) : 0;
}

/* An LV on dev: a PV of it that is an enrolled LUKS device is recorded too
 * (LVM on LUKS); one at most, since the capture opens one. */
static int lv_on_luks(const struct target_env *env, const char *sysfs, dev_t dev, struct arm_stack *s, char *why,
		      size_t len)
{
	dev_t pv[ARM_STACK_SLAVES_MAX];
	char name[ARM_STACK_SLAVES_MAX][32], text[ARM_LUKS_TEXT_MAX], key[LUKS_PATH_MAX], list[128] = "";
	int n = slaves(env, sysfs, dev, pv, name, ARM_STACK_SLAVES_MAX), found = 0, r;

	for (int i = 0; i < n && i < ARM_STACK_SLAVES_MAX; i++) {
		if ((r = arm_luks_record(env, sysfs, pv[i], text, sizeof(text), key, why, len)) < 0)
			return r;
		if (!*text)
			continue;
		if (found++ == 0) {
			memcpy(s->luks, text, sizeof(text));
			memcpy(s->luks_key, key, sizeof(key));
		}
		(void)snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%.31s", found > 1 ? ", " : "", name[i]);
	}
	if (found > 1) {
		(void)snprintf(why, len, "the target's LV is on %d LUKS devices (%s): the capture opens one; set TARGET "
			       "to a filesystem on an LV whose PVs are on one LUKS device", found, list);
		return -2;
	}
	return found ? luks_way(s, "pv", why, len) : 0;
}

/* The layers of dev, from the top: LUKS (and an LV under it), else an LV
 * (and LUKS under it), else an md array. */
static int layers(const struct target_env *env, const char *sysfs, dev_t dev, struct arm_stack *s, char *why,
		  size_t len)
{
	int r;

	/* LUKS first: its dm device is no LV, which arm_lvm.c would refuse. */
	if ((r = arm_luks_record(env, sysfs, dev, s->luks, sizeof(s->luks), s->luks_key, why, len)) < 0)
		return r;
	if (*s->luks)
		return luks_on_lv(env, sysfs, dev, s, why, len);
	if (arm_lvm_record(env, sysfs, dev, s->lvm, sizeof(s->lvm), why, len) < 0)
		return -1;
	if (*s->lvm)
		return lv_on_luks(env, sysfs, dev, s, why, len);
	return arm_md_record(sysfs, env->dev_dir, dev, s->md, sizeof(s->md), why, len) < 0 ? -1 : 0;
}

int arm_stack_record(const struct target_env *env, const char *sysfs, dev_t dev, struct arm_stack *s, char *why,
		     size_t len)
{
	int r;

	memset(s, 0, sizeof(*s));
	if ((r = layers(env, sysfs, dev, s, why, len)) < 0)
		memset(s, 0, sizeof(*s)); /* a refusal records no half of a stack */
	return r;
}
