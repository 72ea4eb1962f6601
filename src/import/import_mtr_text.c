#include "import/import_mtr_text.h"
#include "import/import_util.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_TOKENS 64
#define MAX_COLUMNS 16

struct report {
	char letters[MAX_COLUMNS + 1];
	struct model_hop *hop; /* the last row read, for continuation lines */
	bool table_done;
	bool ipinfo;           /* mtr -y/-z: rows are " 1. INFO HOST", without "|--" */
	unsigned resp;         /* the responder the last line named: its MPLS lines follow */
};

/* "Start: 2026-11-22T03:24:26+0000" */
static void take_start(struct model_trace *t, const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S%z", &tm);
	if (end) {
		long off = tm.tm_gmtoff;
		t->start_time = (int64_t)timegm(&tm) - off;
		return;
	}
	/* older mtr: ctime(), local time of an unknown zone, taken as UTC;
	 * a date in another locale's words stays unknown */
	memset(&tm, 0, sizeof(tm));
	if (strptime(s, "%a %b %d %H:%M:%S %Y", &tm))
		t->start_time = (int64_t)timegm(&tm);
}

/* "HOST: rechner  Verlust%  Snt  Letzt ...": titles translated into
 * another language. mtr's default columns are assumed, as for a listing;
 * rows with another count of figures fail with the titles assumed. */
static int take_foreign_header(struct report *r, struct model_trace *t, char **tok, size_t n,
			       struct import_error *err, unsigned line)
{
	if (n < 2)
		return import_fail(err, line, "expected column titles (Loss%%, Snt, Avg, ...) after HOST:");
	import_default_columns(r->letters, sizeof(r->letters));
	snprintf(t->src, sizeof(t->src), "%s", tok[0]);
	return 0;
}

/* "HOST: vm   Loss%   Snt ...": titles from the end, the host before them. */
static int take_header(struct report *r, struct model_trace *t, char *s, struct import_error *err,
		       unsigned line)
{
	char *tok[MAX_TOKENS];
	size_t n = import_split(s + 5, tok, MAX_TOKENS);
	if (n > MAX_TOKENS)
		return import_fail(err, line, "expected at most %d columns", MAX_COLUMNS);
	size_t first = n;
	while (first > 0 && import_column_letter(tok[first - 1]))
		first--;
	if (first == n)
		return take_foreign_header(r, t, tok, n, err, line);
	if (n - first > MAX_COLUMNS)
		return import_fail(err, line, "expected at most %d columns", MAX_COLUMNS);
	for (size_t i = first; i < n; i++)
		r->letters[i - first] = import_column_letter(tok[i]);
	r->letters[n - first] = '\0';
	if (first > 0)
		snprintf(t->src, sizeof(t->src), "%s", tok[0]);
	return import_check_columns(r->letters, err, line);
}

/* " 12.|-- " or " 12. " (mtr -y/-z, *ipinfo set): the hop number and where
 * the host starts. */
static unsigned row_start(char *s, char **host, bool *ipinfo)
{
	while (*s == ' ')
		s++;
	char *end = NULL;
	if (!isdigit((unsigned char)*s))
		return 0;
	unsigned long ttl = strtoul(s, &end, 10);
	if (*end != '.' || ttl == 0 || ttl > MODEL_MAX_HOPS)
		return 0;
	end++;
	*ipinfo = strncmp(end, "|--", 3) != 0;
	if (!*ipinfo)
		end += 3;
	if (*end != ' ')
		return 0;
	*host = end;
	return (unsigned)ttl;
}

static void join(char *out, size_t len, char **tok, size_t n)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s", i ? " " : "", tok[i]);
}

/* "AS64500 host", or "AS4200000001host" when the number overflowed its
 * column (mtr pads it to 7): the host, the AS number in *asn. NULL when the
 * number ran into an address, and the two cannot be told apart. */
static const char *split_asn(const char *cell, unsigned long *asn)
{
	const char *p = cell + 2, *q = p;
	if (strncmp(p, "???", 3) == 0)
		q = p + 3;
	while (isdigit((unsigned char)*q))
		q++;
	if (q == p || q - p > 10)
		return NULL;
	char num[16];
	memcpy(num, p, (size_t)(q - p));
	num[q - p] = '\0';
	*asn = strcmp(num, "???") == 0 ? 0 : strtoul(num, NULL, 10);
	if (*asn > UINT32_MAX)
		return NULL;
	if (*q == ' ')
		return q + strspn(q, " ");
	return isalpha((unsigned char)*q) || *q == '?' ? q : NULL;
}

/* mtr -y N prints " 1. INFO HOST" (-z: INFO is "AS64500"), INFO padded to a
 * column it may overflow, with no space left. The host; NULL when INFO and the
 * host ran together past telling apart. */
