/* capture_luks.c: the target inside an enrolled LUKS device (and an LV under or over it): found by the UUID in its header, opened by cryptsetup with the keyfile and slot, its filesystem's UUID checked.
 *
 * dumpagent.luks=UUID,SLOT names the LUKS device and the keyslot that
 * luks-enroll added (PBKDF2, 1000 iterations: no Argon2, whose memory would
 * not fit the reservation); the loader put the keyfile at the path
 * luks-enroll keeps it (LUKS_KEY_DIR/UUID.key). The device is found as a
 * plain target is, by the UUID its header holds, exactly one of it; a LUKS2
 * header must have its checksum. Debian's cryptsetup (copied into the
 * initramfs with its libraries, like makedumpfile) opens it: --key-slot
 * makes it try that slot alone, so a wrong or missing keyfile fails at once
 * instead of running each other slot's (Argon2) PBKDF. Then the filesystem
 * inside is checked against TARGET before anything is mounted. */
#include "capture_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "log.h"
#include "luks_header.h"
#include "luks_key.h"
#include "runner.h"

#define CRYPT_NAME "dumpagent-crypt"
#define CRYPTSETUP "/sbin/cryptsetup"

static void log_line(void *arg, const char *line)
{
	(void)arg;
	log_info("cryptsetup: %s", line);
}

static void no_tick(void *arg)
{
	(void)arg;
}

/* "UUID,SLOT[,pv|,lv]" into spec (by UUID), *slot and *way ('\0', 'p' or
 * 'l'): 0, or -1 with err. */
static int parse(const char *text, struct target_spec *spec, int *slot, char *way, char *err, size_t errlen)
{
	const char *comma = strchr(text, ',');
	char *end;
	long n;

	memset(spec, 0, sizeof(*spec));
	if (!comma || comma - text != 36 || (n = strtol(comma + 1, &end, 10), end == comma + 1) || n < 0 ||
	    n > LUKS_SLOT_MAX || (*end != '\0' && strcmp(end, ",pv") != 0 && strcmp(end, ",lv") != 0)) {
		(void)snprintf(err, errlen, "dumpagent.luks=%s is not UUID,SLOT[,pv|,lv]", text);
		return -1;
	}
	spec->kind = TARGET_BY_UUID;
	(void)snprintf(spec->value, sizeof(spec->value), "%.36s", text);
	(void)snprintf(spec->fstype, sizeof(spec->fstype), "auto");
	*slot = (int)n;
	*way = *end ? end[1] : '\0';
	return 0;
}

/* The LUKS device d: a LUKS header, and a LUKS2 one with its checksum. */
static int check_header(const struct target_dev *d, char *err, size_t errlen)
{
	int fd, r = 0;

	if (strncmp(d->id.type, "luks", 4) != 0) {
		(void)snprintf(err, errlen, "%s holds UUID %s, but %s, not a LUKS header", d->path, d->id.uuid,
			       d->id.type);
		return -1;
	}
	if (strcmp(d->id.type, "luks2") != 0)
		return 0; /* LUKS1 has no checksum */
	if ((fd = open(d->path, O_RDONLY | O_CLOEXEC)) < 0 || (r = luks2_header_check(fd)) < 0) {
		(void)snprintf(err, errlen, "check the LUKS2 header of %s: %s", d->path,
			       fd < 0 ? strerror(errno) : r == -EBADMSG ? "its checksum does not match (cryptsetup repair "
			       "it on the running system)" : strerror(-r));
		if (fd >= 0)
			(void)close(fd); /* read-only */
		return -1;
	}
	(void)close(fd); /* read-only */
	return 0;
}

