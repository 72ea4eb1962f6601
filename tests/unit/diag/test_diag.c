/* The per-trace rules R1..R9 and R12 (diagnosis.md), with the edges of issue 4. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "diag_build.h"

/* A clean 8-hop path like seed 000's: private LAN, then public hops. */
static const struct hs clean8[] = {
    {"192.168.1.1", 0, 1.3, 1.1, 2.0, 0.3},      {"10.0.0.1", 0, 11.1, 10.0, 12.5, 0.7},
    {"172.16.0.1", 0, 20.5, 19.5, 21.0, 0.5},    {"203.0.113.5", 0, 30.3, 29.5, 31.5, 0.6},
    {"203.0.113.9", 0, 40.5, 39.5, 41.0, 0.4},   {"198.51.100.1", 0, 50.2, 49.5, 51.5, 0.7},
    {"198.51.100.10", 0, 60.5, 60.0, 61.3, 0.5}, {"198.51.100.20", 0, 70.0, 69.5, 71.2, 0.6},
};

static struct finding_list diagnose(struct model_trace *t)
{
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(diag_trace(t, &l), 0);
	assert_true(l.n >= 1);
	model_trace_free(t);
	return l;
}

static void expect_only(const struct finding_list *l, enum finding_kind k)
{
	assert_int_equal(l->n, 1);
	assert_int_equal(l->items[0].kind, k);
}

static void copy_clean(struct hs *dst)
{
	memcpy(dst, clean8, sizeof(clean8));
}

static void healthy_when_nothing_else(void **state)
{
	(void)state;
	struct finding_list l = diagnose(BUILD(clean8, 100));
	expect_only(&l, FINDING_HEALTHY);
	assert_int_equal(l.items[0].severity, FINDING_OK);
	assert_int_equal(l.items[0].direction, FINDING_DIR_UNKNOWN);
	assert_int_equal(l.items[0].segment, FINDING_SEG_UNKNOWN);
	assert_non_null(strstr(l.items[0].evidence, "R1"));
	finding_list_free(&l);
}

/* A path MTU a hop reported is a fact (info), next to the verdict, not
 * instead of it. */
static void path_mtu_is_reported_beside_healthy(void **state)
{
	(void)state;
	struct model_trace *t = BUILD(clean8, 100);
	t->path_mtu = 1400;
	t->path_mtu_hop = 3;
	assert_int_equal(model_addr_parse("172.16.0.1", &t->path_mtu_from), 0);
	struct finding_list l = diagnose(t);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.items[0].kind, FINDING_PATH_MTU);
	assert_int_equal(l.items[0].severity, FINDING_INFO);
	assert_int_equal(l.items[0].hop, 3);
	assert_non_null(strstr(l.items[0].summary, "1400 bytes"));
	assert_non_null(strstr(l.items[0].summary, "hop 3 (172.16.0.1)"));
	assert_string_equal(finding_kind_name(l.items[0].kind), "path-mtu");
	assert_int_equal(l.items[1].kind, FINDING_HEALTHY);
	finding_list_free(&l);
}

/* Path epochs: a route change is info beside the verdict, and each earlier
 * epoch is named with its rounds and where the change was seen. */
static void route_change_is_reported_beside_healthy(void **state)
{
	(void)state;
	struct model_trace *t = BUILD(clean8, 100);
	struct model_epoch e = { .first_round = 0, .last_round = 39, .change_ttl = 4,
		                 .path = BUILD(clean8, 40) };
	assert_int_equal(model_epoch_add(t, &e), 0);
	t->epoch_first_round = 40;
	struct model_trace *copy = model_trace_dup(t); /* epochs are deep-copied */
	assert_non_null(copy);
	assert_int_equal(copy->n_epochs, 1);
	assert_true(copy->epochs[0].path != t->epochs[0].path);
	assert_int_equal(copy->epochs[0].path->n_hops, 8);
	model_trace_free(copy);
	struct finding_list l = diagnose(t);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.items[0].kind, FINDING_ROUTE_CHANGE);
	assert_int_equal(l.items[0].severity, FINDING_INFO);
	assert_int_equal(l.items[0].hop, 4);
	assert_string_equal(finding_kind_name(l.items[0].kind), "route-change");
	assert_non_null(strstr(l.items[0].summary, "changed 1 time during"));
	assert_non_null(strstr(l.items[0].summary, "from round 41 on"));
	assert_non_null(strstr(l.items[0].evidence, "epoch 1: rounds 1-40, 8 hops ending at 198.51.100.20"));
	assert_non_null(strstr(l.items[0].evidence, "other routers answered at hop 4"));
	assert_int_equal(l.items[1].kind, FINDING_HEALTHY);
	finding_list_free(&l);
}

