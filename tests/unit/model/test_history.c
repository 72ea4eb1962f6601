#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/history.h"

static void assert_sample(const struct model_history *h, unsigned ttl, unsigned long round,
                          enum model_sample_kind kind, double rtt)
{
	struct model_sample s = model_history_get(h, ttl, round);
	assert_int_equal(s.kind, kind);
	if (kind == MODEL_SAMPLE_RTT)
		assert_true(s.rtt_ms > rtt - 1e-3 && s.rtt_ms < rtt + 1e-3);
}

static void zero_rounds_is_refused(void **state)
{
	(void)state;
	assert_null(model_history_new(0));
}

static void notes_answers_losses_and_gaps(void **state)
{
	(void)state;
	struct model_history *h = model_history_new(8);
	assert_int_equal(model_history_note(h, 3, 0, 12.5), 0);
	assert_int_equal(model_history_note(h, 1, 0, -1), 0);
	assert_int_equal(model_history_note(h, 1, 2, 0.25), 0);
	assert_int_equal(model_history_first(h), 0);
	assert_int_equal(model_history_end(h), 3);
	assert_int_equal(model_history_max_ttl(h), 3);
	assert_sample(h, 3, 0, MODEL_SAMPLE_RTT, 12.5);
	assert_sample(h, 1, 0, MODEL_SAMPLE_LOST, 0);
	assert_sample(h, 1, 1, MODEL_SAMPLE_NONE, 0);
	assert_sample(h, 2, 0, MODEL_SAMPLE_NONE, 0);
	assert_sample(h, 1, 2, MODEL_SAMPLE_RTT, 0.25);
	assert_sample(h, 1, 3, MODEL_SAMPLE_NONE, 0);
	assert_int_equal(model_history_note(h, 0, 0, 1), -1);
	assert_int_equal(model_history_note(h, MODEL_MAX_HOPS + 1, 0, 1), -1);
	model_history_free(h);
}

/* The ring reuses cells: a round that drops off must not show through in
 * the round that takes its cell. */
static void old_rounds_drop_off_and_leave_nothing_behind(void **state)
{
	(void)state;
	struct model_history *h = model_history_new(4);
	for (unsigned long r = 0; r < 4; r++)
		model_history_note(h, 2, r, (double)r);
	model_history_note(h, 1, 5, 7.0);
	assert_int_equal(model_history_first(h), 2);
	assert_int_equal(model_history_end(h), 6);
	assert_sample(h, 2, 1, MODEL_SAMPLE_NONE, 0);
	assert_sample(h, 2, 3, MODEL_SAMPLE_RTT, 3.0);
	assert_sample(h, 2, 4, MODEL_SAMPLE_NONE, 0); /* cell of round 0 */
	assert_sample(h, 2, 5, MODEL_SAMPLE_NONE, 0); /* cell of round 1 */
	assert_int_equal(model_history_note(h, 2, 1, 9.0), 0); /* too old: ignored */
	assert_sample(h, 2, 5, MODEL_SAMPLE_NONE, 0);
	model_history_free(h);
}

static void a_jump_past_the_window_starts_afresh(void **state)
{
	(void)state;
	struct model_history *h = model_history_new(4);
	model_history_note(h, 1, 0, 1.0);
	model_history_note(h, 1, 1000000, 2.0);
	assert_int_equal(model_history_first(h), 1000000);
	assert_int_equal(model_history_end(h), 1000001);
	assert_sample(h, 1, 1000000, MODEL_SAMPLE_RTT, 2.0);
	assert_sample(h, 1, 0, MODEL_SAMPLE_NONE, 0);
	model_history_free(h);
}

static void reset_forgets_and_rounds_go_on(void **state)
{
	(void)state;
	struct model_history *h = model_history_new(4);
	model_history_note(h, 5, 0, 1.0);
	model_history_note(h, 5, 1, 2.0);
	model_history_reset(h);
	assert_int_equal(model_history_first(h), model_history_end(h));
	assert_int_equal(model_history_max_ttl(h), 0);
	assert_sample(h, 5, 1, MODEL_SAMPLE_NONE, 0);
	model_history_note(h, 1, 2, 3.0);
	assert_int_equal(model_history_first(h), 2);
	assert_sample(h, 5, 2, MODEL_SAMPLE_NONE, 0);
	model_history_note(h, 5, 5, 4.0); /* reuses round 1's cell, cleared by the reset */
	assert_sample(h, 5, 5, MODEL_SAMPLE_RTT, 4.0);
	assert_sample(h, 5, 3, MODEL_SAMPLE_NONE, 0);
	model_history_free(h);
}

static void events_fill_it(void **state)
{
	(void)state;
	struct model_history *h = model_history_new(16);
	struct event ev = { .type = EVENT_REPLY, .ttl = 4, .round = 1, .rtt_ms = 8.0 };
	assert_int_equal(model_history_event(h, &ev), 0);
	ev.type = EVENT_TIMEOUT;
	ev.round = 2;
	assert_int_equal(model_history_event(h, &ev), 0);
	ev.type = EVENT_LATE;
	ev.round = 3;
	assert_int_equal(model_history_event(h, &ev), 0);
	ev.type = EVENT_SENT;
	ev.round = 9;
	assert_int_equal(model_history_event(h, &ev), 0);
	assert_sample(h, 4, 1, MODEL_SAMPLE_RTT, 8.0);
	assert_sample(h, 4, 2, MODEL_SAMPLE_LOST, 0);
	assert_sample(h, 4, 3, MODEL_SAMPLE_NONE, 0);
	assert_int_equal(model_history_end(h), 3);
	model_history_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zero_rounds_is_refused),
		cmocka_unit_test(notes_answers_losses_and_gaps),
		cmocka_unit_test(old_rounds_drop_off_and_leave_nothing_behind),
		cmocka_unit_test(a_jump_past_the_window_starts_afresh),
		cmocka_unit_test(reset_forgets_and_rounds_go_on),
		cmocka_unit_test(events_fill_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
