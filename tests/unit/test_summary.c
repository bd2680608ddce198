/* test_summary.c: crash facts from dmesg texts, and the summary's JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "dmesg_scan.h"
#include "summary.h"

static struct dmesg_scan scan;
static struct dmesg_facts facts;

static void scan_text(const char *text, size_t chunk)
{
	size_t len = strlen(text);

	dmesg_scan_init(&scan, &facts, "6.1.0-26-amd64");
	for (size_t i = 0; i < len; i += chunk)
		dmesg_scan_feed(&scan, text + i, len - i < chunk ? len - i : chunk);
	dmesg_scan_finish(&scan);
}

static const char sysrq[] =
	"[    1.000000] Linux version 6.1.0-26-amd64\n"
	"[   12.100000] sysrq: Trigger a crash\n"
	"[   12.100100] Kernel panic - not syncing: sysrq triggered crash\n"
	"[   12.100200] CPU: 1 PID: 57 Comm: sh Not tainted 6.1.0-26-amd64 #1  Debian 6.1.112-1\n"
	"[   12.100300] Hardware name: QEMU Standard PC (i440FX + PIIX, 1996)\n"
	"[   12.100400] Call Trace:\n"
	"[   12.100500]  <TASK>\n"
	"[   12.100600]  dump_stack_lvl+0x44/0x5c\n"
	"[   12.100700]  panic+0x118/0x2ed\n"
	"[   12.100800]  sysrq_handle_crash+0x16/0x20\n"
	"[   12.100900]  </TASK>\n"
	"[   12.101000] Kernel Offset: 0x2e000000 from 0xffffffff81000000\n"
	"[   12.101100] ---[ end Kernel panic - not syncing: sysrq triggered crash ]---\n";

static void sysrq_panic(void **state)
{
	(void)state;
	for (size_t chunk = 1; chunk <= sizeof(sysrq); chunk *= 7) {
		scan_text(sysrq, chunk);
		assert_string_equal(facts.panic, "Kernel panic - not syncing: sysrq triggered crash");
		assert_int_equal(facts.cpu, 1);
		assert_int_equal(facts.pid, 57);
		assert_string_equal(facts.comm, "sh");
		assert_string_equal(facts.taint, "Not tainted");
		assert_int_equal(facts.trace_count, 3);
		assert_string_equal(facts.trace[0], "dump_stack_lvl+0x44/0x5c");
		assert_string_equal(facts.trace[2], "sysrq_handle_crash+0x16/0x20");
		assert_string_equal(facts.modules, "");
	}
}

/* arm64's sysrq panic (Debian 12's kernel): "Call trace:", no <TASK>;
 * panic() does not return, so the frame after it is printed as the
 * function after sysrq_handle_crash, +0x0. */
static void arm64_call_trace(void **state)
{
	(void)state;
	scan_text("[   39.475717] Kernel panic - not syncing: sysrq triggered crash\n"
		  "[   39.476402] CPU: 0 PID: 1 Comm: init Kdump: loaded Not tainted 6.1.0-57-arm64 #1  Debian 6.1.192-3\n"
		  "[   39.477705] Hardware name: linux,dummy-virt (DT)\n"
		  "[   39.478354] Call trace:\n"
		  "[   39.478727]  dump_backtrace+0xe4/0x140\n"
		  "[   39.486234]  panic+0x184/0x364\n"
		  "[   39.486394]  sysrq_reset_seq_param_set+0x0/0xa0\n"
		  "[   39.486613]  __handle_sysrq+0x90/0x19c\n"
		  "[   39.502903] SMP: stopping secondary CPUs\n",
		  4096);
	assert_int_equal(facts.pid, 1);
	assert_string_equal(facts.comm, "init");
	assert_int_equal(facts.trace_count, 4);
	assert_string_equal(facts.trace[1], "panic+0x184/0x364");
	assert_string_equal(facts.trace[3], "__handle_sysrq+0x90/0x19c");
}

