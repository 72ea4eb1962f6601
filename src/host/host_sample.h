/* host_sample: reads one sample of the host's counters from the files under
 * a root directory ("/" on a live host, a fake tree in tests). A file that
 * is missing or unreadable (a container, an old kernel, no conntrack) leaves
 * its value "not available"; it never stops the sample. On the live root the
 * NIC ring sizes come from the ethtool ioctl (ETHTOOL_GRINGPARAM, a read);
 * under another root there is none.
 * Tests: tests/unit/host/test_host_sample.c tests/golden/host. */
#ifndef HOPDOC_HOST_SAMPLE_H
#define HOPDOC_HOST_SAMPLE_H

#include <stdbool.h>

#include "host/host.h"

/* Fills s from the tree under root. Returns 0, or -1 when root itself
 * cannot be read (then nothing is available at all). */
int host_sample_read(const char *root, struct host_sample *s);

/* The names printed and written to JSON: "rx_dropped", "softnet_dropped",
 * "tcp_retrans_segs", "conntrack_count", "net.core.rmem_max", ... */
const char *host_nic_counter_name(enum host_nic_counter c);
const char *host_counter_name(enum host_counter c);
const char *host_gauge_name(enum host_gauge g);
const char *host_sysctl_name(enum host_sysctl s);

#endif
