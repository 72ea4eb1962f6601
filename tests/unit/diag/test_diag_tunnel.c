/* R7 and MPLS tunnels (diag_tunnel): hops inside a tunnel answer with its far
 * end's time; equal times there are not delays of their own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "diag/diag_tunnel.h"
#include "diag/diag_view.h"
#include "diag_build.h"

/* A path whose hops 3 to 5 show 60 ms (the tunnel's far end) and whose
 * later hops, past the tunnel, show 30 ms: as the last hops of a tunnel
 * whose far end is further away than where the trace leaves it. */
static const struct hs far_end[] = {
    {"192.168.1.1", 0, 1.3, 1.1, 2.0, 0.3},      {"10.0.0.1", 0, 11.1, 10.0, 12.5, 0.7},
    {"203.0.113.5", 0, 60.3, 59.5, 61.5, 0.6},   {"203.0.113.9", 0, 60.5, 59.5, 61.0, 0.4},
    {"203.0.113.13", 0, 61.0, 60.0, 62.0, 0.5},  {"198.51.100.1", 0, 30.2, 29.5, 31.5, 0.7},
    {"198.51.100.10", 0, 30.5, 30.0, 31.3, 0.5}, {"198.51.100.20", 0, 31.0, 30.5, 32.2, 0.6},
};

static void label(struct model_trace *t, unsigned ttl, uint32_t lbl)
{
	struct model_responder *r = &t->hops[ttl - 1].resp[0];
	r->mpls[r->n_mpls++] = (struct model_mpls){ lbl, 0, 1, 1 };
}

static struct model_trace *with_tunnel(const struct hs *spec, size_t n, unsigned from, unsigned to)
{
	struct model_trace *t = build_trace(spec, n, 50);
	for (unsigned ttl = from; ttl <= to; ttl++)
		label(t, ttl, 24000 + ttl);
	return t;
}

static struct finding_list diagnose(struct model_trace *t)
{
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(diag_trace(t, &l), 0);
	model_trace_free(t);
	return l;
}

static void scan(const struct model_trace *t, struct diag_tunnels *ts)
{
	struct diag_view v;
	diag_view_init(&v, t, FINDING_DIR_OUTBOUND, true);
	diag_tunnel_scan(&v, ts);
	diag_view_free(&v);
}

static void labelled_run_with_one_time_is_a_tunnel(void **state)
{
	(void)state;
	struct model_trace *t = with_tunnel(far_end, 8, 3, 5);
	struct diag_tunnels ts;
	scan(t, &ts);
	assert_int_equal(ts.n, 1);
	assert_int_equal(ts.items[0].first, 2);
	assert_int_equal(ts.items[0].last, 4);
	assert_true(fabs(ts.items[0].far_ms - 60.3) < 1e-9);
	assert_null(diag_tunnel_at(&ts, 1));
	assert_non_null(diag_tunnel_at(&ts, 3));
	model_trace_free(t);
}

/* One labelled hop, or labelled hops whose times differ, are no tunnel the
 * rule can lean on: the labels alone say nothing about the times. */
static void lone_label_or_different_times_are_not(void **state)
{
	(void)state;
	struct model_trace *t = with_tunnel(far_end, 8, 3, 3);
	struct diag_tunnels ts;
	scan(t, &ts);
	assert_int_equal(ts.n, 0);
	model_trace_free(t);
	t = with_tunnel(far_end, 8, 5, 6); /* 61.0 then 30.2 */
	scan(t, &ts);
	assert_int_equal(ts.n, 0);
	model_trace_free(t);
}

/* Without labels hops 3-5 read as routers answering slowly; inside a tunnel
 * they are the far end's time: healthy, with a note saying why. */
static void tunnel_hops_are_not_slow_hops(void **state)
{
	(void)state;
	struct finding_list l = diagnose(build_trace(far_end, 8, 50));
	assert_true(find_kind(&l, FINDING_DEPRIORITIZED_HOP) >= 0);
	finding_list_free(&l);
	l = diagnose(with_tunnel(far_end, 8, 3, 5));
	assert_int_equal(l.n, 1);
	assert_int_equal(l.items[0].kind, FINDING_HEALTHY);
	assert_non_null(strstr(l.items[0].evidence, "hops 3 to 5 are an MPLS tunnel"));
	finding_list_free(&l);
}

/* A step into a tunnel whose time persists is real delay, but it lies
 * somewhere in the tunnel: the finding names every hop of it. */
static void step_into_tunnel_names_the_tunnel(void **state)
{
	(void)state;
	struct hs p[8];
	memcpy(p, far_end, sizeof(p));
	for (size_t i = 5; i < 8; i++) { /* later hops keep 60 ms, with spread */
		p[i].avg = 62.0 + (double)i;
		p[i].best = 45.0;
		p[i].wrst = 120.0;
		p[i].stdev = 15.0;
	}
	p[2].stdev = p[3].stdev = p[4].stdev = 15.0;
	p[2].best = p[3].best = p[4].best = 45.0;
	struct finding_list l = diagnose(with_tunnel(p, 8, 3, 5));
	int k = find_kind(&l, FINDING_LATENCY);
	assert_true(k >= 0);
	const struct finding *f = &l.items[k];
	assert_int_equal(f->hop, 3);
	assert_int_equal(f->n_hops, 3);
	assert_int_equal(f->hops[0], 3);
	assert_int_equal(f->hops[2], 5);
	assert_non_null(strstr(f->summary, "Hops 3 to 5 are an MPLS tunnel"));
	assert_non_null(strstr(f->evidence, "R7 (MPLS)"));
	finding_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(labelled_run_with_one_time_is_a_tunnel),
	    cmocka_unit_test(lone_label_or_different_times_are_not),
	    cmocka_unit_test(tunnel_hops_are_not_slow_hops),
	    cmocka_unit_test(step_into_tunnel_names_the_tunnel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
