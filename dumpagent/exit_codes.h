/* exit_codes.h: the one table of exit statuses of dumpagent and load-crashkernel (skarnet-style).
 *
 * Every program uses these numbers, each with one meaning; the man pages
 * (dumpagent(8), load-crashkernel(8)) print the same table. The capture's
 * 0 to 4 are read by initramfs/init and must not move. */
#ifndef DUMPAGENT_EXIT_CODES_H
#define DUMPAGENT_EXIT_CODES_H

#define EXIT_OK 0            /* done; status: armed; capture: complete */
#define EXIT_FAILED 1        /* not done, each reason named; capture: nothing saved */
#define EXIT_DMESG_ONLY 2    /* capture: the dmesg saved, no dump */
#define EXIT_FALLBACK 3      /* capture: the agent's own core, or a dump without the dmesg */
#define EXIT_REFUSED 4       /* capture: the target is not certain or not safe; nothing written */
#define EXIT_NO_DUMP 10      /* no dump with that ID */
#define EXIT_DENIED 11       /* not root */
#define EXIT_NOT_RESERVED 12 /* no memory reserved for the capture kernel (crashkernel=) */
#define EXIT_NO_KERNEL 13    /* capture kernel or initramfs missing, unreadable, or not rebuilt */
#define EXIT_NO_TARGET 14    /* TARGET=auto cannot be resolved to a filesystem */
#define EXIT_NOT_LOADED 15   /* kexec succeeded, but the kernel reports no capture kernel */
#define EXIT_NOT_WRITTEN 16  /* --reserve, --shrink: the GRUB setting or kexec_crash_size not written */
#define EXIT_UNREACHABLE 17  /* the capture mode cannot reach the target (a driver missing; nfs, loop, dm, md) */
#define EXIT_LOCKDOWN 18     /* kernel lockdown refuses the capture kernel (unsigned, or its key not trusted) */
#define EXIT_TOO_SMALL 19    /* the memory reserved is less than the capture mode's estimated need */
#define EXIT_USAGE 100       /* bad command line */
#define EXIT_CONFIG 101      /* bad configuration */
#define EXIT_SYSTEM 111      /* a system call failed where it should not (I/O, memory) */

#endif
