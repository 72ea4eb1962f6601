#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/sink.h"
#include "tui/tui_grid.h"

static void sizes_out_of_range_are_refused(void **state)
{
	(void)state;
	assert_null(tui_grid_new(0, 10));
	assert_null(tui_grid_new(10, 1001));
	struct tui_grid *g = tui_grid_new(1, 1);
	assert_non_null(g);
	tui_grid_free(g);
}

static void text_is_cut_at_the_edge_and_cleaned(void **state)
{
	(void)state;
	struct tui_grid *g = tui_grid_new(8, 2);
	assert_int_equal(tui_grid_put(g, 0, 5, "abcdef", TUI_ATTR_BOLD), 11);
	assert_string_equal(tui_grid_row(g, 0), "     abc");
	assert_int_equal(tui_grid_attrs(g, 0)[7], TUI_ATTR_BOLD);
	tui_grid_put(g, 1, -2, "xy\x1b\tz", TUI_ATTR_NONE);
	assert_string_equal(tui_grid_row(g, 1), "??z     ");
	tui_grid_put(g, 5, 0, "off the grid", TUI_ATTR_NONE); /* ignored */
	tui_grid_free(g);
}

static void marks_add_attributes(void **state)
{
	(void)state;
	struct tui_grid *g = tui_grid_new(6, 1);
	tui_grid_put(g, 0, 0, "ab", TUI_ATTR_BOLD);
	tui_grid_mark(g, 0, 1, 10, TUI_ATTR_BAD);
	assert_int_equal(tui_grid_attrs(g, 0)[0], TUI_ATTR_BOLD);
	assert_int_equal(tui_grid_attrs(g, 0)[1], TUI_ATTR_BOLD | TUI_ATTR_BAD);
	assert_int_equal(tui_grid_attrs(g, 0)[5], TUI_ATTR_BAD);
	tui_grid_free(g);
}

static void equal_and_copy_compare_every_cell(void **state)
{
	(void)state;
	struct tui_grid *a = tui_grid_new(4, 2), *b = tui_grid_new(4, 2), *c = tui_grid_new(4, 3);
	assert_true(tui_grid_equal(a, b));
	tui_grid_mark(a, 1, 3, 1, TUI_ATTR_REVERSE); /* an attribute alone differs */
	assert_false(tui_grid_equal(a, b));
	assert_int_equal(tui_grid_copy(b, a), 0);
	assert_true(tui_grid_equal(a, b));
	assert_int_equal(tui_grid_copy(c, a), -1);
	assert_false(tui_grid_equal(a, c));
	tui_grid_free(a);
	tui_grid_free(b);
	tui_grid_free(c);
}

static void print_shows_text_then_attributes(void **state)
{
	(void)state;
	struct tui_grid *g = tui_grid_new(6, 2);
	tui_grid_put(g, 0, 0, "hi", TUI_ATTR_BOLD);
	tui_grid_put(g, 1, 2, "x", TUI_ATTR_BAD | TUI_ATTR_REVERSE);
	struct sink *out = sink_new_buffer();
	assert_int_equal(tui_grid_print(g, out), 0);
	size_t len;
	assert_string_equal(sink_buffer(out, &len), "hi\n  x\nattributes:\n 0: bb\n 1:   *\n");
	sink_free(out);
	tui_grid_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes_out_of_range_are_refused),
		cmocka_unit_test(text_is_cut_at_the_edge_and_cleaned),
		cmocka_unit_test(marks_add_attributes),
		cmocka_unit_test(equal_and_copy_compare_every_cell),
		cmocka_unit_test(print_shows_text_then_attributes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
