/* arm_state.c: the "armed?" facts: checksums of what is loaded, and whether it changed (normal-boot side, arming). */
#include "arm_state.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "arm_record.h"
#include "io.h"
#include "sha256.h"

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

int arm_unchanged(const char *loaded_path, const struct arm_state *s)
{
	static char text[ARM_RECORD_MAX], val[ARM_RECORD_MAX];
	const char *keys[] = { "KERNEL", "INITRD", "KERNEL_SHA256", "INITRD_SHA256",
			       "CONFIG_SHA256", "CMDLINE", "LAYOUT_SHA256" };
	const char *now[] = { s->kernel, s->initrd, s->kernel_sha, s->initrd_sha,
			      s->config_sha, s->cmdline, s->layout_sha };

	if (arm_record_read(loaded_path, text, sizeof(text)) < 0)
		return 0;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!arm_record_value(text, keys[i], val, sizeof(val)) || strcmp(val, now[i]) != 0)
			return 0;
	return 1;
}
