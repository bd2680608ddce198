/* report_embed.h: completes an apport report with its dump as VmCore (at the next boot, or in export's copy). */
#ifndef DUMPAGENT_REPORT_EMBED_H
#define DUMPAGENT_REPORT_EMBED_H

#include <stddef.h>

#include "outbuf.h"

/* 1 when the report read from fd (from its current offset to its end) has a
 * VmCore entry, 0 when it has none, or -errno of the read. */
int report_has_vmcore(int fd);

/* Whether a dump of size bytes may go into its report: NULL when it may,
 * else why (a constant string). max_mb is REPORT_VMCORE_MAX_MB (0: never);
 * the base64 copy (4/3 of the dump, plus 4 MiB for the rest) must fit in
 * avail bytes with reserve left over. */
const char *report_embed_refusal(unsigned long long size, unsigned long max_mb, unsigned long long reserve,
				 unsigned long long avail);

/* Writes the report read from rpt (to its end) to o without its VmCorePath
 * entry, then the dump read from dump (to its end) as VmCore: its gzip holds
 * a kdump-compressed dump (makedumpfile -c/-l/-z, "KDUMP   ") in stored
 * blocks, and deflates anything else. Both are read from their current
 * offsets (0 when just opened). 0, or -1 with a message in err. */
int report_embed_write(struct outbuf *o, int rpt, int dump, char *err, size_t errlen);

#endif