/* Opens the mapped device and reads its filesystem's identity into d. */
static int probe_opened(const char *dev_dir, struct target_dev *d, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	memset(d, 0, sizeof(*d));
	(void)snprintf(d->path, sizeof(d->path), "%s/mapper/%s", dev_dir, CRYPT_NAME);
	if ((fd = open(d->path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0 || !S_ISBLK(st.st_mode)) {
		(void)snprintf(err, errlen, "open %s, which cryptsetup made: %s", d->path,
			       fd < 0 ? strerror(errno) : "not a block device");
		if (fd >= 0)
			(void)close(fd); /* read-only */
		return -1;
	}
	d->dev = st.st_rdev;
	(void)snprintf(d->name, sizeof(d->name), "dm-%u", minor(st.st_rdev));
	return target_read_id(fd, d, err, errlen);
}

/* No udev runs in the capture kernel: libdevmapper (in cryptsetup) must make
 * the node itself, never wait for a udev cookie. */
static const char *const no_udev[] = { "DM_DISABLE_UDEV", "1", NULL };

/* Finds the LUKS device of luks by its header's UUID (on the device on when
 * not 0: the LV just mapped), and opens it with the keyfile and slot; 0 with
 * opened (the dm device cryptsetup made, what it holds read), or -1. */
static int luks_open(struct capture *c, const struct target_spec *luks, int slot, dev_t on,
		     struct target_dev *opened, char *err, size_t errlen)
{
	struct target_env env = { c->opts->sys_block, c->opts->dev_dir, c->opts->wait_ms, 1000, NULL };
	char key[LUKS_PATH_MAX], slotpath[LUKS_PATH_MAX], num[16];
	char *argv[] = { CRYPTSETUP, "open", "-v", "--key-file", key, "--key-slot", num, NULL, CRYPT_NAME, NULL };
	struct run_watch w = { log_line, no_tick, NULL };
	struct target_dev d;
	int r, root;

	if (target_find(&env, luks, &d, err, errlen) < 0 || check_header(&d, err, errlen) < 0)
		return -1;
	if (on && d.dev != on) {
		(void)snprintf(err, errlen, "LUKS UUID %s is on %s (%u:%u), not on the LV just mapped (%u:%u)",
			       luks->value, d.path, major(d.dev), minor(d.dev), major(on), minor(on));
		return -1;
	}
	(void)luks_key_paths(luks->value, key, slotpath);
	(void)snprintf(num, sizeof(num), "%d", slot);
	argv[7] = d.path;
	log_info("%s UUID %s on %s: opening keyslot %d with %s", d.id.type, d.id.uuid, d.path, slot, key);
	if ((root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		(void)snprintf(err, errlen, "open /: %s", strerror(errno));
		return -1;
	}
	r = run_in_dir(root, argv, no_udev, &w);
	(void)close(root); /* only the child's working directory */
	if (r != 0) {
		(void)snprintf(err, errlen, "%s open --key-slot %d %s failed (%s %d): the keyfile does not open the "
			       "enrolled slot (enrolled again since the loader armed?)", CRYPTSETUP, slot, d.path,
			       r < 0 ? "error" : "exit status", r < 0 ? -r : r);
		return -1;
	}
	/* From here a refusal leaves the mapping in the capture kernel, which
	 * ends with the reboot; nothing was written to the disk. */
	if (probe_opened(c->opts->dev_dir, opened, err, errlen) < 0)
		return -1;
	log_info("LUKS %s opened as %s (%s%s%s)", d.path, opened->path,
		 opened->id.type[0] ? opened->id.type : "no known filesystem", opened->id.uuid[0] ? " UUID=" : "",
		 opened->id.uuid);
	return 0;
}

/* The order of encrypted LVM is the recorded one (arm_stack.c), never
 * guessed: LVM on LUKS opens LUKS first, so that the PV appears on the
 * opened device, then proves the VG's seqno there and maps the LV; LUKS on
 * LVM maps the LV first and opens the LUKS header found on it. */
int capture_luks_target(struct capture *c, const struct target_spec *spec, char *err, size_t errlen)
{
	struct target_spec luks;
	struct target_dev under;
	int slot;
	char way;

	if (parse(c->luks, &luks, &slot, &way, err, errlen) < 0)
		return -1;
	if (!way != !c->lvm[0]) {
		(void)snprintf(err, errlen, "dumpagent.luks=%s %s dumpagent.lvm=: the loader records both, and the "
			       "way up (,pv or ,lv), or neither", c->luks, way ? "without" : "with");
		return -1;
	}
	if (way == 'l' && capture_lvm_map(c, NULL, &under, err, errlen) < 0)
		return -1;
	if (luks_open(c, &luks, slot, way == 'l' ? under.dev : 0, way == 'p' ? &under : &c->dev, err, errlen) < 0)
		return -1;
	if (way == 'p')
		return capture_lvm_target(c, spec, under.name, err, errlen);
	return target_check(spec, &c->dev, err, errlen);
}
