/* dumpdir_read.c: reader side: the dump directories of a crash directory and their status (docs/dump-format.md). */
#include "dumpdir_read.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What the files of one dump directory say, by the rules of docs/dump-format.md. */
struct seen {
	int dump, dmesg, vmcore_gz, part, summary;
};

/* Only regular files count: a directory or FIFO named dump.<id> is no dump. */
static void note_file(struct seen *w, const char *id, const char *name, int regular)
{
	if (dump_is_part(name))
		w->part = 1;
	if (!regular)
		return;
	switch (dump_file_of(name, id)) {
	case DUMP_FILE_DUMP: w->dump = 1; break;
	case DUMP_FILE_DMESG: w->dmesg = 1; break;
	case DUMP_FILE_VMCORE_GZ: w->vmcore_gz = 1; break;
	case DUMP_FILE_SUMMARY_JSON:
	case DUMP_FILE_SUMMARY_TXT: w->summary = 1; break;
	default: break;
	}
}

static enum dump_status status_of(const struct seen *w)
{
	if (w->part)
		return DUMP_INCOMPLETE;
	if (w->dump && w->dmesg)
		return DUMP_COMPLETE;
	if (w->vmcore_gz || w->dump)
		return DUMP_FALLBACK;
	if (w->dmesg)
		return DUMP_DMESG_ONLY;
	return w->summary ? DUMP_SUMMARY_ONLY : DUMP_INCOMPLETE;
}

/* A dump directory is the agent's only when nobody else could have made or filled it. */
static int trusted_dir(const struct stat *st)
{
	return S_ISDIR(st->st_mode) && dump_dir_root_only(st);
}

int dumpdir_open(int crashfd, const char *id)
{
	struct stat st;
	int err, fd = openat(crashfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		err = errno;
	else if (!trusted_dir(&st))
		err = EPERM;
	else
		return fd;
	(void)close(fd); /* a directory opened read-only */
	return -err;
}

int dumpdir_open_entry(const struct dump_entry *e)
{
	struct stat st;
	int err, fd = dumpdir_open(e->dirfd, e->id);

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		err = errno;
	else if ((unsigned long long)st.st_dev != e->dev || (unsigned long long)st.st_ino != e->ino)
		err = ESTALE;
	else
		return fd;
	(void)close(fd); /* a directory opened read-only */
	return -err;
}

/* fdopendir that closes fd when it fails, keeping errno. */
static DIR *fdopendir_or_close(int fd)
{
	DIR *dir = fdopendir(fd);
	int err = errno;

	if (!dir) {
		(void)close(fd); /* read-only */
		errno = err;
	}
	return dir;
}

/* Reads the open dump directory fd (taken, closed here) into e. 0 or -errno. */
static int read_dir_fd(int fd, const char *id, struct dump_entry *e)
{
	struct seen w = { 0 };
	struct dirent *de;
	struct stat st;
	DIR *dir;

	if (fstat(fd, &st) < 0) {
		int err = errno;

		(void)close(fd); /* read-only */
		return -err;
	}
	e->dev = (unsigned long long)st.st_dev;
	e->ino = (unsigned long long)st.st_ino;
	dir = fdopendir_or_close(fd);
	if (!dir)
		return -errno;
	e->bytes = 0;
	while ((de = readdir(dir)) != NULL) {
		int regular;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		regular = fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
		note_file(&w, id, de->d_name, regular);
		if (regular)
			e->bytes += (unsigned long long)st.st_size;
	}
	(void)closedir(dir); /* read-only */
	e->status = status_of(&w);
	e->has_summary = w.summary;
	return 0;
}

int dumpdir_read(int crashfd, const char *id, struct dump_entry *e)
{
	int fd = dumpdir_open(crashfd, id);

	return fd < 0 ? fd : read_dir_fd(fd, id, e);
}

int dumpdir_scan(int crashfd, const char *where, struct dump_set *set)
{
	struct dirent *de;
	DIR *dir;
	int fd = dup(crashfd);

	if (fd < 0)
		return -errno;
	dir = fdopendir_or_close(fd);
	if (!dir)
		return -errno;
	rewinddir(dir);
	while ((de = readdir(dir)) != NULL) {
		struct dump_entry *e;
		long long t;
		unsigned seq;

		if (dump_id_parse(de->d_name, &t, &seq) < 0)
			continue;
		if (set->count >= DUMPDIR_MAX) {
			set->skipped++;
			continue;
		}
		e = &set->d[set->count];
		memset(e, 0, sizeof(*e));
		memcpy(e->id, de->d_name, strlen(de->d_name) + 1); /* a dump id: at most 15 bytes */
		e->dirfd = crashfd;
		e->where = where;
		e->id_time = t;
		e->seq = seq;
		/* Not a trusted directory (dumpdir_open): not counted, not kept, not removed. */
		if (dumpdir_read(crashfd, e->id, e) == 0)
			set->count++;
	}
	(void)closedir(dir); /* read-only */
	return 0;
}

static int older_first(const void *a, const void *b)
{
	const struct dump_entry *x = a, *y = b;

	if (x->id_time != y->id_time)
		return x->id_time < y->id_time ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return strcmp(x->where, y->where);
}

void dumpdir_sort(struct dump_set *set)
{
	qsort(set->d, set->count, sizeof(set->d[0]), older_first);
}

struct dump_entry *dumpdir_find(struct dump_set *set, const char *id)
{
	for (size_t i = 0; i < set->count; i++)
		if (strcmp(set->d[i].id, id) == 0)
			return &set->d[i];
	return NULL;
}

int dumpdir_remove(int crashfd, const char *id)
{
	struct dirent *de;
	DIR *dir;
	int err = 0, fd = dumpdir_open(crashfd, id);

	if (fd < 0)
		return fd;
	dir = fdopendir(fd);
	if (!dir) {
		err = errno;
		(void)close(fd);
		return -err;
	}
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, de->d_name, 0) < 0 && !err)
			err = errno;
	}
	(void)closedir(dir); /* nothing was written through it */
	if (err)
		return -err;
	if (unlinkat(crashfd, id, AT_REMOVEDIR) < 0)
		return -errno;
	return fsync(crashfd) < 0 ? -errno : 0;
}

const char *dumpdir_status_name(enum dump_status s)
{
	static const char *const names[] = { "complete", "fallback", "dmesg-only", "incomplete",
					     "summary-only" };

	return names[s];
}
