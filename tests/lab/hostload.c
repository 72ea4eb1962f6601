/* hostload: bounded packet bursts for tests/lab/t_host.sh, run inside a lab
 * namespace only:
 *   hostload udp ADDR COUNT     COUNT one-byte UDP datagrams to IPv4 ADDR,
 *                               every one to another (source port, port)
 *                               pair, so each makes a conntrack entry;
 *   hostload udp1 ADDR:PORT COUNT   COUNT datagrams of 1,000 bytes to one port;
 *   hostload eth IFNAME COUNT   COUNT broadcast frames of EtherType 0x88B5
 *                               (IEEE "local experimental": no protocol
 *                               takes them, so the receiving interface
 *                               counts them in rx_dropped);
 *   hostload connect ADDR:PORT COUNT   COUNT non-blocking TCP connects;
 *   hostload hold-udp ADDR:PORT SECONDS   a UDP socket with the smallest
 *                               receive buffer that never reads;
 *   hostload hold-tcp ADDR:PORT SECONDS   a listener with a backlog of 1
 *                               that never accepts.
 * COUNT is at most 1,000,000, SECONDS at most 60. Prints what it did. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_COUNT 1000000UL
#define PORTS_PER_SOCKET 60000UL
#define ETHERTYPE_EXPERIMENTAL 0x88B5

#define MAX_SECONDS 60UL

static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v == 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

/* "A.B.C.D:PORT" */
static int parse_endpoint(const char *s, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	unsigned long port;
	if (!colon || (size_t)(colon - s) >= sizeof(host) || parse_ulong(colon + 1, 65535, &port) != 0)
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

static unsigned long burst_udp1(const struct sockaddr_in *to, unsigned long count)
{
	static const char payload[1000];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	unsigned long sent = 0;
	for (unsigned long i = 0; fd >= 0 && i < count; i++)
		if (sendto(fd, payload, sizeof(payload), 0, (const struct sockaddr *)to, sizeof(*to)) > 0)
			sent++;
	if (fd >= 0)
		close(fd);
	return sent;
}

/* Each connect is left to the kernel: the socket closes at once. */
static unsigned long burst_connect(const struct sockaddr_in *to, unsigned long count)
{
	unsigned long tried = 0;
	for (unsigned long i = 0; i < count; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fd < 0)
			break;
		if (connect(fd, (const struct sockaddr *)to, sizeof(*to)) == 0 || errno == EINPROGRESS)
			tried++;
		usleep(1000); /* the SYN leaves before the close */
		close(fd);
	}
	return tried;
}

/* A socket that holds its port and reads nothing for `seconds`. */
static unsigned long hold(const struct sockaddr_in *at, int type, unsigned long seconds)
{
	int fd = socket(AF_INET, type, 0), one = 1, small = 1;
	if (fd < 0)
		return 0;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (type == SOCK_DGRAM)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	if (bind(fd, (const struct sockaddr *)at, sizeof(*at)) != 0 ||
	    (type == SOCK_STREAM && listen(fd, 1) != 0)) {
		close(fd);
		return 0;
	}
	printf("holding\n");
	fflush(stdout);
	sleep((unsigned)seconds);
	close(fd);
	return seconds;
}

/* A fresh socket per PORTS_PER_SOCKET datagrams gives a new source port. */
static unsigned long burst_udp(const char *addr, unsigned long count)
{
	struct sockaddr_in to = {.sin_family = AF_INET};
	if (inet_pton(AF_INET, addr, &to.sin_addr) != 1)
		return 0;
	unsigned long sent = 0;
	int fd = -1;
	for (unsigned long i = 0; i < count; i++) {
		if (i % PORTS_PER_SOCKET == 0) {
			if (fd >= 0)
				close(fd);
			if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
				return sent;
		}
		to.sin_port = htons((uint16_t)(1 + i % PORTS_PER_SOCKET));
		if (sendto(fd, "x", 1, 0, (const struct sockaddr *)&to, sizeof(to)) == 1)
			sent++;
	}
	if (fd >= 0)
		close(fd);
	return sent;
}

static unsigned long burst_eth(const char *ifname, unsigned long count)
{
	unsigned idx = if_nametoindex(ifname);
	/* Protocol 0: this socket receives nothing, so no handler takes them. */
	int fd = socket(AF_PACKET, SOCK_DGRAM, 0);
	if (idx == 0 || fd < 0)
		return 0;
	struct sockaddr_ll to = {.sll_family = AF_PACKET,
	                         .sll_protocol = htons(ETHERTYPE_EXPERIMENTAL),
	                         .sll_ifindex = (int)idx,
	                         .sll_halen = ETH_ALEN};
	memset(to.sll_addr, 0xff, ETH_ALEN);
	char payload[46] = "hopdoc lab: a frame nobody takes";
	unsigned long sent = 0;
	for (unsigned long i = 0; i < count; i++)
		if (sendto(fd, payload, sizeof(payload), 0, (const struct sockaddr *)&to, sizeof(to)) > 0)
			sent++;
	close(fd);
	return sent;
}

static int usage(void)
{
	fprintf(stderr, "usage: hostload udp ADDR COUNT | udp1 ADDR:PORT COUNT | eth IFNAME COUNT |\n"
	                "       connect ADDR:PORT COUNT | hold-udp ADDR:PORT SECONDS |\n"
	                "       hold-tcp ADDR:PORT SECONDS  (COUNT <= %lu, SECONDS <= %lu)\n",
	        MAX_COUNT, MAX_SECONDS);
	return 2;
}

/* The modes that take ADDR:PORT. */
static int endpoint_mode(const char *mode, const char *where, const char *n)
{
	struct sockaddr_in sa;
	unsigned long v, done;
	bool hold_mode = strncmp(mode, "hold-", 5) == 0;
	if (parse_endpoint(where, &sa) != 0 ||
	    parse_ulong(n, hold_mode ? MAX_SECONDS : MAX_COUNT, &v) != 0)
		return usage();
	if (strcmp(mode, "udp1") == 0)
		done = burst_udp1(&sa, v);
	else if (strcmp(mode, "connect") == 0)
		done = burst_connect(&sa, v);
	else if (strcmp(mode, "hold-udp") == 0 || strcmp(mode, "hold-tcp") == 0)
		done = hold(&sa, mode[5] == 'u' ? SOCK_DGRAM : SOCK_STREAM, v);
	else
		return usage();
	printf("%s %lu\n", hold_mode ? "held" : "sent", done);
	return done > 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	unsigned long count, sent;
	if (argc != 4)
		return usage();
	if (strcmp(argv[1], "udp") != 0 && strcmp(argv[1], "eth") != 0)
		return endpoint_mode(argv[1], argv[2], argv[3]);
	if (parse_ulong(argv[3], MAX_COUNT, &count) != 0)
		return usage();
	if (strcmp(argv[1], "udp") == 0)
		sent = burst_udp(argv[2], count);
	else
		sent = burst_eth(argv[2], count);
	printf("sent %lu\n", sent);
	return sent > 0 ? 0 : 1;
}
