/* command_luks.c: dumpagent luks-enroll and luks-unenroll: a dedicated cheap keyslot for a random keyfile, added and removed with cryptsetup.
 *
 * After a panic no passphrase can be typed, and the LUKS2 volume key is not
 * in the dm table: cryptsetup hands it to dm-crypt through the kernel
 * keyring. Seen on Debian 12 (6.1.0-50, cryptsetup 2.6.1, in a QEMU guest of
 * test-target-luks: the build host has no device-mapper), dmsetup table
 * --showkeys of an open LUKS2 mapping is "0 595968 crypt aes-xts-plain64
 * :64:logon:cryptsetup:149e86f0-6c20-4e7f-964d-ee1b51396feb-d0 0 8:17 16384"
 * (a 64-byte logon key named after the LUKS UUID and digest 0), and
 * /proc/keys holds no logon key once cryptsetup has exited. So the capture opens the device as anyone else would: with a
 * keyslot. luks-enroll adds one for a random keyfile kept root-only on the
 * encrypted root, with PBKDF2 at 1000 iterations: no Argon2, whose memory
 * cost would not fit in the capture kernel's reservation (the slot's
 * strength is the keyfile's 512 random bits, not the PBKDF). Every header
 * operation is cryptsetup's; the agent never writes a LUKS header. The
 * order keeps a failure harmless: the keyfile is written under a .part
 * name, the slot added with it, the slot's number learnt by opening it, and
 * only then are the slot record and the keyfile renamed into place. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command.h"
#include "exit_codes.h"
#include "io.h"
#include "log.h"
#include "luks_key.h"
#include "runner.h"
#include "superblock.h"

static const char *cryptsetup(void)
{
	const char *c = getenv("DUMPAGENT_CRYPTSETUP"); /* a test hook */

	return c && *c ? c : "/sbin/cryptsetup";
}

static int no_option(void *ctx, int letter, const char *value)
{
	(void)ctx, (void)letter, (void)value;
	return EXIT_OK;
}

