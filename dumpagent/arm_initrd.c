/* arm_initrd.c: the configuration inside a capture initramfs, and whether to rebuild it (normal-boot side, arming). */
#include "arm_initrd.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arm_state.h"
#include "gunzip.h"
#include "io.h"
#include "sha256.h"

#define NEWC_HEADER 110
#define NAME_MAX_LEN 4096 /* longer names are skipped, never stored */

/* Reads len bytes, hashing them into s when s is not NULL; 0, or -1 short. */
static int gz_take(struct gunzip *g, size_t len, struct sha256 *s)
{
	static unsigned char buf[GUNZIP_CHUNK];

	while (len > 0) {
		size_t want = len < sizeof(buf) ? len : sizeof(buf);

		if (gunzip_read(g, buf, want) != want)
			return -1;
		if (s)
			sha256_update(s, buf, want);
		len -= want;
	}
	return 0;
}

/* Field i (8 hex digits) of a newc header. */
static unsigned long newc_field(const char *h, int i)
{
	char f[9];

	memcpy(f, h + 6 + 8 * i, 8);
	f[8] = '\0';
	return strtoul(f, NULL, 16);
}

/* Walks the archive to name: 1 with its data hashed into s, 0 when absent. */
static int newc_find(struct gunzip *g, const char *name, struct sha256 *s)
{
	static char h[NEWC_HEADER + 1], file[NAME_MAX_LEN];

	while (gunzip_read(g, (unsigned char *)h, NEWC_HEADER) == NEWC_HEADER) {
		unsigned long mode = newc_field(h, 1), size = newc_field(h, 6), nlen = newc_field(h, 11);
		int match;

		if (memcmp(h, "070701", 6) != 0 && memcmp(h, "070702", 6) != 0)
			return 0;
		if (nlen == 0 || nlen > sizeof(file)) {
			if (gz_take(g, nlen + (4 - (NEWC_HEADER + nlen) % 4) % 4, NULL) < 0)
				return 0;
			file[0] = '\0';
		} else if (gunzip_read(g, (unsigned char *)file, nlen) != nlen ||
			   gz_take(g, (4 - (NEWC_HEADER + nlen) % 4) % 4, NULL) < 0) {
			return 0;
		}
		file[nlen && nlen <= sizeof(file) ? nlen - 1 : 0] = '\0';
		if (strcmp(file, "TRAILER!!!") == 0)
			return 0; /* the first archive only, as cpio -i */
		match = strcmp(strncmp(file, "./", 2) == 0 ? file + 2 : file, name) == 0 && S_ISREG(mode);
		if (gz_take(g, size, match ? s : NULL) < 0)
			return 0;
		if (match)
			return 1;
		if (gz_take(g, (4 - size % 4) % 4, NULL) < 0)
			return 0;
	}
	return 0;
}

void arm_embedded_sha(const char *path, const char *name, char out[65])
{
	static struct gunzip g;
	struct sha256 s;
	int found = 0, fd = open(path, O_RDONLY | O_CLOEXEC);

	(void)snprintf(out, 65, "unknown");
	if (fd < 0)
		return;
	if (gunzip_open(&g, fd) == 0) {
		sha256_init(&s);
		found = newc_find(&g, name, &s);
	}
	gunzip_close(&g);
	(void)close(fd); /* read-only */
	if (found)
		sha256_hex(&s, out);
}

/* The text of path, its trailing newlines cut (as $(cat path)); 0 or -1. */
static int read_text(const char *path, char *buf, size_t len)
{
	ssize_t n = read_small(path, buf, len);

	if (n < 0)
		return -1;
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

/* REUSE when state/NAME.sums records sums and state/NAME.img holds the
 * configuration config_sha, else BUILD. */
static enum arm_rebuild recorded(const char *state, const char *name, const char *config_sha, const char *sums)
{
	char path[1024], sha[65];
	static char text[4096];

	(void)snprintf(path, sizeof(path), "%s/%s.sums", state, name);
	if (read_text(path, text, sizeof(text)) < 0 || strcmp(text, sums) != 0)
		return ARM_REBUILD_BUILD;
	/* Missing, or not a file: "unknown", never config_sha. */
	(void)snprintf(path, sizeof(path), "%s/%s.img", state, name);
	arm_embedded_sha(path, ARM_INITRD_CONFIG, sha);
	return strcmp(sha, config_sha) == 0 ? ARM_REBUILD_REUSE : ARM_REBUILD_BUILD;
}

enum arm_rebuild arm_rebuild_distro(const char *state, const char *config_sha, const char *release,
				    const char *modules, char *sums, size_t len)
{
	struct sha256 s;
	char list_sha[65];

	sha256_init(&s);
	sha256_update(&s, modules, strlen(modules));
	sha256_hex(&s, list_sha);
	(void)snprintf(sums, len, "CONFIG_SHA256=%s RELEASE=%s MODULES_SHA256=%s", config_sha, release, list_sha);
	return recorded(state, "initramfs-distro", config_sha, sums);
}
enum arm_rebuild arm_rebuild(const char *state, const char *base, const char *config_sha, char *sums,
			     size_t len)
{
	char base_sha[65], sha[65];

	sums[0] = '\0';
	arm_embedded_sha(base, ARM_INITRD_CONFIG, sha);
	if (strcmp(sha, "unknown") == 0 || strcmp(sha, config_sha) == 0)
		return ARM_REBUILD_NONE;
	arm_file_sha(base, base_sha);
	(void)snprintf(sums, len, "CONFIG_SHA256=%s BASE=%s BASE_SHA256=%s", config_sha, base, base_sha);
	return recorded(state, "initramfs", config_sha, sums);
}
