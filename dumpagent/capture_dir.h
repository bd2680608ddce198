/* capture_dir.h: writer side: the crash directory, made and written only through directory fds. */
#ifndef DUMPAGENT_CAPTURE_DIR_H
#define DUMPAGENT_CAPTURE_DIR_H

#include <time.h>

#include "dump_format.h"

/* Opens (creating 0700 when missing) each component of path below rootfd,
 * never following a symbolic link. Returns a directory fd or -errno; on error
 * *failed_at names the component. */
int capture_dir_open(int rootfd, const char *path, char *failed_at, size_t len);
/* When others can list crashfd (apport makes /var/crash 3777), returns a
 * root-only subdirectory NAME of it instead, created 0700; something else
 * already there under NAME (another user's directory, a link, a file) is
 * renamed aside first. Returns a directory fd (crashfd's ownership is not
 * taken) or -errno; *moved is set when something was renamed aside. */
int capture_dir_private(int crashfd, const char *name, int *moved);

/* How many unguessable names (and races) capture_dir_private_open tries. */
#define CAPTURE_DIR_ASIDE_TRIES 16

struct capture_dir_private_info {
	int moved;          /* something was renamed aside, as aside */
	char aside[96];     /* NAME.untrusted.<16 random hex digits> */
	const char *failed; /* on error: the action that failed, e.g. "rename aside" */
};

/* capture_dir_private, telling what was renamed aside and, on error, which
 * action failed. The aside name is unguessable (getrandom) and retried when
 * taken, so no name that others can create decides whether this succeeds. */
int capture_dir_private_open(int crashfd, const char *name, struct capture_dir_private_info *pi);
/* Creates a new 0700 directory named YYYYMMDDHHMM (UTC) for t, or with a -N
 * suffix when that exists. Returns its fd or -errno; name receives its name.
 * -EINVAL when t names no such 12-digit minute (years 1000 to 9999). */
int capture_dir_new_dump_dir(int crashfd, time_t t, char name[DUMP_ID_MAX]);
/* Makes the finished temporary file tmp durable as final: 0600, fsynced,
 * renamed without replacing anything, directory fsynced. 0 or -errno. */
int capture_dir_publish(int dirfd, const char *tmp, const char *final);
/* capture_dir_publish, setting *renamed once final exists (whole and fsynced):
 * an error with *renamed set is the directory's fsync, not a missing file. */
int capture_dir_publish_at(int dirfd, const char *tmp, const char *final, int *renamed);

#endif
