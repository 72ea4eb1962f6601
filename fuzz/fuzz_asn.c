/* libFuzzer harness for origin TXT answers (resolve/asn.h): the bytes are a
 * DNS answer message from whichever server the resolver asked; the record
 * found is then split into mtr's ipinfo fields as the renderers do. Checked
 * for what the functions promise: NUL-terminated, printable ASCII. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "resolve/asn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1); /* exactly size bytes: ASan sees overreads */
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	char txt[MODEL_IPINFO_MAX];
	if (asn_parse_answer(copy, size, txt, sizeof(txt)) == 0) {
		size_t n = strnlen(txt, sizeof(txt));
		if (n == 0 || n >= sizeof(txt))
			abort();
		for (size_t i = 0; i < n; i++)
			if (txt[i] < 0x20 || txt[i] > 0x7e)
				abort();
		char f[MODEL_IPINFO_MAX];
		for (unsigned k = 0; k < MODEL_IPINFO_FIELDS; k++)
			if (strlen(model_ipinfo_field(txt, k, f, sizeof(f))) >= sizeof(f))
				abort();
		(void)model_ipinfo_asn(txt);
	}
	free(copy);
	return 0;
}
