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
}

int outbuf_flush(struct outbuf *o)
{
	if (o->err == 0 && o->len > 0)
		o->err = write_all(o->fd, o->buf, o->len);
	o->len = 0;
	return o->err;
}

void outbuf_write(struct outbuf *o, const void *data, size_t len)
{
	const char *p = data;

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

void outbuf_printf(struct outbuf *o, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	outbuf_write(o, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}
