#include "import/import_clean.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "import/import_util.h"

#define MAX_INDENT_SCAN 64 /* deeper indentation is not a paste's */

struct cleaner {
	char *out;          /* cleaned bytes so far */
	size_t w;           /* write position */
	size_t prev_start;  /* start of the last kept line, for joins */
	bool have_prev;     /* a non-blank line was kept last */
	unsigned *origin;
	size_t n_lines;
};

/* ---- One line's bytes ------------------------------------------------------ */

/* Copies [s, e) to d as plain text: no CR, BOM, NBSP or TAB. Returns the
 * length written (never more than e - s). */
static size_t decode(const unsigned char *s, const unsigned char *e, char *d)
{
	size_t k = 0;
	while (s < e) {
		if (e - s >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) {
			s += 3; /* byte-order mark */
		} else if (e - s >= 2 && s[0] == 0xc2 && s[1] == 0xa0) {
			d[k++] = ' '; /* no-break space */
			s += 2;
		} else if (e - s >= 3 && s[0] == 0xe2 && s[1] == 0x80 &&
			   (s[2] == 0xaf || s[2] == 0x89 || s[2] == 0x8a)) {
			d[k++] = ' '; /* narrow no-break, thin and hair spaces */
			s += 3;
		} else {
			d[k++] = (*s == '\t' || *s == '\r') ? ' ' : (char)*s;
			s++;
		}
	}
	return k;
}

static size_t leading_blanks(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] == ' ')
		i++;
	return i;
}

/* Removes markdown or mail quote marks ("> ", ">> ", "> > ") at the line's
 * start, in one move (a line of a million '>' stays linear). */
static size_t strip_quotes(char *s, size_t n)
{
	size_t cut = 0;
	for (;;) {
		size_t i = cut + leading_blanks(s + cut, n - cut);
		if (i - cut > 3 || i >= n || s[i] != '>')
			break;
		cut = i + 1;
		if (cut < n && s[cut] == ' ')
			cut++;
	}
	memmove(s, s + cut, n - cut);
	return n - cut;
}

/* Backticks around the report (inline code, a fence glued to a figure). */
static size_t strip_backticks(char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == '`' || s[n - 1] == ' '))
		n--;
	size_t i = leading_blanks(s, n), j = i;
	while (j < n && s[j] == '`')
		j++;
	if (j > i) {
		memmove(s + i, s + j, n - j);
		n -= j - i;
	}
	return n;
}

/* "```", "```console {5-7}"; not "```HOST: ..." or "```  1.|-- ...", a
 * fence glued to the report's first line. */
static bool is_fence(const char *s, size_t n)
{
	size_t i = leading_blanks(s, n);
	if (n - i < 3 || (strncmp(s + i, "```", 3) != 0 && strncmp(s + i, "~~~", 3) != 0))
		return false;
	i += 3;
	while (i < n && (s[i] == '`' || s[i] == '~' || s[i] == ' '))
		i++;
	return i == n || (isalpha((unsigned char)s[i]) && !memchr(s + i, ':', n - i) &&
			  !memchr(s + i, '|', n - i));
}

/* ---- Prompts and command lines -------------------------------------------- */

static bool is_command_word(const char *w, size_t n)
{
	static const char *const words[] = { "mtr",     "sudo",  "hopdoc", "winmtr", "traceroute",
					     "tracert", "doas",  "cat",    "mtr.exe", "pathping" };
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && strncasecmp(w, words[i], n) == 0)
			return true;
	return false;
}

static size_t word_len(const char *s)
{
	size_t n = 0;
	while (s[n] && s[n] != ' ')
		n++;
	return n;
}

/* "[root@host ~]#", "[me@box tmp]$ mtr ..." */
static bool bracket_prompt(const char *s)
{
	if (s[0] != '[')
		return false;
	const char *close = strchr(s, ']');
	if (!close || !memchr(s, '@', (size_t)(close - s)))
		return false;
	close++;
	while (*close == ' ')
		close++;
	return *close == '#' || *close == '$' || *close == '%';
}

