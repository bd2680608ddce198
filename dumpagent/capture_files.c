/* capture_files.c: writer side: each file of a new dump directory, written atomically: dmesg, dump, fallback core, log.
 *
 * Every file is written as NAME.part, then published by capture_dir_publish
 * (0600, fsync, rename without replacing, fsync of the directory), so a dump
 * cut short leaves only .part names, never a file that looks complete. */
#include "capture_files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "capture_dir.h"
#include "dump_format.h"
#include "fallback.h"
#include "io.h"
#include "log.h"
#include "outbuf.h"
#include "progress.h"
#include "runner.h"

/* Below this, a failed write is taken to be a full disk. */
#define NO_SPACE_BYTES (4ULL << 20)

static int out_of_space(int dirfd)
{
	struct statvfs vfs;

	return fstatvfs(dirfd, &vfs) == 0 &&
	       (unsigned long long)vfs.f_bfree * vfs.f_frsize < NO_SPACE_BYTES;
}

/* Removes a partial file; says whether the disk was full first. */
static enum save_result discard(const struct save_ctx *s, const char *tmp)
{
	enum save_result r = out_of_space(s->dirfd) ? SAVE_NO_SPACE : SAVE_FAILED;

	if (unlinkat(s->dirfd, tmp, 0) < 0 && errno != ENOENT)
		log_errno(errno, "remove partial %s/%s", s->dirname, tmp);
	if (r == SAVE_NO_SPACE)
		log_error("the target is full: removed the partial %s/%s", s->dirname, tmp);
	return r;
}

static enum save_result publish(const struct save_ctx *s, const char *tmp, const char *final)
{
	int renamed, r = capture_dir_publish_at(s->dirfd, tmp, final, &renamed);

	if (r < 0 && renamed) { /* saved: only the directory entry may not be durable */
		log_errno(-r, "fsync %s/%s after renaming %s into it (saved, but a power loss may "
			  "lose it)", s->crash_dir, s->dirname, final);
		log_info("saved %s/%s/%s", s->crash_dir, s->dirname, final);
		return SAVE_OK;
	}
	if (r < 0) {
		log_errno(-r, "publish %s/%s", s->dirname, final);
		return discard(s, tmp) == SAVE_NO_SPACE ? SAVE_NO_SPACE : SAVE_UNPUBLISHED;
	}
	log_info("saved %s/%s/%s", s->crash_dir, s->dirname, final);
	return SAVE_OK;
}

/* Hazard: makedumpfile keeps its bitmaps in a file in $TMPDIR (default
 * /tmp) when the free memory would hold both in one cycle, and /tmp in the
 * capture kernel is the initramfs's tmpfs: the same reserved memory, counted
 * twice. At crashkernel=32M on a 4 GB guest the file did not fit ("Can't
 * write the bitmap(/tmp/kdump_bitmap...). No space left on device": make
 * bench ARCH=arm64 at fc3b428, with makedumpfile 1.7.6's larger libraries).
 * TMPDIR=. puts it in the new dump directory on the target, where
 * makedumpfile runs; makedumpfile unlinks it as soon as it is open.
 *
 * Hazard: the threads of Debian 12's makedumpfile 1.7.2 close(0) as they
 * end, and glibc's pthread_exit dlopens libgcc_s.so.1, whose file can get
 * fd 0 and be closed under it by another thread: "libgcc_s.so.1 must be
 * installed for pthread_exit to work", and makedumpfile aborts (strace in
 * the capture kernel; 40% of QEMU runs of test-e2e-threads). Preloaded,
 * libgcc_s is loaded before any thread starts and the dlopen opens nothing.
 * A static makedumpfile ignores LD_PRELOAD. Only the threaded run has it.
 *
 * Both are makedumpfile's environment only (run_in_dir's env), never the
 * agent's. */
static const char *const mdf_env[] = { "TMPDIR", ".", NULL };
static const char *const mdf_env_threads[] = { "TMPDIR", ".", "LD_PRELOAD", "libgcc_s.so.1", NULL };

