/* strbuf: a growable C string, for texts whose length only the content
 * decides (finding texts, notes, lists of hops).
 *
 * Appends are all or nothing: when memory runs out, the append returns -1,
 * leaves the text as it was and marks the buffer failed; later appends then
 * fail too, so a sequence of appends can be checked once at its end
 * (strbuf_failed, or strbuf_take returning NULL). A text is never cut. */
#ifndef HOPDOC_STRBUF_H
#define HOPDOC_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *buf;   /* NULL until the first append */
	size_t len;  /* bytes before the terminating NUL */
	size_t cap;  /* bytes allocated */
	bool failed; /* an append ran out of memory */
	/* How the buffer grows; NULL means realloc. Lets a test make it fail. */
	void *(*grow)(void *ptr, size_t size);
};

#define STRBUF_INIT                                                                                \
	{                                                                                          \
		0                                                                                  \
	}

void strbuf_init(struct strbuf *sb);
/* Frees the text and resets sb (keeping its grow function). */
void strbuf_free(struct strbuf *sb);

int strbuf_append(struct strbuf *sb, const char *s);
int strbuf_appendf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int strbuf_vappendf(struct strbuf *sb, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* The text so far; "" before any append. Valid until the next change. */
const char *strbuf_str(const struct strbuf *sb);
bool strbuf_failed(const struct strbuf *sb);

/* The text as a heap string the caller frees ("" allocated when empty), sb
 * reset; NULL (and sb freed) when an append failed or memory runs out. */
char *strbuf_take(struct strbuf *sb);

/* Makes heap string s (may be NULL) the buffer's text, to append to it;
 * sb must be empty. */
void strbuf_adopt(struct strbuf *sb, char *s);

#endif