/* An oops, then the panic that prints no second trace: the oops's trace and modules. */
static void oops_then_fatal_exception(void **state)
{
	(void)state;
	scan_text("[    5.0] WARNING: CPU: 0 PID: 1 at mm/x.c:1 f+0x1/0x2\n"
		  "[    5.1] Call Trace:\n"
		  "[    5.2]  early_warning_frame+0x1/0x2\n"
		  "[    9.0] BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
		  "[    9.1] Oops: 0002 [#1] PREEMPT SMP NOPTI\n"
		  "[    9.2] CPU: 0 UID: 0 PID: 412 Comm: insmod Tainted: G      D W  O       6.1.0-26-amd64 #1\n"
		  "[    9.3] RIP: 0010:crashme_init+0x5/0x1000 [crashme]\n"
		  "[    9.4] Call Trace:\n"
		  "[    9.5]  <TASK>\n"
		  "[    9.6]  do_one_initcall+0x41/0x200\n"
		  "[    9.7]  </TASK>\n"
		  "[    9.8] Modules linked in: crashme(O+) ext4 crc16 mbcache jbd2\r\n"
		  "[    9.9] Kernel panic - not syncing: Fatal exception",
		  4096);
	assert_string_equal(facts.panic, "Kernel panic - not syncing: Fatal exception");
	assert_int_equal(facts.pid, 412);
	assert_string_equal(facts.comm, "insmod");
	assert_string_equal(facts.taint, "G      D W  O");
	assert_int_equal(facts.trace_count, 1);
	assert_string_equal(facts.trace[0], "do_one_initcall+0x41/0x200");
	assert_string_equal(facts.modules, "crashme(O+) ext4 crc16 mbcache jbd2");
}

static void no_panic_line_takes_the_oops(void **state)
{
	static char text[20000];
	size_t n;

	(void)state;
	n = (size_t)sprintf(text, "[    1.0] general protection fault, probably for non-canonical address\n");
	memset(text + n, 'y', 12000); /* a line longer than DMESG_LINE_MAX is cut, not overrun */
	strcpy(text + n + 12000, "\n[    1.1] Call Trace:\n");
	for (int i = 0; i < FACT_TRACE_MAX + 5; i++)
		strcat(text, "[    1.2]  frame+0x1/0x2\n");
	scan_text(text, 333);
	assert_string_equal(facts.panic, "general protection fault, probably for non-canonical address");
	assert_int_equal(facts.cpu, -1);
	assert_int_equal(facts.trace_count, FACT_TRACE_MAX);
	assert_true(facts.trace_cut);
}

static char json[200000];

static void write_json(const struct summary *s)
{
	struct outbuf o;

	outbuf_init_mem(&o, json, sizeof(json));
	summary_write_json(s, &o);
}

static void json_puts_the_panicking_cpu_first(void **state)
{
	static struct vmcore_info v;
	struct summary s;

	(void)state;
	memset(&v, 0, sizeof(v));
	v.machine = 62; /* EM_X86_64 */
	v.regs_decoded = 1;
	v.prstatus_count = 3;
	v.cpu[0].pid = 0;
	v.cpu[1].pid = 57;
	v.cpu[1].regs[16] = 0xffffffff81234567ULL;
	v.cpu[2].pid = 0;
	v.crash_time = 1795372801;
	strcpy(v.osrelease, "6.1.0-26-amd64");
	scan_text(sysrq, 64);
	strcpy(facts.comm, "a\"b\\c\xff\x01");
	summary_init(&s, "202611221840", &v, &facts);
	assert_int_equal(s.panic_note, 1);
	write_json(&s);
	assert_non_null(strstr(json, "\"cpus\":[{\"note\":1,\"pid\":57,\"panicking\":true,"
				     "\"registers\":{\"r15\":\"0x0000000000000000\""));
	assert_non_null(strstr(json, "\"rip\":\"0xffffffff81234567\""));
	assert_non_null(strstr(json, "{\"note\":0,\"pid\":0,\"panicking\":false"));
	assert_non_null(strstr(json, "\"comm\":\"a\\\"b\\\\c\\ufffd\\u0001\""));
	assert_non_null(strstr(json, "\"crash_time_utc\":\"2026-11-22T18:40:01Z\""));
	assert_non_null(strstr(json, "\"call_trace\":[\"dump_stack_lvl+0x44/0x5c\",\"panic+0x118/0x2ed\","));
	assert_non_null(strstr(json, "\"modules\":[]"));
	assert_non_null(strstr(json, "\"page_size\":null}\n"));
}

