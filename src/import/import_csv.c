#include "import/import_csv.h"
#include "import/import_util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_CELLS 32

struct csv_layout {
	int start_col, host_col, hop_col, ip_col, asn_col;
	int field_col[MAX_CELLS]; /* the cell index of each letter below */
	char letters[MAX_CELLS + 1];
};

/* Splits at commas in place; returns the count, or max + 1 when more. */
static size_t split_commas(char *s, char **cell, size_t max)
{
	size_t n = 0;
	for (;;) {
		if (n == max)
			return max + 1;
		cell[n++] = s;
		char *comma = strchr(s, ',');
		if (!comma)
			return n;
		*comma = '\0';
		s = comma + 1;
	}
}

static void take_title(struct csv_layout *l, char *title, int col)
{
	if (strcmp(title, " ") == 0) {
		size_t k = strlen(l->letters);
		l->letters[k] = 'D';
		l->letters[k + 1] = '\0';
		l->field_col[k] = col;
		return;
	}
	const char *t = import_trim(title);
	char c = import_column_letter(t);
	if (strcmp(t, "Start_Time") == 0)
		l->start_col = col;
	else if (strcmp(t, "Host") == 0)
		l->host_col = col;
	else if (strcmp(t, "Hop") == 0)
		l->hop_col = col;
	else if (strcmp(t, "Ip") == 0)
		l->ip_col = col;
	else if (strcasecmp(t, "Asn") == 0)
		l->asn_col = col;
	else if (c && !strchr(l->letters, c)) {
		size_t k = strlen(l->letters);
		l->letters[k] = c;
		l->letters[k + 1] = '\0';
		l->field_col[k] = col;
	}
}

static int take_header(struct csv_layout *l, char *s, struct import_error *err, unsigned line)
{
	char *cell[MAX_CELLS];
	size_t n = split_commas(s, cell, MAX_CELLS);
	if (n > MAX_CELLS)
		return import_fail(err, line, "expected at most %d columns", MAX_CELLS);
	for (size_t i = 0; i < n; i++)
		take_title(l, cell[i], (int)i);
	if (l->hop_col < 0 || l->ip_col < 0)
		return import_fail(err, line, "expected Hop and Ip columns in the CSV header");
	return import_check_columns(l->letters, err, line);
}

static int take_host(struct model_hop *h, const struct csv_layout *l, char **cell)
{
	char host[MODEL_NAME_MAX * 2];
	const char *ip = import_trim(cell[l->ip_col]);
	if (l->asn_col >= 0 && strncmp(import_trim(cell[l->asn_col]), "AS", 2) == 0)
		snprintf(host, sizeof(host), "%s %s", import_trim(cell[l->asn_col]), ip);
	else
		snprintf(host, sizeof(host), "%s", ip);
	bool ok;
	import_add_host(h, host, &ok);
	return 0;
}

/* The last cell a row must have, by the header. */
static int max_col(const struct csv_layout *l)
{
	int cols[] = { l->ip_col, l->hop_col, l->host_col, l->asn_col, l->start_col };
	int need = 0;
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		need = cols[i] > need ? cols[i] : need;
	for (size_t i = 0; l->letters[i]; i++)
		need = l->field_col[i] > need ? l->field_col[i] : need;
	return need;
}

static int take_row(struct model_trace *t, const struct csv_layout *l, char *s,
		    struct import_error *err, unsigned line)
{
	char *cell[MAX_CELLS];
	size_t n = split_commas(s, cell, MAX_CELLS);
	int need = max_col(l);
	if (n > MAX_CELLS || (int)n <= need)
		return import_fail(err, line, "expected %d comma-separated cells as in the header", need + 1);
	unsigned long ttl = 0;
	if (import_ulong(import_trim(cell[l->hop_col]), MODEL_MAX_HOPS, &ttl) != 0 || ttl == 0)
		return import_fail(err, line, "expected a hop number from 1 to %d", MODEL_MAX_HOPS);
	if (ttl <= t->n_hops)
		return import_fail(err, line, "expected hop %zu or above, found hop %lu", t->n_hops + 1, ttl);
	struct model_hop *h = model_trace_hop(t, (unsigned)ttl);
	if (!h)
		return import_fail(err, line, "out of memory");
	char *fields[MAX_CELLS];
	for (size_t i = 0; l->letters[i]; i++)
		fields[i] = import_trim(cell[l->field_col[i]]);
	double tol;
	if (take_host(h, l, cell) != 0 || import_set_fields(h, l->letters, fields, &tol, err, line) != 0)
		return -1;
	if (l->host_col >= 0 && !t->dst[0])
		snprintf(t->dst, sizeof(t->dst), "%s", import_trim(cell[l->host_col]));
	return import_check_hop(h, tol, err, line);
}

