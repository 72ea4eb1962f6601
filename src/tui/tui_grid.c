#include "tui/tui_grid.h"

#include <stdlib.h>
#include <string.h>

#define GRID_MAX_SIDE 1000

struct tui_grid {
	int w, h;
	char *text;          /* h rows of w + 1 bytes (NUL-terminated) */
	unsigned char *attr; /* h rows of w bytes */
};

struct tui_grid *tui_grid_new(int width, int height)
{
	if (width < 1 || height < 1 || width > GRID_MAX_SIDE || height > GRID_MAX_SIDE)
		return NULL;
	struct tui_grid *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->w = width;
	g->h = height;
	g->text = malloc((size_t)height * (size_t)(width + 1));
	g->attr = malloc((size_t)height * (size_t)width);
	if (!g->text || !g->attr) {
		tui_grid_free(g);
		return NULL;
	}
	tui_grid_clear(g);
	return g;
}

void tui_grid_free(struct tui_grid *g)
{
	if (!g)
		return;
	free(g->text);
	free(g->attr);
	free(g);
}

int tui_grid_width(const struct tui_grid *g)
{
	return g->w;
}

int tui_grid_height(const struct tui_grid *g)
{
	return g->h;
}

static char *row_text(const struct tui_grid *g, int row)
{
	return g->text + (size_t)row * (size_t)(g->w + 1);
}

static unsigned char *row_attr(const struct tui_grid *g, int row)
{
	return g->attr + (size_t)row * (size_t)g->w;
}

void tui_grid_clear(struct tui_grid *g)
{
	for (int r = 0; r < g->h; r++) {
		memset(row_text(g, r), ' ', (size_t)g->w);
		row_text(g, r)[g->w] = '\0';
	}
	memset(g->attr, 0, (size_t)g->h * (size_t)g->w);
}

static char printable(char c)
{
	return c >= 0x20 && c < 0x7f ? c : '?';
}

int tui_grid_put(struct tui_grid *g, int row, int col, const char *text, unsigned attr)
{
	int c = col;
	for (const char *p = text; *p; p++, c++) {
		if (row < 0 || row >= g->h || c < 0 || c >= g->w)
			continue;
		row_text(g, row)[c] = printable(*p);
		row_attr(g, row)[c] = (unsigned char)attr;
	}
	return c;
}

void tui_grid_mark(struct tui_grid *g, int row, int col, int n, unsigned attr)
{
	if (row < 0 || row >= g->h)
		return;
	for (int c = col < 0 ? 0 : col; c < col + n && c < g->w; c++)
		row_attr(g, row)[c] |= (unsigned char)attr;
}

const char *tui_grid_row(const struct tui_grid *g, int row)
{
	return row_text(g, row);
}

const unsigned char *tui_grid_attrs(const struct tui_grid *g, int row)
{
	return row_attr(g, row);
}

bool tui_grid_equal(const struct tui_grid *a, const struct tui_grid *b)
{
	if (a->w != b->w || a->h != b->h)
		return false;
	return memcmp(a->text, b->text, (size_t)a->h * (size_t)(a->w + 1)) == 0 &&
	       memcmp(a->attr, b->attr, (size_t)a->h * (size_t)a->w) == 0;
}

int tui_grid_copy(struct tui_grid *dst, const struct tui_grid *src)
{
	if (dst->w != src->w || dst->h != src->h)
		return -1;
	memcpy(dst->text, src->text, (size_t)src->h * (size_t)(src->w + 1));
	memcpy(dst->attr, src->attr, (size_t)src->h * (size_t)src->w);
	return 0;
}

static char attr_letter(unsigned a)
{
	static const char letters[] = "brXg";
	if (a == 0)
		return ' ';
	if (a & (a - 1))
		return '*';
	for (unsigned i = 0; letters[i]; i++)
		if (a == 1u << i)
			return letters[i];
	return '*';
}

static void print_text_row(const struct tui_grid *g, int r, struct sink *out)
{
	const char *t = row_text(g, r);
	size_t n = (size_t)g->w;
	while (n > 0 && t[n - 1] == ' ')
		n--;
	sink_write(out, t, n);
	sink_puts(out, "\n");
}

static void print_attr_row(const struct tui_grid *g, int r, struct sink *out)
{
	const unsigned char *a = row_attr(g, r);
	int n = g->w;
	while (n > 0 && a[n - 1] == 0)
		n--;
	if (n == 0)
		return;
	sink_printf(out, "%2d: ", r);
	for (int c = 0; c < n; c++) {
		char l = attr_letter(a[c]);
		sink_write(out, &l, 1);
	}
	sink_puts(out, "\n");
}

int tui_grid_print(const struct tui_grid *g, struct sink *out)
{
	for (int r = 0; r < g->h; r++)
		print_text_row(g, r, out);
	sink_puts(out, "attributes:\n");
	for (int r = 0; r < g->h; r++)
		print_attr_row(g, r, out);
	return sink_error(out);
}
