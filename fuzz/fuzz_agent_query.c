/* fuzz_agent_query: the agent's query-string parser on any bytes. Whatever
 * it accepts must stay within the bounds and name no address. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent_query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct agent_bounds b;
	struct agent_trace_req r;
	char err[160];
	agent_bounds_default(&b);
	agent_query_init(&r, &b);
	if (agent_query_parse(&r, &b, (const char *)data, size, err, sizeof(err)) == 0) {
		if (r.cycles < 1 || r.cycles > b.max_cycles || r.interval_s < b.min_interval_s ||
		    r.interval_s > b.max_interval_s || r.port > 65535)
			abort();
	} else if (memchr(err, '\0', sizeof(err)) == NULL) {
		abort();
	}
	/* Header names too: any bytes, as a string. */
	char name[64];
	size_t n = size < sizeof(name) - 1 ? size : sizeof(name) - 1;
	memcpy(name, data, n);
	name[n] = '\0';
	(void)agent_header_names_address(name);
	return 0;
}
