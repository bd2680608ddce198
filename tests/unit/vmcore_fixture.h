/* vmcore_fixture.h: writes small synthetic ELF core files for the tests. */
#ifndef VMCORE_FIXTURE_H
#define VMCORE_FIXTURE_H

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fixture {
	unsigned char buf[32768];
	size_t len;
};

static inline size_t fx_note(unsigned char *p, const char *name, uint32_t type, const void *desc,
			     uint32_t descsz)
{
	Elf64_Nhdr nh = { (uint32_t)strlen(name) + 1, descsz, type };
	size_t namesz = (nh.n_namesz + 3) & ~3u, dsz = (descsz + 3) & ~3u;

	memcpy(p, &nh, sizeof(nh));
	memset(p + sizeof(nh), 0, namesz + dsz);
	memcpy(p + sizeof(nh), name, nh.n_namesz);
	memcpy(p + sizeof(nh) + namesz, desc, descsz);
	return sizeof(nh) + namesz + dsz;
}

/* One CPU's struct elf_prstatus of size bytes: pid 1000 + cpu at 32, and at
 * 112 the registers 0x<cpu>00<index>, but for ip and sp (indices ipi, spi). */
static inline void fx_prstatus(unsigned char *p, size_t size, unsigned cpu, unsigned nregs,
			       unsigned ipi, uint64_t ip, unsigned spi, uint64_t sp)
{
	int32_t pid = 1000 + (int32_t)cpu;

	memset(p, 0, size);
	memcpy(p + 32, &pid, sizeof(pid));
	for (uint64_t r = 0; r < nregs && 112 + r * 8 + 8 <= size; r++) {
		uint64_t v = r == ipi ? ip + cpu : r == spi ? sp + cpu : (uint64_t)cpu << 12 | r;

		memcpy(p + 112 + r * 8, &v, sizeof(v));
	}
}

/* A 64-bit core of machine: 1 PT_NOTE (cpus PRSTATUS notes of prsize bytes,
 * the last one of last_prsize, + VMCOREINFO) and 2 PT_LOAD. x86_64's notes have rip 0xffffffff81000000 +
 * cpu and rsp 0xffffc90000000000 + cpu; arm64's pc 0xffff800008a10000 + cpu
 * and sp 0xffff80000a003000 + cpu. */
static inline void fx_build_core(struct fixture *f, unsigned machine, unsigned cpus,
				 size_t prsize, size_t last_prsize, const char *vmcoreinfo)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)f->buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(f->buf + sizeof(*eh));
	unsigned char prstatus[512];
	size_t off = sizeof(*eh) + 3 * sizeof(*ph), notes = off;

	if (prsize > sizeof(prstatus) || last_prsize > sizeof(prstatus))
		abort();
	memset(f->buf, 0, sizeof(f->buf));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_CORE;
	eh->e_machine = (uint16_t)machine;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 3;
	for (unsigned i = 0; i < cpus; i++) {
		if (i + 1 == cpus)
			prsize = last_prsize;
		if (machine == EM_AARCH64)
			fx_prstatus(prstatus, prsize, i, 34, 32, 0xffff800008a10000ULL, 31,
				    0xffff80000a003000ULL);
		else
			fx_prstatus(prstatus, prsize, i, 27, 16, 0xffffffff81000000ULL, 19,
				    0xffffc90000000000ULL);
		off += fx_note(f->buf + off, "CORE", NT_PRSTATUS, prstatus, (uint32_t)prsize);
	}
	if (vmcoreinfo)
		off += fx_note(f->buf + off, "VMCOREINFO", 0, vmcoreinfo,
			       (uint32_t)strlen(vmcoreinfo));
	ph[0] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = notes, .p_filesz = off - notes };
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = off, .p_filesz = 64, .p_memsz = 1 << 20 };
	ph[2] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = off + 64, .p_filesz = 64,
			      .p_memsz = 3 << 20 };
	f->len = off + 128;
}

/* An x86_64 core with cpus well-formed notes. */
static inline void fx_build64(struct fixture *f, unsigned cpus, const char *vmcoreinfo)
{
	fx_build_core(f, EM_X86_64, cpus, 336, 336, vmcoreinfo);
}

/* A 32-bit core (as kexec makes for i386): 1 PT_NOTE with VMCOREINFO, 1 PT_LOAD. */
static inline void fx_build32(struct fixture *f, const char *vmcoreinfo)
{
	Elf32_Ehdr *eh = (Elf32_Ehdr *)f->buf;
	Elf32_Phdr *ph = (Elf32_Phdr *)(f->buf + sizeof(*eh));
	size_t off = sizeof(*eh) + 2 * sizeof(*ph), notes = off;

	memset(f->buf, 0, sizeof(f->buf));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_CORE;
	eh->e_machine = EM_386;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	off += fx_note(f->buf + off, "VMCOREINFO", 0, vmcoreinfo, (uint32_t)strlen(vmcoreinfo));
	ph[0] = (Elf32_Phdr){ .p_type = PT_NOTE, .p_offset = (Elf32_Off)notes,
			      .p_filesz = (Elf32_Word)(off - notes) };
	ph[1] = (Elf32_Phdr){ .p_type = PT_LOAD, .p_offset = (Elf32_Off)off, .p_filesz = 64,
			      .p_memsz = 2 << 20 };
	f->len = off + 64;
}

/* Writes the fixture to a temp file; returns an fd open for reading. */
static inline int fx_file(const struct fixture *f, char path[64])
{
	int fd;

	strcpy(path, "/tmp/dumpagent-vmcore-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, f->buf, f->len) != (ssize_t)f->len)
		abort();
	return fd;
}

#define FX_VMCOREINFO                                                                           \
	"OSRELEASE=6.1.0-99-amd64\nPAGESIZE=4096\nSYMBOL(init_uts_ns)=ffffffff82a1e3c0\n"         \
	"CRASHTIME=1795372801\nKERNELOFFSET=1a000000\n"

/* As arm64's arch_crash_save_vmcoreinfo() writes them (6.1). */
#define FX_VMCOREINFO_ARM64                                                                     \
	"OSRELEASE=6.1.0-99-arm64\nPAGESIZE=4096\nCRASHTIME=1795372801\n"                          \
	"NUMBER(VA_BITS)=48\nNUMBER(kimage_voffset)=0xffff7fff47e00000\n"                          \
	"NUMBER(PHYS_OFFSET)=0x40000000\nKERNELOFFSET=10000\nNUMBER(KERNELPACMASK)=0x0\n"

#endif
