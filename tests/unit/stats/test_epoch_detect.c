/* epoch_detect: a route change against ECMP alternation, answer by answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "model/model.h"
#include "stats/epoch_detect.h"

static struct model_addr addr(const char *text)
{
	struct model_addr a;
	assert_int_equal(model_addr_parse(text, &a), 0);
	return a;
}

/* One answer at ttl in round from text; true when it completes a change. */
static bool answer(struct epoch_detect *d, unsigned ttl, unsigned long round, const char *text,
                   bool target, struct epoch_change *ch)
{
	struct model_addr a = addr(text);
	return epoch_detect_answer(d, ttl, round, &a, target, ch);
}

static void replaced_responder_is_a_change_after_k_rounds(void **state)
{
	(void)state;
	struct epoch_detect *d = epoch_detect_new(0);
	struct epoch_change ch;
	unsigned long r = 0;
	for (; r < 20; r++)
		assert_false(answer(d, 3, r, "10.0.3.1", false, &ch));
	/* r3 goes silent for two rounds, then r3b answers at hop 3 */
	for (unsigned long n = 0; n < EPOCH_DETECT_K - 1; n++)
		assert_false(answer(d, 3, r + 2 + n, "10.0.3.2", false, &ch));
	assert_true(answer(d, 3, r + 2 + EPOCH_DETECT_K - 1, "10.0.3.2", false, &ch));
	assert_int_equal(ch.ttl, 3);
	assert_false(ch.end_moved);
	assert_int_equal(ch.first_round, 20); /* right after r3's last answer (round 19) */
	assert_int_equal(ch.changed_round, 22); /* r3b's first answer */
	epoch_detect_free(d);
}

static void ecmp_alternation_is_no_change(void **state)
{
	(void)state;
	struct epoch_detect *d = epoch_detect_new(0);
	struct epoch_change ch;
	srand(7);
	for (unsigned long r = 0; r < 2000; r++) {
		const char *who = rand() % 2 ? "10.0.3.1" : "10.0.3.2";
		assert_false(answer(d, 3, r, who, false, &ch));
	}
	epoch_detect_free(d);
}

/* Even a long run of one branch after the first answers: both have been
 * seen, so no window is free of the old set. */
static void a_run_of_one_branch_after_both_is_no_change(void **state)
{
	(void)state;
	struct epoch_detect *d = epoch_detect_new(0);
	struct epoch_change ch;
	unsigned long r = 0;
	for (; r < 2 * EPOCH_DETECT_K + 1; r++)
		assert_false(answer(d, 3, r, r % 2 ? "10.0.3.1" : "10.0.3.2", false, &ch));
	for (unsigned long n = 0; n < 50; n++, r++)
		assert_false(answer(d, 3, r, "10.0.3.2", false, &ch));
	epoch_detect_free(d);
}

static void too_few_old_answers_make_no_change(void **state)
{
	(void)state;
	struct epoch_detect *d = epoch_detect_new(0);
	struct epoch_change ch;
	unsigned long r = 0;
	for (; r < EPOCH_DETECT_K; r++) /* the first round's extra TTL, say */
		assert_false(answer(d, 7, r, "10.9.9.9", true, &ch));
	/* then routers answer at 7 (the target was past it): before 2K old
	 * answers, no change; by then the router is one of them */
	for (unsigned long n = 0; n < 3 * EPOCH_DETECT_K; n++, r++)
		assert_false(answer(d, 7, r, "10.0.7.1", false, &ch));
	epoch_detect_free(d);
}

/* The target moves from TTL 6 to 8 behind silent routers: no responder
 * changes at any TTL, only the target's TTL. */
static void target_moving_farther_is_a_change(void **state)
{
	(void)state;
	struct epoch_detect *d = epoch_detect_new(0);
	struct epoch_change ch;
	assert_false(answer(d, 7, 0, "10.9.9.9", true, &ch)); /* first round, one TTL past */
	unsigned long r = 0;
	for (; r < 25; r++)
		assert_false(answer(d, 6, r, "10.9.9.9", true, &ch));
	r += 5; /* timeouts at 6 until the engine relearns the end */
	/* the relearning round probes past the new end: one round, end 8 */
	assert_false(answer(d, 9, r, "10.9.9.9", true, &ch));
	assert_false(answer(d, 10, r, "10.9.9.9", true, &ch));
	assert_false(answer(d, 11, r, "10.9.9.9", true, &ch));
	assert_false(answer(d, 12, r, "10.9.9.9", true, &ch));
	for (unsigned long n = 0; n < EPOCH_DETECT_K - 1; n++)
		assert_false(answer(d, 8, r + n, "10.9.9.9", true, &ch));
	assert_true(answer(d, 8, r + EPOCH_DETECT_K - 1, "10.9.9.9", true, &ch));
	assert_true(ch.end_moved);
	assert_int_equal(ch.ttl, 8);
	assert_int_equal(ch.first_round, 25);
	epoch_detect_free(d);
}

