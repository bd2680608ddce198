/* progress.c: what makedumpfile is doing, shown on the console about once a second.
 *
 * makedumpfile redraws its progress with '\r'; on a serial line that is a
 * flood. We read it through a pipe and print one line a second, and only
 * when it changed: phase, percent, MiB written, MiB/s and time left. */
#include "progress.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "log.h"
#include "screen.h"

static long long now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail with a valid clock */
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int progress_parse(const char *line, char *phase, unsigned size, double *percent)
{
	const char *colon = strstr(line, ": [");
	size_t n;
	char *end;

	if (!colon || size == 0)
		return -1;
	*percent = strtod(colon + 3, &end);
	if (end == colon + 3 || strncmp(end, " %]", 3) != 0 || *percent < 0 || *percent > 100)
		return -1;
	n = (size_t)(colon - line);
	while (n > 0 && line[n - 1] == ' ')
		n--;
	if (n >= size)
		n = size - 1;
	for (size_t i = 0; i < n; i++)
		phase[i] = (char)tolower((unsigned char)line[i]);
	phase[n] = '\0';
	return 0;
}

static void on_line(void *arg, const char *line)
{
	struct progress *p = arg;
	double pct;

	if (progress_parse(line, p->phase, sizeof(p->phase), &pct) == 0)
		p->percent = pct;
	else
		log_info("makedumpfile (%s): %s", p->what, line);
}

static void on_tick(void *arg)
{
	struct progress *p = arg;
	double secs = (double)(now_ms() - p->start_ms) / 1000.0;
	double mib = 0, rate;
	struct stat st;
	char line[sizeof(p->shown)], left[32] = "";

	if (p->percent < 0)
		return;
	if (fstatat(p->dirfd, p->file, &st, AT_SYMLINK_NOFOLLOW) == 0)
		mib = (double)st.st_size / (1 << 20);
	rate = secs > 0 ? mib / secs : 0;
	if (strcmp(p->phase, "copying data") == 0 && p->percent >= 1)
		(void)snprintf(left, sizeof(left), ", %.0f s left",
			       secs * (100 - p->percent) / p->percent);
	(void)snprintf(line, sizeof(line), "%s: %s %.0f%%, %.1f MiB written, %.1f MiB/s%s", p->what,
		       p->phase, p->percent, mib, rate, left);
	if (strcmp(line, p->shown) == 0)
		return;
	memcpy(p->shown, line, sizeof(line));
	log_progress("progress: %s", line);
	screen_progress(line);
}

void progress_watch(struct progress *p, struct run_watch *w, const char *what, int dirfd,
		    const char *file)
{
	memset(p, 0, sizeof(*p));
	p->what = what;
	p->dirfd = dirfd;
	p->file = file;
	p->start_ms = now_ms();
	p->percent = -1;
	*w = (struct run_watch){ on_line, on_tick, p };
}
