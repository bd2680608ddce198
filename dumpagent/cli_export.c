/* cli_export.c: dumpagent export ID --apport | --tar FILE. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crashdir.h"
#include "io.h"
#include "log.h"

static char buf[65536];

/* Copies size bytes of in to out. 0 or -errno (-EIO when in is shorter). */
static int copy(int in, int out, unsigned long long size)
{
	off_t off = 0;

	while (size > 0) {
		size_t want = size < sizeof(buf) ? (size_t)size : sizeof(buf);
		ssize_t n = pread_full(in, buf, want, off);
		int r;

		if (n < 0)
			return (int)n;
		if ((size_t)n != want)
			return -EIO;
		r = write_all(out, buf, (size_t)n);
		if (r < 0)
			return r;
		off += n;
		size -= (unsigned long long)n;
	}
	return 0;
}

/* The apport report of dump e: linux-image-<release>-<id>.crash. */
static int find_report(const struct dump_entry *e, int dumpfd, char *name, size_t len)
{
	char suffix[CRASHDIR_NAME_MAX + 8];
	struct dirent *de;
	int found = -1, fd = dup(dumpfd);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);

	if (!dir)
		return -1;
	(void)snprintf(suffix, sizeof(suffix), "-%s.crash", e->id);
	while (found < 0 && (de = readdir(dir)) != NULL) {
		size_t n = strlen(de->d_name), k = strlen(suffix);

		if (strncmp(de->d_name, "linux-image-", 12) == 0 && n > k && n < len &&
		    strcmp(de->d_name + n - k, suffix) == 0) {
			memcpy(name, de->d_name, n + 1);
			found = 0;
		}
	}
	(void)closedir(dir); /* read-only */
	return found;
}

/* Apport's convention for a system crash report: top of /var/crash, root, 0640. */
static int export_apport(const struct dump_entry *e, int dumpfd)
{
	const char *dest = getenv("DUMPAGENT_APPORT_DIR") ? getenv("DUMPAGENT_APPORT_DIR") : "/var/crash";
	char name[256], tmp[300];
	struct stat st;
	int in, out, destfd, r;

	if (find_report(e, dumpfd, name, sizeof(name)) < 0) {
		fprintf(stderr, "dumpagent: export: dump %s has no apport report (linux-image-*-%s.crash);"
				" try export --tar\n", e->id, e->id);
		return CLI_FAILED;
	}
	destfd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (destfd < 0) {
		log_errno(errno, "open %s", dest);
		return CLI_FAILED;
	}
	(void)snprintf(tmp, sizeof(tmp), ".%s.part", name);
	in = openat(dumpfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	out = openat(destfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
	r = in < 0 || out < 0 ? -errno : fstat(in, &st) < 0 ? -errno : copy(in, out, (unsigned long long)st.st_size);
	if (out >= 0 && fsync(out) < 0 && r == 0)
		r = -errno;
	if (out >= 0 && close(out) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat2(destfd, tmp, destfd, name, RENAME_NOREPLACE) < 0)
		r = -errno;
	if (r < 0 && out >= 0)
		(void)unlinkat(destfd, tmp, 0);
	if (in >= 0)
		(void)close(in);
	(void)close(destfd);
	if (r < 0) {
		log_errno(-r, "export %s/%s/%s to %s/%s", e->where, e->id, name, dest, name);
		return CLI_FAILED;
	}
	printf("%s/%s\n", dest, name);
	return CLI_OK;
}

/* One ustar header: name "ID/file", mode 0600, root, regular. */
static int tar_header(int out, const char *id, const char *name, const struct stat *st)
{
	unsigned char h[512] = { 0 };
	unsigned sum = 0;

	size_t k = strlen(id), n = strlen(name);

	if (k + 1 + n >= 100)
		return -ENAMETOOLONG;
	memcpy(h, id, k);
	h[k] = '/';
	memcpy(h + k + 1, name, n);
	(void)snprintf((char *)h + 100, 8, "%07o", 0600);
	(void)snprintf((char *)h + 108, 8, "%07o", 0);
	(void)snprintf((char *)h + 116, 8, "%07o", 0);
	(void)snprintf((char *)h + 124, 12, "%011llo", (unsigned long long)st->st_size);
	(void)snprintf((char *)h + 136, 12, "%011llo", (unsigned long long)st->st_mtime);
	memset(h + 148, ' ', 8);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (size_t i = 0; i < sizeof(h); i++)
		sum += h[i];
	(void)snprintf((char *)h + 148, 8, "%06o", sum);
	return write_all(out, h, sizeof(h));
}

static int tar_file(int out, int dumpfd, const char *id, const char *name)
{
	static const char zeros[512];
	struct stat st;
	int r, fd = openat(dumpfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > 077777777777LL) {
		(void)close(fd);
		return 0; /* not a regular file of the dump, or too big for ustar: left out */
	}
	r = tar_header(out, id, name, &st);
	if (r == 0)
		r = copy(fd, out, (unsigned long long)st.st_size);
	if (r == 0 && st.st_size % 512)
		r = write_all(out, zeros, 512 - (size_t)(st.st_size % 512));
	(void)close(fd); /* read-only */
	return r;
}

static int write_tar(int out, int dumpfd, const char *id, char *failed, size_t len)
{
	static const char end[1024];
	struct dirent *de;
	int r = 0, fd = dup(dumpfd);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);

	if (!dir)
		return -errno;
	while (r == 0 && (de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		r = tar_file(out, dumpfd, id, de->d_name);
		if (r < 0)
			cli_sanitize(failed, len, de->d_name);
	}
	(void)closedir(dir); /* read-only */
	return r < 0 ? r : write_all(out, end, sizeof(end));
}

static int export_tar(const struct dump_entry *e, int dumpfd, const char *path)
{
	char failed[256] = "";
	int r, out = strcmp(path, "-") == 0
			     ? dup(STDOUT_FILENO)
			     : open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (out < 0) {
		log_errno(errno, "create %s (an existing file is never replaced)", path);
		return CLI_FAILED;
	}
	r = write_tar(out, dumpfd, e->id, failed, sizeof(failed));
	if (r == 0 && strcmp(path, "-") != 0 && fsync(out) < 0)
		r = -errno;
	if (close(out) < 0 && r == 0)
		r = -errno;
	if (r < 0) {
		log_errno(-r, "write %s (at %s/%s/%s)", path, e->where, e->id, failed);
		return CLI_FAILED;
	}
	if (strcmp(path, "-") != 0)
		fprintf(stderr, "dumpagent: wrote %s/%s to %s\n", e->where, e->id, path);
	return CLI_OK;
}

int cli_export(int argc, char **argv)
{
	static struct cli c;
	const struct dump_entry *e;
	int dumpfd, r = cli_start(&c, "export", argc, argv);

	if (r == CLI_OK && !c.tar == !c.apport) {
		fputs("dumpagent: export: expected one of --apport or --tar FILE; see dumpagent --help\n",
		      stderr);
		r = CLI_USAGE;
	}
	if (r == CLI_OK)
		r = cli_scan(&c);
	if (r != CLI_OK)
		return r;
	e = cli_dump(&c, c.arg);
	dumpfd = e ? openat(e->dirfd, e->id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
	if (!e)
		r = CLI_NO_DUMP;
	else if (dumpfd < 0) {
		log_errno(errno, "open %s/%s", e->where, e->id);
		r = CLI_FAILED;
	} else
		r = c.tar ? export_tar(e, dumpfd, c.tar) : export_apport(e, dumpfd);
	if (dumpfd >= 0)
		(void)close(dumpfd);
	cli_finish(&c);
	return r;
}
