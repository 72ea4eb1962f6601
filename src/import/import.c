#include "import/import.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "import/import_clean.h"
#include "import/import_csv.h"
#include "import/import_json.h"
#include "import/import_listing.h"
#include "import/import_mtr_text.h"
#include "import/import_raw.h"
#include "import/import_util.h"
#include "import/import_winmtr.h"
#include "import/import_xml.h"

/* ---- Detection ------------------------------------------------------------ */

struct format_entry {
	enum import_format fmt;
	const char *name;
	import_parse_fn parse;
};

static const struct format_entry formats[] = {
	{ IMPORT_FMT_UNKNOWN, "unknown", NULL },
	{ IMPORT_FMT_MTR_TEXT, "mtr report", import_mtr_text_parse },
	{ IMPORT_FMT_JSON, "mtr JSON", import_json_parse },
	{ IMPORT_FMT_CSV, "mtr CSV", import_csv_parse },
	{ IMPORT_FMT_XML, "mtr XML", import_xml_parse },
	{ IMPORT_FMT_RAW, "mtr raw", import_raw_parse },
	{ IMPORT_FMT_WINMTR_TEXT, "WinMTR text", import_winmtr_text_parse },
	{ IMPORT_FMT_WINMTR_HTML, "WinMTR HTML", import_winmtr_html_parse },
	{ IMPORT_FMT_LISTING, "hop listing", import_listing_parse },
};

const char *import_format_name(enum import_format f)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].fmt == f)
			return formats[i].name;
	return "unknown";
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && isspace((unsigned char)*p))
		p++;
	return p;
}

/* Blanks within one line only: a scan that crossed blank lines from every
 * line it starts at would be quadratic on a paste of many empty lines. */
static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return p;
}

/* Case-insensitive search in a buffer that need not be NUL-terminated. */
static bool contains(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);
	for (; p + n <= end; p++)
		if (strncasecmp(p, needle, n) == 0)
			return true;
	return false;
}

static bool line_starts(const char *p, const char *end, const char *prefix)
{
	size_t n = strlen(prefix);
	return (size_t)(end - p) >= n && strncasecmp(p, prefix, n) == 0;
}

/* mtr -l lines: a letter, a blank, a hop index. */
static bool looks_raw(const char *p, const char *end)
{
	return end - p >= 3 && strchr("xhpdt", p[0]) && p[1] == ' ' &&
	       isdigit((unsigned char)p[2]);
}

static const char *next_line(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? nl + 1 : end;
}

/* Any line whose first word is a hop number "N." (after blanks or '#'). */
static bool has_hop_line(const char *p, const char *end)
{
	for (const char *l = p; l < end; l = next_line(l, end)) {
		const char *q = l;
		while (q < end && (*q == ' ' || *q == '\t' || *q == '#'))
			q++;
		const char *d = q;
		while (q < end && isdigit((unsigned char)*q))
			q++;
		if (q > d && q < end && *q == '.')
			return true;
	}
	return false;
}

static bool has_line_starting(const char *p, const char *end, const char *prefix)
{
	for (const char *l = p; l < end; l = next_line(l, end))
		if (line_starts(skip_blanks(l, end), end, prefix))
			return true;
	return false;
}

/* A raw line followed by another (or ending the text): one line starting
 * "x 0" is not yet mtr's raw format. */
static bool raw_starts(const char *s, const char *end)
{
	if (!looks_raw(s, end))
		return false;
	const char *n = skip_space(next_line(s, end), end);
	return n >= end || looks_raw(n, end);
}

/* '{', or '[' opening a list of objects: not a prompt's '['. */
static bool json_starts(const char *s, const char *end)
{
	if (*s == '{')
		return true;
	return *s == '[' && skip_space(s + 1, end) < end && *skip_space(s + 1, end) == '{';
}