/* Runs makedumpfile FLAGS VMCORE FILE.part, then publishes FILE (what: for messages). */
static enum save_result run_makedumpfile(const struct save_ctx *s, enum dump_file file,
					 const char *what, const char *const flags[], const char *const env[])
{
	static struct progress prog;
	struct run_watch watch;
	char tmp[DUMP_NAME_MAX + 8], final[DUMP_NAME_MAX];
	const char *argv[10];
	int n = 0, r;

	if (dump_part_name(dump_file_name(file, s->dirname, final), tmp, sizeof(tmp)) < 0)
		return SAVE_FAILED; /* cannot be: a dump id is short */
	argv[n++] = s->makedumpfile;
	for (int i = 0; flags[i] && n < 7; i++)
		argv[n++] = flags[i];
	argv[n++] = s->vmcore;
	argv[n++] = tmp;
	argv[n] = NULL;
	progress_watch(&prog, &watch, what, s->dirfd, tmp);
	r = run_in_dir(s->dirfd, (char *const *)argv, env, &watch);
	if (r != 0) {
		if (r < 0)
			log_errno(-r, "run %s", s->makedumpfile);
		else if (r == 127)
			log_error("%s for %s: not found", s->makedumpfile, what);
		else
			log_error("%s for %s failed with status %d", s->makedumpfile, what, r);
		return discard(s, tmp);
	}
	return publish(s, tmp, final);
}

enum save_result save_dmesg(const struct save_ctx *s)
{
	static const char *const flags[] = { "--dump-dmesg", NULL };

	return run_makedumpfile(s, DUMP_FILE_DMESG, "dmesg", flags, mdf_env);
}

enum save_result save_dump(const struct save_ctx *s, int dump_level, const char *compression,
			   unsigned threads)
{
	char level[4], count[12];
	const char *flags[6] = { "-d", level, NULL, NULL, NULL, NULL };
	int n = 2;

	(void)snprintf(level, sizeof(level), "%d", dump_level);
	if (strcmp(compression, "zlib") == 0)
		flags[n++] = "-c";
	else if (strcmp(compression, "lzo") == 0)
		flags[n++] = "-l";
	else if (strcmp(compression, "zstd") == 0)
		flags[n++] = "-z"; /* initramfs/build.sh checks that makedumpfile has it */
	if (threads > 1) {
		(void)snprintf(count, sizeof(count), "%u", threads);
		flags[n++] = "--num-threads";
		flags[n++] = count;
	}
	return run_makedumpfile(s, DUMP_FILE_DUMP, "dump", flags, threads > 1 ? mdf_env_threads : mdf_env);
}

enum save_result save_fallback(const struct save_ctx *s)
{
	char tmp[DUMP_NAME_MAX + 8], final[DUMP_NAME_MAX], err[256];
	int r;

	if (dump_part_name(dump_file_name(DUMP_FILE_VMCORE_GZ, s->dirname, final), tmp,
			   sizeof(tmp)) < 0)
		return SAVE_FAILED; /* cannot be: a dump id is short */
	log_info("fallback: writing the unfiltered vmcore through zlib to %s", final);
	r = fallback_gzip_vmcore(s->vmcore, s->dirfd, tmp, err, sizeof(err));
	if (r < 0) {
		log_error("fallback: %s", err);
		return discard(s, tmp);
	}
	return publish(s, tmp, final);
}

enum save_result save_file(const struct save_ctx *s, const char *final, save_fill_fn fill,
			   void *arg)
{
	static struct outbuf o;
	char tmp[DUMP_NAME_MAX + 8], err[512] = "";
	int fd, r;

	if (dump_part_name(final, tmp, sizeof(tmp)) < 0) {
		log_error("create %s/%s%s: name too long", s->dirname, final, DUMP_PART_SUFFIX);
		return SAVE_FAILED;
	}
	fd = openat(s->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		int e = errno; /* log_errno may change errno */

		log_errno(e, "create %s/%s", s->dirname, tmp);
		return e == ENOSPC ? SAVE_NO_SPACE : SAVE_FAILED;
	}
	outbuf_init(&o, fd);
	r = fill(&o, arg, err, sizeof(err));
	if (outbuf_flush(&o) < 0 && r == 0) {
		(void)snprintf(err, sizeof(err), "%s", strerror(-o.err));
		r = -1;
	}
	if (close(fd) < 0 && r == 0) {
		(void)snprintf(err, sizeof(err), "close: %s", strerror(errno));
		r = -1;
	}
	if (r < 0) {
		log_error("write %s/%s: %s", s->dirname, tmp, err);
		if (o.err == -ENOSPC) {
			(void)unlinkat(s->dirfd, tmp, 0); /* best effort: the disk is full */
			log_error("the target is full: removed the partial %s/%s", s->dirname, tmp);
			return SAVE_NO_SPACE;
		}
		return discard(s, tmp);
	}
	return publish(s, tmp, final);
}

static int fill_log(struct outbuf *o, void *arg, char *err, size_t errlen)
{
	size_t len;
	const char *text = log_kept(&len);

	(void)arg, (void)err, (void)errlen;
	outbuf_write(o, text, len);
	return 0;
}

enum save_result save_log(const struct save_ctx *s)
{
	char name[DUMP_NAME_MAX];

	return save_file(s, dump_file_name(DUMP_FILE_LOG, s->dirname, name), fill_log, NULL);
}