/* R2: loss that does not persist is rate limiting, info; R1 keeps it healthy otherwise. */
static void loss_that_does_not_persist_is_rate_limiting(void **state)
{
	(void)state;
	struct hs p[8];
	copy_clean(p);
	p[3].loss = 10.0;
	p[4].loss = 15.0;
	p[5].loss = 10.0;
	struct finding_list l = diagnose(BUILD(p, 20));
	expect_only(&l, FINDING_RATE_LIMITED_HOP);
	const struct finding *f = &l.items[0];
	assert_int_equal(f->severity, FINDING_INFO);
	assert_int_equal(f->hop, 4);
	assert_int_equal(f->n_hops, 3);
	assert_int_equal(f->hops[2], 6);
	assert_true(fabs(f->loss_pct - 15.0) < 1e-9);
	assert_non_null(strstr(f->evidence, "R2"));
	finding_list_free(&l);
}

/* R3: persistent loss located at the first hop of the run; severity bands. */
static void persistent_loss_bands(void **state)
{
	(void)state;
	static const struct {
		double loss;
		enum finding_severity sev;
	} bands[] = {/* of 200 probes: 2.0% is 4 lost, whose 95% lower bound (0.9%) does not
	                reach 2%; 4.0% (8 lost) is past it (2.3%) */
	             {1.0, FINDING_INFO},    {1.99, FINDING_INFO},     {2.0, FINDING_INFO},
	             {4.0, FINDING_WARNING}, {9.9, FINDING_WARNING},   {10.0, FINDING_CRITICAL},
	             {40.0, FINDING_CRITICAL}};
	for (size_t b = 0; b < sizeof(bands) / sizeof(bands[0]); b++) {
		struct hs p[8];
		copy_clean(p);
		for (size_t i = 4; i < 8; i++)
			p[i].loss = bands[b].loss;
		struct finding_list l = diagnose(BUILD(p, 200));
		assert_int_equal(l.items[0].kind, FINDING_LOSS);
		assert_int_equal(l.items[0].severity, bands[b].sev);
		assert_int_equal(l.items[0].hop, 5);
		assert_int_equal(l.items[0].direction, FINDING_DIR_OUTBOUND);
		assert_true(fabs(l.items[0].loss_pct - bands[b].loss) < 1e-9);
		finding_list_free(&l);
	}
}

/* Issue 4 edge: loss below 2% is info, not a fault to escalate. */
static void loss_below_two_percent_is_info(void **state)
{
	(void)state;
	struct hs p[8];
	copy_clean(p);
	p[7].loss = 1.0;
	struct finding_list l = diagnose(BUILD(p, 200));
	expect_only(&l, FINDING_LOSS);
	assert_int_equal(l.items[0].severity, FINDING_INFO);
	assert_int_equal(l.items[0].hop, 8);
	/* Only the target loses: both readings and the separating test. */
	assert_non_null(strstr(l.items[0].evidence, "rate limiting"));
	assert_non_null(strstr(l.items[0].evidence, "-i 2"));
	finding_list_free(&l);
}

/* Seed 003: rates differ along the run; the lowest of the trailing run is the
 * end-to-end loss; loss before a clean hop is rate limiting. */
