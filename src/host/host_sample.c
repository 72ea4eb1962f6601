#include "host/host_sample.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "host/host_parse.h"

/* softnet_stat of a machine with many CPUs is tens of kB. */
#define HOST_FILE_MAX (256 * 1024)

static const char *const nic_names[HOST_NIC_COUNTERS] = {
    "rx_errors", "rx_dropped", "rx_missed_errors", "rx_fifo_errors",
    "tx_errors", "tx_dropped", "tx_fifo_errors",
};

static const char *const counter_names[HOST_COUNTERS] = {
    "softnet_dropped",   "softnet_time_squeeze", "tcp_retrans_segs",
    "tcp_out_segs",      "udp_rcvbuf_errors",    "udp_in_errors",
    "listen_overflows",  "listen_drops",         "conntrack_insert_failed",
    "conntrack_drop",    "conntrack_early_drop",
};

static const char *const gauge_names[HOST_GAUGES] = {"conntrack_count", "conntrack_max"};

/* The sysctl's name and its file under root. */
static const struct {
	const char *name, *path;
} sysctls[HOST_SYSCTLS] = {
    {"net.core.netdev_max_backlog", "proc/sys/net/core/netdev_max_backlog"},
    {"net.core.netdev_budget", "proc/sys/net/core/netdev_budget"},
    {"net.core.rmem_max", "proc/sys/net/core/rmem_max"},
    {"net.core.wmem_max", "proc/sys/net/core/wmem_max"},
    {"net.ipv4.tcp_rmem", "proc/sys/net/ipv4/tcp_rmem"},
    {"net.ipv4.tcp_wmem", "proc/sys/net/ipv4/tcp_wmem"},
};

const char *host_nic_counter_name(enum host_nic_counter c)
{
	return (unsigned)c < HOST_NIC_COUNTERS ? nic_names[c] : "unknown";
}

const char *host_counter_name(enum host_counter c)
{
	return (unsigned)c < HOST_COUNTERS ? counter_names[c] : "unknown";
}

const char *host_gauge_name(enum host_gauge g)
{
	return (unsigned)g < HOST_GAUGES ? gauge_names[g] : "unknown";
}

const char *host_sysctl_name(enum host_sysctl s)
{
	return (unsigned)s < HOST_SYSCTLS ? sysctls[s].name : "unknown";
}

/* A file's contents, read whole; NULL when it is missing or unreadable. */
struct file_text {
	char *buf;
	size_t len;
};

static int read_all(int fd, struct file_text *f)
{
	size_t cap = 4096;
	f->buf = malloc(cap);
	f->len = 0;
	while (f->buf) {
		ssize_t n = read(fd, f->buf + f->len, cap - f->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? 0 : -1;
		f->len += (size_t)n;
		if (f->len == cap) {
			char *bigger = cap < HOST_FILE_MAX ? realloc(f->buf, cap * 2) : NULL;
			if (!bigger)
				return -1;
			f->buf = bigger;
			cap *= 2;
		}
	}
	return -1;
}

static int read_file(const char *root, const char *path, struct file_text *f)
{
	char full[4096];
	f->buf = NULL;
	f->len = 0;
	int n = snprintf(full, sizeof(full), "%s/%s", root, path);
	if (n < 0 || (size_t)n >= sizeof(full))
		return -1;
	int fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = read_all(fd, f);
	close(fd);
	if (rc != 0) {
		free(f->buf);
		f->buf = NULL;
	}
	return rc;
}

static void read_uint(const char *root, const char *path, struct host_value *v)
{
	struct file_text f;
	v->has = read_file(root, path, &f) == 0 && host_parse_uint(f.buf, f.len, &v->v) == 0;
	free(f.buf);
}

static void read_softnet(const char *root, struct host_sample *s)
{
	struct file_text f;
	bool ok = read_file(root, "proc/net/softnet_stat", &f) == 0 &&
	          host_parse_softnet(f.buf, f.len, &s->softnet) == 0;
	free(f.buf);
	if (!ok)
		memset(&s->softnet, 0, sizeof(s->softnet));
	s->c[HOST_SOFTNET_DROPPED] = (struct host_value){ok, s->softnet.dropped};
	s->c[HOST_SOFTNET_SQUEEZED] = (struct host_value){ok, s->softnet.squeezed};
}

/* Fields of a group in /proc/net/snmp or /proc/net/netstat. */
struct snmp_field {
	enum host_counter c;
	const char *group, *field;
};

static void read_snmp(const char *root, const char *path, const struct snmp_field *fields,
                      size_t n, struct host_sample *s)
{
	struct file_text f;
	bool ok = read_file(root, path, &f) == 0;
	for (size_t i = 0; i < n; i++) {
		struct host_value *v = &s->c[fields[i].c];
		v->has = ok && host_parse_snmp(f.buf, f.len, fields[i].group, fields[i].field, &v->v) == 0;
	}
	free(f.buf);
}

static void read_protocols(const char *root, struct host_sample *s)
{
	static const struct snmp_field snmp[] = {
	    {HOST_TCP_RETRANS, "Tcp", "RetransSegs"},
	    {HOST_TCP_OUT, "Tcp", "OutSegs"},
	    {HOST_UDP_RCVBUF, "Udp", "RcvbufErrors"},
	    {HOST_UDP_INERRORS, "Udp", "InErrors"},
	};
	static const struct snmp_field netstat[] = {
	    {HOST_LISTEN_OVERFLOWS, "TcpExt", "ListenOverflows"},
	    {HOST_LISTEN_DROPS, "TcpExt", "ListenDrops"},
	};
	read_snmp(root, "proc/net/snmp", snmp, sizeof(snmp) / sizeof(snmp[0]), s);
	read_snmp(root, "proc/net/netstat", netstat, sizeof(netstat) / sizeof(netstat[0]), s);
}

static void read_conntrack(const char *root, struct host_sample *s)
{
	static const struct {
		enum host_counter c;
		const char *field;
	} fields[] = {
	    {HOST_CT_INSERT_FAILED, "insert_failed"},
	    {HOST_CT_DROP, "drop"},
	    {HOST_CT_EARLY_DROP, "early_drop"},
	};
	struct file_text f;
	bool ok = read_file(root, "proc/net/stat/nf_conntrack", &f) == 0;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		struct host_value *v = &s->c[fields[i].c];
		v->has = ok && host_parse_ct_stat(f.buf, f.len, fields[i].field, &v->v) == 0;
	}
	free(f.buf);
	read_uint(root, "proc/sys/net/netfilter/nf_conntrack_count", &s->g[HOST_CT_COUNT]);
	read_uint(root, "proc/sys/net/netfilter/nf_conntrack_max", &s->g[HOST_CT_MAX]);
}