static void target_moving_nearer_is_a_change(void **state)
{
	(void)state;
	struct epoch_detect *d = epoch_detect_new(0);
	struct epoch_change ch;
	unsigned long r = 0;
	for (; r < 25; r++)
		assert_false(answer(d, 8, r, "10.9.9.9", true, &ch));
	bool changed = false;
	for (unsigned long n = 0; n < EPOCH_DETECT_K && !changed; n++)
		changed = answer(d, 6, r + n, "10.9.9.9", true, &ch);
	assert_true(changed);
	assert_true(ch.end_moved);
	assert_int_equal(ch.first_round, 25);
	epoch_detect_free(d);
}

/* A lossy target misses its end TTL now and then; the engine's relearning
 * round then has it answer one TTL farther once: no change. */
static void a_lossy_target_is_no_change(void **state)
{
	(void)state;
	struct epoch_detect *d = epoch_detect_new(0);
	struct epoch_change ch;
	for (unsigned long r = 0; r < 500; r++)
		assert_false(answer(d, r % 7 == 3 ? 7 : 6, r, "10.9.9.9", true, &ch));
	epoch_detect_free(d);
}

/* The detector grows to the TTLs answered: what a low TTL holds survives
 * the growth, and the highest TTL is tracked too. */
static void tracks_survive_growing_to_high_ttls(void **state)
{
	(void)state;
	struct epoch_detect *d = epoch_detect_new(0);
	struct epoch_change ch;
	unsigned long r = 0;
	for (; r < 2 * EPOCH_DETECT_K; r++) {
		assert_false(answer(d, 3, r, "10.0.3.1", false, &ch));
		assert_false(answer(d, MODEL_MAX_HOPS, r, "10.0.9.1", false, &ch));
		/* every round a higher TTL: the tracks grow again and again */
		assert_false(answer(d, 4 + 24 * (unsigned)r, r, "10.0.4.1", false, &ch));
	}
	for (unsigned long n = 0; n < EPOCH_DETECT_K - 1; n++)
		assert_false(answer(d, 3, r + n, "10.0.3.2", false, &ch));
	assert_true(answer(d, 3, r + EPOCH_DETECT_K - 1, "10.0.3.2", false, &ch));
	assert_int_equal(ch.ttl, 3);
	assert_int_equal(ch.first_round, r);
	epoch_detect_free(d);
	d = epoch_detect_new(0);
	for (r = 0; r < 2 * EPOCH_DETECT_K; r++)
		assert_false(answer(d, MODEL_MAX_HOPS, r, "10.0.9.1", false, &ch));
	for (unsigned long n = 0; n < EPOCH_DETECT_K - 1; n++)
		assert_false(answer(d, MODEL_MAX_HOPS, r + n, "10.0.9.2", false, &ch));
	assert_true(answer(d, MODEL_MAX_HOPS, r + EPOCH_DETECT_K - 1, "10.0.9.2", false, &ch));
	assert_int_equal(ch.ttl, MODEL_MAX_HOPS);
	epoch_detect_free(d);
}

static void answers_of_an_earlier_epoch_are_ignored(void **state)
{
	(void)state;
	struct epoch_detect *d = epoch_detect_new(100);
	struct epoch_change ch;
	for (unsigned long r = 0; r < 30; r++)
		assert_false(answer(d, 3, r, "10.0.3.1", false, &ch));
	for (unsigned long r = 100; r < 100 + EPOCH_DETECT_K; r++)
		assert_false(answer(d, 3, r, "10.0.3.2", false, &ch));
	epoch_detect_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(replaced_responder_is_a_change_after_k_rounds),
		cmocka_unit_test(ecmp_alternation_is_no_change),
		cmocka_unit_test(a_run_of_one_branch_after_both_is_no_change),
		cmocka_unit_test(too_few_old_answers_make_no_change),
		cmocka_unit_test(target_moving_farther_is_a_change),
		cmocka_unit_test(target_moving_nearer_is_a_change),
		cmocka_unit_test(a_lossy_target_is_no_change),
		cmocka_unit_test(answers_of_an_earlier_epoch_are_ignored),
		cmocka_unit_test(tracks_survive_growing_to_high_ttls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
