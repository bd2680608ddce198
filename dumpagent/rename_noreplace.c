/* rename_noreplace.c: renameat2(RENAME_NOREPLACE) under any C library. */
#include "rename_noreplace.h"

#include <sys/syscall.h>
#include <unistd.h>

/* The agent is linked with musl (Makefile), whose 1.2.3 has no renameat2()
 * wrapper; the system call has been there since Linux 3.15 and both capture
 * kernels have it. The flag's value is the kernel's (linux/fs.h), which
 * glibc's stdio.h repeats. */
#define NOREPLACE 1U

int rename_noreplace(int olddirfd, const char *old, int newdirfd, const char *new)
{
	return (int)syscall(SYS_renameat2, olddirfd, old, newdirfd, new, NOREPLACE);
}
