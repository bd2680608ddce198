/* cli_status.c: dumpagent status: would a crash right now be captured? */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arm_reserve.h"
#include "cli_stack.h"
#include "io.h"
#include "json.h"
#include "kernel_release.h"
#include "screen_check.h"

#define PROBLEMS_MAX 12
#define STATE_FILE "loaded"

/* What load-crashkernel recorded when it loaded the capture kernel (load-crashkernel(8)). */
struct loaded {
	int present;
	long long at;
	char kernel[512], initrd[512], config[512], method[32];
	char mode[16]; /* CAPTURE_MODE chosen: small or distro (a record without it: small) */
	char initrd_sha[80], config_sha[80], initrd_config_sha[80];
	struct stat st;
};

struct status {
	unsigned long long reserved;
	int loaded_flag, target_ok;
	char release[80];
	struct loaded ld;
	struct cli_target t;
	char target_why[CLI_PATH_MAX];
	int bsod;                /* BSOD=1: the screen line below is shown */
	struct screen_check scr; /* what the brown screen can reach */
	char screen[160];
	const char *problem[PROBLEMS_MAX];
	char problem_buf[PROBLEMS_MAX][CLI_PATH_MAX + 200];
	unsigned problems;
};

static void problem(struct status *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct status *s, const char *fmt, ...)
{
	va_list ap;

	if (s->problems >= PROBLEMS_MAX)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(s->problem_buf[s->problems], sizeof(s->problem_buf[0]), fmt, ap);
	va_end(ap);
	s->problem[s->problems] = s->problem_buf[s->problems];
	s->problems++;
}

static unsigned long long read_number(const char *dir, const char *name, int *ok)
{
	char path[CLI_PATH_MAX], text[32];

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	*ok = cli_read_small(AT_FDCWD, path, text, sizeof(text)) >= 0;
	return *ok ? strtoull(text, NULL, 10) : 0;
}

static void state_value(const char *text, const char *key, char *out, size_t len)
{
	char pat[40];
	const char *p;

	(void)snprintf(pat, sizeof(pat), "\n%s=", key);
	p = strstr(text, pat);
	if (!p)
		return;
	p += strlen(pat);
	(void)snprintf(out, len, "%.*s", (int)strcspn(p, "\n"), p);
}

static void read_state(const struct cli *c, struct loaded *ld)
{
	char path[CLI_PATH_MAX], text[8192] = "\n", at[24] = "";
	int fd;
	long n;

	(void)snprintf(path, sizeof(path), "%s/%s", c->run, STATE_FILE);
	fd = cli_open_file(AT_FDCWD, path, &ld->st);
	if (fd < 0)
		return;
	n = (long)pread_full(fd, text + 1, sizeof(text) - 2, 0);
	(void)close(fd); /* read-only */
	if (n <= 0)
		return;
	text[n + 1] = '\0';
	ld->present = 1;
	state_value(text, "KERNEL", ld->kernel, sizeof(ld->kernel));
	state_value(text, "INITRD", ld->initrd, sizeof(ld->initrd));
	state_value(text, "CONFIG", ld->config, sizeof(ld->config));
	state_value(text, "METHOD", ld->method, sizeof(ld->method));
	(void)snprintf(ld->mode, sizeof(ld->mode), "small");
	state_value(text, "MODE", ld->mode, sizeof(ld->mode));
	state_value(text, "INITRD_SHA256", ld->initrd_sha, sizeof(ld->initrd_sha));
	state_value(text, "CONFIG_SHA256", ld->config_sha, sizeof(ld->config_sha));
	state_value(text, "INITRD_CONFIG_SHA256", ld->initrd_config_sha, sizeof(ld->initrd_config_sha));
	state_value(text, "LOADED_AT", at, sizeof(at));
	ld->at = atoll(at);
}

/* The release of the loaded capture kernel (kernel_release.h says how). */
static void loaded_release(const char *path, char *out, size_t len)
{
	struct stat st;
	int fd = cli_open_file(AT_FDCWD, path, &st);

	if (fd < 0)
		return;
	(void)kernel_release(fd, path, out, len);
	(void)close(fd); /* read-only */
}

/* A file loaded by the loader that is newer than its record was changed since. */
static void check_changed(struct status *s, const char *what, const char *path)
{
	struct stat st;

	if (!path[0] || stat(path, &st) < 0)
		return;
	if (st.st_mtim.tv_sec > s->ld.st.st_mtim.tv_sec ||
	    (st.st_mtim.tv_sec == s->ld.st.st_mtim.tv_sec && st.st_mtim.tv_nsec > s->ld.st.st_mtim.tv_nsec))
		problem(s, "the %s %s changed after the capture kernel was loaded: run load-crashkernel",
			what, path);
}

