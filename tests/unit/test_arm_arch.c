/* test_arm_arch.c: arming on x86_64 and arm64: the architectures, crashkernel= and its arm64 rules, the arm64 estimate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include <sys/stat.h>

#include "arm_arch.h"
#include "arm_crashkernel.h"
#include "arm_reserve.h"
#include "kernel_header.h"
#include "tmpdir.h"

/* root/name holding len bytes of head, then zeros up to size. */
static void kernel_file(const char *name, const unsigned char *head, size_t len, off_t size, char *path,
			size_t plen)
{
	int fd;

	(void)snprintf(path, plen, "%s/%s", root, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, head, len), (ssize_t)len);
	assert_int_equal(ftruncate(fd, size), 0);
	assert_int_equal(close(fd), 0);
}

/* Each image format says its architecture; what cannot be told is unknown. */
static void kernel_arch_from_the_header(void **state)
{
	unsigned char h[KERNEL_HEADER_LEN] = { 0 };

	(void)state;
	assert_int_equal(kernel_header_arch(h, sizeof(h)), KERNEL_ARCH_UNKNOWN);
	memcpy(h + 0x202, "HdrS", 4);
	assert_int_equal(kernel_header_arch(h, sizeof(h)), KERNEL_ARCH_X86_64);
	assert_int_equal(kernel_header_arch(h, 0x205), KERNEL_ARCH_UNKNOWN); /* cut short */
	memset(h, 0, sizeof(h));
	memcpy(h, "MZ", 2); /* an arm64 Image with its EFI stub starts as a PE file */
	memcpy(h + 0x38, "ARM\x64", 4);
	assert_int_equal(kernel_header_arch(h, sizeof(h)), KERNEL_ARCH_ARM64);
	memset(h, 0, sizeof(h));
	memcpy(h, "MZ\0\0zimg", 8); /* EFI zboot */
	assert_int_equal(kernel_header_arch(h, sizeof(h)), KERNEL_ARCH_ARM64);
	memset(h, 0, sizeof(h));
	memcpy(h, "\177ELF\2\1\1", 7);
	h[18] = 62; /* EM_X86_64 */
	assert_int_equal(kernel_header_arch(h, sizeof(h)), KERNEL_ARCH_X86_64);
	h[18] = 183; /* EM_AARCH64 */
	assert_int_equal(kernel_header_arch(h, sizeof(h)), KERNEL_ARCH_ARM64);
	h[5] = 2; /* big-endian: not read */
	assert_int_equal(kernel_header_arch(h, sizeof(h)), KERNEL_ARCH_UNKNOWN);
	memset(h, 0, sizeof(h));
	memcpy(h, "\037\213\010", 3); /* Image.gz */
	assert_int_equal(kernel_header_arch(h, sizeof(h)), KERNEL_ARCH_UNKNOWN);
}

/* uname -m's names; DUMPAGENT_ARCH stands in for uname in tests. */
static void running_arch_and_its_hook(void **state)
{
	(void)state;
	assert_int_equal(arm_arch_parse("x86_64"), ARM_ARCH_X86_64);
	assert_int_equal(arm_arch_parse("aarch64"), ARM_ARCH_ARM64);
	assert_int_equal(arm_arch_parse("arm64"), ARM_ARCH_ARM64);
	assert_int_equal(arm_arch_parse("riscv64"), ARM_ARCH_UNKNOWN);
	assert_string_equal(arm_arch_name(ARM_ARCH_ARM64), "arm64");
	assert_string_equal(arm_arch_name(ARM_ARCH_X86_64), "x86_64");
	assert_int_equal(setenv("DUMPAGENT_ARCH", "aarch64", 1), 0);
	assert_int_equal(arm_arch_running(), ARM_ARCH_ARM64);
	assert_int_equal(unsetenv("DUMPAGENT_ARCH"), 0);
#if defined(__x86_64__)
	assert_int_equal(arm_arch_running(), ARM_ARCH_X86_64);
#elif defined(__aarch64__)
	assert_int_equal(arm_arch_running(), ARM_ARCH_ARM64);
#endif
}

/* A capture kernel of another architecture is refused by name; one that
 * cannot be told (gzip) passes, kexec decides. */
static void other_arch_kernel_is_refused(void **state)
{
	unsigned char h[KERNEL_HEADER_LEN] = { 0 };
	char path[256], why[512], want[512];

	(void)state;
	memcpy(h + 0x202, "HdrS", 4);
	kernel_file("bzImage", h, sizeof(h), 4096, path, sizeof(path));
	assert_int_equal(arm_arch_of_kernel(path), ARM_ARCH_X86_64);
	assert_int_equal(arm_arch_check_kernel("capture kernel", path, ARM_ARCH_X86_64, why, sizeof(why)), 0);
	assert_int_equal(arm_arch_check_kernel("capture kernel", path, ARM_ARCH_ARM64, why, sizeof(why)), -1);
	(void)snprintf(want, sizeof(want),
		       "capture kernel %s is a kernel for x86_64, and this machine runs arm64: install the "
		       "dumpagent package built for arm64, or set CAPTURE_KERNEL to a kernel for arm64", path);
	assert_string_equal(why, want);
	memset(h, 0, sizeof(h));
	memcpy(h, "\037\213\010", 3);
	kernel_file("Image.gz", h, sizeof(h), 4096, path, sizeof(path));
	assert_int_equal(arm_arch_check_kernel("capture kernel", path, ARM_ARCH_X86_64, why, sizeof(why)), 0);
	(void)snprintf(path, sizeof(path), "%s/none", root);
	assert_int_equal(arm_arch_of_kernel(path), ARM_ARCH_UNKNOWN);
}

