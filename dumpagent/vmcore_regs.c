/* vmcore_regs.c: decodes the NT_PRSTATUS notes of x86_64 and arm64 kernels. */
#include "vmcore_regs.h"

#include <elf.h>
#include <string.h>

#define PRSTATUS_PID 32
#define PRSTATUS_REG 112

/* struct user_regs_struct: rip is register 16, rsp register 19. */
const char *const vmcore_x86_64_reg_names[VMCORE_X86_64_REGS] = {
	"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx", "rdx", "rsi",
	"rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs",
};

/* struct user_pt_regs: x0-x30, then sp, pc and pstate. */
const char *const vmcore_arm64_reg_names[VMCORE_ARM64_REGS] = {
	"x0",  "x1",  "x2",  "x3",  "x4",  "x5",  "x6",  "x7",  "x8",  "x9",  "x10", "x11",
	"x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23",
	"x24", "x25", "x26", "x27", "x28", "x29", "x30", "sp",  "pc",  "pstate",
};

/* The sizes are the kernel's: x86_64 336 = 112 + 27 * 8 + pr_fpvalid padded
 * to 8; arm64 392 = 112 + 34 * 8 + the same 8. */
_Static_assert(PRSTATUS_REG + 8 * VMCORE_X86_64_REGS <= 336, "x86_64 registers fit the note");
_Static_assert(PRSTATUS_REG + 8 * VMCORE_ARM64_REGS <= 392, "arm64 registers fit the note");
_Static_assert(392 <= VMCORE_PRSTATUS_MAX, "read_prstatus's buffer holds every note decoded");

static const struct vmcore_arch arches[] = {
	{ EM_X86_64, 336, VMCORE_X86_64_REGS, 16, 19, vmcore_x86_64_reg_names },
	{ EM_AARCH64, 392, VMCORE_ARM64_REGS, 32, 31, vmcore_arm64_reg_names },
};

const struct vmcore_arch *vmcore_arch_of(unsigned machine)
{
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (arches[i].machine == machine)
			return &arches[i];
	return NULL;
}

void vmcore_regs_decode(const struct vmcore_arch *a, const unsigned char *d, struct vmcore_cpu *cpu)
{
	memset(cpu, 0, sizeof(*cpu));
	memcpy(&cpu->pid, d + PRSTATUS_PID, sizeof(cpu->pid));
	/* reg_count * 8 + 112 < prstatus_size for every entry of arches[]. */
	for (unsigned i = 0; i < a->reg_count; i++)
		memcpy(&cpu->regs[i], d + PRSTATUS_REG + 8 * i, sizeof(cpu->regs[i]));
	cpu->ip = cpu->regs[a->ip];
	cpu->sp = cpu->regs[a->sp];
}

unsigned vmcore_reg_count(const struct vmcore_info *info)
{
	const struct vmcore_arch *a = vmcore_arch_of(info->machine);

	return info->regs_decoded && a ? a->reg_count : 0;
}

const char *vmcore_reg_name(const struct vmcore_info *info, unsigned idx)
{
	const struct vmcore_arch *a = vmcore_arch_of(info->machine);

	return a && idx < a->reg_count ? a->names[idx] : "?";
}
