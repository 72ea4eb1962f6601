/* diag_oneway: R10 with the one-way stream (see diag_oneway.h). */
#include "diag/diag_oneway.h"

#include <math.h>

#include "diag/diag_find.h"
#include "diag/diag_loss.h"

static double pct(unsigned long lost, unsigned long sent)
{
	return sent ? 100.0 * (double)lost / (double)sent : 0.0;
}

bool diag_oneway_loses(const struct diag_oneway_dir *d)
{
	return d->lost >= 2 && 100.0 * diag_loss_lower_bound(d->lost, d->sent) >= DIAG_ONEWAY_LOSS_PCT;
}

enum finding_direction diag_oneway_direction(const struct diag_oneway *ow)
{
	if (!ow->measured)
		return FINDING_DIR_UNKNOWN;
	bool out = diag_oneway_loses(&ow->out), ret = diag_oneway_loses(&ow->ret);
	return out && ret ? FINDING_DIR_BOTH
	       : out      ? FINDING_DIR_OUTBOUND
	       : ret      ? FINDING_DIR_RETURN
	                  : FINDING_DIR_UNKNOWN;
}

void diag_oneway_text(const struct diag_oneway *ow, struct strbuf *sb)
{
	if (!ow->measured) {
		strbuf_appendf(sb, " One-way stream: none passed (%s).", ow->why);
		return;
	}
	strbuf_appendf(sb,
	               " One-way stream: to the server %lu of %lu lost (%.1f%%), back %lu of %lu "
	               "(%.1f%%); delay variation (p95) %.1f ms out, %.1f ms back.",
	               ow->out.lost, ow->out.sent, pct(ow->out.lost, ow->out.sent), ow->ret.lost,
	               ow->ret.sent, pct(ow->ret.lost, ow->ret.sent), ow->out.pdv_p95_ms,
	               ow->ret.pdv_p95_ms);
}

/* The summary's last sentence: the direction and how much, or why not. */
static int tell(struct finding *f, const struct diag_oneway *ow, enum finding_direction d)
{
	if (!ow->measured)
		return diag_find_edit(&f->summary, " Which way it is lost is unknown: the one-way "
		                                   "stream could not pass (%s).", ow->why);
	if (d == FINDING_DIR_UNKNOWN)
		return diag_find_edit(&f->summary, " A one-way UDP stream lost nothing either way: "
		                                   "the loss hits the probes' kind only (ICMP), or "
		                                   "is too small for the stream to show.");
	const struct diag_oneway_dir *w = d == FINDING_DIR_RETURN ? &ow->ret : &ow->out;
	if (d == FINDING_DIR_BOTH)
		return diag_find_edit(&f->summary, " A one-way stream measured it both ways: %.1f%% "
		                      "lost to the server, %.1f%% back.", pct(ow->out.lost, ow->out.sent),
		                      pct(ow->ret.lost, ow->ret.sent));
	return diag_find_edit(&f->summary, " A one-way stream measured it on the way %s only: "
	                      "%.1f%% lost (%lu of %lu), the other way clean.",
	                      d == FINDING_DIR_RETURN ? "back from the server" : "to the server",
	                      pct(w->lost, w->sent), w->lost, w->sent);
}

/* ---- latency: the one-way delays ---- */

/* Why an end's clock gives no bound, or NULL. */
static const char *clock_trouble(const struct diag_oneway_clock *c, bool server)
{
	if (!c->known)
		return server ? "the server's clock error bound could not be read (adjtimex)"
		              : "this client's clock error bound could not be read (adjtimex)";
	if (c->unsync)
		return server ? "the server's clock is not synchronised (STA_UNSYNC)"
		              : "this client's clock is not synchronised (STA_UNSYNC)";
	return NULL;
}

/* The error of one one-way delay (client + server bound), or -1 with why. */
static double clock_error_ms(const struct diag_oneway *ow, struct strbuf *why)
{
	if (ow->same_clock) {
		strbuf_append(why, "clocks: same host, one kernel clock, no offset");
		return 0.0;
	}
	const char *trouble = clock_trouble(&ow->server, true);
	if (!trouble)
		trouble = clock_trouble(&ow->client, false);
	if (trouble) {
		strbuf_appendf(why, "clocks: two hosts, and %s", trouble);
		return -1.0;
	}
	strbuf_appendf(why, "clocks: synchronised, error bounds +-%.1f ms here and +-%.1f ms at the "
	                    "server", ow->client.error_ms, ow->server.error_ms);
	return ow->client.error_ms + ow->server.error_ms;
}

/* Why the delays cannot be used at all, or NULL. */
static const char *no_delay(const struct diag_oneway *ow, double step_ms)
{
	if (!ow->measured)
		return "no stream";
	if (!ow->has_delay)
		return "older reflector: the server's hopdoc sends no wall-clock times";
	if (!(step_ms > 0.0))
		return "no latency step to place";
	return NULL;
}

/* The most of the step each direction can hold: its one-way delay (a base
 * path's share is never negative) plus the clock error and the margin. */
struct share {
	double out_max, ret_max;
};

static enum finding_direction place_step(struct share s, double step)
{
	if (s.out_max <= step / 4)
		return FINDING_DIR_RETURN;
	if (s.ret_max <= step / 4)
		return FINDING_DIR_OUTBOUND;
	if (s.out_max <= 3 * step / 4 && s.ret_max <= 3 * step / 4)
		return FINDING_DIR_BOTH; /* each way holds at least a quarter */
	return FINDING_DIR_UNKNOWN;
}

