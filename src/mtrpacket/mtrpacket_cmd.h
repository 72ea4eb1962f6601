/* mtrpacket_cmd: one command line of mtr-packet(8)'s protocol, as text in and
 * a checked struct out. Pure code, no I/O.
 *
 * A line is "TOKEN COMMAND [NAME VALUE]...", words separated by white space
 * (mtr 0.95's packet/cmdparse.c: at most 16 pairs). The commands hopdoc knows
 * are send-probe and check-support; every value is range-checked here, so the
 * driver only sees probes it can send. Unlike mtr-packet, an argument name
 * the command does not know is an invalid argument (a typo such as "tll 5"
 * would otherwise probe at TTL 255). */
#ifndef HOPDOC_MTRPACKET_CMD_H
#define HOPDOC_MTRPACKET_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"

#define MTRPACKET_LINE_MAX 4096   /* mtr's COMMAND_BUFFER_SIZE */
#define MTRPACKET_MAX_PAIRS 16    /* mtr's MAX_COMMAND_ARGUMENTS */
#define MTRPACKET_FEATURE_MAX 64
#define MTRPACKET_DEVICE_MAX 16   /* IFNAMSIZ */

/* What a line asks for, or why it cannot be done. */
enum mtrpacket_verdict {
	MTRPACKET_SEND_PROBE,       /* cmd->probe is valid */
	MTRPACKET_CHECK_SUPPORT,    /* cmd->feature is set */
	MTRPACKET_PARSE_ERROR,      /* "0 command-parse-error": no token, odd pairs, too many */
	MTRPACKET_UNKNOWN_COMMAND,  /* "TOKEN unknown-command" */
	MTRPACKET_INVALID_ARGUMENT, /* "TOKEN invalid-argument" */
	MTRPACKET_NO_IP_VERSION,    /* "... invalid-argument reason ip-version-not-supported" */
	MTRPACKET_NO_PROTOCOL,      /* "... invalid-argument reason protocol-not-supported" (sctp) */
};

/* A send-probe request with mtr-packet's defaults filled in. */
struct mtrpacket_probe {
	struct model_addr dst;      /* ip-4 / ip-6 */
	struct model_addr src;      /* local-ip-4 / local-ip-6; AF_UNSPEC: the route's */
	char device[MTRPACKET_DEVICE_MAX]; /* local-device; "" none */
	enum model_proto proto;     /* protocol; icmp by default */
	unsigned ttl;               /* 1..255; 255 by default */
	unsigned size;              /* whole IP packet, 0..65535; 64 by default */
	unsigned timeout_s;         /* whole seconds, 0..86400; 10 by default */
	unsigned port;              /* 0 (the protocol's default) .. 65535 */
	unsigned local_port;        /* 0 (chosen) or 1024..65535 */
	unsigned tos;               /* 0..255 */
	unsigned bit_pattern;       /* 0..255 */
	unsigned long mark;         /* 0..UINT32_MAX */
};

struct mtrpacket_cmd {
	long token;                 /* 0 when the line had none that parses */
	enum mtrpacket_verdict verdict;
	char feature[MTRPACKET_FEATURE_MAX];  /* check-support's feature */
	struct mtrpacket_probe probe;
};

/* Parses one line (without its newline; NUL bytes in it make it a parse
 * error) into cmd, and returns cmd->verdict. */
enum mtrpacket_verdict mtrpacket_parse(const char *line, size_t len, struct mtrpacket_cmd *cmd);

#endif
