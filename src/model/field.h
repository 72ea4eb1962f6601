/* field: mtr's data fields (the -o letters) and the figures hopdoc adds
 * beside them, defined once for every reader and writer of a hop's figures:
 * renderers take titles, widths and formats from here, importers the titles
 * they recognise and where each figure goes, the CLI the letters -o knows.
 * (Tested in tests/unit/model/test_field.c.) */
#ifndef HOPDOC_FIELD_H
#define HOPDOC_FIELD_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"

#define FIELD_DEFAULT "LS NABWV" /* mtr's -o default */
#define FIELD_TITLES_MAX 3

/* How mtr prints a field's cell in a report. */
enum field_style {
	FIELD_GAP,  /* ' ': an empty column (which CSV fills with Drop) */
	FIELD_PCT,  /* " %4.1f%%" */
	FIELD_INT4, /* " %4d" */
	FIELD_INT5, /* " %5d" */
	FIELD_MS5,  /* " %5.1f" */
	FIELD_MS4,  /* " %4.1f" */
};

struct field {
	char letter;           /* mtr's -o letter; '\0' for a figure mtr has no letter for */
	const char *title;     /* mtr's: report header, CSV column, JSON key */
	const char *tag;       /* the XML element (mtr writes Loss% as <Loss>) */
	const char *extra_key; /* the JSON key hopdoc adds when -o leaves the figure out; NULL: none */
	const char *titles[FIELD_TITLES_MAX]; /* other titles imports meet (WinMTR's "Avrg"...) */
	enum field_style style;
	int width;             /* report columns, mtr's */
	bool integer;          /* a count (unsigned long), else milliseconds or percent (double) */
	unsigned has;          /* the MODEL_HAS_* bit a hop needs to carry the figure; 0: always */
	size_t offset;         /* of the figure in struct model_hop */
};

/* Every field, in the order hopdoc adds its extra JSON keys; *n gets the count. */
const struct field *field_table(size_t *n);

/* The field for an -o letter; NULL when unknown (or '\0'). */
const struct field *field_for(char letter);

/* The field a column title names (any of its titles, any case); NULL when
 * unknown. The gap column has no figure and no title to find. */
const struct field *field_by_title(const char *title);

/* The letters -o accepts, NUL-terminated, into buf. Returns buf. */
const char *field_letters(char *buf, size_t len);

/* The figure, as a double (counts converted). */
double field_get(const struct field *f, const struct model_hop *h);

/* The figure as mtr shows it: reals rounded to whole microseconds (mtr's
 * grain), loss truncated to thousandths of a percent as mtr keeps it, counts
 * exact; 0 when the hop does not carry it. */
double field_value(const struct field *f, const struct model_hop *h);

/* The text cell as mtr's report writes it (" %5.1f" and so on) into buf:
 * the report and the interactive view print cells with this one function. */
void field_cell(const struct field *f, const struct model_hop *h, char *buf, size_t len);

/* Where an importer stores the figure: one of the two is non-NULL. */
unsigned long *field_count(const struct field *f, struct model_hop *h);
double *field_real(const struct field *f, struct model_hop *h);

/* mtr 0.95's ipinfo cell (-z, -y N) for r (NULL: a silent hop): field N
 * of its origin TXT record, "AS" before field 0's, "???" when unknown;
 * field 0 falls back to r->asn (imports). padded: to mtr's column width
 * (iiwidth 7, 19, 4, 8, 11; field 0's "AS" outside it), as report rows and
 * the view show it; else bare, as JSON and CSV. Returns buf. */
const char *field_ipinfo_cell(const struct model_responder *r, unsigned field, bool padded, char *buf,
                              size_t len);

/* mtr's width of ipinfo field N, without field 0's "AS". */
int field_ipinfo_width(unsigned field);

#endif
