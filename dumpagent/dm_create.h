/* dm_create.h: maps a recorded LV with the device-mapper ioctls (capture side; no LVM tools there). */
#ifndef DUMPAGENT_DM_CREATE_H
#define DUMPAGENT_DM_CREATE_H

#include <stddef.h>
#include <sys/types.h>

#include "lvm_plan.h"

#define DM_TABLE_BUF 16384 /* the DM_TABLE_LOAD request: LVM_SEG_MAX targets, their parameters */

/* Writes the DM_TABLE_LOAD request for device name: p's segments, each PV
 * as devs[its index]. The request's size, or 0 when it does not fit. */
size_t dm_table_request(const char *name, const struct lvm_plan *p, const dev_t *devs, void *buf, size_t len);

/* Creates device-mapper device name through control (/dev/mapper/control),
 * loads p's table and resumes it: 0 and *dev; -1 with err (and the device
 * removed again when it was created). */
int dm_create(const char *control, const char *name, const struct lvm_plan *p, const dev_t *devs, dev_t *dev,
	      char *err, size_t errlen);

#endif
