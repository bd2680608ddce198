/* json.h: a small, bounded reader of top-level values of one JSON object, and a string writer. */
#ifndef DUMPAGENT_JSON_H
#define DUMPAGENT_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Nesting deeper than this is refused as malformed. */
#define JSON_MAX_DEPTH 32

/* 0 when buf holds exactly one well-formed JSON object (and blanks), else -1. */
int json_check(const char *buf, size_t len);
/* The string value of top-level key, decoded to UTF-8 and truncated to fit out.
 * 1 found, 0 absent, null or not a string, -1 malformed. */
int json_get_string(const char *buf, size_t len, const char *key, char *out, size_t outlen);
/* An integer value of top-level key: 1 found, 0 absent, null, not an integer
 * (a fraction or an exponent) or out of the range of long long, -1 malformed. */
int json_get_int(const char *buf, size_t len, const char *key, long long *out);
/* Calls each(s, arg) for each string of the top-level array key, each decoded
 * into a buffer of JSON_ITEM_MAX bytes. Returns the count, or -1 malformed. */
#define JSON_ITEM_MAX 512
int json_get_strings(const char *buf, size_t len, const char *key,
		     void (*each)(const char *s, void *arg), void *arg);
/* Writes s as a JSON string, quotes included; control characters as \u00XX. */
void json_put_string(FILE *f, const char *s);

#endif
