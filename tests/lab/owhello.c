/* owhello: one hello of the one-way stream (src/oneway/oneway_pkt.h's
 * format, written out here so the tool stands alone) to ADDR PORT, from SRC
 * when given; prints "answered" when a reflection of it comes back within
 * SECS, else "silent". For t_agent.sh: the agent's reflector must answer
 * the peer of a running trace only, and from the address it was sent to
 * (the socket is connected: a reflection from another address of the
 * server is not received, so it is "silent"). IPv4 or IPv6. Lab addresses
 * only.
 * Usage: owhello ADDR PORT SECS [SRC] */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int addr_of(const char *s, unsigned port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &a->sin_addr) == 1) {
		a->sin_family = AF_INET;
		a->sin_port = htons((unsigned short)port);
		*len = sizeof(*a);
		return 0;
	}
	a6->sin6_family = AF_INET6;
	a6->sin6_port = htons((unsigned short)port);
	*len = sizeof(*a6);
	return inet_pton(AF_INET6, s, &a6->sin6_addr) == 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage to, from;
	socklen_t tolen = 0, fromlen = 0;
	char *end;
	unsigned long port = argc >= 4 ? strtoul(argv[2], &end, 10) : 0;
	double secs = argc >= 4 ? strtod(argv[3], NULL) : 0;
	if (argc < 4 || port < 1 || port > 65535 || secs <= 0 || secs > 60 || addr_of(argv[1], (unsigned)port, &to, &tolen) < 0 ||
	    (argc > 4 && (addr_of(argv[4], 0, &from, &fromlen) < 0 || from.ss_family != to.ss_family))) {
		fprintf(stderr, "usage: owhello ADDR PORT SECS [SRC]\n");
		return 2;
	}
	int fd = socket(to.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || (argc > 4 && bind(fd, (struct sockaddr *)&from, fromlen) < 0) ||
	    connect(fd, (struct sockaddr *)&to, tolen) < 0) {
		perror("owhello");
		return 2;
	}
	/* magic "HDOW", version 1, type 1 (hello), the rest zero */
	unsigned char b[64] = { 'H', 'D', 'O', 'W', 1, 1 }, r[65];
	if (send(fd, b, sizeof(b), 0) < 0) {
		perror("owhello");
		return 2;
	}
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int answered = 0;
	while (!answered && poll(&p, 1, (int)(secs * 1000)) > 0) {
		ssize_t n = recv(fd, r, sizeof(r), 0);
		if (n < 0)
			break;
		answered = n == 64 && memcmp(r, "HDOW", 4) == 0 && r[5] == 3 && r[6] == 1;
	}
	puts(answered ? "answered" : "silent");
	close(fd);
	return 0;
}
