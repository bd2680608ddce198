/* cli_file.c: the one way the admin commands open a file to read it, and find a dump's report.
 *
 * They run as root over directories that other users may write to (apport
 * makes /var/crash 3777), so a name may be a link, a FIFO that blocks open()
 * forever, a device, or another user's file. Every read goes through here. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump_format.h"
#include "io.h"

int cli_open_file(int dirfd, const char *name, struct stat *st)
{
	/* O_NONBLOCK: opening a FIFO returns at once instead of waiting for a
	 * writer; it changes nothing for the regular files that pass below. */
	int err, fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, st) < 0) {
		err = errno;
		(void)close(fd); /* read-only */
		return -err;
	}
	if (!S_ISREG(st->st_mode) || st->st_uid != 0) {
		(void)close(fd); /* read-only */
		return -EPERM;
	}
	return fd;
}

long cli_read_small(int dirfd, const char *name, char *buf, size_t cap)
{
	struct stat st;
	ssize_t n;
	int fd = cli_open_file(dirfd, name, &st);

	if (fd < 0)
		return fd;
	n = pread_full(fd, buf, cap - 1, 0);
	(void)close(fd); /* read-only */
	if (n < 0)
		return (long)n;
	buf[n] = '\0';
	return (long)n;
}

int cli_find_report(const char *id, int dumpfd, char *name, size_t len)
{
	struct dirent *de;
	int found = -1, fd = dup(dumpfd);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);

	if (!dir) {
		if (fd >= 0)
			(void)close(fd); /* read-only */
		return -1;
	}
	rewinddir(dir);
	while (found < 0 && (de = readdir(dir)) != NULL) {
		size_t n = strlen(de->d_name);

		if (n < len && dump_is_report(de->d_name, id)) {
			memcpy(name, de->d_name, n + 1);
			found = 0;
		}
	}
	(void)closedir(dir); /* read-only */
	return found;
}
