/* arm_chain.c: the target's driver chain on the running system, from sysfs, and the targets no mode reaches (normal-boot side, arming). */
#include "arm_chain.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define CHAIN_DEPTH 32 /* directories walked up from the disk at most */

void arm_modname(const char *name, size_t n, char *out, size_t len)
{
	size_t i;

	for (i = 0; i < n && name[i] && i + 1 < len; i++)
		out[i] = name[i] == '-' ? '_' : name[i];
	out[i] = '\0';
}

const char *arm_chain_network(const char *fstype)
{
	static const char *const net[] = { "nfs", "nfs4", "cifs", "smb3", "ceph", "9p", NULL };

	for (int i = 0; net[i]; i++)
		if (strcmp(fstype, net[i]) == 0)
			return "a network filesystem";
	return strncmp(fstype, "fuse", 4) == 0 ? "a FUSE filesystem" : NULL;
}

/* 1 when dir/name exists. */
static int has(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	return (size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) < sizeof(path) && lstat(path, &st) == 0;
}

/* The module of the driver bound to the device at dir, into out: the basename
 * of driver/module, else of the driver (a built-in one has no module link).
 * 0, or -1 when no driver is bound there. */
static int driver_module(const char *dir, char *out, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	if ((size_t)snprintf(path, sizeof(path), "%s/driver/module", dir) >= sizeof(path))
		return -1;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0) {
		path[strlen(path) - strlen("/module")] = '\0';
		n = readlink(path, target, sizeof(target) - 1);
	}
	if (n <= 0)
		return -1;
	target[n] = '\0';
	base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	arm_modname(base, strlen(base), out, len);
	return 0;
}

/* Adds name to the chain once; -1 when the chain is full. */
static int add(struct arm_chain *c, const char *name)
{
	for (unsigned i = 0; i < c->n; i++)
		if (strcmp(c->module[i], name) == 0)
			return 0;
	if (c->n >= ARM_CHAIN_MAX)
		return -1;
	(void)snprintf(c->module[c->n++], ARM_MODNAME_MAX, "%s", name);
	return 0;
}

/* Refuses a disk that no capture kernel reaches: -2 with why, else 0. */
static int refuse_virtual(const char *disk, const char *name, char *why, size_t len)
{
	static const struct {
		const char *mark, *what;
	} v[] = {
		{ "dm", "a device-mapper device that is no LVM logical volume (only LVs are supported)" },
		{ "md", "an md RAID device (under another layer: only a filesystem on an md array is supported)" },
		{ "loop", "a loop device, whose backing file the capture kernel cannot reach" },
	};

	const char *base = strrchr(disk, '/') + 1, *what = NULL;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]) && !what; i++)
		if (has(disk, v[i].mark))
			what = v[i].what;
	/* Under devices/virtual there is no hardware: zram, brd, nbd, and a loop
	 * device that has no dm, md or loop directory (unbound, or older kernels). */
	if (!what && strstr(disk, "/devices/virtual/"))
		what = strncmp(base, "loop", 4) == 0 ? v[2].what
						     : "a virtual block device, with no hardware the capture kernel can reach";
	if (!what)
		return 0;
	(void)snprintf(why, len, "the target %s is %s; set TARGET to a filesystem on a plain disk partition", name,
		       what);
	return -2;
}

/* The filesystem's module: ext2 and ext3 are mounted by ext4. */
static const char *fs_module(const char *fstype)
{
	if (strcmp(fstype, "ext2") == 0 || strcmp(fstype, "ext3") == 0)
		return "ext4";
	return fstype;
}

/* Drivers on the path that the device does not need: a PCIe port's driver
 * (a bool option, never a module) only adds port services (AER, PME,
 * hotplug); the devices behind the port are reached without it. */
static int not_needed(const char *module)
{
	return strcmp(module, "pcieportdrv") == 0 || strcmp(module, "pcieport") == 0;
}

/* Walks from the disk's directory up to sysfs/devices, adding each bound
 * driver's module to c, from the bus down. 0, or -1 with why. */
static int walk_up(const char *devices, char *dir, struct arm_chain *c, char *why, size_t len)
{
	char found[CHAIN_DEPTH][ARM_MODNAME_MAX];
	size_t root = strlen(devices);
	int n = 0;

	for (int depth = 0; depth < CHAIN_DEPTH; depth++) {
		char *slash;

		if (strncmp(dir, devices, root) != 0 || dir[root] != '/')
			break; /* above sysfs/devices: the chain is complete */
		if (driver_module(dir, found[n], sizeof(found[n])) == 0 && !not_needed(found[n]))
			n++;
		slash = strrchr(dir, '/');
		*slash = '\0';
	}
	while (n-- > 0) {
		if (add(c, found[n]) < 0) {
			(void)snprintf(why, len, "the driver chain of %s has more than %d modules", c->device,
				       ARM_CHAIN_MAX);
			return -1;
		}
	}
	return 0;
}

