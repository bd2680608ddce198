/* fuzz_md.c: libFuzzer target for the md superblock reader (v1 at each minor version's place, 0.90) and the recorded array's parser. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "md_plan.h"
#include "md_super.h"

/* The whole input as a disk (memfd), read at every place a superblock may be. */
static void as_disk(const uint8_t *data, size_t size)
{
	struct md_member m;
	int fd = memfd_create("member", 0);

	if (fd < 0)
		return;
	if (write(fd, data, size) == (ssize_t)size)
		(void)md_super_read(fd, size, &m);
	(void)close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[MD_PLAN_TEXT_MAX + 2];
	struct md_member m;
	struct md_plan plan;
	char err[256];
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;

	for (unsigned minor = 0; minor <= 2; minor++)
		(void)md_super1_parse(data, size, size >= 8 ? data[size - 1] : 0, minor, &m);
	(void)md_super0_parse(data, size, &m);
	memcpy(text, data, n);
	text[n] = '\0';
	if (md_plan_parse(text, &plan, err, sizeof(err)) == 0)
		(void)md_plan_format(&plan, text, sizeof(text));
	as_disk(data, size);
	return 0;
}
