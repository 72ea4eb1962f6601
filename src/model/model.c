#include "model/model.h"

#include <arpa/inet.h>
#include <math.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

struct model_trace *model_trace_new(void)
{
	struct model_trace *t = calloc(1, sizeof(*t));
	if (t) {
		t->psize = 64;
		t->dst_addr.family = AF_UNSPEC;
	}
	return t;
}

void model_hop_free(struct model_hop *h)
{
	free(h->resp);
	h->resp = NULL;
	h->n_resp = h->cap_resp = 0;
}

void model_trace_truncate(struct model_trace *t, size_t n)
{
	/* Hops past n_hops hold no responders, so model_trace_hop can clear them. */
	while (t->n_hops > n)
		model_hop_free(&t->hops[--t->n_hops]);
}

/* ---- path epochs ---------------------------------------------------------- */

int model_epoch_add(struct model_trace *t, struct model_epoch *e)
{
	struct model_epoch *grown = realloc(t->epochs, (t->n_epochs + 1) * sizeof(*grown));
	if (!grown) {
		model_trace_free(e->path);
		e->path = NULL;
		return -1;
	}
	t->epochs = grown;
	t->epochs[t->n_epochs++] = *e;
	e->path = NULL;
	return 0;
}

void model_epoch_drop_oldest(struct model_trace *t)
{
	if (t->n_epochs == 0)
		return;
	model_trace_free(t->epochs[0].path);
	memmove(t->epochs, t->epochs + 1, (t->n_epochs - 1) * sizeof(*t->epochs));
	t->n_epochs--;
}

static void epochs_free(struct model_trace *t)
{
	for (size_t i = 0; i < t->n_epochs; i++)
		model_trace_free(t->epochs[i].path);
	free(t->epochs);
	t->epochs = NULL;
	t->n_epochs = 0;
}

static int epochs_copy(struct model_trace *dst, const struct model_trace *src)
{
	epochs_free(dst);
	for (size_t i = 0; i < src->n_epochs; i++) {
		struct model_epoch e = src->epochs[i];
		e.path = src->epochs[i].path ? model_trace_dup(src->epochs[i].path) : NULL;
		if ((src->epochs[i].path && !e.path) || model_epoch_add(dst, &e) != 0) {
			epochs_free(dst);
			return -1;
		}
	}
	return 0;
}

void model_trace_free(struct model_trace *t)
{
	if (!t)
		return;
	model_trace_truncate(t, 0);
	free(t->hops);
	epochs_free(t);
	free(t);
}

int model_hop_copy(struct model_hop *dst, const struct model_hop *src)
{
	struct model_responder *resp = dst->resp;
	unsigned cap = dst->cap_resp;
	if (src->n_resp > cap) {
		resp = realloc(resp, src->n_resp * sizeof(*resp));
		if (!resp)
			return -1;
		cap = src->n_resp;
	}
	*dst = *src;
	dst->resp = resp;
	dst->cap_resp = cap;
	if (src->n_resp)
		memcpy(resp, src->resp, src->n_resp * sizeof(*resp));
	return 0;
}

int model_trace_copy_hops(struct model_trace *dst, const struct model_trace *src, size_t n)
{
	if (n > src->n_hops)
		n = src->n_hops;
	if (n && !model_trace_hop(dst, (unsigned)n))
		return -1;
	model_trace_truncate(dst, n);
	for (size_t i = 0; i < n; i++)
		if (model_hop_copy(&dst->hops[i], &src->hops[i]) != 0)
			return -1;
	return 0;
}

struct model_trace *model_trace_dup(const struct model_trace *t)
{
	struct model_trace *d = model_trace_new();
	if (!d)
		return NULL;
	*d = *t;
	d->hops = NULL;
	d->n_hops = d->cap_hops = 0;
	d->epochs = NULL;
	d->n_epochs = 0;
	if (model_trace_copy_hops(d, t, t->n_hops) != 0 || epochs_copy(d, t) != 0) {
		model_trace_free(d);
		return NULL;
	}
	return d;
}

static int grow_hops(struct model_trace *t, size_t want)
{
	size_t cap = t->cap_hops ? t->cap_hops : 16;
	while (cap < want)
		cap *= 2;
	if (cap > MODEL_MAX_HOPS)
		cap = MODEL_MAX_HOPS;
	struct model_hop *h = realloc(t->hops, cap * sizeof(*h));
	if (!h)
		return -1;
	t->hops = h;
	t->cap_hops = cap;
	return 0;
}

struct model_hop *model_trace_hop(struct model_trace *t, unsigned ttl)
{
	if (ttl == 0 || ttl > MODEL_MAX_HOPS)
		return NULL;
	if (ttl > t->cap_hops && grow_hops(t, ttl) != 0)
		return NULL;
	while (t->n_hops < ttl) {
		struct model_hop *h = &t->hops[t->n_hops];
		memset(h, 0, sizeof(*h));
		h->ttl = (unsigned)++t->n_hops;
	}
	return &t->hops[ttl - 1];
}

static int grow_responders(struct model_hop *h)
{
	unsigned cap = h->cap_resp ? h->cap_resp * 2 : 1;
	if (cap > MODEL_MAX_RESPONDERS)
		cap = MODEL_MAX_RESPONDERS;
	struct model_responder *r = realloc(h->resp, cap * sizeof(*r));
	if (!r)
		return -1;
	h->resp = r;
	h->cap_resp = cap;
	return 0;
}