/* "user@host:~$", "host%", "C:\Users\me>", "PS C:\>" as the first word. */
static bool word_prompt(const char *s)
{
	if (strncmp(s, "PS ", 3) == 0)
		s += 3;
	size_t n = word_len(s);
	if (n < 2 || s[0] == '<' || !strchr("$#%>", s[n - 1]))
		return false;
	return memchr(s, '@', n) || memchr(s, ':', n) || memchr(s, '\\', n);
}

bool import_clean_is_command(const char *s)
{
	if (bracket_prompt(s) || word_prompt(s))
		return true;
	if ((s[0] == '$' || s[0] == '#' || s[0] == '%') && s[1] == ' ') {
		s += 2;
		while (*s == ' ')
			s++;
		return is_command_word(s, word_len(s)); /* "# 1. host" is a listing row */
	}
	size_t n = word_len(s);
	return is_command_word(s, n) && s[n] == ' ';
}

/* ---- Wrapped lines --------------------------------------------------------- */

/* "0." is no hop number ("0.0%" wrapped onto its own line is a figure). */
static bool nonzero_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != '0')
			return true;
	return false;
}

static bool hop_number_word(const char *s)
{
	size_t i = 0;
	while (s[i] == '#' || s[i] == ' ')
		i++;
	size_t d = i;
	while (isdigit((unsigned char)s[i]))
		i++;
	if (i == d || s[i] != '.') /* s[i + 1] is only read past a '.' */
		return false;
	bool ends = s[i + 1] == ' ' || s[i + 1] == '|' || s[i + 1] == '\0';
	return ends && nonzero_digits(s + d, i - d);
}

static bool figure_word(const char *w, size_t n)
{
	char tok[32];
	if (n == 0 || n >= sizeof(tok))
		return false;
	memcpy(tok, w, n);
	tok[n] = '\0';
	char *comma = strchr(tok, ','); /* a decimal comma, converted once joined */
	if (comma)
		*comma = '.';
	if (tok[n - 1] == '%' && n > 1)
		tok[n - 1] = '\0';
	const char *dot = strchr(tok, '.');
	bool one_dot = !dot || !strchr(dot + 1, '.'); /* "10.0.1.3" is an address */
	return import_is_number(tok) && one_dot && tok[strlen(tok) - 1] != '.';
}

static bool title_word(const char *w, size_t n)
{
	char tok[32];
	if (n == 0 || n >= sizeof(tok))
		return false;
	memcpy(tok, w, n);
	tok[n] = '\0';
	return import_column_letter(tok) != 0;
}

/* Every word of the line passes the test (and there is one). */
static bool all_words(const char *s, bool (*test)(const char *, size_t))
{
	bool any = false;
	while (*s) {
		while (*s == ' ')
			s++;
		size_t n = word_len(s);
		if (n == 0)
			break;
		if (!test(s, n))
			return false;
		any = true;
		s += n;
	}
	return any;
}

/* A mail client broke the last kept line (a hop row or a HOST: line) and
 * this line holds the rest of it. */
static bool continues(const char *prev, const char *s)
{
	while (*prev == ' ')
		prev++;
	if (hop_number_word(prev))
		return !hop_number_word(s) && all_words(s, figure_word);
	return import_starts_with(prev, "HOST:") && all_words(s, title_word);
}

/* "0,0%" and "12,3": a locale's decimal comma, in a hop row's figures. */
static void commas_to_points(char *s)
{
	for (char *c = strchr(s, ','); c; c = strchr(c + 1, ','))
		if (c > s && isdigit((unsigned char)c[-1]) && isdigit((unsigned char)c[1]))
			*c = '.';
}

static void decimal_commas(char *s)
{
	if (hop_number_word(s))
		commas_to_points(s);
}

