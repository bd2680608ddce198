/* outbuf.c: a buffered writer to a file descriptor that remembers its first error. */
#include "outbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "io.h"

void outbuf_init(struct outbuf *o, int fd)
{
	o->fd = fd;
	o->err = 0;
	o->len = 0;
	o->mem = NULL;
	o->cap = 0;
}

void outbuf_init_mem(struct outbuf *o, char *mem, size_t cap)
{
	outbuf_init(o, -1);
	o->mem = mem;
	o->cap = cap;
	if (cap > 0)
		mem[0] = '\0';
}

static void mem_write(struct outbuf *o, const char *p, size_t len)
{
	if (o->len + 1 >= o->cap)
		return;
	if (len > o->cap - 1 - o->len)
		len = o->cap - 1 - o->len;
	memcpy(o->mem + o->len, p, len);
	o->len += len;
	o->mem[o->len] = '\0';
}

int outbuf_flush(struct outbuf *o)
{
	if (o->mem)
		return 0;
	if (o->err == 0 && o->len > 0)
		o->err = write_all(o->fd, o->buf, o->len);
	o->len = 0;
	return o->err;
}

void outbuf_write(struct outbuf *o, const void *data, size_t len)
{
	const char *p = data;

	if (o->mem) {
		mem_write(o, p, len);
		return;
	}
	while (len > 0 && o->err == 0) {
		size_t n = sizeof(o->buf) - o->len;

		if (n > len)
			n = len;
		memcpy(o->buf + o->len, p, n);
		o->len += n;
		p += n;
		len -= n;
		if (o->len == sizeof(o->buf))
			(void)outbuf_flush(o); /* the error is kept in o->err */
	}
}

void outbuf_puts(struct outbuf *o, const char *s)
{
	outbuf_write(o, s, strlen(s));
}

/* What a line cut at OUTBUF_LINE_MAX ends with, so the cut is never silent. */
#define CUT_MARK "...[cut]"

void outbuf_printf(struct outbuf *o, const char *fmt, ...)
{
	char line[OUTBUF_LINE_MAX];
	size_t len, flen = strlen(fmt);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	len = (size_t)n;
	if (len >= sizeof(line)) {
		/* Cut: the marker, and the newline the format ends with, which a
		 * plain cut would lose too, gluing the next line to this one. */
		int nl = flen > 0 && fmt[flen - 1] == '\n';

		len = sizeof(line) - 1 - (size_t)nl - (sizeof(CUT_MARK) - 1);
		memcpy(line + len, CUT_MARK, sizeof(CUT_MARK) - 1);
		len += sizeof(CUT_MARK) - 1;
		if (nl)
			line[len++] = '\n';
	}
	outbuf_write(o, line, len);
}
