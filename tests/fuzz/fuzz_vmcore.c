/* fuzz_vmcore.c: libFuzzer target for the vmcore ELF and note reader. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmcore.h"

/* What the register loop below adds up, so that the compiler keeps the reads. */
volatile size_t fuzz_vmcore_sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vmcore_info info;
	char err[512], v[64];
	int fd = memfd_create("vmcore", MFD_CLOEXEC);

	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	if (vmcore_read(fd, "fuzz", &info, err, sizeof(err)) == 0) {
		unsigned n = info.prstatus_count < VMCORE_MAX_CPUS ? info.prstatus_count : VMCORE_MAX_CPUS;

		(void)vmcore_info_value(&info, "SYMBOL(init_uts_ns)", v, sizeof(v));
		/* What the summary reads: every kept CPU's registers by name. */
		for (unsigned c = 0; c < n; c++)
			for (unsigned r = 0; r < vmcore_reg_count(&info); r++)
				fuzz_vmcore_sink += strlen(vmcore_reg_name(&info, r)) + (size_t)(info.cpu[c].regs[r] & 1);
	}
	close(fd);
	return 0;
}
