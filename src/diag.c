/* diag: rules R1..R13 of diagnosis.md. Skeleton; grows below. */
#include "diag.h"

#include <math.h>
#include <string.h>

static int add_healthy(struct finding_list *out, enum finding_direction dir)
{
	struct finding f;
	memset(&f, 0, sizeof f);
	f.kind = FINDING_HEALTHY;
	f.severity = FINDING_OK;
	f.segment = FINDING_SEG_UNKNOWN;
	f.direction = dir;
	f.loss_pct = NAN;
	f.latency_ms = NAN;
	return finding_list_add(out, &f) ? 0 : -1;
}

int diag_trace(const struct model_trace *t, struct finding_list *out)
{
	(void)t;
	return add_healthy(out, FINDING_DIR_OUTBOUND);
}

int diag_pair(const struct model_trace *outbound, const struct model_trace *ret,
	      struct finding_list *out)
{
	(void)outbound;
	(void)ret;
	return add_healthy(out, FINDING_DIR_BOTH);
}

int diag_clients(const struct model_trace *const *outbound, size_t n,
		 struct finding_list *out)
{
	(void)outbound;
	(void)n;
	return add_healthy(out, FINDING_DIR_OUTBOUND);
}

int diag_host(const struct diag_host *h, const struct model_trace *t,
	      struct finding_list *out)
{
	(void)h;
	(void)t;
	(void)out;
	return 0;
}
