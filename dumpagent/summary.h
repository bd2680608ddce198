/* summary.h: the crash summary, as text for a human and as JSON for scripts. */
#ifndef DUMPAGENT_SUMMARY_H
#define DUMPAGENT_SUMMARY_H

#include "dmesg_scan.h"
#include "outbuf.h"
#include "vmcore.h"

struct summary {
	const char *id; /* the dump directory name */
	const struct vmcore_info *vmcore;
	const struct dmesg_facts *facts;
	int panic_note; /* index into vmcore->cpu of the panicking CPU, or -1 */
};

void summary_init(struct summary *s, const char *id, const struct vmcore_info *vmcore,
		  const struct dmesg_facts *facts);
/* "YYYY-MM-DDTHH:MM:SSZ", or "" when the crash time is unknown. */
void summary_time_utc(const struct summary *s, char *out, size_t outlen);
void summary_write_text(const struct summary *s, struct outbuf *o);
void summary_write_json(const struct summary *s, struct outbuf *o);
/* The registers of one CPU note, one "name: 0x..." per line, for the report. */
void summary_write_registers(const struct summary *s, struct outbuf *o);
/* Writes s as a JSON string, escaped, with invalid UTF-8 as U+FFFD. */
void json_string(struct outbuf *o, const char *s);

#endif
