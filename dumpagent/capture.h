/* capture.h: the capture, in order: vmcore, disk, space, directory, retention, dmesg, dump, unmount. */
#ifndef DUMPAGENT_CAPTURE_H
#define DUMPAGENT_CAPTURE_H

#include "exit_codes.h"

/* The outcomes of a capture, which are its exit status: the numbers are
 * exit_codes.h's, and initramfs/init tells 0 from the others. */
enum capture_status {
	CAPTURE_OK = EXIT_OK,                 /* dmesg and dump saved */
	CAPTURE_FAILED = EXIT_FAILED,         /* nothing saved */
	CAPTURE_DMESG_ONLY = EXIT_DMESG_ONLY, /* dmesg saved, no dump (no space, or every dump failed) */
	CAPTURE_FALLBACK = EXIT_FALLBACK,     /* makedumpfile made no dump: our own gzipped vmcore saved */
	CAPTURE_REFUSED = EXIT_REFUSED,       /* the target is not certain or not safe: nothing written */
	CAPTURE_CONFIG = EXIT_CONFIG,         /* the configuration or a dumpagent.* parameter is bad */
};

struct capture_opts {
	const char *config_path;
	const char *vmcore;       /* /proc/vmcore */
	const char *cmdline;      /* /proc/cmdline */
	const char *makedumpfile; /* /usr/bin/makedumpfile */
	const char *mountpoint;   /* /mnt/target */
	const char *target_dir;   /* already mounted target (tests); NULL: find and mount */
	const char *sys_block;    /* /sys/class/block */
	const char *dev_dir;      /* /dev */
	unsigned wait_ms;         /* how long to wait for the target disk */
	const char *tty;          /* the brown screen's VT: /dev/tty1 */
	long long clock;          /* tests: the capture kernel's clock; 0: time(NULL) */
};

enum capture_status capture_run(const struct capture_opts *opts);

#endif
