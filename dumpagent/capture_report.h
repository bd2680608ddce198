/* capture_report.h: writer side: the summary files and the apport report of a new dump directory. */
#ifndef DUMPAGENT_CAPTURE_REPORT_H
#define DUMPAGENT_CAPTURE_REPORT_H

#include "capture_files.h"
#include "summary.h"

struct report_input {
	const struct summary *sum;
	const char *distro;      /* DistroRelease, or "" when the target holds no os-release */
	int dmesg_fd;            /* VmCoreDmesg, or -1 */
	int vmcore_fd;           /* embedded as VmCore, or -1 */
	int vmcore_compressed;   /* its pages are compressed: not deflated again */
	const char *vmcore_path; /* VmCorePath when not embedded; NULL when there is no dump */
};

/* summary.<stamp>.txt and summary.<stamp>.json. */
enum save_result save_summary(const struct save_ctx *s, const struct summary *sum);
/* linux-image-<release>-<stamp>.crash; its name goes to name. */
enum save_result save_report(const struct save_ctx *s, const struct report_input *in,
			     char name[DUMP_NAME_MAX]);

#endif
