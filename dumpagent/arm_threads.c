/* arm_threads.c: how many CPUs the capture kernel brings up, for makedumpfile's threads (normal-boot side, arming). */
#include "arm_threads.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arm_reserve.h"

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
