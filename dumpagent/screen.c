/* screen.c: the "brown screen": the crash and the capture, white on brown on the console.
 *
 * Plain ANSI, which the Linux VT understands: bright white (1;37) on
 * colour 3, which the VGA palette shows as brown (#AA5500). Erasing with
 * the brown attribute set fills the whole screen with it. Rows are fixed so
 * that a redraw of the status or the progress leaves the rest alone. */
#include "screen.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "log.h"
#include "screen_fb.h"

#define COLS 78
#define ROW_TRACE 7
#define TRACE_ROWS 12
#define ROW_STATUS 21
#define ROW_PROGRESS 22
#define BROWN "\033[0;1;37;43m"

static int tty_fd = -1, mirror = -1;

static void put(const char *s, size_t n)
{
	if (tty_fd >= 0)
		(void)write_all(tty_fd, s, n); /* a console that fails cannot be helped */
	if (mirror >= 0)
		(void)write_all(mirror, s, n);
}

/* Row r (1-based), cleared to brown, then the text cut to the screen width. */
static void row(int r, const char *text)
{
	char buf[COLS + 32];
	int n = snprintf(buf, sizeof(buf), BROWN "\033[%d;1H\033[K %.*s", r, COLS, text);

	if (n > 0)
		put(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	put("\r\n", 2); /* for the serial copy: one line per row */
	(void)snprintf(buf, sizeof(buf), " %.*s", COLS, text);
	screen_fb_row(r, buf);
}

/* Where the capture kernel has no visible console, the agent draws on the
 * display's framebuffer itself when it can (screen_fb.c). */
static void open_fb(void)
{
	char why[512];
	int r = screen_fb_open("/sys", SCREEN_FONT, why, sizeof(why));

	if (r == 0)
		log_info("brown screen: %s", why);
	else if (r < 0)
		log_error("brown screen: only on the serial console: %s", why);
	else if (strstr(why, "dummy"))
		log_info("brown screen: only on the serial console: %s", why);
}

int screen_open(const char *tty, int mirror_fd)
{
	static const char clear[] = BROWN "\033[?25l\033[2J\033[H";

	tty_fd = open(tty, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (tty_fd < 0)
		return -errno;
	mirror = mirror_fd;
	open_fb();
	put(clear, sizeof(clear) - 1);
	row(1, "The Linux kernel crashed. dumpagent is saving what it can.");
	row(2, "Do not power off: the machine restarts by itself when this is done.");
	return 0;
}

int screen_active(void)
{
	return tty_fd >= 0;
}

void screen_crash(const struct summary *s)
{
	const struct dmesg_facts *f = s->facts;
	char line[160], when[32];

	if (tty_fd < 0)
		return;
	summary_time_utc(s, when, sizeof(when));
	row(4, f->panic[0] ? f->panic : "(no panic line in the crashed kernel's log)");
	(void)snprintf(line, sizeof(line), "Linux %s, crashed %s", s->vmcore->osrelease,
		       when[0] ? when : "(time unknown)");
	row(5, line);
	if (f->cpu >= 0)
		(void)snprintf(line, sizeof(line), "CPU %d, PID %ld, %s", f->cpu, f->pid, f->comm);
	else
		line[0] = '\0';
	row(6, line);
	row(ROW_TRACE, f->trace_count ? "Call trace:" : "");
	for (unsigned i = 0; i < TRACE_ROWS; i++) {
		(void)snprintf(line, sizeof(line), "  %s", i < f->trace_count ? f->trace[i] : "");
		row(ROW_TRACE + 1 + (int)i, i < f->trace_count ? line : "");
	}
	log_info("screen drawn: %s", f->panic[0] ? f->panic : "(no panic line)");
}

void screen_status(const char *fmt, ...)
{
	char line[COLS + 1];
	va_list ap;

	if (tty_fd < 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	row(ROW_STATUS, line);
}

void screen_progress(const char *text)
{
	if (tty_fd >= 0)
		row(ROW_PROGRESS, text);
}

void screen_close(void)
{
	if (tty_fd < 0)
		return;
	put("\033[0m\033[24;1H\r\n", 12);
	screen_fb_close(); /* the picture stays in video memory */
	if (close(tty_fd) < 0)
		log_errno(errno, "close the screen's tty");
	tty_fd = -1;
}
