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

#include "capture_dir.h"
#include "command.h"
#include "dump_format.h"
#include "io.h"
#include "log.h"
#include "outbuf.h"
#include "rename_noreplace.h"
#include "report_embed.h"
#include "text.h"

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

/* What export writes: a copy of the report, or (when the report has no
 * VmCore: REPORT_VMCORE=boot not run yet, or export) the report completed
 * with dump, as dumpagent complete would. */
struct export_src {
	int in, dump;
	unsigned long long size;
};

static int fill(int out, const struct export_src *src)
{
	static struct outbuf o;
	char err[256];

	if (src->dump < 0)
		return copy(src->in, out, src->size);
	outbuf_init(&o, out);
	if (report_embed_write(&o, src->in, src->dump, err, sizeof(err)) == 0)
		return 0;
	log_error("export: embedding the dump: %s", err);
	return o.err ? o.err : -EIO;
}

/* Writes src to a new file name of destfd, durably: written as .<name>.part,
 * fsynced, renamed without replacing, destfd fsynced. 0600, even in apport's
 * setgid directory: its group (whoopsie) must not read a memory image;
 * apport's tools read it as root. 0 or -errno. */
static int publish(const struct export_src *src, int destfd, const char *name)
{
	char tmp[300];
	int r, out;

	(void)snprintf(tmp, sizeof(tmp), ".%s.part", name);
	out = openat(destfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return -errno;
	r = fchmod(out, 0600) < 0 ? -errno : fill(out, src); /* whatever the umask */
	if (r == 0 && fsync(out) < 0)
		r = -errno;
	if (close(out) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename_noreplace(destfd, tmp, destfd, name) < 0)
		r = -errno;
	if (r < 0)
		(void)unlinkat(destfd, tmp, 0); /* best effort: the error is what counts */
	else if (fsync(destfd) < 0)
		r = -errno; /* the report is in place, but may not survive a crash */
	return r;
}

/* The dump to embed in an export of report in (read to its end to see, then
 * rewound), or -1: the report has its VmCore, or the dump is not there. */
static int dump_to_embed(const struct dump_entry *e, int dumpfd, int in)
{
	char dump[DUMP_NAME_MAX];
	struct stat st;
	int has = report_has_vmcore(in), fd;

	if (lseek(in, 0, SEEK_SET) < 0 || has != 0 || e->status != DUMP_COMPLETE)
		return -1; /* a read error shows again in the copy */
	fd = cli_open_file(dumpfd, dump_file_name(DUMP_FILE_DUMP, e->id, dump), &st);
	return fd < 0 ? -1 : fd;
}

/* Apport's convention for a system crash report: the top of /var/crash, root. */
static int export_apport(const struct dump_entry *e, int dumpfd)
{
	struct export_src src;
	const char *dest = getenv("DUMPAGENT_APPORT_DIR") ? getenv("DUMPAGENT_APPORT_DIR") : "/var/crash";
	char name[256];
	struct stat st;
	int in, destfd, r;

	if (cli_find_report(e->id, dumpfd, name, sizeof(name)) < 0) {
		log_error("dump %s has no apport report (linux-image-*-%s.crash); try export --tar",
			  e->id, e->id);
		return EXIT_FAILED;
	}
	in = cli_open_file(dumpfd, name, &st);
	if (in < 0) {
		log_errno(-in, "open %s/%s/%s (a regular file of root's)", e->where, e->id, name);
		return EXIT_FAILED;
	}
	destfd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (destfd < 0) {
		log_errno(errno, "open %s", dest);
		(void)close(in); /* read-only */
		return EXIT_FAILED;
	}
	src = (struct export_src){ in, dump_to_embed(e, dumpfd, in), (unsigned long long)st.st_size };
	r = publish(&src, destfd, name);
	if (src.dump >= 0)
		(void)close(src.dump); /* read-only */
	(void)close(in); /* read-only */
	(void)close(destfd); /* read-only */
	if (r < 0) {
		log_errno(-r, "export %s/%s/%s to %s/%s", e->where, e->id, name, dest, name);
		return EXIT_FAILED;
	}
	printf("%s/%s\n", dest, name);
	return EXIT_OK;
}

#define USTAR_SIZE_MAX 077777777777ULL /* 11 octal digits: 8 GiB - 1 */

/* One ustar header: name "ID/file", mode 0600, root, type (regular '0', pax 'x'). */
static int tar_header(int out, const char *id, const char *name, unsigned long long size,
		      long long mtime, char type)
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
	/* A bigger size is in the pax header before this one; readers take it from there. */
	(void)snprintf((char *)h + 124, 12, "%011llo", size > USTAR_SIZE_MAX ? 0ULL : size);
	(void)snprintf((char *)h + 136, 12, "%011llo", (unsigned long long)mtime & USTAR_SIZE_MAX);
	memset(h + 148, ' ', 8);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (size_t i = 0; i < sizeof(h); i++)
		sum += h[i];
	(void)snprintf((char *)h + 148, 8, "%06o", sum);
	return write_all(out, h, sizeof(h));
}

