/* dnsdelay: a DNS forwarder for the lab that answers late, as a slow
 * resolver does (tests/lab/t_dns.sh; netem is not available here and
 * dnsmasq cannot delay).
 *     dnsdelay LISTEN_ADDR LISTEN_PORT UPSTREAM_ADDR UPSTREAM_PORT DELAY_MS LIFETIME_S
 * Every UDP query that comes to LISTEN goes to UPSTREAM at once; the answer
 * goes back to the asker DELAY_MS after the query came. IPv4 only, at most
 * MAX_PENDING queries at a time (more are dropped, as a loaded server would),
 * and it exits after LIFETIME_S seconds whatever happens, so a test that dies
 * cannot leave it running. It listens only where it is told: a lab address. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "labtool.h"

#define MAX_PENDING 64
#define MAX_DNS 4096

struct pending {
	int fd;                   /* connected to upstream; -1 when free */
	struct sockaddr_in asker;
	int64_t due_ms;           /* when the answer may go back */
	unsigned char answer[MAX_DNS];
	ssize_t answer_len;       /* -1 until upstream answered */
};

static int64_t now_ms(void) { return labtool_now_ms(); }

static long parse_num(const char *s, long lo, long hi) { return labtool_num("dnsdelay", s, lo, hi); }

static struct sockaddr_in addr_of(const char *ip, const char *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_port = htons((uint16_t)parse_num(port, 1, 65535));
	if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
		fprintf(stderr, "dnsdelay: bad IPv4 address '%s'\n", ip);
		exit(2);
	}
	return a;
}

/* A query from an asker: forwarded upstream on a socket of its own. */
static void take_query(int lfd, struct pending *p, const struct sockaddr_in *up, int64_t delay)
{
	unsigned char buf[MAX_DNS];
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	ssize_t n = recvfrom(lfd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	if (n <= 0)
		return;
	for (int i = 0; i < MAX_PENDING; i++) {
		if (p[i].fd >= 0)
			continue;
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || connect(fd, (const struct sockaddr *)up, sizeof(*up)) < 0 ||
		    send(fd, buf, (size_t)n, 0) != n) {
			if (fd >= 0)
				close(fd);
			return;
		}
		p[i] = (struct pending){ .fd = fd, .asker = from, .due_ms = now_ms() + delay,
			                 .answer_len = -1 };
		return;
	}
}

static void send_due(int lfd, struct pending *p, int64_t now)
{
	for (int i = 0; i < MAX_PENDING; i++) {
		if (p[i].fd < 0 || p[i].answer_len < 0 || p[i].due_ms > now)
			continue;
		(void)sendto(lfd, p[i].answer, (size_t)p[i].answer_len, 0,
		             (const struct sockaddr *)&p[i].asker, sizeof(p[i].asker));
		close(p[i].fd);
		p[i].fd = -1;
	}
}

int main(int argc, char **argv)
{
	if (argc != 7) {
		fprintf(stderr, "usage: dnsdelay LISTEN_ADDR PORT UPSTREAM_ADDR PORT DELAY_MS LIFETIME_S\n");
		return 2;
	}
	struct sockaddr_in listen_at = addr_of(argv[1], argv[2]), up = addr_of(argv[3], argv[4]);
	int64_t delay = parse_num(argv[5], 0, 60000);
	int64_t end = now_ms() + parse_num(argv[6], 1, 3600) * 1000;
	int lfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (const struct sockaddr *)&listen_at, sizeof(listen_at)) < 0) {
		perror("dnsdelay: bind");
		return 1;
	}
	static struct pending p[MAX_PENDING];
	for (int i = 0; i < MAX_PENDING; i++)
		p[i].fd = -1;
	while (now_ms() < end) {
		struct pollfd pfd[MAX_PENDING + 1] = { { .fd = lfd, .events = POLLIN } };
		for (int i = 0; i < MAX_PENDING; i++)
			pfd[i + 1] = (struct pollfd){ .fd = p[i].answer_len < 0 ? p[i].fd : -1,
				                      .events = POLLIN };
		(void)poll(pfd, MAX_PENDING + 1, 10);
		if (pfd[0].revents & POLLIN)
			take_query(lfd, p, &up, delay);
		for (int i = 0; i < MAX_PENDING; i++) {
			if (!pfd[i + 1].revents)
				continue;
			p[i].answer_len = recv(p[i].fd, p[i].answer, sizeof(p[i].answer), 0);
			if (p[i].answer_len < 0) { /* refused: the asker gets nothing */
				close(p[i].fd);
				p[i].fd = -1;
			}
		}
		send_due(lfd, p, now_ms());
	}
	return 0;
}
