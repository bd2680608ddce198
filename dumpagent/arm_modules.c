/* arm_modules.c: which kernel has the chain's drivers: the small kernel's built-in list, the distro kernel's modules in load order (normal-boot side, arming). */
#include "arm_modules.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define SOFTDEP_DEPTH 4 /* a softdep's softdeps, at most this deep */
#define ALIAS_TARGETS 8 /* modules of one alias taken at most */

/* The module name of a path or name: its basename up to ".ko", '-' as '_'. */
static void name_of(const char *p, size_t n, char *out, size_t len)
{
	const char *base = p, *end = p + n, *ko;

	for (const char *q = p; q < end; q++)
		if (*q == '/')
			base = q + 1;
	ko = base;
	while (ko + 3 <= end && strncmp(ko, ".ko", 3) != 0)
		ko++;
	arm_modname(base, (size_t)((ko + 3 <= end ? ko : end) - base), out, len);
}

/* Calls each(ctx, line) for every line of path until it returns nonzero:
 * its value, 0 at the end, -errno when unreadable, -E2BIG for a line longer
 * than ARM_MODLINE_MAX (it would be read as two). */
static int each_line(const char *path, int (*each)(void *ctx, char *line), void *ctx)
{
	static char line[ARM_MODLINE_MAX];
	FILE *f = fopen(path, "re");
	int r = 0;

	if (!f)
		return -errno;
	while (r == 0 && fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);

		if (n == sizeof(line) - 1 && line[n - 1] != '\n')
			r = -E2BIG;
		else
			r = each(ctx, line);
	}
	(void)fclose(f); /* read-only */
	return r;
}

static int builtin_line(void *ctx, char *line)
{
	char name[ARM_MODNAME_MAX];

	name_of(line, strcspn(line, "\r\n"), name, sizeof(name));
	return strcmp(name, (const char *)ctx) == 0;
}

int arm_builtin_has(const char *path, const char *name)
{
	char want[ARM_MODNAME_MAX];

	arm_modname(name, strlen(name), want, sizeof(want));
	return each_line(path, builtin_line, want);
}

int arm_builtin_missing(const char *builtin, const struct arm_chain *c, char *missing, size_t len, char *why,
			size_t wlen)
{
	size_t used = 0;
	int count = 0;

	missing[0] = '\0';
	for (unsigned i = 0; i < c->n; i++) {
		int r = arm_builtin_has(builtin, c->module[i]);

		if (r < 0) {
			(void)snprintf(why, wlen, "read %s: %s", builtin, strerror(-r));
			return -1;
		}
		if (r == 1)
			continue;
		count++;
		if (used + strlen(c->module[i]) + 2 < len)
			used += (size_t)snprintf(missing + used, len - used, "%s%s", used ? " " : "", c->module[i]);
	}
	return count;
}

/* One search of a modules.* file: the line for name, copied to out. */
struct find {
	const char *name, *prefix; /* prefix: the word a line starts with ("alias", "softdep"), or NULL */
	char *out;
	size_t len;
};

/* modules.dep: "kernel/fs/ext4/ext4.ko.xz: kernel/fs/jbd2/jbd2.ko.xz ..."; with
 * a prefix, "PREFIX NAME ..." (modules.alias, modules.softdep). */
static int find_line(void *ctx, char *line)
{
	struct find *f = ctx;
	char name[ARM_MODNAME_MAX];
	size_t plen = f->prefix ? strlen(f->prefix) : 0, n;

	if (f->prefix) {
		if (strncmp(line, f->prefix, plen) != 0 || line[plen] != ' ')
			return 0;
		n = strcspn(line + plen + 1, " \t\r\n");
		arm_modname(line + plen + 1, n, name, sizeof(name));
	} else {
		name_of(line, strcspn(line, ":"), name, sizeof(name));
	}
	if (strcmp(name, f->name) != 0)
		return 0;
	(void)snprintf(f->out, f->len, "%s", line);
	f->out[strcspn(f->out, "\r\n")] = '\0';
	return 1;
}

/* Resolution in progress: where, into what, and the first error. */
struct resolve {
	const char *moddir;
	struct arm_modset *s;
	char *why;
	size_t len;
};

