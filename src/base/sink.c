#include "base/sink.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct sink {
	FILE *file;   /* NULL for a buffer sink */
	char *buf;
	size_t len;
	size_t cap;
	int failed;
	int errnum;   /* errno of the first failed write; 0 when none */
};

struct sink *sink_new_file(FILE *f)
{
	struct sink *s = calloc(1, sizeof(*s));
	if (s)
		s->file = f;
	return s;
}

struct sink *sink_new_buffer(void)
{
	struct sink *s = calloc(1, sizeof(*s));
	if (s && !(s->buf = calloc(1, s->cap = 256))) {
		free(s);
		return NULL;
	}
	return s;
}

void sink_free(struct sink *s)
{
	if (!s)
		return;
	free(s->buf);
	free(s);
}

static int reserve(struct sink *s, size_t extra)
{
	size_t need = s->len + extra + 1;
	if (need <= s->cap)
		return 0;
	size_t cap = s->cap;
	while (cap < need)
		cap *= 2;
	char *b = realloc(s->buf, cap);
	if (!b)
		return -1;
	s->buf = b;
	s->cap = cap;
	return 0;
}

int sink_write(struct sink *s, const char *data, size_t len)
{
	if (s->failed)
		return -1;
	if (s->file) {
		errno = 0; /* fwrite need not set it; a stale value would mislead */
		if (len && fwrite(data, 1, len, s->file) != len) {
			s->failed = 1;
			s->errnum = errno ? errno : EIO;
		}
		return s->failed ? -1 : 0;
	}
	if (reserve(s, len) != 0) {
		s->failed = 1;
		return -1;
	}
	memcpy(s->buf + s->len, data, len);
	s->len += len;
	s->buf[s->len] = '\0';
	return 0;
}

int sink_puts(struct sink *s, const char *str)
{
	return sink_write(s, str, strlen(str));
}

int sink_printf(struct sink *s, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		s->failed = 1;
		return -1;
	}
	if ((size_t)n < sizeof(small))
		return sink_write(s, small, (size_t)n);
	char *big = malloc((size_t)n + 1);
	if (!big) {
		s->failed = 1;
		return -1;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	int rc = sink_write(s, big, (size_t)n);
	free(big);
	return rc;
}

const char *sink_buffer(const struct sink *s, size_t *len)
{
	if (s->file)
		return NULL;
	if (len)
		*len = s->len;
	return s->buf;
}

int sink_error(const struct sink *s)
{
	return s->failed;
}

int sink_errno(const struct sink *s)
{
	return s->failed ? (s->errnum ? s->errnum : ENOMEM) : 0;
}
