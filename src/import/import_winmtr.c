#include "import/import_util.h"
#include "import/import_winmtr.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_CELLS 16
#define NO_RESPONSE "No response from host"

/* What a WinMTR table row holds, by column: mtr letters, plus 'H' for the
 * host, 'T' for the hop number (Nr) and '-' for a column we skip. */
struct winmtr_table {
	char cols[MAX_CELLS + 1];
	bool have_header;
	unsigned header_line; /* where rows were expected, for "no rows" */
};

static char winmtr_letter(const char *title)
{
	if (strcasecmp(title, "Hostname") == 0 || strcasecmp(title, "Host") == 0)
		return 'H';
	if (strcasecmp(title, "Nr") == 0)
		return 'T';
	char c = import_column_letter(title);
	return c ? c : '-';
}

static int check_ttl(const struct model_trace *t, unsigned long ttl, struct import_error *err,
		     unsigned line)
{
	if (ttl <= t->n_hops)
		return import_fail(err, line, "expected hop %zu or above, found %lu", t->n_hops + 1, ttl);
	if (ttl > MODEL_MAX_HOPS) /* rows without Nr are counted */
		return import_fail(err, line, "expected at most %d hops (the TTL is 8 bits), found a "
					      "row %lu", MODEL_MAX_HOPS, ttl);
	return 0;
}

/* Fills one hop from its cells (cols[i] names cells[i]). */
static int take_hop(struct model_trace *t, const char *cols, char **cells, struct import_error *err,
		    unsigned line)
{
	char letters[MAX_CELLS + 1] = "";
	char *figures[MAX_CELLS];
	const char *host = "???";
	unsigned long ttl = t->n_hops + 1;
	size_t k = 0;
	for (size_t i = 0; cols[i]; i++) {
		if (cols[i] == 'H')
			host = cells[i];
		else if (cols[i] == 'T' && (import_ulong(cells[i], MODEL_MAX_HOPS, &ttl) != 0 || ttl == 0))
			return import_fail(err, line, "expected a hop number (Nr) from 1 to %d", MODEL_MAX_HOPS);
		else if (cols[i] != 'T' && cols[i] != '-') {
			letters[k] = cols[i];
			figures[k++] = cells[i];
		}
	}
	letters[k] = '\0';
	if (check_ttl(t, ttl, err, line) != 0)
		return -1;
	struct model_hop *h = model_trace_hop(t, (unsigned)ttl);
	if (!h)
		return import_fail(err, line, "out of memory");
	bool ok;
	if (strcasecmp(host, NO_RESPONSE) != 0)
		import_add_host(h, host, &ok);
	double tol;
	if (import_set_fields(h, letters, figures, &tol, err, line) != 0)
		return -1;
	/* WinMTR's integer Loss% is coarser than its counts: recompute it. A
	 * Loss% with decimals (hopdoc's export) is kept as printed: it counts
	 * probes in flight and late replies as mtr does, which Sent and Recv
	 * alone cannot tell. */
	bool coarse = tol >= 0.5;
	return import_check_hop(h, strchr(letters, 'R') && coarse ? -1.0 : tol, err, line);
}

/* ---- TEXT ----------------------------------------------------------------- */

static size_t split_bars(char *s, char **cell, size_t max)
{
	size_t n = 0;
	s = strchr(s, '|');
	while (s && n < max) {
		char *next = strchr(s + 1, '|');
		if (!next)
			break;
		*next = '\0';
		cell[n++] = import_trim(s + 1);
		*next = '|';
		s = next;
	}
	for (size_t i = 0; i < n; i++)
		cell[i][strcspn(cell[i], "|")] = '\0';
	return n;
}

static bool is_rule(const char *s)
{
	return strspn(s, "|-_ \t\r") == strlen(s);
}

/* "Host - %" / "192.168.1.1 - 0": split at the last " - ". */
static bool split_host_loss(char *cell, char **host, char **loss)
{
	char *dash = NULL;
	for (char *p = strstr(cell, " - "); p; p = strstr(p + 1, " - "))
		dash = p;
	if (!dash)
		return false;
	*dash = '\0';
	*host = import_trim(cell);
	*loss = import_trim(dash + 3);
	return true;
}

static int take_text_header(struct winmtr_table *w, char **cell, size_t n, struct import_error *err,
			    unsigned line)
{
	w->cols[0] = 'H';
	w->cols[1] = 'L';
	for (size_t i = 1; i < n && i + 1 < MAX_CELLS; i++)
		w->cols[i + 1] = winmtr_letter(cell[i]);
	w->cols[n + 1 < MAX_CELLS ? n + 1 : MAX_CELLS] = '\0';
	w->have_header = true;
	return import_check_columns(w->cols, err, line);
}

static int take_text_line(struct winmtr_table *w, struct model_trace *t, char *s,
			  struct import_error *err, unsigned line)
{
	char *cell[MAX_CELLS + 1];
	if (is_rule(s) || strstr(s, "WinMTR statistics") || strchr(import_trim(s), '|') == NULL)
		return 0;
	size_t n = split_bars(s, cell + 1, MAX_CELLS - 1);
	char *host, *loss;
	if (n == 0 || !split_host_loss(cell[1], &host, &loss))
		return import_fail(err, line, "expected \"| host - loss | Sent | Recv | ...\"");
	if (strcmp(loss, "%") == 0) {
		w->header_line = line;
		return take_text_header(w, cell + 1, n, err, line);
	}
	if (!w->have_header)
		return import_fail(err, line, "expected the header \"Host - %% | Sent | Recv | ...\" first");
	if (n + 1 != strlen(w->cols))
		return import_fail(err, line, "expected %zu columns as in the header", strlen(w->cols) - 1);
	cell[0] = host;
	cell[1] = loss;
	return take_hop(t, w->cols, cell, err, line);
}