/* The format whose first line is the first one met, and that line's start. */
static enum import_format opening_line(const char *p, const char *end, const char **at)
{
	for (const char *l = p; l < end; l = next_line(l, end)) {
		const char *s = skip_blanks(l, end);
		*at = l;
		if (s < end && json_starts(s, end))
			return IMPORT_FMT_JSON;
		if (line_starts(s, end, "<?xml") || line_starts(s, end, "<MTR"))
			return IMPORT_FMT_XML;
		if (line_starts(s, end, "Mtr_Version,"))
			return IMPORT_FMT_CSV;
		if (raw_starts(s, end))
			return IMPORT_FMT_RAW;
		if (line_starts(s, end, "HOST:"))
			return IMPORT_FMT_MTR_TEXT;
	}
	*at = p;
	return IMPORT_FMT_UNKNOWN;
}

static bool winmtr_table(const char *p, const char *end)
{
	/* a '|'-framed table, not prose naming WinMTR */
	return has_line_starting(p, end, "|") && contains(p, end, "| Sent") && contains(p, end, "Recv");
}

/* Detection on cleaned text; *at is where the report starts. */
static enum import_format detect_clean(const char *p, const char *end, const char **at)
{
	*at = p;
	if (contains(p, end, "<table") || contains(p, end, "<tr>") || contains(p, end, "<tr ")) {
		const char *x;
		if (opening_line(p, end, &x) != IMPORT_FMT_XML)
			return IMPORT_FMT_WINMTR_HTML;
	}
	if (winmtr_table(p, end))
		return IMPORT_FMT_WINMTR_TEXT;
	enum import_format f = opening_line(p, end, at);
	if (f != IMPORT_FMT_UNKNOWN)
		return f;
	*at = p;
	if (has_hop_line(p, end))
		return IMPORT_FMT_LISTING;
	/* one raw-looking line and nothing else known: raw, so that its parser
	 * names the first line it cannot read */
	return looks_raw(skip_space(p, end), end) ? IMPORT_FMT_RAW : IMPORT_FMT_UNKNOWN;
}

enum import_format import_detect(const char *data, size_t len)
{
	struct import_clean c;
	if (memchr(data, '\0', len) || import_clean_text(data, len, &c) != 0)
		return IMPORT_FMT_UNKNOWN;
	const char *at;
	enum import_format f = detect_clean(c.text, c.text + strlen(c.text), &at);
	import_clean_free(&c);
	return f;
}

/* ---- Entry points --------------------------------------------------------- */

static void set_file(struct import_error *err, const char *name)
{
	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", name ? name : "<input>");
}

static unsigned line_of_nul(const char *data, size_t at)
{
	unsigned line = 1;
	for (size_t i = 0; i < at; i++)
		line += data[i] == '\n';
	return line;
}

/* A report's text within the cleaned paste: cleaned lines first_line... */
struct slice {
	char *text;
	unsigned first_line; /* the cleaned line the slice starts at (1-based) */
};

