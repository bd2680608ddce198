/* target.c: finds the one block device that holds the configured filesystem. */
#include "target.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "io.h"

/* udev writes unsafe characters in by-label names as \xNN. */
static int unescape_udev(const char *in, char *out, size_t outlen)
{
	size_t n = 0;

	for (; *in; in++) {
		char c = *in;

		if (in[0] == '\\' && in[1] == 'x' && in[2] && in[3]) {
			char hex[3] = { in[2], in[3], 0 }, *end;
			long v = strtol(hex, &end, 16);

			if (*end || v <= 0)
				return -1;
			c = (char)v;
			in += 3;
		}
		if (n + 1 >= outlen)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return 0;
}

int target_spec_parse(const char *target, const char *fstype, struct target_spec *spec,
		      char *err, size_t errlen)
{
	const char *v = NULL;

	memset(spec, 0, sizeof(*spec));
	(void)snprintf(spec->fstype, sizeof(spec->fstype), "%s", fstype);
	if (strncmp(target, "UUID=", 5) == 0)
		spec->kind = TARGET_BY_UUID, v = target + 5;
	else if (strncmp(target, "LABEL=", 6) == 0)
		spec->kind = TARGET_BY_LABEL, v = target + 6;
	else if (strncmp(target, "/dev/disk/by-uuid/", 18) == 0)
		spec->kind = TARGET_BY_UUID, v = target + 18;
	else if (strncmp(target, "/dev/disk/by-label/", 19) == 0)
		spec->kind = TARGET_BY_LABEL, v = target + 19;
	if (strcmp(target, "auto") == 0) {
		(void)snprintf(err, errlen, "TARGET=auto was not resolved: the loader passes "
			       "dumpagent.target= on the capture kernel's command line; reload it "
			       "with load-crashkernel, or set TARGET=UUID=... in the configuration");
		return -1;
	}
	if (!v) {
		(void)snprintf(err, errlen, "TARGET=%s: the capture environment has no udev to resolve "
			       "this name; use TARGET=UUID=... or TARGET=LABEL=...", target);
		return -1;
	}
	if (unescape_udev(v, spec->value, sizeof(spec->value)) < 0 || !spec->value[0]) {
		(void)snprintf(err, errlen, "TARGET=%s: bad name", target);
		return -1;
	}
	return 0;
}

const char *target_spec_text(const struct target_spec *spec, char *buf, size_t len)
{
	(void)snprintf(buf, len, "%s=%s", spec->kind == TARGET_BY_UUID ? "UUID" : "LABEL",
		       spec->value);
	return buf;
}

static int matches(const struct target_spec *spec, const struct fsid *id)
{
	if (spec->kind == TARGET_BY_UUID)
		return strcasecmp(spec->value, id->uuid) == 0;
	return strcmp(spec->value, id->label) == 0;
}

static int read_sysfs_dev(const char *sys_block, const char *name, dev_t *dev)
{
	char path[256], buf[32];
	unsigned maj, min;
	ssize_t n;
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s/dev", sys_block, name) >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread_full(fd, buf, sizeof(buf) - 1, 0);
	(void)close(fd); /* read-only sysfs file */
	if (n <= 0)
		return n < 0 ? (int)n : -EINVAL;
	buf[n] = '\0';
	if (sscanf(buf, "%u:%u", &maj, &min) != 2)
		return -EINVAL;
	*dev = makedev(maj, min);
	return 0;
}

int target_is_device(const struct stat *st, dev_t dev)
{
	return S_ISBLK(st->st_mode) && st->st_rdev == dev;
}

int target_open_dev(const struct target_env *env, const char *name, struct target_dev *d)
{
	struct stat st;
	int fd, r;

	r = read_sysfs_dev(env->sys_block, name, &d->dev);
	if (r < 0)
		return r;
	if (strlen(name) >= sizeof(d->name) ||
	    (size_t)snprintf(d->path, sizeof(d->path), "%s/%s", env->dev_dir, name) >= sizeof(d->path))
		return -ENAMETOOLONG;
	memcpy(d->name, name, strlen(name) + 1);
	for (char *p = d->path + strlen(env->dev_dir) + 1; *p; p++)
		if (*p == '!')
			*p = '/';
	fd = open(d->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !(env->is_device ? env->is_device : target_is_device)(&st, d->dev)) {
		(void)close(fd);
		return -ENODEV;
	}
	return fd;
}

static int probe_dev(const struct target_env *env, const char *name, struct target_dev *d)
{
	int fd = target_open_dev(env, name, d), r;

	if (fd < 0)
		return fd;
	r = superblock_read(fd, &d->id);
	(void)close(fd); /* opened read-only */
	return r;
}

int target_read_id(int fd, struct target_dev *d, char *err, size_t errlen)
{
	int r = superblock_read(fd, &d->id);

	(void)close(fd); /* read-only */
	if (r < 0 && r != -ENOENT) {
		(void)snprintf(err, errlen, "read %s: %s", d->path, strerror(-r));
		return -1;
	}
	return 0;
}

int target_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n < 32 && name[0] != '.' &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!_-.") == n;
}

