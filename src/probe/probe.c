/* probe: the engine's parameters: mtr's defaults and the check the engine
 * relies on. The engine itself is in the files probe_int.h lists;
 * docs/probing.md explains its choices (why rounds, why kernel stamps). */
#include "probe/probe.h"
#include "probe/probe_mda.h"

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
		.flows = 1,
	};
}

/* Flows differ in a port the user left free: -L and -P fix both for UDP,
 * and TCP's destination port is the service, so -L fixes its flow. */
static bool ports_left_free(const struct probe_params *pp)
{
	if (pp->proto == MODEL_PROTO_UDP)
		return !(pp->local_port && pp->port);
	return pp->proto != MODEL_PROTO_TCP || !pp->local_port;
}

static int check_flows(const struct probe_params *pp, char *err, size_t errlen)
{
	if (pp->flows > PROBE_MAX_FLOWS) {
		snprintf(err, errlen, "--flows: at most %u flows", PROBE_MAX_FLOWS);
		return -1;
	}
	if (pp->flows > 1 && !ports_left_free(pp)) {
		snprintf(err, errlen, "--flows %u needs a port left free (-L and -P fix this flow)",
		         pp->flows);
		return -1;
	}
	return 0;
}

int probe_params_check(const struct probe_params *pp, char *err, size_t errlen)
{
	if (check_flows(pp, err, errlen) < 0)
		return -1;
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

