/* rename_noreplace.h: renameat2(RENAME_NOREPLACE) under any C library. */
#ifndef DUMPAGENT_RENAME_NOREPLACE_H
#define DUMPAGENT_RENAME_NOREPLACE_H

/* Renames olddirfd/old to newdirfd/new, failing with EEXIST instead of
 * replacing new: 0, or -1 with errno. */
int rename_noreplace(int olddirfd, const char *old, int newdirfd, const char *new);

#endif