/* arm64: the registers by their names (x0-x30, sp, pc, pstate), in the JSON
 * and the text, and the VMCOREINFO numbers that place the kernel. */
static void arm64_registers_by_name(void **state)
{
	static struct vmcore_info v;
	static char text[16384];
	struct summary s;
	struct outbuf o;

	(void)state;
	memset(&v, 0, sizeof(v));
	v.machine = 183; /* EM_AARCH64 */
	v.regs_decoded = 1;
	v.prstatus_count = 2;
	v.cpu[1].pid = 57;
	v.cpu[1].regs[30] = 0xffff800008a1c2d4ULL;
	v.cpu[1].regs[31] = 0xffff80000a003c80ULL;
	v.cpu[1].regs[32] = 0xffff800008a1c2e0ULL;
	v.cpu[1].regs[33] = 0x60400005ULL;
	v.has_kernel_offset = 1;
	v.kernel_offset = 0x10000;
	v.has_kimage_voffset = 1;
	v.kimage_voffset = 0xffff7fff47e00000ULL;
	v.crash_time = -1;
	scan_text(sysrq, 64);
	summary_init(&s, "202611221840", &v, &facts);
	assert_int_equal(s.panic_note, 1);
	write_json(&s);
	assert_non_null(strstr(json, "\"cpus\":[{\"note\":1,\"pid\":57,\"panicking\":true,"
				     "\"registers\":{\"x0\":\"0x0000000000000000\""));
	assert_non_null(strstr(json, ",\"x30\":\"0xffff800008a1c2d4\",\"sp\":\"0xffff80000a003c80\","
				     "\"pc\":\"0xffff800008a1c2e0\",\"pstate\":\"0x0000000060400005\"}}"));
	assert_null(strstr(json, "rip"));
	assert_non_null(strstr(json, "\"kernel_offset\":\"0x0000000000010000\","
				     "\"kimage_voffset\":\"0xffff7fff47e00000\""));
	assert_non_null(strstr(json, "\"machine\":\"aarch64\""));
	outbuf_init_mem(&o, text, sizeof(text));
	summary_write_text(&s, &o);
	assert_non_null(strstr(text, "Kernel:   (unknown) (aarch64)\n"));
	assert_non_null(strstr(text, "CPU note 1, pid 57 (panicking):\n"
				     "  x0       0x0000000000000000  x1       0x0000000000000000"));
	assert_non_null(strstr(text, "  x30      0xffff800008a1c2d4  sp       0xffff80000a003c80"
				     "  pc       0xffff800008a1c2e0\n  pstate   0x0000000060400005\n"));
}

/* Notes that could not be decoded: the summary says why, and lists no CPU. */
static void undecoded_registers_say_why(void **state)
{
	static struct vmcore_info v;
	static char text[16384];
	struct summary s;
	struct outbuf o;

	(void)state;
	memset(&v, 0, sizeof(v));
	v.machine = 183;
	v.prstatus_count = 2;
	v.crash_time = -1;
	strcpy(v.regs_error, "NT_PRSTATUS note 0 is 336 bytes, not 392 as on aarch64");
	scan_text(sysrq, 64);
	summary_init(&s, "202611221840", &v, &facts);
	assert_int_equal(s.panic_note, -1);
	outbuf_init_mem(&o, text, sizeof(text));
	summary_write_text(&s, &o);
	assert_non_null(strstr(text, "\nRegisters:\n  (not decoded: NT_PRSTATUS note 0 is 336 bytes,"
				     " not 392 as on aarch64)\n"));
	write_json(&s);
	assert_non_null(strstr(json, "\"cpus\":[],\"kernel_offset\":null,\"kimage_voffset\":null,"));
}

/* Control bytes from the dead kernel's log (ESC[2J would clear the console)
 * reach no fact raw: they are written as \ooo, like savecore's vis(). */
