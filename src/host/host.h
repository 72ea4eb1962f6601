/* host: the host's own packet counters (seed 004, R13): what `ip -s link`,
 * /proc/net/softnet_stat, conntrack, /proc/net/snmp and /proc/net/netstat
 * show, sampled twice and turned into rates over the window. The types of
 * the subsystem; host_parse.h parses file contents, host_sample.h reads a
 * tree (/ or a fake one), host_rate.h computes rates, host_render.h prints.
 * Read-only: nothing here changes a sysctl or a NIC setting.
 * Tests: tests/unit/host/test_host_rate.c tests/golden/host. */
#ifndef HOPDOC_HOST_H
#define HOPDOC_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HOST_MAX_NICS 64
#define HOST_IFNAME_MAX 16 /* IFNAMSIZ */
#define HOST_TEXT_MAX 64 /* a sysctl's value as text */
#define HOST_MAX_CPUS 256 /* softnet_stat rows kept one by one (all are summed) */

/* /sys/class/net/IF/statistics/<name>, in host_nic_counter_name's order. */
enum host_nic_counter {
	HOST_RX_ERRORS,
	HOST_RX_DROPPED,
	HOST_RX_MISSED,
	HOST_RX_FIFO,
	HOST_TX_ERRORS,
	HOST_TX_DROPPED,
	HOST_TX_FIFO,
	HOST_NIC_COUNTERS
};

/* Counters of the whole host (or network namespace). */
enum host_counter {
	HOST_SOFTNET_DROPPED,  /* softnet_stat column 2, summed over CPUs */
	HOST_SOFTNET_SQUEEZED, /* column 3: time_squeeze */
	HOST_TCP_RETRANS,      /* snmp Tcp: RetransSegs */
	HOST_TCP_OUT,          /* snmp Tcp: OutSegs */
	HOST_UDP_RCVBUF,       /* snmp Udp: RcvbufErrors */
	HOST_UDP_INERRORS,     /* snmp Udp: InErrors */
	HOST_LISTEN_OVERFLOWS, /* netstat TcpExt: ListenOverflows */
	HOST_LISTEN_DROPS,     /* netstat TcpExt: ListenDrops */
	HOST_CT_INSERT_FAILED, /* stat/nf_conntrack, summed over CPUs */
	HOST_CT_DROP,
	HOST_CT_EARLY_DROP,
	HOST_COUNTERS
};

/* Values that are levels, not counters: read from the second sample. */
enum host_gauge { HOST_CT_COUNT, HOST_CT_MAX, HOST_GAUGES };

/* The sysctls seed 004 tunes, shown next to their values. */
enum host_sysctl {
	HOST_NETDEV_MAX_BACKLOG,
	HOST_NETDEV_BUDGET,
	HOST_RMEM_MAX,
	HOST_WMEM_MAX,
	HOST_TCP_RMEM,
	HOST_TCP_WMEM,
	HOST_SYSCTLS
};

struct host_value {
	bool has; /* false: the file is missing or unreadable here */
	uint64_t v;
};

struct host_ring {
	bool has; /* false: no ethtool answer (virtual NIC, container, --root) */
	uint32_t rx, rx_max, tx, tx_max;
};

/* One softnet_stat row: the CPU (column 13 on kernels that print it, else
 * the row's index) and its columns 2 and 3. */
struct host_cpu_softnet {
	unsigned cpu;
	uint64_t dropped, squeezed;
};

struct host_softnet {
	uint64_t dropped, squeezed; /* summed over every row */
	unsigned rows;              /* rows read; the first HOST_MAX_CPUS are kept */
	struct host_cpu_softnet cpu[HOST_MAX_CPUS];
};

struct host_nic {
	char name[HOST_IFNAME_MAX];
	struct host_value c[HOST_NIC_COUNTERS];
	struct host_ring ring;
};

/* One sample. Plain data: the reader fills it, nothing owns memory. */
struct host_sample {
	struct host_nic nics[HOST_MAX_NICS];
	size_t n_nics;
	struct host_value c[HOST_COUNTERS];
	struct host_value g[HOST_GAUGES];
	struct {
		bool has;
		char text[HOST_TEXT_MAX];
	} sysctl[HOST_SYSCTLS];
	struct host_softnet softnet; /* rows 0 when not available */
};

/* A counter over the window between two samples. */
struct host_rate {
	bool has;     /* both samples had it */
	bool reset;   /* it went down: a wrap or a reset (see host_rate.h) */
	uint64_t delta;
	double per_s;
};

enum host_presence { HOST_NIC_BOTH, HOST_NIC_APPEARED, HOST_NIC_GONE };

struct host_nic_rates {
	char name[HOST_IFNAME_MAX];
	enum host_presence presence; /* rates only for BOTH */
	struct host_rate c[HOST_NIC_COUNTERS];
	struct host_ring ring; /* from the later sample it is in */
};

struct host_cpu_rates {
	unsigned cpu;
	struct host_rate dropped, squeezed;
};

struct host_rates {
	double window_s;
	struct host_nic_rates nics[HOST_MAX_NICS];
	size_t n_nics;
	struct host_rate c[HOST_COUNTERS];
	struct host_value g[HOST_GAUGES];
	struct {
		bool has;
		char text[HOST_TEXT_MAX];
	} sysctl[HOST_SYSCTLS];
	unsigned softnet_cpus; /* rows of the later sample */
	struct host_cpu_rates softnet[HOST_MAX_CPUS];
	size_t n_softnet; /* CPUs in both samples */
};

#endif