/* The loaded mode's estimated need against the reservation, as the loader
 * checks it before it loads (a kernel loaded by hand, or by an older loader,
 * was not). Files that cannot be read were reported as changed or missing. */
static void check_need(const struct cli *c, struct status *s)
{
	struct arm_need n;
	char why[1024];
	int distro = strcmp(s->ld.mode, "distro") == 0;

	if ((distro ? arm_need_distro : arm_need)(s->ld.kernel, s->ld.initrd, arm_ram(c->proc), &n, why,
						  sizeof(why)) == 0 &&
	    arm_need_fits(&n, s->reserved, distro ? "distro" : "small", why, sizeof(why)) < 0)
		problem(s, "%s", why);
}

static void check_armed(const struct cli *c, struct status *s)
{
	char kdir[CLI_PATH_MAX];
	int ok;

	(void)snprintf(kdir, sizeof(kdir), "%s/kernel", c->sysfs);
	s->reserved = read_number(kdir, "kexec_crash_size", &ok);
	if (!s->reserved)
		problem(s, "no memory is reserved for a capture kernel (%s/kexec_crash_size is %s): "
			   "run load-crashkernel --reserve, then reboot", kdir, ok ? "0" : "missing");
	s->loaded_flag = read_number(kdir, "kexec_crash_loaded", &ok) == 1;
	if (!s->loaded_flag && s->reserved)
		problem(s, "no capture kernel is loaded (%s/kexec_crash_loaded is not 1): run "
			   "load-crashkernel", kdir);
	read_state(c, &s->ld);
	if (!s->loaded_flag || !s->ld.present)
		return;
	loaded_release(s->ld.kernel, s->release, sizeof(s->release));
	if (s->ld.initrd_config_sha[0] && strcmp(s->ld.initrd_config_sha, "unknown") != 0 &&
	    strcmp(s->ld.initrd_config_sha, s->ld.config_sha) != 0)
		problem(s, "the loaded initramfs %s is stale: it holds another configuration than %s; "
			   "rebuild it, then run load-crashkernel", s->ld.initrd, s->ld.config);
	check_changed(s, "configuration", s->ld.config);
	check_changed(s, "capture kernel", s->ld.kernel);
	check_changed(s, "capture initramfs", s->ld.initrd);
	check_need(c, s);
}

static void check_target(struct cli *c, struct status *s)
{
	unsigned long long min = config_min_free_mb(&c->cfg);

	if (!c->config_ok)
		problem(s, "configuration error: %s", c->config_error);
	s->target_ok = cli_resolve_target(c, &s->t, s->target_why, sizeof(s->target_why)) == 0;
	if (!s->target_ok)
		problem(s, "%s", s->target_why);
	else if ((s->t.free_bytes >> 20) < min)
		problem(s, "only %llu MiB free on %s, below MIN_FREE_MB=%llu: the capture would write "
			   "nothing", s->t.free_bytes >> 20, s->t.mountpoint, min);
}

/* BSOD=1 asks for the brown screen: say whether the display can show it.
 * It is no problem (the capture still runs, the serial console gets the
 * screen), but a screen that stays black must not be promised. */
static void check_screen(const struct cli *c, struct status *s)
{
	s->bsod = strcmp(config_get(&c->cfg, KEY_BSOD), "1") == 0;
	if (!s->bsod)
		return;
	screen_check(c->sysfs, s->ld.present ? s->ld.method : NULL, &s->scr);
	screen_check_describe(&s->scr, s->screen, sizeof(s->screen));
}

static void put_str_or_null(const char *s)
{
	if (s && *s)
		json_put_string(stdout, s);
	else
		fputs("null", stdout);
}

