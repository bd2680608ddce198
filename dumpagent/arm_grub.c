/* arm_grub.c: the GRUB settings files, not ours, that set crashkernel= (load-crashkernel --reserve). */
#include "arm_grub.h"

#include <glob.h>
#include <stdio.h>
#include <string.h>

#include "arm_target.h"

/* 1 when a line of path sets crashkernel= outside a comment. */
static int sets_crashkernel(const char *path)
{
	char line[4096];
	int found = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *at = strstr(line, "crashkernel="), *hash = strchr(line, '#');

		found = at && (!hash || at < hash);
	}
	(void)fclose(f); /* read-only */
	return found;
}

static int add(const char *path, char *out, size_t len)
{
	size_t n = strlen(out);

	if (!sets_crashkernel(path))
		return 0;
	(void)snprintf(out + n, len - n, "%s%s", n ? " " : "", path);
	return 1;
}

int arm_grub_others(const char *grub_dir, char *out, size_t len)
{
	char file[ARM_PATH_MAX], pattern[ARM_PATH_MAX], ours[ARM_PATH_MAX];
	size_t n = strlen(grub_dir);
	int count;
	glob_t g;

	out[0] = '\0';
	(void)snprintf(file, sizeof(file), "%.*s", (int)(n >= 2 && strcmp(grub_dir + n - 2, ".d") == 0 ? n - 2 : n),
		       grub_dir);
	count = add(file, out, len);
	(void)snprintf(pattern, sizeof(pattern), "%s/*.cfg", grub_dir);
	(void)snprintf(ours, sizeof(ours), "%s/dumpagent.cfg", grub_dir);
	if (glob(pattern, 0, NULL, &g) != 0)
		return count; /* no match, or no directory */
	for (size_t i = 0; i < g.gl_pathc; i++)
		if (strcmp(g.gl_pathv[i], ours) != 0)
			count += add(g.gl_pathv[i], out, len);
	globfree(&g);
	return count;
}
