/* arm_kallsyms.c: the running kernel's _text for kexec-tools on arm64, from /proc/kallsyms and /proc/kcore's kernel-text segment. */
#include "arm_kallsyms.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "arm_arch.h"
#include "arm_kcore.h"
#include "arm_target.h"
#include "command_arm.h"

/* arm64's image header and .head.text lie before _stext (64 KiB with the
 * EFI header in 6.1); a segment starting more than 64 MiB before it, a
 * thousand times that, is not the kernel's text but a larger area holding
 * it (vmalloc, which starts far lower). */
#define TEXT_DISTANCE_MAX (64ULL << 20)

enum { SYM_TEXT = 1, SYM_STEXT = 2, SYM_ETEXT = 4 };

struct syms {
	unsigned long long text, stext, etext;
	unsigned found; /* SYM_* */
};

/* One "ADDRESS TYPE NAME[ [MODULE]]" line: a module's symbol (a fourth
 * field) never counts. */
static void scan_line(const char *line, struct syms *s)
{
	static const struct {
		const char *name;
		unsigned bit;
	} want[] = { { "_text", SYM_TEXT }, { "_stext", SYM_STEXT }, { "_etext", SYM_ETEXT } };
	unsigned long long addr;
	char type, name[64], rest[2];

	if (sscanf(line, "%llx %c %63s %1s", &addr, &type, name, rest) != 3)
		return;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (strcmp(name, want[i].name) != 0 || (s->found & want[i].bit))
			continue;
		s->found |= want[i].bit;
		*(want[i].bit == SYM_TEXT ? &s->text : want[i].bit == SYM_STEXT ? &s->stext : &s->etext) = addr;
	}
}

/* Reads the three symbols of PATH into *s: 0, or -errno. A line longer
 * than the buffer is read on in pieces, none of which parses as
 * "ADDRESS TYPE NAME" of these names unless it is one. */
static int scan(const char *path, struct syms *s)
{
	char line[512];
	FILE *f = fopen(path, "re");
	int err;

	memset(s, 0, sizeof(*s));
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		scan_line(line, s);
	err = ferror(f) ? -EIO : 0;
	(void)fclose(f); /* read-only */
	return err;
}

/* The running _text from KCORE: 0, or -1 with why. */
static int kcore_text(const char *kcore, const struct syms *run, unsigned long long *text, char *why, size_t len)
{
	static const char need[] = "; kexec_load on arm64 needs the running kernel's _text, which /proc/kallsyms "
				   "does not list (no CONFIG_KALLSYMS_ALL)";
	int fd = open(kcore, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0) {
		rc = errno;
		(void)snprintf(why, len, "open %s: %s%s: run as root, on a kernel with CONFIG_PROC_KCORE", kcore,
			       strerror(rc), need);
		return -1;
	}
	rc = arm_kcore_text_segment(fd, run->stext, run->etext, text);
	(void)close(fd); /* read-only */
	if (rc < 0) {
		(void)snprintf(why, len, "read %s: %s%s", kcore, strerror(-rc), need);
		return -1;
	}
	if (rc > 0 || run->stext - *text > TEXT_DISTANCE_MAX) {
		(void)snprintf(why, len, "%s has no kernel-text segment holding _stext (0x%llx)%s", kcore,
			       run->stext, need);
		return -1;
	}
	return 0;
}

int arm_kallsyms_text(const char *kallsyms, const char *kcore, unsigned long long *text, char *why, size_t len)
{
	struct syms run;
	int rc = scan(kallsyms, &run);

	why[0] = '\0';
	if (rc < 0) {
		(void)snprintf(why, len, "read %s: %s; kexec_load on arm64 needs the running kernel's symbols",
			       kallsyms, strerror(-rc));
		return -1;
	}
	if (run.found & SYM_TEXT)
		return 1;
	if ((run.found & (SYM_STEXT | SYM_ETEXT)) != (SYM_STEXT | SYM_ETEXT) || run.stext == 0 ||
	    run.etext < run.stext) {
		(void)snprintf(why, len, "%s lists neither _text nor the addresses of _stext and _etext "
				"(kptr_restrict hides them from all but root)", kallsyms);
		return -1;
	}
	return kcore_text(kcore, &run, text, why, len);
}

void arm_kallsyms_put(const char *proc)
{
	char kallsyms[ARM_PATH_MAX], kcore[ARM_PATH_MAX], why[3 * ARM_PATH_MAX], num[32] = "";
	unsigned long long text;

	why[0] = '\0';
	if (arm_arch_running() == ARM_ARCH_ARM64) {
		(void)snprintf(kallsyms, sizeof(kallsyms), "%s/kallsyms", proc);
		(void)snprintf(kcore, sizeof(kcore), "%s/kcore", proc);
		if (arm_kallsyms_text(kallsyms, kcore, &text, why, sizeof(why)) == 0)
			(void)snprintf(num, sizeof(num), "0x%016llx", text);
	}
	arm_put("kallsyms_text", num);
	arm_put("kallsyms_error", why);
}
