/* crashdir.c: the crash directory, walked and written only through directory fds. */
#include "crashdir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

int crashdir_open(int rootfd, const char *path, char *failed_at, size_t len)
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

int crashdir_private(int crashfd, const char *name, int *moved)
{
	char aside[96];
	int fd;

	*moved = 0;
	if (faccessat(crashfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !is_private_dir(crashfd, name)) {
		(void)snprintf(aside, sizeof(aside), "%s.untrusted.%ld", name, (long)time(NULL));
		if (renameat2(crashfd, name, crashfd, aside, RENAME_NOREPLACE) < 0)
			return -errno;
		*moved = 1;
	}
	if (mkdirat(crashfd, name, 0700) < 0 && errno != EEXIST)
		return -errno;
	fd = open_subdir(crashfd, name);
	if (fd < 0)
		return -errno;
	/* Checked again on the fd: a race in a world-writable directory ends here. */
	struct stat st;

	/* fchmod also drops a setgid bit inherited from a 3777 parent. */
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 0077) ||
	    fchmod(fd, 0700) < 0) {
		(void)close(fd);
		return -EPERM;
	}
	return fd;
}

int crashdir_new_dump_dir(int crashfd, time_t t, char name[CRASHDIR_NAME_MAX])
{
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		return -EINVAL;
	for (int i = 1; i < 100; i++) {
		int fd;

		if (i == 1)
			(void)strftime(name, CRASHDIR_NAME_MAX, "%Y%m%d%H%M", &tm);
		else
			(void)snprintf(name + 12, CRASHDIR_NAME_MAX - 12, "-%d", i);
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

int crashdir_publish(int dirfd, const char *tmp, const char *final)
{
	struct stat st;
	int fd, e = 0;

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
	if (renameat2(dirfd, tmp, dirfd, final, RENAME_NOREPLACE) < 0)
		return -errno;
	if (fsync(dirfd) < 0)
		return -errno;
	return 0;
}