/* Every form of crashkernel=, the last of each, none after "--". */
static void crashkernel_words_by_form(void **state)
{
	struct arm_crashkernel ck;

	(void)state;
	arm_crashkernel_parse("root=/dev/vda1 crashkernel=1G-4G:256M,4G-:512M quiet", &ck);
	assert_string_equal(ck.plain, "1G-4G:256M,4G-:512M");
	assert_string_equal(ck.high, "");
	assert_string_equal(ck.low, "");
	arm_crashkernel_parse("crashkernel=128M,high \"crashkernel=64M,low\" crashkernel=96M,high -- crashkernel=1M",
			      &ck);
	assert_string_equal(ck.plain, "");
	assert_string_equal(ck.high, "96M");
	assert_string_equal(ck.low, "64M");
	arm_crashkernel_parse("crashkernel= crashkernelx=5M", &ck);
	assert_string_equal(ck.plain, "");
	assert_string_equal(ck.high, "");
}

/* --reserve writes the same plain form on both: arm64's 6.1 puts it below
 * the DMA zone's limit, where the capture kernel needs no bounce buffers. */
static void reserve_param_on_both(void **state)
{
	char p[64];

	(void)state;
	arm_crashkernel_param(ARM_ARCH_X86_64, 40, p, sizeof(p));
	assert_string_equal(p, "crashkernel=40M");
	arm_crashkernel_param(ARM_ARCH_ARM64, 48, p, sizeof(p));
	assert_string_equal(p, "crashkernel=48M");
}

/* Nothing reserved: x86_64's advice as before; arm64's names its rules. */
static void missing_reservation_per_arch(void **state)
{
	struct arm_crashkernel ck;
	char why[1024];

	(void)state;
	arm_crashkernel_parse("", &ck);
	arm_crashkernel_missing(ARM_ARCH_ARM64, &ck, "/sys/kernel/kexec_crash_size is 0", why, sizeof(why));
	assert_string_equal(why, "no memory is reserved for the capture kernel (/sys/kernel/kexec_crash_size is 0). "
				 "Add crashkernel=64M to the kernel command line (on Debian: GRUB_CMDLINE_LINUX_DEFAULT "
				 "in /etc/default/grub, then update-grub and reboot)");
	arm_crashkernel_parse("crashkernel=3G", &ck);
	arm_crashkernel_missing(ARM_ARCH_X86_64, &ck, "S", why, sizeof(why));
	assert_string_equal(why, "no memory is reserved for the capture kernel (S), although the kernel command "
				 "line has crashkernel=3G: the kernel could not reserve it (see: dmesg | grep -i "
				 "crashkernel), try crashkernel=64M");
	arm_crashkernel_missing(ARM_ARCH_ARM64, &ck, "S", why, sizeof(why));
	assert_string_equal(why, "no memory is reserved for the capture kernel (S), although the kernel command "
				 "line has crashkernel=3G: the kernel could not reserve it (see: dmesg | grep -i "
				 "crashkernel), try crashkernel=64M, or crashkernel=64M,high crashkernel=128M,low: "
				 "on arm64, Linux 6.1 places crashkernel=X only below the DMA zone's limit (4 GiB, "
				 "lower on some boards) and, unlike x86_64, reserves nothing when it does not fit there");
	arm_crashkernel_parse("crashkernel=256M,high crashkernel=2G,low", &ck);
	arm_crashkernel_missing(ARM_ARCH_ARM64, &ck, "S", why, sizeof(why));
	assert_non_null(strstr(why, "has crashkernel=256M,high: the kernel could not reserve it"));
	assert_non_null(strstr(why, "gives up the whole reservation when crashkernel=Y,low does not fit"));
}

