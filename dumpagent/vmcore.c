/* vmcore.c: reads the ELF header and notes of /proc/vmcore, trusting none of it. */
#include "vmcore.h"

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io.h"
#include "text.h"
#include "vmcore_regs.h"

struct phdr {
	uint32_t type;
	uint64_t offset, filesz, memsz;
};

struct reader {
	int fd;
	const char *path;
	uint64_t size;
	char *err;
	size_t errlen;
};

static int fail(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct reader *r, const char *fmt, ...)
{
	int n = snprintf(r->err, r->errlen, "%s: ", r->path);
	va_list ap;

	if (n < 0 || (size_t)n >= r->errlen)
		return -1;
	va_start(ap, fmt);
	(void)vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Reads exactly len bytes at off, which must lie inside the file. */
static int read_at(struct reader *r, void *buf, size_t len, uint64_t off, const char *what)
{
	ssize_t n;

	if (off > r->size || len > r->size - off)
		return fail(r, "%s at offset %llu runs past the end of the file (%llu bytes)", what,
			    (unsigned long long)off, (unsigned long long)r->size);
	n = pread_full(r->fd, buf, len, (off_t)off);
	if (n < 0)
		return fail(r, "read %s at offset %llu: %s", what, (unsigned long long)off,
			    strerror((int)-n));
	if ((size_t)n != len)
		return fail(r, "%s at offset %llu is truncated", what, (unsigned long long)off);
	return 0;
}

static int read_phdr(struct reader *r, int cls, uint64_t off, struct phdr *ph)
{
	if (cls == ELFCLASS64) {
		Elf64_Phdr p;

		if (read_at(r, &p, sizeof(p), off, "program header") < 0)
			return -1;
		*ph = (struct phdr){ p.p_type, p.p_offset, p.p_filesz, p.p_memsz };
	} else {
		Elf32_Phdr p;

		if (read_at(r, &p, sizeof(p), off, "program header") < 0)
			return -1;
		*ph = (struct phdr){ p.p_type, p.p_offset, p.p_filesz, p.p_memsz };
	}
	return 0;
}

/* Why the registers are not decoded: the first reason is kept, and no note's
 * registers are shown, as a set with one bad note cannot be trusted either. */
static void regs_problem(struct vmcore_info *info, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void regs_problem(struct vmcore_info *info, const char *fmt, ...)
{
	va_list ap;

	info->regs_decoded = 0;
	if (info->regs_error[0])
		return;
	va_start(ap, fmt);
	(void)vsnprintf(info->regs_error, sizeof(info->regs_error), fmt, ap);
	va_end(ap);
}

/* A note of the wrong size is not the dead kernel's struct elf_prstatus: it is
 * reported, never decoded, and the capture goes on, as the memory is still
 * worth saving. */
static int read_prstatus(struct reader *r, struct vmcore_info *info, uint64_t off, uint32_t len)
{
	const struct vmcore_arch *a = vmcore_arch_of(info->machine);
	unsigned char d[VMCORE_PRSTATUS_MAX];
	unsigned n = info->prstatus_count++;

	if (n >= VMCORE_MAX_CPUS)
		return 0; /* counted; its registers are not kept */
	if (!a) {
		regs_problem(info, "the registers of %s (e_machine %u) are not decoded",
			     vmcore_uname_machine(info), info->machine);
		return 0;
	}
	if (len != a->prstatus_size) {
		regs_problem(info, "NT_PRSTATUS note %u is %u bytes, not %u as on %s", n,
			     (unsigned)len, (unsigned)a->prstatus_size, vmcore_uname_machine(info));
		return 0;
	}
	if (read_at(r, d, a->prstatus_size, off, "NT_PRSTATUS note") < 0)
		return -1;
	vmcore_regs_decode(a, d, &info->cpu[n]);
	if (!info->regs_error[0])
		info->regs_decoded = 1;
	return 0;
}

/* A hexadecimal VMCOREINFO number, with or without 0x (arm64 writes
 * KERNELOFFSET without it, NUMBER(kimage_voffset) with it); 0 when it is one. */
static int info_hex(const struct vmcore_info *info, const char *key, uint64_t *out)
{
	char v[32], *end;
	unsigned long long n;

	if (vmcore_info_value(info, key, v, sizeof(v)) < 0 || v[0] == '\0' || v[0] == '-')
		return -1;
	errno = 0;
	n = strtoull(v, &end, 16);
	if (errno != 0 || end == v || *end != '\0')
		return -1;
	*out = n;
	return 0;
}

static void parse_vmcoreinfo(struct vmcore_info *info)
{
	char v[32];

	if (vmcore_info_value(info, "OSRELEASE", info->osrelease, sizeof(info->osrelease)) < 0)
		info->osrelease[0] = '\0';
	if (vmcore_info_value(info, "PAGESIZE", v, sizeof(v)) == 0)
		info->page_size = strtol(v, NULL, 10);
	if (vmcore_info_value(info, "CRASHTIME", v, sizeof(v)) == 0) {
		char *end;
		long long t = strtoll(v, &end, 10);

		if (end != v && *end == '\0' && t > 0)
			info->crash_time = t;
	}
	info->has_kernel_offset = info_hex(info, "KERNELOFFSET", &info->kernel_offset) == 0;
	info->has_kimage_voffset =
		info_hex(info, "NUMBER(kimage_voffset)", &info->kimage_voffset) == 0;
}

static int read_note_desc(struct reader *r, struct vmcore_info *info, uint64_t off, uint32_t len)
{
	size_t n = len < sizeof(info->vmcoreinfo) - 1 ? len : sizeof(info->vmcoreinfo) - 1;

	if (read_at(r, info->vmcoreinfo, n, off, "VMCOREINFO note") < 0)
		return -1;
	info->vmcoreinfo[n] = '\0';
	info->has_vmcoreinfo = 1;
	parse_vmcoreinfo(info);
	return 0;
}

/* Walks the notes of one PT_NOTE segment without buffering it. */
static int read_notes(struct reader *r, const struct phdr *ph, struct vmcore_info *info,
		      unsigned *budget)
{
	uint64_t pos = ph->offset, end;

	if (ph->offset > r->size || ph->filesz > r->size - ph->offset)
		return fail(r, "PT_NOTE segment (offset %llu, %llu bytes) runs past the end of the file",
			    (unsigned long long)ph->offset, (unsigned long long)ph->filesz);
	end = ph->offset + ph->filesz;
	while (end - pos >= sizeof(Elf64_Nhdr)) {
		Elf64_Nhdr nh; /* Elf32_Nhdr has the same layout */
		char name[12] = "";
		uint64_t namesz, descsz;

		if (read_at(r, &nh, sizeof(nh), pos, "note header") < 0)
			return -1;
		if (nh.n_namesz == 0 && nh.n_descsz == 0 && nh.n_type == 0)
			break; /* kexec pads the last note with zeros */
		if ((*budget)-- == 0)
			return fail(r, "more than %d notes", VMCORE_MAX_NOTES);
		namesz = ((uint64_t)nh.n_namesz + 3) & ~3ULL;
		descsz = ((uint64_t)nh.n_descsz + 3) & ~3ULL;
		pos += sizeof(nh);
		if (namesz > end - pos || descsz > end - pos - namesz)
			return fail(r, "note at offset %llu runs past its segment",
				    (unsigned long long)(pos - sizeof(nh)));
		if (nh.n_namesz <= sizeof(name) &&
		    read_at(r, name, nh.n_namesz, pos, "note name") < 0)
			return -1;
		name[sizeof(name) - 1] = '\0';
		if (nh.n_type == NT_PRSTATUS && strcmp(name, "CORE") == 0) {
			if (read_prstatus(r, info, pos + namesz, nh.n_descsz) < 0)
				return -1;
		} else if (strcmp(name, "VMCOREINFO") == 0 &&
			 read_note_desc(r, info, pos + namesz, nh.n_descsz) < 0)
			return -1;
		pos += namesz + descsz;
	}
	return 0;
}

static int read_header(struct reader *r, int *cls, uint64_t *phoff, unsigned *phnum,
		       unsigned *machine)
{
	unsigned char id[EI_NIDENT];
	uint16_t type, phentsize;

	if (read_at(r, id, sizeof(id), 0, "ELF header") < 0)
		return -1;
	if (memcmp(id, ELFMAG, SELFMAG) != 0)
		return fail(r, "not an ELF file (bad magic)");
	*cls = id[EI_CLASS];
	if (*cls == ELFCLASS64) {
		Elf64_Ehdr eh;

		if (read_at(r, &eh, sizeof(eh), 0, "ELF header") < 0)
			return -1;
		type = eh.e_type, phentsize = eh.e_phentsize, *phoff = eh.e_phoff;
		*phnum = eh.e_phnum, *machine = eh.e_machine;
	} else if (*cls == ELFCLASS32) {
		Elf32_Ehdr eh;

		if (read_at(r, &eh, sizeof(eh), 0, "ELF header") < 0)
			return -1;
		type = eh.e_type, phentsize = eh.e_phentsize, *phoff = eh.e_phoff;
		*phnum = eh.e_phnum, *machine = eh.e_machine;
	} else {
		return fail(r, "unknown ELF class %u", *cls);
	}
	if (id[EI_DATA] != ELFDATA2LSB)
		return fail(r, "not a little-endian ELF file");
	if (type != ET_CORE)
		return fail(r, "not an ELF core file (e_type %u)", type);
	if (phentsize != (*cls == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)))
		return fail(r, "bad program header size %u", phentsize);
	if (*phnum == 0 || *phnum >= VMCORE_MAX_PHDRS)
		return fail(r, "absurd program header count %u", *phnum);
	return 0;
}

/* A machine's memory is below 4 PiB (52-bit physical addresses, x86_64's
 * and arm64's most). */
#define VMCORE_MEMORY_MAX (1ULL << 52)

/* Adds PT_LOAD number i to the memory of the dump. A wrong ELF core header
 * (kexec_load's on arm64 without _text once gave a segment of 2^64 bytes)
 * is no memory size: a segment beyond the file or any machine's memory
 * sets memory_error, and the size is unknown (0), not a nonsense figure.
 * The dump goes on: makedumpfile says what it can read. */
static void add_load(const struct reader *r, const struct phdr *ph, unsigned i, struct vmcore_info *info)
{
	if (info->memory_error[0])
		return;
	if (ph->offset > r->size || ph->filesz > r->size - ph->offset)
		(void)snprintf(info->memory_error, sizeof(info->memory_error),
			       "PT_LOAD %u: %llu bytes at offset %llu lie beyond the %llu bytes of %s", i,
			       (unsigned long long)ph->filesz, (unsigned long long)ph->offset,
			       (unsigned long long)r->size, r->path);
	else if (ph->memsz > VMCORE_MEMORY_MAX - info->memory_bytes)
		(void)snprintf(info->memory_error, sizeof(info->memory_error),
			       "PT_LOAD %u: %llu bytes of memory take the sum beyond any machine's (4 PiB)", i,
			       (unsigned long long)ph->memsz);
	else
		info->memory_bytes += ph->memsz;
	if (info->memory_error[0])
		info->memory_bytes = 0;
}

int vmcore_read(int fd, const char *path, struct vmcore_info *info, char *err, size_t errlen)
{
	struct reader r = { fd, path, 0, err, errlen };
	unsigned phnum = 0, budget = VMCORE_MAX_NOTES;
	uint64_t phoff = 0;
	struct stat st;
	int cls = 0;

	memset(info, 0, sizeof(*info));
	info->crash_time = -1;
	if (fstat(fd, &st) < 0)
		return fail(&r, "stat: %s", strerror(errno));
	r.size = (uint64_t)st.st_size;
	if (read_header(&r, &cls, &phoff, &phnum, &info->machine) < 0)
		return -1;
	info->elf_class = cls == ELFCLASS64 ? 64 : 32;
	for (unsigned i = 0; i < phnum; i++) {
		size_t entsize = cls == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
		struct phdr ph;

		if (read_phdr(&r, cls, phoff + (uint64_t)i * entsize, &ph) < 0)
			return -1;
		if (ph.type == PT_LOAD) {
			add_load(&r, &ph, i, info);
			info->load_segments++;
		} else if (ph.type == PT_NOTE && read_notes(&r, &ph, info, &budget) < 0) {
			return -1;
		}
	}
	if (!info->has_vmcoreinfo)
		return fail(&r, "no VMCOREINFO note: not a kernel crash dump");
	if (info->load_segments == 0)
		return fail(&r, "no PT_LOAD segment: no memory to dump");
	return 0;
}

static const struct {
	unsigned em;
	const char *uname, *dpkg;
} machines[] = {
	{ EM_X86_64, "x86_64", "amd64" }, { EM_386, "i686", "i386" },
	{ EM_AARCH64, "aarch64", "arm64" }, { EM_ARM, "armv7l", "armhf" },
	{ EM_PPC64, "ppc64le", "ppc64el" }, { EM_S390, "s390x", "s390x" },
	{ EM_RISCV, "riscv64", "riscv64" },
};

const char *vmcore_uname_machine(const struct vmcore_info *info)
{
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
		if (machines[i].em == info->machine)
			return machines[i].uname;
	return "unknown";
}

const char *vmcore_dpkg_arch(const struct vmcore_info *info)
{
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
		if (machines[i].em == info->machine)
			return machines[i].dpkg;
	return "unknown";
}

int vmcore_info_value(const struct vmcore_info *info, const char *key, char *out, size_t outlen)
{
	size_t klen = strlen(key);
	const char *p = info->vmcoreinfo;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len > klen && memcmp(p, key, klen) == 0 && p[klen] == '=') {
			if (outlen == 0)
				return -1;
			(void)text_copy(out, outlen, p + klen + 1, len - klen - 1);
			return 0;
		}
		p += len + (eol ? 1 : 0);
	}
	return -1;
}