static void control_bytes_are_made_visible(void **state)
{
	static const char text[] =
		"[   12.100100] Kernel panic - not syncing: \033[2J\033]0;x\007 \x9b" "1m caf\xc3\xa9 a\\b\r\n"
		"[   12.100200] CPU: 1 PID: 57 Comm: s\033h Not tainted 6.1.0-26-amd64 #1\n"
		"[   12.100400] Call Trace:\n"
		"[   12.100600]  evil\010\010\010+0x1/0x2\n";

	(void)state;
	for (size_t chunk = 1; chunk <= sizeof(text); chunk *= 5) {
		scan_text(text, chunk);
		assert_string_equal(facts.panic, "Kernel panic - not syncing: \\033[2J\\033]0;x\\007 "
						 "\\2331m caf\\303\\251 a\\\\b");
		assert_string_equal(facts.comm, "s\\033h");
		assert_string_equal(facts.trace[0], "evil\\010\\010\\010+0x1/0x2");
	}
}

/* A line longer than the scanner's buffer is cut whole characters only. */
static void long_escaped_line_is_cut_cleanly(void **state)
{
	static char text[DMESG_LINE_MAX * 2];
	size_t n = 0;

	(void)state;
	n += (size_t)snprintf(text, sizeof(text), "Kernel panic - not syncing: ");
	while (n + 2 < sizeof(text))
		text[n++] = '\033';
	text[n++] = '\n';
	text[n] = '\0';
	scan_text(text, 4096);
	assert_int_equal(strlen(facts.panic), FACT_LINE_MAX - 1);
	assert_null(strchr(facts.panic, '\033'));
}

/* The modules line is longer than one outbuf_printf line: written whole. */
static void long_modules_line_is_whole(void **state)
{
	static char text[16384], want[FACT_MODULES_MAX + 64];
	struct vmcore_info v;
	struct summary sum;
	struct outbuf o;

	(void)state;
	memset(&v, 0, sizeof(v));
	v.crash_time = -1;
	dmesg_facts_clear(&facts);
	for (size_t i = 0; i + 1 < 3000; i++)
		facts.modules[i] = i % 8 == 7 ? ' ' : 'm';
	summary_init(&sum, "202611221840", &v, &facts);
	outbuf_init_mem(&o, text, sizeof(text));
	summary_write_text(&sum, &o);
	snprintf(want, sizeof(want), "\nModules linked in: %s\n\nRegisters:\n", facts.modules);
	assert_non_null(strstr(text, want));
}

/* Any other line cut at the printf limit says so, and keeps its newline. */
static void cut_line_is_marked(void **state)
{
	static char text[4096], big[2000];
	struct outbuf o;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	outbuf_init_mem(&o, text, sizeof(text));
	outbuf_printf(&o, "Panic:    %s\n", big);
	outbuf_puts(&o, "next\n");
	assert_int_equal(strlen(text), OUTBUF_LINE_MAX - 1 + 5);
	assert_non_null(strstr(text, "xxx...[cut]\nnext\n"));
}

static void json_valid_utf8_passes_through(void **state)
{
	struct outbuf o;

	(void)state;
	outbuf_init_mem(&o, json, sizeof(json));
	json_string(&o, "caf\xc3\xa9 \xe2\x82\xac \xc0\xaf \xed\xa0\x80");
	/* é and € pass; an overlong '/' and a surrogate become U+FFFD per byte */
	assert_string_equal(json, "\"caf\xc3\xa9 \xe2\x82\xac \\ufffd\\ufffd \\ufffd\\ufffd\\ufffd\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sysrq_panic),
		cmocka_unit_test(oops_then_fatal_exception),
		cmocka_unit_test(arm64_call_trace),
		cmocka_unit_test(no_panic_line_takes_the_oops),
		cmocka_unit_test(json_puts_the_panicking_cpu_first),
		cmocka_unit_test(json_valid_utf8_passes_through),
		cmocka_unit_test(arm64_registers_by_name),
		cmocka_unit_test(undecoded_registers_say_why),
		cmocka_unit_test(control_bytes_are_made_visible),
		cmocka_unit_test(long_modules_line_is_whole),
		cmocka_unit_test(cut_line_is_marked),
		cmocka_unit_test(long_escaped_line_is_cut_cleanly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