/* ---- Whole text ------------------------------------------------------------ */

static bool blank(const char *s)
{
	while (*s == ' ')
		s++;
	return *s == '\0';
}

/* Commits the line written at c->out + start (NUL-terminated, no '\n'). */
static void keep_line(struct cleaner *c, size_t start, unsigned line)
{
	char *s = c->out + start;
	decimal_commas(s);
	size_t n = strlen(s);
	if (c->have_prev && !blank(s) && continues(c->out + c->prev_start, s)) {
		c->out[start - 1] = ' '; /* the previous line's '\n' */
		c->w = start + n;
		commas_to_points(s); /* the rest of a hop row */
		return;
	}
	c->origin[c->n_lines++] = line;
	c->have_prev = !blank(s);
	c->prev_start = start;
	c->w = start + n;
}

static void clean_line(struct cleaner *c, const unsigned char *s, const unsigned char *e,
		       unsigned line)
{
	size_t start = c->w;
	char *d = c->out + start;
	size_t n = decode(s, e, d);
	n = strip_quotes(d, n);
	d[n] = '\0'; /* also what remains when the line is dropped */
	if (is_fence(d, n)) {
		d[0] = '\0';
		return;
	}
	n = strip_backticks(d, n);
	d[n] = '\0';
	size_t lead = leading_blanks(d, n);
	if (import_clean_is_command(d + lead)) {
		d[0] = '\0';
		return;
	}
	keep_line(c, start, line);
	c->out[c->w++] = '\n';
	c->out[c->w] = '\0';
}

static size_t common_indent(const struct cleaner *c)
{
	size_t least = MAX_INDENT_SCAN;
	for (const char *s = c->out; *s;) {
		size_t n = strcspn(s, "\n");
		size_t lead = leading_blanks(s, n);
		if (lead < n && lead < least)
			least = lead;
		s += n + (s[n] == '\n');
	}
	return least == MAX_INDENT_SCAN ? 0 : least;
}

static void unindent(struct cleaner *c, size_t by)
{
	size_t r = 0, w = 0;
	while (c->out[r]) {
		size_t n = strcspn(c->out + r, "\n");
		size_t cut = leading_blanks(c->out + r, n) < by ? leading_blanks(c->out + r, n) : by;
		memmove(c->out + w, c->out + r + cut, n - cut);
		w += n - cut;
		r += n;
		if (c->out[r] == '\n')
			c->out[w++] = c->out[r++];
	}
	c->out[w] = '\0';
	c->w = w;
}

int import_clean_text(const char *data, size_t len, struct import_clean *c)
{
	memset(c, 0, sizeof(*c));
	size_t lines = 1;
	for (size_t i = 0; i < len; i++)
		lines += data[i] == '\n';
	struct cleaner k = { .out = malloc(len + 2), .origin = malloc(lines * sizeof(unsigned)) };
	if (!k.out || !k.origin) {
		free(k.out);
		free(k.origin);
		return -1;
	}
	k.out[0] = '\0';
	const unsigned char *p = (const unsigned char *)data, *end = p + len;
	for (unsigned line = 1; p < end; line++) {
		const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
		const unsigned char *e = nl ? nl : end;
		clean_line(&k, p, e, line);
		p = nl ? nl + 1 : end;
	}
	unindent(&k, common_indent(&k));
	c->text = k.out;
	c->origin = k.origin;
	c->n_lines = k.n_lines;
	c->last_line = (unsigned)lines;
	return 0;
}

void import_clean_free(struct import_clean *c)
{
	free(c->text);
	free(c->origin);
	memset(c, 0, sizeof(*c));
}

unsigned import_clean_origin(const struct import_clean *c, unsigned line)
{
	if (line == 0)
		return 0;
	if (line > c->n_lines)
		return c->n_lines ? c->last_line : line;
	return c->origin[line - 1];
}
