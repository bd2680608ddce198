/* arm_initrd.h: the configuration inside a capture initramfs, and whether to rebuild it (normal-boot side, arming). */
#ifndef DUMPAGENT_ARM_INITRD_H
#define DUMPAGENT_ARM_INITRD_H

#include <stddef.h>

#define ARM_INITRD_CONFIG "etc/dumpagent.conf" /* where initramfs/build.sh puts it */

/* The sha256 of the regular file named name in the first newc cpio archive
 * of the gzip'ed initramfs at path (as gzip -dc | cpio -i NAME reads it), or
 * "unknown" when the file is unreadable, not gzip, not newc, or has none. */
void arm_embedded_sha(const char *path, const char *name, char out[65]);

enum arm_rebuild {
	ARM_REBUILD_NONE,  /* load base as it is */
	ARM_REBUILD_REUSE, /* state/initramfs.img holds the configuration: load it */
	ARM_REBUILD_BUILD, /* build state/initramfs.img with the configuration */
};

/* Whether the initramfs base holds the configuration of sha256 config_sha:
 * NONE when it does or when it holds none ("unknown": not ours). Else REUSE
 * when state/initramfs.sums records sums (written to sums: the configuration's
 * and base's checksums) and state/initramfs.img holds the configuration,
 * else BUILD. */
enum arm_rebuild arm_rebuild(const char *state, const char *base, const char *config_sha, char *sums,
			     size_t len);

/* The distro initramfs state/initramfs-distro.img is always ours, built for
 * one configuration, kernel release and module list: REUSE while
 * state/initramfs-distro.sums records sums (written to sums: the
 * configuration's sha256, the release and the list's sha256) and the image
 * holds the configuration, else BUILD. */
enum arm_rebuild arm_rebuild_distro(const char *state, const char *config_sha, const char *release,
				    const char *modules, char *sums, size_t len);

#endif
