/* capture_lvm.c: the target inside an LV: its recorded mapping proven current, made with device-mapper, its UUID checked. */
#include "capture_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "dm_create.h"
#include "log.h"
#include "lvm_find.h"

#define DM_NAME "dumpagent-target"
#define NODE_WAIT_MS 2000 /* for devtmpfs to show the new dm-N */

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Opens the mapped device as /dev/dm-MINOR, checked against sysfs, and reads
 * its filesystem's identity into d: 0, or -1 with err. */
static int probe_mapped(const struct target_env *env, dev_t dev, struct target_dev *d, char *err, size_t errlen)
{
	char name[32];
	int fd = -ENOENT;

	(void)snprintf(name, sizeof(name), "dm-%u", minor(dev));
	for (unsigned waited = 0; waited <= NODE_WAIT_MS; waited += 100) {
		memset(d, 0, sizeof(*d));
		fd = target_open_dev(env, name, d);
		if (fd >= 0 || (fd != -ENOENT && fd != -ENODEV))
			break;
		sleep_ms(100);
	}
	if (fd < 0) {
		(void)snprintf(err, errlen, "open the mapped LV %s/%s: %s", env->dev_dir, name, strerror(-fd));
		return -1;
	}
	if (d->dev != dev) {
		(void)close(fd); /* read-only */
		(void)snprintf(err, errlen, "%s is %u:%u, not the device just made (%u:%u)", name, major(d->dev),
			       minor(d->dev), major(dev), minor(dev));
		return -1;
	}
	return target_read_id(fd, d, err, errlen);
}

int capture_lvm_map(struct capture *c, const char *also, struct target_dev *d, char *err, size_t errlen)
{
	struct target_env env = { c->opts->sys_block, c->opts->dev_dir, c->opts->wait_ms, 1000, NULL };
	static struct lvm_plan plan;
	struct lvm_found found;
	char control[160];
	dev_t dev;

	if (lvm_plan_parse(c->lvm, &plan, err, errlen) < 0 || lvm_find(&env, &plan, also, &found, err, errlen) < 0)
		return -1;
	log_info("VG %s (id %s) seqno %llu on %u metadata area(s), as when armed: mapping LV %s/%s "
		 "(%u segment(s) on %s%s)", plan.vg, plan.vg_id, plan.seqno, found.checked, plan.vg, plan.lv,
		 plan.nseg, found.name[0], plan.npv > 1 ? ", ..." : "");
	(void)snprintf(control, sizeof(control), "%s/mapper/control", c->opts->dev_dir);
	if (dm_create(control, DM_NAME, &plan, found.dev, &dev, err, errlen) < 0)
		return -1;
	/* From here a refusal leaves the mapping in the capture kernel, which
	 * ends with the reboot; it wrote nothing to the disk. */
	if (probe_mapped(&env, dev, d, err, errlen) < 0)
		return -1;
	log_info("LV %s/%s mapped as %s (%s%s%s)", plan.vg, plan.lv, d->path, d->id.type[0] ? d->id.type : "no known "
		 "filesystem", d->id.uuid[0] ? " UUID=" : "", d->id.uuid);
	return 0;
}

int capture_lvm_target(struct capture *c, const struct target_spec *spec, const char *also, char *err,
		       size_t errlen)
{
	if (capture_lvm_map(c, also, &c->dev, err, errlen) < 0 || target_check(spec, &c->dev, err, errlen) < 0)
		return -1;
	return 0;
}
