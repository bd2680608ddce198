/* luks_header.h: the LUKS2 header's checksum, read from the device (capture side, before cryptsetup opens it). */
#ifndef DUMPAGENT_LUKS_HEADER_H
#define DUMPAGENT_LUKS_HEADER_H

#include <stddef.h>

#define LUKS2_HDR_MAX (4u << 20) /* hdr_size at most: 4 MiB, cryptsetup's largest metadata area */

/* Whether the LUKS2 header at the start of the device open at fd has the
 * sha256 checksum it records (binary header and JSON area, hdr_size bytes,
 * with the checksum field zeroed): 0; -EINVAL when it is not a LUKS2
 * header, hdr_size is out of range or the algorithm is not sha256;
 * -EBADMSG when the checksum differs; or -errno of a read. */
int luks2_header_check(int fd);

#endif
