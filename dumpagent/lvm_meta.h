/* lvm_meta.h: the VG's name, id and seqno from the top of LVM2's text metadata, and LVM ids. */
#ifndef DUMPAGENT_LVM_META_H
#define DUMPAGENT_LVM_META_H

#include <stddef.h>

#define LVM_ID_LEN 32       /* a PV or VG id without its dashes */
#define LVM_NAME_MAX 128    /* a VG or LV name (LVM's NAME_LEN) */
#define LVM_META_PROBE 4096 /* bytes of metadata text parsed: the VG's name, id and seqno come first */

/* The top of the VG's metadata text. */
struct lvm_vg {
	char name[LVM_NAME_MAX + 1];
	char id[LVM_ID_LEN + 1];
	unsigned long long seqno;
};

/* text holds the first len bytes of the metadata: 0 and vg, or -EINVAL. */
int lvm_meta_parse(const char *text, size_t len, struct lvm_vg *vg);
/* Copies an id in LVM's text form (dashes anywhere) to out without them:
 * 0, or -1 unless it is 32 characters of LVM's id alphabet. */
int lvm_id_plain(const char *in, size_t n, char out[LVM_ID_LEN + 1]);

#endif
