/* test_report_embed.c: a report completed with its dump (report_embed.c), read back by the strict reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apport_reader.h"
#include "report_embed.h"
#include "tmpdir.h"

/* A report as the capture writes it with REPORT_VMCORE=boot: text only, the
 * dump named by VmCorePath. The lines around it look like its key's start. */
static const char REPORT[] = "ProblemType: KernelCrash\n"
			     "CaptureLog:\n"
			     " VmCorePath: inside a value is kept\n"
			     " Vm\n"
			     "Title: Kernel panic - not syncing: sysrq triggered crash\n"
			     "VmCorePath: /var/crash/202611221840/dump.202611221840\n"
			     "VmCoreDmesg:\n"
			     " [    0.000000] Linux version 6.1.0\n";

static int file_with(const char *name, const void *p, size_t n)
{
	int fd = openat(rootfd, name, O_RDWR | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* Completes REPORT with dump (n bytes) and returns the new report's bytes. */
static char *complete(const void *dump, size_t n, size_t *len)
{
	static struct outbuf o;
	int rpt = file_with("report", REPORT, sizeof(REPORT) - 1), d = file_with("dump", dump, n);
	int out = openat(rootfd, "new", O_RDWR | O_CREAT | O_TRUNC, 0600);
	char err[256] = "", *data;
	struct stat st;

	assert_true(out >= 0);
	outbuf_init(&o, out);
	if (report_embed_write(&o, rpt, d, err, sizeof(err)) < 0)
		fail_msg("report_embed_write: %s", err);
	assert_int_equal(fstat(out, &st), 0);
	*len = (size_t)st.st_size;
	data = malloc(*len + 1);
	assert_non_null(data);
	assert_int_equal(pread(out, data, *len, 0), (ssize_t)*len);
	data[*len] = '\0';
	close(out), close(rpt), close(d);
	return data;
}

static void the_report_gets_its_dump_and_loses_vmcorepath(void **state)
{
	static const char dump[] = "an ELF vmcore, deflated in the report";
	struct rd_entry r[8];
	char why[256];
	size_t len;
	char *data = complete(dump, sizeof(dump) - 1, &len);
	int got = rd_parse(data, len, r, 8, why);

	(void)state;
	if (got < 0)
		fail_msg("reader: %s", why);
	assert_int_equal(got, 5);
	assert_string_equal(r[0].key, "ProblemType");
	assert_string_equal(r[1].key, "CaptureLog");
	assert_string_equal((char *)r[1].value, "VmCorePath: inside a value is kept\nVm");
	assert_string_equal(r[2].key, "Title");
	assert_string_equal(r[3].key, "VmCoreDmesg");
	assert_string_equal(r[4].key, "VmCore");
	assert_true(r[4].binary);
	assert_int_equal(r[4].len, sizeof(dump) - 1);
	assert_memory_equal(r[4].value, dump, sizeof(dump) - 1);
	assert_null(strstr(data, "\nVmCorePath:"));
	rd_free(r, got);
	free(data);
}

/* A kdump-compressed dump goes in stored blocks: base64's third, no more,
 * however compressible it looks. */
static void a_kdump_compressed_dump_is_stored(void **state)
{
	size_t size = 1u << 20, len;
	unsigned char *dump = calloc(1, size);
	struct rd_entry r[8];
	char why[256], *data;
	int got;

	(void)state;
	assert_non_null(dump);
	memcpy(dump, "KDUMP   ", 8);
	data = complete(dump, size, &len);
	assert_true(len > size / 3 * 4);
	got = rd_parse(data, len, r, 8, why);
	if (got < 0)
		fail_msg("reader: %s", why);
	assert_string_equal(r[got - 1].key, "VmCore");
	assert_int_equal(r[got - 1].len, size);
	assert_memory_equal(r[got - 1].value, dump, size);
	rd_free(r, got);
	free(data);
	free(dump);
}

static void vmcore_is_found_only_as_a_key(void **state)
{
	static const char with[] = "ProblemType: KernelCrash\nVmCore: base64\n H4sICAAAAAAC\n";
	static const char value_only[] = "ProblemType: KernelCrash\nTitle:\n VmCore: base64\nVmCoreDmesg:\n x\n";
	int fd;

	(void)state;
	fd = file_with("a", with, sizeof(with) - 1);
	assert_int_equal(report_has_vmcore(fd), 1);
	close(fd);
	fd = file_with("b", value_only, sizeof(value_only) - 1);
	assert_int_equal(report_has_vmcore(fd), 0);
	close(fd);
	fd = file_with("c", REPORT, sizeof(REPORT) - 1);
	assert_int_equal(report_has_vmcore(fd), 0);
	close(fd);
}

static void refusals_name_the_limit(void **state)
{
	(void)state;
	assert_null(report_embed_refusal(30ULL << 20, 1024, 64ULL << 20, 1ULL << 30));
	assert_string_equal(report_embed_refusal(30ULL << 20, 0, 0, 1ULL << 30), "it is over REPORT_VMCORE_MAX_MB");
	assert_string_equal(report_embed_refusal(30ULL << 20, 29, 0, 1ULL << 30), "it is over REPORT_VMCORE_MAX_MB");
	/* 30 MiB base64 is 40 MiB, plus 4 and 64 reserved: 108 MiB */
	assert_null(report_embed_refusal(30ULL << 20, 1024, 64ULL << 20, 108ULL << 20));
	assert_string_equal(report_embed_refusal(30ULL << 20, 1024, 64ULL << 20, (108ULL << 20) - 1),
			    "there is not room for it a second time above MIN_FREE_MB");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TMPDIR_TEST(the_report_gets_its_dump_and_loses_vmcorepath),
		TMPDIR_TEST(a_kdump_compressed_dump_is_stored),
		TMPDIR_TEST(vmcore_is_found_only_as_a_key),
		cmocka_unit_test(refusals_name_the_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
