#include "host/host_parse.h"

#include <limits.h>
#include <stdbool.h>
#include <string.h>

/* A cursor over one line's words. */
struct words {
	const char *p, *end;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The next line of [*p, end) as [line, line_end); false at the end. */
static bool next_line(const char **p, const char *end, struct words *line)
{
	if (*p >= end)
		return false;
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	line->p = *p;
	line->end = nl ? nl : end;
	*p = nl ? nl + 1 : end;
	return true;
}

/* The next blank-separated word; false when the line has no more. */
static bool next_word(struct words *w, const char **word, size_t *len)
{
	while (w->p < w->end && is_blank(*w->p))
		w->p++;
	if (w->p >= w->end)
		return false;
	*word = w->p;
	while (w->p < w->end && !is_blank(*w->p))
		w->p++;
	*len = (size_t)(w->p - *word);
	return true;
}

static bool line_is_blank(struct words line)
{
	const char *word;
	size_t n;
	return !next_word(&line, &word, &n);
}

static int digit_value(char c, unsigned base)
{
	int v = -1;
	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (base == 16 && c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (base == 16 && c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	return v;
}

/* A whole word as a number in `base`, with a range check. */
static int word_number(const char *s, size_t len, unsigned base, uint64_t *out)
{
	uint64_t v = 0;
	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int d = digit_value(s[i], base);
		if (d < 0 || v > (UINT64_MAX - (uint64_t)d) / base)
			return -1;
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return 0;
}

static bool word_is(const char *s, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(s, want, len) == 0;
}

int host_parse_uint(const char *buf, size_t len, uint64_t *out)
{
	struct words w = {buf, buf + len};
	const char *word, *extra;
	size_t n, n_extra;
	if (!next_word(&w, &word, &n) || word_number(word, n, 10, out) != 0)
		return -1;
	return next_word(&w, &extra, &n_extra) ? -1 : 0;
}

int host_parse_text(const char *buf, size_t len, char *out, size_t outlen)
{
	const char *nl = memchr(buf, '\n', len);
	struct words w = {buf, nl ? nl : buf + len}; /* the first line only */
	const char *word;
	size_t n, used = 0;
	if (outlen == 0)
		return -1;
	out[0] = '\0';
	while (next_word(&w, &word, &n)) {
		if (used + (used ? 1 : 0) + n >= outlen)
			return -1;
		if (used)
			out[used++] = ' ';
		for (size_t i = 0; i < n; i++) {
			if (word[i] < 0x21 || word[i] > 0x7e)
				return -1;
			out[used++] = word[i];
		}
		out[used] = '\0';
	}
	return used ? 0 : -1;
}

/* Kernels since 5.10 print the CPU's number in column 13. */
#define SOFTNET_CPU_COLUMN 13

/* Columns 2, 3 and the CPU of one softnet_stat line; every column must be
 * hex. row->cpu is left alone when the line has no CPU column. */
static int softnet_line(struct words *line, struct host_cpu_softnet *row)
{
	const char *word;
	size_t n, col = 0;
	uint64_t v;
	while (next_word(line, &word, &n)) {
		if (word_number(word, n, 16, &v) != 0)
			return -1;
		col++;
		if (col == 2)
			row->dropped = v;
		else if (col == 3)
			row->squeezed = v;
		else if (col == SOFTNET_CPU_COLUMN && v <= UINT16_MAX)
			row->cpu = (unsigned)v;
	}
	return col >= 3 ? 0 : -1;
}

static void add_capped(uint64_t *sum, uint64_t v)
{
	*sum = v > UINT64_MAX - *sum ? UINT64_MAX : *sum + v;
}

int host_parse_softnet(const char *buf, size_t len, struct host_softnet *out)
{
	const char *p = buf, *end = buf + len;
	struct words line;
	memset(out, 0, sizeof(*out));
	while (next_line(&p, end, &line)) {
		struct host_cpu_softnet row = {.cpu = out->rows};
		if (line_is_blank(line))
			continue;
		if (softnet_line(&line, &row) != 0 || out->rows == UINT_MAX)
			return -1;
		add_capped(&out->dropped, row.dropped);
		add_capped(&out->squeezed, row.squeezed);
		if (out->rows < HOST_MAX_CPUS)
			out->cpu[out->rows] = row;
		out->rows++;
	}
	return out->rows ? 0 : -1;
}

/* The line's first word is "GROUP:". */
static bool line_of_group(struct words line, const char *group)
{
	const char *word;
	size_t n, g = strlen(group);
	return next_word(&line, &word, &n) && n == g + 1 && memcmp(word, group, g) == 0 &&
	       word[g] == ':';
}

/* The index (from 1, after the group word) of `field` in a names line. */
static size_t field_index(struct words line, const char *field)
{
	const char *word;
	size_t n, i = 0;
	next_word(&line, &word, &n); /* the group */
	while (next_word(&line, &word, &n)) {
		i++;
		if (word_is(word, n, field))
			return i;
	}
	return 0;
}

/* snmp prints Tcp MaxConn as -1: a negative number is UINT64_MAX. */
static int signed_number(const char *word, size_t n, unsigned base, uint64_t *out)
{
	if (n > 1 && word[0] == '-') {
		if (word_number(word + 1, n - 1, base, out) != 0)
			return -1;
		*out = UINT64_MAX;
		return 0;
	}
	return word_number(word, n, base, out);
}

/* Word number idx (from 1, after the group word) of a values line. */
static int value_at(struct words line, size_t idx, unsigned base, uint64_t *out)
{
	const char *word;
	size_t n, i = 0;
	next_word(&line, &word, &n);
	while (next_word(&line, &word, &n))
		if (++i == idx)
			return signed_number(word, n, base, out);
	return -1;
}

int host_parse_snmp(const char *buf, size_t len, const char *group, const char *field,
                     uint64_t *out)
{
	const char *p = buf, *end = buf + len;
	struct words names, values;
	while (next_line(&p, end, &names)) {
		if (!line_of_group(names, group))
			continue;
		if (!next_line(&p, end, &values) || !line_of_group(values, group))
			return -1;
		size_t idx = field_index(names, field);
		if (idx)
			return value_at(values, idx, 10, out);
	}
	return -1;
}

/* The column of `field` in the header line (from 1). */
static size_t ct_column(struct words line, const char *field)
{
	const char *word;
	size_t n, i = 0;
	while (next_word(&line, &word, &n)) {
		i++;
		if (word_is(word, n, field))
			return i;
	}
	return 0;
}

/* Word number idx (from 1) of a line, in hex. */
static int ct_value(struct words line, size_t idx, uint64_t *out)
{
	const char *word;
	size_t n, i = 0;
	while (next_word(&line, &word, &n))
		if (++i == idx)
			return word_number(word, n, 16, out);
	return -1;
}

int host_parse_ct_stat(const char *buf, size_t len, const char *field, uint64_t *out)
{
	const char *p = buf, *end = buf + len;
	struct words line;
	if (!next_line(&p, end, &line))
		return -1;
	size_t col = ct_column(line, field);
	uint64_t sum = 0, v;
	unsigned rows = 0;
	if (col == 0)
		return -1;
	while (next_line(&p, end, &line)) {
		if (line_is_blank(line))
			continue;
		if (ct_value(line, col, &v) != 0)
			return -1;
		add_capped(&sum, v);
		rows++;
	}
	if (rows == 0)
		return -1;
	*out = sum;
	return 0;
}
