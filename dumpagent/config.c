/* config.c: strict parser of dumpagent.conf (format: docs/config-format.md). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_values.h"
#include "io.h"
#include "log.h"

/* Names and defaults; the defaults must match config/dumpagent.conf. */
static const struct {
	const char *name, *dflt;
} keys[KEY_COUNT] = {
	[KEY_TARGET] = { "TARGET", "auto" },
	[KEY_FSTYPE] = { "FSTYPE", "auto" },
	[KEY_CRASH_DIR] = { "CRASH_DIR", "/var/crash" },
	[KEY_DUMP_LEVEL] = { "DUMP_LEVEL", "31" },
	[KEY_COMPRESSION] = { "COMPRESSION", "lzo" },
	[KEY_FINAL_ACTION] = { "FINAL_ACTION", "reboot" },
	[KEY_FAILURE_ACTION] = { "FAILURE_ACTION", "reboot" },
	[KEY_CAPTURE_KERNEL] = { "CAPTURE_KERNEL", "/usr/lib/dumpagent/vmlinuz" },
	[KEY_CAPTURE_INITRD] = { "CAPTURE_INITRD", "/usr/lib/dumpagent/initramfs.img" },
	[KEY_CMDLINE_APPEND] = { "CMDLINE_APPEND", "" },
	[KEY_CAPTURE_MODE] = { "CAPTURE_MODE", "auto" },
	[KEY_MIN_FREE_MB] = { "MIN_FREE_MB", "64" },
	[KEY_REPORT_VMCORE] = { "REPORT_VMCORE", "boot" },
	[KEY_REPORT_VMCORE_MAX_MB] = { "REPORT_VMCORE_MAX_MB", "1024" },
	[KEY_BSOD] = { "BSOD", "0" },
	[KEY_BSOD_SECONDS] = { "BSOD_SECONDS", "30" },
	[KEY_EMERGENCY_SHELL] = { "EMERGENCY_SHELL", "0" },
	[KEY_WATCHDOG_SECONDS] = { "WATCHDOG_SECONDS", "3600" },
	[KEY_MAX_DUMPS] = { "MAX_DUMPS", "32" },
	[KEY_MAX_TOTAL_MB] = { "MAX_TOTAL_MB", "" },
	[KEY_MAX_AGE_DAYS] = { "MAX_AGE_DAYS", "" },
	[KEY_CRASH_LOOP_MAX] = { "CRASH_LOOP_MAX", "3" },
	[KEY_CRASH_LOOP_MINUTES] = { "CRASH_LOOP_MINUTES", "60" },
	[KEY_THREADS] = { "THREADS", "auto" },
};

const char *config_key_name(enum config_key key)
{
	return keys[key].name;
}

const char *config_get(const struct config *cfg, enum config_key key)
{
	return cfg->value[key];
}

int config_dump_level(const struct config *cfg)
{
	const char *v = cfg->value[KEY_DUMP_LEVEL];
	int level = 0;

	for (; *v; v++)
		level = level * 10 + (*v - '0');
	return level;
}

unsigned long config_min_free_mb(const struct config *cfg)
{
	return strtoul(cfg->value[KEY_MIN_FREE_MB], NULL, 10); /* validated: 1 to 6 digits */
}

unsigned long config_number(const struct config *cfg, enum config_key key)
{
	return strtoul(cfg->value[key], NULL, 10); /* validated: at most 7 digits, or empty */
}

unsigned long config_report_vmcore_max_mb(const struct config *cfg)
{
	return config_number(cfg, KEY_REPORT_VMCORE_MAX_MB);
}

/* Only these may be empty: nothing to append, no total limit of its own, no age limit. */
static int may_be_empty(int key)
{
	return key == KEY_CMDLINE_APPEND || key == KEY_MAX_TOTAL_MB || key == KEY_MAX_AGE_DAYS;
}

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (int k = 0; k < KEY_COUNT; k++)
		(void)snprintf(cfg->value[k], sizeof(cfg->value[k]), "%s", keys[k].dflt);
}

int config_key_lookup(const char *name, size_t len)
{
	for (int k = 0; k < KEY_COUNT; k++)
		if (strlen(keys[k].name) == len && memcmp(keys[k].name, name, len) == 0)
			return k;
	return -1;
}

