/* arm_threads.c: how many CPUs the capture kernel brings up, for makedumpfile's threads (normal-boot side, arming). */
#include "arm_threads.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arm_reserve.h"
#include "text.h"

/* What the stated reason of a CPU count that was cut to one says. */
#define INIT_HAZARD                                                                                    \
	"the capture kernel would start the other CPUs with INIT, which the crashed kernel's boot CPU "  \
	"may answer with a reset of the machine"

unsigned arm_threads(const char *setting, long cpus)
{
	unsigned long n = 1; /* auto: see arm_threads.h */

	if (strcmp(setting, "auto") != 0)
		n = strtoul(setting, NULL, 10); /* validated by config_values.c: 1 to ARM_THREADS_MAX */
	if (n < 1)
		n = 1;
	if (n > ARM_THREADS_MAX)
		n = ARM_THREADS_MAX;
	/* A CPU the machine has not got cannot come up in the capture kernel. */
	if (cpus >= 1 && n > (unsigned long)cpus)
		n = (unsigned long)cpus;
	return (unsigned)n;
}

unsigned long long arm_threads_work(unsigned threads)
{
	return threads > 1 ? (threads - 1) * ARM_THREAD_MB * MIB : 0;
}

/* The count of a CPU list ("0-3,6\n"), or -1 when it is not one. */
static long count_list(const char *p)
{
	long count = 0;

	while (*p && *p != '\n') {
		char *end;
		unsigned long lo = strtoul(p, &end, 10), hi = lo;

		if (end == p)
			return -1;
		if (*end == '-') {
			p = end + 1;
			hi = strtoul(p, &end, 10);
			if (end == p || hi < lo)
				return -1;
		}
		count += (long)(hi - lo + 1);
		p = *end == ',' ? end + 1 : end;
		if (*end != ',' && *end && *end != '\n')
			return -1;
	}
	return count > 0 ? count : -1;
}

long arm_cpus_online(const char *sysfs)
{
	char path[4096], list[4096];
	FILE *f;
	size_t n;

	(void)snprintf(path, sizeof(path), "%s/devices/system/cpu/online", sysfs);
	if (!(f = fopen(path, "re")))
		return -1;
	n = fread(list, 1, sizeof(list) - 1, f);
	(void)fclose(f); /* read-only */
	list[n] = '\0';
	return count_list(list);
}

/* The value of the cpuinfo line "key<blanks>: value", or NULL when its key is
 * another ("initial apicid" is not "apicid"). */
static const char *cpuinfo_value(const char *line, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(line, key, n) != 0)
		return NULL;
	line += n;
	line += strspn(line, " \t");
	if (*line != ':')
		return NULL;
	return line + 1 + strspn(line + 1, " \t");
}

/* A decimal number of at most max, then the line's end: 0, or -1. */
static int line_number(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || *out > max || (*end && *end != '\n') ? -1 : 0;
}

/* Processor 0's apicid value v (a whole line, or a cut one when whole is
 * 0), from path: 0 with *apicid, or -1 with why. */
static int take_apicid(const char *path, const char *v, int whole, unsigned long *apicid, char *why,
		       size_t len)
{
	char shown[32];

	if (whole && line_number(v, ARM_APICID_MAX, apicid) == 0)
		return 0;
	(void)text_copy(shown, sizeof(shown), v, strcspn(v, "\n"));
	(void)snprintf(why, len, "%s: processor 0's apicid \"%s\" is not an APIC ID (0 to %lu)", path, shown,
		       ARM_APICID_MAX);
	return -1;
}

int arm_boot_apicid(const char *proc, unsigned long *apicid, char *why, size_t len)
{
	char path[4096], line[256];
	int in_zero = 0, at_start = 1, rc = -1;
	const char *v, *found = NULL;
	unsigned long cpu;
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/cpuinfo", proc);
	if (!(f = fopen(path, "re"))) {
		(void)snprintf(why, len, "open %s: %s", path, strerror(errno));
		return -1;
	}
	while (!found && fgets(line, sizeof(line), f)) {
		int start = at_start;

		at_start = strchr(line, '\n') != NULL;
		if (!start) /* the rest of a line longer than line (flags) */
			continue;
		if ((v = cpuinfo_value(line, "processor")))
			in_zero = line_number(v, ~0UL, &cpu) == 0 && cpu == 0;
		else if (in_zero)
			found = cpuinfo_value(line, "apicid");
	}
	if (ferror(f))
		(void)snprintf(why, len, "read %s: %s", path, strerror(errno));
	else if (!found)
		(void)snprintf(why, len, "%s has no apicid line for processor 0", path);
	else
		rc = take_apicid(path, found, at_start || feof(f), apicid, why, len);
	(void)fclose(f); /* read-only */
	return rc;
}

void arm_threads_cpus(enum arm_arch arch, const char *proc, unsigned threads, struct arm_cpus *c)
{
	char why[sizeof(c->warning) / 2];
	unsigned long apicid;

	c->threads = threads;
	c->apicid = -1;
	c->warning[0] = '\0';
	/* Only arm64 is known to start CPUs without INIT: any other (x86_64,
	 * or an architecture not known) needs the boot CPU's APIC ID. */
	if (arch == ARM_ARCH_ARM64 || threads <= 1)
		return;
	if (arm_boot_apicid(proc, &apicid, why, sizeof(why)) == 0) {
		c->apicid = (long)apicid;
		return;
	}
	c->threads = 1;
	(void)snprintf(c->warning, sizeof(c->warning),
		       "THREADS: %u threads cut to one (nr_cpus=1): the boot CPU's APIC ID for "
		       "disable_cpu_apicid= is not known (%s), and without it " INIT_HAZARD,
		       threads, why);
}
