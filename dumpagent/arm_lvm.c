/* arm_lvm.c: the mapping of a target LV recorded for the capture (dumpagent.lvm=): its table in PV ids, the VG's id and seqno (normal-boot side, arming).
 *
 * The live table says which sectors of which devices make up the LV, by
 * major:minor, which the capture kernel numbers differently; each device is
 * written as the id in its LVM2 label instead. The seqno read from the PVs'
 * metadata lets the capture prove that the table is still the VG's: read
 * here after the table, so that a change between the two reads shows up as
 * a newer seqno at capture time (a refusal), never as an old seqno with a
 * new table. */
#include "arm_lvm.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/dm-ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "io.h"
#include "lvm_disk.h"

#define TABLE_MAX 8192

/* "vg0-root" (LVM's dm name: each '-' of a name doubled) into vg and lv. */
static int split_name(const char *dm, struct lvm_plan *p)
{
	size_t v = 0, l = 0;
	const char *s = dm;

	for (; *s && !(s[0] == '-' && s[1] != '-'); s++) {
		if (s[0] == '-')
			s++; /* "--" is one '-' */
		if (v >= LVM_NAME_MAX)
			return -1;
		p->vg[v++] = *s;
	}
	if (*s != '-' || v == 0)
		return -1;
	for (s++; *s; s++) {
		if (s[0] == '-' && s[1] == '-')
			s++;
		if (l >= LVM_NAME_MAX)
			return -1;
		p->lv[l++] = *s;
	}
	p->vg[v] = p->lv[l] = '\0';
	return l ? 0 : -1;
}

/* The PV at MAJ:MIN: its id into plan (the index in *idx); its VG checked
 * to be vg_id, and its seqno into *seqno (kept equal across PVs). */
static int pv_of(const struct target_env *env, const char *sysfs, const char *majmin, struct lvm_plan *p,
		 unsigned *idx, char *why, size_t len)
{
	char path[PATH_MAX], real[PATH_MAX];
	struct target_dev d;
	struct lvm_pv pv;
	struct lvm_vg vg;
	int fd, r, i;

	(void)snprintf(path, sizeof(path), "%s/dev/block/%s", sysfs, majmin);
	if (!realpath(path, real)) {
		(void)snprintf(why, len, "the LV %s/%s is on %s: resolve %s: %s", p->vg, p->lv, majmin, path,
			       strerror(errno));
		return -1;
	}
	memset(&d, 0, sizeof(d));
	if ((fd = target_open_dev(env, strrchr(real, '/') + 1, &d)) < 0) {
		(void)snprintf(why, len, "open the PV %s (%s) of %s/%s: %s", strrchr(real, '/') + 1, majmin, p->vg,
			       p->lv, strerror(-fd));
		return -1;
	}
	r = lvm_pv_read(fd, &pv, &vg);
	(void)close(fd); /* read-only */
	if (r < 0) {
		(void)snprintf(why, len, "read the LVM label of %s (under %s/%s): %s", d.name, p->vg, p->lv,
			       r == -ENOENT ? "no LVM2 label" : strerror(-r));
		return -1;
	}
	if (r == 0 && (strcmp(vg.id, p->vg_id) != 0 || (p->seqno && p->seqno != vg.seqno))) {
		(void)snprintf(why, len, "the metadata on %s (VG %s, seqno %llu) is not VG %s's (id %s, seqno %llu): "
			       "the VG is changing, or its PVs disagree (vgck); try again", d.name, vg.name, vg.seqno,
			       p->vg, p->vg_id, p->seqno);
		return -1;
	}
	if (r == 0)
		p->seqno = vg.seqno;
	if ((i = lvm_plan_pv(p, pv.uuid)) < 0) {
		(void)snprintf(why, len, "the LV %s/%s is on more than %d PVs", p->vg, p->lv, LVM_PLAN_PV_MAX);
		return -1;
	}
	*idx = (unsigned)i;
	return 0;
}