static void lowest_of_trailing_run(void **state)
{
	(void)state;
	struct hs p[8];
	copy_clean(p);
	p[1].loss = 20.0;
	p[4].loss = 45.0;
	p[5].loss = 38.0;
	p[6].loss = 33.0;
	p[7].loss = 30.3;
	struct finding_list l = diagnose(BUILD(p, 100));
	assert_int_equal(l.n, 2);
	assert_int_equal(l.items[0].kind, FINDING_LOSS);
	assert_int_equal(l.items[0].hop, 5);
	assert_true(fabs(l.items[0].loss_pct - 30.3) < 1e-9);
	assert_int_equal(l.items[0].n_hops, 4);
	assert_int_equal(l.items[1].kind, FINDING_RATE_LIMITED_HOP);
	assert_int_equal(l.items[1].hop, 2);
	finding_list_free(&l);
}

/* Issue 4 edge / R4: 100% at the target only. */
static void target_only_drops_everything(void **state)
{
	(void)state;
	struct hs p[8];
	copy_clean(p);
	p[7].loss = 100.0; /* named: the report shows the target's line */
	struct finding_list l = diagnose(BUILD(p, 50));
	expect_only(&l, FINDING_DESTINATION_FILTERED);
	assert_int_equal(l.items[0].hop, 8);
	assert_int_equal(l.items[0].segment, FINDING_SEG_DESTINATION);
	assert_non_null(strstr(l.items[0].advice, "-T"));
	finding_list_free(&l);
	/* mtr's form: one ??? line after the last router. */
	p[7].host = NULL;
	l = diagnose(BUILD(p, 50));
	expect_only(&l, FINDING_DESTINATION_FILTERED);
	assert_int_equal(l.items[0].hop, 8);
	assert_non_null(strstr(l.items[0].evidence, "R5"));
	finding_list_free(&l);
	/* TCP probes already tried R4's remedy: the path is interrupted. */
	struct model_trace *t = BUILD(p, 50);
	t->proto = MODEL_PROTO_TCP;
	l = diagnose(t);
	expect_only(&l, FINDING_PATH_INTERRUPTED);
	assert_int_equal(l.items[0].hop, 7);
	finding_list_free(&l);
}

/* R5: replies stop after hop N. */
static void replies_stop_after_hop(void **state)
{
	(void)state;
	struct hs p[8];
	copy_clean(p);
	p[5].host = p[6].host = p[7].host = NULL;
	struct finding_list l = diagnose(BUILD(p, 30));
	expect_only(&l, FINDING_PATH_INTERRUPTED);
	const struct finding *f = &l.items[0];
	assert_int_equal(f->severity, FINDING_CRITICAL);
	assert_int_equal(f->hop, 5);
	assert_int_equal(f->n_hops, 4);
	assert_int_equal(f->segment, FINDING_SEG_TRANSIT);
	assert_non_null(strstr(f->advice, "hop 5"));
	finding_list_free(&l);
}

/* Issue 4 edge: silent hops followed by answering ones are not a fault. */
static void silent_hops_then_answers(void **state)
{
	(void)state;
	struct hs p[8];
	copy_clean(p);
	p[3].host = p[4].host = NULL;
	struct finding_list l = diagnose(BUILD(p, 30));
	expect_only(&l, FINDING_HEALTHY);
	finding_list_free(&l);
}

static void nothing_answers(void **state)
{
	(void)state;
	struct hs p[3] = {{NULL, 0, 0, 0, 0, 0}, {NULL, 0, 0, 0, 0, 0}, {NULL, 0, 0, 0, 0, 0}};
	struct finding_list l = diagnose(BUILD(p, 30));
	expect_only(&l, FINDING_PATH_INTERRUPTED);
	assert_int_equal(l.items[0].hop, 1);
	assert_int_equal(l.items[0].segment, FINDING_SEG_LOCAL);
	finding_list_free(&l);
	/* one silent hop (mtr's JSON with an empty hubs list): still local */
	struct hs one[1] = {{NULL, 0, 0, 0, 0, 0}};
	l = diagnose(BUILD(one, 10));
	expect_only(&l, FINDING_PATH_INTERRUPTED);
	assert_int_equal(l.items[0].segment, FINDING_SEG_LOCAL);
	finding_list_free(&l);
}