static const char *strip_ipinfo(const char *cell, unsigned long *asn)
{
	*asn = 0;
	if (strncmp(cell, "AS", 2) == 0 &&
	    (isdigit((unsigned char)cell[2]) || strncmp(cell + 2, "???", 3) == 0))
		return split_asn(cell, asn);
	const char *sp = strchr(cell, ' ');
	return sp ? sp + strspn(sp, " ") : NULL;
}

static int glued(const char *cell, struct import_error *err, unsigned line)
{
	return import_fail(err, line, "cannot tell the IP information from the host in '%.60s': "
				      "mtr -y/-z print them without a space when the information "
				      "is wider than its column", cell);
}

/* The host cell of a row or continuation line, without mtr's IP information
 * when the report has it. */
static int add_host_cell(struct report *r, struct model_hop *h, const char *cell, bool *ok,
			 struct import_error *err, unsigned line)
{
	unsigned long asn = 0;
	const char *host = r->ipinfo ? strip_ipinfo(cell, &asn) : cell;
	*ok = true;
	if (!host)
		return glued(cell, err, line);
	struct model_responder *resp = import_add_host(h, host, ok);
	if (resp && asn)
		resp->asn = (uint32_t)asn;
	return 0;
}

static int take_row(struct report *r, struct model_trace *t, unsigned ttl, char *rest,
		    struct import_error *err, unsigned line)
{
	size_t k = strlen(r->letters);
	char *tok[MAX_TOKENS];
	size_t n = import_split(rest, tok, MAX_TOKENS);
	if (n > MAX_TOKENS || n < k + 1) {
		char titles[128];
		return import_fail(err, line, "expected a host and %zu figures (%s) on hop %u", k,
				   import_column_titles(r->letters, titles, sizeof(titles)), ttl);
	}
	if (ttl <= t->n_hops)
		return import_fail(err, line, "expected hop %zu or above, found hop %u", t->n_hops + 1, ttl);
	struct model_hop *h = model_trace_hop(t, ttl);
	if (!h)
		return import_fail(err, line, "out of memory");
	char cell[MODEL_NAME_MAX * 2];
	join(cell, sizeof(cell), tok, n - k);
	bool ok;
	if (add_host_cell(r, h, cell, &ok, err, line) != 0)
		return -1;
	double tol;
	if (import_set_fields(h, r->letters, tok + (n - k), &tol, err, line) != 0)
		return -1;
	r->hop = h;
	r->resp = h->latest;
	return import_check_hop(h, tol, err, line);
}

/* Whether the last k of n tokens are figures (a number, a percent). */
static bool ends_in_figures(char **tok, size_t n, size_t k)
{
	if (k == 0 || n < k + 1)
		return false;
	for (size_t i = n - k; i < n; i++) {
		char *end = NULL;
		strtod(tok[i], &end);
		if (end == tok[i] || (*end && strcmp(end, "%") != 0))
			return false;
	}
	return true;
}

/* hopdoc's row of one responder's own figures (constant flows): the host,
 * then the table's figures. They become the responder's stats. */
static int take_own_figures(struct report *r, char **tok, size_t n, struct model_resp_stats *st,
                            struct import_error *err, unsigned line)
{
	size_t k = strlen(r->letters);
	struct model_hop own = { .ttl = r->hop->ttl };
	double tol;
	if (import_set_fields(&own, r->letters, tok + (n - k), &tol, err, line) != 0)
		return -1;
	import_resp_stats(&own, st);
	return 0;
}

/* The host of a continuation line and, in hopdoc's responder rows, its own
 * figures: 1 with figures, 0 without, -1 when they do not check out. */
static int split_own_row(struct report *r, const char *cell, char *host, size_t len,
                         struct model_resp_stats *st, struct import_error *err, unsigned line)
{
	char *tok[MAX_TOKENS], copy[MODEL_NAME_MAX * 2];
	snprintf(copy, sizeof(copy), "%s", cell);
	size_t n = import_split(copy, tok, MAX_TOKENS);
	size_t k = strlen(r->letters);
	if (n > MAX_TOKENS || !ends_in_figures(tok, n, k))
		return 0;
	if (take_own_figures(r, tok, n, st, err, line) != 0)
		return -1;
	join(host, len, tok, n - k);
	return 1;
}

/* "[MPLS: Lbl 24001 TC 0 S 1 TTL 1]" (-e) under the responder the line
 * before named, or hopdoc's "[NAT: ...]" under the first hop past a NAT
 * (R7's tunnels and R9's NAT read them). Anything else in brackets, and a
 * label that does not read as numbers, is skipped. */