/* loop, ram (brd) and zram devices cannot hold the target in a capture kernel;
 * counted, hundreds of them would use up TARGET_MAX_DEVICES before the disk. */
static int is_virtual(const char *name)
{
	static const char *const prefixes[] = { "loop", "ram", "zram" };

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);

		if (strncmp(name, prefixes[i], n) == 0 && name[n] >= '0' && name[n] <= '9')
			return 1;
	}
	return 0;
}

struct scan {
	struct target_dev found[2]; /* we only care whether there is one, or more */
	unsigned nfound;
	char seen[1024];
};

static void note_seen(struct scan *s, const struct target_dev *d, int r)
{
	size_t used = strlen(s->seen);
	char item[160];

	if (r == 0)
		(void)snprintf(item, sizeof(item), "%s%s (%s UUID=%s%s%s)", used ? ", " : "",
			       d->name, d->id.type, d->id.uuid, d->id.label[0] ? " LABEL=" : "",
			       d->id.label);
	else
		(void)snprintf(item, sizeof(item), "%s%s (%s)", used ? ", " : "", d->name,
			       r == -ENOENT ? "no known filesystem" : strerror(-r));
	if (used + strlen(item) < sizeof(s->seen) - 4)
		strcat(s->seen, item);
	else if (used < sizeof(s->seen) - 4)
		strcat(s->seen, "...");
}

static int scan_once(const struct target_env *env, const struct target_spec *spec, struct scan *s,
		     char *err, size_t errlen)
{
	unsigned count = 0;
	struct dirent *de;
	DIR *dir;

	memset(s, 0, sizeof(*s));
	dir = opendir(env->sys_block);
	if (!dir) {
		(void)snprintf(err, errlen, "open %s: %s", env->sys_block, strerror(errno));
		return -1;
	}
	while ((de = readdir(dir)) && count < TARGET_MAX_DEVICES) {
		struct target_dev d;
		int r;

		if (!target_name_ok(de->d_name) || is_virtual(de->d_name))
			continue;
		count++;
		memset(&d, 0, sizeof(d));
		r = probe_dev(env, de->d_name, &d);
		note_seen(s, &d, r);
		if (r == 0 && matches(spec, &d.id) && s->nfound++ < 2)
			s->found[s->nfound - 1] = d;
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

int target_check(const struct target_spec *spec, const struct target_dev *d, char *err, size_t errlen)
{
	char want[80];

	(void)target_spec_text(spec, want, sizeof(want));
	if (!matches(spec, &d->id)) {
		(void)snprintf(err, errlen, "%s holds %s UUID=%s%s%s, not %s: refusing to write", d->name,
			       d->id.type[0] ? d->id.type : "no known filesystem", d->id.uuid,
			       d->id.label[0] ? " LABEL=" : "", d->id.label, want);
		return -1;
	}
	if (strcmp(spec->fstype, "auto") != 0 && strcmp(spec->fstype, d->id.type) != 0) {
		(void)snprintf(err, errlen, "%s on %s is %s, but FSTYPE is %s: refusing to write",
			       want, d->name, d->id.type, spec->fstype);
		return -1;
	}
	return 0;
}

static int check_found(const struct target_spec *spec, const struct scan *s,
		       struct target_dev *out, char *err, size_t errlen)
{
	char want[80];

	(void)target_spec_text(spec, want, sizeof(want));
	if (s->nfound > 1) {
		(void)snprintf(err, errlen, "%s matches %u devices (%s, %s%s): refusing to guess "
			       "which one to write", want, s->nfound, s->found[0].name,
			       s->found[1].name, s->nfound > 2 ? ", ..." : "");
		return -1;
	}
	if (target_check(spec, &s->found[0], err, errlen) < 0)
		return -1;
	*out = s->found[0];
	return 0;
}

int target_find(const struct target_env *env, const struct target_spec *spec,
		struct target_dev *out, char *err, size_t errlen)
{
	static struct scan s;
	unsigned waited = 0, step = 250;
	char want[80];

	for (int settled = 0;;) {
		if (scan_once(env, spec, &s, err, errlen) < 0)
			return -1;
		/* Disks appear one by one (USB, NVMe); a duplicate UUID may show up
		 * just after the first match, so look once more before trusting it. */
		if (s.nfound > 0 && (settled || env->settle_ms == 0))
			return check_found(spec, &s, out, err, errlen);
		if (s.nfound > 0) {
			settled = 1;
			sleep_ms(env->settle_ms);
			continue;
		}
		if (waited >= env->wait_ms)
			break;
		sleep_ms(step);
		waited += step;
	}
	(void)snprintf(err, errlen, "no filesystem with %s found after %u s; block devices seen: %s",
		       target_spec_text(spec, want, sizeof(want)), env->wait_ms / 1000,
		       s.seen[0] ? s.seen : "none");
	return -1;
}