/* R5: a router answering for every later TTL (destination unreachable) while
 * the target, known by address, never answers. */
static void router_answering_for_later_hops(void **state)
{
	(void)state;
	struct hs p[8];
	copy_clean(p);
	p[6] = p[5];
	p[7] = p[5];
	struct model_trace *t = BUILD(p, 30);
	assert_int_equal(model_addr_parse("192.0.2.80", &t->dst_addr), 0);
	struct finding_list l = diagnose(t);
	expect_only(&l, FINDING_PATH_INTERRUPTED);
	assert_int_equal(l.items[0].hop, 6);
	assert_int_equal(l.items[0].n_hops, 3);
	finding_list_free(&l);
	/* Without the target's address (an import) nothing says it is not the target. */
	l = diagnose(BUILD(p, 30));
	assert_int_equal(find_kind(&l, FINDING_PATH_INTERRUPTED), -1);
	finding_list_free(&l);
}

/* Issue 4 edge / R6: a loop between two routers. */
static void routing_loop(void **state)
{
	(void)state;
	struct hs p[12];
	memcpy(p, clean8, 4 * sizeof(p[0]));
	for (size_t i = 4; i < 12; i++) {
		p[i] = clean8[4 + (i % 2)];
		p[i].avg += (double)i;
	}
	struct finding_list l = diagnose(BUILD(p, 30));
	expect_only(&l, FINDING_ROUTING_LOOP);
	const struct finding *f = &l.items[0];
	assert_int_equal(f->severity, FINDING_CRITICAL);
	assert_int_equal(f->hop, 5);
	assert_int_equal(f->n_hops, 8);
	assert_non_null(strstr(f->evidence, "203.0.113.9"));
	assert_non_null(strstr(f->evidence, "198.51.100.1"));
	finding_list_free(&l);
}

/* One router answering at several TTLs in a row is not a loop of several. */
static void same_router_repeating_is_not_a_loop(void **state)
{
	(void)state;
	struct hs p[8];
	copy_clean(p);
	for (size_t i = 5; i < 8; i++)
		p[i] = clean8[4];
	struct finding_list l = diagnose(BUILD(p, 30));
	assert_int_equal(find_kind(&l, FINDING_ROUTING_LOOP), -1);
	finding_list_free(&l);
}

/* R7: a step that persists is latency at N; the lab's +40 ms at hop 3. */
static void persistent_step_is_latency(void **state)
{
	(void)state;
	struct hs p[8];
	copy_clean(p);
	for (size_t i = 2; i < 8; i++) {
		p[i].avg += 40.0;
		p[i].best += 40.0;
		p[i].wrst += 40.0;
	}
	struct finding_list l = diagnose(BUILD(p, 50));
	expect_only(&l, FINDING_LATENCY);
	assert_int_equal(l.items[0].hop, 3);
	assert_int_equal(l.items[0].severity, FINDING_WARNING);
	assert_true(l.items[0].latency_ms > 45.0 && l.items[0].latency_ms < 55.0);
	finding_list_free(&l);
}

/* R7 thresholds: +30 ms on a 2 ms path is a step; 20 ms a hop is normal growth. */
static void step_threshold(void **state)
{
	(void)state;
	struct hs p[6];
	for (size_t i = 0; i < 6; i++) {
		struct hs h = {clean8[i + 2].host, 0, 2.0 * (double)(i + 1), 0, 0, 0.1};
		if (i >= 2)
			h.avg += 30.0;
		h.best = h.avg - 0.1;
		h.wrst = h.avg + 0.3;
		p[i] = h;
	}
	struct finding_list l = diagnose(BUILD(p, 50));
	expect_only(&l, FINDING_LATENCY);
	assert_int_equal(l.items[0].hop, 3);
	finding_list_free(&l);
	for (size_t i = 0; i < 6; i++) {
		p[i].avg = 20.0 * (double)(i + 1);
		p[i].best = p[i].avg - 0.5;
		p[i].wrst = p[i].avg + 1.0;
	}
	l = diagnose(BUILD(p, 50));
	expect_only(&l, FINDING_HEALTHY);
	finding_list_free(&l);
}

