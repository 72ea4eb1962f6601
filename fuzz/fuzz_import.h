/* Shared body of the importer harnesses (fuzz_import_*.c). Not a harness.
 * Runs one format's parser straight on the bytes (so every input reaches it,
 * whatever detection would say), then the whole import path with the paste
 * cleaner and detection, one report and several.
 * A parser must either fail with a line inside the input or produce a trace
 * whose figures are in range; anything else aborts, which libFuzzer reports. */
#ifndef HOPDOC_FUZZ_IMPORT_H
#define HOPDOC_FUZZ_IMPORT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import/import.h"
#include "import/import_clean.h"
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

/* The paste cleaner keeps lines in order, each pointing into the input, and
 * never grows the text. */
static void fuzz_check_clean(const char *data, size_t size, unsigned lines)
{
	struct import_clean c;
	if (import_clean_text(data, size, &c) != 0)
		return;
	unsigned prev = 0;
	for (size_t i = 0; i < c.n_lines; i++) {
		if (c.origin[i] <= prev || c.origin[i] > lines)
			abort();
		prev = c.origin[i];
	}
	if (strlen(c.text) > size + 1)
		abort();
	import_clean_free(&c);
}

/* Several reports in one paste: each in range, or an error inside the input. */
static void fuzz_check_all(const char *data, size_t size, unsigned lines)
{
	struct model_trace *t[IMPORT_MAX_REPORTS];
	struct import_error err;
	size_t n = 0;
	if (import_buffer_all(data, size, "fuzz", t, IMPORT_MAX_REPORTS, &n, &err) != 0) {
		if (n != 0 || err.line > lines + 1 || err.msg[0] == '\0')
			abort();
		return;
	}
	if (n == 0 || n > IMPORT_MAX_REPORTS)
		abort();
	for (size_t i = 0; i < n; i++) {
		fuzz_check_trace(t[i]);
		model_trace_free(t[i]);
	}
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
	} else if (err.line > lines + 1) {
		abort();
	}
	fuzz_check_clean((const char *)data, size, lines);
	fuzz_check_all((const char *)data, size, lines);
	return 0;
}

#endif