static int take_bracket_line(struct report *r, const char *cell)
{
	struct model_hop *h = r->hop;
	if (h->n_resp == 0 || r->resp >= h->n_resp)
		return 0;
	struct model_responder *resp = &h->resp[r->resp];
	unsigned long label;
	unsigned tc, s, ttl;
	char end;
	if (sscanf(cell, "[MPLS: Lbl %lu TC %u S %u TTL %u%c", &label, &tc, &s, &ttl, &end) == 5 &&
	    end == ']' && label <= 0xfffff && tc <= 7 && s <= 1 && ttl <= 255 && resp->n_mpls < MODEL_MAX_MPLS)
		resp->mpls[resp->n_mpls++] = (struct model_mpls){ (uint32_t)label, (uint8_t)tc, (uint8_t)s,
			                                          (uint8_t)ttl };
	else if (strncmp(cell, "[NAT: ", 6) == 0)
		resp->nat = true;
	return 0;
}

/* An indented line under a row: another responder, or its MPLS labels; in
 * hopdoc's reports, a responder with its own figures. */
static int take_continuation(struct report *r, char *s, struct import_error *err, unsigned line)
{
	char *cell = import_trim(s);
	if (cell[0] == '[')
		return take_bracket_line(r, cell);
	struct model_hop *h = r->hop;
	unsigned latest = h->latest;
	bool ok;
	char host[MODEL_NAME_MAX * 2];
	struct model_resp_stats st = { .has = false };
	int own = split_own_row(r, cell, host, sizeof(host), &st, err, line);
	if (own < 0)
		return -1;
	/* mtr 0.95 -z/-y prints another responder twice: plain, 8 spaces in,
	 * then 5 spaces in with its IP information. */
	unsigned long asn;
	bool plain = !own && r->ipinfo && cell - s >= 8 &&
	             !(strncmp(cell, "AS", 2) == 0 && split_asn(cell, &asn));
	h->latest = h->n_resp; /* import_add_host points it at the responder it names */
	if (plain)
		(void)import_add_host(h, cell, &ok);
	else if (add_host_cell(r, h, own ? host : cell, &ok, err, line) != 0)
		return -1;
	if (own && ok && h->latest < h->n_resp)
		h->resp[h->latest].stats = st;
	if (!ok)
		return import_fail(err, line, "expected at most %d responders at hop %u",
				   MODEL_MAX_RESPONDERS, h->ttl);
	if (h->n_resp)
		r->resp = h->latest; /* the one this line named */
	h->latest = latest;      /* the row names the latest; these are the others */
	return 0;
}

static int take_table_line(struct report *r, struct model_trace *t, char *s,
			   struct import_error *err, unsigned line)
{
	char *host = NULL;
	bool ipinfo = false;
	unsigned ttl = row_start(s, &host, &ipinfo);
	if (ttl) {
		r->ipinfo = ipinfo;
		return take_row(r, t, ttl, host, err, line);
	}
	if (r->hop && strncmp(s, "    ", 4) == 0 && *import_trim(s) != '\0')
		return take_continuation(r, s, err, line);
	if (!r->hop)
		return import_fail(err, line, "expected a hop row like \"  1.|-- 10.0.0.1  0.0%%  ...\"");
	r->table_done = true; /* a blank line or hopdoc's Diagnosis section */
	return 0;
}

static int take_line(struct report *r, struct model_trace *t, char *s, struct import_error *err,
		     unsigned line)
{
	if (r->letters[0])
		return take_table_line(r, t, s, err, line);
	if (import_starts_with(s, "Start:")) {
		take_start(t, import_trim(s + 6));
		return 0;
	}
	if (import_starts_with(import_trim(s), "HOST:"))
		return take_header(r, t, import_trim(s), err, line);
	return 0; /* words before the report, as pasted into a ticket */
}

/* Two reports pasted into one file would otherwise lose the second. */
static int no_second_report(char *cursor, unsigned line, struct import_error *err)
{
	for (char *s; (s = import_next_line(&cursor, &line));)
		if (import_starts_with(import_trim(s), "HOST:"))
			return import_fail(err, line, "expected one report per file; a second HOST: line "
						      "starts here (give the return trace as a second file)");
	return 0;
}

int import_mtr_text_parse(char *text, struct model_trace *t, struct import_error *err)
{
	struct report r = { .letters = "" };
	char *cursor = text;
	unsigned line = 0;
	for (char *s; !r.table_done && (s = import_next_line(&cursor, &line));)
		if (take_line(&r, t, s, err, line) != 0)
			return -1;
	if (!r.hop)
		return import_fail(err, line ? line : 1, "expected hop rows after the HOST: line");
	return no_second_report(cursor, line, err);
}
