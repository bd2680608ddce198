/* fuzz_kcore.c: libFuzzer target for the /proc/kcore walker that finds arm64's kernel-text PT_LOAD (arm_kcore.c).
 *
 * The input is _stext and _etext (8 bytes each, little-endian, swapped
 * into order, as arm_kallsyms.c refuses _etext < _stext before it walks),
 * then the kcore file itself, written to a memfd that the walker preads.
 * The answer is checked against the input: a segment found is a PT_LOAD
 * of the file that holds [_stext, _etext], and none holding it is
 * smaller; "none" means none of the program headers holds it. */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arm_kcore.h"

struct want {
	unsigned long long stext, etext;
};

/* Program header i of the file (size bytes) into *ph: 0, or -1 when the file does not hold it. */
static int phdr(const uint8_t *file, size_t size, const Elf64_Ehdr *eh, unsigned i, Elf64_Phdr *ph)
{
	unsigned long long off = eh->e_phoff + (unsigned long long)i * sizeof(*ph);

	if (off < eh->e_phoff || off > size || size - off < sizeof(*ph))
		return -1;
	memcpy(ph, file + off, sizeof(*ph));
	return 0;
}

static int holds(const Elf64_Phdr *ph, const struct want *w)
{
	return ph->p_type == PT_LOAD && ph->p_vaddr <= w->stext && w->etext - ph->p_vaddr < ph->p_memsz;
}

/* rc and start are what the walker said of the file: abort() when the file says otherwise. */
static void check(const uint8_t *file, size_t size, const struct want *w, int rc, unsigned long long start)
{
	unsigned long long best = 0;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int found = 0, chosen = 0;

	if (rc < 0) {
		if (rc != -EIO && rc != -ENOEXEC && rc != -EINVAL)
			abort();
		return;
	}
	if (rc > 1 || size < sizeof(eh))
		abort();
	memcpy(&eh, file, sizeof(eh));
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		if (phdr(file, size, &eh, i, &ph) < 0)
			abort(); /* the walker read past the end of the file and did not say so */
		if (holds(&ph, w) && (!found || ph.p_memsz < best))
			found = 1, best = ph.p_memsz;
	}
	for (unsigned i = 0; rc == 0 && i < eh.e_phnum; i++)
		if (phdr(file, size, &eh, i, &ph) == 0 && holds(&ph, w) && ph.p_vaddr == start && ph.p_memsz == best)
			chosen = 1;
	if (rc == 1 ? found : !chosen || start > w->stext)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	unsigned long long start = 0;
	struct want w;
	int rc;

	if (size < 16)
		return 0;
	memcpy(&w.stext, data, 8);
	memcpy(&w.etext, data + 8, 8);
	if (w.etext < w.stext) {
		unsigned long long t = w.stext;

		w.stext = w.etext, w.etext = t;
	}
	data += 16, size -= 16;
	if (fd < 0 && (fd = memfd_create("kcore", 0)) < 0)
		return 0;
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	rc = arm_kcore_text_segment(fd, w.stext, w.etext, &start);
	check(data, size, &w, rc, start);
	return 0;
}
