/* summary_json.c: the crash summary as one JSON object (docs/dump-format.md). */
#include "summary.h"

#include <stdint.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at p (1 to 4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0)
		n = 2, cp = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0)
		n = 3, cp = p[0] & 0x0f;
	else if ((p[0] & 0xf8) == 0xf0)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void json_string(struct outbuf *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	outbuf_write(o, "\"", 1);
	while (*p) {
		size_t n = utf8_len(p);

		if (n == 0) {
			outbuf_puts(o, "\\ufffd");
			n = 1;
		} else if (*p == '"' || *p == '\\') {
			outbuf_printf(o, "\\%c", *p);
		} else if (*p < 0x20 || *p == 0x7f) {
			outbuf_printf(o, "\\u%04x", *p);
		} else {
			outbuf_write(o, p, n);
		}
		p += n;
	}
	outbuf_write(o, "\"", 1);
}

static void json_key_string(struct outbuf *o, const char *key, const char *value)
{
	outbuf_printf(o, ",\"%s\":", key);
	if (value && *value)
		json_string(o, value);
	else
		outbuf_puts(o, "null");
}

static void json_modules(struct outbuf *o, const char *mods)
{
	char name[128];
	int first = 1;

	outbuf_puts(o, ",\"modules\":[");
	while (*mods) {
		size_t n = strcspn(mods, " ");

		if (n > 0 && n < sizeof(name)) {
			memcpy(name, mods, n);
			name[n] = '\0';
			outbuf_puts(o, first ? "" : ",");
			json_string(o, name);
			first = 0;
		}
		mods += n;
		mods += strspn(mods, " ");
	}
	outbuf_puts(o, "]");
}

static void json_trace(struct outbuf *o, const struct dmesg_facts *f)
{
	outbuf_puts(o, ",\"call_trace\":[");
	for (unsigned i = 0; i < f->trace_count; i++) {
		outbuf_puts(o, i ? "," : "");
		json_string(o, f->trace[i]);
	}
	outbuf_puts(o, "]");
}

static void json_cpu(struct outbuf *o, const struct summary *s, int i)
{
	const struct vmcore_cpu *c = &s->vmcore->cpu[i];

	outbuf_printf(o, "{\"note\":%d,\"pid\":%d,\"panicking\":%s,\"registers\":{", i, (int)c->pid,
		      i == s->panic_note ? "true" : "false");
	for (unsigned r = 0; r < vmcore_reg_count(s->vmcore); r++)
		outbuf_printf(o, "%s\"%s\":\"0x%016llx\"", r ? "," : "", vmcore_reg_name(s->vmcore, r),
			      (unsigned long long)c->regs[r]);
	outbuf_puts(o, "}}");
}

/* A 64-bit number from the VMCOREINFO as a string "0x...", or null when absent. */
static void json_hex(struct outbuf *o, const char *key, int present, uint64_t v)
{
	if (present)
		outbuf_printf(o, ",\"%s\":\"0x%016llx\"", key, (unsigned long long)v);
	else
		outbuf_printf(o, ",\"%s\":null", key);
}

static void json_cpus(struct outbuf *o, const struct summary *s)
{
	unsigned n = vmcore_reg_count(s->vmcore) ? s->vmcore->prstatus_count : 0;
	unsigned k = 0;

	if (n > VMCORE_MAX_CPUS)
		n = VMCORE_MAX_CPUS;
	outbuf_puts(o, ",\"cpus\":[");
	if (s->panic_note >= 0) {
		json_cpu(o, s, s->panic_note);
		k++;
	}
	for (unsigned i = 0; i < n; i++) {
		if ((int)i == s->panic_note)
			continue;
		outbuf_puts(o, k++ ? "," : "");
		json_cpu(o, s, (int)i);
	}
	outbuf_puts(o, "]");
}

void summary_write_json(const struct summary *s, struct outbuf *o)
{
	const struct dmesg_facts *f = s->facts;
	char when[32];

	summary_time_utc(s, when, sizeof(when));
	outbuf_puts(o, "{\"format\":1");
	json_key_string(o, "id", s->id);
	json_key_string(o, "release", s->vmcore->osrelease);
	json_key_string(o, "machine", vmcore_uname_machine(s->vmcore));
	if (s->vmcore->crash_time >= 0)
		outbuf_printf(o, ",\"crash_time\":%lld", (long long)s->vmcore->crash_time);
	else
		outbuf_puts(o, ",\"crash_time\":null");
	json_key_string(o, "crash_time_utc", when);
	json_key_string(o, "panic", f->panic);
	outbuf_printf(o, f->cpu >= 0 ? ",\"panic_cpu\":%d" : ",\"panic_cpu\":null", f->cpu);
	outbuf_printf(o, f->pid >= 0 ? ",\"pid\":%ld" : ",\"pid\":null", f->pid);
	json_key_string(o, "comm", f->comm);
	json_key_string(o, "taint", f->taint);
	json_modules(o, f->modules);
	json_trace(o, f);
	json_cpus(o, s);
	json_hex(o, "kernel_offset", s->vmcore->has_kernel_offset, s->vmcore->kernel_offset);
	json_hex(o, "kimage_voffset", s->vmcore->has_kimage_voffset, s->vmcore->kimage_voffset);
	if (s->vmcore->memory_error[0]) /* unknown: the ELF core header is wrong */
		outbuf_printf(o, ",\"memory_bytes\":null");
	else
		outbuf_printf(o, ",\"memory_bytes\":%llu", (unsigned long long)s->vmcore->memory_bytes);
	outbuf_printf(o, s->vmcore->page_size > 0 ? ",\"page_size\":%ld}\n" : ",\"page_size\":null}\n",
		      s->vmcore->page_size);
}