/* R7: a jump that later hops do not keep is a slow-answering router. */
static void jump_that_does_not_persist(void **state)
{
	(void)state;
	struct hs p[8];
	copy_clean(p);
	p[4].avg = 120.0;
	p[4].best = 70.0;
	p[4].wrst = 250.0;
	p[4].stdev = 55.0;
	struct finding_list l = diagnose(BUILD(p, 50));
	expect_only(&l, FINDING_DEPRIORITIZED_HOP);
	assert_int_equal(l.items[0].hop, 5);
	assert_int_equal(l.items[0].severity, FINDING_INFO);
	finding_list_free(&l);
}

/* Issue 4 edge: a steady 70 ms step that persists is a long link: no fault. */
static void steady_70ms_step_is_a_long_link(void **state)
{
	(void)state;
	struct hs p[8];
	copy_clean(p);
	/* hop 4 -> 5 grows 10.2 ms normally; +58 makes a 68.2 ms step: "about 70". */
	for (size_t i = 4; i < 8; i++) {
		p[i].avg += 58.0;
		p[i].best += 58.0;
		p[i].wrst += 58.0;
	}
	struct finding_list l = diagnose(BUILD(p, 50));
	expect_only(&l, FINDING_HEALTHY);
	assert_non_null(strstr(l.items[0].evidence, "long-distance link"));
	finding_list_free(&l);
	/* A steady 32 ms step is a long link too (issue 15: any size)... */
	for (size_t i = 4; i < 8; i++) {
		p[i].avg -= 36.0;
		p[i].best -= 36.0;
		p[i].wrst -= 36.0;
	}
	l = diagnose(BUILD(p, 50));
	expect_only(&l, FINDING_HEALTHY);
	assert_non_null(strstr(l.items[0].evidence, "long-distance link"));
	finding_list_free(&l);
	/* ...but not when it adds spread (StDev 0.4 -> 6): congestion. */
	for (size_t i = 4; i < 8; i++) {
		p[i].stdev = 6.0;
		p[i].best -= 3.0;
	}
	l = diagnose(BUILD(p, 50));
	assert_int_equal(l.items[0].kind, FINDING_LATENCY);
	assert_int_equal(l.items[0].hop, 5);
	assert_non_null(strstr(l.items[0].summary, "congestion"));
	finding_list_free(&l);
	/* The same step into the target itself is no ocean crossing. */
	copy_clean(p);
	p[7].avg += 70.0;
	p[7].best += 70.0;
	l = diagnose(BUILD(p, 50));
	expect_only(&l, FINDING_LATENCY);
	assert_int_equal(l.items[0].hop, 8);
	finding_list_free(&l);
}

/* R7: "unless the hop names say both sides are in one city". */
static void long_step_inside_one_city_is_latency(void **state)
{
	(void)state;
	struct hs p[8];
	copy_clean(p);
	/* the step's hop in a carrier after the client's provider (access is
	 * never a long link) */
	p[3].host = "ae-1.core1.fra1.isp.example";
	p[4].host = "ae-7.core2.fra2.carrier.net";
	for (size_t i = 4; i < 8; i++) {
		p[i].avg += 70.0;
		p[i].best += 70.0;
		p[i].wrst += 70.0;
	}
	struct finding_list l = diagnose(BUILD(p, 50));
	expect_only(&l, FINDING_LATENCY);
	assert_int_equal(l.items[0].hop, 5);
	finding_list_free(&l);
	p[4].host = "ae-7.core2.nyc1.carrier.net"; /* an ocean crossing */
	l = diagnose(BUILD(p, 50));
	expect_only(&l, FINDING_HEALTHY);
	finding_list_free(&l);
}