/* arm64 only: a reservation wholly above 4 GiB (proc/iomem) with no ,low warns. */
static void high_without_low_warns_on_arm64(void **state)
{
	struct arm_crashkernel ck;
	char why[1024], want[1024];

	(void)state;
	arm_crashkernel_parse("crashkernel=64M,high", &ck);
	/* no iomem, then one with hidden addresses (not root): nothing known */
	assert_int_equal(arm_crashkernel_warning(ARM_ARCH_ARM64, root, &ck, why, sizeof(why)), 0);
	tmpdir_write("iomem", "00000000-00000000 : System RAM\n  00000000-00000000 : Crash kernel\n");
	assert_int_equal(arm_crashkernel_warning(ARM_ARCH_ARM64, root, &ck, why, sizeof(why)), 0);
	tmpdir_write("iomem", "40000000-13fffffff : System RAM\n  40210000-4167ffff : Kernel code\n"
			    "  13c000000-13fffffff : Crash kernel\n");
	assert_int_equal(arm_crashkernel_warning(ARM_ARCH_ARM64, root, &ck, why, sizeof(why)), 1);
	(void)snprintf(want, sizeof(want),
		       "the memory reserved for the capture kernel is all above 4 GiB (%s/iomem: Crash kernel "
		       "from 0x13c000000), and arm64's Linux 6.1 reserves none below it without "
		       "crashkernel=Y,low: a disk controller that cannot reach above 4 GiB fails in the capture "
		       "kernel; add crashkernel=128M,low, or use crashkernel=X alone", root);
	assert_string_equal(why, want);
	assert_int_equal(arm_crashkernel_warning(ARM_ARCH_X86_64, root, &ck, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	/* a low range too (crashkernel=Y,low), or the one range below 4 GiB: no warning */
	tmpdir_write("iomem", "40000000-13fffffff : System RAM\n  13c000000-13fffffff : Crash kernel\n"
			    "  7c000000-7fffffff : Crash kernel\n");
	assert_int_equal(arm_crashkernel_warning(ARM_ARCH_ARM64, root, &ck, why, sizeof(why)), 0);
	tmpdir_write("iomem", "40000000-13fffffff : System RAM\n  bc000000-bfffffff : Crash kernel\n");
	assert_int_equal(arm_crashkernel_warning(ARM_ARCH_ARM64, root, &ck, why, sizeof(why)), 0);
	tmpdir_write("iomem", "40000000-13fffffff : System RAM\n  13c000000-13fffffff : Crash kernel\n");
	arm_crashkernel_parse("crashkernel=64M,high crashkernel=0M,low", &ck);
	assert_int_equal(arm_crashkernel_warning(ARM_ARCH_ARM64, root, &ck, why, sizeof(why)), 0);
}

/* The arm64 estimate: image_size as it boots, and arm64's working memory
 * (ARM_WORK_MB_ARM64, ARM_DISTRO_WORK_MB_ARM64), chosen by the kernel's header. */
static void arm64_kernel_counts_arm64_work(void **state)
{
	unsigned char h[KERNEL_HEADER_LEN] = { 0 };
	char kernel[256], x86[256], initrd[256], why[512];
	struct arm_need a, x;

	(void)state;
	memcpy(h + 0x38, "ARM\x64", 4);
	h[18] = 0xc0; /* image_size 0xc00000: 12 MiB */
	kernel_file("Image", h, sizeof(h), 9 * MIB, kernel, sizeof(kernel));
	memset(h, 0, sizeof(h));
	memcpy(h + 0x202, "HdrS", 4);
	h[0x206] = 0x0f, h[0x207] = 0x02;
	h[0x262] = 0xc0; /* init_size 12 MiB */
	kernel_file("bzImage", h, sizeof(h), 5 * MIB, x86, sizeof(x86));
	kernel_file("initrd", (const unsigned char *)"x", 1, 3 * MIB, initrd, sizeof(initrd));
	assert_int_equal(arm_need(kernel, initrd, 0, &a, why, sizeof(why)), 0);
	assert_int_equal(a.boot, 12 * MIB);
	assert_int_equal(a.work, ARM_WORK_MB_ARM64 * MIB);
	/* 12 + 3 + 9 (not gzip: 3 times) + 11 = 35 -> 36; 43.2 -> 48 */
	assert_int_equal(a.need, 36 * MIB);
	assert_int_equal(a.reserve_mb, 48);
	assert_int_equal(arm_need(x86, initrd, 0, &x, why, sizeof(why)), 0);
	assert_int_equal(x.work, ARM_WORK_MB * MIB);
	assert_int_equal(a.work - x.work, (ARM_WORK_MB_ARM64 - ARM_WORK_MB) * MIB);
	assert_int_equal(arm_need_distro(kernel, initrd, 0, &a, why, sizeof(why)), 0);
	assert_int_equal(a.work, ARM_DISTRO_WORK_MB_ARM64 * MIB);
	assert_int_equal(arm_need_distro(x86, initrd, 0, &x, why, sizeof(why)), 0);
	assert_int_equal(x.work, ARM_DISTRO_WORK_MB * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernel_arch_from_the_header),
		cmocka_unit_test(running_arch_and_its_hook),
		TMPDIR_TEST(other_arch_kernel_is_refused),
		cmocka_unit_test(crashkernel_words_by_form),
		cmocka_unit_test(reserve_param_on_both),
		cmocka_unit_test(missing_reservation_per_arch),
		TMPDIR_TEST(high_without_low_warns_on_arm64),
		TMPDIR_TEST(arm64_kernel_counts_arm64_work),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
