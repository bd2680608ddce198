/* text.c: bytes we did not write (a disk label, the dead kernel's strings, file names) made printable.
 *
 * Anything outside printable ASCII becomes '?': an escape sequence in a panic
 * line or a file name must not reach a terminal. (JSON strings are escaped
 * instead, json.c; the dmesg keeps its bytes as \ooo, dmesg_scan.c.) */
#include "text.h"

static char printable(char c, int lines)
{
	unsigned char u = (unsigned char)c;

	if (u >= 0x20 && u < 0x7f)
		return c;
	return lines && (c == '\n' || c == '\t') ? c : '?';
}

size_t text_copy(char *dst, size_t len, const char *src, size_t n)
{
	size_t i = 0;

	for (; i < n && i + 1 < len && src[i]; i++)
		dst[i] = printable(src[i], 0);
	dst[i] = '\0';
	return i;
}

void text_put(FILE *f, const char *s, size_t n, int lines)
{
	for (size_t i = 0; i < n; i++)
		(void)putc(printable(s[i], lines), f); /* stdout: its error shows at exit */
}
