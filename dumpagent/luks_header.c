/* luks_header.c: the LUKS2 header's checksum, read from the device (capture side, before cryptsetup opens it).
 *
 * superblock.c finds a LUKS header by its magic and UUID in the first 4 KiB.
 * LUKS2 also checksums its whole header (binary part and JSON area, hdr_size
 * bytes: 16 KiB by default): a torn or stale primary header shows up here,
 * before the capture asks cryptsetup to trust it. The header is streamed
 * through one fixed buffer; hdr_size comes from the disk, so it is checked
 * against the sizes LUKS2 allows and never sizes an allocation. LUKS1 has
 * no checksum. */
#include "luks_header.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "io.h"
#include "sha256.h"

#define LUKS2_BIN 4096      /* the binary header */
#define LUKS2_ALG_OFF 72    /* checksum_alg[32] */
#define LUKS2_CSUM_OFF 448  /* csum[64]: sha256 uses the first 32 bytes */

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* hdr_size is 16 KiB to 4 MiB, a power of two (LUKS2's metadata sizes). */
static int size_ok(uint64_t n)
{
	return n >= 16384 && n <= LUKS2_HDR_MAX && !(n & (n - 1));
}

int luks2_header_check(int fd)
{
	static unsigned char buf[LUKS2_BIN];
	unsigned char want[32];
	char hex[65], got[65];
	struct sha256 s;
	uint64_t size;
	ssize_t n = pread_full(fd, buf, sizeof(buf), 0);

	if (n < 0)
		return (int)n;
	if (n < LUKS2_BIN || memcmp(buf, "LUKS\xba\xbe", 6) != 0 || buf[6] != 0 || buf[7] != 2 ||
	    !size_ok(size = be64(buf + 8)) || strncmp((const char *)buf + LUKS2_ALG_OFF, "sha256", 32) != 0)
		return -EINVAL;
	memcpy(want, buf + LUKS2_CSUM_OFF, sizeof(want));
	memset(buf + LUKS2_CSUM_OFF, 0, 64);
	sha256_init(&s);
	sha256_update(&s, buf, sizeof(buf));
	for (uint64_t at = LUKS2_BIN; at < size; at += sizeof(buf)) {
		if ((n = pread_full(fd, buf, sizeof(buf), (off_t)at)) < 0)
			return (int)n;
		if (n < (ssize_t)sizeof(buf))
			return -EINVAL; /* the device is shorter than its header */
		sha256_update(&s, buf, sizeof(buf));
	}
	sha256_hex(&s, got);
	for (int i = 0; i < 32; i++)
		(void)snprintf(hex + 2 * i, 3, "%02x", want[i]);
	return strcmp(hex, got) == 0 ? 0 : -EBADMSG;
}
