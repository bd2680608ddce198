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

/* From an x86_64 NT_PRSTATUS note (struct elf_prstatus). */
struct vmcore_cpu {
	int32_t pid;
	uint64_t ip, sp;
	uint64_t regs[VMCORE_X86_64_REGS];
};

/* Names of regs[], in order. */
extern const char *const vmcore_x86_64_reg_names[VMCORE_X86_64_REGS];

struct vmcore_info {
	int elf_class; /* 32 or 64 */
	unsigned machine; /* e_machine: EM_X86_64... */
	int regs_decoded; /* cpu[].regs hold x86_64 registers */
	unsigned load_segments;
	uint64_t memory_bytes; /* sum of PT_LOAD p_memsz */
	unsigned prstatus_count;
	struct vmcore_cpu cpu[VMCORE_MAX_CPUS]; /* the first prstatus_count, at most */
	uint64_t kernel_offset;
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
int vmcore_info_value(const struct vmcore_info *info, const char *key, char *out, size_t outlen);

#endif