/* The kind of a dm device from its dm/uuid (set by whoever made it): "LVM-"
 * and the VG's and LV's ids is an LV; "-real", "-cow", "-pool" and other
 * suffixes are the insides of snapshots and pools, no LV to write to. */
static const char *dm_kind(const char *dir, char *uuid, size_t len)
{
	char path[PATH_MAX];
	FILE *f;
	size_t n = 0;

	f = (size_t)snprintf(path, sizeof(path), "%s/dm/uuid", dir) < sizeof(path) ? fopen(path, "re") : NULL;
	if (f) {
		n = fread(uuid, 1, len - 1, f);
		(void)fclose(f); /* read-only */
	}
	uuid[n] = '\0';
	uuid[strcspn(uuid, "\n")] = '\0';
	if (strncmp(uuid, "LVM-", 4) == 0 && strlen(uuid) == 4 + 64)
		return NULL;
	if (strncmp(uuid, "CRYPT-LUKS1-", 12) == 0 || strncmp(uuid, "CRYPT-LUKS2-", 12) == 0)
		return NULL; /* its enrollment is arm_luks.c's */
	if (strncmp(uuid, "CRYPT-", 6) == 0)
		return "a dm-crypt device that is not LUKS (plain, TrueCrypt, BitLocker): only LUKS targets are supported";
	if (strncmp(uuid, "LVM-", 4) == 0)
		return "a part of an LVM snapshot, thin pool or cache, not a plain logical volume";
	return "a device-mapper device that is no LVM logical volume (only LVs are supported)";
}

static int chain_dm(const char *devices, const char *real, int nest, struct arm_chain *c, char *why, size_t len);

/* 1 when the slave dir is the other half of encrypted LVM under a dm device
 * of dm/uuid above: a LUKS device under an LV (LVM on LUKS, as Debian's
 * installer makes it), or an LV under a LUKS device (LUKS on LVM). One
 * such layer only: above is NULL below it, and two of a kind never nest. */
static int other_half(const char *above, const char *slave)
{
	char uuid[160];

	if (!above || !has(slave, "dm") || dm_kind(slave, uuid, sizeof(uuid)))
		return 0;
	return strncmp(above, "LVM-", 4) == 0 ? strncmp(uuid, "CRYPT-", 6) == 0 : strncmp(uuid, "LVM-", 4) == 0;
}

/* The driver chains of a stacked device's slaves (an LV's PVs, an md
 * array's members: unit), each a partition or a disk, and none virtual
 * except the other half of encrypted LVM (other_half, under the dm device
 * of dm/uuid above, else NULL); then the modules of the layer itself. 0,
 * or -1/-2 with why. */
static int chain_slaves(const char *devices, const char *real, const char *above, const char *unit,
			const char *const *layer, struct arm_chain *c, char *why, size_t len)
{
	char path[PATH_MAX], slave[PATH_MAX];
	struct dirent *de;
	DIR *dir;
	int r = 0, n = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s/slaves", real) >= sizeof(path) || !(dir = opendir(path))) {
		(void)snprintf(why, len, "cannot find the %ss of %s: open %s: %s", unit, c->device, path, strerror(errno));
		return -1;
	}
	while (r == 0 && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/slaves/%s", real, de->d_name) >= sizeof(path) ||
		    !realpath(path, slave)) {
			(void)snprintf(why, len, "cannot find the %s %s of %s: %s", unit, de->d_name, c->device,
				       strerror(errno));
			r = -1;
			break;
		}
		if (has(slave, "partition"))
			*strrchr(slave, '/') = '\0';
		n++;
		if (other_half(above, slave))
			r = chain_dm(devices, slave, 0, c, why, len);
		else if ((r = refuse_virtual(slave, de->d_name, why, len)) == 0)
			r = walk_up(devices, slave, c, why, len);
	}
	(void)closedir(dir);
	if (r == 0 && n == 0) {
		(void)snprintf(why, len, "%s has no %ss in %s/slaves", c->device, unit, real);
		r = -1;
	}
	for (; r == 0 && *layer; layer++)
		if (add(c, *layer) < 0) {
			(void)snprintf(why, len, "the driver chain of %s has more than %d modules", c->device,
				       ARM_CHAIN_MAX);
			r = -1;
		}
	return r;
}

/* A target on an LV: each PV's driver chain, then dm_mod (dm-linear and
 * dm-stripe are in it); on LUKS: its device's chain, then dm-crypt's. Whether
 * an LV's table holds only linear and striped segments is arm_lvm.c's. nest:
 * 1 for the target's own dm device, which may sit on the other half of
 * encrypted LVM (a dm device of the other kind), 0 for that half. */
