/* capture_md.c: the target on an md RAID1 array: every member found by the recorded UUID and in step, the array assembled, its UUID checked; stopped at the end. */
#include "capture_int.h"

#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "log.h"
#include "md_assemble.h"
#include "md_find.h"

static struct md_found found; /* the members, for the log after the stop */

/* /sys from /sys/class/block: 0, or -1 when sys_block is not under a sysfs. */
static int sysfs_root(const char *sys_block, char *out, size_t len)
{
	static const char tail[] = "/class/block";
	size_t n = strlen(sys_block), t = sizeof(tail) - 1;

	if (n <= t || strcmp(sys_block + n - t, tail) != 0 || n - t >= len)
		return -1;
	memcpy(out, sys_block, n - t);
	out[n - t] = '\0';
	return 0;
}

/* Reads the filesystem's identity through the array into d: 0, or -1 with err. */
static int probe_array(const struct target_env *env, dev_t dev, struct target_dev *d, char *err, size_t errlen)
{
	char name[16];
	int fd;

	(void)snprintf(name, sizeof(name), "md%u", minor(dev));
	memset(d, 0, sizeof(*d));
	if ((fd = target_open_dev(env, name, d)) < 0) {
		(void)snprintf(err, errlen, "open the assembled array %s/%s: %s", env->dev_dir, name, strerror(-fd));
		return -1;
	}
	return target_read_id(fd, d, err, errlen);
}

int capture_md_target(struct capture *c, const struct target_spec *spec, char *err, size_t errlen)
{
	struct target_env env = { c->opts->sys_block, c->opts->dev_dir, c->opts->wait_ms, 1000, NULL };
	static struct md_plan plan;
	char sysfs[128];
	dev_t dev;

	if (md_plan_parse(c->md, &plan, err, errlen) < 0 || md_find(&env, &plan, &found, err, errlen) < 0)
		return -1;
	log_info("md array %s (%s): all %u members found (%s%s), metadata %u.%u, events %llu on each", plan.uuid,
		 md_level_name(plan.level), plan.raid_disks, found.name[0], plan.raid_disks > 1 ? ", ..." : "",
		 found.sb[0].major, found.sb[0].minor, (unsigned long long)found.sb[0].events);
	if (sysfs_root(c->opts->sys_block, sysfs, sizeof(sysfs)) < 0) {
		(void)snprintf(err, errlen, "%s is not SYSFS/class/block: cannot reach md's sysfs", c->opts->sys_block);
		return -1;
	}
	if (md_assemble(sysfs, c->opts->dev_dir, &found, plan.raid_disks, &c->md_fd, &dev, err, errlen) < 0)
		return -1;
	/* From here a refusal leaves the array running; capture_end stops it,
	 * and nothing was written through it. */
	if (probe_array(&env, dev, &c->dev, err, errlen) < 0 || target_check(spec, &c->dev, err, errlen) < 0)
		return -1;
	log_info("md array assembled as %s from %u members (%s UUID=%s)", c->dev.path,
		 plan.raid_disks, c->dev.id.type, c->dev.id.uuid);
	return 0;
}

/* Each member's superblock as md left it, for the log. */
static void log_members(const struct capture *c)
{
	struct target_env env = { c->opts->sys_block, c->opts->dev_dir, 0, 0, NULL };

	for (unsigned r = 0; r < MD_PLAN_MEMBERS_MAX; r++) {
		struct target_dev d;
		struct md_member m;
		int fd, n;

		if (!(found.seen & (1U << r)))
			continue;
		memset(&d, 0, sizeof(d));
		if ((fd = target_open_dev(&env, found.name[r], &d)) < 0) {
			log_errno(-fd, "open the member %s", found.name[r]);
			continue;
		}
		n = md_super_read_dev(fd, &m);
		(void)close(fd); /* read-only */
		if (n < 0)
			log_errno(-n, "read the md superblock of %s", found.name[r]);
		else
			log_info("member %s: events %llu, %s", found.name[r], (unsigned long long)m.events,
				 m.clean ? "clean" : "marked for resync");
	}
}

void capture_md_stop(struct capture *c)
{
	char err[256];

	if (c->md_fd < 0)
		return;
	sync();
	if (md_stop(c->md_fd, err, sizeof(err)) < 0) {
		log_error("%s; md marks the array at the reboot", err);
	} else {
		log_info("stopped md%d: its superblocks written", MD_CAPTURE_MINOR);
		log_members(c);
	}
	c->md_fd = -1;
}
