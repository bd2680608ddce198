/* test_apport.c: reports written by apport.c, read back by an independent strict reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apport.h"
#include "apport_reader.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/dumpagent-apport-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Writes the entries to a report file and returns its bytes. */
static char *write_report(struct apport_entry *e, size_t n, size_t *len, int *rc, char *err)
{
	static struct outbuf o;
	char path[128];
	struct stat st;
	char *data;
	int fd;

	snprintf(path, sizeof(path), "%s/report.crash", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	outbuf_init(&o, fd);
	*rc = apport_write(&o, e, n, err, 256);
	assert_int_equal(fstat(fd, &st), 0);
	*len = (size_t)st.st_size;
	data = malloc(*len + 1);
	assert_non_null(data);
	assert_int_equal(pread(fd, data, *len, 0), (ssize_t)*len);
	close(fd);
	return data;
}

static int file_with(const char *name, const void *p, size_t n)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

#define TEXT(k, v) { k, APPORT_TEXT, v, sizeof(v) - 1, -1 }

static void text_values_round_trip(void **state)
{
	struct apport_entry e[] = {
		TEXT("Title", "Kernel panic - not syncing: sysrq triggered crash"),
		TEXT("Empty", ""), TEXT("Multi", "line one\n\tline two\n\nline four"),
		TEXT("ProblemType", "KernelCrash"), TEXT("a.b-c_D9", "odd but valid key"),
	};
	struct rd_entry r[8];
	char err[256] = "", why[256] = "";
	size_t len;
	int rc, n;
	char *data = write_report(e, 5, &len, &rc, err);

	(void)state;
	assert_int_equal(rc, 0);
	n = rd_parse(data, len, r, 8, why);
	assert_int_equal(n, 5);
	assert_string_equal(r[0].key, "ProblemType");
	assert_string_equal((char *)r[0].value, "KernelCrash");
	assert_string_equal(r[1].key, "Empty");
	assert_int_equal(r[1].len, 0);
	assert_string_equal(r[2].key, "Multi");
	assert_string_equal((char *)r[2].value, "line one\n\tline two\n\nline four");
	assert_string_equal(r[3].key, "Title");
	assert_string_equal(r[4].key, "a.b-c_D9");
	assert_non_null(strstr(data, "Multi:\n line one\n \tline two\n \n line four\n"));
	rd_free(r, n);
	free(data);
}

static void bad_keys_are_refused(void **state)
{
	static const char *const bad[] = { "", "Two Words", "Colon:", "Ключ", "tab\t" };
	char err[256];
	size_t len;
	int rc;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct apport_entry e[] = { TEXT("ProblemType", "KernelCrash"),
					    { bad[i], APPORT_TEXT, "x", 1, -1 } };
		char *data = write_report(e, 2, &len, &rc, err);

		assert_int_equal(rc, -1);
		assert_int_equal(len, 0);
		assert_non_null(strstr(err, "invalid report key"));
		free(data);
	}
	{
		struct apport_entry e[] = { TEXT("ProblemType", "K"), TEXT("A", "1"), TEXT("A", "2") };
		free(write_report(e, 3, &len, &rc, err));
		assert_int_equal(rc, -1);
		assert_string_equal(err, "report key 'A' given twice");
	}
	{
		struct apport_entry e[] = { TEXT("Title", "no problem type") };
		free(write_report(e, 1, &len, &rc, err));
		assert_int_equal(rc, -1);
		assert_string_equal(err, "a report needs a ProblemType text entry");
	}
}

/* dmesg text from a file: tabs, bytes that are not UTF-8, a 100 KB line, blank lines. */
static void dmesg_text_round_trip(void **state)
{
	static char text[300000];
	struct rd_entry r[4];
	char err[256], why[256];
	size_t len, n = 0;
	int rc, fd, got;

	(void)state;
	n += (size_t)sprintf(text + n, "[    0.000000] Linux\tversion\n\n\xff\xfe\xc3(bad utf-8)\r\n");
	memset(text + n, 'x', 100000);
	n += 100000;
	n += (size_t)sprintf(text + n, "\n[   12.5] Kernel panic - not syncing: sysrq triggered crash\n");
	fd = file_with("dmesg", text, n);
	struct apport_entry e[] = { TEXT("ProblemType", "KernelCrash"),
				    { "VmCoreDmesg", APPORT_TEXT_FD, NULL, 0, fd } };
	char *data = write_report(e, 2, &len, &rc, err);
	close(fd);
	assert_int_equal(rc, 0);
	got = rd_parse(data, len, r, 4, why);
	assert_int_equal(got, 2);
	assert_int_equal(r[1].len, n - 1); /* the last newline ends the value */
	assert_memory_equal(r[1].value, text, n - 1);
	rd_free(r, got);
	free(data);
}

static void fill_pseudo_random(unsigned char *p, size_t n)
{
	uint32_t x = 12345;

	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245 + 12345;
		p[i] = (i / 4096) % 2 ? (unsigned char)(x >> 16) : (unsigned char)(i & 7);
	}
}

