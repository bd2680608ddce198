/* luks_key.h: where an enrolled LUKS device's keyfile and keyslot are kept (normal-boot side: enrollment and arming). */
#ifndef DUMPAGENT_LUKS_KEY_H
#define DUMPAGENT_LUKS_KEY_H

#include <stddef.h>

#define LUKS_KEY_DIR "/etc/dumpagent/luks" /* root-only, on the encrypted root */
#define LUKS_KEY_BYTES 64                  /* random bytes of a keyfile */
#define LUKS_SLOT_MAX 31                   /* LUKS2 has 32 keyslots, LUKS1 8 */
#define LUKS_PATH_MAX 256

/* The key directory: $DUMPAGENT_LUKS_DIR (a test hook), else LUKS_KEY_DIR. */
const char *luks_key_dir(void);
/* dir/UUID.key and dir/UUID.slot into out: 0, or -1 when they do not fit. */
int luks_key_paths(const char *uuid, char key[LUKS_PATH_MAX], char slot[LUKS_PATH_MAX]);

/* The enrollment of the LUKS device with UUID: 0 with *slot and key (its
 * keyfile's path); -ENOENT when it is not enrolled (no keyfile); -1 with why
 * when the directory or the files are not root's alone (group or other
 * bits, another owner, a link), or the slot record is not a slot number. */
int luks_key_find(const char *uuid, int *slot, char key[LUKS_PATH_MAX], char *why, size_t len);

/* "Key slot N unlocked." or "Key slot N created." (cryptsetup -v): N, else -1. */
int luks_key_slot_line(const char *line);

#endif
