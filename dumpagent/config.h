/* config.h: strict parser of dumpagent.conf (format: docs/config-format.md). */
#ifndef DUMPAGENT_CONFIG_H
#define DUMPAGENT_CONFIG_H

#include <stddef.h>

#define CONFIG_LINE_MAX 1023
#define CONFIG_FILE_MAX 65536
#define CONFIG_VALUE_MAX 1024
#define CONFIG_PATH "/etc/dumpagent.conf" /* read when no --config is given */

enum config_key {
	KEY_TARGET,
	KEY_FSTYPE,
	KEY_CRASH_DIR,
	KEY_DUMP_LEVEL,
	KEY_COMPRESSION,
	KEY_FINAL_ACTION,
	KEY_FAILURE_ACTION,
	KEY_CAPTURE_KERNEL,
	KEY_CAPTURE_INITRD,
	KEY_CMDLINE_APPEND,
	KEY_CAPTURE_MODE,
	KEY_MIN_FREE_MB,
	KEY_REPORT_VMCORE,
	KEY_REPORT_VMCORE_MAX_MB,
	KEY_BSOD,
	KEY_BSOD_SECONDS,
	KEY_EMERGENCY_SHELL,
	KEY_WATCHDOG_SECONDS,
	KEY_MAX_DUMPS,
	KEY_MAX_TOTAL_MB,
	KEY_MAX_AGE_DAYS,
	KEY_CRASH_LOOP_MAX,
	KEY_CRASH_LOOP_MINUTES,
	KEY_THREADS,
	KEY_COUNT
};

struct config {
	char value[KEY_COUNT][CONFIG_VALUE_MAX];
	unsigned line[KEY_COUNT]; /* 0: default */
};

struct config_error {
	unsigned line; /* 0: not about a line */
	char msg[CONFIG_VALUE_MAX + 128];
};

void config_defaults(struct config *cfg);
/* Returns 0, or -1 with err filled in. */
int config_parse(const char *data, size_t len, struct config *cfg, struct config_error *err);
/* Reads and parses a file; returns 0, or -1 with err filled in. */
int config_load(const char *path, struct config *cfg, struct config_error *err);
/* Validates and sets one value (as from the kernel command line); returns 0 or -1 with err. */
int config_set(struct config *cfg, const char *key, const char *value, struct config_error *err);

/* Prints err the way docs/config-format.md says, naming path. */
void config_report_error(const char *path, const struct config_error *err);

int config_key_lookup(const char *name, size_t len);
const char *config_key_name(enum config_key key);
const char *config_get(const struct config *cfg, enum config_key key);
int config_dump_level(const struct config *cfg);
unsigned long config_min_free_mb(const struct config *cfg);
unsigned long config_report_vmcore_max_mb(const struct config *cfg);
/* A validated number (MIN_FREE_MB, BSOD_SECONDS...); 0 when the key may be empty and is. */
unsigned long config_number(const struct config *cfg, enum config_key key);

#endif
