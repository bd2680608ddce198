/* arm_record.c: $RUN/loaded, the record of what load-crashkernel armed: written atomically, and read back (normal-boot side, arming). */
#include "arm_record.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"

const char *arm_record_value(const char *text, const char *key, char *val, size_t len)
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

int arm_record_read(const char *path, char *text, size_t len)
{
	return read_small(path, text, len) < 0 ? -1 : 0;
}

/* The text of the record, in the order load-crashkernel(8) documents. */
static int record_text(const struct arm_state *s, const struct arm_loaded *l, char *buf, size_t len)
{
	int n = snprintf(buf, len,
			 "KERNEL=%s\nKERNEL_SHA256=%s\nINITRD=%s\nINITRD_SHA256=%s\nCONFIG=%s\n"
			 "CONFIG_SHA256=%s\nINITRD_CONFIG_SHA256=%s\nCMDLINE=%s\nMETHOD=%s\n"
			 "LAYOUT_SHA256=%s\nLOADED_AT=%lld\nMODE=%s\n",
			 s->kernel, s->kernel_sha, s->initrd, s->initrd_sha, l->config, s->config_sha,
			 l->embedded_sha, s->cmdline, l->method, s->layout_sha, (long long)l->at,
			 l->mode ? l->mode : "small");

	return n < 0 || (size_t)n >= len ? -1 : n;
}

int arm_record_write(const char *run, const struct arm_state *s, const struct arm_loaded *l, char *why,
		     size_t len)
{
	static char text[ARM_RECORD_MAX];
	char tmp[1024], path[1024];
	int n = record_text(s, l, text, sizeof(text)), fd, err;

	(void)snprintf(tmp, sizeof(tmp), "%s/loaded.tmp", run);
	(void)snprintf(path, sizeof(path), "%s/loaded", run);
	if (n < 0) {
		(void)snprintf(why, len, "write %s: the record is longer than %d bytes", tmp, ARM_RECORD_MAX);
		return -1;
	}
	if ((mkdir(run, 0700) < 0 && errno != EEXIST) || chmod(run, 0700) < 0) {
		(void)snprintf(why, len, "mkdir %s: %s", run, strerror(errno));
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		(void)snprintf(why, len, "open %s: %s", tmp, strerror(errno));
		return -1;
	}
	err = write_all(fd, text, (size_t)n);
	if (close(fd) < 0 && err == 0)
		err = -errno;
	if (err == 0 && rename(tmp, path) < 0)
		err = -errno;
	if (err < 0) {
		(void)snprintf(why, len, "write %s: %s", path, strerror(-err));
		(void)unlink(tmp); /* what is left of it is of no use */
		return -1;
	}
	return 0;
}

int arm_previous(const char *path, struct arm_previous *p)
{
	static char text[ARM_RECORD_MAX], val[ARM_RECORD_MAX];
	char sha[65];

	memset(p, 0, sizeof(*p));
	if (arm_record_read(path, text, sizeof(text)) < 0 ||
	    !arm_record_value(text, "KERNEL", p->kernel, sizeof(p->kernel)))
		return -1;
	(void)arm_record_value(text, "INITRD", p->initrd, sizeof(p->initrd));
	(void)arm_record_value(text, "CMDLINE", p->cmdline, sizeof(p->cmdline));
	(void)arm_record_value(text, "METHOD", p->method, sizeof(p->method));
	arm_file_sha(p->kernel, sha);
	p->intact = arm_record_value(text, "KERNEL_SHA256", val, sizeof(val)) && strcmp(val, sha) == 0;
	arm_file_sha(p->initrd, sha);
	p->intact = p->intact && arm_record_value(text, "INITRD_SHA256", val, sizeof(val)) && strcmp(val, sha) == 0;
	return 0;
}