/* The LUKS header of dev into id: 0, or the exit status after the error. */
static int luks_id(const char *dev, struct fsid *id)
{
	int fd = open(dev, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0) {
		log_errno(errno, "open %s", dev);
		return EXIT_FAILED;
	}
	r = superblock_read(fd, id);
	(void)close(fd); /* read-only */
	if (r < 0 && r != -ENOENT) {
		log_errno(-r, "read %s", dev);
		return EXIT_FAILED;
	}
	if (r < 0 || strncmp(id->type, "luks", 4) != 0) {
		log_error("%s holds no LUKS header (%s%s); give the encrypted partition itself, the one lsblk -f "
			  "shows as crypto_LUKS", dev, r < 0 ? "no known filesystem" : "it holds ", r < 0 ? "" : id->type);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

/* Parses the command line and checks root: the device in *dev, or the exit status. */
static int start(const char *name, int argc, char **argv, const char **dev, struct fsid *id)
{
	static char real[4096];
	int first, rc;

	log_set_command(name);
	if ((rc = command_parse(command_named(name), argc, argv, no_option, NULL, &first)) != EXIT_OK)
		return rc;
	if (geteuid() != 0) {
		log_error("permission denied: %s changes the keyslots of %s and keeps a key to it; run it as root", name,
			  argv[first]);
		return EXIT_DENIED;
	}
	/* cryptsetup runs in the key directory: the device by its absolute path. */
	if (!realpath(argv[first], real)) {
		log_errno(errno, "resolve %s", argv[first]);
		return EXIT_FAILED;
	}
	*dev = real;
	return luks_id(*dev, id);
}

/* What cryptsetup -v said: the slot of its "Key slot N ..." line, its last line. */
struct said {
	int slot;
	char last[256];
};

static void said_line(void *arg, const char *line)
{
	struct said *s = arg;
	int n = luks_key_slot_line(line);

	if (n >= 0)
		s->slot = n;
	(void)snprintf(s->last, sizeof(s->last), "%s", line);
}

static void said_tick(void *arg)
{
	(void)arg;
}

/* Runs cryptsetup ARGS in the key directory dirfd; with s, its output is
 * read into s, else it keeps the terminal (it asks for a passphrase). Its
 * exit status, or -errno when it could not run. */
static int run_cryptsetup(int dirfd, char *const args[], struct said *s)
{
	struct run_watch w = { said_line, said_tick, s };
	char *argv[12];
	int n = 0, r;

	argv[n++] = (char *)cryptsetup();
	while (args[n - 1] && n < 11) {
		argv[n] = args[n - 1];
		n++;
	}
	argv[n] = NULL;
	if (s)
		*s = (struct said){ .slot = -1 };
	r = run_in_dir(dirfd, argv, NULL, s ? &w : NULL);
	if (r == 127 || r == -ENOENT)
		log_error("cannot run %s: not found; install the Debian package cryptsetup-bin", argv[0]);
	return r;
}

/* Makes the key directory (its parent 0755, itself 0700) and opens it. */
static int key_dir(void)
{
	char parent[LUKS_PATH_MAX], *slash;
	struct stat st;
	int fd;

	(void)snprintf(parent, sizeof(parent), "%s", luks_key_dir());
	if ((slash = strrchr(parent, '/')) && slash != parent) {
		*slash = '\0';
		if (mkdir(parent, 0755) < 0 && errno != EEXIST) {
			log_errno(errno, "mkdir %s", parent);
			return -1;
		}
	}
	if (mkdir(luks_key_dir(), 0700) < 0 && errno != EEXIST) {
		log_errno(errno, "mkdir %s", luks_key_dir());
		return -1;
	}
	if ((fd = open(luks_key_dir(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		log_errno(errno, "open %s", luks_key_dir());
		return -1;
	}
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 077)) {
		log_error("%s is not a directory of root's alone (mode %04o): a key to the disk must be readable by "
			  "root only; chmod 0700 %s", luks_key_dir(), (unsigned)(st.st_mode & 07777), luks_key_dir());
		(void)close(fd);
		return -1;
	}
	return fd;
}

/* Writes name (0600, new) in dirfd: LUKS_KEY_BYTES random bytes, or text. */
static int write_new(int dirfd, const char *name, const char *text)
{
	unsigned char key[LUKS_KEY_BYTES];
	int fd, r;

	(void)unlinkat(dirfd, name, 0); /* a .part a failed run left */
	if ((fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) {
		log_errno(errno, "create %s/%s", luks_key_dir(), name);
		return -1;
	}
	if (!text && getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key))
		r = -errno;
	else
		r = text ? write_all(fd, text, strlen(text)) : write_all(fd, key, sizeof(key));
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	memset(key, 0, sizeof(key));
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0) {
		log_errno(-r, "write %s/%s", luks_key_dir(), name);
		(void)unlinkat(dirfd, name, 0);
	}
	return r;
}

/* The new keyslot's number, learnt by opening it with the keyfile. */
static int learn_slot(int dirfd, const char *dev, const char *keyfile)
{
	char *test[] = { "open", "--test-passphrase", "-v", "--key-file", (char *)keyfile, (char *)dev, NULL };
	struct said s;
	int r = run_cryptsetup(dirfd, test, &s);

	if (r != 0 || s.slot < 0) {
		log_error("cryptsetup open --test-passphrase --key-file %s/%s %s: %s (exit status %d); a keyslot may "
			  "have been added: remove it with cryptsetup luksRemoveKey --key-file %s/%s %s", luks_key_dir(),
			  keyfile, dev, s.last[0] ? s.last : "no keyslot named", r, luks_key_dir(), keyfile, dev);
		return -1;
	}
	return s.slot;
}

static int enroll(int dirfd, const char *dev, const struct fsid *id)
{
	char part[80], keyname[64], slotname[64], num[16];
	char *add[] = { "luksAddKey", "--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000", (char *)dev, part, NULL };
	int r, slot;

	(void)snprintf(keyname, sizeof(keyname), "%s.key", id->uuid);
	(void)snprintf(slotname, sizeof(slotname), "%s.slot", id->uuid);
	(void)snprintf(part, sizeof(part), "%s.part", keyname);
	if (faccessat(dirfd, keyname, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		log_error("%s (%s UUID %s) is enrolled already (%s/%s); to enroll it again, run dumpagent luks-unenroll "
			  "%s first", dev, id->type, id->uuid, luks_key_dir(), keyname, dev);
		return EXIT_FAILED;
	}
	if (write_new(dirfd, part, NULL) < 0)
		return EXIT_SYSTEM;
	if ((r = run_cryptsetup(dirfd, add, NULL)) != 0) {
		(void)unlinkat(dirfd, part, 0);
		log_error("cryptsetup luksAddKey %s failed (exit status %d): no keyslot was added; give a passphrase "
			  "that opens %s (cryptsetup asks for it)", dev, r, dev);
		return EXIT_FAILED;
	}
	if ((slot = learn_slot(dirfd, dev, part)) < 0)
		return EXIT_FAILED;
	(void)snprintf(num, sizeof(num), "%d\n", slot);
	if (write_new(dirfd, slotname, num) < 0 || renameat(dirfd, part, dirfd, keyname) < 0 || fsync(dirfd) < 0) {
		log_errno(errno, "keep the keyfile %s/%s of keyslot %d of %s; remove the slot with cryptsetup "
			  "luksKillSlot %s %d", luks_key_dir(), keyname, slot, dev, dev, slot);
		return EXIT_SYSTEM;
	}
	printf("%s (%s UUID %s): keyslot %d added (pbkdf2, 1000 iterations) for the keyfile %s/%s; "
	       "load-crashkernel arms captures onto it from now on\n", dev, id->type, id->uuid, slot, luks_key_dir(),
	       keyname);
	return EXIT_OK;
}

/* dumpagent luks-enroll DEVICE */
int command_luks_enroll(int argc, char **argv)
{
	const char *dev = NULL;
	struct fsid id;
	int rc = start("luks-enroll", argc, argv, &dev, &id), dirfd;

	if (rc != EXIT_OK)
		return rc;
	if ((dirfd = key_dir()) < 0)
		return EXIT_SYSTEM;
	rc = enroll(dirfd, dev, &id);
	(void)close(dirfd); /* fsynced by enroll when it wrote */
	return rc;
}

/* dumpagent luks-unenroll DEVICE: the slot is removed only once the keyfile
 * is proven to open it (open --test-passphrase --key-slot N), so a slot
 * renumbered by hand is never wiped. luksRemoveKey with the keyfile wipes
 * the slot that the keyfile opens, asking for no passphrase; luksKillSlot N
 * would ask for the passphrase of another slot. */
int command_luks_unenroll(int argc, char **argv)
{
	char key[LUKS_PATH_MAX], slotpath[LUKS_PATH_MAX], why[2 * LUKS_PATH_MAX], num[16];
	char *test[] = { "open", "--test-passphrase", "--key-slot", num, "--key-file", key, NULL, NULL };
	char *kill[] = { "luksRemoveKey", "--key-file", key, NULL, NULL };
	const char *dev = NULL;
	struct fsid id;
	int rc = start("luks-unenroll", argc, argv, &dev, &id), slot, r, dirfd;

	if (rc != EXIT_OK)
		return rc;
	if ((r = luks_key_find(id.uuid, &slot, key, why, sizeof(why))) < 0) {
		if (r == -ENOENT)
			log_error("%s (%s UUID %s) is not enrolled: no %s; nothing to remove", dev, id.type, id.uuid, key);
		else
			log_error("%s", why);
		return EXIT_FAILED;
	}
	(void)snprintf(num, sizeof(num), "%d", slot);
	test[6] = kill[3] = (char *)dev;
	if ((dirfd = open(luks_key_dir(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		log_errno(errno, "open %s", luks_key_dir());
		return EXIT_SYSTEM;
	}
	if ((r = run_cryptsetup(dirfd, test, NULL)) != 0) {
		log_error("the keyfile %s does not open keyslot %d of %s (cryptsetup exit status %d): the slot was "
			  "changed by other means; nothing was removed: look with cryptsetup luksDump %s", key, slot, dev,
			  r, dev);
		rc = EXIT_FAILED;
	} else if ((r = run_cryptsetup(dirfd, kill, NULL)) != 0) {
		log_error("cryptsetup luksRemoveKey --key-file %s %s (keyslot %d) failed (exit status %d); the keyfile "
			  "is kept", key, dev, slot, r);
		rc = EXIT_FAILED;
	} else if (luks_key_paths(id.uuid, key, slotpath) < 0 || unlink(key) < 0 || unlink(slotpath) < 0 ||
		   fsync(dirfd) < 0) {
		log_errno(errno, "keyslot %d of %s is removed, but remove %s and %s", slot, dev, key, slotpath);
		rc = EXIT_SYSTEM;
	}
	(void)close(dirfd); /* fsynced above when files were removed */
	if (rc != EXIT_OK)
		return rc;
	printf("%s (%s UUID %s): keyslot %d removed, and its keyfile %s\n", dev, id.type, id.uuid, slot, key);
	return EXIT_OK;
}
