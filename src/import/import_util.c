#include "import/import_util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "model/field.h"

/* ---- Columns -------------------------------------------------------------- */

char import_column_letter(const char *title)
{
	const struct field *f = field_by_title(title);
	return f ? f->letter : 0;
}

const char *import_default_columns(char *buf, size_t len)
{
	size_t k = 0;
	for (const char *c = FIELD_DEFAULT; *c && k + 1 < len; c++)
		if (*c != ' ')
			buf[k++] = *c;
	if (len)
		buf[k] = '\0';
	return buf;
}

int import_check_columns(const char *letters, struct import_error *err, unsigned line)
{
	if (!strchr(letters, 'S'))
		return import_fail(err, line, "expected a Snt column (probes sent)");
	if (!strchr(letters, 'L') && !strchr(letters, 'R'))
		return import_fail(err, line, "expected a Loss%% or Rcv column");
	if (!strchr(letters, 'A'))
		return import_fail(err, line, "expected an Avg column");
	return 0;
}

static int set_field(struct model_hop *h, const struct field *f, const char *cell, double *loss_tol)
{
	if (f->style == FIELD_PCT)
		return import_percent(cell, field_real(f, h), loss_tol);
	unsigned long *count = field_count(f, h);
	if (count)
		return import_ulong(cell, IMPORT_MAX_PROBES, count);
	return import_double(cell, 0.0, IMPORT_MAX_MS, field_real(f, h));
}

static const char *column_name(char letter)
{
	const struct field *f = field_for(letter);
	return f ? f->title : "?";
}

static const char *range_text(const struct field *f)
{
	if (f->style == FIELD_PCT)
		return "a percentage from 0 to 100";
	if (f->integer)
		return "a whole number from 0 to 100000000";
	return "milliseconds from 0 to 600000";
}

const char *import_column_titles(const char *letters, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; letters[i] && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " " : "", column_name(letters[i]));
	return buf;
}

int import_set_fields(struct model_hop *h, const char *letters, char *const *cells,
		      double *loss_tol, struct import_error *err, unsigned line)
{
	*loss_tol = -1.0; /* no Loss% column */
	for (size_t i = 0; letters[i]; i++) {
		const struct field *f = field_for(letters[i]);
		if (!f || f->style == FIELD_GAP)
			continue; /* a column we do not keep */
		if (set_field(h, f, cells[i], loss_tol) != 0)
			return import_fail(err, line, "expected %s for %s, found \"%.40s\"", range_text(f),
					   f->title, cells[i]);
		h->has |= f->has;
	}
	if (!strchr(letters, 'B'))
		h->best = h->avg;
	if (!strchr(letters, 'W'))
		h->wrst = h->avg;
	return 0;
}

/* ---- Toolkit -------------------------------------------------------------- */

int import_fail(struct import_error *err, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->line = line;
	return -1;
}

unsigned import_line_at(const char *text, const char *p)
{
	unsigned line = 1;
	for (; text < p; text++)
		line += *text == '\n';
	return line;
}

char *import_next_line(char **cursor, unsigned *lineno)
{
	char *s = *cursor;
	if (!s || !*s)
		return NULL;
	char *nl = strchr(s, '\n');
	if (nl) {
		*nl = '\0';
		*cursor = nl + 1;
	} else {
		*cursor = s + strlen(s);
	}
	size_t n = strlen(s);
	if (n && s[n - 1] == '\r')
		s[n - 1] = '\0';
	(*lineno)++;
	return s;
}

size_t import_split(char *s, char **tok, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	for (char *w = strtok_r(s, " \t\r", &save); w; w = strtok_r(NULL, " \t\r", &save)) {
		if (n == max)
			return max + 1;
		tok[n++] = w;
	}
	return n;
}

bool import_is_number(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	if (!isdigit((unsigned char)*s) && !(*s == '.' && isdigit((unsigned char)s[1])))
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s) && *s != '.')
			return false;
	return true;
}

