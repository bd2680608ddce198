/* fuzz_luks.c: libFuzzer target for the LUKS1 and LUKS2 header readers (the superblock probe, the LUKS2 checksum over a file). */
#include <stdint.h>
#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>

#include "luks_header.h"
#include "superblock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct fsid id;

	(void)superblock_probe(data, size, &id);
	/* luks2_header_check reads a device: the input as a file, hdr_size
	 * from the input checked against what the file holds. */
	if (fd < 0 && (fd = memfd_create("luks", 0)) < 0)
		return 0;
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	(void)luks2_header_check(fd);
	return 0;
}
