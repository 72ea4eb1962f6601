/* import: reads reports made by mtr, WinMTR, hopdoc or pasted from guides
 * into a model_trace, for `hopdoc analyze`.
 *
 * The paste is first cleaned (import_clean: quotes, fences, prompts, BOM,
 * wrapped lines, ...), then the format is detected from the content, then handed to that format's own
 * parser (import_mtr_text, import_json, import_csv, import_xml, import_raw,
 * import_winmtr, import_listing). Every parser either fills the whole trace or
 * fails with the file, the line and what it expected there: a report that
 * cannot be read is never turned into an empty, healthy-looking trace.
 * The parsers share a toolkit, import_util.h, internal to src/import. */
#ifndef HOPDOC_IMPORT_H
#define HOPDOC_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "import/import_error.h"
#include "model/model.h"

enum import_format {
	IMPORT_FMT_UNKNOWN,
	IMPORT_FMT_MTR_TEXT,    /* mtr -r / -w, also hopdoc's */
	IMPORT_FMT_JSON,        /* mtr -j, also hopdoc's */
	IMPORT_FMT_CSV,         /* mtr -C */
	IMPORT_FMT_XML,         /* mtr -x */
	IMPORT_FMT_RAW,         /* mtr -l */
	IMPORT_FMT_WINMTR_TEXT, /* WinMTR "Export TEXT" */
	IMPORT_FMT_WINMTR_HTML, /* WinMTR "Export HTML" */
	IMPORT_FMT_LISTING,     /* hop lines pasted from a guide */
};

/* The format of a report, from its content alone. */
enum import_format import_detect(const char *data, size_t len);
const char *import_format_name(enum import_format f);

/* Parses `len` bytes (need not be NUL-terminated). On success returns 0 and
 * a new trace in *out (the caller frees it with model_trace_free); on failure
 * returns -1, *out is NULL and err says where and what was expected.
 * source_name is only used in err. */
int import_buffer(const char *data, size_t len, const char *source_name,
		  struct model_trace **out, struct import_error *err);

/* The same for a file; "-" reads standard input. */
int import_file(const char *path, struct model_trace **out, struct import_error *err);

/* Several reports pasted into one file (two mtr reports, a listing per
 * direction, ...): each is read on its own, up to max (at most
 * IMPORT_MAX_REPORTS; the rest stays with the last, whose parser then says
 * "one report per file"). On success returns 0 with *n traces in out[0..n);
 * on failure -1, *n is 0 and err points at the first line not understood.
 * import_buffer and import_file are these with max 1. */
#define IMPORT_MAX_REPORTS 16
int import_buffer_all(const char *data, size_t len, const char *source_name,
		      struct model_trace **out, size_t max, size_t *n, struct import_error *err);
int import_file_all(const char *path, struct model_trace **out, size_t max, size_t *n,
		    struct import_error *err);

/* "FILE:LINE: MESSAGE" (no LINE when it is 0). Returns buf. */
const char *import_error_text(const struct import_error *err, char *buf, size_t len);

#endif
