/* fuzz_dmesg.c: libFuzzer target for the dmesg facts scanner (the crashed kernel's log is untrusted). */
#include <stdint.h>
#include <stddef.h>

#include "dmesg_scan.h"

/* The first byte picks where the text is cut in two, so lines span calls. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dmesg_facts facts;
	static struct dmesg_scan s;
	size_t cut;

	if (size == 0)
		return 0;
	cut = data[0] % size;
	dmesg_scan_init(&s, &facts, "6.1.0-99-amd64");
	dmesg_scan_feed(&s, (const char *)data + 1, cut);
	dmesg_scan_feed(&s, (const char *)data + 1 + cut, size - 1 - cut);
	dmesg_scan_finish(&s);
	return 0;
}
