/* probe: the engine's parameters: mtr's defaults and the check the engine
 * relies on. The engine itself is in the files probe_int.h lists;
 * docs/probing.md explains its choices (why rounds, why kernel stamps). */
#include "probe/probe.h"

#include <stdio.h>
#include <sys/socket.h>

void probe_params_init(struct probe_params *pp)
{
	*pp = (struct probe_params){
		.family = AF_UNSPEC,
		.proto = MODEL_PROTO_ICMP,
		.interval_s = 1.0,
		.cycles = 10,
		.first_ttl = 1,
		.max_ttl = 30,
		.max_unknown = 12,
		.timeout_s = 10.0,
		.gracetime_s = 5.0,
		.psize = 64,
		.max_pps = 1000.0,
	};
}

int probe_params_check(const struct probe_params *pp, char *err, size_t errlen)
{
	if (pp->first_ttl < 1 || pp->first_ttl > pp->max_ttl || pp->max_ttl > 255) {
		snprintf(err, errlen, "TTLs %u to %u are not a range of 1 to 255", pp->first_ttl,
		         pp->max_ttl);
		return -1;
	}
	if (!(pp->timeout_s > 0) || !(pp->interval_s > 0) || !(pp->gracetime_s >= 0)) {
		snprintf(err, errlen, "timeout and interval must be positive");
		return -1;
	}
	return 0;
}