/* The line of moddir/file for name into out: 1, 0 when none, -1 with why. */
static int lookup(struct resolve *r, const char *file, const char *prefix, const char *name, char *out,
		  size_t len)
{
	char path[1024];
	struct find f = { name, prefix, out, len };
	int rc;

	(void)snprintf(path, sizeof(path), "%s/%s", r->moddir, file);
	rc = each_line(path, find_line, &f);
	if (rc == -ENOENT && prefix)
		return 0; /* no aliases or softdeps: none needed */
	if (rc < 0) {
		(void)snprintf(r->why, r->len, "read %s: %s", path,
			       rc == -E2BIG ? "a line is longer than the agent reads" : strerror(-rc));
		return -1;
	}
	return rc;
}

/* Adds the module at path rel (under moddir) once; -1 with why when full. */
static int append(struct resolve *r, const char *rel, size_t n)
{
	struct arm_modset *s = r->s;
	char name[ARM_MODNAME_MAX];

	name_of(rel, n, name, sizeof(name));
	for (unsigned i = 0; i < s->n; i++)
		if (strcmp(s->name[i], name) == 0)
			return 0;
	if (s->n >= ARM_MODS_MAX) {
		(void)snprintf(r->why, r->len, "the target needs more than %d modules of %s", ARM_MODS_MAX,
			       r->moddir);
		return -1;
	}
	(void)snprintf(s->name[s->n], ARM_MODNAME_MAX, "%s", name);
	(void)snprintf(s->path[s->n], ARM_MODPATH_MAX, "%s%s%.*s", rel[0] == '/' ? "" : r->moddir,
		       rel[0] == '/' ? "" : "/", (int)n, rel);
	s->n++;
	return 0;
}

static int add_module(struct resolve *r, const char *name, int depth, int soft);

/* The "pre:" softdeps of name ("softdep ext4 pre: crc32c post: ..."), each
 * added before it when it exists. 0, or -1 with why. */
static int add_softdeps(struct resolve *r, const char *name, int depth)
{
	char line[2048], *p, *save = NULL;
	int pre = 0, rc = depth < SOFTDEP_DEPTH ? lookup(r, "modules.softdep", "softdep", name, line, sizeof(line)) : 0;

	if (rc <= 0)
		return rc;
	for (p = strtok_r(line, " \t", &save); p; p = strtok_r(NULL, " \t", &save)) {
		if (strcmp(p, "pre:") == 0 || strcmp(p, "post:") == 0)
			pre = p[1] == 'r';
		else if (pre && add_module(r, p, depth + 1, 1) < 0)
			return -1;
	}
	return 0;
}

/* Every module of an alias ("alias crypto-crc32c crc32c_intel" and
 * "... crc32c_generic"): modprobe tries them all, and one may not load on
 * this CPU, so the initramfs carries each (its /init goes on past a failure). */
struct aliases {
	const char *name;
	unsigned n;
	char target[ALIAS_TARGETS][ARM_MODNAME_MAX];
};

static int alias_line(void *ctx, char *line)
{
	struct aliases *a = ctx;
	char name[ARM_MODNAME_MAX];
	const char *last;
	size_t n;

	if (strncmp(line, "alias ", 6) != 0 || a->n >= ALIAS_TARGETS)
		return 0;
	n = strcspn(line + 6, " \t\r\n");
	arm_modname(line + 6, n, name, sizeof(name));
	line[strcspn(line, "\r\n")] = '\0';
	last = strrchr(line, ' ') + 1; /* "alias NAME MODULE" */
	if (strcmp(name, a->name) == 0)
		arm_modname(last, strlen(last), a->target[a->n++], ARM_MODNAME_MAX);
	return 0;
}

/* A softdep names a module or an alias: the modules of the alias, added
 * when it is one. 0, or -1 with why. */
