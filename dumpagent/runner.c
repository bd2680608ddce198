/* runner.c: runs makedumpfile with its output confined to a directory fd. */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES 512

struct lines {
	char buf[LINE_MAX_BYTES];
	size_t len;
};

static void feed(struct lines *l, const struct run_watch *w, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n' || p[i] == '\r') {
			l->buf[l->len] = '\0';
			if (l->len > 0)
				w->line(w->arg, l->buf);
			l->len = 0;
		} else if (l->len < sizeof(l->buf) - 1) {
			l->buf[l->len++] = p[i];
		}
	}
}

static long long now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail with a valid clock */
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads the child's output until it closes it, ticking about once a second. */
static void watch_output(int fd, const struct run_watch *w)
{
	static struct lines l;
	long long next = now_ms() + 1000;
	char buf[4096];

	l.len = 0;
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		long long wait = next - now_ms();
		int r = poll(&p, 1, wait < 0 ? 0 : (int)wait);
		ssize_t n = 0;

		if (r < 0 && errno != EINTR)
			break;
		if (r > 0) {
			n = read(fd, buf, sizeof(buf));
			if (n < 0 && errno != EINTR && errno != EAGAIN)
				break;
			if (n == 0)
				break;
			if (n > 0)
				feed(&l, w, buf, (size_t)n);
		}
		if (now_ms() >= next) {
			w->tick(w->arg);
			next = now_ms() + 1000;
		}
	}
	feed(&l, w, "\n", 1);
}

/* In the child: the agent is single-threaded, so setenv's malloc is safe
 * after fork. A variable that cannot be set fails the run (126), with a
 * line on the child's stderr (the watch's, when there is one) naming it. */
static pid_t start(int dirfd, char *const argv[], const char *const env[], int out)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	umask(077);
	if (out >= 0 && (dup2(out, STDOUT_FILENO) < 0 || dup2(out, STDERR_FILENO) < 0))
		_exit(126);
	if (fchdir(dirfd) < 0)
		_exit(126);
	for (int i = 0; env && env[i]; i += 2)
		if (!env[i + 1] || setenv(env[i], env[i + 1], 1) < 0) {
			dprintf(STDERR_FILENO, "dumpagent: set %s in the environment of %s: %s\n", env[i], argv[0],
				env[i + 1] ? strerror(errno) : "no value given");
			_exit(126);
		}
	execv(argv[0], argv);
	_exit(errno == ENOENT ? 127 : 126);
}

int run_in_dir(int dirfd, char *const argv[], const char *const env[], const struct run_watch *watch)
{
	int status, p[2] = { -1, -1 };
	pid_t pid;

	if (watch && pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = start(dirfd, argv, env, p[1]);
	if (pid < 0) {
		int err = errno;

		if (watch) {
			(void)close(p[0]); /* a pipe nobody wrote to */
			(void)close(p[1]);
		}
		return -err;
	}
	if (watch) {
		(void)close(p[1]); /* the child holds the write end */
		watch_output(p[0], watch);
		(void)close(p[0]);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}
