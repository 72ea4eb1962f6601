#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli/opts.h"
#include "cli/view.h"

static struct config cfg_of(bool curses, bool output_given)
{
	struct config c;
	opts_defaults(&c);
	c.curses = curses;
	c.output_given = output_given;
	return c;
}

static void a_terminal_without_output_flags_opens_the_view(void **state)
{
	(void)state;
	const char *note;
	struct config c = cfg_of(false, false);
	assert_true(view_wanted(&c, true, true, &note));
	assert_string_equal(note, "");
}

static void output_flags_keep_their_report(void **state)
{
	(void)state;
	const char *note;
	struct config c = cfg_of(false, true);
	assert_false(view_wanted(&c, true, true, &note));
	assert_string_equal(note, ""); /* asked for: nothing to say */
}

static void no_terminal_says_so_once_and_reports(void **state)
{
	(void)state;
	const char *note;
	struct config c = cfg_of(false, false);
	assert_false(view_wanted(&c, true, false, &note));
	assert_string_equal(note, "not a terminal: printing a report instead of the interactive view");
	assert_false(view_wanted(&c, false, true, &note));
	assert_true(note[0] != '\0');
}

static void curses_forces_the_view(void **state)
{
	(void)state;
	const char *note;
	struct config c = cfg_of(true, true);
	assert_true(view_wanted(&c, false, false, &note));
	assert_string_equal(note, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_terminal_without_output_flags_opens_the_view),
		cmocka_unit_test(output_flags_keep_their_report),
		cmocka_unit_test(no_terminal_says_so_once_and_reports),
		cmocka_unit_test(curses_forces_the_view),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
