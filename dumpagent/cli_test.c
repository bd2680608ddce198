/* cli_test.c: dumpagent test: crash the machine on purpose, and find that crash's dump afterwards.
 *
 * Before crashing, a marker "dumpagent-test" (id=, time=) is made durable in
 * the directory the agent writes dumps to; the first dump whose crash minute
 * is not before it is the test's (docs/dump-format.md). */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture_dir.h"
#include "io.h"
#include "log.h"

#define MARK DUMP_TEST_MARK

static int parse_mark(const char *text, struct cli_test_mark *m)
{
	const char *id = strstr(text, "id="), *t = strstr(text, "time=");

	if (!id || !t || sscanf(id, "id=%39[0-9a-f]", m->id) != 1 || sscanf(t, "time=%lld", &m->time) != 1)
		return -1;
	return 0;
}

void cli_test_mark_read(struct cli *c, struct cli_test_mark *m)
{
	char text[256];
	int fd = cli_agent_dir(c); /* where write_mark put it: never a directory others fill */

	memset(m, 0, sizeof(*m));
	if (fd < 0 || cli_read_small(fd, MARK, text, sizeof(text)) <= 0 || parse_mark(text, m) < 0)
		return;
	m->present = 1;
	for (size_t i = 0; i < c->set.count && !m->captured; i++)
		if (c->set.d[i].id_time >= m->time - m->time % 60)
			m->captured = &c->set.d[i];
}

/* Where the agent will write: the root-only subdirectory when CRASH_DIR is
 * not root's or others can list it (the rule of cli_scan). */
static int dump_dir_fd(struct cli *c)
{
	char at[256];
	struct stat st;
	int moved, err, fd, rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (rootfd < 0)
		return -errno;
	fd = capture_dir_open(rootfd, c->crash_path, at, sizeof(at));
	(void)close(rootfd); /* read-only */
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		err = errno;
		(void)close(fd); /* read-only */
		return -err;
	}
	if (dump_dir_root_only(&st))
		return fd;
	rootfd = fd;
	fd = capture_dir_private(rootfd, DUMP_PRIVATE_DIR, &moved);
	(void)close(rootfd);
	return fd;
}

static int write_mark(struct cli *c, char *id, size_t len)
{
	static const char tmp[] = MARK DUMP_PART_SUFFIX;
	unsigned char raw[8];
	char text[128];
	int n, r, dirfd, fd = -1;

	/* getrandom, not /dev/urandom: no file to open (or leak), nothing to spoof. */
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
		log_errno(errno, "getrandom %zu bytes for a test id", sizeof(raw));
		return -1;
	}
	dirfd = dump_dir_fd(c);
	for (size_t i = 0; i < sizeof(raw) && 2 * i + 2 < len; i++)
		(void)snprintf(id + 2 * i, 3, "%02x", raw[i]);
	n = snprintf(text, sizeof(text), "id=%s\ntime=%lld\n", id, (long long)time(NULL));
	if (dirfd >= 0) {
		(void)unlinkat(dirfd, tmp, 0); /* left by an earlier test that failed to write */
		(void)unlinkat(dirfd, MARK, 0);
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	r = dirfd < 0 ? dirfd : fd < 0 ? -errno : write_all(fd, text, (size_t)n);
	if (fd >= 0 && close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0)
		r = capture_dir_publish(dirfd, tmp, MARK);
	if (dirfd >= 0)
		(void)close(dirfd);
	if (r < 0)
		log_errno(-r, "write the test marker %s/%s", c->crash_path, MARK);
	return r < 0 ? -1 : 0;
}

static int armed(const struct cli *c)
{
	char path[CLI_PATH_MAX], v[8] = "";

	(void)snprintf(path, sizeof(path), "%s/kernel/kexec_crash_loaded", c->sysfs);
	(void)cli_read_small(AT_FDCWD, path, v, sizeof(v)); /* unreadable: not armed */
	return v[0] == '1';
}

static int confirmed(void)
{
	char answer[16] = "";

	fputs("dumpagent test crashes this machine NOW, through /proc/sysrq-trigger, to prove\n"
	      "that a panic is captured. Unsaved work is lost. Type 'crash' to go on: ",
	      stdout);
	(void)fflush(stdout);
	if (!fgets(answer, sizeof(answer), stdin))
		return 0;
	return strcmp(answer, "crash\n") == 0;
}

/* The id goes to the kernel log too, so the saved dmesg names it. */
static void tell_kmsg(const struct cli *c, const char *id)
{
	char path[CLI_PATH_MAX], line[128];
	int n = snprintf(line, sizeof(line), "dumpagent: test crash %s\n", id);
	int fd;

	(void)snprintf(path, sizeof(path), "%s/kmsg", c->dev);
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0) {
		(void)write_all(fd, line, (size_t)n); /* a hint only: the marker file is the record */
		(void)close(fd);
	}
}

static int crash_now(const struct cli *c)
{
	char path[CLI_PATH_MAX];
	int r, fd;

	(void)snprintf(path, sizeof(path), "%s/sysrq-trigger", c->proc);
	sync();
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		log_errno(errno, "open %s", path);
		return EXIT_FAILED;
	}
	r = write_all(fd, "c", 1);
	(void)close(fd);
	if (r < 0) {
		log_errno(-r, "write 'c' to %s", path);
		return EXIT_FAILED;
	}
	return EXIT_OK; /* only where the trigger is not the kernel's (tests) */
}

int cli_test(int argc, char **argv)
{
	static struct cli c;
	char id[40] = "";
	int r = cli_start(&c, "test", argc, argv);

	if (r == EXIT_OK)
		r = cli_scan(&c);
	if (r != EXIT_OK)
		return r;
	cli_finish(&c);
	if (!armed(&c)) {
		log_error("no capture kernel is loaded (%s/kernel/kexec_crash_loaded is not 1): a crash "
			  "now would not be captured; run load-crashkernel, then dumpagent status", c.sysfs);
		return EXIT_FAILED;
	}
	if (!c.yes && !confirmed()) {
		log_error("not confirmed; nothing done");
		return EXIT_FAILED;
	}
	if (write_mark(&c, id, sizeof(id)) < 0)
		return EXIT_FAILED;
	printf("dumpagent: test crash %s: crashing now; after the reboot, see dumpagent status\n", id);
	(void)fflush(stdout);
	tell_kmsg(&c, id);
	return crash_now(&c);
}
