/* text.h: bytes we did not write (a disk label, the dead kernel's strings, file names) made printable. */
#ifndef DUMPAGENT_TEXT_H
#define DUMPAGENT_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* Copies at most n bytes of src, stopping at a NUL, into dst (len > 0),
 * every byte outside printable ASCII as '?', truncated to fit; dst ends with a
 * NUL. Returns the count copied. */
size_t text_copy(char *dst, size_t len, const char *src, size_t n);
/* Prints the n bytes of s to f the same way (a NUL too becomes '?'); with
 * lines, newlines and tabs are kept. */
void text_put(FILE *f, const char *s, size_t n, int lines);

#endif
