/* libFuzzer harness for import_host_findings: the bytes are what a server's
 * hopdoc (or something pretending to be one) sent back for --return-via.
 * Whatever it reads must be a host finding of a known severity, at most the
 * cap, with texts that are never NULL nor hold a control byte (C0, DEL, or
 * a C1 or bidi control in UTF-8), and no
 * negative rate. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import/import_findings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The UTF-8 forms of what import_findings must turn into spaces: C1
 * controls (C2 80..9F), U+061C (D8 9C), U+200E/F (E2 80 8E/8F), U+2028..202E
 * (E2 80 A8..AE), U+2066..2069 (E2 81 A6..A9). */
static int unsafe_utf8(const unsigned char *c)
{
	if (c[0] == 0xc2 && c[1] >= 0x80 && c[1] <= 0x9f)
		return 1;
	if (c[0] == 0xd8 && c[1] == 0x9c)
		return 1;
	if (c[0] != 0xe2 || !c[1])
		return 0;
	if (c[1] == 0x80)
		return c[2] == 0x8e || c[2] == 0x8f || (c[2] >= 0xa8 && c[2] <= 0xae);
	return c[1] == 0x81 && c[2] >= 0xa6 && c[2] <= 0xa9;
}

/* A control byte (or code point) would reach the user's terminal. */
static void check_clean(const char *t)
{
	for (const unsigned char *c = (const unsigned char *)t; *c; c++)
		if (*c < 0x20 || *c == 0x7f || unsafe_utf8(c))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1); /* exactly size bytes: ASan sees overreads */
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	struct finding_list l;
	finding_list_init(&l);
	int rc = import_host_findings(copy, size, &l);
	if ((rc < 0 && l.n) || l.n > IMPORT_HOST_FINDINGS_MAX)
		abort();
	for (size_t i = 0; i < l.n; i++) {
		const struct finding *f = &l.items[i];
		if (f->kind < FINDING_HOST_NIC_DROPS || f->kind > FINDING_HOST_UDP_BUFFER_ERRORS ||
		    f->severity > FINDING_CRITICAL || !f->summary || !f->evidence || !f->advice ||
		    f->rate_per_s < 0 || strlen(f->counter) >= sizeof(f->counter))
			abort();
		check_clean(f->summary);
		check_clean(f->evidence);
		check_clean(f->advice);
		check_clean(f->counter);
	}
	finding_list_free(&l);
	free(copy);
	return 0;
}
