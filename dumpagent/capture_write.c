/* capture_write.c: writer side: what a capture writes, in order: dmesg, summary, dump, report.
 *
 * The dmesg text and the summary come first and are made durable before the
 * dump starts: they are small and worth the most. The report comes last,
 * because it embeds the dump. */
#include "capture_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "log.h"
#include "osrelease.h"
#include "capture_report.h"
#include "report_embed.h"
#include "screen.h"

struct save_ctx save_ctx_of(const struct capture *c)
{
	return (struct save_ctx){ c->dumpfd, c->dirname, c->crash_path, c->opts->vmcore,
				  c->opts->makedumpfile };
}

static int open_in_dump_dir(const struct capture *c, const char *name)
{
	return openat(c->dumpfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
}

/* The facts come from the dmesg just saved, and from the vmcore. */
static enum save_result save_facts(struct capture *c, int have_dmesg)
{
	struct save_ctx s = save_ctx_of(c);
	char name[DUMP_NAME_MAX];
	int fd = -1, r;

	dmesg_facts_clear(&c->facts);
	dump_file_name(DUMP_FILE_DMESG, c->dirname, name);
	if (have_dmesg && (fd = open_in_dump_dir(c, name)) < 0)
		log_errno(errno, "open %s/%s to read the panic", c->dirname, name);
	r = fd >= 0 ? dmesg_scan_fd(fd, &c->facts, c->vmcore.osrelease) : 0;
	if (fd >= 0)
		(void)close(fd); /* read-only */
	if (r < 0)
		log_errno(-r, "read %s/%s", c->dirname, name);
	summary_init(&c->summary, c->dirname, &c->vmcore, &c->facts);
	log_info("panic: %s", c->facts.panic[0] ? c->facts.panic : "(not found in the dmesg)");
	screen_crash(&c->summary);
	return save_summary(&s, &c->summary);
}

/* The worst case: all memory, unfiltered and uncompressed. */
static void estimate_dump(const struct capture *c)
{
	unsigned long long worst = c->vmcore.memory_bytes >> 20, avail;
	struct statvfs vfs;

	if (fstatvfs(c->dumpfd, &vfs) < 0) {
		log_errno(errno, "statvfs %s/%s", c->crash_path, c->dirname);
		return;
	}
	avail = ((unsigned long long)vfs.f_bavail * vfs.f_frsize) >> 20;
	if (c->vmcore.memory_error[0]) { /* warned by check_vmcore */
		log_info("dump size: unknown (the vmcore's ELF core header is wrong); %llu MiB free", avail);
		return;
	}
	log_info("dump size: at most %llu MiB (all memory, before dump level %d and %s "
		 "compression); %llu MiB free",
		 worst, config_dump_level(&c->cfg), config_get(&c->cfg, KEY_COMPRESSION), avail);
	if (worst > avail)
		log_info("if the disk fills up during the dump, the partial dump is removed; "
			 "the dmesg and the summary are already saved");
}

/* The marker comes after save_dump or save_fallback published the file: renamed and fsynced. */
static void log_dump_written(const struct capture *c)
{
	char name[DUMP_NAME_MAX];
	struct stat st;

	dump_file_name(c->fallback ? DUMP_FILE_VMCORE_GZ : DUMP_FILE_DUMP, c->dirname, name);
	if (fstatat(c->dumpfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		log_errno(errno, "stat %s/%s", c->dirname, name);
		return;
	}
	log_info("dump written (id=%s bytes=%llu)", c->dirname, (unsigned long long)st.st_size);
}

/* makedumpfile's dump, or when it made none and the disk is not full, our own core. */
static enum save_result save_memory(struct capture *c)
{
	struct save_ctx s = save_ctx_of(c);
	enum save_result dump;

	estimate_dump(c);
	screen_status("Saving the memory dump to %s/%s...", c->crash_path, c->dirname);
	if (c->threads > 1)
		log_info("makedumpfile: %u threads, one a CPU (nr_cpus=%u)", c->threads, c->threads);
	dump = save_dump(&s, config_dump_level(&c->cfg), config_get(&c->cfg, KEY_COMPRESSION), c->threads);
	/* Threads are the newer path through makedumpfile: when it failed with
	 * them, before the whole vmcore, the filtered dump once more with one.
	 * A dump made but not published (SAVE_UNPUBLISHED: fsync, rename) is
	 * no fault of the threads: the whole vmcore next, as without them. */
	if (dump == SAVE_FAILED && c->threads > 1) {
		log_info("makedumpfile with %u threads made no dump: once more with one", c->threads);
		dump = save_dump(&s, config_dump_level(&c->cfg), config_get(&c->cfg, KEY_COMPRESSION), 1);
	}
	if (dump != SAVE_NO_SPACE && dump != SAVE_OK) {
		screen_status("makedumpfile failed: saving the whole vmcore, gzipped...");
		dump = save_fallback(&s);
		c->fallback = dump == SAVE_OK;
	}
	if (dump == SAVE_OK)
		log_dump_written(c);
	return dump;
}

/* The dump file to embed in the report as VmCore, when it is small enough
 * and fits on the target a second time (base64 adds a third). */
static int open_vmcore_to_embed(const struct capture *c, const char *name)
{
	unsigned long long reserve = (unsigned long long)config_min_free_mb(&c->cfg) << 20;
	struct statvfs vfs;
	struct stat st;
	const char *no;
	int fd = open_in_dump_dir(c, name);

	if (fd < 0 || fstat(fd, &st) < 0 || fstatvfs(c->dumpfd, &vfs) < 0) {
		log_errno(errno, "open %s/%s to embed it in the report", c->dirname, name);
		goto no;
	}
	no = report_embed_refusal((unsigned long long)st.st_size, config_report_vmcore_max_mb(&c->cfg), reserve,
				  (unsigned long long)vfs.f_bavail * vfs.f_frsize);
	if (no) {
		log_info("report: %s (%llu MiB) is not embedded: %s", name, (unsigned long long)st.st_size >> 20, no);
		goto no;
	}
	return fd;
no:
	if (fd >= 0)
		(void)close(fd); /* read-only */
	return -1;
}

/* What the report's log line says of the VmCore: REPORT_VMCORE=boot and
 * export leave it to dumpagent complete at the next boot, or to export. */
static const char *vmcore_fate(const struct capture *c, int embedded)
{
	const char *when = config_get(&c->cfg, KEY_REPORT_VMCORE);

	if (embedded)
		return "embedded";
	if (!c->have_dump)
		return "none";
	if (c->fallback || strcmp(when, "capture") == 0)
		return "not embedded";
	return strcmp(when, "boot") == 0 ? "at the next boot" : "on export";
}

static void save_report_file(struct capture *c)
{
	struct save_ctx s = save_ctx_of(c);
	char dump[DUMP_NAME_MAX], dmesg[DUMP_NAME_MAX], report[DUMP_NAME_MAX], distro[128] = "";
	char path[sizeof(c->crash_path) + 2 * DUMP_NAME_MAX];
	struct report_input in = { &c->summary, distro, -1, -1, 0, NULL };
	enum save_result r = SAVE_FAILED;
	int embed_now;

	dump_file_name(c->fallback ? DUMP_FILE_VMCORE_GZ : DUMP_FILE_DUMP, c->dirname, dump);
	(void)snprintf(path, sizeof(path), "%s/%s/%s", c->crash_path, c->dirname, dump);
	dump_file_name(DUMP_FILE_DMESG, c->dirname, dmesg);
	in.vmcore_path = c->have_dump ? path : NULL;
	in.vmcore_compressed = strcmp(config_get(&c->cfg, KEY_COMPRESSION), "none") != 0;
	(void)distro_release(c->rootfd, distro, sizeof(distro)); /* none: not a root filesystem */
	/* REPORT_VMCORE=boot (the default): the base64 copy would double the
	 * bytes written before the reboot; dumpagent complete makes it later. */
	embed_now = strcmp(config_get(&c->cfg, KEY_REPORT_VMCORE), "capture") == 0;
	for (int attempt = 0; attempt < 2; attempt++) {
		/* A gzipped fallback core is not a core file: VmCorePath names it. */
		in.vmcore_fd = c->have_dump && !c->fallback && attempt == 0 && embed_now
				       ? open_vmcore_to_embed(c, dump)
				       : -1;
		in.dmesg_fd = open_in_dump_dir(c, dmesg);
		r = save_report(&s, &in, report);
		if (in.dmesg_fd >= 0)
			(void)close(in.dmesg_fd); /* read-only */
		if (in.vmcore_fd >= 0)
			(void)close(in.vmcore_fd);
		if (r != SAVE_NO_SPACE || in.vmcore_fd < 0)
			break;
		log_info("report: the target filled up; writing it again without the VmCore");
	}
	if (r == SAVE_OK)
		log_info("report written (path=%s/%s/%s, VmCore %s)", c->crash_path, c->dirname, report,
			 vmcore_fate(c, in.vmcore_fd >= 0));
}

/* dmesg and summary first: they are small and worth the most. Then the dump. */
enum capture_status save_all(struct capture *c)
{
	struct save_ctx s = save_ctx_of(c);
	int have_dmesg = save_dmesg(&s) == SAVE_OK;
	int have_summary = save_facts(c, have_dmesg) == SAVE_OK;
	enum save_result dump = SAVE_FAILED;

	if (c->loop_guard) /* a crash loop: more dumps would fill the disk */
		screen_status("Crash loop: only the dmesg and the summary are saved");
	else
		dump = save_memory(c);

	c->no_space = dump == SAVE_NO_SPACE;
	c->have_dump = dump == SAVE_OK;
	save_report_file(c);
	if (dump == SAVE_OK && !c->fallback)
		return have_dmesg ? CAPTURE_OK : CAPTURE_FALLBACK;
	if (dump == SAVE_OK)
		return CAPTURE_FALLBACK;
	c->summary_only = have_summary && !have_dmesg;
	return have_dmesg ? CAPTURE_DMESG_ONLY : CAPTURE_FAILED;
}

