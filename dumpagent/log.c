/* log.c: messages from the agent, to stderr and (in the capture kernel) the kernel log. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "io.h"

static int kmsg_fd = -1;
static const char *command; /* "list": its messages say "dumpagent list: " */
static char kept[LOG_KEEP_BYTES];
static size_t kept_len;

/* Keeps a line for the capture log; past the bound, one marker and no more. */
static void keep(const char *line, size_t n)
{
	static const char full[] = "dumpagent: (log truncated)\n";

	if (kept_len + n <= sizeof(kept) - sizeof(full)) {
		memcpy(kept + kept_len, line, n);
		kept_len += n;
	} else if (kept_len + sizeof(full) - 1 <= sizeof(kept) &&
		   (kept_len < sizeof(full) - 1 ||
		    memcmp(kept + kept_len - (sizeof(full) - 1), full, sizeof(full) - 1) != 0)) {
		memcpy(kept + kept_len, full, sizeof(full) - 1);
		kept_len += sizeof(full) - 1;
	}
}

const char *log_kept(size_t *len)
{
	*len = kept_len;
	return kept;
}

/* In the capture kernel the console may be gone or slow; /dev/kmsg keeps the
 * messages in the capture kernel's ring buffer, next to the kernel's own. */
void log_set_kmsg(int enable)
{
	if (enable && kmsg_fd < 0)
		kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY);
	else if (!enable && kmsg_fd >= 0) {
		(void)close(kmsg_fd); /* nothing to do about a close error on a log */
		kmsg_fd = -1;
	}
}

void log_set_command(const char *name)
{
	command = name;
}

/* Every message has one form: "dumpagent[ COMMAND]: [warning: ]MESSAGE". */
static void emit(const char *prefix, const char *msg, const char *suffix)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), "dumpagent%s%s: %s%s%s\n", command ? " " : "",
			 command ? command : "", prefix, msg, suffix);

	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	keep(line, (size_t)n);
	(void)write_all(STDERR_FILENO, line, (size_t)n); /* stderr may be closed: nothing left to tell */
	if (kmsg_fd >= 0) {
		/* Level 7 (debug): kept in the ring buffer, not printed on the
		 * console a second time. */
		char kline[1030];
		int k = snprintf(kline, sizeof(kline), "<7>%.*s", n, line);

		if (k > 0)
			(void)write_all(kmsg_fd, kline, (size_t)k < sizeof(kline) ? (size_t)k : sizeof(kline) - 1);
	}
}

static void vemit(const char *prefix, const char *suffix, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static void vemit(const char *prefix, const char *suffix, const char *fmt, va_list ap)
{
	char msg[900];

	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	emit(prefix, msg, suffix);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vemit("", "", fmt, ap);
	va_end(ap);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vemit("", "", fmt, ap);
	va_end(ap);
}

void log_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vemit("warning: ", "", fmt, ap);
	va_end(ap);
}

void log_errno(int err, const char *fmt, ...)
{
	char suffix[128];
	va_list ap;

	(void)snprintf(suffix, sizeof(suffix), ": %s", strerror(err));
	va_start(ap, fmt);
	vemit("", suffix, fmt, ap);
	va_end(ap);
}

/* Progress goes to the console only: the capture log and the ring buffer
 * keep the steps, not every second of them. */
void log_progress(const char *fmt, ...)
{
	char msg[900], line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = snprintf(line, sizeof(line), "dumpagent: %s\n", msg);
	if (n > 0)
		(void)write_all(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}