static void read_sysctls(const char *root, struct host_sample *s)
{
	for (size_t i = 0; i < HOST_SYSCTLS; i++) {
		struct file_text f;
		s->sysctl[i].has =
		    read_file(root, sysctls[i].path, &f) == 0 &&
		    host_parse_text(f.buf, f.len, s->sysctl[i].text, sizeof(s->sysctl[i].text)) == 0;
		free(f.buf);
	}
}

/* The ring sizes of a live NIC; a NIC without them (veth, lo) has none. */
static void read_ring(struct host_nic *nic)
{
	struct ethtool_ringparam ring = {.cmd = ETHTOOL_GRINGPARAM};
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", nic->name);
	ifr.ifr_data = (char *)&ring;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0 && ring.rx_max_pending > 0)
		nic->ring = (struct host_ring){true, ring.rx_pending, ring.rx_max_pending,
		                               ring.tx_pending, ring.tx_max_pending};
	close(fd);
}

static void read_nic(const char *root, bool live, struct host_nic *nic)
{
	for (size_t i = 0; i < HOST_NIC_COUNTERS; i++) {
		char path[128];
		snprintf(path, sizeof(path), "sys/class/net/%s/statistics/%s", nic->name, nic_names[i]);
		read_uint(root, path, &nic->c[i]);
	}
	if (live)
		read_ring(nic);
}

static bool nic_name_ok(const char *name)
{
	return name[0] && name[0] != '.' && strlen(name) < HOST_IFNAME_MAX && !strchr(name, '/');
}

/* Interfaces in name order, so samples and output are stable. */
static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct host_nic *)a)->name, ((const struct host_nic *)b)->name);
}

static void read_nics(const char *root, bool live, struct host_sample *s)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/sys/class/net", root);
	DIR *d = opendir(path);
	if (!d)
		return;
	const struct dirent *e;
	while ((e = readdir(d)) != NULL && s->n_nics < HOST_MAX_NICS) {
		if (!nic_name_ok(e->d_name))
			continue;
		memcpy(s->nics[s->n_nics++].name, e->d_name, strlen(e->d_name) + 1); /* checked above */
	}
	closedir(d);
	qsort(s->nics, s->n_nics, sizeof(s->nics[0]), by_name);
	for (size_t i = 0; i < s->n_nics; i++)
		read_nic(root, live, &s->nics[i]);
}

int host_sample_read(const char *root, struct host_sample *s)
{
	memset(s, 0, sizeof(*s));
	DIR *d = opendir(root);
	if (!d)
		return -1;
	closedir(d);
	bool live = strcmp(root, "/") == 0;
	read_nics(root, live, s);
	read_softnet(root, s);
	read_protocols(root, s);
	read_conntrack(root, s);
	read_sysctls(root, s);
	return 0;
}
