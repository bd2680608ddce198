/* summary.c: the crash summary, as text for a human and as JSON for scripts.
 *
 * Everything comes from the vmcore and the crashed kernel's dmesg, never from
 * the running system. The keys are documented in docs/dump-format.md. */
#include "summary.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* The panicking CPU's note: the one whose pid is the dmesg's PID, else the CPU's number. */
static int find_panic_note(const struct vmcore_info *v, const struct dmesg_facts *f)
{
	unsigned n = v->prstatus_count < VMCORE_MAX_CPUS ? v->prstatus_count : VMCORE_MAX_CPUS;
	int found = -1, matches = 0;

	if (vmcore_reg_count(v) == 0)
		return -1;
	for (unsigned i = 0; f->pid > 0 && i < n; i++)
		if (v->cpu[i].pid == f->pid)
			found = (int)i, matches++;
	if (matches == 1)
		return found;
	if (f->cpu >= 0 && (unsigned)f->cpu < n)
		return f->cpu;
	return -1;
}

void summary_init(struct summary *s, const char *id, const struct vmcore_info *vmcore,
		  const struct dmesg_facts *facts)
{
	s->id = id;
	s->vmcore = vmcore;
	s->facts = facts;
	s->panic_note = find_panic_note(vmcore, facts);
}

void summary_time_utc(const struct summary *s, char *out, size_t outlen)
{
	time_t t = (time_t)s->vmcore->crash_time;
	struct tm tm;

	if (s->vmcore->crash_time < 0 || !gmtime_r(&t, &tm) ||
	    strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		out[0] = '\0';
}

/* The panicking CPU's note first, then the others in order. */
static int note_at(const struct summary *s, unsigned k)
{
	if (s->panic_note < 0)
		return (int)k;
	if (k == 0)
		return s->panic_note;
	return (int)k <= s->panic_note ? (int)k - 1 : (int)k;
}

static unsigned notes_kept(const struct summary *s)
{
	if (vmcore_reg_count(s->vmcore) == 0)
		return 0;
	return s->vmcore->prstatus_count < VMCORE_MAX_CPUS ? s->vmcore->prstatus_count
							   : VMCORE_MAX_CPUS;
}

static const char *or_unknown(const char *s)
{
	return s && *s ? s : "(unknown)";
}

void summary_write_registers(const struct summary *s, struct outbuf *o)
{
	unsigned nregs = vmcore_reg_count(s->vmcore);

	for (unsigned k = 0; k < notes_kept(s); k++) {
		int i = note_at(s, k);
		const struct vmcore_cpu *c = &s->vmcore->cpu[i];

		outbuf_printf(o, "CPU note %d, pid %d%s:\n", i, (int)c->pid,
			      i == s->panic_note ? " (panicking)" : "");
		for (unsigned r = 0; r < nregs; r++) {
			outbuf_printf(o, "  %-8s 0x%016llx", vmcore_reg_name(s->vmcore, r),
				      (unsigned long long)c->regs[r]);
			if (r % 3 == 2 || r + 1 == nregs)
				outbuf_puts(o, "\n");
		}
	}
}

void summary_write_text(const struct summary *s, struct outbuf *o)
{
	const struct dmesg_facts *f = s->facts;
	char when[32];

	summary_time_utc(s, when, sizeof(when));
	outbuf_printf(o, "Panic:    %s\n", or_unknown(f->panic));
	outbuf_printf(o, "Kernel:   %s (%s)\n", or_unknown(s->vmcore->osrelease),
		      vmcore_uname_machine(s->vmcore));
	outbuf_printf(o, "Crashed:  %s\n", or_unknown(when));
	if (f->cpu >= 0)
		outbuf_printf(o, "CPU:      %d, PID %ld, command %s\n", f->cpu, f->pid,
			      or_unknown(f->comm));
	else
		outbuf_puts(o, "CPU:      (unknown)\n");
	outbuf_printf(o, "Taint:    %s\n", or_unknown(f->taint));
	outbuf_printf(o, "Dump id:  %s\n", s->id);
	outbuf_puts(o, "\nCall trace:\n");
	for (unsigned i = 0; i < f->trace_count; i++)
		outbuf_printf(o, "  %s\n", f->trace[i]);
	if (f->trace_count == 0)
		outbuf_puts(o, "  (none in the dmesg)\n");
	if (f->trace_cut)
		outbuf_puts(o, "  ... (cut)\n");
	/* Up to FACT_MODULES_MAX bytes: longer than outbuf_printf's line. */
	outbuf_puts(o, "\nModules linked in: ");
	outbuf_puts(o, f->modules[0] ? f->modules : "(not printed)");
	outbuf_puts(o, "\n");
	outbuf_puts(o, "\nRegisters:\n");
	summary_write_registers(s, o);
	if (notes_kept(s) > 0)
		return;
	if (s->vmcore->regs_error[0])
		outbuf_printf(o, "  (not decoded: %s)\n", s->vmcore->regs_error);
	else
		outbuf_puts(o, "  (no CPU notes in the vmcore)\n");
}
