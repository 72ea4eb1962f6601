/* fuzz_agent_ndjson: the raw-to-NDJSON converter on any bytes, fed in two
 * pieces; every output line must be a JSON object on one line. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent_ndjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct agent_ndjson *n = agent_ndjson_new();
	struct strbuf out = STRBUF_INIT;
	size_t half = size / 2;
	if (!n)
		return 0;
	agent_ndjson_feed(n, (const char *)data, half, &out);
	agent_ndjson_feed(n, (const char *)data + half, size - half, &out);
	agent_ndjson_finish(n, &out);
	const char *s = strbuf_str(&out);
	for (const char *line = s; *line;) {
		const char *nl = strchr(line, '\n');
		if (!nl || line[0] != '{' || nl[-1] != '}')
			abort();
		for (const char *c = line; c < nl; c++)
			if ((unsigned char)*c < 0x20)
				abort();
		line = nl + 1;
	}
	strbuf_free(&out);
	agent_ndjson_free(n);
	return 0;
}
