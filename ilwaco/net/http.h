/* HTTP/1.x request heads: parsing and the tables a server answers with (http.c); no lwIP, host-testable. */
#ifndef ILWACO_HTTP_H
#define ILWACO_HTTP_H

#include <stddef.h>

/* The longest request target served; longer ones get 414. */
#define HTTP_PATH_MAX 256

enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_OTHER, /* a standard method the server does not allow: 405 */
	HTTP_UNKNOWN, /* any other token: 501 */
};

/**
 * struct http_request - one parsed request head
 * @method: what the request line asked
 * @path: the target's path, without query or fragment, NUL-terminated
 * @minor: the version's minor number (HTTP/1.@minor)
 * @keep_alive: whether the connection stays open after the response
 *	(HTTP/1.1 unless "Connection: close", HTTP/1.0 only with
 *	"Connection: keep-alive"); 0 after any status >= 400 but 404 and 405
 * @content_length: body bytes that follow the head (to be skipped)
 * @status: 0 if the request can be served; otherwise the error status to
 *	answer with: 400 (malformed), 414 (target too long), 501 (method or
 *	Transfer-Encoding not implemented), 505 (not HTTP/1.x)
 */
struct http_request {
	enum http_method method;
	char path[HTTP_PATH_MAX];
	int minor;
	int keep_alive;
	unsigned long content_length;
	int status;
};

/*
 * Looks for one request head at the start of @buf (@len bytes). Returns
 * how many bytes it takes (empty lines before it included) and fills
 * @req; 0 if the head is not complete yet. A request line that is
 * complete and malformed is answered at once (status 400), without
 * waiting for the rest of the head. Bare LF line ends are accepted.
 */
size_t http_parse(const char *buf, size_t len, struct http_request *req);

/* The Content-Type for @path, by its extension. */
const char *http_content_type(const char *path);

/* The reason phrase of @status ("Not Found"). */
const char *http_reason(int status);

#endif /* ILWACO_HTTP_H */
