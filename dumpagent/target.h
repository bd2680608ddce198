/* target.h: finds the one block device that holds the configured filesystem. */
#ifndef DUMPAGENT_TARGET_H
#define DUMPAGENT_TARGET_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "superblock.h"

#define TARGET_MAX_DEVICES 256 /* block devices probed per scan; loop, ram, zram not counted */

enum target_kind { TARGET_BY_UUID, TARGET_BY_LABEL };

struct target_spec {
	enum target_kind kind;
	char value[65];
	char fstype[8]; /* "auto" or a type superblock_probe reports */
};

struct target_dev {
	char name[32];    /* kernel name, e.g. "vda1" */
	char path[64];    /* device node we opened */
	dev_t dev;
	struct fsid id;
};

struct target_env {
	const char *sys_block; /* /sys/class/block */
	const char *dev_dir;   /* /dev */
	unsigned wait_ms;      /* how long to wait for the device to appear */
	unsigned settle_ms;    /* after a match, wait this long and look again */
	/* Whether the node opened for a sysfs entry is that device; NULL means
	 * target_is_device. Only the unit tests set it, to probe image files. */
	int (*is_device)(const struct stat *st, dev_t dev);
};

/* Turns TARGET= and FSTYPE= values into a spec; 0, or -1 with err. */
int target_spec_parse(const char *target, const char *fstype, struct target_spec *spec,
		      char *err, size_t errlen);
/* Finds exactly one matching device; 0, or -1 with err saying why nothing may be written. */
int target_find(const struct target_env *env, const struct target_spec *spec,
		struct target_dev *out, char *err, size_t errlen);
/* 1 when st is the block device node of dev (major:minor from sysfs), else 0. */
int target_is_device(const struct stat *st, dev_t dev);
/* Opens, read-only, the node under env->dev_dir of the sysfs block device
 * name ('!' in it read as '/'), checked to be that device: the fd, d's name,
 * path and dev filled; or -errno (-ENODEV when the node is another device). */
int target_open_dev(const struct target_env *env, const char *name, struct target_dev *d);
/* Reads the identity of the filesystem on fd, a block device opened
 * read-only, into d->id (no filesystem found is no error), and closes fd:
 * 0, or -1 with err naming d->path. */
int target_read_id(int fd, struct target_dev *d, char *err, size_t errlen);
/* 1 when name may be a block device's sysfs name (no dot first, no slash). */
int target_name_ok(const char *name);
/* Whether the filesystem found on d (d->id) is the one spec asks for: 0, or
 * -1 with err (the UUID or label differs, or the type is not FSTYPE). */
int target_check(const struct target_spec *spec, const struct target_dev *d, char *err, size_t errlen);
const char *target_spec_text(const struct target_spec *spec, char *buf, size_t len);

#endif
