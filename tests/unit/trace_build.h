/* Builds model traces for tests of the layers that read them (render, cli).
 * Include after cmocka.h. */
#ifndef HOPDOC_TEST_TRACE_BUILD_H
#define HOPDOC_TEST_TRACE_BUILD_H

#include "model/model.h"

/* Adds the responder at numeric address addr to h with this many replies,
 * its text as a report shows it, and makes it the hop's latest. */
static inline struct model_responder *add_responder(struct model_hop *h, const char *addr,
                                                    unsigned long replies)
{
	struct model_addr a;
	assert_int_equal(model_addr_parse(addr, &a), 0);
	struct model_responder *r = model_hop_responder(h, &a);
	assert_non_null(r);
	model_addr_text(&a, r->text, sizeof(r->text));
	r->replies = replies;
	h->latest = h->n_resp - 1;
	return r;
}

#endif
