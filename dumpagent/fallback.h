/* fallback.h: the agent's own dump when makedumpfile cannot make one: the vmcore, gzipped. */
#ifndef DUMPAGENT_FALLBACK_H
#define DUMPAGENT_FALLBACK_H

#include <stddef.h>

/* Streams the whole ELF core at vmcore_path (headers, notes and every PT_LOAD,
 * offsets unchanged) through zlib into a new file tmpname in dirfd, with fixed
 * buffers. Returns 0, or -errno with err naming what failed. */
int fallback_gzip_vmcore(const char *vmcore_path, int dirfd, const char *tmpname, char *err,
			 size_t errlen);

#endif
