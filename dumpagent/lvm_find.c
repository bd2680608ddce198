/* lvm_find.c: finds the PVs of a recorded LV mapping and proves the VG's metadata unchanged since arming (capture side).
 *
 * The mapping (which PV sectors make up the LV) was recorded when the loader
 * armed. LVM bumps the VG's seqno on every metadata change (lvextend,
 * pvmove, lvremove) and writes it to every metadata area of the VG, so an
 * equal seqno on every PV that names the VG proves the recorded mapping is
 * still the one on disk. A different seqno, a PV missing, or a PV that now
 * belongs to another VG: refuse, and the caller writes nothing. Duplicated
 * PVs (a cloned disk) are refused as a duplicated filesystem UUID is. */
#include "lvm_find.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lvm_disk.h"

#define STEP_MS 250

struct find {
	const struct lvm_plan *p;
	const char *also; /* one dm device scanned too (a LUKS device under the LV), or NULL */
	struct lvm_found *f;
	unsigned seen; /* bit per PV of the plan found */
	char *err;
	size_t errlen;
};

/* One device: a PV of the plan, a PV of the VG, or neither. 0, or -1 with err. */
static int check_pv(struct find *s, const struct target_dev *d, const struct lvm_pv *pv,
		    const struct lvm_vg *vg, int has_meta)
{
	const struct lvm_plan *p = s->p;
	const char *name = d->name;

	for (unsigned i = 0; i < p->npv; i++) {
		if (strcmp(pv->uuid, p->pv[i]) != 0)
			continue;
		if (s->seen & (1U << i)) {
			(void)snprintf(s->err, s->errlen, "PV %s of VG %s is on two devices (%s, %s): refusing to "
				       "guess which one to write", p->pv[i], p->vg, s->f->name[i], name);
			return -1;
		}
		s->seen |= 1U << i;
		s->f->dev[i] = d->dev;
		memcpy(s->f->name[i], d->name, sizeof(d->name));
		if (has_meta && strcmp(vg->id, p->vg_id) != 0) {
			(void)snprintf(s->err, s->errlen, "PV %s on %s belongs to VG %s (id %s) now, not to VG %s "
				       "(id %s) as when the loader armed: refusing to write through a stale mapping; "
				       "the loader re-arms when the VG changes", p->pv[i], name, vg->name, vg->id,
				       p->vg, p->vg_id);
			return -1;
		}
	}
	if (!has_meta || strcmp(vg->id, p->vg_id) != 0)
		return 0;
	if (vg->seqno != p->seqno) {
		(void)snprintf(s->err, s->errlen, "VG %s changed since the loader armed: its metadata on %s has "
			       "seqno %llu, the mapping recorded seqno %llu: refusing to write through a stale "
			       "mapping; the loader re-arms when the VG changes", p->vg, name, vg->seqno, p->seqno);
		return -1;
	}
	s->f->checked++;
	return 0;
}

static int scan_once(const struct target_env *env, struct find *s)
{
	struct dirent *de;
	unsigned count = 0;
	DIR *dir = opendir(env->sys_block);

	if (!dir) {
		(void)snprintf(s->err, s->errlen, "open %s: %s", env->sys_block, strerror(errno));
		return -1;
	}
	s->seen = 0, s->f->checked = 0;
	while ((de = readdir(dir)) && count < TARGET_MAX_DEVICES) {
		struct target_dev d;
		struct lvm_pv pv;
		struct lvm_vg vg;
		int fd, r;

		/* Device-mapper devices are not PVs here: ours, or another; except
		 * the LUKS device the capture opened under the LV, by its name. */
		if (!target_name_ok(de->d_name) ||
		    (strncmp(de->d_name, "dm-", 3) == 0 && (!s->also || strcmp(de->d_name, s->also) != 0)) ||
		    strncmp(de->d_name, "loop", 4) == 0 || strncmp(de->d_name, "ram", 3) == 0)
			continue;
		count++;
		memset(&d, 0, sizeof(d));
		if ((fd = target_open_dev(env, de->d_name, &d)) < 0)
			continue;
		r = lvm_pv_read(fd, &pv, &vg);
		(void)close(fd); /* opened read-only */
		if (r >= 0 && check_pv(s, &d, &pv, &vg, r == 0) < 0) {
			(void)closedir(dir);
			return -1;
		}
	}
	(void)closedir(dir);
	return 0;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The first PV of the plan not found, for the message. */
static const char *missing(const struct find *s)
{
	for (unsigned i = 0; i < s->p->npv; i++)
		if (!(s->seen & (1U << i)))
			return s->p->pv[i];
	return "?";
}

int lvm_find(const struct target_env *env, const struct lvm_plan *p, const char *also, struct lvm_found *f,
	     char *err, size_t errlen)
{
	struct find s = { p, also, f, 0, err, errlen };
	unsigned all = p->npv >= 32 ? ~0U : (1U << p->npv) - 1, waited = 0;

	memset(f, 0, sizeof(*f));
	for (;;) {
		if (scan_once(env, &s) < 0)
			return -1;
		if (s.seen == all)
			break;
		if (waited >= env->wait_ms) {
			(void)snprintf(err, errlen, "PV %s of VG %s (LV %s) not found after %u s: refusing to "
				       "map the LV without it", missing(&s), p->vg, p->lv, env->wait_ms / 1000);
			return -1;
		}
		sleep_ms(STEP_MS);
		waited += STEP_MS;
	}
	if (f->checked == 0) {
		(void)snprintf(err, errlen, "no metadata of VG %s (id %s) found on its PVs: cannot prove the "
			       "recorded mapping of %s/%s current; refusing to write", p->vg, p->vg_id, p->vg, p->lv);
		return -1;
	}
	return 0;
}
