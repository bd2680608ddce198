/* io.c: complete reads and writes, retried on EINTR and short counts. */
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t read_some(int fd, void *buf, size_t len)
{
	for (;;) {
		ssize_t n = read(fd, buf, len);

		if (n >= 0)
			return n;
		if (errno != EINTR)
			return -errno;
	}
}

int read_each(int fd, char *buf, size_t len, int (*each)(void *ctx, const char *p, size_t n),
	      void *ctx)
{
	for (;;) {
		ssize_t n = read_some(fd, buf, len);

		if (n <= 0)
			return (int)n;
		if (each(ctx, buf, (size_t)n) != 0)
			return 0;
	}
}

ssize_t pread_full(int fd, void *buf, size_t len, off_t off)
{
	char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, p + done, len - done, off + (off_t)done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

ssize_t read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pread_full(fd, buf, len - 1, 0);
	(void)close(fd); /* read-only */
	if (n < 0)
		return n;
	buf[n] = '\0';
	return n;
}
