#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/field.h"
#include "tui/tui_state.h"

static struct tui_state fresh(void)
{
	struct tui_state s;
	tui_state_init(&s, NULL, true, false, MODEL_PROTO_ICMP, 0);
	return s;
}

static void init_takes_defaults_and_clamps_the_mode(void **state)
{
	(void)state;
	struct tui_state s;
	tui_state_init(&s, "", false, true, MODEL_PROTO_TCP, 9);
	assert_string_equal(s.fields, FIELD_DEFAULT);
	assert_int_equal(s.mode, TUI_MODE_STATS);
	assert_false(s.want_names);
	assert_true(s.show_ips);
	tui_state_init(&s, "LS", true, false, MODEL_PROTO_ICMP, 2);
	assert_int_equal(s.mode, TUI_MODE_SCALE);
	assert_string_equal(tui_state_fields(&s), "LS");
}

static void run_keys_ask_for_actions(void **state)
{
	(void)state;
	struct tui_state s = fresh();
	assert_int_equal(tui_state_key(&s, 'p'), TUI_ACT_PAUSE);
	assert_true(s.paused);
	assert_int_equal(tui_state_key(&s, ' '), TUI_ACT_RESUME);
	assert_false(s.paused);
	assert_int_equal(tui_state_key(&s, 'r'), TUI_ACT_RESET);
	assert_int_equal(tui_state_key(&s, 'e'), TUI_ACT_EXPORT);
	assert_int_equal(tui_state_key(&s, 'f'), TUI_ACT_FOLLOWUP);
	assert_int_equal(tui_state_key(&s, 'q'), TUI_ACT_QUIT);
	assert_int_equal(tui_state_key(&s, 'Z'), TUI_ACT_NONE);
}

static void u_and_t_switch_and_switch_back(void **state)
{
	(void)state;
	struct tui_state s = fresh();
	assert_int_equal(tui_state_key(&s, 'u'), TUI_ACT_PROTO);
	assert_int_equal(s.proto, MODEL_PROTO_UDP);
	assert_int_equal(tui_state_key(&s, 't'), TUI_ACT_PROTO);
	assert_int_equal(s.proto, MODEL_PROTO_TCP);
	assert_int_equal(tui_state_key(&s, 't'), TUI_ACT_PROTO);
	assert_int_equal(s.proto, MODEL_PROTO_ICMP);
}

static void view_keys_toggle(void **state)
{
	(void)state;
	struct tui_state s = fresh();
	for (int i = 1; i <= TUI_N_MODES; i++) {
		assert_int_equal(tui_state_key(&s, 'd'), TUI_ACT_REDRAW);
		assert_int_equal(s.mode, i % TUI_N_MODES);
	}
	tui_state_key(&s, 'n');
	assert_false(s.want_names);
	tui_state_key(&s, 'b');
	assert_true(s.show_ips);
	tui_state_key(&s, 'j');
	assert_string_equal(tui_state_fields(&s), TUI_JITTER_FIELDS);
	tui_state_key(&s, 'j');
	assert_string_equal(tui_state_fields(&s), FIELD_DEFAULT);
}

static void help_closes_on_any_key_without_acting(void **state)
{
	(void)state;
	struct tui_state s = fresh();
	tui_state_key(&s, '?');
	assert_true(s.help);
	assert_int_equal(tui_state_key(&s, 'p'), TUI_ACT_REDRAW);
	assert_false(s.help);
	assert_false(s.paused);
	tui_state_key(&s, 'h');
	assert_int_equal(tui_state_key(&s, 'q'), TUI_ACT_QUIT);
}

static void order_prompt_applies_valid_letters_only(void **state)
{
	(void)state;
	struct tui_state s = fresh();
	tui_state_key(&s, 'o');
	assert_true(s.prompting);
	assert_int_equal(tui_state_key(&s, 'q'), TUI_ACT_REDRAW); /* typed, not quit */
	tui_state_key(&s, TUI_KEY_BACKSPACE);
	tui_state_key(&s, 'L');
	tui_state_key(&s, 'D');
	tui_state_key(&s, TUI_KEY_ENTER);
	assert_false(s.prompting);
	assert_string_equal(s.fields, "LD");
	tui_state_key(&s, 'o');
	tui_state_key(&s, '%');
	tui_state_key(&s, TUI_KEY_ENTER);
	assert_string_equal(s.fields, "LD");
	assert_true(s.message[0] != '\0');
	tui_state_key(&s, 'o');
	tui_state_key(&s, 'S');
	tui_state_key(&s, TUI_KEY_ESC);
	assert_false(s.prompting);
	assert_string_equal(s.fields, "LD");
}

static void scrolling_stays_in_range(void **state)
{
	(void)state;
	struct tui_state s = fresh();
	tui_state_key(&s, '-');
	tui_state_key(&s, TUI_KEY_UP);
	assert_int_equal(s.scroll, 0);
	tui_state_key(&s, '+');
	tui_state_key(&s, TUI_KEY_DOWN);
	tui_state_key(&s, TUI_KEY_PGDN);
	assert_int_equal(s.scroll, 12);
	tui_state_clamp_scroll(&s, 40, 30);
	assert_int_equal(s.scroll, 10);
	tui_state_clamp_scroll(&s, 5, 30);
	assert_int_equal(s.scroll, 0);
	tui_state_key(&s, TUI_KEY_PGDN);
	tui_state_key(&s, TUI_KEY_HOME);
	assert_int_equal(s.scroll, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_takes_defaults_and_clamps_the_mode),
		cmocka_unit_test(run_keys_ask_for_actions),
		cmocka_unit_test(u_and_t_switch_and_switch_back),
		cmocka_unit_test(view_keys_toggle),
		cmocka_unit_test(help_closes_on_any_key_without_acting),
		cmocka_unit_test(order_prompt_applies_valid_letters_only),
		cmocka_unit_test(scrolling_stays_in_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
