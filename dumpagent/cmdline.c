/* cmdline.c: reads dumpagent.* parameters from a kernel command line. */
#include "cmdline.h"

#include <string.h>

const char *cmdline_word(const char *p, const char **start, size_t *len)
{
	int quoted = 0;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	*start = p;
	for (; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && (*p == ' ' || *p == '\t' || *p == '\n'))
			break;
	}
	*len = (size_t)(p - *start);
	return p;
}

int cmdline_get(const char *cmdline, const char *name, char *out, size_t outlen)
{
	size_t nlen = strlen(name);
	int found = -1;
	const char *p = cmdline;

	while (*p) {
		const char *w;
		size_t len, o = 0;

		p = cmdline_word(p, &w, &len);
		/* The kernel stops at "--" and hands the rest to init as its
		 * arguments: a dumpagent.* word there was never a parameter. */
		if (len == 2 && memcmp(w, "--", 2) == 0)
			break;
		if (len > 0 && w[0] == '"')
			w++, len--;
		if (len <= nlen || memcmp(w, name, nlen) != 0 || w[nlen] != '=')
			continue;
		for (size_t i = nlen + 1; i < len && o + 1 < outlen; i++)
			if (w[i] != '"')
				out[o++] = w[i];
		if (outlen)
			out[o] = '\0';
		found = 0;
	}
	return found;
}
