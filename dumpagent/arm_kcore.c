/* arm_kcore.c: the kernel-text PT_LOAD of an ELF core such as /proc/kcore, read from a file descriptor. */
#include "arm_kcore.h"

#include <elf.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

/* pread of exactly len bytes: 0, or -errno (-EIO when short). */
static int read_at(int fd, void *buf, size_t len, off_t off)
{
	ssize_t got = pread(fd, buf, len, off);

	if (got < 0)
		return -errno;
	return (size_t)got == len ? 0 : -EIO;
}

int arm_kcore_text_segment(int fd, unsigned long long stext, unsigned long long etext, unsigned long long *start)
{
	unsigned long long best = 0;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int rc, found = 0;

	if ((rc = read_at(fd, &eh, sizeof(eh), 0)) < 0)
		return rc;
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(ph) || eh.e_phnum > ARM_KCORE_PHDRS_MAX)
		return -ENOEXEC;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		if ((rc = read_at(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + (unsigned long long)i * sizeof(ph)))) < 0)
			return rc;
		/* etext - vaddr < memsz, without the overflow of vaddr + memsz */
		if (ph.p_type != PT_LOAD || ph.p_vaddr > stext || etext - ph.p_vaddr >= ph.p_memsz ||
		    (found && ph.p_memsz >= best))
			continue;
		found = 1;
		best = ph.p_memsz;
		*start = ph.p_vaddr;
	}
	return found ? 0 : 1;
}