static void binary_50mb_round_trip(void **state)
{
	size_t size = 50u << 20, len;
	unsigned char *blob = malloc(size);
	struct rd_entry r[4];
	char err[256], why[256];
	int rc, fd, got;

	(void)state;
	assert_non_null(blob);
	fill_pseudo_random(blob, size);
	fd = file_with("vmcore", blob, size);
	struct apport_entry e[] = { { "VmCore", APPORT_BINARY_FD, NULL, 0, fd },
				    TEXT("ProblemType", "KernelCrash"), TEXT("Zzz", "text before binary") };
	char *data = write_report(e, 3, &len, &rc, err);
	close(fd);
	assert_int_equal(rc, 0);
	got = rd_parse(data, len, r, 4, why);
	if (got < 0)
		fail_msg("reader: %s", why);
	assert_int_equal(got, 3);
	assert_string_equal(r[1].key, "Zzz");
	assert_string_equal(r[2].key, "VmCore");
	assert_true(r[2].binary);
	assert_int_equal(r[2].len, size);
	assert_memory_equal(r[2].value, blob, size);
	rd_free(r, got);
	free(data);
	free(blob);
}

/* Bytes that are compressed already go in stored blocks: the report grows by
 * base64's third, however compressible they look, and still decodes. */
static void stored_binary_round_trip(void **state)
{
	size_t size = 1u << 20, len;
	unsigned char *zeros = calloc(1, size);
	struct rd_entry r[4];
	char err[256], why[256];
	int rc, fd, got;

	(void)state;
	assert_non_null(zeros);
	fd = file_with("dump", zeros, size);
	struct apport_entry e[] = { TEXT("ProblemType", "KernelCrash"),
				    { "VmCore", APPORT_BINARY_FD_STORED, NULL, 0, fd } };
	char *data = write_report(e, 2, &len, &rc, err);
	close(fd);
	assert_int_equal(rc, 0);
	assert_true(len > size / 3 * 4);
	got = rd_parse(data, len, r, 4, why);
	if (got < 0)
		fail_msg("reader: %s", why);
	assert_int_equal(got, 2);
	assert_int_equal(r[1].len, size);
	assert_memory_equal(r[1].value, zeros, size);
	rd_free(r, got);
	free(data);
	free(zeros);
}

/* The reader is strict: each corruption below must be caught. */
/* The target fills up (/dev/full): the writer stops at the first failed
 * write instead of reading and deflating the whole 256 MiB dump. */
static void stops_at_the_first_write_error(void **state)
{
	static struct outbuf o;
	char path[] = "/tmp/dumpagent-apport-XXXXXX", err[256] = "";
	int fd = mkstemp(path), out = open("/dev/full", O_WRONLY);
	struct apport_entry e[] = { { "ProblemType", APPORT_TEXT, "KernelCrash", 11, -1 },
				    { "VmCore", APPORT_BINARY_FD_STORED, NULL, 0, fd } };

	(void)state;
	assert_true(fd >= 0 && out >= 0);
	unlink(path);
	assert_int_equal(ftruncate(fd, 256 << 20), 0); /* sparse */
	outbuf_init(&o, out);
	assert_int_equal(apport_write(&o, e, 2, err, sizeof(err)), -1);
	assert_string_equal(err, "write: No space left on device");
	assert_true(lseek(fd, 0, SEEK_CUR) < (1 << 20));
	close(fd);
	close(out);
}

static void reader_rejects_corruption(void **state)
{
	unsigned char blob[20000];
	struct rd_entry r[4];
	char err[256], why[256];
	size_t len;
	int rc, fd;

	(void)state;
	fill_pseudo_random(blob, sizeof(blob));
	fd = file_with("small", blob, sizeof(blob));
	struct apport_entry e[] = { TEXT("ProblemType", "KernelCrash"),
				    { "VmCore", APPORT_BINARY_FD, NULL, 0, fd } };
	char *data = write_report(e, 2, &len, &rc, err);
	char *copy = malloc(len + 2);
	char *last = NULL;

	close(fd);
	assert_int_equal(rc, 0);
	memcpy(copy, data, len);
	assert_int_equal(rd_parse(copy, len, r, 4, why), 2);
	rd_free(r, 2);
	/* truncation: the trailer line is gone */
	for (char *p = copy; p < copy + len - 1; p++)
		if (*p == '\n')
			last = p;
	assert_true(rd_parse(copy, (size_t)(last - copy) + 1, r, 4, why) < 0);
	/* a blank line */
	memcpy(copy, data, len);
	copy[len] = '\n';
	assert_true(rd_parse(copy, len + 1, r, 4, why) < 0);
	assert_string_equal(why, "blank line");
	/* bad padding: '=' in the middle of the last line */
	memcpy(copy, data, len);
	last[2] = '=';
	assert_true(rd_parse(copy, len, r, 4, why) < 0);
	/* a wrong CRC: change the first base64 character of the trailer */
	memcpy(copy, data, len);
	last[2] = last[2] == 'A' ? 'B' : 'A';
	assert_true(rd_parse(copy, len, r, 4, why) < 0);
	assert_non_null(strstr(why, "mismatch"));
	free(copy);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(text_values_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_keys_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(dmesg_text_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(binary_50mb_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(stored_binary_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(reader_rejects_corruption, setup, teardown),
		cmocka_unit_test_setup_teardown(stops_at_the_first_write_error, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
