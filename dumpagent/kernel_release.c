/* kernel_release.c: the release a kernel image file was built as, for dumpagent status. */
#include "kernel_release.h"

#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "io.h"
#include "kernel_header.h"
#include "text.h"

#define BANNER "Linux version "
#define RELEASE_MAX 64 /* UTS_RELEASE is at most 64 characters */

/* Copies the release that starts at p (a digit, then up to a space within n
 * bytes) into out; 0, or -1 if it is not one. */
static int take(const char *p, size_t n, char *out, size_t len)
{
	size_t r = 0;

	if (n == 0 || p[0] < '0' || p[0] > '9')
		return -1;
	while (r < n && r <= RELEASE_MAX && p[r] > ' ' && p[r] < 0x7f)
		r++;
	if (r == n || r > RELEASE_MAX || p[r] != ' ')
		return -1; /* cut off, too long, or not followed by " (" */
	(void)text_copy(out, len, p, r);
	return 0;
}

/* x86: the setup header (head, its first got bytes) points at
 * "RELEASE (builder) #1 ...". */
static int from_header(int fd, const unsigned char *head, size_t got, char *out, size_t len)
{
	char v[RELEASE_MAX + 2];
	unsigned long at = kernel_header_version_at(head, got);
	ssize_t n;

	if (!at || (n = pread_full(fd, v, sizeof(v), (off_t)at)) <= 0)
		return -1;
	return take(v, (size_t)n, out, len);
}

/* An uncompressed image holds linux_banner, "Linux version RELEASE (...".
 * Chunks overlap by a banner and a release, so one across a boundary is
 * seen whole in the next chunk. */
static int from_banner(int fd, char *out, size_t len)
{
	static char buf[65536];
	const size_t keep = sizeof(BANNER) - 1 + RELEASE_MAX + 1;
	unsigned long long off = 0;
	ssize_t got;

	while (off < KERNEL_BANNER_SCAN) {
		size_t want = KERNEL_BANNER_SCAN - off < sizeof(buf) ? (size_t)(KERNEL_BANNER_SCAN - off) : sizeof(buf);

		if ((got = pread_full(fd, buf, want, (off_t)off)) <= 0)
			break;
		for (const char *p = buf; (p = memmem(p, (size_t)got - (size_t)(p - buf), BANNER,
						      sizeof(BANNER) - 1)) != NULL; p++) {
			const char *r = p + sizeof(BANNER) - 1;

			if (take(r, (size_t)got - (size_t)(r - buf), out, len) == 0)
				return 0;
		}
		if ((size_t)got < sizeof(buf))
			break; /* the end of the file, or of the scan */
		off += sizeof(buf) - keep;
	}
	return -1;
}

/* Debian installs its kernels as /boot/vmlinuz-RELEASE. */
static int from_name(const char *path, char *out, size_t len)
{
	const char *base = strrchr(path, '/');
	char name[RELEASE_MAX + 2];

	base = base ? base + 1 : path;
	if (strncmp(base, "vmlinuz-", 8) != 0)
		return -1;
	(void)snprintf(name, sizeof(name), "%s ", base + 8);
	return take(name, strlen(name), out, len);
}

int kernel_release(int fd, const char *path, char *out, size_t len)
{
	unsigned char head[KERNEL_HEADER_LEN];
	ssize_t got = pread_full(fd, head, sizeof(head), 0);
	size_t n = got > 0 ? (size_t)got : 0;

	out[0] = '\0';
	/* A gzip'd or EFI zboot image holds no readable banner: not scanned
	 * (Debian's arm64 vmlinuz may be either). */
	if (from_header(fd, head, n, out, len) == 0 ||
	    (!kernel_header_compressed(head, n) && from_banner(fd, out, len) == 0) ||
	    from_name(path, out, len) == 0)
		return 0;
	out[0] = '\0';
	return -1;
}
