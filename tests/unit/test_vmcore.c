/* test_vmcore.c: the vmcore reader on good and hostile ELF cores. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "vmcore.h"
#include "vmcore_fixture.h"

static struct fixture fx;
static struct vmcore_info info;
static char err[512];

static int read_fixture(void)
{
	char path[64];
	int fd = fx_file(&fx, path), r;

	r = vmcore_read(fd, "vmcore", &info, err, sizeof(err));
	close(fd);
	unlink(path);
	return r;
}

static void expect_error(const char *what);

static void good_core(void **state)
{
	(void)state;
	fx_build64(&fx, 2, FX_VMCOREINFO);
	assert_int_equal(read_fixture(), 0);
	assert_int_equal(info.elf_class, 64);
	assert_int_equal(info.prstatus_count, 2);
	assert_int_equal(info.load_segments, 2);
	assert_int_equal(info.memory_bytes, 4 << 20);
	assert_string_equal(info.osrelease, "6.1.0-99-amd64");
	assert_int_equal(info.page_size, 4096);
	assert_int_equal(info.crash_time, 1795372801);
	assert_int_equal(info.kernel_offset, 0x1a000000);
	assert_int_equal(info.cpu[0].pid, 1000);
	assert_int_equal(info.cpu[1].pid, 1001);
	assert_int_equal(info.cpu[1].ip, 0xffffffff81000001ULL);
	assert_int_equal(info.cpu[1].sp, 0xffffc90000000001ULL);
	assert_true(info.regs_decoded);
	assert_int_equal(info.cpu[1].regs[16], 0xffffffff81000001ULL);
	assert_int_equal(info.cpu[1].regs[0], 0x1000);  /* r15 */
	assert_int_equal(info.cpu[1].regs[26], 0x101a); /* gs */
	assert_string_equal(vmcore_x86_64_reg_names[26], "gs");
	assert_string_equal(vmcore_uname_machine(&info), "x86_64");
	assert_string_equal(vmcore_dpkg_arch(&info), "amd64");
	assert_int_equal(vmcore_reg_count(&info), 27);
	assert_string_equal(vmcore_reg_name(&info, 16), "rip");
	assert_true(info.has_kernel_offset);
	assert_false(info.has_kimage_voffset);
	assert_string_equal(info.regs_error, "");
}

/* arm64: struct user_pt_regs (x0-x30, sp, pc, pstate) chosen by e_machine,
 * and the VMCOREINFO numbers that place the kernel. */
static void arm64_core(void **state)
{
	(void)state;
	fx_build_core(&fx, EM_AARCH64, 2, 392, 392, FX_VMCOREINFO_ARM64);
	assert_int_equal(read_fixture(), 0);
	assert_true(info.regs_decoded);
	assert_int_equal(info.prstatus_count, 2);
	assert_int_equal(info.cpu[1].pid, 1001);
	assert_int_equal(info.cpu[1].ip, 0xffff800008a10001ULL);
	assert_int_equal(info.cpu[1].sp, 0xffff80000a003001ULL);
	assert_int_equal(info.cpu[1].regs[0], 0x1000);  /* x0 */
	assert_int_equal(info.cpu[1].regs[30], 0x101e); /* x30, the link register */
	assert_int_equal(info.cpu[1].regs[32], 0xffff800008a10001ULL);
	assert_int_equal(info.cpu[1].regs[33], 0x1021); /* pstate */
	assert_int_equal(vmcore_reg_count(&info), 34);
	assert_string_equal(vmcore_reg_name(&info, 0), "x0");
	assert_string_equal(vmcore_reg_name(&info, 30), "x30");
	assert_string_equal(vmcore_reg_name(&info, 31), "sp");
	assert_string_equal(vmcore_reg_name(&info, 32), "pc");
	assert_string_equal(vmcore_reg_name(&info, 33), "pstate");
	assert_string_equal(vmcore_reg_name(&info, 34), "?");
	assert_true(info.has_kernel_offset);
	assert_int_equal(info.kernel_offset, 0x10000);
	assert_true(info.has_kimage_voffset);
	assert_int_equal(info.kimage_voffset, 0xffff7fff47e00000ULL);
	assert_string_equal(info.osrelease, "6.1.0-99-arm64");
	assert_string_equal(vmcore_uname_machine(&info), "aarch64");
	assert_string_equal(vmcore_dpkg_arch(&info), "arm64");
}

/* A note of another size than the architecture's struct elf_prstatus (here
 * x86_64's in an arm64 core, or one cut short) is named, and no CPU's
 * registers are shown; the dump itself is still read. */
