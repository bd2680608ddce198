/* fuzz_config.c: libFuzzer target for the configuration parser. */
#include <stdint.h>
#include <stddef.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config cfg;
	struct config_error err;

	(void)config_parse((const char *)data, size, &cfg, &err);
	return 0;
}
