/* One HTTP/1.0 exchange with 127.0.0.1:port, for tests of the endpoints
 * (libmicrohttpd answers as HTTP/1.1 and closes). Include after cmocka.h. */
#ifndef HOPDOC_TEST_HTTP_GET_H
#define HOPDOC_TEST_HTTP_GET_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Sends request; the whole answer, NUL-terminated, in buf. */
static inline void http_exchange(unsigned port, const char *request, char *buf, size_t len)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(write(fd, request, strlen(request)), (ssize_t)strlen(request));
	size_t got = 0;
	ssize_t n;
	while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(fd);
}

/* GET /metrics. */
static inline void http_scrape(unsigned port, char *buf, size_t len)
{
	http_exchange(port, "GET /metrics HTTP/1.0\r\n\r\n", buf, len);
}

#endif
