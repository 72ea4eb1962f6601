/* retagent: one GET with libcurl, in a child process. */
#include "cli/retagent.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/strbuf.h"
#include "import/import_agent.h"
#include "probe/privdrop.h"

#define BODY_MAX (16L << 20)
#define MARKER "hopdoc-return: hopdoc\n"
#define AGENT_LINE_MAX (256u * 1024) /* a round of 255 hops is some 20 KiB */

struct body {
	char *buf; /* the whole answer; live: the line still coming */
	size_t len, cap;
	bool too_big;
	/* live (the view): the agent's NDJSON rounds, written on as raw lines */
	bool live, streaming;
	CURL *c;
	struct import_agent st;
};

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			return;
		p += w, n -= (size_t)w;
	}
}

/* Complete lines of b->buf become raw lines on stdout; the rest waits. */
static void stream_lines(struct body *b)
{
	size_t start = 0;
	char *nl;
	while ((nl = memchr(b->buf + start, '\n', b->len - start))) {
		size_t end = (size_t)(nl - b->buf);
		struct strbuf raw = STRBUF_INIT;
		if (import_agent_line(&b->st, b->buf + start, end - start, &raw) > 0)
			write_all(1, strbuf_str(&raw), raw.len);
		strbuf_free(&raw);
		start = end + 1;
	}
	memmove(b->buf, b->buf + start, b->len - start);
	b->len -= start;
}

static bool answered_ok(struct body *b)
{
	long status = 0;
	curl_easy_getinfo(b->c, CURLINFO_RESPONSE_CODE, &status);
	return status == 200;
}

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct body *b = ctx;
	size_t add = size * n;
	if (b->live && answered_ok(b)) {
		if (!b->streaming)
			write_all(1, MARKER, strlen(MARKER));
		b->streaming = true;
		if (b->len + add > AGENT_LINE_MAX)
			b->len = 0; /* no round is this long: the line is dropped */
	}
	if (b->len + add > (size_t)BODY_MAX) {
		b->too_big = true;
		return 0; /* curl stops */
	}
	if (b->len + add + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 65536;
		while (cap < b->len + add + 1)
			cap *= 2;
		char *g = realloc(b->buf, cap);
		if (!g)
			return 0;
		b->buf = g, b->cap = cap;
	}
	memcpy(b->buf + b->len, p, add);
	b->len += add;
	b->buf[b->len] = '\0';
	if (b->streaming)
		stream_lines(b);
	return add;
}

/* The token's first line, as an Authorization header; NULL when none. Read
 * before the drop, so it is opened as the user who ran us: a setuid install
 * must not send a line of a file that user cannot read. */
static struct curl_slist *auth_header(void)
{
	const char *path = getenv("HOPDOC_AGENT_TOKEN_FILE");
	int fd = path ? privdrop_open_as_user(path, O_RDONLY | O_CLOEXEC) : -1;
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (fd >= 0 && !f)
		close(fd);
	char tok[4096];
	if (!f)
		return NULL;
	bool ok = fgets(tok, sizeof(tok), f) != NULL;
	fclose(f);
	tok[ok ? strcspn(tok, "\r\n") : 0] = '\0';
	struct strbuf sb = STRBUF_INIT;
	strbuf_appendf(&sb, "Authorization: Bearer %s", tok);
	struct curl_slist *h = tok[0] ? curl_slist_append(NULL, strbuf_str(&sb)) : NULL;
	strbuf_free(&sb);
	return h;
}

static CURL *make_request(const char *url, long timeout_s, struct body *b, struct curl_slist *h,
                          char *errbuf)
{
	CURL *c = curl_easy_init();
	if (!c)
		return NULL;
	const char *ca = getenv("HOPDOC_AGENT_CA");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "hopdoc");
	if (ca)
		curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	return c;
}

/* "HTTP 429, retry after 5 s: a trace for your network is running" */
static void refused(CURL *c, long status, struct body *b)
{
	struct curl_header *ra = NULL;
	char retry[48] = "";
	if (curl_easy_header(c, "Retry-After", 0, CURLH_HEADER, -1, &ra) == CURLHE_OK && ra)
		snprintf(retry, sizeof(retry), ", retry after %.8s s", ra->value);
	const char *msg = b->buf ? b->buf : "";
	int n = (int)strcspn(msg, "\r\n");
	for (int i = 0; i < n; i++)
		if ((unsigned char)msg[i] < 0x20)
			n = i; /* the agent's bytes never steer our terminal */
	dprintf(2, "the agent answered HTTP %ld%s: %.*s\n", status, retry, n > 200 ? 200 : n, msg);
}

/* The fork kept the parent's stop handlers (they only set a flag): the
 * parent's SIGTERM at a deadline or `q` must end us, as it ends ssh (which
 * retpeer spawns with these three at their defaults), or its waitpid would
 * wait out curl's whole timeout. */
static void default_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGPIPE };
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigemptyset(&dfl.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void)sigaction(sigs[i], &dfl, NULL);
	(void)sigprocmask(SIG_SETMASK, &dfl.sa_mask, NULL);
}

void retagent_child(const char *url, long timeout_s, bool live)
{
	default_signals();
	struct curl_slist *h = auth_header();
	if (live) /* one line per round, as the agent traces */
		h = curl_slist_append(h, "Accept: application/x-ndjson");
	char err[256];
	if (privdrop_drop(err, sizeof(err)) < 0) {
		dprintf(2, "%s\n", err);
		_exit(255);
	}
	struct body b = { .live = live };
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURL *c = make_request(url, timeout_s, &b, h, errbuf);
	b.c = c;
	CURLcode rc = c ? curl_easy_perform(c) : CURLE_FAILED_INIT;
	long status = 0;
	if (c)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	int code = 255;
	if (rc != CURLE_OK)
		dprintf(2, "curl: %s\n", b.too_big ? "the answer is too large" : errbuf[0] ? errbuf : curl_easy_strerror(rc));
	else if (status != 200)
		refused(c, status, &b);
	else if (live) {
		if (!b.streaming)
			write_all(1, MARKER, strlen(MARKER));
		code = 0;
	} else {
		write_all(1, MARKER, strlen(MARKER));
		write_all(1, b.buf ? b.buf : "", b.len);
		code = 0;
	}
	_exit(code);
}
