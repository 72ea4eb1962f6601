/* import: reads reports made by mtr, WinMTR, hopdoc or pasted from guides
 * into a model_trace, for `hopdoc analyze`.
 *
 * The format is detected from the content, then handed to that format's own
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

/* "FILE:LINE: MESSAGE" (no LINE when it is 0). Returns buf. */
const char *import_error_text(const struct import_error *err, char *buf, size_t len);

#endif