static int add_alias(struct resolve *r, const char *name, int depth)
{
	char path[1024];
	struct aliases a = { name, 0, { { 0 } } };
	int rc;

	if (depth >= SOFTDEP_DEPTH)
		return 0;
	(void)snprintf(path, sizeof(path), "%s/modules.alias", r->moddir);
	rc = each_line(path, alias_line, &a);
	if (rc < 0 && rc != -ENOENT) {
		(void)snprintf(r->why, r->len, "read %s: %s", path,
			       rc == -E2BIG ? "a line is longer than the agent reads" : strerror(-rc));
		return -1;
	}
	for (unsigned i = 0; i < a.n; i++)
		if (strcmp(a.target[i], name) != 0 && add_module(r, a.target[i], depth + 1, 1) < 0)
			return -1;
	return 0;
}

/* The "pre:" softdeps of name's dependencies, each added before them: xfs
 * needs libcrc32c, whose init fails ("Unknown symbol") unless a crc32c
 * module ("softdep libcrc32c pre: crc32c") was loaded first. The names are
 * copied out of the line first: add_softdeps recurses into add_module, which
 * reuses the static lines. More than ARM_MODS_MAX dependencies are not
 * copied: append refuses them anyway. 0, or -1 with why. */
static int dep_softdeps(struct resolve *r, const char *name, int depth)
{
	static char line[ARM_MODLINE_MAX];
	char deps[ARM_MODS_MAX][ARM_MODNAME_MAX], *colon, *p, *save = NULL;
	unsigned n = 0;
	int rc = lookup(r, "modules.dep", NULL, name, line, sizeof(line));

	if (rc <= 0 || (colon = strchr(line, ':')) == NULL)
		return rc < 0 ? -1 : 0;
	for (p = strtok_r(colon + 1, " \t\r\n", &save); p && n < ARM_MODS_MAX;
	     p = strtok_r(NULL, " \t\r\n", &save))
		name_of(p, strlen(p), deps[n++], ARM_MODNAME_MAX);
	for (unsigned i = 0; i < n; i++)
		if (add_softdeps(r, deps[i], depth) < 0)
			return -1;
	return 0;
}

/* Adds name: its softdeps and its dependencies' (dep_softdeps), its
 * dependencies (modules.dep lists them all, the first loaded last), then
 * itself. Not in modules.dep: built in, or
 * (a softdep) perhaps an alias. 0, or -1 with why. */
static int add_module(struct resolve *r, const char *raw, int depth, int soft)
{
	static char dep[ARM_MODLINE_MAX]; /* used only after the recursion below */
	char *colon, *end, name[ARM_MODNAME_MAX];
	int rc;

	arm_modname(raw, strlen(raw), name, sizeof(name)); /* "crypto-crc32c" is "crypto_crc32c" */
	for (unsigned i = 0; i < r->s->n; i++)
		if (strcmp(r->s->name[i], name) == 0)
			return 0;
	if (add_softdeps(r, name, depth) < 0 || dep_softdeps(r, name, depth) < 0)
		return -1;
	rc = lookup(r, "modules.dep", NULL, name, dep, sizeof(dep));
	if (rc <= 0)
		return rc < 0 ? -1 : soft ? add_alias(r, name, depth) : 0;
	colon = strchr(dep, ':');
	for (end = dep + strlen(dep); end > colon + 1;) {
		char *start = end;

		while (start > colon + 1 && start[-1] != ' ')
			start--;
		if (end > start && append(r, start, (size_t)(end - start)) < 0)
			return -1;
		end = start > colon + 1 ? start - 1 : start;
	}
	return append(r, dep, (size_t)(colon - dep));
}

int arm_modules_resolve(const char *moddir, const struct arm_chain *c, struct arm_modset *s, char *why,
			size_t len)
{
	struct resolve r = { moddir, s, why, len };
	char builtin[1024];

	memset(s, 0, sizeof(*s));
	(void)snprintf(builtin, sizeof(builtin), "%s/modules.builtin", moddir);
	for (unsigned i = 0; i < c->n; i++) {
		int b = arm_builtin_has(builtin, c->module[i]);

		if (b < 0 && b != -ENOENT) {
			(void)snprintf(why, len, "read %s: %s", builtin, strerror(-b));
			return -1;
		}
		if (b != 1 && add_module(&r, c->module[i], 0, 0) < 0)
			return -1;
	}
	return 0;
}
