/* mtrpacket: hopdoc speaking mtr-packet(8)'s protocol, so that Debian's mtr
 * can drive hopdoc's engine (MTR_PACKET=/path/to/a/link/named/mtr-packet).
 *
 * Commands come one per line on in_fd; every send-probe is one probe_one
 * probe (probe/probe_one.h), answered by one line on out_fd when its reply,
 * ICMP error or timeout comes; check-support is answered at once. The words
 * and errors are the man page's (mtrpacket_cmd.h, mtrpacket_reply.h). The
 * server returns when in_fd closes (probes in flight are dropped, as
 * mtr-packet does). docs/mtrpacket.md tells what differs from mtr-packet.
 * Tests: tests/unit/mtrpacket/test_mtrpacket.c tests/lab/t_mtrpacket.sh. */
#ifndef HOPDOC_MTRPACKET_H
#define HOPDOC_MTRPACKET_H

#include <stddef.h>

#include "probe/probe.h"

/* Serves the protocol on in_fd/out_fd with the socket sets sets[0..n-1] (one
 * per protocol, NULL for a protocol that could not be opened; privileges
 * already dropped). 0 when in_fd closed; -1 with a message in err when the
 * loop could not be set up or out_fd failed. */
int mtrpacket_serve(struct probe_sockets *const *sets, size_t n, int in_fd, int out_fd,
                    char *err, size_t errlen);

#endif
