/* import_util: the toolkit the format parsers share: lines, tokens,
 * range-checked numbers, mtr's column letters, hop checks. Internal to
 * src/import (the parsers and the dispatcher in import.c).
 * Tests: tests/unit/import/test_import.c tests/unit/import/test_import_formats.c. */
#ifndef HOPDOC_IMPORT_UTIL_H
#define HOPDOC_IMPORT_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "import/import_error.h"
#include "model/model.h"

/* A format parser: `text` is a private, NUL-terminated, writable copy of the
 * input (without NUL bytes); fills t or sets err (file already set) and
 * returns -1. */
typedef int (*import_parse_fn)(char *text, struct model_trace *t, struct import_error *err);

/* Sets err's line and message; returns -1 so parsers can `return import_fail(...)`. */
int import_fail(struct import_error *err, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Cuts the next line out of *cursor in place (LF or CRLF ends a line) and
 * counts it in *lineno; NULL at the end. */
char *import_next_line(char **cursor, unsigned *lineno);

/* The 1-based line of position p in text (for parsers that scan the whole
 * text rather than line by line). It counts from the start: call it for one
 * error, never per tag or row (that made XML and WinMTR HTML quadratic);
 * keep a running count instead. */
unsigned import_line_at(const char *text, const char *p);

/* Splits s in place at blanks into at most max tokens; returns the count,
 * or max + 1 when there were more. */
size_t import_split(char *s, char **tok, size_t max);

/* Whole-string, range-checked numbers; 0 on success, -1 otherwise. */
int import_double(const char *s, double lo, double hi, double *out);
int import_ulong(const char *s, unsigned long hi, unsigned long *out);
/* A Loss% cell: "15.0%", "0%", "100.0", "0.00". *tolerance receives half a
 * unit of the last printed digit (0.05 for "15.0%"), for deriving Recv. */
int import_percent(const char *s, double *out, double *tolerance);
/* True when s looks like a number (what import_double would accept). */
bool import_is_number(const char *s);

/* Trims blanks at both ends in place; returns the new start. */
char *import_trim(char *s);
/* Case-insensitive prefix test. */
bool import_starts_with(const char *s, const char *prefix);

/* Adds the responder a report's host cell names to hop h: "???" (nobody,
 * returns NULL with *ok true), "10.0.0.1", "name", "name (10.0.0.1)",
 * "AS64500 name", "AS??? name (10.0.0.1)". Makes it the latest responder.
 * *ok is false when the hop already holds MODEL_MAX_RESPONDERS. */
struct model_responder *import_add_host(struct model_hop *h, const char *cell, bool *ok);

/* A responder's own figures (hopdoc's responder rows) from a hop that
 * import_set_fields filled with them: Drop from Loss% when not given. */
void import_resp_stats(const struct model_hop *own, struct model_resp_stats *st);

/* Table columns, named by mtr's -o field letters (L D R S N B A W V G J M X I).
 * The letter for a column title: mtr's ("Loss%", "Snt", "StDev", ...),
 * WinMTR's ("Sent", "Recv", "Avrg", "Worst", "Loss %", "%"); 0 when unknown. */
char import_column_letter(const char *title);
/* "Loss% Snt Avg" for "LSA", for messages. Returns buf. */
const char *import_column_titles(const char *letters, char *buf, size_t len);
/* The letters mtr prints by default (-o "LS NABWV" without the gap) into
 * buf. Returns buf. */
const char *import_default_columns(char *buf, size_t len);
/* Checks that the columns can carry a diagnosis: Snt, Loss% or Rcv, Avg. */
int import_check_columns(const char *letters, struct import_error *err, unsigned line);
/* Stores cells[i] in hop h as column letters[i] (n cells), range-checked;
 * sets the `has` bits and *loss_tol (see import_percent; -1 without a Loss%
 * column). Best and Wrst
 * default to Avg when the report lacks them. */
int import_set_fields(struct model_hop *h, const char *letters, char *const *cells,
		      double *loss_tol, struct import_error *err, unsigned line);

#define IMPORT_MAX_MS 600000.0  /* ten minutes: no RTT a report prints is larger */
#define IMPORT_MAX_PROBES 100000000ul

/* Checks a filled hop's figures and completes them: Recv derived from Snt and
 * Loss% when the format lacks it (MODEL_HAS_RECV only when exact, loss_tol
 * being Loss%'s rounding), Loss% from Snt and Recv when it has no Loss%
 * (loss_tol < 0), Drop as Snt - Recv unless given.
 * Returns -1 with err set (at `line`) when the figures contradict each other. */
int import_check_hop(struct model_hop *h, double loss_tol, struct import_error *err, unsigned line);

/* Final checks common to every format (at least one hop; dst and `reached`
 * filled in when the format did not say). `line` is where to point at when
 * the trace is empty. */
int import_finish(struct model_trace *t, struct import_error *err, unsigned line);

#endif
