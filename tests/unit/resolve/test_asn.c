/* resolve/asn: origin TXT names and answers, and the ipinfo fields
 * (model_ipinfo_field) the renderers take from them. No network: answers are
 * DNS messages built here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>

#include "resolve/asn.h"

static struct model_addr addr(const char *text)
{
	struct model_addr a;
	assert_int_equal(model_addr_parse(text, &a), 0);
	return a;
}

static void query_names_as_mtr_asks(void **state)
{
	(void)state;
	char buf[128];
	struct model_addr a = addr("198.51.100.7");
	assert_int_equal(asn_query_name(&a, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "7.100.51.198.origin.asn.cymru.com");
	a = addr("2001:db8:1234:5678::1"); /* the upper 64 bits, nibbles reversed */
	assert_int_equal(asn_query_name(&a, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "8.7.6.5.4.3.2.1.8.b.d.0.1.0.0.2.origin6.asn.cymru.com");
	assert_int_equal(asn_query_name(&a, buf, 20), -1); /* too small: refused, not cut */
	struct model_addr none = { .family = AF_UNSPEC };
	assert_int_equal(asn_query_name(&none, buf, sizeof(buf)), -1);
}

/* A response: header (id, flags, 1 question, n answers), the question, then
 * answers pointing back at the question's name. */
static size_t message(uint8_t *m, const uint16_t *types, const char *const *rdata, size_t n)
{
	static const uint8_t head[] = { 0x12, 0x34, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0 };
	static const uint8_t q[] = { 1, '7', 3, 'a', 's', 'n', 0, 0, 16, 0, 1 };
	memcpy(m, head, sizeof(head));
	m[7] = (uint8_t)n;
	size_t at = sizeof(head);
	memcpy(m + at, q, sizeof(q));
	at += sizeof(q);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(rdata[i]);
		const uint8_t rr[] = { 0xc0, 12, 0, (uint8_t)types[i], 0, 1, 0, 0, 0, 60, 0, (uint8_t)len };
		memcpy(m + at, rr, sizeof(rr));
		memcpy(m + at + sizeof(rr), rdata[i], len);
		at += sizeof(rr) + len;
	}
	return at;
}

static void answers_give_the_first_txt(void **state)
{
	(void)state;
	uint8_t m[512];
	char txt[MODEL_IPINFO_MAX];
	/* a CNAME-typed record first (skipped), then a TXT of two strings */
	static const uint16_t types[] = { 5, 16 };
	static const char *const rdata[] = { "\x01x\x00", "\x0e" "64500 | 198.51\x11.100.0/24 | DE" };
	size_t n = message(m, types, rdata, 2);
	assert_int_equal(asn_parse_answer(m, n, txt, sizeof(txt)), 0);
	assert_string_equal(txt, "64500 | 198.51.100.0/24 | DE");
	/* bytes outside printable ASCII do not reach a report */
	static const char *const odd[] = { "\x05" "645\x07" "0" };
	n = message(m, types + 1, odd, 1);
	assert_int_equal(asn_parse_answer(m, n, txt, sizeof(txt)), 0);
	assert_string_equal(txt, "645?0");
	/* no TXT answer, and a message cut short, give nothing */
	n = message(m, types, rdata, 1);
	assert_int_equal(asn_parse_answer(m, n, txt, sizeof(txt)), -1);
	n = message(m, types + 1, rdata + 1, 1);
	assert_int_equal(asn_parse_answer(m, n - 5, txt, sizeof(txt)), -1);
	/* a string whose length runs past its record is cut, not overread */
	static const char *const over[] = { "\x30" "64500" };
	n = message(m, types + 1, over, 1);
	assert_int_equal(asn_parse_answer(m, n, txt, sizeof(txt)), 0);
	assert_string_equal(txt, "64500");
}

static void ipinfo_fields_as_mtr_splits_them(void **state)
{
	(void)state;
	const char *txt = "64502 64503 | 198.51.100.8/29 | US | arin | 2010-07-14";
	char f[64];
	assert_string_equal(model_ipinfo_field(txt, 0, f, sizeof(f)), "64502");
	assert_string_equal(model_ipinfo_field(txt, 1, f, sizeof(f)), "198.51.100.8/29");
	assert_string_equal(model_ipinfo_field(txt, 2, f, sizeof(f)), "US");
	assert_string_equal(model_ipinfo_field(txt, 4, f, sizeof(f)), "2010-07-14");
	assert_string_equal(model_ipinfo_field("64500 | x", 3, f, sizeof(f)), "");
	assert_int_equal(model_ipinfo_asn(txt), 64502);
	assert_int_equal(model_ipinfo_asn("4200000001 | p"), 4200000001u);
	assert_int_equal(model_ipinfo_asn("NA | p"), 0);
	assert_int_equal(model_ipinfo_asn("99999999999 | p"), 0);
	assert_int_equal(model_ipinfo_asn(""), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(query_names_as_mtr_asks),
	    cmocka_unit_test(answers_give_the_first_txt),
	    cmocka_unit_test(ipinfo_fields_as_mtr_splits_them),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