/* One table line into the next segment of p. */
static int add_line(const struct target_env *env, const char *sysfs, const char *line, struct lvm_plan *p,
		    char *why, size_t len)
{
	struct lvm_seg *g = &p->seg[p->nseg];
	char type[32], dev[LVM_STRIPE_MAX][32];
	unsigned long long off[LVM_STRIPE_MAX];
	int used = 0, k;

	if (p->nseg >= LVM_SEG_MAX) {
		(void)snprintf(why, len, "the LV %s/%s has more than %d segments", p->vg, p->lv, LVM_SEG_MAX);
		return -1;
	}
	memset(g, 0, sizeof(*g));
	if (sscanf(line, "%llu %llu %31s %n", &g->start, &g->len, type, &used) != 3) {
		(void)snprintf(why, len, "the table of %s/%s: cannot read '%s'", p->vg, p->lv, line);
		return -1;
	}
	if (strcmp(type, "linear") == 0) {
		g->n = 1;
		k = sscanf(line + used, "%31s %llu", dev[0], &off[0]) == 2 ? 1 : -1;
	} else if (strcmp(type, "striped") == 0 && sscanf(line + used, "%u %llu %n", &g->n, &g->chunk, &k) == 2 &&
		   g->n >= 2 && g->n <= LVM_STRIPE_MAX) {
		const char *s = line + used + k;

		for (k = 0; k < (int)g->n; k++, s += used)
			if (sscanf(s, "%31s %llu %n", dev[k], &off[k], &used) != 2)
				break;
	} else {
		(void)snprintf(why, len, "the LV %s/%s has a %s segment (only linear and striped LVs are mapped "
			       "in the capture); set TARGET to a filesystem on a plain partition or a linear LV",
			       p->vg, p->lv, type);
		return -2;
	}
	if (k != (int)g->n) {
		(void)snprintf(why, len, "the table of %s/%s: cannot read '%s'", p->vg, p->lv, line);
		return -1;
	}
	for (k = 0; k < (int)g->n; k++) {
		g->area[k].offset = off[k];
		if (pv_of(env, sysfs, dev[k], p, &g->area[k].pv, why, len) < 0)
			return -1;
	}
	p->nseg++;
	return 0;
}

int arm_lvm_from_table(const struct target_env *env, const char *sysfs, const char *vg_id, const char *dm_name,
		       const char *table, struct lvm_plan *p, char *why, size_t len)
{
	static char copy[TABLE_MAX];
	char *line, *save = NULL;
	int r;

	memset(p, 0, sizeof(*p));
	if (split_name(dm_name, p) < 0 || lvm_id_plain(vg_id, strlen(vg_id), p->vg_id) < 0) {
		(void)snprintf(why, len, "the device-mapper device %s is not named as LVM names an LV (VG-LV, each - doubled)", dm_name);
		return -1;
	}
	(void)snprintf(copy, sizeof(copy), "%s", table);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if ((r = add_line(env, sysfs, line, p, why, len)) < 0)
			return r;
	if (p->nseg == 0 || p->seqno == 0) {
		(void)snprintf(why, len, "the LV %s/%s: %s", p->vg, p->lv,
			       p->nseg ? "none of its PVs holds the VG's metadata" : "its table is empty");
		return -1;
	}
	return 0;
}

/* The live table of dev as dmsetup table prints it, from DM_TABLE_STATUS
 * (with DM_STATUS_TABLE_FLAG: the table, not the status): 0, or -1 with why. */
