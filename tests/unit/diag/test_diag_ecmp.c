/* R3's ECMP case (diag_ecmp): a lossy member of a load-balanced pair is
 * named with its own loss, when its siblings are clean and the loss goes on
 * to the destination; otherwise R3 (or R2) as before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "diag/diag_ecmp.h"
#include "diag_build.h"

static const struct hs path[] = {
	{ "10.0.0.1", 0, 1, 1, 1, 0 },   { "10.0.1.1", 0, 2, 2, 2, 0 },
	{ "10.0.2.1", 15, 3, 3, 3, 0 },  { "10.0.3.1", 15, 4, 4, 4, 0 },
	{ "10.0.9.9", 15, 5, 5, 5, 0 },
};

/* Hop 3 answered by 10.0.2.1 and 10.0.2.2 with their own figures; the
 * destination loses dest_loss percent of 200. */
static struct model_trace *ecmp_trace(unsigned long snt_a, unsigned long drop_a,
                                      unsigned long snt_b, unsigned long drop_b, double dest_loss)
{
	struct model_trace *t = BUILD(path, 200);
	struct model_hop *h = &t->hops[2];
	struct model_addr b;
	assert_int_equal(model_addr_parse("10.0.2.2", &b), 0);
	assert_non_null(model_hop_responder(h, &b));
	unsigned long snt[2] = { snt_a, snt_b }, drop[2] = { drop_a, drop_b };
	for (unsigned i = 0; i < 2; i++)
		h->resp[i].stats = (struct model_resp_stats){
			.has = true, .snt = snt[i], .recv = snt[i] - drop[i], .drop = drop[i],
			.loss_pct = 100.0 * (double)drop[i] / (double)snt[i], .avg = 3,
			.flows = i ? 0xaa : 0x55 };
	h->snt = snt_a + snt_b;
	h->loss_pct = 100.0 * (double)(drop_a + drop_b) / (double)h->snt;
	for (size_t i = 3; i < 5; i++)
		t->hops[i].loss_pct = dest_loss;
	t->reached = true;
	assert_int_equal(model_addr_parse("10.0.9.9", &t->dst_addr), 0);
	return t;
}

static const struct finding *loss_finding(const struct finding_list *l)
{
	int i = find_kind(l, FINDING_LOSS);
	return i < 0 ? NULL : &l->items[i];
}

static void lossy_member_is_named_with_its_own_loss(void **state)
{
	(void)state;
	struct model_trace *t = ecmp_trace(100, 0, 100, 30, 15);
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(diag_trace(t, &l), 0);
	const struct finding *f = loss_finding(&l);
	assert_non_null(f);
	assert_int_equal(f->hop, 3);
	assert_float_equal(f->loss_pct, 30.0, 1e-9);
	assert_int_equal(f->severity, FINDING_CRITICAL);
	assert_non_null(strstr(f->summary, "10.0.2.2"));
	assert_non_null(strstr(f->summary, "parallel"));
	assert_non_null(strstr(f->evidence, "10.0.2.1 lost 0 of 100"));
	assert_int_equal(f->n_hops, 3);
	finding_list_free(&l);
	model_trace_free(t);
}

static void member_that_passes_traffic_is_no_member_loss(void **state)
{
	(void)state;
	/* 30% of its own answers missing, but the destination loses nothing:
	 * the member limits its ICMP, it forwards every packet. */
	struct model_trace *t = ecmp_trace(100, 0, 100, 30, 0);
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(diag_trace(t, &l), 0);
	assert_int_equal(find_kind(&l, FINDING_LOSS), -1);
	finding_list_free(&l);
	model_trace_free(t);
}

static void both_members_losing_is_the_hops_loss(void **state)
{
	(void)state;
	struct model_trace *t = ecmp_trace(100, 15, 100, 15, 15);
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(diag_trace(t, &l), 0);
	const struct finding *f = loss_finding(&l);
	assert_non_null(f);
	assert_float_equal(f->loss_pct, 15.0, 1e-9);
	assert_null(strstr(f->summary, "parallel"));
	finding_list_free(&l);
	model_trace_free(t);
}

static void too_few_probes_per_member_is_the_hops_loss(void **state)
{
	(void)state;
	struct model_trace *t = ecmp_trace(DIAG_ECMP_MIN_SNT - 1, 0, 100, 30, 15);
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(diag_trace(t, &l), 0);
	const struct finding *f = loss_finding(&l);
	assert_non_null(f);
	assert_null(strstr(f->summary, "parallel"));
	finding_list_free(&l);
	model_trace_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lossy_member_is_named_with_its_own_loss),
		cmocka_unit_test(member_that_passes_traffic_is_no_member_loss),
		cmocka_unit_test(both_members_losing_is_the_hops_loss),
		cmocka_unit_test(too_few_probes_per_member_is_the_hops_loss),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
