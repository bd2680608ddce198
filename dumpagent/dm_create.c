/* dm_create.c: maps a recorded LV with the device-mapper ioctls (capture side; no LVM tools there).
 *
 * What dmsetup create does, by hand: DM_DEV_CREATE (an empty device),
 * DM_TABLE_LOAD (the inactive table: one dm_target_spec per segment, each
 * followed by its parameter string, "next" the distance to the following
 * spec, 8-byte aligned), DM_DEV_SUSPEND without DM_SUSPEND_FLAG (which
 * resumes, making the loaded table live). Only linear and striped targets,
 * the ones plain LVs use. The caller proved the mapping current first
 * (lvm_find.c), and reads the filesystem's UUID through it before mounting. */
#include "dm_create.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static void header(struct dm_ioctl *io, const char *name, size_t size)
{
	memset(io, 0, sizeof(*io));
	io->version[0] = DM_VERSION_MAJOR; /* 4.0.0: everything used here is that old */
	io->data_size = (__u32)size;
	io->data_start = sizeof(*io);
	(void)snprintf(io->name, sizeof(io->name), "%s", name);
}

size_t dm_table_request(const char *name, const struct lvm_plan *p, const dev_t *devs, void *buf, size_t len)
{
	struct dm_ioctl *io = buf;
	size_t at = sizeof(*io);

	if (len < sizeof(*io) || strlen(name) >= sizeof(io->name))
		return 0;
	memset(buf, 0, len);
	for (unsigned i = 0; i < p->nseg; i++) {
		struct dm_target_spec *t = (struct dm_target_spec *)((char *)buf + at);
		char *params = (char *)(t + 1);
		size_t room, used;

		if (at + sizeof(*t) + 1 > len)
			return 0;
		room = len - at - sizeof(*t);
		if (lvm_plan_table(p, i, devs, params, room) < 0)
			return 0;
		used = (sizeof(*t) + strlen(params) + 1 + 7) & ~(size_t)7;
		t->sector_start = p->seg[i].start;
		t->length = p->seg[i].len;
		(void)snprintf(t->target_type, sizeof(t->target_type), "%s", p->seg[i].n > 1 ? "striped" : "linear");
		t->next = (__u32)used;
		if (at + used > len)
			return 0;
		at += used;
	}
	header(io, name, at);
	io->target_count = p->nseg;
	return at;
}

/* One ioctl on the control device: 0, or -1 with err naming it. */
static int dm_call(int fd, unsigned long req, const char *what, void *io, char *err, size_t errlen)
{
	if (ioctl(fd, req, io) == 0)
		return 0;
	(void)snprintf(err, errlen, "%s %s: %s", what, ((struct dm_ioctl *)io)->name, strerror(errno));
	return -1;
}

int dm_create(const char *control, const char *name, const struct lvm_plan *p, const dev_t *devs, dev_t *dev,
	      char *err, size_t errlen)
{
	static union {
		struct dm_ioctl io;
		unsigned char raw[DM_TABLE_BUF];
	} req;
	struct dm_ioctl io;
	int fd = open(control, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		(void)snprintf(err, errlen, "open %s: %s (is dm_mod loaded?)", control, strerror(errno));
		return -1;
	}
	if (dm_table_request(name, p, devs, req.raw, sizeof(req.raw)) == 0) {
		(void)snprintf(err, errlen, "the table of %s/%s does not fit in %d bytes", p->vg, p->lv, DM_TABLE_BUF);
		(void)close(fd); /* nothing was created */
		return -1;
	}
	header(&io, name, sizeof(io));
	if (dm_call(fd, DM_DEV_CREATE, "DM_DEV_CREATE", &io, err, errlen) < 0) {
		(void)close(fd); /* nothing was created */
		return -1;
	}
	*dev = (dev_t)io.dev;
	if (dm_call(fd, DM_TABLE_LOAD, "DM_TABLE_LOAD", &req.io, err, errlen) < 0)
		goto remove;
	header(&io, name, sizeof(io));
	if (dm_call(fd, DM_DEV_SUSPEND, "DM_DEV_SUSPEND (resume)", &io, err, errlen) < 0)
		goto remove;
	(void)close(fd); /* the device lives on without the control fd */
	return 0;
remove:
	/* Leave no half-made device behind; the error already says what failed. */
	header(&io, name, sizeof(io));
	(void)ioctl(fd, DM_DEV_REMOVE, &io);
	(void)close(fd);
	return -1;
}
