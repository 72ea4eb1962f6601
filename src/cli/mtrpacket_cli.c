/* mtrpacket_cli: `mtr-packet` (mtrpacket_cli.h). */
#include "cli/mtrpacket_cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mtrpacket/mtrpacket.h"
#include "probe/privdrop.h"
#include "probe/probe.h"

bool mtrpacket_cli_is_me(const char *argv0)
{
	if (!argv0)
		return false;
	const char *slash = strrchr(argv0, '/');
	return strcmp(slash ? slash + 1 : argv0, "mtr-packet") == 0;
}

/* One set per protocol, both families; a protocol that cannot be opened is
 * left NULL and check-support says "no" for it. The first error is kept. */
static size_t open_sets(struct probe_sockets *sets[3], char *err, size_t errlen)
{
	static const enum model_proto protos[3] = { MODEL_PROTO_ICMP, MODEL_PROTO_UDP,
		                                    MODEL_PROTO_TCP };
	size_t opened = 0;
	for (size_t i = 0; i < 3; i++) {
		struct probe_params pp;
		probe_params_init(&pp);
		pp.proto = protos[i];
		char e[256];
		sets[i] = probe_sockets_open(&pp, e, sizeof(e));
		if (sets[i])
			opened++;
		else if (!*err)
			snprintf(err, errlen, "%s", e);
	}
	return opened;
}

static void close_sets(struct probe_sockets *sets[3])
{
	for (size_t i = 0; i < 3; i++)
		probe_sockets_close(sets[i]);
}

int mtrpacket_cli_main(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "mtr-packet: takes no arguments; it reads commands on stdin "
		                "(mtr-packet(8))\n");
		return 1;
	}
	struct probe_sockets *sets[3];
	char err[512] = "";
	size_t opened = open_sets(sets, err, sizeof(err));
	if (opened == 0 || privdrop_drop(err, sizeof(err)) < 0) {
		fprintf(stderr, "mtr-packet: %s\n", err);
		close_sets(sets);
		return 1;
	}
	int rc = mtrpacket_serve(sets, 3, STDIN_FILENO, STDOUT_FILENO, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "mtr-packet: %s\n", err);
	close_sets(sets);
	return rc < 0 ? 1 : 0;
}
