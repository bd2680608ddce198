/* cmdline.h: reads dumpagent.* parameters from a kernel command line. */
#ifndef DUMPAGENT_CMDLINE_H
#define DUMPAGENT_CMDLINE_H

#include <stddef.h>

/* Finds the last "name=value" word before "--"; 0 and value copied (bounded), or -1. */
int cmdline_get(const char *cmdline, const char *name, char *out, size_t outlen);

/* The next word from p on: *start and *len (0 at the end); returns where the
 * scan goes on. Words are separated by blanks; double quotes group (and stay
 * in the word), as the kernel's parser does. */
const char *cmdline_word(const char *p, const char **start, size_t *len);

#endif
