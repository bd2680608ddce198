/* dump_format.h: every name of docs/dump-format.md, for the writer (capture) and the readers alike. */
#ifndef DUMPAGENT_DUMP_FORMAT_H
#define DUMPAGENT_DUMP_FORMAT_H

#include <stddef.h>

/* A dump id with its NUL: YYYYMMDDHHMM or YYYYMMDDHHMM-N is at most 15 bytes. */
#define DUMP_ID_MAX 32
/* Any file name in a dump directory, ".part" included. */
#define DUMP_NAME_MAX 200

/* The root-only subdirectory of a crash directory that others can list. */
#define DUMP_PRIVATE_DIR "dumpagent"
/* The test crash marker (dumpagent test), beside the dump directories. */
#define DUMP_TEST_MARK "dumpagent-test"
/* What a name ends with while its file is written: never a complete file. */
#define DUMP_PART_SUFFIX ".part"

/* The files of a dump directory named by its id alone, in the order written. */
enum dump_file {
	DUMP_FILE_DMESG,        /* dmesg.<id> */
	DUMP_FILE_SUMMARY_TXT,  /* summary.<id>.txt */
	DUMP_FILE_SUMMARY_JSON, /* summary.<id>.json */
	DUMP_FILE_DUMP,         /* dump.<id> */
	DUMP_FILE_VMCORE_GZ,    /* vmcore.<id>.gz */
	DUMP_FILE_LOG,          /* dumpagent.log */
	DUMP_FILE_KINDS
};

/* The name of file f of dump id, into name; returns name. An id longer than a
 * dump id is cut, so the name always fits. */
const char *dump_file_name(enum dump_file f, const char *id, char name[DUMP_NAME_MAX]);
/* Which file of dump id name is, or -1 for none of them (a report, a .part, another). */
int dump_file_of(const char *name, const char *id);
/* The apport report linux-image-<release>-<id>.crash, into name; returns name.
 * The release comes from the dead kernel's memory: every byte outside
 * [A-Za-z0-9._+-] becomes '_', and an empty one is "unknown". */
const char *dump_report_name(const char *release, const char *id, char name[DUMP_NAME_MAX]);
/* Whether name is the report of dump id: linux-image-*-<id>.crash. */
int dump_is_report(const char *name, const char *id);
/* NAME.part, the temporary name of NAME, into tmp[size]: 0, or -1 when it does not fit. */
int dump_part_name(const char *final, char *tmp, size_t size);
/* Whether name is a temporary name (ends in .part). */
int dump_is_part(const char *name);

/* The id of the t's UTC minute, YYYYMMDDHHMM, with -seq when seq is 2 to 99:
 * 0, or -1 when t is outside the years 1000 to 9999 or seq is out of range. */
int dump_id_format(long long t, unsigned seq, char id[DUMP_ID_MAX]);
/* Parses YYYYMMDDHHMM or YYYYMMDDHHMM-N (N from 2 to 99): 0, or -1 when name is no dump id. */
int dump_id_parse(const char *name, long long *t, unsigned *seq);

struct stat;
/* The rule the capture and the admin commands share: a directory only root
 * could have made or filled (root's, no group or other bits). */
int dump_dir_root_only(const struct stat *st);

#endif
