/* diag_oneway: R10 with the one-way stream (see diag_oneway.h). */
#include "diag/diag_oneway.h"

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
	return rc;
}
