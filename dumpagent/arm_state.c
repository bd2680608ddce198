/* arm_state.c: the "armed?" facts: checksums of what is loaded, and whether it changed (normal-boot side, arming). */
#include "arm_state.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "sha256.h"

#define LOADED_MAX 16384 /* bytes of $RUN/loaded read at most: it is ours, and small */

static unsigned char buf[65536];

/* Adds the file at path to s; 0, or -1 when it cannot be read. */
static int hash_file(struct sha256 *s, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	off_t off = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = pread_full(fd, buf, sizeof(buf), off)) > 0) {
		sha256_update(s, buf, (size_t)n);
		off += n;
	}
	(void)close(fd); /* read-only */
	return n < 0 ? -1 : 0;
}

void arm_file_sha(const char *path, char out[65])
{
	struct sha256 s;

	sha256_init(&s);
	if (hash_file(&s, path) < 0)
		(void)snprintf(out, 65, "unknown");
	else
		sha256_hex(&s, out);
}

void arm_layout_sha(const char *proc, const char *sysfs, char out[65])
{
	char path[1024], line[512];
	struct sha256 s;
	FILE *f;

	sha256_init(&s);
	(void)snprintf(path, sizeof(path), "%s/iomem", proc);
	f = fopen(path, "re");
	/* Lines longer than the buffer are hashed in pieces, as they come. */
	while (f && fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);

		if (!strstr(line, "System RAM"))
			continue;
		sha256_update(&s, line, len);
		if (len > 0 && line[len - 1] != '\n')
			sha256_update(&s, "\n", 1); /* the last line, unterminated */
	}
	if (f)
		(void)fclose(f); /* read-only */
	(void)snprintf(path, sizeof(path), "%s/devices/system/cpu/present", sysfs);
	(void)hash_file(&s, path);
	sha256_hex(&s, out);
}

/* The value of key in the record text (its first "KEY=" line), or NULL. */
static const char *recorded(const char *text, const char *key, char *val, size_t len)
{
	size_t klen = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		size_t n;

		if (strncmp(p, key, klen) != 0 || p[klen] != '=')
			continue;
		n = strcspn(p + klen + 1, "\n");
		(void)snprintf(val, len, "%.*s", (int)n, p + klen + 1);
		return val;
	}
	return NULL;
}

int arm_unchanged(const char *loaded_path, const struct arm_state *s)
{
	static char text[LOADED_MAX + 1], val[LOADED_MAX + 1];
	const char *keys[] = { "KERNEL", "INITRD", "KERNEL_SHA256", "INITRD_SHA256",
			       "CONFIG_SHA256", "CMDLINE", "LAYOUT_SHA256" };
	const char *now[] = { s->kernel, s->initrd, s->kernel_sha, s->initrd_sha,
			      s->config_sha, s->cmdline, s->layout_sha };
	int fd = open(loaded_path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = pread_full(fd, text, LOADED_MAX, 0);
	(void)close(fd); /* read-only */
	if (n < 0)
		return 0;
	text[n] = '\0';
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!recorded(text, keys[i], val, sizeof(val)) || strcmp(val, now[i]) != 0)
			return 0;
	return 1;
}
