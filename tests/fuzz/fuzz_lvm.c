/* fuzz_lvm.c: libFuzzer target for the LVM2 label, metadata area and text readers, and the recorded mapping's parser. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lvm_disk.h"
#include "lvm_plan.h"

/* The whole input as a disk (memfd): the label, the area headers it points
 * at, and the circular text buffer they point into, wrapping included. */
static void as_disk(const uint8_t *data, size_t size)
{
	struct lvm_pv pv;
	struct lvm_vg vg;
	int fd = memfd_create("pv", 0);

	if (fd < 0)
		return;
	if (write(fd, data, size) == (ssize_t)size)
		(void)lvm_pv_read(fd, &pv, &vg);
	(void)close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[LVM_PLAN_TEXT_MAX + 2];
	static struct lvm_plan plan;
	struct lvm_raw raw;
	struct lvm_pv pv;
	struct lvm_vg vg;
	char err[256];
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;

	(void)lvm_label_parse(data, size, &pv);
	(void)lvm_mda_parse(data, size, 4096, 1 << 20, &raw);
	(void)lvm_meta_parse((const char *)data, size, &vg);
	memcpy(text, data, n);
	text[n] = '\0';
	if (lvm_plan_parse(text, &plan, err, sizeof(err)) == 0)
		(void)lvm_plan_format(&plan, text, sizeof(text));
	as_disk(data, size);
	return 0;
}