/* Issue 4 edge / R8: jitter with a normal Best is jitter, not latency. */
static void jitter_with_normal_best(void **state)
{
	(void)state;
	struct hs p[8];
	copy_clean(p);
	for (size_t i = 5; i < 8; i++) {
		p[i].avg += 30.0;
		p[i].wrst += 90.0;
		p[i].stdev = 25.0;
	}
	struct finding_list l = diagnose(BUILD(p, 100));
	expect_only(&l, FINDING_JITTER);
	assert_int_equal(l.items[0].hop, 6);
	assert_true(fabs(l.items[0].latency_ms - 25.0) < 1e-9);
	finding_list_free(&l);
}

/* R8 without StDev (WinMTR): Avg far above Best to the end is jitter. */
static void jitter_without_stdev(void **state)
{
	(void)state;
	struct hs p[8];
	copy_clean(p);
	for (size_t i = 6; i < 8; i++) {
		p[i].avg += 25.0;
		p[i].wrst += 80.0;
		p[i].stdev = 0.0;
	}
	struct model_trace *t = BUILD(p, 100);
	for (size_t i = 0; i < t->n_hops; i++)
		t->hops[i].has &= ~(unsigned)MODEL_HAS_STDEV;
	struct finding_list l = diagnose(t);
	expect_only(&l, FINDING_JITTER);
	assert_int_equal(l.items[0].hop, 7);
	finding_list_free(&l);
}

/* R8: a single high Wrst with low StDev is a transient spike; the same StDev
 * is small at 325 ms (seed 003). */
static void spikes_and_long_paths_are_not_jitter(void **state)
{
	(void)state;
	struct hs p[8];
	copy_clean(p);
	p[7].wrst = 300.0;
	struct finding_list l = diagnose(BUILD(p, 100));
	expect_only(&l, FINDING_HEALTHY);
	finding_list_free(&l);
	copy_clean(p);
	for (size_t i = 0; i < 8; i++) {
		p[i].avg = 300.0 + 3.0 * (double)i;
		p[i].best = p[i].avg - 40.0;
		p[i].stdev = 25.0;
	}
	l = diagnose(BUILD(p, 100));
	assert_int_equal(find_kind(&l, FINDING_JITTER), -1);
	finding_list_free(&l);
}

/* Issue 4 edge / R12: fewer than 10 probes. */
/* The live view's "collecting: N more rounds": one lost probe must weigh
 * less than R3's 2% (51 probes), and never fewer probes than R12's 10. */
static void rounds_short_of_telling_small_loss(void **state)
{
	(void)state;
	assert_true(diag_loss_warning_pct() == 2.0);
	assert_int_equal(diag_probes_to_resolve(2.0), 51);
	assert_int_equal(diag_probes_to_resolve(50.0), 10);
	assert_int_equal(diag_probes_to_resolve(0.0), 10);
	struct model_trace *t = BUILD(clean8, 9);
	assert_int_equal(diag_rounds_short(t), 42);
	model_trace_free(t);
	t = BUILD(clean8, 51);
	assert_int_equal(diag_rounds_short(t), 0);
	model_trace_free(t);
	t = BUILD(clean8, 300);
	assert_int_equal(diag_rounds_short(t), 0);
	model_trace_free(t);
}

static void fewer_than_ten_probes(void **state)
{
	(void)state;
	struct hs p[8];
	copy_clean(p);
	for (size_t i = 4; i < 8; i++)
		p[i].loss = 40.0; /* 2 of 5: one lost probe alone would be info */
	struct finding_list l = diagnose(BUILD(p, 5));
	assert_int_equal(l.n, 2);
	assert_int_equal(l.items[0].kind, FINDING_LOSS);
	assert_int_equal(l.items[0].severity, FINDING_WARNING); /* critical, lowered */
	assert_int_equal(l.items[1].kind, FINDING_INSUFFICIENT_DATA);
	assert_int_equal(l.items[1].severity, FINDING_INFO);
	finding_list_free(&l);
	l = diagnose(BUILD(clean8, 9));
	assert_int_equal(l.n, 2);
	assert_int_equal(l.items[0].kind, FINDING_INSUFFICIENT_DATA);
	assert_int_equal(l.items[1].kind, FINDING_HEALTHY);
	finding_list_free(&l);
	l = diagnose(BUILD(clean8, 10));
	expect_only(&l, FINDING_HEALTHY);
	finding_list_free(&l);
	/* No probe at all (an empty trace): nothing is called healthy. */
	l = diagnose(model_trace_new());
	expect_only(&l, FINDING_INSUFFICIENT_DATA);
	finding_list_free(&l);
}

