/* libFuzzer harness for the host checks' parsers (host_parse.h): the bytes
 * are the contents of a /proc or /sys file, given to every parser, not
 * NUL-terminated (a copy of exactly `size` bytes, so ASan sees any read past
 * the end). Results are checked for what the parsers promise. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse_text(const char *buf, size_t len)
{
	char out[64];
	if (host_parse_text(buf, len, out, sizeof(out)) == 0 && strlen(out) >= sizeof(out))
		abort();
}

static void parse_tables(const char *buf, size_t len)
{
	static struct host_softnet sn;
	uint64_t v;
	if (host_parse_softnet(buf, len, &sn) == 0 && sn.rows == 0)
		abort();
	(void)host_parse_snmp(buf, len, "Tcp", "RetransSegs", &v);
	(void)host_parse_snmp(buf, len, "TcpExt", "ListenDrops", &v);
	(void)host_parse_ct_stat(buf, len, "insert_failed", &v);
	(void)host_parse_ct_stat(buf, len, "early_drop", &v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	uint64_t v;
	(void)host_parse_uint(buf, size, &v);
	parse_text(buf, size);
	parse_tables(buf, size);
	free(buf);
	return 0;
}
