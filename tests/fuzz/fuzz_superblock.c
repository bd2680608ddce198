/* fuzz_superblock.c: libFuzzer target for the superblock reader. */
#include <stdint.h>
#include <stddef.h>

#include "superblock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fsid id;

	(void)superblock_probe(data, size, &id);
	return 0;
}
