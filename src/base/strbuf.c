#include "base/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strbuf_init(struct strbuf *sb)
{
	memset(sb, 0, sizeof(*sb));
}

void strbuf_free(struct strbuf *sb)
{
	void *(*grow)(void *, size_t) = sb->grow;
	free(sb->buf);
	strbuf_init(sb);
	sb->grow = grow;
}

/* Room for `more` bytes plus the NUL; doubles so n appends cost O(n). */
static int reserve(struct strbuf *sb, size_t more)
{
	if (sb->failed)
		return -1;
	if (more >= (size_t)-1 / 2 - sb->len) {
		sb->failed = true;
		return -1;
	}
	size_t want = sb->len + more + 1;
	if (want <= sb->cap)
		return 0;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < want)
		cap *= 2;
	char *buf = (sb->grow ? sb->grow : realloc)(sb->buf, cap);
	if (!buf) {
		sb->failed = true;
		return -1;
	}
	sb->buf = buf;
	sb->cap = cap;
	return 0;
}

int strbuf_append(struct strbuf *sb, const char *s)
{
	size_t n = strlen(s);
	if (reserve(sb, n) != 0)
		return -1;
	memcpy(sb->buf + sb->len, s, n + 1);
	sb->len += n;
	return 0;
}

int strbuf_vappendf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list measure;
	va_copy(measure, ap);
	int n = vsnprintf(NULL, 0, fmt, measure);
	va_end(measure);
	if (n < 0) {
		sb->failed = true;
		return -1;
	}
	if (reserve(sb, (size_t)n) != 0)
		return -1;
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
	return 0;
}

int strbuf_appendf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = strbuf_vappendf(sb, fmt, ap);
	va_end(ap);
	return rc;
}

const char *strbuf_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

bool strbuf_failed(const struct strbuf *sb)
{
	return sb->failed;
}

char *strbuf_take(struct strbuf *sb)
{
	if (!sb->buf && reserve(sb, 0) == 0)
		sb->buf[0] = '\0';
	char *s = sb->failed ? NULL : sb->buf;
	if (!s) {
		free(sb->buf);
	} else if (sb->cap > sb->len + 1) {
		/* Held texts are sized to what they hold, not to the doubling. */
		char *fit = (sb->grow ? sb->grow : realloc)(s, sb->len + 1);
		s = fit ? fit : s;
	}
	void *(*grow)(void *, size_t) = sb->grow;
	strbuf_init(sb);
	sb->grow = grow;
	return s;
}

void strbuf_adopt(struct strbuf *sb, char *s)
{
	if (!s)
		return;
	sb->buf = s;
	sb->len = strlen(s);
	sb->cap = sb->len + 1;
}