static int fail(struct config_error *err, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct config_error *err, unsigned line, const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	va_start(ap, fmt);
	(void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* Strips quotes and checks the characters; value is NUL-terminated, writable. */
static int unquote(char *value, const char *key, unsigned line, struct config_error *err)
{
	size_t len = strlen(value);

	if (value[0] == '"') {
		if (len < 2 || value[len - 1] != '"' || memchr(value + 1, '"', len - 2))
			return fail(err, line, "%s: unterminated quote", key);
		memmove(value, value + 1, len - 2);
		value[len - 2] = '\0';
	} else if (strchr(value, '"')) {
		return fail(err, line, "%s: unterminated quote", key);
	}
	for (const char *p = value; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			return fail(err, line, "%s: value has a non-printable character", key);
	return 0;
}

static int set_value(struct config *cfg, int key, char *value, unsigned line,
		     struct config_error *err)
{
	const char *name = keys[key].name;
	const char *expect;

	if (unquote(value, name, line, err) < 0)
		return -1;
	if (value[0] == '\0' && !may_be_empty(key))
		return fail(err, line, "%s: value is empty", name);
	expect = config_value_check(key, value);
	if (expect) {
		err->line = line;
		(void)snprintf(err->msg, sizeof(err->msg), "%s: bad value '%s': %s", name, value,
			       expect);
		return -1;
	}
	(void)snprintf(cfg->value[key], sizeof(cfg->value[key]), "%s", value);
	return 0;
}

int config_set(struct config *cfg, const char *key, const char *value, struct config_error *err)
{
	char buf[CONFIG_VALUE_MAX];
	int k = config_key_lookup(key, strlen(key));

	if (k < 0)
		return fail(err, 0, "unknown key '%s'", key);
	if (strlen(value) >= sizeof(buf))
		return fail(err, 0, "%s: value is too long", key);
	memcpy(buf, value, strlen(value) + 1);
	return set_value(cfg, k, buf, 0, err);
}

/* A carriage return counts as blank, so that files edited on Windows parse. */
static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int parse_line(struct config *cfg, char *text, unsigned line, struct config_error *err)
{
	char *p = text, *eq, *end;
	int key;

	while (is_blank(*p))
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	if (p != text || !(*p >= 'A' && *p <= 'Z'))
		return fail(err, line, "expected KEY=value");
	for (eq = p; (*eq >= 'A' && *eq <= 'Z') || (*eq >= '0' && *eq <= '9') || *eq == '_'; eq++)
		;
	if (*eq != '=')
		return fail(err, line, "expected KEY=value");
	*eq = '\0';
	key = config_key_lookup(p, (size_t)(eq - p));
	if (key < 0)
		return fail(err, line, "unknown key '%s'", p);
	if (cfg->line[key]) {
		return fail(err, line, "%s is already set on line %u", p, cfg->line[key]);
	}
	end = eq + 1 + strlen(eq + 1);
	while (end > eq + 1 && is_blank(end[-1]))
		*--end = '\0';
	if (set_value(cfg, key, eq + 1, line, err) < 0)
		return -1;
	cfg->line[key] = line;
	return 0;
}

int config_parse(const char *data, size_t len, struct config *cfg, struct config_error *err)
{
	char text[CONFIG_LINE_MAX + 1];
	unsigned line = 0;
	size_t pos = 0;

	config_defaults(cfg);
	memset(err, 0, sizeof(*err));
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (data + pos)) : len - pos;

		line++;
		if (n > CONFIG_LINE_MAX)
			return fail(err, line, "line is longer than 1023 bytes");
		memcpy(text, data + pos, n);
		text[n] = '\0';
		if (memchr(text, '\0', n))
			return fail(err, line, "line has a NUL byte");
		if (parse_line(cfg, text, line, err) < 0)
			return -1;
		pos += n + 1;
	}
	return 0;
}

int config_load(const char *path, struct config *cfg, struct config_error *err)
{
	static char data[CONFIG_FILE_MAX + 1];
	ssize_t n;
	int fd;

	memset(err, 0, sizeof(*err));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, 0, "open %s: %s", path, strerror(errno));
	n = pread_full(fd, data, sizeof(data), 0);
	(void)close(fd); /* read-only: a close error cannot lose data */
	if (n < 0)
		return fail(err, 0, "read %s: %s", path, strerror((int)-n));
	if ((size_t)n > CONFIG_FILE_MAX)
		return fail(err, 0, "%s: file is larger than 65536 bytes", path);
	return config_parse(data, (size_t)n, cfg, err);
}

/* The format is fixed by docs/config-format.md: "dumpagent: FILE:LINE: MESSAGE". */
void config_report_error(const char *path, const struct config_error *err)
{
	if (err->line)
		log_info("%s:%u: %s", path, err->line, err->msg);
	else
		log_info("%s", err->msg);
}
