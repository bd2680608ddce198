/* cmdline.h: reads dumpagent.* parameters from a kernel command line. */
#ifndef DUMPAGENT_CMDLINE_H
#define DUMPAGENT_CMDLINE_H

#include <stddef.h>

/* Finds the last "name=value" word before "--"; 0 and value copied (bounded), or -1. */
int cmdline_get(const char *cmdline, const char *name, char *out, size_t outlen);

#endif