/* Issue 15: one lost probe is never warning or critical; the bound needs
 * counts (1 of 10 measures 10%). */
static void one_lost_probe_is_info(void **state)
{
	(void)state;
	struct hs p[8];
	copy_clean(p);
	p[7].loss = 10.0;
	struct finding_list l = diagnose(BUILD(p, 10));
	assert_int_equal(l.items[0].kind, FINDING_LOSS);
	assert_int_equal(l.items[0].severity, FINDING_INFO);
	finding_list_free(&l);
	p[7].loss = 15.0; /* 3 of 20: the bound (6.2%) is past 2% */
	l = diagnose(BUILD(p, 20));
	assert_int_equal(l.items[0].severity, FINDING_CRITICAL);
	finding_list_free(&l);
}

/* Issue 15: the run starts where loss becomes real, the figure is the
 * destination's (2 of 2,639 before 38-63% are not the start). */
static void loss_run_starts_where_loss_is_real(void **state)
{
	(void)state;
	struct hs p[8];
	copy_clean(p);
	p[3].loss = p[4].loss = 0.1;
	p[5].loss = 38.0;
	p[6].loss = 45.0;
	p[7].loss = 63.0;
	struct finding_list l = diagnose(BUILD(p, 2639));
	assert_int_equal(l.items[0].kind, FINDING_LOSS);
	assert_int_equal(l.items[0].severity, FINDING_CRITICAL);
	assert_int_equal(l.items[0].hop, 6);
	assert_true(fabs(l.items[0].loss_pct - 63.0) < 1e-9);
	finding_list_free(&l);
}

/* Issue 15: jitter from fewer than ten replies is not judged. */
static void jitter_needs_ten_replies(void **state)
{
	(void)state;
	struct hs p[8];
	copy_clean(p);
	for (size_t i = 4; i < 8; i++) {
		p[i].stdev = 12.0;
		p[i].best = p[i].avg - 10.0;
	}
	struct finding_list l = diagnose(BUILD(p, 9));
	assert_int_equal(find_kind(&l, FINDING_JITTER), -1);
	finding_list_free(&l);
	l = diagnose(BUILD(p, 10));
	assert_true(find_kind(&l, FINDING_JITTER) >= 0);
	finding_list_free(&l);
}

/* Issue 15: whole-ms figures without StDev (WinMTR): Avg - Best of 2 ms is
 * rounding; Best 0 on a lossy hop is no sample. */
static void whole_ms_figures_are_not_jitter(void **state)
{
	(void)state;
	struct hs p[6] = {
	    {"192.168.1.1", 0, 1, 0, 4, 0}, {"10.20.0.1", 0, 9, 7, 21, 0},
	    {"203.0.113.1", 0, 12, 10, 30, 0}, {"203.0.113.9", 0, 14, 12, 33, 0},
	    {"198.51.100.1", 0, 15, 13, 35, 0}, {"198.51.100.10", 2, 16, 0, 38, 0},
	};
	struct model_trace *t = BUILD(p, 200);
	for (size_t i = 0; i < t->n_hops; i++)
		t->hops[i].has &= ~(unsigned)MODEL_HAS_STDEV;
	struct finding_list l = diagnose(t);
	assert_int_equal(find_kind(&l, FINDING_JITTER), -1);
	finding_list_free(&l);
}

/* Issue 15: a trace that stops inside the client's provider is cut, not
 * filtered; one whose last hop is not the named target never reached it. */
