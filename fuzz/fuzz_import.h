/* Shared body of the importer harnesses (fuzz_import_*.c). Not a harness.
 * Runs one format's parser straight on the bytes (so every input reaches it,
 * whatever detection would say), then the whole import path with detection.
 * A parser must either fail with a line inside the input or produce a trace
 * whose figures are in range; anything else aborts, which libFuzzer reports. */
#ifndef HOPDOC_FUZZ_IMPORT_H
#define HOPDOC_FUZZ_IMPORT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import/import.h"
#include "import/import_util.h"

static void fuzz_check_trace(const struct model_trace *t)
{
	if (t->n_hops == 0 || t->n_hops > MODEL_MAX_HOPS)
		abort();
	for (size_t i = 0; i < t->n_hops; i++) {
		const struct model_hop *h = &t->hops[i];
		if (h->ttl != i + 1 || h->recv > h->snt || h->loss_pct < 0 || h->loss_pct > 100 ||
		    h->n_resp > MODEL_MAX_RESPONDERS || (h->n_resp && h->latest >= h->n_resp))
			abort();
	}
}

static unsigned fuzz_lines(const char *text, size_t len)
{
	unsigned n = 1;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	return n;
}

static int fuzz_import(const uint8_t *data, size_t size, import_parse_fn parse)
{
	if (size > 65536 || memchr(data, '\0', size))
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct model_trace *t = model_trace_new();
	struct import_error err;
	memset(&err, 0, sizeof(err));
	unsigned lines = fuzz_lines((const char *)data, size);
	if (parse(text, t, &err) == 0 && import_finish(t, &err, lines) == 0)
		fuzz_check_trace(t);
	else if (err.line > lines + 1 || err.msg[0] == '\0')
		abort(); /* an error must point into the input and say something */
	model_trace_free(t);
	free(text);
	struct model_trace *u = NULL;
	if (import_buffer((const char *)data, size, "fuzz", &u, &err) == 0) {
		fuzz_check_trace(u);
		model_trace_free(u);
	}
	return 0;
}

#endif