int import_double(const char *s, double lo, double hi, double *out)
{
	if (!import_is_number(s))
		return -1;
	errno = 0;
	char *end = NULL;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int import_ulong(const char *s, unsigned long hi, unsigned long *out)
{
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	char *end = NULL;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > hi)
		return -1;
	*out = v;
	return 0;
}

int import_percent(const char *s, double *out, double *tolerance)
{
	char buf[32];
	size_t n = strlen(s);
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n + 1);
	if (buf[n - 1] == '%')
		buf[--n] = '\0';
	if (import_double(buf, 0.0, 100.0, out) != 0)
		return -1;
	const char *dot = strchr(buf, '.');
	int decimals = dot ? (int)strlen(dot + 1) : 0;
	*tolerance = 0.5 * pow(10.0, -decimals);
	return 0;
}

char *import_trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

bool import_starts_with(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* "AS64500 rest" or "AS??? rest": the AS number (0 for ???) and the rest. */
static const char *take_asn(const char *cell, uint32_t *asn)
{
	*asn = 0;
	if (strncmp(cell, "AS", 2) != 0)
		return cell;
	const char *sp = strchr(cell, ' ');
	if (!sp)
		return cell;
	char num[16];
	size_t n = (size_t)(sp - cell) - 2;
	if (n == 0 || n >= sizeof(num))
		return cell;
	memcpy(num, cell + 2, n);
	num[n] = '\0';
	unsigned long v = 0;
	if (strcmp(num, "???") != 0 && import_ulong(num, UINT32_MAX, &v) != 0)
		return cell;
	*asn = (uint32_t)v;
	while (*sp == ' ')
		sp++;
	return sp;
}

/* "name (10.0.0.1)": splits off the address when the parentheses hold one. */
static bool take_paren_addr(const char *s, char *name, size_t name_len, struct model_addr *a)
{
	size_t n = strlen(s);
	const char *open = strrchr(s, '(');
	if (n < 4 || s[n - 1] != ')' || !open || open == s)
		return false;
	char ip[64];
	size_t ip_len = (size_t)(s + n - 1 - (open + 1));
	if (ip_len == 0 || ip_len >= sizeof(ip))
		return false;
	memcpy(ip, open + 1, ip_len);
	ip[ip_len] = '\0';
	if (model_addr_parse(ip, a) != 0)
		return false;
	size_t nn = (size_t)(open - s);
	while (nn && s[nn - 1] == ' ')
		nn--;
	if (nn >= name_len)
		nn = name_len - 1;
	memcpy(name, s, nn);
	name[nn] = '\0';
	return true;
}

static struct model_responder *add_named(struct model_hop *h, const char *s)
{
	char name[MODEL_NAME_MAX];
	struct model_addr a;
	struct model_responder *r;
	if (take_paren_addr(s, name, sizeof(name), &a)) {
		r = model_hop_responder(h, &a);
		if (r)
			snprintf(r->name, sizeof(r->name), "%s", name);
		return r;
	}
	snprintf(name, sizeof(name), "%s", s); /* cuts names beyond the model's room */
	char *cut = strstr(name, " (");
	if (cut && !strchr(cut, ')'))
		*cut = '\0'; /* -b in a narrow report: "name (10.2." lost its address */
	return model_hop_responder_text(h, name); /* a name alone stays in text */
}

struct model_responder *import_add_host(struct model_hop *h, const char *cell, bool *ok)
{
	*ok = true;
	if (strcmp(cell, "???") == 0 || cell[0] == '\0')
		return NULL;
	uint32_t asn;
	const char *rest = take_asn(cell, &asn);
	if (strcmp(rest, "???") == 0)
		return NULL;
	struct model_responder *r = add_named(h, rest);
	if (!r) {
		*ok = false;
		return NULL;
	}
	if (asn)
		r->asn = asn;
	h->latest = (unsigned)(r - h->resp);
	return r;
}

/* Recv from Snt and Loss%: exact when only one count fits Loss%'s rounding. */
static void derive_recv(struct model_hop *h, double loss_tol)
{
	double snt = (double)h->snt;
	double lost = snt * h->loss_pct / 100.0;
	h->recv = h->snt - (unsigned long)lround(lost);
	double lo = ceil(snt * (h->loss_pct - loss_tol) / 100.0 - 1e-9);
	double hi = floor(snt * (h->loss_pct + loss_tol) / 100.0 + 1e-9);
	if (lo == hi) /* exactly one count fits */
		h->has |= MODEL_HAS_RECV;
}

static int check_times(const struct model_hop *h, struct import_error *err, unsigned line)
{
	const double slack = 0.15; /* reports round each figure on its own */
	if (h->best > h->avg + slack || h->avg > h->wrst + slack)
		return import_fail(err, line, "expected Best <= Avg <= Wrst (hop %u: %.1f, %.1f, %.1f)",
				   h->ttl, h->best, h->avg, h->wrst);
	return 0;
}

int import_check_hop(struct model_hop *h, double loss_tol, struct import_error *err, unsigned line)
{
	if (h->has & MODEL_HAS_RECV) {
		if (h->recv > h->snt)
			return import_fail(err, line, "expected Rcv <= Snt (hop %u: %lu > %lu)", h->ttl,
					   h->recv, h->snt);
		if (h->snt && loss_tol < 0) /* no Loss% printed: the counts say it */
			h->loss_pct = (double)(h->snt - h->recv) * 100.0 / (double)h->snt;
	} else if (h->snt && loss_tol >= 0) {
		derive_recv(h, loss_tol);
	}
	if (!(h->has & MODEL_HAS_DROP))
		h->drop = h->snt - h->recv;
	if (h->recv && check_times(h, err, line) != 0)
		return -1;
	return 0;
}

static void fill_dst(struct model_trace *t)
{
	const struct model_hop *last = &t->hops[t->n_hops - 1];
	if (t->dst[0] || last->n_resp == 0)
		return;
	const struct model_responder *r = &last->resp[last->latest];
	snprintf(t->dst, sizeof(t->dst), "%s", r->text);
	t->dst_addr = r->addr;
}

/* What reports leave out but renderers print: the cycles run (-c) and, when
 * one router answered a hop, its share of the replies. */
static void fill_counts(struct model_trace *t)
{
	unsigned long most = 0;
	for (size_t i = 0; i < t->n_hops; i++) {
		struct model_hop *h = &t->hops[i];
		most = h->snt > most ? h->snt : most;
		if (h->n_resp == 1 && h->resp[0].replies == 0)
			h->resp[0].replies = h->recv;
	}
	if (t->tests == 0)
		t->tests = most;
}

/* The last hop answered, and it is the target when the report names the
 * target's address (JSON, XML, CSV): a trace that stops at a router before
 * it did not reach the target, however clean. */
static bool reached_target(const struct model_trace *t)
{
	const struct model_hop *last = &t->hops[t->n_hops - 1];
	if (last->n_resp == 0 || last->recv == 0)
		return false;
	if (t->dst_addr.family == AF_UNSPEC)
		return true;
	bool any_addr = false; /* a name alone cannot be compared */
	for (unsigned i = 0; i < last->n_resp; i++) {
		any_addr |= last->resp[i].addr.family != AF_UNSPEC;
		if (model_addr_equal(&last->resp[i].addr, &t->dst_addr))
			return true;
	}
	return !any_addr;
}

int import_finish(struct model_trace *t, struct import_error *err, unsigned line)
{
	if (t->n_hops == 0)
		return import_fail(err, line ? line : 1, "expected at least one hop; the report has none");
	fill_dst(t);
	fill_counts(t);
	t->reached = reached_target(t);
	return 0;
}

void import_resp_stats(const struct model_hop *own, struct model_resp_stats *st)
{
	unsigned long drop = own->has & MODEL_HAS_DROP
	                     ? own->drop
	                     : (unsigned long)(own->loss_pct * (double)own->snt / 100.0 + 0.5);
	*st = (struct model_resp_stats){ .has = own->snt > 0, .snt = own->snt, .drop = drop,
		                         .recv = own->snt > drop ? own->snt - drop : 0,
		                         .loss_pct = own->loss_pct, .last = own->last,
		                         .avg = own->avg, .best = own->best, .wrst = own->wrst,
		                         .stdev = own->stdev };
}