static uint64_t flow_bits(const char *s)
{
	uint64_t bits = 0;
	char *end;
	for (unsigned long k; *s; s = end) {
		k = strtoul(s, &end, 10);
		if (end == s)
			break;
		if (k < 64)
			bits |= (uint64_t)1 << k;
	}
	return bits;
}

/* One row of hopdoc's responder table: its hop must be in the hop table. */
static int take_resp_row(struct model_trace *t, const struct csv_layout *l, int flows_col, char *s,
                         struct import_error *err, unsigned line)
{
	char *cell[MAX_CELLS];
	size_t n = split_commas(s, cell, MAX_CELLS);
	if (n > MAX_CELLS || (int)n <= max_col(l) || (int)n <= flows_col)
		return import_fail(err, line, "expected %d comma-separated cells as in the header",
		                   max_col(l) + 1);
	unsigned long ttl = 0;
	if (import_ulong(import_trim(cell[l->hop_col]), t->n_hops, &ttl) != 0 || ttl == 0)
		return import_fail(err, line, "expected a hop number from 1 to %zu", t->n_hops);
	struct model_hop *h = &t->hops[ttl - 1], own = { .ttl = (unsigned)ttl };
	char *fields[MAX_CELLS];
	for (size_t i = 0; l->letters[i]; i++)
		fields[i] = import_trim(cell[l->field_col[i]]);
	double tol;
	if (import_set_fields(&own, l->letters, fields, &tol, err, line) != 0)
		return -1;
	unsigned latest = h->latest;
	bool ok;
	struct model_responder *r = import_add_host(h, import_trim(cell[l->ip_col]), &ok);
	h->latest = latest;
	if (r) {
		import_resp_stats(&own, &r->stats);
		r->stats.flows = flows_col >= 0 ? flow_bits(cell[flows_col]) : 0;
	}
	return 0;
}

/* hopdoc's responder table after the hop table and a blank line
 * (docs/output.md): "Hop,Ip,Flows," then the figures' titles. */
static int take_responders(struct model_trace *t, char *cursor, unsigned line,
                           struct import_error *err)
{
	char *s = import_next_line(&cursor, &line);
	if (!s || !import_starts_with(s, "Hop,Ip,Flows,"))
		return 0;
	struct csv_layout l = { .start_col = -1, .host_col = -1, .hop_col = -1, .ip_col = -1,
				.asn_col = -1, .letters = "" };
	if (take_header(&l, s, err, line) != 0)
		return -1;
	while ((s = import_next_line(&cursor, &line)) && *import_trim(s) != '\0')
		if (take_resp_row(t, &l, 2, s, err, line) != 0)
			return -1;
	return 0;
}

int import_csv_parse(char *text, struct model_trace *t, struct import_error *err)
{
	struct csv_layout l = { .start_col = -1, .host_col = -1, .hop_col = -1, .ip_col = -1,
				.asn_col = -1, .letters = "" };
	char *cursor = text;
	unsigned line = 0;
	char *s = import_next_line(&cursor, &line);
	if (!s || take_header(&l, s, err, line) != 0)
		return s ? -1 : import_fail(err, 1, "expected the CSV header line");
	while ((s = import_next_line(&cursor, &line)) && *import_trim(s) != '\0')
		if (take_row(t, &l, s, err, line) != 0)
			return -1;
	if (t->n_hops == 0)
		return import_fail(err, line + 1, "expected at least one CSV row after the header");
	if (s && take_responders(t, cursor, line, err) != 0)
		return -1;
	if (model_addr_parse(t->dst, &t->dst_addr) != 0)
		t->dst_addr.family = 0;
	return 0;
}
