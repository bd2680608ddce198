/* test_arm_kallsyms.c: arm64's _text for kexec_load when /proc/kallsyms lacks it, from /proc/kcore's kernel-text segment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <elf.h>

#include "arm_kallsyms.h"
#include "tmpdir.h"

/* Debian 12's arm64 kernel under KASLR: kallsyms starts at _stext. */
#define STEXT 0xffffa4da4f810000ULL
#define ETEXT 0xffffa4da50f60000ULL
#define TEXT 0xffffa4da4f800000ULL
#define KALLSYMS_NO_TEXT                                                                                               \
	"ffffa4da4f810000 T _stext\nffffa4da4f810000 t __do_softirq\nffffa4da4f810000 T __irqentry_text_start\n"      \
	"ffffa4da4f900000 T _text [fakemod]\nffffa4da50f60000 T _etext\n"

static char kallsyms[256], kcore[256], why[1024];

static void put(const char *name, const char *text, char *path)
{
	(void)snprintf(path, 256, "%s/%s", root, name);
	tmpdir_write(name, text);
}

/* A /proc/kcore of n PT_LOADs {vaddr, memsz} (and a PT_NOTE first). */
static void put_kcore(const unsigned long long (*load)[2], unsigned n)
{
	Elf64_Ehdr eh = { .e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT },
			  .e_type = ET_CORE,
			  .e_phoff = sizeof(Elf64_Ehdr),
			  .e_ehsize = sizeof(Elf64_Ehdr),
			  .e_phentsize = sizeof(Elf64_Phdr),
			  .e_phnum = (Elf64_Half)(n + 1) };
	Elf64_Phdr ph = { .p_type = PT_NOTE, .p_vaddr = TEXT, .p_memsz = 0x100 };
	FILE *f;

	(void)snprintf(kcore, sizeof(kcore), "%s/kcore", root);
	f = fopen(kcore, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(&eh, sizeof(eh), 1, f), 1);
	assert_int_equal(fwrite(&ph, sizeof(ph), 1, f), 1);
	for (unsigned i = 0; i < n; i++) {
		ph = (Elf64_Phdr){ .p_type = PT_LOAD, .p_vaddr = load[i][0], .p_memsz = load[i][1] };
		assert_int_equal(fwrite(&ph, sizeof(ph), 1, f), 1);
	}
	assert_int_equal(fclose(f), 0);
}

/* arm64's kcore: the linear map, vmalloc (from KIMAGE_VADDR, holding the
 * image too), the kernel text [_text, _end), and the modules. */
static const unsigned long long arm64_kcore[][2] = {
	{ 0xffff000000000000ULL, 0x40000000ULL },     { 0xffff800008000000ULL, 0x7bdfb7ff0000ULL },
	{ TEXT, 0x2450000ULL },			      { 0xffff800000000000ULL, 0x8000000ULL },
};

static void text_from_kcore_under_kaslr(void **state)
{
	unsigned long long text = 0;

	(void)state;
	put("kallsyms", KALLSYMS_NO_TEXT, kallsyms);
	put_kcore(arm64_kcore, 4);
	assert_int_equal(arm_kallsyms_text(kallsyms, kcore, &text, why, sizeof(why)), 0);
	assert_int_equal(text, TEXT);
	assert_string_equal(why, "");
}

/* Without KASLR the vmalloc segment starts at _text too: the smaller wins all the same. */
static void text_without_kaslr(void **state)
{
	static const unsigned long long nokaslr[][2] = { { 0xffff800008000000ULL, 0x7bdfb7ff0000ULL },
							 { 0xffff800008000000ULL, 0x2450000ULL } };
	unsigned long long text = 0;

	(void)state;
	put("kallsyms", "ffff800008010000 T _stext\nffff800009760000 T _etext\n", kallsyms);
	put_kcore(nokaslr, 2);
	assert_int_equal(arm_kallsyms_text(kallsyms, kcore, &text, why, sizeof(why)), 0);
	assert_int_equal(text, 0xffff800008000000ULL);
}

static void text_listed_already(void **state)
{
	unsigned long long text = 7;

	(void)state;
	put("kallsyms", "ffffa4da4f800000 T _text\n" KALLSYMS_NO_TEXT, kallsyms);
	(void)snprintf(kcore, sizeof(kcore), "%s/no-kcore", root);
	assert_int_equal(arm_kallsyms_text(kallsyms, kcore, &text, why, sizeof(why)), 1);
	assert_int_equal(text, 7);
}

static void no_kcore_is_named(void **state)
{
	unsigned long long text = 0;
	char want[1024];

	(void)state;
	put("kallsyms", KALLSYMS_NO_TEXT, kallsyms);
	(void)snprintf(kcore, sizeof(kcore), "%s/kcore", root);
	assert_int_equal(arm_kallsyms_text(kallsyms, kcore, &text, why, sizeof(why)), -1);
	(void)snprintf(want, sizeof(want),
		       "open %s: No such file or directory; kexec_load on arm64 needs the running kernel's _text, "
		       "which /proc/kallsyms does not list (no CONFIG_KALLSYMS_ALL): run as root, on a kernel with "
		       "CONFIG_PROC_KCORE",
		       kcore);
	assert_string_equal(why, want);
}

/* Only vmalloc holds _stext, 64 MiB and more before it: not the text. */
static void no_text_segment_is_refused(void **state)
{
	static const unsigned long long vmalloc_only[][2] = { { 0xffff800008000000ULL, 0x7bdfb7ff0000ULL } };
	unsigned long long text = 0;

	(void)state;
	put("kallsyms", KALLSYMS_NO_TEXT, kallsyms);
	put_kcore(vmalloc_only, 1);
	assert_int_equal(arm_kallsyms_text(kallsyms, kcore, &text, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "has no kernel-text segment holding _stext (0xffffa4da4f810000)"));
	put_kcore(arm64_kcore, 1); /* the linear map alone */
	assert_int_equal(arm_kallsyms_text(kallsyms, kcore, &text, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "has no kernel-text segment"));
}

/* kptr_restrict: zeros; a kcore that is no ELF core. */
static void hidden_addresses_and_bad_kcore(void **state)
{
	unsigned long long text = 0;

	(void)state;
	put("kallsyms", "0000000000000000 T _stext\n0000000000000000 T _etext\n", kallsyms);
	assert_int_equal(arm_kallsyms_text(kallsyms, "/nonexistent", &text, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "lists neither _text nor the addresses of _stext and _etext (kptr_restrict"));
	put("kallsyms", KALLSYMS_NO_TEXT, kallsyms);
	put("kcore", "not an ELF file, but long enough to hold an ELF header: 64 bytes and more.....", kcore);
	assert_int_equal(arm_kallsyms_text(kallsyms, kcore, &text, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "/kcore: Exec format error; kexec_load on arm64"));
	put("kcore", "short", kcore);
	assert_int_equal(arm_kallsyms_text(kallsyms, kcore, &text, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "/kcore: Input/output error"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TMPDIR_TEST(text_from_kcore_under_kaslr), TMPDIR_TEST(text_without_kaslr),
		TMPDIR_TEST(text_listed_already),	  TMPDIR_TEST(no_kcore_is_named),
		TMPDIR_TEST(no_text_segment_is_refused),  TMPDIR_TEST(hidden_addresses_and_bad_kcore),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