/* POSIX pax extended header carrying "size" for a file over 8 GiB - 1, which
 * ustar's 11 octal digits cannot hold: "<len> size=<n>\n", len counting itself. */
static int pax_size(int out, const char *id, unsigned long long size)
{
	char rec[512] = { 0 };
	int len = 0, n;

	for (n = 20; n != len;) { /* the length's own digits change the length */
		len = n;
		n = snprintf(rec, sizeof(rec), "%d size=%llu\n", len, size);
	}
	n = tar_header(out, id, "PaxHeader", (unsigned long long)len, 0, 'x');
	return n < 0 ? n : write_all(out, rec, sizeof(rec)); /* one block, zero padded */
}

static int tar_file(int out, int dumpfd, const char *id, const char *name)
{
	static const char zeros[512];
	unsigned long long size;
	struct stat st;
	int r, fd = cli_open_file(dumpfd, name, &st);

	if (fd == -EPERM || fd == -ELOOP)
		return 0; /* a link, or not a regular file of root's: no file of the dump, left out */
	if (fd < 0)
		return fd;
	size = (unsigned long long)st.st_size;
	r = size > USTAR_SIZE_MAX ? pax_size(out, id, size) : 0;
	if (r == 0)
		r = tar_header(out, id, name, size, (long long)st.st_mtime, '0');
	if (r == 0)
		r = copy(fd, out, size);
	if (r == 0 && size % 512)
		r = write_all(out, zeros, 512 - (size_t)(size % 512));
	(void)close(fd); /* read-only */
	return r;
}

static int write_tar(int out, int dumpfd, const char *id, char *failed, size_t len)
{
	static const char end[1024];
	struct dirent *de;
	int r = 0, fd = dup(dumpfd);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);

	if (!dir) {
		r = -errno;
		if (fd >= 0)
			(void)close(fd); /* read-only */
		return r;
	}
	rewinddir(dir);
	while (r == 0 && (de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		r = tar_file(out, dumpfd, id, de->d_name);
		if (r < 0)
			(void)text_copy(failed, len, de->d_name, sizeof(de->d_name));
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
		return EXIT_FAILED;
	}
	r = write_tar(out, dumpfd, e->id, failed, sizeof(failed));
	if (r == 0 && strcmp(path, "-") != 0 && fsync(out) < 0)
		r = -errno;
	if (close(out) < 0 && r == 0)
		r = -errno;
	if (r < 0) {
		log_errno(-r, "write %s (at %s/%s/%s)", path, e->where, e->id, failed);
		return EXIT_FAILED;
	}
	if (strcmp(path, "-") != 0)
		log_info("wrote %s/%s to %s", e->where, e->id, path);
	return EXIT_OK;
}

int cli_export(int argc, char **argv)
{
	static struct cli c;
	const struct dump_entry *e;
	int dumpfd = -1, r = cli_start(&c, "export", argc, argv);

	if (r == EXIT_OK && !c.tar == !c.apport)
		r = command_usage_error("export", "expected one of --apport or --tar FILE");
	if (r == EXIT_OK)
		r = cli_open_dump(&c, &e, &dumpfd);
	if (r == EXIT_OK) {
		/* Said before anything leaves the root-only directory: a kernel dump
		 * is the crashed kernel's memory, and dm-crypt keeps the volume key
		 * of every open encrypted disk there (the keyring reference in its
		 * table is only a name for it), so a dump shared is a key shared. */
		log_warning("dump %s holds the crashed kernel's memory, with the keys of every encrypted disk "
			    "(dm-crypt, LUKS) that was open: give it only to whom you would give those disks",
			    c.arg);
		r = c.tar ? export_tar(e, dumpfd, c.tar) : export_apport(e, dumpfd);
		(void)close(dumpfd); /* read-only */
	}
	cli_finish(&c);
	return r;
}