int import_winmtr_text_parse(char *text, struct model_trace *t, struct import_error *err)
{
	struct winmtr_table w = { .have_header = false };
	char *cursor = text;
	unsigned line = 0;
	for (char *s; (s = import_next_line(&cursor, &line));)
		if (take_text_line(&w, t, s, err, line) != 0)
			return -1;
	if (t->n_hops == 0)
		return import_fail(err, w.header_line ? w.header_line + 1 : 1,
				   "expected WinMTR hop rows \"| host - loss | ...\"");
	return 0;
}

/* ---- HTML ----------------------------------------------------------------- */

/* Removes tags, decodes the common entities and trims, in place. */
static char *cell_text(char *s)
{
	static const struct {
		const char *ent;
		char c;
	} ents[] = { { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&nbsp;", ' ' },
		     { "&quot;", '"' }, { "&#37;", '%' } };
	char *out = s, *in = s;
	while (*in) {
		if (*in == '<') {
			char *gt = strchr(in, '>');
			in = gt ? gt + 1 : in + strlen(in);
			continue;
		}
		size_t i = *in == '&' ? 0 : sizeof(ents) / sizeof(ents[0]);
		while (i < sizeof(ents) / sizeof(ents[0]) && strncasecmp(in, ents[i].ent, strlen(ents[i].ent)) != 0)
			i++;
		if (i < sizeof(ents) / sizeof(ents[0])) {
			*out++ = ents[i].c;
			in += strlen(ents[i].ent);
		} else {
			*out++ = isspace((unsigned char)*in) ? ' ' : *in;
			in++;
		}
	}
	*out = '\0';
	return import_trim(s);
}

static char *find_ci(char *s, const char *needle)
{
	size_t n = strlen(needle);
	for (; *s; s++)
		if (strncasecmp(s, needle, n) == 0)
			return s;
	return NULL;
}

/* The next "<td" or "<th", in one pass (two searches would each run to the
 * end of a row that has only one kind). */
static char *find_cell(char *s)
{
	for (; *s; s++)
		if (s[0] == '<' && tolower((unsigned char)s[1]) == 't' && s[2] &&
		    strchr("dh", tolower((unsigned char)s[2])))
			return s;
	return NULL;
}

/* Cuts the row [tr, end) into cells at each <td or <th. */
static size_t row_cells(char *row, char **cell, size_t max)
{
	size_t n = 0;
	char *p = row;
	for (;;) {
		char *c = find_cell(p);
		if (!c || n == max)
			break;
		if (n)
			*c = '\0'; /* ends the previous cell */
		char *gt = strchr(c + 1, '>');
		if (!gt)
			break;
		cell[n++] = gt + 1;
		p = gt + 1;
	}
	for (size_t i = 0; i < n; i++)
		cell[i] = cell_text(cell[i]);
	return n;
}

static int take_html_header(struct winmtr_table *w, char **cell, size_t n, struct import_error *err,
			    unsigned line)
{
	for (size_t i = 0; i < n && i < MAX_CELLS; i++)
		w->cols[i] = winmtr_letter(cell[i]);
	w->cols[n < MAX_CELLS ? n : MAX_CELLS] = '\0';
	w->have_header = true;
	if (!strchr(w->cols, 'H'))
		return import_fail(err, line, "expected a Hostname column in the table header");
	return import_check_columns(w->cols, err, line);
}

static int take_html_row(struct winmtr_table *w, struct model_trace *t, char *row,
			 struct import_error *err, unsigned line)
{
	char *cell[MAX_CELLS];
	size_t n = row_cells(row, cell, MAX_CELLS);
	if (n == 0)
		return 0;
	if (!w->have_header)
		return take_html_header(w, cell, n, err, line);
	if (n != strlen(w->cols))
		return import_fail(err, line, "expected %zu cells in the row, as in the header", strlen(w->cols));
	return take_hop(t, w->cols, cell, err, line);
}

/* Lines counted from the previous row on, not from the start for each row. */
static unsigned count_lines(const char *from, const char *to, unsigned line)
{
	for (; from < to; from++)
		line += *from == '\n';
	return line;
}

int import_winmtr_html_parse(char *text, struct model_trace *t, struct import_error *err)
{
	struct winmtr_table w = { .have_header = false };
	char *p = find_ci(text, "<tr");
	/* Searched once: rows stop at it, so it is never behind the current row
	 * (searching it again from each row made a table of many rows quadratic). */
	char *end = p ? find_ci(p + 3, "</table") : NULL;
	const char *counted = text;
	unsigned line = 1;
	while (p) {
		line = count_lines(counted, p, line);
		counted = p;
		char *next = find_ci(p + 3, "<tr");
		if (end && (!next || end < next))
			next = NULL;
		if (next)
			*next = '\0';
		else if (end)
			*end = '\0';
		if (take_html_row(&w, t, p + 3, err, line) != 0)
			return -1;
		if (next)
			*next = '<';
		p = next;
	}
	if (t->n_hops == 0)
		return import_fail(err, count_lines(text, text + strlen(text), 1),
				   "expected a WinMTR table: a header row and one <tr> per hop");
	return 0;
}
