/* sink: where a renderer writes. A FILE for the CLI, a growing buffer for
 * tests, so every renderer can be golden-tested without touching stdout.
 * Tests: tests/unit/model/test_model.c tests/unit/render/test_render.c. */
#ifndef HOPDOC_SINK_H
#define HOPDOC_SINK_H

#include <stddef.h>
#include <stdio.h>

struct sink;

struct sink *sink_new_file(FILE *f);    /* does not own f */
struct sink *sink_new_buffer(void);
void sink_free(struct sink *s);

/* Both return 0, or -1 once any write has failed (and keep failing). */
int sink_write(struct sink *s, const char *data, size_t len);
int sink_printf(struct sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sink_puts(struct sink *s, const char *str);

/* A buffer sink's contents, NUL-terminated; NULL for a file sink. */
const char *sink_buffer(const struct sink *s, size_t *len);
/* 0 while every write succeeded. */
int sink_error(const struct sink *s);
/* Why the first failed write failed (an errno: ENOMEM for a buffer that
 * could not grow); 0 while every write succeeded. */
int sink_errno(const struct sink *s);

#endif
