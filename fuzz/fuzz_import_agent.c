/* libFuzzer harness for import_agent_line: the bytes are one line of what an
 * agent (or something pretending to be one) streams to the live view. The
 * raw lines it writes must each be an x, h or p line, and must import. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import/import.h"
#include "import/import_agent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_lines(const char *raw)
{
	for (const char *l = raw; *l; l = strchr(l, '\n') + 1) {
		if ((l[0] != 'x' && l[0] != 'h' && l[0] != 'p') || l[1] != ' ' || !strchr(l, '\n'))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1); /* exactly size bytes: ASan sees overreads */
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	struct import_agent st = {0};
	struct strbuf raw = STRBUF_INIT;
	int rc = import_agent_line(&st, copy, size, &raw);
	if (rc == 0 && raw.len)
		abort();
	if (rc == 1 && raw.len) {
		check_lines(strbuf_str(&raw));
		struct model_trace *t = NULL;
		struct import_error e;
		if (import_buffer(strbuf_str(&raw), raw.len, "fuzz", &t, &e) == 0)
			model_trace_free(t);
	}
	strbuf_free(&raw);
	free(copy);
	return 0;
}
