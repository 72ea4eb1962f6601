/* export: writes the exports to files: --export-text and --export-html when
 * a run ends (report mode, SIGINT, and the view when it ends), `hopdoc
 * analyze --export-html`, and the view's key `e`, which writes both at once
 * under names made of the host and the time.
 *
 * The page or table is rendered whole into memory first, so a failure
 * leaves no half-written file behind from the renderer; a failure to write
 * comes back as one line naming the file and strerror. Nothing is printed.
 * Tests: tests/unit/cli/test_export.c tests/lab/t_export.sh. */
#ifndef HOPDOC_EXPORT_H
#define HOPDOC_EXPORT_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "model/finding.h"
#include "model/history.h"
#include "model/model.h"
#include "render/render_opts.h"

/* Rounds of history a live run keeps for the HTML charts: an hour at mtr's
 * 1 s interval (about 4 bytes per round and hop). Longer runs chart their
 * last hour. */
#define EXPORT_HISTORY_ROUNDS 3600

#define EXPORT_MSG_MAX 512

/* What an export shows. */
struct export_input {
	const struct model_trace *trace;
	const struct render_opts *opts;      /* names, -b; NULL: addresses only */
	const struct model_history *history; /* NULL: no per-round data (imports) */
	const struct finding_list *findings; /* the verdict; NULL: none */
	const char *source;                  /* what the page says it was made from; may be NULL */
};

/* Into a file the caller opened (and closes): the flags' files are made
 * before privileges go. name is what messages call it; with f NULL, the
 * file named is opened (and closed) here. Written whole and flushed: 0, or
 * -1 with "cannot write NAME: why". */
int export_text_to(FILE *f, const char *name, const struct export_input *in, char *msg, size_t msglen);
int export_html_to(FILE *f, const char *name, const struct export_input *in, char *msg, size_t msglen);

/* The WinMTR-style table into path. 0, or -1 with "cannot write PATH: why". */
int export_write_text(const char *path, const struct export_input *in, char *msg, size_t msglen);

/* The self-contained page into path. 0, or -1 as export_write_text. */
int export_write_html(const char *path, const struct export_input *in, char *msg, size_t msglen);

/* "hopdoc-HOST-YYYYMMDD-HHMMSS" (local time `when`), HOST being host with
 * every byte other than letters, digits, '.', '-' and '_' made '_' (an IPv6
 * colon, a '/', a space...). Returns buf. */
const char *export_base_name(const char *host, time_t when, char *buf, size_t len);

/* The view's `e`: both files into dir (NULL or "" is the current directory)
 * as BASE.txt and BASE.html. 0 with msg "wrote DIR/BASE.txt and
 * DIR/BASE.html", or -1 with the failure in msg (the text file may exist
 * when only the page failed). */
int export_write_both(const struct export_input *in, const char *host, time_t when, const char *dir,
                      char *msg, size_t msglen);

#endif
