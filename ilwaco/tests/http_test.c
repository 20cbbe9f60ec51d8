/* Host-side test of net/http.c, the HTTP request parser of httpd: make -C ilwaco host-test. */
#include <stdio.h>
#include <string.h>
#include "http.h"

struct tcase {
	const char *what; /* what the case checks */
	const char *in;
	size_t used; /* bytes http_parse() takes; 0: incomplete */
	int status, keep_alive, method;
	const char *path;
	unsigned long content_length;
};

#define ALL ((size_t)-1)

static const struct tcase cases[] = {
	{ "a plain GET", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", ALL, 0, 1, HTTP_GET, "/", 0 },
	{ "HEAD, bare LF line ends", "HEAD /a.txt HTTP/1.1\nHost: x\n\n", ALL, 0, 1, HTTP_HEAD,
	  "/a.txt", 0 },
	{ "the query is not part of the path", "GET /p?q=1#f HTTP/1.1\r\n\r\n", ALL, 0, 1, HTTP_GET,
	  "/p", 0 },
	{ "absolute form", "GET http://h:80/x HTTP/1.1\r\n\r\n", ALL, 0, 1, HTTP_GET, "/x", 0 },
	{ "HTTP/1.0 closes by default", "GET / HTTP/1.0\r\n\r\n", ALL, 0, 0, HTTP_GET, "/", 0 },
	{ "HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", ALL, 0, 1,
	  HTTP_GET, "/", 0 },
	{ "HTTP/1.1 Connection: close", "GET / HTTP/1.1\r\nconnection: foo, close\r\n\r\n", ALL, 0,
	  0, HTTP_GET, "/", 0 },
	{ "leading empty lines are skipped", "\r\n\r\nGET / HTTP/1.1\r\n\r\n", ALL, 0, 1, HTTP_GET,
	  "/", 0 },
	{ "an incomplete head waits", "GET / HTTP/1.1\r\nHost: x\r\n", 0, 0, 0, 0, "", 0 },
	{ "an incomplete request line waits", "GET /ind", 0, 0, 0, 0, "", 0 },
	{ "pipelined: only the first request", "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n", 19,
	  0, 1, HTTP_GET, "/a", 0 },
	{ "Content-Length is reported for skipping",
	  "GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", 37, 0, 1, HTTP_GET, "/", 5 },
	{ "POST is 405", "POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nab", 38, 405, 1, HTTP_OTHER,
	  "/", 2 },
	{ "OPTIONS * is 405", "OPTIONS * HTTP/1.1\r\n\r\n", ALL, 405, 1, HTTP_OTHER, "", 0 },
	{ "an unknown method is 501", "BREW /pot HTTP/1.1\r\n\r\n", ALL, 501, 0, HTTP_UNKNOWN,
	  "/pot", 0 },
	{ "methods are case-sensitive", "get / HTTP/1.1\r\n\r\n", ALL, 501, 0, HTTP_UNKNOWN, "/",
	  0 },
	{ "chunked bodies are 501", "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", ALL,
	  501, 0, HTTP_GET, "/", 0 },
	{ "HTTP/2.0 is 505 at once", "GET / HTTP/2.0\r\n", ALL, 505, 0, HTTP_GET, "", 0 },
	{ "HTTP/0.9 is 400", "GET /\r\n", ALL, 400, 0, HTTP_GET, "", 0 },
	{ "binary garbage is 400 before any line end", "\x16\x03\x01\x02", ALL, 400, 0, HTTP_GET,
	  "", 0 },
	{ "a malformed request line is 400 at once", "GET  / HTTP/1.1\r\n", ALL, 400, 0, HTTP_GET,
	  "", 0 },
	{ "a bad version string is 400", "GET / HTTP/1.1x\r\n\r\n", 17, 400, 0, HTTP_GET, "", 0 },
	{ "a relative target is 400", "GET index.html HTTP/1.1\r\n\r\n", 25, 400, 0, HTTP_GET, "",
	  0 },
	{ "a header without a colon is 400", "GET / HTTP/1.1\r\nHost x\r\n\r\n", ALL, 400, 0,
	  HTTP_GET, "/", 0 },
	{ "a folded header is 400", "GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", ALL, 400, 0, HTTP_GET,
	  "/", 0 },
	{ "a bad Content-Length is 400", "GET / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", ALL, 400,
	  0, HTTP_GET, "/", 0 },
	{ "conflicting Content-Lengths are 400",
	  "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", ALL, 400, 0, HTTP_GET,
	  "/", 1 },
};

static int check(const struct tcase *t)
{
	struct http_request req;
	size_t len = strlen(t->in), want = t->used == ALL ? len : t->used;
	size_t got = http_parse(t->in, len, &req);

	if (got != want)
		return printf("FAIL %s: took %zu, want %zu\n", t->what, got, want), 1;
	if (!got)
		return 0;
	if (req.status != t->status || req.keep_alive != t->keep_alive ||
	    (int)req.method != t->method || strcmp(req.path, t->path) ||
	    req.content_length != t->content_length)
		return printf("FAIL %s: status %d keep-alive %d method %d path \"%s\" length %lu\n",
			      t->what, req.status, req.keep_alive, (int)req.method, req.path,
			      req.content_length),
		       1;
	return 0;
}

int main(void)
{
	struct http_request req;
	char longreq[HTTP_PATH_MAX + 64];
	size_t i;
	int fails = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		fails += check(&cases[i]);

	/* A target as long as the path buffer is 414. */
	memcpy(longreq, "GET /", 5);
	memset(longreq + 5, 'a', HTTP_PATH_MAX);
	strcpy(longreq + 5 + HTTP_PATH_MAX, " HTTP/1.1\r\n\r\n");
	if (!http_parse(longreq, strlen(longreq), &req) || req.status != 414)
		fails += printf("FAIL a long target is 414 (status %d)\n", req.status) > 0;

	/* Every prefix of a request is incomplete, and never an error. */
	{
		const char *r = "GET /hello.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";

		for (i = 0; i < strlen(r); i++) {
			if (http_parse(r, i, &req)) {
				fails += printf("FAIL prefix %zu of a request taken\n", i) > 0;
				break;
			}
		}
	}

	if (strcmp(http_content_type("/x.HTML"), "text/html; charset=utf-8") ||
	    strcmp(http_content_type("/big.bin"), "application/octet-stream") ||
	    strcmp(http_content_type("/s.css"), "text/css"))
		fails += printf("FAIL content types\n") > 0;

	printf("http_test: %zu cases, %d failed\n", sizeof(cases) / sizeof(cases[0]) + 3, fails);
	return fails != 0;
}
