/* vmcore.h: reads the ELF header and notes of /proc/vmcore, trusting none of it. */
#ifndef DUMPAGENT_VMCORE_H
#define DUMPAGENT_VMCORE_H

#include <stdint.h>
#include <sys/types.h>

#define VMCORE_MAX_PHDRS 16384
#define VMCORE_MAX_NOTES 65536
#define VMCOREINFO_MAX 16384
#define VMCORE_MAX_CPUS 64 /* CPUs whose registers are kept; all are counted */

#define VMCORE_X86_64_REGS 27 /* struct user_regs_struct */
#define VMCORE_ARM64_REGS 34 /* struct user_pt_regs: x0-x30, sp, pc, pstate */
#define VMCORE_MAX_REGS VMCORE_ARM64_REGS

/* From an x86_64 or arm64 NT_PRSTATUS note (struct elf_prstatus). */
struct vmcore_cpu {
	int32_t pid;
	uint64_t ip, sp; /* x86_64 rip and rsp, arm64 pc and sp */
	uint64_t regs[VMCORE_MAX_REGS]; /* the architecture's pr_reg, in order */
};

/* Names of regs[], in order, for each architecture. */
extern const char *const vmcore_x86_64_reg_names[VMCORE_X86_64_REGS];
extern const char *const vmcore_arm64_reg_names[VMCORE_ARM64_REGS];

struct vmcore_info {
	int elf_class; /* 32 or 64 */
	unsigned machine; /* e_machine: EM_X86_64... */
	int regs_decoded; /* cpu[].regs hold the registers of every note kept */
	char regs_error[128]; /* why they are not, when there are notes */
	unsigned load_segments;
	uint64_t memory_bytes; /* sum of PT_LOAD p_memsz; 0 with memory_error */
	char memory_error[160]; /* why the PT_LOAD sizes are not believed, "" */
	unsigned prstatus_count;
	struct vmcore_cpu cpu[VMCORE_MAX_CPUS]; /* the first prstatus_count, at most */
	uint64_t kernel_offset; /* KERNELOFFSET: the KASLR slide */
	int has_kernel_offset;
	uint64_t kimage_voffset; /* arm64's NUMBER(kimage_voffset): kernel VA - PA */
	int has_kimage_voffset;
	int has_vmcoreinfo;
	char osrelease[65];
	long page_size;
	int64_t crash_time; /* -1: not recorded */
	char vmcoreinfo[VMCOREINFO_MAX]; /* raw text, NUL-terminated */
};

/* Returns 0, or -1 with a message in err (naming path). */
int vmcore_read(int fd, const char *path, struct vmcore_info *info, char *err, size_t errlen);
/* Value of KEY in the VMCOREINFO text, copied bounded and sanitized; 0 if found, -1 if not. */
/* uname's machine name for e_machine ("x86_64") and dpkg's architecture ("amd64"). */
const char *vmcore_uname_machine(const struct vmcore_info *info);
const char *vmcore_dpkg_arch(const struct vmcore_info *info);
/* How many registers each CPU of info has (0 when not decoded), and their names. */
unsigned vmcore_reg_count(const struct vmcore_info *info);
const char *vmcore_reg_name(const struct vmcore_info *info, unsigned idx);
int vmcore_info_value(const struct vmcore_info *info, const char *key, char *out, size_t outlen);

#endif