static unsigned line_number(const char *text, const char *at)
{
	unsigned line = 1;
	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

/* Formats that need their lines at the start (raw lines, CSV rows). */
static void trim_line_starts(char *s)
{
	char *w = s;
	for (bool at_start = true; *s; s++) {
		if (at_start && *s == ' ')
			continue;
		at_start = *s == '\n';
		*w++ = *s;
	}
	*w = '\0';
}

static int parse_slice(const struct slice *sl, enum import_format f, const struct import_clean *c,
		       struct model_trace **out, struct import_error *err)
{
	struct model_trace *t = model_trace_new();
	if (!t)
		return import_fail(err, 0, "out of memory");
	if (f == IMPORT_FMT_RAW || f == IMPORT_FMT_CSV)
		trim_line_starts(sl->text);
	unsigned lines = line_number(sl->text, sl->text + strlen(sl->text));
	int rc = formats[f].parse(sl->text, t, err);
	if (rc == 0)
		rc = import_finish(t, err, lines);
	if (rc != 0) {
		if (err->line)
			err->line = import_clean_origin(c, sl->first_line + err->line - 1);
		model_trace_free(t);
		return -1;
	}
	*out = t;
	return 0;
}

/* The first line the cleaning kept that is not blank: what could not be read. */
static unsigned first_text_line(const struct import_clean *c)
{
	const char *s = c->text;
	for (unsigned line = 1; *s; line++) {
		size_t n = strcspn(s, "\n");
		if (strspn(s, " ") < n)
			return import_clean_origin(c, line);
		s += n + (s[n] == '\n');
	}
	return 1;
}

/* ---- Several reports in one paste ----------------------------------------- */

static bool starts_word(const char *line, const char *word)
{
	while (*line == ' ')
		line++;
	return strncasecmp(line, word, strlen(word)) == 0;
}

/* The hop number a listing row starts with; 0 for other lines. */
static unsigned row_number(const char *line)
{
	while (*line == ' ' || *line == '#')
		line++;
	char *end;
	unsigned long n = isdigit((unsigned char)*line) ? strtoul(line, &end, 10) : 0;
	return n > 0 && n <= MODEL_MAX_HOPS && *end == '.' ? (unsigned)n : 0;
}

/* Whether the line opens a new report of format f (after the first one). */
static bool opens_report(enum import_format f, const char *line)
{
	switch (f) {
	case IMPORT_FMT_MTR_TEXT:
		return starts_word(line, "HOST:");
	case IMPORT_FMT_JSON:
		return line[0] == '{'; /* mtr and hopdoc indent everything inside */
	case IMPORT_FMT_XML:
		return starts_word(line, "<?xml") || starts_word(line, "<MTR");
	case IMPORT_FMT_CSV:
		return starts_word(line, "Mtr_Version,");
	case IMPORT_FMT_WINMTR_TEXT:
		return contains(line, line + strcspn(line, "\n"), "| Sent");
	default:
		return false;
	}
}

struct splitter {
	enum import_format f;
	unsigned last_hop;  /* listings: the last row's hop number */
	char *row_end;      /* listings: the line after that row */
	bool after_decl;    /* XML: the line before was <?xml ...?> */
	bool opened;        /* the first report's opening line was met */
	char *start_line;   /* mtr text: the line before, when it is "Start:" */
};

/* Where a new report starts at line p, or NULL. A listing starts again when
 * a hop number does not increase, right after the previous listing's last
 * row (its header and prose go with the new one). */
static char *report_cut(struct splitter *s, char *p, char *next, bool first)
{
	char *cut = NULL;
	if (s->f == IMPORT_FMT_LISTING) {
		unsigned hop = row_number(p);
		if (hop && hop <= s->last_hop)
			cut = s->row_end;
		if (hop) {
			s->last_hop = hop;
			s->row_end = next;
		}
	} else if (!s->after_decl && opens_report(s->f, p)) {
		if (s->opened && !first)
			cut = s->start_line ? s->start_line : p;
		s->opened = true;
	}
	s->after_decl = s->f == IMPORT_FMT_XML && starts_word(p, "<?xml");
	s->start_line = s->f == IMPORT_FMT_MTR_TEXT && starts_word(p, "Start:") ? p : NULL;
	return cut;
}

/* Cuts the cleaned text (from `from`) at each report start; fills up to max
 * slices and returns the count. With max 1 the parsers see it all, and say
 * "one report per file" themselves. */
static size_t split_reports(char *from, const char *text, enum import_format f, struct slice *sl,
			    size_t max)
{
	struct splitter s = { .f = f };
	size_t n = 0;
	sl[n++] = (struct slice){ .text = from, .first_line = line_number(text, from) };
	for (char *p = from; *p && n < max;) {
		char *nl = strchr(p, '\n');
		char *next = nl ? nl + 1 : p + strlen(p);
		char *cut = report_cut(&s, p, next, p == sl[n - 1].text);
		if (cut && cut > sl[n - 1].text) {
			unsigned first = sl[n - 1].first_line + line_number(sl[n - 1].text, cut) - 1;
			cut[-1] = '\0';
			sl[n++] = (struct slice){ .text = cut, .first_line = first };
		}
		p = next;
	}
	return n;
}

static int import_clean_all(const struct import_clean *c, struct model_trace **out, size_t max, size_t *n_out,
			    struct import_error *err)
{
	const char *at;
	char *text = c->text;
	enum import_format f = detect_clean(text, text + strlen(text), &at);
	if (f == IMPORT_FMT_UNKNOWN)
		return import_fail(err, first_text_line(c),
				   "expected an mtr, WinMTR or hopdoc report or a hop listing "
				   "(\" 1.|-- host  0.0%%  10 ...\"); found none");
	struct slice sl[IMPORT_MAX_REPORTS];
	if (f == IMPORT_FMT_MTR_TEXT)
		at = text; /* its parser skips the words before HOST: and reads Start: */
	size_t n = split_reports(text + (at - text), text, f, sl,
				 max < IMPORT_MAX_REPORTS ? max : IMPORT_MAX_REPORTS);
	for (*n_out = 0; *n_out < n; (*n_out)++)
		if (parse_slice(&sl[*n_out], f, c, &out[*n_out], err) != 0) {
			for (size_t i = 0; i < *n_out; i++)
				model_trace_free(out[i]);
			*n_out = 0;
			return -1;
		}
	return 0;
}

int import_buffer_all(const char *data, size_t len, const char *source_name,
		      struct model_trace **out, size_t max, size_t *n, struct import_error *err)
{
	*n = 0;
	set_file(err, source_name);
	if (len > IMPORT_MAX_BYTES)
		return import_fail(err, 0, "expected a report of at most %u MiB; this input is larger "
					   "(a report of 255 hops takes under 1 MiB)", IMPORT_MAX_BYTES >> 20);
	const char *nul = memchr(data, '\0', len);
	if (nul)
		return import_fail(err, line_of_nul(data, (size_t)(nul - data)),
				   "expected text, found a NUL byte");
	struct import_clean c;
	if (import_clean_text(data, len, &c) != 0)
		return import_fail(err, 0, "out of memory");
	model_text_clean(c.text);
	int rc = import_clean_all(&c, out, max, n, err);
	import_clean_free(&c);
	return rc;
}

int import_buffer(const char *data, size_t len, const char *source_name,
		  struct model_trace **out, struct import_error *err)
{
	size_t n;
	*out = NULL;
	return import_buffer_all(data, len, source_name, out, 1, &n, err);
}

/* Reads at most one byte past the limit: enough for import_buffer to refuse
 * a larger input without holding it (or twice the limit) in memory. */
static int read_all(FILE *f, char **data, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap || n > IMPORT_MAX_BYTES)
			break;
		size_t want = cap * 2 < IMPORT_MAX_BYTES + 1 ? cap * 2 : IMPORT_MAX_BYTES + 1;
		char *bigger = realloc(buf, want);
		if (!bigger) {
			free(buf);
			buf = NULL;
		}
		buf = bigger;
		cap = want;
	}
	if (!buf || ferror(f)) {
		free(buf);
		return -1;
	}
	*data = buf;
	*len = n;
	return 0;
}

int import_file_all(const char *path, struct model_trace **out, size_t max, size_t *n,
		    struct import_error *err)
{
	bool is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "<stdin>" : path;
	*n = 0;
	set_file(err, name);
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	if (!f)
		return import_fail(err, 0, "cannot open: %s", strerror(errno));
	char *data = NULL;
	size_t len = 0;
	int rc = read_all(f, &data, &len);
	int saved = errno;
	if (!is_stdin)
		fclose(f);
	if (rc != 0)
		return import_fail(err, 0, "cannot read: %s", strerror(saved));
	rc = import_buffer_all(data, len, name, out, max, n, err);
	free(data);
	return rc;
}

int import_file(const char *path, struct model_trace **out, struct import_error *err)
{
	size_t n;
	*out = NULL;
	return import_file_all(path, out, 1, &n, err);
}

const char *import_error_text(const struct import_error *err, char *buf, size_t len)
{
	if (err->line)
		snprintf(buf, len, "%s:%u: %s", err->file, err->line, err->msg);
	else
		snprintf(buf, len, "%s: %s", err->file, err->msg);
	return buf;
}
