/* capture_dir.c: writer side: the crash directory, made and written only through directory fds. */
#include "capture_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rename_noreplace.h"

/* A symbolic link shows as ENOTDIR with O_DIRECTORY; say ELOOP, which is what it is. */
static int open_subdir(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0 && errno == ENOTDIR && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		errno = ELOOP;
	return fd;
}

int capture_dir_open(int rootfd, const char *path, char *failed_at, size_t len)
{
	char comp[256];
	int fd = dup(rootfd);

	if (fd < 0)
		return -errno;
	while (*path) {
		size_t n;
		int next;

		path += strspn(path, "/");
		n = strcspn(path, "/");
		if (n == 0)
			break;
		if (n >= sizeof(comp)) {
			(void)close(fd);
			return -ENAMETOOLONG;
		}
		memcpy(comp, path, n);
		comp[n] = '\0';
		path += n;
		(void)snprintf(failed_at, len, "%s", comp);
		next = open_subdir(fd, comp);
		if (next < 0 && errno == ENOENT) {
			if (mkdirat(fd, comp, 0700) < 0 && errno != EEXIST)
				goto fail;
			if (fsync(fd) < 0) /* the new entry must survive a power loss too */
				goto fail;
			next = open_subdir(fd, comp);
		}
		if (next < 0)
			goto fail;
		(void)close(fd); /* a directory opened read-only */
		fd = next;
	}
	return fd;
fail:;
	int e = errno;

	(void)close(fd);
	return -e;
}

static int is_private_dir(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) &&
	       st.st_uid == geteuid() && (st.st_mode & 0077) == 0;
}

/* 64 bits nobody else can guess. In the capture kernel the entropy pool may
 * not be initialized yet: getrandom must not block there, so GRND_NONBLOCK,
 * then GRND_INSECURE (Linux 5.6), then the clock as a last resort; a name
 * taken by others is retried anyway, so a weak name costs a retry, not the capture. */
static unsigned long long unguessable(void)
{
	unsigned long long v = 0;
	struct timespec ts;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) == (ssize_t)sizeof(v) ||
	    getrandom(&v, sizeof(v), GRND_INSECURE) == (ssize_t)sizeof(v))
		return v;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail with a valid clock id */
	return v ^ ((unsigned long long)ts.tv_nsec << 32) ^ (unsigned long long)ts.tv_sec ^
	       (unsigned long long)getpid();
}

static int failed(struct capture_dir_private_info *pi, const char *action)
{
	int e = errno;

	pi->failed = action;
	return -e;
}

/* Renames name aside to NAME.untrusted.<random>, without replacing anything.
 * Others can create entries in a 1777 crash directory: a name they could
 * predict would let them make the rename, and so the capture, fail. */
static int move_aside(int crashfd, const char *name, struct capture_dir_private_info *pi)
{
	for (int i = 0; i < CAPTURE_DIR_ASIDE_TRIES; i++) {
		(void)snprintf(pi->aside, sizeof(pi->aside), "%s.untrusted.%016llx", name,
			       unguessable());
		if (rename_noreplace(crashfd, name, crashfd, pi->aside) == 0) {
			pi->moved = 1;
			if (fsync(crashfd) < 0) /* the impostor must not come back after a power loss */
				return failed(pi, "fsync the parent directory after renaming aside");
			return 0;
		}
		if (errno != EEXIST)
			return failed(pi, "rename aside");
	}
	return failed(pi, "rename aside");
}

/* One attempt: NAME is made (or found) root-only, then opened and checked
 * again on the fd. Returns the fd, -EAGAIN when something else took NAME in
 * between (a race in a world-writable directory), or -errno. */