static void arm64_note_of_wrong_size(void **state)
{
	static const size_t sizes[] = { 336, 100, 0, 391, 400 };
	char want[128];

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		fx_build_core(&fx, EM_AARCH64, 2, sizes[i], sizes[i], FX_VMCOREINFO_ARM64);
		assert_int_equal(read_fixture(), 0);
		assert_false(info.regs_decoded);
		assert_int_equal(vmcore_reg_count(&info), 0);
		assert_int_equal(info.prstatus_count, 2);
		snprintf(want, sizeof(want), "NT_PRSTATUS note 0 is %zu bytes, not 392 as on aarch64",
			 sizes[i]);
		assert_string_equal(info.regs_error, want);
	}
}

/* One bad note among good ones: the set is not trusted. */
static void one_bad_note_spoils_the_set(void **state)
{
	(void)state;
	fx_build_core(&fx, EM_AARCH64, 2, 392, 388, FX_VMCOREINFO_ARM64);
	assert_int_equal(read_fixture(), 0);
	assert_false(info.regs_decoded);
	assert_string_equal(info.regs_error, "NT_PRSTATUS note 1 is 388 bytes, not 392 as on aarch64");
}

static void unknown_machine_not_decoded(void **state)
{
	(void)state;
	fx_build_core(&fx, EM_RISCV, 1, 392, 392, FX_VMCOREINFO);
	assert_int_equal(read_fixture(), 0);
	assert_false(info.regs_decoded);
	assert_string_equal(info.regs_error, "the registers of riscv64 (e_machine 243) are not decoded");
}

/* A note cut by the end of the file is an error, as any other read past it. */
static void arm64_note_past_end_of_file(void **state)
{
	(void)state;
	fx_build_core(&fx, EM_AARCH64, 1, 392, 392, FX_VMCOREINFO_ARM64);
	fx.len = sizeof(Elf64_Ehdr) + 3 * sizeof(Elf64_Phdr) + sizeof(Elf64_Nhdr) + 8 + 200;
	expect_error("vmcore: PT_NOTE segment");
}

/* Hexadecimal VMCOREINFO numbers that do not parse are absent, not zero. */
static void bad_offsets_are_absent(void **state)
{
	(void)state;
	fx_build_core(&fx, EM_AARCH64, 1, 392, 392,
		      "OSRELEASE=6.1.0-99-arm64\nKERNELOFFSET=12zz\nNUMBER(kimage_voffset)=\n");
	assert_int_equal(read_fixture(), 0);
	assert_false(info.has_kernel_offset);
	assert_false(info.has_kimage_voffset);
	assert_true(info.regs_decoded);
}

/* A wrong ELF core header (kexec_load on arm64 without _text: a segment
 * of nearly 2^64 bytes): the memory size is unknown, not a nonsense
 * figure, and the rest is read. Likewise a segment beyond the file. */
static void absurd_load_sizes_are_unknown(void **state)
{
	Elf64_Phdr *ph;

	(void)state;
	fx_build64(&fx, 2, FX_VMCOREINFO);
	ph = (Elf64_Phdr *)(fx.buf + sizeof(Elf64_Ehdr));
	ph[2].p_memsz = 0xfffffa2440000000ULL;
	assert_int_equal(read_fixture(), 0);
	assert_int_equal(info.memory_bytes, 0);
	assert_string_equal(info.memory_error,
			    "PT_LOAD 2: 18446737632332349440 bytes of memory take the sum beyond any machine's (4 PiB)");
	assert_int_equal(info.load_segments, 2);
	assert_int_equal(info.prstatus_count, 2);
	fx_build64(&fx, 2, FX_VMCOREINFO);
	ph[1].p_memsz = ph[2].p_memsz = (1ULL << 51) + 4096; /* each believable, not both */
	assert_int_equal(read_fixture(), 0);
	assert_int_equal(info.memory_bytes, 0);
	assert_non_null(strstr(info.memory_error, "PT_LOAD 2: 2251799813689344 bytes of memory"));
	fx_build64(&fx, 2, FX_VMCOREINFO);
	ph[1].p_filesz = 1 << 20;
	assert_int_equal(read_fixture(), 0);
	assert_int_equal(info.memory_bytes, 0);
	assert_non_null(strstr(info.memory_error, "PT_LOAD 1: 1048576 bytes at offset "));
	assert_non_null(strstr(info.memory_error, " lie beyond the "));
}

static void elf32_core(void **state)
{
	(void)state;
	fx_build32(&fx, FX_VMCOREINFO);
	assert_int_equal(read_fixture(), 0);
	assert_int_equal(info.elf_class, 32);
	assert_int_equal(info.load_segments, 1);
	assert_int_equal(info.memory_bytes, 2 << 20);
	assert_string_equal(info.osrelease, "6.1.0-99-amd64");
}

