#include "import/import_listing.h"
#include "import/import_util.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define MAX_TOKENS 64
#define MAX_COLUMNS 16

struct listing {
	char letters[MAX_COLUMNS + 1]; /* the columns after the host */
	unsigned last_ttl;
	unsigned last_line;
	unsigned first_numbered; /* the first "N." line: where a listing was expected */
};

/* "3." or "3.|--": the hop number; 0 when the token is not one. */
static unsigned hop_number(const char *tok)
{
	char num[8];
	const char *dot = strchr(tok, '.');
	if (!dot || dot == tok || (size_t)(dot - tok) >= sizeof(num))
		return 0;
	if (dot[1] && strcmp(dot + 1, "|--") != 0)
		return 0;
	memcpy(num, tok, (size_t)(dot - tok));
	num[dot - tok] = '\0';
	unsigned long v = 0;
	if (import_ulong(num, MODEL_MAX_HOPS, &v) != 0 || v == 0)
		return 0;
	return (unsigned)v;
}

/* A header: a "Host" word followed by column titles. Titles we know set the
 * columns; any other header (another language) leaves mtr's default. */
static bool take_header(struct listing *l, char **tok, size_t n)
{
	if (n < 2 || (strcasecmp(tok[0], "Host") != 0 && strcasecmp(tok[0], "HOST:") != 0))
		return false;
	char letters[MAX_COLUMNS + 1] = "";
	size_t k = 0;
	for (size_t i = 1; i < n && k < MAX_COLUMNS; i++) {
		char c = import_column_letter(tok[i]);
		if (!c)
			return true; /* a title we cannot read: keep the default */
		letters[k++] = c;
	}
	letters[k] = '\0';
	if (k >= 3)
		snprintf(l->letters, sizeof(l->letters), "%s", letters);
	return true;
}

static bool is_cell(const char *tok)
{
	char buf[32];
	size_t n = strlen(tok);
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, tok, n + 1);
	if (buf[n - 1] == '%')
		buf[n - 1] = '\0';
	return import_is_number(buf);
}

static bool is_window(char **tok, size_t at, size_t k)
{
	for (size_t j = 0; j < k; j++)
		if (!is_cell(tok[at + j]))
			return false;
	return true;
}

/* Where the run of `k` figures after the host starts; 0 when there is none.
 * With Loss% first, a run starting at a "N%" cell wins, so a host with a
 * number in it ("Router 1  0.0%  20 ...") keeps its number. */
static size_t figures_at(char **tok, size_t n, size_t host, const char *letters)
{
	size_t k = strlen(letters);
	size_t first = 0;
	for (size_t i = host + 1; i + k <= n; i++) {
		if (!is_window(tok, i, k))
			continue;
		if (letters[0] != 'L' || tok[i][strlen(tok[i]) - 1] == '%')
			return i;
		if (!first)
			first = i;
	}
	return first;
}

static size_t count_cells(char **tok, size_t n, size_t from)
{
	size_t c = 0;
	for (size_t i = from; i < n; i++)
		c += is_cell(tok[i]);
	return c;
}

static void join(char *out, size_t len, char **tok, size_t from, size_t to)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = from; i < to && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s", i > from ? " " : "", tok[i]);
}

/* Names the cell that broke the run of figures, or says how many were missing. */
static int no_figures(const struct listing *l, char **tok, size_t n, size_t host, unsigned ttl,
		      struct import_error *err, unsigned line)
{
	char titles[128];
	import_column_titles(l->letters, titles, sizeof(titles));
	size_t first = host + 1;
	while (first < n && !is_cell(tok[first]))
		first++;
	for (size_t i = first; i < n; i++)
		if (!is_cell(tok[i]))
			return import_fail(err, line, "expected %zu figures (%s) after the host on hop %u; "
						      "\"%.40s\" is not a number",
					   strlen(l->letters), titles, ttl, tok[i]);
	return import_fail(err, line, "expected %zu figures (%s) after the host on hop %u; found %zu",
			   strlen(l->letters), titles, ttl, n - first);
}

