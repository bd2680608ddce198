/* fuzz_cmdline.c: libFuzzer target for the kernel command line reader (/proc/cmdline).
 *
 * The input is the command line, NUL-terminated as capture.c terminates what
 * it read. Each parameter is read into buffers of several sizes, each
 * allocated to that exact size so that ASan sees a write past it. A value
 * found must be NUL-terminated inside the buffer, with its quotes removed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

static const char *const names[] = { "dumpagent.target", "dumpagent.fstype", "dumpagent.bsod",
				     "dumpagent.shell" };
static const size_t outlens[] = { 0, 1, 2, 3, 4, 256 };

static void get(const char *line, const char *name, size_t outlen)
{
	char *out = malloc(outlen);

	if (!out && outlen)
		abort();
	if (cmdline_get(line, name, out, outlen) == 0 && outlen &&
	    (!memchr(out, '\0', outlen) || strchr(out, '"')))
		abort();
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);

	if (!line)
		abort();
	memcpy(line, data, size);
	line[size] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		for (size_t k = 0; k < sizeof(outlens) / sizeof(outlens[0]); k++)
			get(line, names[i], outlens[k]);
	free(line);
	return 0;
}
