/* fuzz_release.c: libFuzzer target for the release of a kernel image file (kernel_release.c).
 *
 * The input is the file, in a memfd. A release found must be NUL-terminated
 * inside its buffer (cut to fit), start with a digit, hold no space, and,
 * when not cut, be a run of bytes of the input (header or banner) or of the
 * path's vmlinuz- name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernel_release.h"

static const size_t lens[] = { 1, 2, 8, 80 };

static void check(const uint8_t *data, size_t size, const char *path, const char *out, size_t len, int r)
{
	if (!memchr(out, '\0', len))
		abort();
	if (r < 0) {
		if (out[0])
			abort();
		return;
	}
	if (len > 1 && (out[0] < '0' || out[0] > '9'))
		abort(); /* with len 1 the release is cut to nothing */
	if (strchr(out, ' '))
		abort();
	if (strlen(out) + 1 < len && !memmem(data, size, out, strlen(out)) && !strstr(path, out))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "/x/Image", "/boot/vmlinuz-6.1.0-57-arm64" };
	int fd = memfd_create("image", MFD_CLOEXEC);

	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	for (size_t p = 0; p < 2; p++)
		for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			char *out = malloc(lens[i]);

			if (!out)
				abort();
			check(data, size, paths[p], out, lens[i], kernel_release(fd, paths[p], out, lens[i]));
			free(out);
		}
	(void)close(fd);
	return 0;
}