static int add_row(struct listing *l, struct model_trace *t, unsigned ttl, char **tok, size_t n,
		   size_t host, struct import_error *err, unsigned line)
{
	size_t at = figures_at(tok, n, host, l->letters);
	if (at == 0 && count_cells(tok, n, host) < 2)
		return 0; /* a numbered sentence, not a hop */
	if (at == 0)
		return no_figures(l, tok, n, host, ttl, err, line);
	if (ttl <= l->last_ttl)
		return import_fail(err, line, "expected hop %u or above after hop %u (one listing per file)",
				   l->last_ttl + 1, l->last_ttl);
	struct model_hop *h = model_trace_hop(t, ttl);
	if (!h)
		return import_fail(err, line, "out of memory");
	char cell[MODEL_NAME_MAX * 2];
	join(cell, sizeof(cell), tok, host, at);
	bool ok;
	import_add_host(h, cell, &ok);
	double tol;
	if (import_set_fields(h, l->letters, tok + at, &tol, err, line) != 0)
		return -1;
	l->last_ttl = ttl;
	l->last_line = line;
	return import_check_hop(h, tol, err, line);
}

/* "4. (waiting for reply)": mtr's screen for a hop nothing answered yet.
 * A silent hop (R5), probed as often as the hop before it. */
static int waiting_row(struct listing *l, struct model_trace *t, unsigned ttl,
		       struct import_error *err, unsigned line)
{
	if (ttl <= l->last_ttl)
		return import_fail(err, line, "expected hop %u or above after hop %u (one listing per file)",
				   l->last_ttl + 1, l->last_ttl);
	unsigned long snt = t->n_hops ? t->hops[t->n_hops - 1].snt : 0;
	struct model_hop *h = model_trace_hop(t, ttl);
	if (!h)
		return import_fail(err, line, "out of memory");
	h->snt = snt ? snt : 1;
	h->loss_pct = 100.0;
	h->has = MODEL_HAS_RECV;
	l->last_ttl = ttl;
	l->last_line = line;
	return import_check_hop(h, 0.05, err, line);
}

static bool is_waiting(char **tok, size_t n, size_t host)
{
	return n == host + 3 && strcasecmp(tok[host], "(waiting") == 0 &&
	       strcasecmp(tok[host + 1], "for") == 0 && strncasecmp(tok[host + 2], "reply)", 6) == 0;
}

static int take_line(struct listing *l, struct model_trace *t, char *s, struct import_error *err,
		     unsigned line)
{
	while (*s == '#' || isspace((unsigned char)*s))
		s++;
	char *tok[MAX_TOKENS];
	size_t n = import_split(s, tok, MAX_TOKENS);
	if (n == 0 || n > MAX_TOKENS)
		return 0;
	if (take_header(l, tok, n))
		return 0;
	unsigned ttl = hop_number(tok[0]);
	if (ttl == 0)
		return 0; /* prose */
	size_t host = 1;
	if (host < n && strcmp(tok[host], "|--") == 0)
		host++;
	if (!l->first_numbered)
		l->first_numbered = line;
	if (host >= n)
		return 0; /* a numbered sentence or list item, not a hop */
	if (is_waiting(tok, n, host))
		return waiting_row(l, t, ttl, err, line);
	return add_row(l, t, ttl, tok, n, host, err, line);
}

int import_listing_parse(char *text, struct model_trace *t, struct import_error *err)
{
	struct listing l = { .last_ttl = 0 };
	import_default_columns(l.letters, sizeof(l.letters));
	char *cursor = text;
	unsigned line = 0;
	for (char *s; (s = import_next_line(&cursor, &line));)
		if (take_line(&l, t, s, err, line) != 0)
			return -1;
	if (t->n_hops == 0)
		return import_fail(err, l.first_numbered ? l.first_numbered : 1, "expected hop lines like \"1. 10.0.0.1  0.0%%  20  1.2  1.3  1.1  2.0  0.3\"");
	return import_check_columns(l.letters, err, l.last_line);
}
