/* log.h: messages from the agent, to stderr and (in the capture kernel) the kernel log. */
#ifndef DUMPAGENT_LOG_H
#define DUMPAGENT_LOG_H

#include <stdarg.h>

void log_set_kmsg(int enable);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like log_error, with ": strerror(err)" appended. */
void log_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
