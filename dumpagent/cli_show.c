/* cli_show.c: dumpagent show ID: the summary of one dump and its files. */
#include "cli.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "log.h"
#include "text.h"

#define FILES_MAX 64

struct file_entry {
	char name[256];
	unsigned long long bytes;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct file_entry *)a)->name, ((const struct file_entry *)b)->name);
}

/* The files of the open dump directory dumpfd, sorted; at most FILES_MAX. */
static size_t list_files(int dumpfd, struct file_entry *f)
{
	int fd = dup(dumpfd);
	struct dirent *de;
	size_t n = 0;
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);

	if (!dir) {
		if (fd >= 0)
			(void)close(fd); /* read-only */
		return 0;
	}
	rewinddir(dir);
	while ((de = readdir(dir)) != NULL && n < FILES_MAX) {
		struct stat st;

		if (de->d_name[0] == '.' && (!de->d_name[1] || strcmp(de->d_name, "..") == 0))
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		(void)text_copy(f[n].name, sizeof(f[n].name), de->d_name, sizeof(de->d_name));
		f[n++].bytes = (unsigned long long)st.st_size;
	}
	(void)closedir(dir); /* read-only */
	qsort(f, n, sizeof(f[0]), by_name);
	return n;
}

static void print_item(const char *s, void *arg)
{
	printf("%s", (const char *)arg);
	text_put(stdout, s, strnlen(s, JSON_ITEM_MAX), 0);
	putchar('\n');
}

/* A fact of the dump (from the dead kernel: untrusted), or none when empty. */
static void put_fact(const char *s, size_t max, const char *none)
{
	if (!s[0])
		s = none;
	text_put(stdout, s, strnlen(s, max), 0);
}

/* Without summary.<id>.txt: what the JSON summary, or the dmesg, tells. */
static void print_facts(const struct dump_entry *e)
{
	struct dump_facts f;
	size_t len;
	const char *j = cli_summary_json(e, &len);

	cli_dump_facts_read(e, &f);
	fputs("panic: ", stdout);
	put_fact(f.panic, sizeof(f.panic), "(none found)");
	fputs("\nrelease: ", stdout);
	put_fact(f.release, sizeof(f.release), "(unknown)");
	putchar('\n');
	if (!j) {
		printf("(no summary.%s.json: facts from the dmesg)\n", e->id);
		return;
	}
	fputs("call trace:\n", stdout);
	(void)json_get_strings(j, len, "call_trace", print_item, "  ");
	fputs("modules:\n", stdout);
	(void)json_get_strings(j, len, "modules", print_item, "  ");
}

static void print_text_summary(const struct dump_entry *e, int dumpfd)
{
	static char text[CLI_SUMMARY_MAX];
	char name[DUMP_NAME_MAX];
	long n;

	n = cli_read_small(dumpfd, dump_file_name(DUMP_FILE_SUMMARY_TXT, e->id, name), text,
			   sizeof(text));
	if (n <= 0) {
		print_facts(e);
		return;
	}
	text_put(stdout, text, (size_t)n, 1);
	if (text[n - 1] != '\n')
		putchar('\n');
}

static void show_json(const struct dump_entry *e, const struct file_entry *f, size_t n)
{
	size_t len;
	const char *j = cli_summary_json(e, &len);

	printf("{\"id\": \"%s\", \"path\": ", e->id);
	json_put_string(stdout, e->where);
	printf(", \"status\": \"%s\", \"bytes\": %llu, \"files\": [", dumpdir_status_name(e->status),
	       e->bytes);
	for (size_t i = 0; i < n; i++) {
		printf("%s{\"name\": ", i ? ", " : "");
		json_put_string(stdout, f[i].name);
		printf(", \"bytes\": %llu}", f[i].bytes);
	}
	fputs("], \"summary\": ", stdout);
	if (j)
		fwrite(j, 1, len, stdout); /* checked well-formed by cli_summary_json */
	else
		fputs("null", stdout);
	fputs("}\n", stdout);
}

int cli_show(int argc, char **argv)
{
	static struct cli c;
	static struct file_entry files[FILES_MAX];
	const struct dump_entry *e;
	int dumpfd = -1, r = cli_start(&c, "show", argc, argv);
	size_t n;

	if (r == EXIT_OK)
		r = cli_open_dump(&c, &e, &dumpfd);
	if (r != EXIT_OK) {
		cli_finish(&c);
		return r;
	}
	n = list_files(dumpfd, files);
	if (c.json) {
		show_json(e, files, n);
	} else {
		printf("dump %s in %s: %s, %llu bytes\n\n", e->id, e->where,
		       dumpdir_status_name(e->status), e->bytes);
		print_text_summary(e, dumpfd);
		printf("\nfiles in %s/%s:\n", e->where, e->id);
		for (size_t i = 0; i < n; i++)
			printf("  %-40s %12llu\n", files[i].name, files[i].bytes);
	}
	(void)close(dumpfd); /* read-only */
	cli_finish(&c);
	return EXIT_OK;
}