static void end_of_trace(void **state)
{
	(void)state;
	struct hs p[4] = {
	    {"192.168.1.1", 0, 1.3, 1.1, 2.0, 0.3}, {"be1.bras.isp.example", 0, 8.1, 7.5, 9.0, 0.4},
	    {"ae2.agg.isp.example", 0, 9.4, 8.8, 12.0, 0.5}, {NULL, 0, 0, 0, 0, 0},
	};
	struct finding_list l = diagnose(BUILD(p, 50));
	assert_int_equal(l.items[0].kind, FINDING_PATH_INTERRUPTED);
	assert_int_equal(l.items[0].hop, 3);
	finding_list_free(&l);
	struct model_trace *t = BUILD(clean8, 50);
	model_addr_parse("192.0.2.80", &t->dst_addr);
	snprintf(t->dst, sizeof(t->dst), "192.0.2.80");
	l = diagnose(t);
	assert_int_equal(l.items[0].kind, FINDING_PATH_INTERRUPTED);
	assert_int_equal(find_kind(&l, FINDING_HEALTHY), -1);
	finding_list_free(&l);
}

/* Issue 15: a clean path with only rate-limited hops says so first. */
static void rate_limited_only_headline(void **state)
{
	(void)state;
	struct hs p[8];
	copy_clean(p);
	p[3].loss = 20.0;
	struct finding_list l = diagnose(BUILD(p, 100));
	expect_only(&l, FINDING_RATE_LIMITED_HOP);
	assert_true(strncmp(l.items[0].summary, "The path is fine", 16) == 0);
	finding_list_free(&l);
}

/* Most important first. */
static void findings_are_ordered(void **state)
{
	(void)state;
	struct hs p[8];
	copy_clean(p);
	p[1].loss = 5.0; /* rate limited */
	p[3].avg = 90.0; /* slow to answer */
	for (size_t i = 5; i < 8; i++)
		p[i].loss = 12.0; /* critical loss */
	struct finding_list l = diagnose(BUILD(p, 100));
	assert_int_equal(l.n, 3);
	assert_int_equal(l.items[0].kind, FINDING_LOSS);
	assert_int_equal(l.items[1].kind, FINDING_RATE_LIMITED_HOP);
	assert_int_equal(l.items[2].kind, FINDING_DEPRIORITIZED_HOP);
	for (size_t i = 1; i < l.n; i++)
		assert_true(l.items[i - 1].severity >= l.items[i].severity);
	finding_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(healthy_when_nothing_else),
	    cmocka_unit_test(path_mtu_is_reported_beside_healthy),
	    cmocka_unit_test(route_change_is_reported_beside_healthy),
	    cmocka_unit_test(loss_that_does_not_persist_is_rate_limiting),
	    cmocka_unit_test(persistent_loss_bands),
	    cmocka_unit_test(loss_below_two_percent_is_info),
	    cmocka_unit_test(lowest_of_trailing_run),
	    cmocka_unit_test(target_only_drops_everything),
	    cmocka_unit_test(replies_stop_after_hop),
	    cmocka_unit_test(silent_hops_then_answers),
	    cmocka_unit_test(nothing_answers),
	    cmocka_unit_test(router_answering_for_later_hops),
	    cmocka_unit_test(routing_loop),
	    cmocka_unit_test(same_router_repeating_is_not_a_loop),
	    cmocka_unit_test(persistent_step_is_latency),
	    cmocka_unit_test(step_threshold),
	    cmocka_unit_test(jump_that_does_not_persist),
	    cmocka_unit_test(steady_70ms_step_is_a_long_link),
	    cmocka_unit_test(long_step_inside_one_city_is_latency),
	    cmocka_unit_test(jitter_with_normal_best),
	    cmocka_unit_test(jitter_without_stdev),
	    cmocka_unit_test(spikes_and_long_paths_are_not_jitter),
	    cmocka_unit_test(fewer_than_ten_probes),
	    cmocka_unit_test(rounds_short_of_telling_small_loss),
	    cmocka_unit_test(findings_are_ordered),
	    cmocka_unit_test(one_lost_probe_is_info),
	    cmocka_unit_test(loss_run_starts_where_loss_is_real),
	    cmocka_unit_test(jitter_needs_ten_replies),
	    cmocka_unit_test(whole_ms_figures_are_not_jitter),
	    cmocka_unit_test(end_of_trace),
	    cmocka_unit_test(rate_limited_only_headline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
