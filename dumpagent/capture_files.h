/* capture_files.h: writer side: each file of a new dump directory, written atomically: dmesg, dump, fallback core, log. */
#ifndef DUMPAGENT_CAPTURE_FILES_H
#define DUMPAGENT_CAPTURE_FILES_H

#include <stddef.h>

#include "dump_format.h"

struct save_ctx {
	int dirfd;               /* the new dump directory */
	const char *dirname;     /* its name, also the files' stamp */
	const char *crash_dir;   /* for messages */
	const char *vmcore;
	const char *makedumpfile;
};

/* SAVE_UNPUBLISHED: the file was made whole, but could not be published
 * (fsync, rename: capture_dir_publish_at) and was removed. */
enum save_result { SAVE_OK = 0, SAVE_FAILED = -1, SAVE_NO_SPACE = -2, SAVE_UNPUBLISHED = -3 };

struct outbuf;
/* Fills a file; returns 0, or -1 with a message in err. */
typedef int (*save_fill_fn)(struct outbuf *o, void *arg, char *err, size_t errlen);

enum save_result save_dmesg(const struct save_ctx *s);
enum save_result save_dump(const struct save_ctx *s, int dump_level, const char *compression,
			   unsigned threads);
/* The agent's own gzipped ELF core, when makedumpfile made no dump. */
enum save_result save_fallback(const struct save_ctx *s);
/* Writes the file FINAL through fill, atomically. */
enum save_result save_file(const struct save_ctx *s, const char *final, save_fill_fn fill,
			   void *arg);
/* Writes what the agent logged, as dumpagent.log. */
enum save_result save_log(const struct save_ctx *s);

#endif
