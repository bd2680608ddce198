/* fuzz_crashkernel.c: libFuzzer target for the crashkernel= reader of the kernel command line (arm_crashkernel.c).
 *
 * The input is the command line, NUL-terminated as it is read from
 * /proc/cmdline. Each form's value must be NUL-terminated inside its slot
 * and come from a word of that form; the refusal made from them is
 * written into buffers of exact sizes, so that ASan sees a write past one. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arm_crashkernel.h"

static const size_t whylens[] = { 1, 2, 64, 1024 };

/* The value in slot came from a word "crashkernel=VALUE<suffix>" of the
 * line: the whole word when the value was not cut to fit the slot. */
static void check_slot(const char *line, const char *slot, size_t size, const char *suffix)
{
	char word[160];

	if (!memchr(slot, '\0', size))
		abort();
	if (!*slot)
		return;
	(void)snprintf(word, sizeof(word), "crashkernel=%s%s", slot, strlen(slot) + 1 < size ? suffix : "");
	if (!strstr(line, word))
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
	check_slot(line, ck->plain, sizeof(ck->plain), "");
	check_slot(line, ck->high, sizeof(ck->high), ",high");
	check_slot(line, ck->low, sizeof(ck->low), ",low");
	missing(ck);
	free(ck);
	free(line);
	return 0;
}