static int chain_dm(const char *devices, const char *real, int nest, struct arm_chain *c, char *why, size_t len)
{
	static const char *const lv[] = { "dm_mod", NULL };
	/* dm-crypt over LUKS: Debian's default cipher, aes-xts-plain64, is the
	 * xts template over ecb(aes) (aes_generic is built into Debian's kernel;
	 * aesni_intel is faster, not needed). Other ciphers are not mapped. */
	static const char *const luks[] = { "dm_mod", "dm_crypt", "ecb", "xts", NULL };
	char uuid[160];
	const char *kind = dm_kind(real, uuid, sizeof(uuid));

	if (kind) {
		(void)snprintf(why, len, "the target %s is %s; set TARGET to a filesystem on a plain disk partition "
			       "or an LVM logical volume", c->device, kind);
		return -2;
	}
	if (strncmp(uuid, "CRYPT-", 6) == 0)
		return chain_slaves(devices, real, nest ? uuid : NULL, "LUKS device", luks, c, why, len);
	return chain_slaves(devices, real, nest ? uuid : NULL, "PV", lv, c, why, len);
}

/* A target on an md RAID1 array (not a partition of one): each member's
 * driver chain, then md_mod and raid1 (modules.dep has raid1 need md_mod).
 * Whether the members' superblocks agree is arm_md.c's. */
static int chain_md(const char *devices, const char *real, struct arm_chain *c, char *why, size_t len)
{
	static const char *const layer[] = { "md_mod", "raid1", NULL };
	char path[PATH_MAX], level[32] = "";
	FILE *f;

	if (strcmp(c->device, strrchr(real, '/') + 1) != 0) {
		(void)snprintf(why, len, "the target %s is a partition of the md array %s (only whole arrays are "
			       "assembled); set TARGET to a filesystem on a plain disk partition or an md RAID1 array",
			       c->device, strrchr(real, '/') + 1);
		return -2;
	}
	f = (size_t)snprintf(path, sizeof(path), "%s/md/level", real) < sizeof(path) ? fopen(path, "re") : NULL;
	if (f) {
		if (!fgets(level, sizeof(level), f))
			level[0] = '\0';
		(void)fclose(f); /* read-only */
	}
	level[strcspn(level, "\n")] = '\0';
	if (strcmp(level, "raid1") != 0) {
		(void)snprintf(why, len, "the target %s is an md %s array: only md RAID1 arrays are assembled in the "
			       "capture; set TARGET to a filesystem on a plain disk partition or an md RAID1 array",
			       c->device, *level ? level : "(unknown level)");
		return -2;
	}
	return chain_slaves(devices, real, NULL, "member", layer, c, why, len);
}

int arm_chain(const char *sysfs, dev_t dev, const char *fstype, struct arm_chain *c, char *why, size_t len)
{
	char path[PATH_MAX], real[PATH_MAX], devices[PATH_MAX], tree[PATH_MAX];
	const char *net = arm_chain_network(fstype), *base;
	int r;

	memset(c, 0, sizeof(*c));
	(void)snprintf(path, sizeof(path), "%s/dev/block/%u:%u", sysfs, major(dev), minor(dev));
	if (net) {
		(void)snprintf(why, len, "the target %u:%u is %s (%s), which the capture kernel cannot "
				 "reach; set TARGET to a filesystem on a local disk", major(dev), minor(dev),
			       net, fstype);
		return -2;
	}
	(void)snprintf(tree, sizeof(tree), "%s/devices", sysfs);
	if (!realpath(path, real) || !realpath(tree, devices)) {
		(void)snprintf(why, len, "cannot find the driver chain of the target: resolve %s: %s", path,
			       strerror(errno));
		return -1;
	}
	base = strrchr(real, '/') + 1;
	(void)snprintf(c->device, sizeof(c->device), "%s", base);
	if (has(real, "partition"))
		*strrchr(real, '/') = '\0'; /* the partition's disk */
	if (has(real, "dm") || has(real, "md")) {
		if ((r = has(real, "dm") ? chain_dm(devices, real, 1, c, why, len)
					 : chain_md(devices, real, c, why, len)) < 0)
			return r;
	} else if ((r = refuse_virtual(real, c->device, why, len)) < 0) {
		return r;
	} else if (walk_up(devices, real, c, why, len) < 0) {
		return -1;
	}
	if (add(c, fs_module(fstype)) < 0) {
		(void)snprintf(why, len, "the driver chain of %s has more than %d modules", c->device,
			       ARM_CHAIN_MAX);
		return -1;
	}
	return 0;
}
