#include "render/render_html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/render_chart.h"
#include "render/render_field.h"
#include "render/render_text.h"

#define LABEL_MAX (2 * MODEL_NAME_MAX)

/* No url(), no @import, no font files: the page must load nothing. */
static const char style[] =
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;"
	"max-width:1100px;padding:16px;color:#1b1b1b;background:#fff}\n"
	"h1{font-size:1.4em;margin:0 0 4px}\n"
	"h2{font-size:1.15em;margin:24px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}\n"
	".meta,.note{color:#555;margin:0 0 6px}\n"
	".findings{padding-left:1.6em;margin:0}\n"
	".findings li{margin:0 0 10px;padding:8px 12px;border-left:4px solid #999;background:#f6f6f6}\n"
	".findings li.critical{border-color:#d62728;background:#fdf0f0}\n"
	".findings li.warning{border-color:#e08a00;background:#fff6e6}\n"
	".findings li.info{border-color:#4a7bb7;background:#f1f5fb}\n"
	".findings li.ok{border-color:#2ca02c;background:#f0f8f0}\n"
	".findings p{margin:3px 0}\n.findings .head{font-weight:600}\n"
	".scroll{overflow-x:auto}\n"
	"table{border-collapse:collapse;font-variant-numeric:tabular-nums;min-width:100%}\n"
	"th,td{padding:4px 8px;border-bottom:1px solid #e3e3e3;text-align:right;white-space:nowrap}\n"
	"th{background:#efefef}\nth.host,td.host,td.others{text-align:left}\n"
	"td.host,td.others{white-space:normal;overflow-wrap:break-word}\n"
	"tr.critical td{background:#fdeaea}\ntr.warning td{background:#fff3dc}\n"
	"tr.info td{background:#f1f5fb}\ntd.lossy{color:#c00;font-weight:600}\n"
	".charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:12px}\n"
	"figure{margin:0;padding:8px;border:1px solid #e3e3e3;border-radius:6px}\n"
	"figcaption{font-size:.9em;margin-bottom:4px;overflow-wrap:anywhere}\n"
	"svg.chart{width:100%;height:auto;display:block}\n"
	".plot{fill:#fafafa}\n.grid{stroke:#ddd;stroke-width:1}\n.axis{font-size:10px;fill:#555}\n"
	".lostlabel{fill:#d62728}\n.band{fill:#9dbbe0}\n.dot{fill:#1f4e79}\n.lost{fill:#d62728}\n"
	".sw{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;vertical-align:middle}\n"
	"footer{margin-top:24px;color:#777;font-size:.85em}\n"
	"@media (max-width:600px){body{padding:8px;font-size:14px}th,td{padding:3px 5px}"
	".charts{grid-template-columns:1fr}}\n"
	"@media print{body{max-width:none;padding:0;font-size:10pt}"
	".findings li,tr td,th{background:none!important}.scroll{overflow:visible}"
	"figure{break-inside:avoid}h2{break-after:avoid}tr{break-inside:avoid}"
	".charts{grid-template-columns:repeat(2,1fr)}}\n";

/* Escapes s for HTML text and double-quoted attribute values (the page has
 * no other kind); bytes that are not valid UTF-8 and control bytes become
 * '?'. */
static void put_text(const char *s, struct sink *out)
{
	char *copy = strdup(s);
	if (!copy) {
		sink_puts(out, "?");
		return;
	}
	model_text_clean(copy);
	for (const unsigned char *p = (const unsigned char *)copy; *p; p++) {
		switch (*p) {
		case '&': sink_puts(out, "&amp;"); break;
		case '<': sink_puts(out, "&lt;"); break;
		case '>': sink_puts(out, "&gt;"); break;
		case '"': sink_puts(out, "&quot;"); break;
		default: sink_write(out, *p < 0x20 || *p == 0x7f ? "?" : (const char *)p, 1);
		}
	}
	free(copy);
}

static const char *proto_name(enum model_proto p)
{
	return p == MODEL_PROTO_UDP ? "UDP" : p == MODEL_PROTO_TCP ? "TCP" : "ICMP";
}

static void put_head(const struct model_trace *t, struct sink *out)
{
	sink_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		       "<title>hopdoc: ");
	put_text(t->src, out);
	sink_puts(out, " to ");
	put_text(t->dst, out);
	sink_printf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
}

