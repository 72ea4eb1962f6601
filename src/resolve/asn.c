#include "resolve/asn.h"

#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define ASN_ANSWER_MAX 4096

int asn_query_name(const struct model_addr *a, char *buf, size_t len)
{
	const uint8_t *b = a->bytes;
	int n = -1;
	if (a->family == AF_INET)
		n = snprintf(buf, len, "%u.%u.%u.%u." ASN_ZONE4, b[3], b[2], b[1], b[0]);
	else if (a->family == AF_INET6) {
		/* mtr asks for the upper 64 bits: the routed prefix */
		char nib[8 * 4 + 1];
		for (int i = 7; i >= 0; i--)
			snprintf(nib + (7 - i) * 4, sizeof(nib) - (size_t)(7 - i) * 4, "%x.%x.",
			         b[i] & 0xf, b[i] >> 4);
		n = snprintf(buf, len, "%s" ASN_ZONE6, nib);
	}
	return n > 0 && (size_t)n < len ? 0 : -1;
}

/* TXT rdata: strings of (length byte, bytes); joined as mtr does. */
static void join_strings(const uint8_t *p, size_t n, char *txt, size_t len)
{
	size_t at = 0;
	while (n > 0 && at + 1 < len) {
		size_t k = p[0] < n - 1 ? p[0] : n - 1;
		for (size_t i = 0; i < k && at + 1 < len; i++)
			txt[at++] = p[1 + i] >= 0x20 && p[1 + i] < 0x7f ? (char)p[1 + i] : '?';
		p += 1 + k;
		n -= 1 + k;
	}
	txt[at] = '\0';
}

int asn_parse_answer(const uint8_t *msg, size_t n, char *txt, size_t len)
{
	ns_msg h;
	if (len == 0 || n > ASN_ANSWER_MAX || ns_initparse(msg, (int)n, &h) < 0)
		return -1;
	for (int i = 0; i < ns_msg_count(h, ns_s_an); i++) {
		ns_rr rr;
		if (ns_parserr(&h, ns_s_an, i, &rr) < 0)
			return -1;
		if (ns_rr_type(rr) != ns_t_txt || ns_rr_rdlen(rr) == 0)
			continue;
		join_strings(ns_rr_rdata(rr), ns_rr_rdlen(rr), txt, len);
		return txt[0] ? 0 : -1;
	}
	return -1;
}

int asn_resolve_system(const struct model_addr *a, char *txt, size_t len)
{
	char qname[128];
	if (asn_query_name(a, qname, sizeof(qname)) < 0)
		return -1;
	struct __res_state rs;
	memset(&rs, 0, sizeof(rs));
	if (res_ninit(&rs) < 0)
		return -1;
	uint8_t answer[ASN_ANSWER_MAX];
	int n = res_nquery(&rs, qname, ns_c_in, ns_t_txt, answer, sizeof(answer));
	res_nclose(&rs);
	if (n < 0)
		return -1;
	return asn_parse_answer(answer, (size_t)n < sizeof(answer) ? (size_t)n : sizeof(answer), txt, len);
}