static int open_private(int crashfd, const char *name, struct capture_dir_private_info *pi)
{
	const char *action;
	struct stat st;
	int fd, e;

	if (fstatat(crashfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !is_private_dir(crashfd, name)) {
		int r = move_aside(crashfd, name, pi);

		if (r < 0)
			return r;
	}
	if (mkdirat(crashfd, name, 0700) == 0) {
		if (fsync(crashfd) < 0) /* the new directory must survive a power loss */
			return failed(pi, "fsync the parent directory after creating");
	} else if (errno != EEXIST) {
		return failed(pi, "create");
	}
	fd = open_subdir(crashfd, name);
	if (fd < 0)
		return errno == ELOOP || errno == ENOTDIR ? -EAGAIN : failed(pi, "open");
	/* Checked again on the fd: what was checked by name may have been
	 * replaced. Ours: fchmod drops a setgid bit inherited from a 3777 parent,
	 * and group bits a default ACL gave it. */
	if (fstat(fd, &st) < 0)
		action = "stat";
	else if (st.st_uid != geteuid())
		action = NULL; /* another's: moved aside on the next attempt */
	else if (fchmod(fd, 0700) < 0)
		action = "chmod 0700";
	else
		return fd;
	e = errno;
	(void)close(fd); /* a directory opened read-only */
	errno = e;
	return action ? failed(pi, action) : -EAGAIN;
}

int capture_dir_private_open(int crashfd, const char *name, struct capture_dir_private_info *pi)
{
	memset(pi, 0, sizeof(*pi));
	for (int i = 0; i < CAPTURE_DIR_ASIDE_TRIES; i++) {
		int fd = open_private(crashfd, name, pi);

		if (fd != -EAGAIN)
			return fd;
	}
	pi->failed = "make root-only (it kept being replaced)";
	return -EPERM;
}

int capture_dir_private(int crashfd, const char *name, int *moved)
{
	struct capture_dir_private_info pi;
	int fd = capture_dir_private_open(crashfd, name, &pi);

	*moved = pi.moved;
	return fd;
}

int capture_dir_new_dump_dir(int crashfd, time_t t, char name[DUMP_ID_MAX])
{
	for (unsigned seq = 1; seq < 100; seq++) {
		int fd;

		/* Only a dump id names a dump (dump_format.c): a t whose year has
		 * not 4 digits would make a name list and gc never see. */
		if (dump_id_format((long long)t, seq, name) < 0)
			return -EINVAL;
		if (mkdirat(crashfd, name, 0700) < 0) {
			if (errno == EEXIST)
				continue;
			return -errno;
		}
		fd = open_subdir(crashfd, name);
		if (fd < 0)
			return -errno;
		/* umask or a vfat mount may have given other modes */
		if (fchmod(fd, 0700) < 0 && errno != EPERM) {
			int e = errno;

			(void)close(fd);
			return -e;
		}
		if (fsync(crashfd) < 0) {
			int e = errno;

			(void)close(fd);
			return -e;
		}
		return fd;
	}
	return -EEXIST;
}

int capture_dir_publish_at(int dirfd, const char *tmp, const char *final, int *renamed)
{
	struct stat st;
	int fd, e = 0;

	*renamed = 0;
	fd = openat(dirfd, tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		e = errno;
	else if (!S_ISREG(st.st_mode) || st.st_uid != geteuid())
		e = EPERM;
	else if (fchmod(fd, 0600) < 0 && errno != EPERM)
		e = errno;
	else if (fsync(fd) < 0)
		e = errno;
	if (close(fd) < 0 && !e)
		e = errno;
	if (e)
		return -e;
	if (rename_noreplace(dirfd, tmp, dirfd, final) < 0)
		return -errno;
	/* From here the file is there under its final name, whole and fsynced:
	 * a failure is of durability, not a missing file. */
	*renamed = 1;
	if (fsync(dirfd) < 0)
		return -errno;
	return 0;
}

int capture_dir_publish(int dirfd, const char *tmp, const char *final)
{
	int renamed;

	return capture_dir_publish_at(dirfd, tmp, final, &renamed);
}