static int live_table(const char *dev_dir, dev_t dev, char *out, size_t outlen, char *why, size_t len)
{
	static union {
		struct dm_ioctl io;
		unsigned char raw[TABLE_MAX];
	} req;
	char control[PATH_MAX];
	size_t used = 0;
	int fd;

	(void)snprintf(control, sizeof(control), "%s/mapper/control", dev_dir);
	memset(&req, 0, sizeof(req));
	req.io.version[0] = DM_VERSION_MAJOR;
	req.io.data_size = sizeof(req);
	req.io.data_start = sizeof(req.io);
	req.io.flags = DM_STATUS_TABLE_FLAG;
	req.io.dev = (__u64)dev;
	if ((fd = open(control, O_RDWR | O_CLOEXEC)) < 0 || ioctl(fd, DM_TABLE_STATUS, &req) < 0) {
		(void)snprintf(why, len, "%s %s: %s", fd < 0 ? "open" : "DM_TABLE_STATUS on", control, strerror(errno));
		if (fd >= 0)
			(void)close(fd);
		return -1;
	}
	(void)close(fd); /* only read */
	if (req.io.flags & DM_BUFFER_FULL_FLAG) {
		(void)snprintf(why, len, "the table of %u:%u is longer than %d bytes", major(dev), minor(dev), TABLE_MAX);
		return -1;
	}
	out[0] = '\0';
	/* Each spec's next counts from the first spec; the kernel wrote them. */
	for (unsigned i = 0, at = req.io.data_start; i < req.io.target_count; i++) {
		const struct dm_target_spec *t = (const void *)(req.raw + at);

		if (at + sizeof(*t) >= sizeof(req) || memchr(t + 1, '\0', sizeof(req) - at - sizeof(*t)) == NULL)
			break;
		used += (size_t)snprintf(out + used, outlen - used, "%llu %llu %.16s %s\n",
					 (unsigned long long)t->sector_start, (unsigned long long)t->length,
					 t->target_type, (const char *)(t + 1));
		if (used >= outlen)
			return -1;
		at = req.io.data_start + t->next;
	}
	return 0;
}

/* sysfs/dev/block/MAJ:MIN/dm/NAME into out (its line): 0, or -1. */
static int dm_attr(const char *sysfs, dev_t dev, const char *name, char *out, size_t len)
{
	char path[PATH_MAX];

	(void)snprintf(path, sizeof(path), "%s/dev/block/%u:%u/dm/%s", sysfs, major(dev), minor(dev), name);
	if (read_small(path, out, len) < 0)
		return -1;
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

int arm_lvm_record(const struct target_env *env, const char *sysfs, dev_t dev, char *out, size_t outlen,
		   char *why, size_t len)
{
	static char table[TABLE_MAX];
	static struct lvm_plan p, back;
	char uuid[160], name[2 * LVM_NAME_MAX + 8];
	const char *hook = getenv("DUMPAGENT_DM_TABLE"), *seqno = getenv("DUMPAGENT_LVM_SEQNO");
	int r;

	out[0] = '\0';
	if (dm_attr(sysfs, dev, "uuid", uuid, sizeof(uuid)) < 0)
		return 0; /* no dm device: nothing to record */
	if (strncmp(uuid, "LVM-", 4) != 0 || strlen(uuid) != 4 + 2 * LVM_ID_LEN ||
	    dm_attr(sysfs, dev, "name", name, sizeof(name)) < 0) {
		(void)snprintf(why, len, "the target %u:%u is a device-mapper device that is no LVM logical volume",
			       major(dev), minor(dev));
		return -2;
	}
	if (hook && *hook) {
		ssize_t n = read_small(hook, table, sizeof(table));

		if (n < 0) {
			(void)snprintf(why, len, "read %s (DUMPAGENT_DM_TABLE): %s", hook, strerror((int)-n));
			return -1;
		}
	} else if (live_table(env->dev_dir, dev, table, sizeof(table), why, len) < 0) {
		return -1;
	}
	uuid[4 + LVM_ID_LEN] = '\0';
	if ((r = arm_lvm_from_table(env, sysfs, uuid + 4, name, table, &p, why, len)) < 0)
		return r;
	if (seqno && *seqno) /* the test hook: a stale mapping, on purpose */
		p.seqno = strtoull(seqno, NULL, 10);
	/* What the capture will parse, parsed here first. */
	if (lvm_plan_format(&p, out, outlen) < 0 || strlen(out) > LVM_PLAN_TEXT_MAX ||
	    lvm_plan_parse(out, &back, why, len) < 0) {
		(void)snprintf(why, len, "the mapping of %s/%s does not fit on the capture kernel's command line "
			       "(%d bytes at most) or its segments do not tile it", p.vg, p.lv, LVM_PLAN_TEXT_MAX);
		out[0] = '\0';
		return -1;
	}
	return 0;
}