static void many_cpus_counted_registers_bounded(void **state)
{
	(void)state;
	fx_build64(&fx, VMCORE_MAX_CPUS + 6, FX_VMCOREINFO);
	assert_int_equal(read_fixture(), 0);
	assert_int_equal(info.prstatus_count, VMCORE_MAX_CPUS + 6);
	assert_int_equal(info.cpu[VMCORE_MAX_CPUS - 1].pid, 1000 + VMCORE_MAX_CPUS - 1);
}

static void info_value_is_bounded_and_sanitized(void **state)
{
	char out[8];

	(void)state;
	fx_build64(&fx, 1, "OSRELEASE=abc\x01\x7f" "defghijkl\n");
	assert_int_equal(read_fixture(), 0);
	assert_int_equal(vmcore_info_value(&info, "OSRELEASE", out, sizeof(out)), 0);
	assert_string_equal(out, "abc??de");
	assert_int_equal(vmcore_info_value(&info, "MISSING", out, sizeof(out)), -1);
}

static void expect_error(const char *what)
{
	assert_int_equal(read_fixture(), -1);
	if (!strstr(err, what))
		fail_msg("error '%s' does not say '%s'", err, what);
}

static void truncated_header(void **state)
{
	(void)state;
	fx_build64(&fx, 1, FX_VMCOREINFO);
	fx.len = 40;
	expect_error("vmcore: ELF header at offset 0 runs past the end of the file");
}

static void bad_magic(void **state)
{
	(void)state;
	fx_build64(&fx, 1, FX_VMCOREINFO);
	fx.buf[1] = 'X';
	expect_error("vmcore: not an ELF file (bad magic)");
}

static void not_core(void **state)
{
	(void)state;
	fx_build64(&fx, 1, FX_VMCOREINFO);
	((Elf64_Ehdr *)fx.buf)->e_type = ET_EXEC;
	expect_error("not an ELF core file (e_type 2)");
}

static void absurd_phnum(void **state)
{
	(void)state;
	fx_build64(&fx, 1, FX_VMCOREINFO);
	((Elf64_Ehdr *)fx.buf)->e_phnum = 65535;
	expect_error("absurd program header count 65535");
}

static void phdrs_past_end(void **state)
{
	(void)state;
	fx_build64(&fx, 1, FX_VMCOREINFO);
	((Elf64_Ehdr *)fx.buf)->e_phnum = 200;
	expect_error("program header at offset");
}

static void note_past_segment(void **state)
{
	Elf64_Nhdr *nh;

	(void)state;
	fx_build64(&fx, 1, FX_VMCOREINFO);
	nh = (Elf64_Nhdr *)(fx.buf + sizeof(Elf64_Ehdr) + 3 * sizeof(Elf64_Phdr));
	nh->n_descsz = 0xfffffff0u;
	expect_error("runs past its segment");
}

static void note_segment_past_file(void **state)
{
	Elf64_Phdr *ph;

	(void)state;
	fx_build64(&fx, 1, FX_VMCOREINFO);
	ph = (Elf64_Phdr *)(fx.buf + sizeof(Elf64_Ehdr));
	ph[0].p_filesz = 1ULL << 62;
	expect_error("PT_NOTE segment");
}

static void no_vmcoreinfo(void **state)
{
	(void)state;
	fx_build64(&fx, 2, NULL);
	expect_error("no VMCOREINFO note");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_core),
		cmocka_unit_test(elf32_core),
		cmocka_unit_test(absurd_load_sizes_are_unknown),
		cmocka_unit_test(arm64_core),
		cmocka_unit_test(arm64_note_of_wrong_size),
		cmocka_unit_test(one_bad_note_spoils_the_set),
		cmocka_unit_test(unknown_machine_not_decoded),
		cmocka_unit_test(arm64_note_past_end_of_file),
		cmocka_unit_test(bad_offsets_are_absent),
		cmocka_unit_test(many_cpus_counted_registers_bounded),
		cmocka_unit_test(info_value_is_bounded_and_sanitized),
		cmocka_unit_test(truncated_header),
		cmocka_unit_test(bad_magic),
		cmocka_unit_test(not_core),
		cmocka_unit_test(absurd_phnum),
		cmocka_unit_test(phdrs_past_end),
		cmocka_unit_test(note_past_segment),
		cmocka_unit_test(note_segment_past_file),
		cmocka_unit_test(no_vmcoreinfo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
