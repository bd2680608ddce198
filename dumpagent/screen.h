/* screen.h: the "brown screen": the crash and the capture, white on brown on the console. */
#ifndef DUMPAGENT_SCREEN_H
#define DUMPAGENT_SCREEN_H

#include "summary.h"

/* Takes over tty (e.g. /dev/tty1) and mirrors the screen as ANSI text on
 * mirror_fd (the serial console; -1 for none). Returns 0, or -errno. */
int screen_open(const char *tty, int mirror_fd);
int screen_active(void);
/* The crash: panic line, release, crash time, CPU, call trace. */
void screen_crash(const struct summary *s);
/* The line under the crash: what the capture is doing, or how it ended. */
void screen_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The progress line under the status. */
void screen_progress(const char *line);
void screen_close(void);

#endif
