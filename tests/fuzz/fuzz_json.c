/* fuzz_json.c: libFuzzer target for the summary JSON reader (the admin commands read it from disk).
 *
 * The input is the file as read. Each key is read into buffers of several
 * sizes, each allocated to that exact size so that ASan sees a write one byte
 * past it. Besides memory errors it checks the reader's promises: a decoded
 * string is NUL-terminated inside its buffer, a document that json_check
 * accepts never reads as malformed to the getters, and what the writer
 * (json_put_string, which writes the summary) wrote reads back unchanged. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static const char *const keys[] = { "release", "panic", "id", "crash_time", "modules", "call_trace" };
static const size_t outlens[] = { 0, 1, 2, 3, 4, 80, 256 };

static void each(const char *s, void *arg)
{
	(void)arg;
	if (strnlen(s, JSON_ITEM_MAX) == JSON_ITEM_MAX)
		abort(); /* an item not terminated inside its buffer */
}

static void get_string(const char *doc, size_t len, const char *key, size_t outlen, int well_formed)
{
	char *out = malloc(outlen);
	int r;

	if (!out && outlen)
		abort();
	r = json_get_string(doc, len, key, out, outlen);
	if (r == 1 && outlen && !memchr(out, '\0', outlen))
		abort(); /* a string not terminated inside the caller's buffer */
	if (well_formed && r < 0)
		abort();
	free(out);
}

/* The input up to its first NUL, written as a value and read back. */
static void round_trip(const uint8_t *data, size_t size)
{
	static char s[4096], doc[sizeof(s) * 6 + 16], back[sizeof(s)];
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;
	FILE *f = fmemopen(doc, sizeof(doc), "w");

	if (!f)
		abort();
	memcpy(s, data, n);
	s[n] = '\0';
	fputs("{\"k\": ", f);
	json_put_string(f, s); /* at most 6 bytes (\u00XX) per byte of s */
	fputs("}", f);
	if (fclose(f) != 0)
		abort();
	if (json_check(doc, strlen(doc)) != 0 ||
	    json_get_string(doc, strlen(doc), "k", back, sizeof(back)) != 1 || strcmp(back, s) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *doc = (const char *)data;
	int well_formed = json_check(doc, size) == 0;
	long long v;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		for (size_t k = 0; k < sizeof(outlens) / sizeof(outlens[0]); k++)
			get_string(doc, size, keys[i], outlens[k], well_formed);
		if (json_get_int(doc, size, keys[i], &v) < 0 && well_formed)
			abort();
		if (json_get_strings(doc, size, keys[i], each, NULL) < 0 && well_formed)
			abort();
	}
	round_trip(data, size);
	return 0;
}
