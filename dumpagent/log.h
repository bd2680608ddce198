/* log.h: messages from the agent, to stderr and (in the capture kernel) the kernel log. */
#ifndef DUMPAGENT_LOG_H
#define DUMPAGENT_LOG_H

#include <stdarg.h>

#include <stddef.h>

#define LOG_KEEP_BYTES 32768

void log_set_kmsg(int enable);
/* Names the command in every message after: "dumpagent NAME: ..." (NULL: none). */
void log_set_command(const char *name);
/* Every line logged so far, for dumpagent.log; bounded to LOG_KEEP_BYTES. */
const char *log_kept(size_t *len);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An error and a warning: "dumpagent[ COMMAND]: MESSAGE", "...: warning: MESSAGE". */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A progress line, on the console only. */
void log_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like log_error, with ": strerror(err)" appended. */
void log_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
