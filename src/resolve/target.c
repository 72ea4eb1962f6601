/* target: name → address for the engine (target.h). */
#include "resolve/target.h"

#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static bool usable_family(unsigned usable, int family)
{
	return (family == AF_INET && (usable & TARGET_INET)) ||
	       (family == AF_INET6 && (usable & TARGET_INET6));
}

int target_resolve(const char *name, int family, unsigned usable, struct model_addr *out,
                   char *err, size_t errlen)
{
	if (!name || !*name) {
		snprintf(err, errlen, "no target given");
		return -1;
	}
	if (model_addr_parse(name, out) == 0 && usable_family(usable, out->family))
		return 0;
	struct addrinfo hints = { .ai_family = family, .ai_socktype = SOCK_DGRAM };
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(name, NULL, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "cannot resolve %s: %s", name, gai_strerror(rc));
		return -1;
	}
	out->family = AF_UNSPEC;
	for (const struct addrinfo *ai = res; ai && out->family == AF_UNSPEC; ai = ai->ai_next)
		if (usable_family(usable, ai->ai_family))
			model_addr_from_sockaddr(ai->ai_addr, out);
	freeaddrinfo(res);
	if (out->family == AF_UNSPEC) {
		snprintf(err, errlen, "%s: no address of a family we can probe", name);
		return -1;
	}
	return 0;
}
