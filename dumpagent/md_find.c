/* md_find.c: finds every member of a recorded md array by its UUID, and proves them whole and in step (capture side).
 *
 * The rule for events: every member must hold the same count, or nothing is
 * written. md bumps the count on every superblock update and writes it to
 * all members together; members that differ mean the last update did not
 * reach one of them (it failed, was pulled, or the crash cut the update).
 * md itself would then assemble from the freshest members and drop the
 * others as "non-fresh" (mdadm --assemble needs --force to take them), so
 * the array would come up degraded, and the dump would be on one member
 * only. The capture does not make that choice for the admin: it refuses,
 * and the disks stay as the crash left them for mdadm to judge. A member
 * missing altogether is refused for the same reason: a RAID1 written with a
 * member absent is degraded at the next boot. Spares hold no slot and are
 * left out. */
#include "md_find.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STEP_MS 250

int md_found_add(struct md_found *f, const struct md_plan *p, const char *name, dev_t dev,
		 const struct md_member *m, char *err, size_t errlen)
{
	unsigned r;

	if (strcmp(m->uuid, p->uuid) != 0)
		return 0;
	if (m->level != p->level || m->raid_disks != p->raid_disks) {
		(void)snprintf(err, errlen, "md array %s: %s says level %d with %u members, the loader recorded "
			       "%s with %u: the array changed since it was armed; the loader re-arms at the next boot",
			       p->uuid, name, m->level, m->raid_disks, md_level_name(p->level), p->raid_disks);
		return -1;
	}
	if (m->feature_map & MD_FEATURE_RESHAPE_ACTIVE) {
		(void)snprintf(err, errlen, "md array %s: a reshape is under way on %s: refusing to assemble it",
			       p->uuid, name);
		return -1;
	}
	if (m->role < 0)
		return 0; /* a spare: no slot */
	r = (unsigned)m->role;
	if (r >= p->raid_disks) {
		(void)snprintf(err, errlen, "md array %s: %s holds slot %u of %u", p->uuid, name, r, p->raid_disks);
		return -1;
	}
	if (f->seen & (1U << r)) {
		(void)snprintf(err, errlen, "md array %s: slot %u is on two devices (%s, %s): refusing to guess which "
			       "one to assemble", p->uuid, r, f->name[r], name);
		return -1;
	}
	f->seen |= 1U << r;
	f->dev[r] = dev;
	(void)snprintf(f->name[r], sizeof(f->name[r]), "%s", name);
	f->sb[r] = *m;
	return 0;
}

int md_found_check(const struct md_found *f, const struct md_plan *p, char *err, size_t errlen)
{
	for (unsigned r = 0; r < p->raid_disks; r++) {
		if (!(f->seen & (1U << r))) {
			(void)snprintf(err, errlen, "md array %s: no device holds slot %u of its %u members: refusing "
				       "to assemble it degraded (the dump would be on some members only)", p->uuid, r,
				       p->raid_disks);
			return -1;
		}
		if (f->sb[r].events != f->sb[0].events) {
			(void)snprintf(err, errlen, "md array %s: its members disagree: %s has events %llu, %s has "
				       "%llu: refusing to assemble (md would drop the older one); mdadm --examine "
				       "them after the reboot", p->uuid, f->name[0], (unsigned long long)f->sb[0].events,
				       f->name[r], (unsigned long long)f->sb[r].events);
			return -1;
		}
		if (f->sb[r].major != f->sb[0].major || f->sb[r].minor != f->sb[0].minor) {
			(void)snprintf(err, errlen, "md array %s: %s has metadata %u.%u, %s %u.%u", p->uuid, f->name[0],
				       f->sb[0].major, f->sb[0].minor, f->name[r], f->sb[r].major, f->sb[r].minor);
			return -1;
		}
	}
	return 0;
}

/* Every block device once (not dm, md, loop or ram devices): 0, or -1. */
static int scan_once(const struct target_env *env, const struct md_plan *p, struct md_found *f, char *err,
		     size_t errlen)
{
	struct dirent *de;
	unsigned count = 0;
	DIR *dir = opendir(env->sys_block);

	if (!dir) {
		(void)snprintf(err, errlen, "open %s: %s", env->sys_block, strerror(errno));
		return -1;
	}
	memset(f, 0, sizeof(*f));
	while ((de = readdir(dir)) && count < TARGET_MAX_DEVICES) {
		struct target_dev d;
		struct md_member m;
		int fd, r;

		if (!target_name_ok(de->d_name) || strncmp(de->d_name, "dm-", 3) == 0 ||
		    strncmp(de->d_name, "md", 2) == 0 || strncmp(de->d_name, "loop", 4) == 0 ||
		    strncmp(de->d_name, "ram", 3) == 0)
			continue;
		count++;
		memset(&d, 0, sizeof(d));
		if ((fd = target_open_dev(env, de->d_name, &d)) < 0)
			continue;
		r = md_super_read_dev(fd, &m);
		(void)close(fd); /* read-only; md opens members exclusively */
		if (r == 0 && md_found_add(f, p, d.name, d.dev, &m, err, errlen) < 0) {
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

int md_find(const struct target_env *env, const struct md_plan *p, struct md_found *f, char *err, size_t errlen)
{
	unsigned all = (1U << p->raid_disks) - 1, waited = 0;

	for (;;) {
		if (scan_once(env, p, f, err, errlen) < 0)
			return -1;
		if (f->seen == all || waited >= env->wait_ms)
			break;
		sleep_ms(STEP_MS);
		waited += STEP_MS;
	}
	return md_found_check(f, p, err, errlen);
}
