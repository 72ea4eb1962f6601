/* libFuzzer harness for import_host_findings: the bytes are what a server's
 * hopdoc (or something pretending to be one) sent back for --return-via.
 * Whatever it reads must be a host finding of a known severity, at most the
 * cap, with texts that are never NULL nor hold a control byte, and no
 * negative rate. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import/import_findings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A control byte would reach the user's terminal. */
static void check_clean(const char *t)
{
	for (const char *c = t; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
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
