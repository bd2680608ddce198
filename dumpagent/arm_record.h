/* arm_record.h: $RUN/loaded, the record of what load-crashkernel armed: written atomically, and read back (normal-boot side, arming). */
#ifndef DUMPAGENT_ARM_RECORD_H
#define DUMPAGENT_ARM_RECORD_H

#include <stddef.h>
#include <time.h>

#include "arm_state.h"

#define ARM_RECORD_MAX 16384 /* bytes of $RUN/loaded read at most: it is ours, and small */

/* The value of key in the record text (its first "KEY=" line) into val, or NULL. */
const char *arm_record_value(const char *text, const char *key, char *val, size_t len);
/* The text of the record at path (at most ARM_RECORD_MAX bytes); 0 or -1. */
int arm_record_read(const char *path, char *text, size_t len);

/* What a load adds to the facts of arm_state in the record. */
struct arm_loaded {
	const char *config, *method, *mode; /* mode: CAPTURE_MODE chosen, small or distro */
	char embedded_sha[65];
	time_t at;
};

/* Writes the record to run/loaded: run made 0700, run/loaded.tmp written
 * 0600 and renamed over it, so that a reader sees the old record or the new.
 * 0, or -1 with why ("action path: error"). */
int arm_record_write(const char *run, const struct arm_state *s, const struct arm_loaded *l, char *why,
		     size_t len);

/* The capture kernel recorded before, for loading it again. */
struct arm_previous {
	char kernel[1024], initrd[1024], cmdline[4096], method[32];
	int intact; /* its kernel and initramfs still have the recorded sha256 */
};
/* Reads the record at path into p: 0, or -1 when there is none. */
int arm_previous(const char *path, struct arm_previous *p);

#endif
