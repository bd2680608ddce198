/* vmcore_regs.h: the NT_PRSTATUS layouts the vmcore reader decodes, by e_machine. */
#ifndef DUMPAGENT_VMCORE_REGS_H
#define DUMPAGENT_VMCORE_REGS_H

#include <stddef.h>
#include <stdint.h>

#include "vmcore.h"

/* The largest struct elf_prstatus decoded (arm64's). */
#define VMCORE_PRSTATUS_MAX 392

/* One architecture's struct elf_prstatus: pr_pid at 32 and pr_reg at 112 on
 * every 64-bit Linux (struct elf_prstatus_common is the same), then the
 * architecture's register set, 8 bytes a register. */
struct vmcore_arch {
	unsigned machine; /* e_machine */
	uint32_t prstatus_size; /* sizeof(struct elf_prstatus), the note's n_descsz */
	unsigned reg_count;
	unsigned ip, sp; /* indices of the program counter and the stack pointer */
	const char *const *names;
};

/* The layout of e_machine's notes, or NULL when its registers are not decoded. */
const struct vmcore_arch *vmcore_arch_of(unsigned machine);
/* Fills cpu from d, a whole descriptor of a->prstatus_size bytes. */
void vmcore_regs_decode(const struct vmcore_arch *a, const unsigned char *d, struct vmcore_cpu *cpu);

#endif
