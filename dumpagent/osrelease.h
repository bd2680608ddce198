/* osrelease.h: apport's DistroRelease from the target's os-release file. */
#ifndef DUMPAGENT_OSRELEASE_H
#define DUMPAGENT_OSRELEASE_H

#include <stddef.h>

/* "Debian 12" from ROOT/etc/os-release or ROOT/usr/lib/os-release, opened
 * without following links; returns 0, or -1 when there is none. */
int distro_release(int rootfd, char *out, size_t outlen);
/* The same from the text of an os-release file. */
int distro_release_parse(const char *text, char *out, size_t outlen);

#endif