/* Why these delays cannot be those of a path with this step, or NULL. */
static const char *inconsistent(const struct diag_oneway *ow, double err, double step)
{
	double low = -err - DIAG_ONEWAY_DELAY_MARGIN_MS;
	if (ow->out.delay_p50_ms < low || ow->ret.delay_p50_ms < low)
		return "a one-way delay is below zero by more than the clocks' error: a clock is off "
		       "beyond its bound";
	if (ow->out.delay_p50_ms + ow->ret.delay_p50_ms + DIAG_ONEWAY_DELAY_MARGIN_MS < step)
		return "the stream's own round trip is shorter than the step: its datagrams do not "
		       "meet the delay the traces found";
	return NULL;
}

static void say_placed(struct strbuf *why, enum finding_direction d, struct share s, double step,
                       double err)
{
	strbuf_appendf(why, "; the %.1f ms step (traces) can hold at most %.1f ms on the way to the "
	                    "server and %.1f ms on the way back (each one-way delay, clock error "
	                    "+-%.1f ms and %.1f ms margin: how the base path splits is unknown, so "
	                    "all of it may be either way)",
	               step, s.out_max, s.ret_max, err, DIAG_ONEWAY_DELAY_MARGIN_MS);
	strbuf_append(why, d == FINDING_DIR_RETURN     ? ": three quarters or more is on the way back"
	                   : d == FINDING_DIR_OUTBOUND ? ": three quarters or more is on the way out"
	                   : d == FINDING_DIR_BOTH     ? ": each way holds a quarter or more"
	                                               : ": too much either way to place it");
}

enum finding_direction diag_oneway_delay_direction(const struct diag_oneway *ow, double step_ms,
                                                   struct strbuf *why)
{
	const char *none = no_delay(ow, step_ms);
	if (none) {
		bool say_why = !ow->measured && ow->why[0];
		strbuf_appendf(why, "one-way delay unknown (%s%s%s)", none, say_why ? ": " : "",
		               say_why ? ow->why : "");
		return FINDING_DIR_UNKNOWN;
	}
	strbuf_appendf(why, "one-way delay to the server %.1f ms, back %.1f ms (", ow->out.delay_p50_ms,
	               ow->ret.delay_p50_ms);
	double err = clock_error_ms(ow, why);
	strbuf_appendf(why, "), asymmetry %.1f ms", ow->ret.delay_p50_ms - ow->out.delay_p50_ms);
	if (err < 0)
		return FINDING_DIR_UNKNOWN;
	const char *bad = inconsistent(ow, err, step_ms);
	if (bad) {
		strbuf_appendf(why, "; %s", bad);
		return FINDING_DIR_UNKNOWN;
	}
	struct share s = { ow->out.delay_p50_ms + err + DIAG_ONEWAY_DELAY_MARGIN_MS,
		           ow->ret.delay_p50_ms + err + DIAG_ONEWAY_DELAY_MARGIN_MS };
	enum finding_direction d = place_step(s, step_ms);
	say_placed(why, d, s, step_ms, err);
	return d;
}

static const char *dir_words(enum finding_direction d)
{
	return d == FINDING_DIR_RETURN     ? "on the way back from the server"
	       : d == FINDING_DIR_OUTBOUND ? "on the way to the server"
	                                   : "split between both ways";
}

static int apply_latency(struct finding *f, const struct diag_oneway *ow)
{
	struct strbuf why = STRBUF_INIT;
	enum finding_direction d = diag_oneway_delay_direction(ow, f->latency_ms, &why);
	int rc = strbuf_failed(&why) ? -1 : diag_find_edit(&f->evidence, " R10: %s.", strbuf_str(&why));
	strbuf_free(&why);
	if (rc == 0 && d != FINDING_DIR_UNKNOWN)
		rc = diag_find_edit(&f->summary, " One-way delays place the step %s.", dir_words(d));
	else if (rc == 0 && f->direction == FINDING_DIR_BOTH)
		rc = diag_find_edit(&f->summary, " Which way the delay is added is unknown (the "
		                                 "evidence says why).");
	if (d != FINDING_DIR_UNKNOWN)
		f->direction = d;
	else if (f->direction == FINDING_DIR_BOTH)
		f->direction = FINDING_DIR_UNKNOWN;
	return rc;
}

/* ---- loss ---- */

static int apply_one(struct finding *f, const struct diag_oneway *ow, enum finding_direction d)
{
	struct strbuf ev = STRBUF_INIT;
	strbuf_append(&ev, " R10:");
	diag_oneway_text(ow, &ev);
	int rc = strbuf_failed(&ev) ? -1 : diag_find_edit(&f->evidence, "%s", strbuf_str(&ev));
	strbuf_free(&ev);
	if (rc == 0)
		rc = tell(f, ow, d);
	if (ow->measured && d != FINDING_DIR_UNKNOWN)
		f->direction = d;
	else if (!ow->measured && f->direction == FINDING_DIR_BOTH)
		f->direction = FINDING_DIR_UNKNOWN;
	return rc;
}

int diag_oneway_apply(const struct diag_oneway *ow, struct finding_list *l, size_t from)
{
	enum finding_direction d = diag_oneway_direction(ow);
	int rc = 0;
	for (size_t i = from; rc == 0 && i < l->n; i++)
		if (l->items[i].kind == FINDING_LOSS)
			rc = apply_one(&l->items[i], ow, d);
		else if (l->items[i].kind == FINDING_LATENCY)
			rc = apply_latency(&l->items[i], ow);
	return rc;
}
