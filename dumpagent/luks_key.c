/* luks_key.c: where an enrolled LUKS device's keyfile and keyslot are kept (normal-boot side: enrollment and arming).
 *
 * The keyfile opens the dedicated keyslot that luks-enroll added; whoever
 * reads it can decrypt the disk. So it is trusted only where only root could
 * have put it and only root can read it: the directory 0700, the files 0600,
 * all root's (the effective uid), no links. It is kept on the encrypted
 * root filesystem, where it is no more exposed than the data it opens; the
 * loader copies it only to tmpfs (/run) for the capture initramfs. */
#include "luks_key.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"

const char *luks_key_dir(void)
{
	const char *d = getenv("DUMPAGENT_LUKS_DIR");

	return d && *d ? d : LUKS_KEY_DIR;
}

int luks_key_paths(const char *uuid, char key[LUKS_PATH_MAX], char slot[LUKS_PATH_MAX])
{
	const char *dir = luks_key_dir();

	if ((size_t)snprintf(key, LUKS_PATH_MAX, "%s/%s.key", dir, uuid) >= LUKS_PATH_MAX ||
	    (size_t)snprintf(slot, LUKS_PATH_MAX, "%s/%s.slot", dir, uuid) >= LUKS_PATH_MAX)
		return -1;
	return 0;
}

/* path is root's alone: 0, or -1 with why. */
static int private(const char *path, int dir, char *why, size_t len)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		(void)snprintf(why, len, "stat %s: %s", path, strerror(errno));
		return errno == ENOENT ? -ENOENT : -1;
	}
	if ((dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) || st.st_uid != geteuid() || (st.st_mode & 077)) {
		(void)snprintf(why, len, "%s is not a %s of root's alone (mode %04o, owner %u): a key to the disk "
			       "must be readable by root only; chmod %s %s, or unenroll and enroll again", path,
			       dir ? "directory" : "file", (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
			       dir ? "0700" : "0600", path);
		return -1;
	}
	return 0;
}

int luks_key_find(const char *uuid, int *slot, char key[LUKS_PATH_MAX], char *why, size_t len)
{
	char slotpath[LUKS_PATH_MAX], text[16], *end;
	long n;
	int r;

	if (luks_key_paths(uuid, key, slotpath) < 0) {
		(void)snprintf(why, len, "the key directory %s: path too long", luks_key_dir());
		return -1;
	}
	if ((r = private(luks_key_dir(), 1, why, len)) < 0 || (r = private(key, 0, why, len)) < 0)
		return r;
	if ((r = private(slotpath, 0, why, len)) < 0)
		return r == -ENOENT ? -1 : r; /* a key without its slot: half enrolled */
	if (read_small(slotpath, text, sizeof(text)) < 0 || (n = strtol(text, &end, 10), end == text) ||
	    (*end != '\n' && *end != '\0') || n < 0 || n > LUKS_SLOT_MAX) {
		(void)snprintf(why, len, "%s holds no keyslot number (0-%d); unenroll and enroll again", slotpath,
			       LUKS_SLOT_MAX);
		return -1;
	}
	*slot = (int)n;
	return 0;
}

int luks_key_slot_line(const char *line)
{
	int n, used = 0;
	char what[16];

	if (sscanf(line, "Key slot %d %15[a-z].%n", &n, what, &used) != 2 || used == 0 || line[used] != '\0' ||
	    (strcmp(what, "unlocked") != 0 && strcmp(what, "created") != 0) || n < 0 || n > LUKS_SLOT_MAX)
		return -1;
	return n;
}
