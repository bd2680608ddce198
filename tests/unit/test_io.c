/* test_io.c: reads retried on EINTR and read to the end (io.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"

struct seen {
	size_t chunks, bytes, stop_after;
	char last;
};

static int count(void *ctx, const char *p, size_t n)
{
	struct seen *s = ctx;

	s->chunks++;
	s->bytes += n;
	s->last = p[n - 1];
	return s->stop_after && s->chunks == s->stop_after;
}

/* A file of len bytes, the last one 'z'; its fd, at offset 0. */
static int file_of(size_t len)
{
	static char data[10000];
	FILE *f = tmpfile();
	int fd;

	assert_non_null(f);
	assert_true(len <= sizeof(data));
	memset(data, 'a', len);
	data[len - 1] = 'z';
	fd = dup(fileno(f));
	assert_true(fd >= 0);
	assert_int_equal(write_all(fd, data, len), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	(void)fclose(f);
	return fd;
}

static void read_each_reads_to_the_end(void **state)
{
	struct seen s = { 0 };
	char buf[4096];
	int fd = file_of(10000);

	(void)state;
	assert_int_equal(read_each(fd, buf, sizeof(buf), count, &s), 0);
	assert_int_equal(s.chunks, 3);
	assert_int_equal(s.bytes, 10000);
	assert_int_equal(s.last, 'z');
	assert_int_equal(read_some(fd, buf, sizeof(buf)), 0); /* at the end */
	(void)close(fd);
}

static void read_each_stops_when_asked(void **state)
{
	struct seen s = { .stop_after = 1 };
	char buf[4096];
	int fd = file_of(10000);

	(void)state;
	assert_int_equal(read_each(fd, buf, sizeof(buf), count, &s), 0);
	assert_int_equal(s.chunks, 1);
	assert_int_equal(s.bytes, 4096);
	(void)close(fd);
}

static void read_errors_are_negative_errno(void **state)
{
	struct seen s = { 0 };
	char buf[16];

	(void)state;
	assert_int_equal(read_some(-1, buf, sizeof(buf)), -EBADF);
	assert_int_equal(read_each(-1, buf, sizeof(buf), count, &s), -EBADF);
	assert_int_equal(s.chunks, 0);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* A signal that interrupts a read (no SA_RESTART) does not end it: the read
 * is retried and gets the byte written after the signal. */
static void read_some_retries_on_eintr(void **state)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 0 }, { 0, 50000 } }; /* 50 ms */
	char c = 0;
	int p[2], status;
	pid_t pid;

	(void)state;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* sa_flags 0: read(2) fails with EINTR */
	assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0);
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		(void)usleep(300000); /* after the alarm */
		_exit(write(p[1], "x", 1) == 1 ? 0 : 1);
	}
	(void)close(p[1]);
	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
	assert_int_equal(read_some(p[0], &c, 1), 1);
	assert_int_equal(c, 'x');
	assert_int_equal(waitpid(pid, &status, 0), pid);
	(void)close(p[0]);
}

/* read_small: the whole of a small file, NUL-ended; at most len-1 bytes of a
 * larger one; -errno for a file that cannot be opened. */
static void read_small_reads_ends_and_cuts(void **state)
{
	char path[] = "/tmp/test_io.XXXXXX", buf[8];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write_all(fd, "abc\n", 4), 0);
	assert_int_equal(close(fd), 0);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(read_small(path, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "abc\n");
	assert_int_equal(read_small(path, buf, 3), 2);
	assert_string_equal(buf, "ab");
	assert_int_equal(unlink(path), 0);
	assert_int_equal(read_small(path, buf, sizeof(buf)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_each_reads_to_the_end),
		cmocka_unit_test(read_each_stops_when_asked),
		cmocka_unit_test(read_errors_are_negative_errno),
		cmocka_unit_test(read_some_retries_on_eintr),
		cmocka_unit_test(read_small_reads_ends_and_cuts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
