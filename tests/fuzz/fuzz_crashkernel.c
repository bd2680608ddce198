/* fuzz_crashkernel.c: libFuzzer target for the crashkernel= reader of the kernel command line (arm_crashkernel.c).
 *
 * The input is the command line, NUL-terminated as it is read from
 * /proc/cmdline. Each form's value must be NUL-terminated inside its slot
 * and be a piece of the command line; the refusal made from them is
 * written into buffers of exact sizes, so that ASan sees a write past one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arm_crashkernel.h"

static const size_t whylens[] = { 1, 2, 64, 1024 };

static void check_slot(const char *line, const char *slot, size_t size)
{
	if (!memchr(slot, '\0', size) || (*slot && !strstr(line, slot)))
		abort();
}

static void missing(const struct arm_crashkernel *ck)
{
	for (size_t i = 0; i < sizeof(whylens) / sizeof(whylens[0]); i++) {
		char *why = malloc(whylens[i]);

		if (!why)
			abort();
		arm_crashkernel_missing(ARM_ARCH_ARM64, ck, "/sys/kernel/kexec_crash_size is 0", why, whylens[i]);
		if (!memchr(why, '\0', whylens[i]))
			abort();
		arm_crashkernel_missing(ARM_ARCH_X86_64, ck, "/sys/kernel/kexec_crash_size is 0", why, whylens[i]);
		free(why);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	struct arm_crashkernel *ck = malloc(sizeof(*ck));

	if (!line || !ck)
		abort();
	memcpy(line, data, size);
	line[size] = '\0';
	arm_crashkernel_parse(line, ck);
	check_slot(line, ck->plain, sizeof(ck->plain));
	check_slot(line, ck->high, sizeof(ck->high));
	check_slot(line, ck->low, sizeof(ck->low));
	missing(ck);
	free(ck);
	free(line);
	return 0;
}
