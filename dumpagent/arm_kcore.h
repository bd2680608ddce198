/* arm_kcore.h: the kernel-text PT_LOAD of an ELF core such as /proc/kcore, read from a file descriptor. */
#ifndef DUMPAGENT_ARM_KCORE_H
#define DUMPAGENT_ARM_KCORE_H

/* /proc/kcore has a program header per RAM range, vmalloc, modules, text. */
#define ARM_KCORE_PHDRS_MAX 4096

/* The start of the smallest PT_LOAD of the ELF64 core FD (read with pread,
 * from offset 0) that holds [stext, etext], stext <= etext: 0 with *start,
 * 1 when none does, or -errno (-ENOEXEC: not an ELF64 core this reads;
 * -EIO: shorter than its headers say). Every field is the file's, and
 * trusted in nothing: a hostile or truncated file gets an error, no more. */
int arm_kcore_text_segment(int fd, unsigned long long stext, unsigned long long etext, unsigned long long *start);

#endif
