/* arm_state.h: the "armed?" facts: checksums of what is loaded, and whether it changed (normal-boot side, arming). */
#ifndef DUMPAGENT_ARM_STATE_H
#define DUMPAGENT_ARM_STATE_H

/* What load-crashkernel loads, and records in $RUN/loaded. */
struct arm_state {
	const char *kernel, *initrd, *cmdline;
	char kernel_sha[65], initrd_sha[65], config_sha[65], layout_sha[65];
};

/* The sha256 of the file at path, or "unknown" when it cannot be read. */
void arm_file_sha(const char *path, char out[65]);
/* The sha256 of the memory ranges and CPUs that kexec -p writes into the
 * capture kernel's ELF core headers: the "System RAM" lines of proc/iomem,
 * then sysfs/devices/system/cpu/present (what is unreadable counts as empty). */
void arm_layout_sha(const char *proc, const char *sysfs, char out[65]);
/* 1 when the record at loaded_path has the same files, checksums, command
 * line and layout as s; 0 when it differs or cannot be read. */
int arm_unchanged(const char *loaded_path, const struct arm_state *s);

#endif
