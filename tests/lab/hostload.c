/* hostload: bounded packet bursts for tests/lab/t_host.sh, run inside a lab
 * namespace only. Two modes:
 *   hostload udp ADDR COUNT     COUNT one-byte UDP datagrams to IPv4 ADDR,
 *                               every one to another (source port, port)
 *                               pair, so each makes a conntrack entry;
 *   hostload eth IFNAME COUNT   COUNT broadcast frames of EtherType 0x88B5
 *                               (IEEE "local experimental": no protocol
 *                               takes them, so the receiving interface
 *                               counts them in rx_dropped).
 * COUNT is at most 1,000,000. Prints how many were sent. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_COUNT 1000000UL
#define PORTS_PER_SOCKET 60000UL
#define ETHERTYPE_EXPERIMENTAL 0x88B5

static int parse_count(const char *s, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v == 0 || v > MAX_COUNT)
		return -1;
	*out = v;
	return 0;
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

int main(int argc, char **argv)
{
	unsigned long count;
	if (argc != 4 || parse_count(argv[3], &count) != 0) {
		fprintf(stderr, "usage: hostload udp ADDR COUNT | hostload eth IFNAME COUNT (COUNT <= %lu)\n",
		        MAX_COUNT);
		return 2;
	}
	unsigned long sent;
	if (strcmp(argv[1], "udp") == 0)
		sent = burst_udp(argv[2], count);
	else if (strcmp(argv[1], "eth") == 0)
		sent = burst_eth(argv[2], count);
	else
		return 2;
	printf("sent %lu\n", sent);
	return sent > 0 ? 0 : 1;
}