static struct model_responder *add_responder(struct model_hop *h)
{
	if (h->n_resp >= MODEL_MAX_RESPONDERS)
		return NULL;
	if (h->n_resp == h->cap_resp && grow_responders(h) != 0)
		return NULL;
	struct model_responder *r = &h->resp[h->n_resp++];
	memset(r, 0, sizeof(*r));
	r->addr.family = AF_UNSPEC;
	return r;
}

struct model_responder *model_hop_responder(struct model_hop *h, const struct model_addr *a)
{
	for (unsigned i = 0; i < h->n_resp; i++)
		if (model_addr_equal(&h->resp[i].addr, a))
			return &h->resp[i];
	struct model_responder *r = add_responder(h);
	if (r) {
		r->addr = *a;
		model_addr_text(a, r->text, sizeof(r->text));
	}
	return r;
}

struct model_responder *model_hop_responder_text(struct model_hop *h, const char *text)
{
	for (unsigned i = 0; i < h->n_resp; i++)
		if (strcmp(h->resp[i].text, text) == 0)
			return &h->resp[i];
	struct model_responder *r = add_responder(h);
	if (r) {
		strncpy(r->text, text, sizeof(r->text) - 1);
		model_addr_parse(text, &r->addr);
	}
	return r;
}

const char *model_addr_text(const struct model_addr *a, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	if ((a->family != AF_INET && a->family != AF_INET6) ||
	    !inet_ntop(a->family, a->bytes, buf, (socklen_t)len)) {
		strncpy(buf, "???", len - 1);
		buf[len - 1] = '\0';
	}
	return buf;
}

int model_addr_parse(const char *text, struct model_addr *a)
{
	struct model_addr out = {.family = AF_INET};
	if (inet_pton(AF_INET, text, out.bytes) != 1) {
		out.family = AF_INET6;
		if (inet_pton(AF_INET6, text, out.bytes) != 1)
			return -1;
	}
	*a = out;
	return 0;
}

bool model_addr_equal(const struct model_addr *a, const struct model_addr *b)
{
	if (a->family != b->family)
		return false;
	size_t n = a->family == AF_INET ? 4 : a->family == AF_INET6 ? 16 : 0;
	return memcmp(a->bytes, b->bytes, n) == 0;
}

void model_addr_from_sockaddr(const struct sockaddr *sa, struct model_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_UNSPEC;
	if (sa->sa_family == AF_INET) {
		a->family = AF_INET;
		memcpy(a->bytes, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		a->family = AF_INET6;
		memcpy(a->bytes, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
	}
}

unsigned model_addr_to_sockaddr(const struct model_addr *a, uint16_t port,
                                struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, a->bytes, 4);
		return sizeof(*sin);
	}
	if (a->family != AF_INET6)
		return 0;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	memcpy(&sin6->sin6_addr, a->bytes, 16);
	return sizeof(*sin6);
}

const char *model_responder_label(const struct model_responder *r, bool want_names)
{
	if (want_names && r->name[0])
		return r->name;
	return r->text;
}

/* The length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0 when there is none. */
static size_t utf8_sequence(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n = c < 0x80                 ? 1
	           : c >= 0xC2 && c <= 0xDF ? 2
	           : c >= 0xE0 && c <= 0xEF ? 3
	           : c >= 0xF0 && c <= 0xF4 ? 4
	                                    : 0;
	unsigned char lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
	unsigned char hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
	for (size_t i = 1; i < n; i++) {
		unsigned char min = i == 1 ? lo : 0x80, max = i == 1 ? hi : 0xBF;
		if (s[i] < min || s[i] > max)
			return 0;
	}
	return n;
}

void model_text_clean(char *s)
{
	unsigned char *p = (unsigned char *)s;
	while (*p) {
		size_t n = utf8_sequence(p);
		if (n == 0)
			*p++ = '?';
		else
			p += n;
	}
}

/* Prometheus's 1-2.5-5 steps, in ms: loopback to a satellite link. */
static const double rtt_bounds_ms[MODEL_RTT_BUCKETS] = {
	0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000,
};

double model_rtt_bucket_ms(unsigned i)
{
	return i < MODEL_RTT_BUCKETS ? rtt_bounds_ms[i] : INFINITY;
}

unsigned model_rtt_bucket_of(double rtt_ms)
{
	unsigned i = 0;
	while (i < MODEL_RTT_BUCKETS && rtt_ms > rtt_bounds_ms[i])
		i++;
	return i;
}

const char *model_ipinfo_field(const char *txt, unsigned n, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	buf[0] = '\0';
	const char *p = txt;
	for (unsigned i = 0; i < n && p; i++) {
		p = strchr(p, '|');
		p = p ? p + 1 : NULL;
	}
	if (!p)
		return buf;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t k = strcspn(p, "|");
	while (k > 0 && (p[k - 1] == ' ' || p[k - 1] == '\t'))
		k--;
	if (n == 0)
		k = strcspn(p, " \t|") < k ? strcspn(p, " \t|") : k;
	snprintf(buf, len, "%.*s", (int)k, p);
	return buf;
}

uint32_t model_ipinfo_asn(const char *txt)
{
	char f[MODEL_IPINFO_MAX];
	model_ipinfo_field(txt, 0, f, sizeof(f));
	char *end;
	errno = 0;
	unsigned long v = strtoul(f, &end, 10);
	if (f[0] < '0' || f[0] > '9' || *end || errno || v == 0 || v > UINT32_MAX)
		return 0;
	return (uint32_t)v;
}