static void print_json(const struct cli *c, const struct status *s, const struct cli_test_mark *m)
{
	const struct dump_entry *last = c->set.count ? &c->set.d[c->set.count - 1] : NULL;

	printf("{\"armed\": %s, \"reserved_bytes\": %llu, \"loaded\": %s, \"kernel\": ",
	       s->problems ? "false" : "true", s->reserved, s->loaded_flag ? "true" : "false");
	put_str_or_null(s->ld.present ? s->ld.kernel : NULL);
	fputs(", \"release\": ", stdout);
	put_str_or_null(s->release);
	fputs(", \"initrd\": ", stdout);
	put_str_or_null(s->ld.present ? s->ld.initrd : NULL);
	fputs(", \"initrd_sha256\": ", stdout);
	put_str_or_null(s->ld.present ? s->ld.initrd_sha : NULL);
	printf(", \"loaded_at\": %lld, \"method\": ", s->ld.present ? s->ld.at : 0LL);
	put_str_or_null(s->ld.present ? s->ld.method : NULL);
	fputs(", \"mode\": ", stdout);
	put_str_or_null(s->ld.present ? s->ld.mode : NULL);
	fputs(", \"config\": ", stdout);
	json_put_string(stdout, c->config_path);
	fputs(", \"config_error\": ", stdout);
	put_str_or_null(c->config_ok ? NULL : c->config_error);
	fputs(", \"target\": ", stdout);
	json_put_string(stdout, config_get(&c->cfg, KEY_TARGET));
	fputs(", \"device\": ", stdout);
	put_str_or_null(s->target_ok ? s->t.device : NULL);
	fputs(", \"mountpoint\": ", stdout);
	put_str_or_null(s->target_ok ? s->t.mountpoint : NULL);
	printf(", \"free_bytes\": %llu, \"crash_dir\": ", s->target_ok ? s->t.free_bytes : 0ULL);
	json_put_string(stdout, c->crash_path);
	printf(", \"dumps\": %zu, \"last_dump\": ", c->set.count);
	if (last)
		printf("{\"id\": \"%s\", \"status\": \"%s\"}", last->id, dumpdir_status_name(last->status));
	else
		fputs("null", stdout);
	fputs(", \"screen\": ", stdout);
	put_str_or_null(s->bsod ? s->screen : NULL);
	fputs(", \"test\": ", stdout);
	cli_print_test(m, 1);
	fputs(", \"problems\": [", stdout);
	for (unsigned i = 0; i < s->problems; i++) {
		fputs(i ? ", " : "", stdout);
		json_put_string(stdout, s->problem[i]);
	}
	fputs("]}\n", stdout);
}

static void print_text(const struct cli *c, const struct status *s, const struct cli_test_mark *m)
{
	const struct dump_entry *last = c->set.count ? &c->set.d[c->set.count - 1] : NULL;
	char when[32];

	printf("armed:          %s\n", s->problems ? "NO: a crash now would not be captured" : "yes");
	printf("reserved:       %llu MiB (crashkernel=)\n", s->reserved >> 20);
	if (!s->loaded_flag)
		printf("capture kernel: not loaded\n");
	else if (!s->ld.present)
		printf("capture kernel: loaded, not by load-crashkernel (no %s/%s)\n", c->run, STATE_FILE);
	else {
		cli_format_time(s->ld.at, when, sizeof(when));
		printf("capture kernel: %s (release %s), loaded %s with %s\n", s->ld.kernel,
		       s->release[0] ? s->release : "unknown", when, s->ld.method);
		printf("initramfs:      %s (sha256 %.16s...)\n", s->ld.initrd, s->ld.initrd_sha);
		printf("mode:           %s\n", s->ld.mode);
	}
	printf("config:         %s: %s\n", c->config_path, c->config_ok ? "ok" : c->config_error);
	if (s->target_ok) {
		char stack[320];

		printf("target:         %s = %s on %s, %llu MiB free\n", config_get(&c->cfg, KEY_TARGET),
		       s->t.device, s->t.mountpoint, s->t.free_bytes >> 20);
		cli_stack(c->sysfs, s->t.dev, stack, sizeof(stack));
		printf("on:             %s on %s\n", s->t.fstype[0] ? s->t.fstype : "a filesystem", stack);
	} else
		printf("target:         %s: not found\n", config_get(&c->cfg, KEY_TARGET));
	printf("dumps:          %zu in %s", c->set.count, c->crash_path);
	if (last) {
		cli_format_time(last->id_time, when, sizeof(when));
		printf("; last %s (%s), %s", last->id, when, dumpdir_status_name(last->status));
	}
	putchar('\n');
	if (s->bsod)
		printf("screen:         %s\n", s->screen);
	cli_print_test(m, 0);
	for (unsigned i = 0; i < s->problems; i++)
		printf("problem: %s\n", s->problem[i]);
}

int cli_status(int argc, char **argv)
{
	static struct cli c;
	static struct status s;
	struct cli_test_mark m;
	int r = cli_start(&c, "status", argc, argv);

	if (r != EXIT_OK)
		return r;
	memset(&s, 0, sizeof(s));
	check_armed(&c, &s);
	check_target(&c, &s);
	check_screen(&c, &s);
	(void)cli_scan(&c); /* says why it could not; the dumps do not decide "armed" */
	cli_test_mark_read(&c, &m);
	if (c.json)
		print_json(&c, &s, &m);
	else
		print_text(&c, &s, &m);
	cli_finish(&c);
	return s.problems ? EXIT_FAILED : EXIT_OK;
}
