/* cli_file.c: the one way the admin commands open a file to read it.
 *
 * They run as root over directories that other users may write to (apport
 * makes /var/crash 3777), so a name may be a link, a FIFO that blocks open()
 * forever, a device, or another user's file. Every read goes through here. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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
