#include "import/import.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

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
	while (p < end && (isspace((unsigned char)*p) || (unsigned char)*p == 0xef ||
			   (unsigned char)*p == 0xbb || (unsigned char)*p == 0xbf))
		p++; /* blanks and a UTF-8 byte-order mark */
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

/* Any line whose first word is a hop number "N." (after blanks or '#'). */
static bool has_hop_line(const char *p, const char *end)
{
	bool at_start = true;
	for (; p < end; p++) {
		if (*p == '\n') {
			at_start = true;
			continue;
		}
		if (!at_start || *p == ' ' || *p == '\t' || *p == '#')
			continue;
		at_start = false;
		const char *q = p;
		while (q < end && isdigit((unsigned char)*q))
			q++;
		if (q > p && q < end && *q == '.')
			return true;
	}
	return false;
}

static bool has_line_starting(const char *p, const char *end, const char *prefix)
{
	for (const char *l = p; l < end;) {
		const char *s = skip_space(l, end);
		if (line_starts(s, end, prefix))
			return true;
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		if (!nl)
			break;
		l = nl + 1;
	}
	return false;
}

enum import_format import_detect(const char *data, size_t len)
{
	const char *end = data + len;
	const char *p = skip_space(data, end);
	if (p < end && (*p == '{' || *p == '['))
		return IMPORT_FMT_JSON;
	if (line_starts(p, end, "<?xml") || line_starts(p, end, "<MTR"))
		return IMPORT_FMT_XML;
	if (contains(p, end, "<table") || contains(p, end, "<tr"))
		return IMPORT_FMT_WINMTR_HTML;
	if (line_starts(p, end, "Mtr_Version,"))
		return IMPORT_FMT_CSV;
	if (looks_raw(p, end))
		return IMPORT_FMT_RAW;
	if (has_line_starting(p, end, "|") && contains(p, end, "| Sent") && contains(p, end, "Recv"))
		return IMPORT_FMT_WINMTR_TEXT; /* a '|'-framed table, not prose naming WinMTR */
	if (has_line_starting(p, end, "HOST:"))
		return IMPORT_FMT_MTR_TEXT;
	if (has_hop_line(p, end))
		return IMPORT_FMT_LISTING;
	return IMPORT_FMT_UNKNOWN;
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

static int parse_copy(char *text, enum import_format f, unsigned n_lines,
		      struct model_trace **out, struct import_error *err)
{
	struct model_trace *t = model_trace_new();
	if (!t)
		return import_fail(err, 0, "out of memory");
	if (formats[f].parse(text, t, err) != 0 || import_finish(t, err, n_lines) != 0) {
		model_trace_free(t);
		return -1;
	}
	*out = t;
	return 0;
}

int import_buffer(const char *data, size_t len, const char *source_name,
		  struct model_trace **out, struct import_error *err)
{
	*out = NULL;
	set_file(err, source_name);
	if (len > IMPORT_MAX_BYTES)
		return import_fail(err, 0, "expected a report of at most %u MiB; this input is larger "
					   "(a report of 255 hops takes under 1 MiB)", IMPORT_MAX_BYTES >> 20);
	const char *nul = memchr(data, '\0', len);
	if (nul)
		return import_fail(err, line_of_nul(data, (size_t)(nul - data)),
				   "expected text, found a NUL byte");
	enum import_format f = import_detect(data, len);
	if (f == IMPORT_FMT_UNKNOWN)
		return import_fail(err, 1, "expected an mtr, WinMTR or hopdoc report or a hop listing "
					   "(\" 1.|-- host  0.0%%  10 ...\"); found none");
	char *text = malloc(len + 1);
	if (!text)
		return import_fail(err, 0, "out of memory");
	memcpy(text, data, len);
	text[len] = '\0';
	model_text_clean(text);
	int rc = parse_copy(text, f, line_of_nul(data, len), out, err);
	free(text);
	return rc;
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

int import_file(const char *path, struct model_trace **out, struct import_error *err)
{
	bool is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "<stdin>" : path;
	*out = NULL;
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
	rc = import_buffer(data, len, name, out, err);
	free(data);
	return rc;
}

const char *import_error_text(const struct import_error *err, char *buf, size_t len)
{
	if (err->line)
		snprintf(buf, len, "%s:%u: %s", err->file, err->line, err->msg);
	else
		snprintf(buf, len, "%s: %s", err->file, err->msg);
	return buf;
}
