/* fuzz_vmcore.c: libFuzzer target for the vmcore ELF and note reader. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmcore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vmcore_info info;
	char err[512], v[64];
	int fd = memfd_create("vmcore", MFD_CLOEXEC);

	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	if (vmcore_read(fd, "fuzz", &info, err, sizeof(err)) == 0)
		(void)vmcore_info_value(&info, "SYMBOL(init_uts_ns)", v, sizeof(v));
	close(fd);
	return 0;
}
