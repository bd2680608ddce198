/* cli.h: what the admin commands (status, list, show, export, delete, gc, test) share. */
#ifndef DUMPAGENT_CLI_H
#define DUMPAGENT_CLI_H

#include <sys/types.h>

#include "config.h"
#include "dumpdir_read.h"
#include "exit_codes.h" /* the commands' exit statuses */

#define CLI_PATH_MAX 1400

struct cli {
	const char *config_path;
	int json, yes, config_ok;
	const char *crash_dir_opt;     /* --crash-dir */
	const char *arg;               /* the ID, or NULL */
	const char *tar, *apport;      /* export */
	struct config cfg;
	char config_error[CONFIG_VALUE_MAX + 160];
	const char *sysfs, *proc, *dev, *run;
	char crash_path[CLI_PATH_MAX]; /* where the dumps are on this system */
	char private_path[CLI_PATH_MAX + 16];
	int crashfd, privatefd;        /* -1 when missing */
	int crash_trusted;             /* CRASH_DIR is root's, 0700: its dumps are read too */
	struct dump_set set;           /* oldest first */
};

/* Parses the options of command name (command.c's table) into c, loads the
 * configuration (an error is kept in c->config_error for status, fatal for
 * the others). Refuses non-root. Returns EXIT_OK or the exit status. */
int cli_start(struct cli *c, const char *name, int argc, char **argv);
/* Resolves where the dumps are, opens it, and reads every dump. */
int cli_scan(struct cli *c);
void cli_finish(struct cli *c);
/* The directory the agent writes to now (CRASH_DIR, or its root-only
 * subdirectory when CRASH_DIR is not trusted), or -1. */
int cli_agent_dir(const struct cli *c);
/* The dump named id, or NULL after saying so. */
struct dump_entry *cli_dump(struct cli *c, const char *id);
/* Scans, then opens the dump named by the command's ID: *e, and its
 * directory read-only in *dumpfd. EXIT_OK, or the exit status after saying
 * why (EXIT_NO_DUMP, EXIT_FAILED, cli_scan's). */
int cli_open_dump(struct cli *c, const struct dump_entry **e, int *dumpfd);

/* Where TARGET is on this system: device, mount point, and the crash dir path.
 * 0, or -1 with why filled in. */
struct cli_target {
	char device[256], mountpoint[1024], fstype[32];
	unsigned long long free_bytes, size_bytes;
	dev_t dev; /* the filesystem's device */
};
int cli_resolve_target(const struct cli *c, struct cli_target *t, char *why, size_t len);

/* Prints the test crash as list and status report it (JSON when json). */
struct cli_test_mark;
void cli_print_test(const struct cli_test_mark *m, int json);
/* Opens dirfd/name (dirfd AT_FDCWD for a path) to read, never following a
 * link or waiting on a FIFO, and only if it is a regular file owned by root
 * (-EPERM if not); *st is its fstat. The fd or -errno (cli_file.c). */
struct stat;
int cli_open_file(int dirfd, const char *name, struct stat *st);
/* The name of dump id's apport report (linux-image-<release>-<id>.crash) in
 * its directory dumpfd, into name; 0, or -1 when there is none. */
int cli_find_report(const char *id, int dumpfd, char *name, size_t len);
/* Reads at most cap-1 bytes of dirfd/name, opened by cli_open_file, into buf
 * and ends it with a NUL; the count or -errno. */
long cli_read_small(int dirfd, const char *name, char *buf, size_t cap);
/* "YYYY-MM-DD HH:MM UTC" */
void cli_format_time(long long t, char *buf, size_t len);

/* What list and show tell of a dump: from summary.<id>.json, else from its dmesg. */
#define CLI_SUMMARY_MAX 262144
struct dump_facts {
	char release[80], panic[256];
	long long crash_time;      /* the id's minute when no summary says better */
	int summary_ok;            /* summary.<id>.json read and well-formed */
};
void cli_dump_facts_read(const struct dump_entry *e, struct dump_facts *f);
/* The summary text of e (at most CLI_SUMMARY_MAX bytes), or NULL with *len 0. */
const char *cli_summary_json(const struct dump_entry *e, size_t *len);

/* The test crash marker (docs/dump-format.md, "dumpagent test"). */
struct cli_test_mark {
	int present;
	char id[40];
	long long time;
	const struct dump_entry *captured; /* the first dump after it, or NULL */
};
void cli_test_mark_read(struct cli *c, struct cli_test_mark *m);

/* The admin commands (command.c's table): argv[0] is the command's name. */
int cli_status(int argc, char **argv);
int cli_list(int argc, char **argv);
int cli_show(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_delete(int argc, char **argv);
int cli_gc(int argc, char **argv);
int cli_complete(int argc, char **argv);
int cli_test(int argc, char **argv);

#endif