static void put_intro(const struct render_html_page *p, struct sink *out)
{
	const struct model_trace *t = p->trace;
	sink_puts(out, "<header>\n<h1>Path from ");
	put_text(t->src, out);
	sink_puts(out, " to ");
	put_text(t->dst, out);
	sink_puts(out, "</h1>\n<p class=\"meta\">");
	time_t when = (time_t)t->start_time;
	struct tm tm;
	char stamp[64];
	if (t->start_time && localtime_r(&when, &tm) &&
	    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S %z", &tm))
		sink_printf(out, "Started %s. ", stamp);
	sink_printf(out, "%lu rounds asked, %s probes of %u bytes.", t->tests, proto_name(t->proto), t->psize);
	if (p->source) {
		sink_puts(out, " Made from ");
		put_text(p->source, out);
		sink_puts(out, ".");
	}
	sink_puts(out, "</p>\n</header>\n");
}

static void put_finding(const struct finding *f, struct sink *out)
{
	sink_printf(out, "<li class=\"%s\">\n<p class=\"head\">", finding_severity_name(f->severity));
	struct sink *head = sink_new_buffer();
	if (head && render_text_finding_head(f, head) == 0)
		put_text(sink_buffer(head, NULL), out);
	sink_free(head);
	sink_puts(out, "</p>\n<p>");
	put_text(f->summary, out);
	sink_puts(out, "</p>\n");
	if (f->evidence[0]) {
		sink_puts(out, "<p><strong>Evidence:</strong> ");
		put_text(f->evidence, out);
		sink_puts(out, "</p>\n");
	}
	if (f->advice[0]) {
		sink_puts(out, "<p><strong>Advice:</strong> ");
		put_text(f->advice, out);
		sink_puts(out, "</p>\n");
	}
	sink_puts(out, "</li>\n");
}

static void put_verdict(const struct finding_list *l, struct sink *out)
{
	sink_puts(out, "<section id=\"verdict\">\n<h2>Verdict</h2>\n");
	if (!l) {
		sink_puts(out, "<p class=\"note\">No diagnosis was made.</p>\n</section>\n");
		return;
	}
	sink_puts(out, "<ol class=\"findings\">\n");
	for (size_t i = 0; i < l->n; i++)
		put_finding(&l->items[i], out);
	sink_puts(out, "</ol>\n</section>\n");
}

/* The most severe finding naming each TTL, +1 (0: none), for row colours. */
static void mark_hops(const struct finding_list *l, unsigned char *mark)
{
	memset(mark, 0, MODEL_MAX_HOPS + 1);
	for (size_t i = 0; l && i < l->n; i++) {
		const struct finding *f = &l->items[i];
		for (size_t k = 0; k < f->n_hops; k++)
			if (f->hops[k] <= MODEL_MAX_HOPS && f->severity + 1 > mark[f->hops[k]])
				mark[f->hops[k]] = (unsigned char)(f->severity + 1);
	}
}

/* Which optional columns the table has: any hop carrying the figure. */
static unsigned table_has(const struct model_trace *t)
{
	unsigned has = 0;
	for (size_t i = render_field_first_hop(t); i < t->n_hops; i++)
		has |= t->hops[i].has;
	return has;
}

static void put_table_head(unsigned has, struct sink *out)
{
	sink_puts(out, "<section id=\"hops\">\n<h2>Hops</h2>\n<div class=\"scroll\">\n<table>\n"
		       "<tr><th>Nr</th><th class=\"host\">Hostname</th><th>Loss %</th><th>Sent</th>"
		       "<th>Recv</th><th>Best</th><th>Avrg</th><th>Worst</th>");
	if (has & MODEL_HAS_LAST)
		sink_puts(out, "<th>Last</th>");
	if (has & MODEL_HAS_STDEV)
		sink_puts(out, "<th>StDev</th>");
	sink_puts(out, "<th class=\"host\">Also answering</th></tr>\n");
}

static void put_ms(char letter, const struct model_hop *h, struct sink *out)
{
	sink_printf(out, "<td>%.1f</td>", field_value(field_for(letter), h));
}

static void put_others(const struct model_hop *h, const struct render_opts *o, struct sink *out)
{
	char label[LABEL_MAX];
	sink_puts(out, "<td class=\"others\">");
	for (unsigned i = 0, n = 0; i < h->n_resp; i++) {
		if (i == h->latest)
			continue;
		sink_puts(out, n++ ? ", " : "");
		put_text(render_field_label(&h->resp[i], o, label, sizeof(label)), out);
	}
	sink_puts(out, "</td>");
}

static void put_row(const struct model_hop *h, const struct render_opts *o, unsigned has,
		    const unsigned char *mark, struct sink *out)
{
	static const char *const classes[] = { "", "ok", "info", "warning", "critical" };
	char label[LABEL_MAX];
	double loss = field_value(field_for('L'), h);
	sink_printf(out, "<tr class=\"%s\"><td>%u</td><td class=\"host\">", classes[mark[h->ttl] % 5], h->ttl);
	put_text(render_field_hop_label(h, o, label, sizeof(label)), out);
	sink_printf(out, "</td><td%s>%.1f</td><td>%lu</td><td>%lu</td>", loss > 0 ? " class=\"lossy\"" : "",
		    loss, h->snt, h->recv);
	put_ms('B', h, out);
	put_ms('A', h, out);
	put_ms('W', h, out);
	if (has & MODEL_HAS_LAST)
		put_ms('N', h, out);
	if (has & MODEL_HAS_STDEV)
		put_ms('V', h, out);
	put_others(h, o, out);
	sink_puts(out, "</tr>\n");
}

static void put_table(const struct render_html_page *p, struct sink *out)
{
	unsigned char mark[MODEL_MAX_HOPS + 1];
	mark_hops(p->findings, mark);
	const struct model_trace *t = p->trace;
	unsigned has = table_has(t);
	put_table_head(has, out);
	for (size_t i = render_field_first_hop(t); i < t->n_hops; i++)
		put_row(&t->hops[i], p->opts, has, mark, out);
	sink_puts(out, "</table>\n</div>\n</section>\n");
}

static void put_chart(const struct render_html_page *p, const struct model_hop *h, struct sink *out)
{
	char label[LABEL_MAX];
	struct render_chart_sums s;
	render_chart_sum(p->history, h->ttl, &s);
	sink_printf(out, "<figure>\n<figcaption><strong>Hop %u</strong> ", h->ttl);
	put_text(render_field_hop_label(h, p->opts, label, sizeof(label)), out);
	if (s.answers)
		sink_printf(out, ": %.1f to %.1f ms", s.min, s.max);
	sink_printf(out, ", %lu of %lu lost</figcaption>\n", s.lost, s.answers + s.lost);
	render_chart_svg(p->history, h->ttl, out);
	sink_puts(out, "\n</figure>\n");
}

static void put_charts(const struct render_html_page *p, struct sink *out)
{
	sink_puts(out, "<section id=\"charts\">\n<h2>Latency per hop over the run</h2>\n");
	if (!p->history) {
		sink_puts(out, "<p class=\"note\">No per-round data: this page was made from a report, "
			       "which keeps only the totals above.</p>\n</section>\n");
		return;
	}
	sink_puts(out, "<p class=\"note\">One column per round (or per group of rounds on long runs):"
		       "<span class=\"sw\" style=\"background:#1f4e79\"></span>mean"
		       "<span class=\"sw\" style=\"background:#9dbbe0\"></span>lowest to highest"
		       "<span class=\"sw\" style=\"background:#d62728\"></span>lost probes</p>\n"
		       "<div class=\"charts\">\n");
	const struct model_trace *t = p->trace;
	for (size_t i = render_field_first_hop(t); i < t->n_hops; i++)
		put_chart(p, &t->hops[i], out);
	sink_puts(out, "</div>\n</section>\n");
}

int render_html(const struct render_html_page *p, struct sink *out)
{
	const struct render_html_page page = { p->trace, render_field_opts(p->opts), p->history,
					       p->findings, p->source };
	put_head(page.trace, out);
	put_intro(&page, out);
	put_verdict(page.findings, out);
	put_table(&page, out);
	put_charts(&page, out);
	sink_puts(out, "<footer>Made by hopdoc. Loss % counts probes that timed out; "
		       "times are round trips in milliseconds.</footer>\n</body>\n</html>\n");
	return sink_error(out);
}
