/* osrelease.c: apport's DistroRelease from the target's os-release file. */
#include "osrelease.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"

/* VALUE of KEY=VALUE or KEY="VALUE" at the start of a line; printable ASCII only. */
static int os_value(const char *text, const char *key, char *out, size_t outlen)
{
	size_t klen = strlen(key), n = 0;
	const char *p = text;

	while (strncmp(p, key, klen) != 0 || p[klen] != '=') {
		p = strchr(p, '\n');
		if (!p)
			return -1;
		p++;
	}
	p += klen + 1;
	if (*p == '"' || *p == '\'')
		p++;
	while (p[n] && p[n] != '\n' && p[n] != '"' && p[n] != '\'' && n + 1 < outlen) {
		if ((unsigned char)p[n] < 0x20 || (unsigned char)p[n] > 0x7e)
			return -1;
		out[n] = p[n];
		n++;
	}
	out[n] = '\0';
	return n > 0 ? 0 : -1;
}

int distro_release_parse(const char *text, char *out, size_t outlen)
{
	char name[64], version[32];
	char *gnu;

	if (os_value(text, "NAME", name, sizeof(name)) < 0 ||
	    os_value(text, "VERSION_ID", version, sizeof(version)) < 0)
		return -1;
	gnu = strstr(name, " GNU/Linux"); /* apport says "Debian 12", not "Debian GNU/Linux 12" */
	if (gnu)
		*gnu = '\0';
	return snprintf(out, outlen, "%s %s", name, version) < (int)outlen ? 0 : -1;
}

static int open_in(int dirfd, const char *const path[], size_t n)
{
	int fd = dirfd;

	for (size_t i = 0; i < n; i++) {
		int last = i + 1 == n;
		int next = openat(fd, path[i],
				  O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK |
					  (last ? 0 : O_DIRECTORY));

		if (fd != dirfd)
			(void)close(fd); /* a directory opened read-only */
		if (next < 0)
			return -1;
		fd = next;
	}
	return fd;
}

int distro_release(int rootfd, char *out, size_t outlen)
{
	static const char *const etc[] = { "etc", "os-release" };
	static const char *const usr[] = { "usr", "lib", "os-release" };
	char text[4096];
	struct stat st;
	ssize_t n;
	int fd = open_in(rootfd, etc, 2);

	if (fd < 0)
		fd = open_in(rootfd, usr, 3);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		(void)close(fd);
		return -1;
	}
	n = pread_full(fd, text, sizeof(text) - 1, 0);
	(void)close(fd); /* read-only */
	if (n < 0)
		return -1;
	text[n] = '\0';
	return distro_release_parse(text, out, outlen);
}
