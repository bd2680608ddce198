/* capture_report.c: writer side: the summary files and the apport report of a new dump directory. */
#include "capture_report.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "apport.h"
#include "log.h"
#include "outbuf.h"

#define MAX_ENTRIES 24

static int fill_summary_text(struct outbuf *o, void *arg, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	summary_write_text(arg, o);
	return 0;
}

static int fill_summary_json(struct outbuf *o, void *arg, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	summary_write_json(arg, o);
	return 0;
}

enum save_result save_summary(const struct save_ctx *s, const struct summary *sum)
{
	char name[DUMP_NAME_MAX];
	enum save_result r;

	r = save_file(s, dump_file_name(DUMP_FILE_SUMMARY_TXT, s->dirname, name), fill_summary_text,
		      (void *)sum);
	if (r != SAVE_OK)
		return r;
	return save_file(s, dump_file_name(DUMP_FILE_SUMMARY_JSON, s->dirname, name),
			 fill_summary_json, (void *)sum);
}

struct report_text {
	char date[40], package[120], uname[160], cpu[16], pid[24], trace[FACT_TRACE_MAX * 260];
	char regs[VMCORE_MAX_CPUS * 1536];
};

static void add(struct apport_entry *e, size_t *n, const char *key, const char *text)
{
	if (text && *text && *n < MAX_ENTRIES)
		e[(*n)++] = (struct apport_entry){ key, APPORT_TEXT, text, strlen(text), -1 };
}

static void add_fd(struct apport_entry *e, size_t *n, const char *key, enum apport_kind kind,
		   int fd)
{
	if (fd >= 0 && *n < MAX_ENTRIES)
		e[(*n)++] = (struct apport_entry){ key, kind, NULL, 0, fd };
}

static void format_texts(const struct report_input *in, struct report_text *t)
{
	const struct vmcore_info *v = in->sum->vmcore;
	const struct dmesg_facts *f = in->sum->facts;
	time_t when = (time_t)v->crash_time;
	struct tm tm;
	struct outbuf o;

	t->date[0] = t->cpu[0] = t->pid[0] = '\0';
	if (v->crash_time >= 0 && gmtime_r(&when, &tm))
		(void)strftime(t->date, sizeof(t->date), "%a %b %e %H:%M:%S %Y", &tm);
	(void)snprintf(t->package, sizeof(t->package), "linux-image-%s", v->osrelease);
	(void)snprintf(t->uname, sizeof(t->uname), "Linux %s %s", v->osrelease,
		       vmcore_uname_machine(v));
	if (f->cpu >= 0) {
		(void)snprintf(t->cpu, sizeof(t->cpu), "%d", f->cpu);
		(void)snprintf(t->pid, sizeof(t->pid), "%ld", f->pid);
	}
	outbuf_init_mem(&o, t->trace, sizeof(t->trace));
	for (unsigned i = 0; i < f->trace_count; i++)
		outbuf_printf(&o, "%s%s", i ? "\n" : "", f->trace[i]);
	outbuf_init_mem(&o, t->regs, sizeof(t->regs));
	summary_write_registers(in->sum, &o);
}

static int fill_report(struct outbuf *o, void *arg, char *err, size_t errlen)
{
	static struct report_text t;
	const struct report_input *in = arg;
	const struct dmesg_facts *f = in->sum->facts;
	struct apport_entry e[MAX_ENTRIES];
	size_t n = 0, loglen;
	const char *log = log_kept(&loglen);

	format_texts(in, &t);
	add(e, &n, "ProblemType", "KernelCrash");
	add(e, &n, "Date", t.date);
	add(e, &n, "Package", t.package);
	add(e, &n, "Uname", t.uname);
	add(e, &n, "Architecture", vmcore_dpkg_arch(in->sum->vmcore));
	add(e, &n, "DistroRelease", in->distro);
	add(e, &n, "Title", f->panic[0] ? f->panic : "kernel crash (no panic line in the dmesg)");
	add(e, &n, "DumpId", in->sum->id);
	add(e, &n, "PanicCPU", t.cpu);
	add(e, &n, "PanicPID", t.pid);
	add(e, &n, "PanicComm", f->comm);
	add(e, &n, "Taint", f->taint);
	add(e, &n, "CallTrace", t.trace);
	add(e, &n, "ModulesLinkedIn", f->modules);
	add(e, &n, "Registers", t.regs);
	add(e, &n, "VmCorePath", in->vmcore_fd < 0 ? in->vmcore_path : NULL);
	if (n < MAX_ENTRIES)
		e[n++] = (struct apport_entry){ "CaptureLog", APPORT_TEXT, log, loglen, -1 };
	add_fd(e, &n, "VmCoreDmesg", APPORT_TEXT_FD, in->dmesg_fd);
	add_fd(e, &n, "VmCore", in->vmcore_compressed ? APPORT_BINARY_FD_STORED : APPORT_BINARY_FD,
	       in->vmcore_fd);
	return apport_write(o, e, n, err, errlen);
}

enum save_result save_report(const struct save_ctx *s, const struct report_input *in,
			     char name[DUMP_NAME_MAX])
{
	return save_file(s, dump_report_name(in->sum->vmcore->osrelease, s->dirname, name),
			 fill_report, (void *)in);
}
