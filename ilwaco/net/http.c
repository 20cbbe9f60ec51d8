/* HTTP/1.x request heads: the request line, the headers a static server needs, and its answers' tables. */
#include <string.h>
#include "http.h"

/* Methods of RFC 9110 other than GET and HEAD: the server knows them and does not allow them. */
static const char *const other_methods[] = {
	"POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
};

static int is_tchar(char c)
{
	const char *p;

	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	for (p = "!#$%&'*+-.^_`|~"; *p; p++) {
		if (*p == c)
			return 1;
	}
	return 0;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char to_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Whether @s (@n bytes) is @lit, ignoring case; @lit is lower case. */
static int eq_nocase(const char *s, size_t n, const char *lit)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!lit[i] || to_lower(s[i]) != lit[i])
			return 0;
	}
	return !lit[n];
}

static int eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(s, lit, n);
}

/* The index of the first '\n' in buf[from, len), or @len. */
static size_t find_lf(const char *buf, size_t from, size_t len)
{
	while (from < len && buf[from] != '\n')
		from++;
	return from;
}

/* The length of a line ending at @lf, without its '\r'. */
static size_t line_len(const char *buf, size_t start, size_t lf)
{
	return lf > start && buf[lf - 1] == '\r' ? lf - 1 - start : lf - start;
}

static enum http_method parse_method(const char *s, size_t n)
{
	size_t i;

	if (eq(s, n, "GET"))
		return HTTP_GET;
	if (eq(s, n, "HEAD"))
		return HTTP_HEAD;
	for (i = 0; i < sizeof(other_methods) / sizeof(other_methods[0]); i++) {
		if (eq(s, n, other_methods[i]))
			return HTTP_OTHER;
	}
	return HTTP_UNKNOWN;
}

/* The target's path into req->path: origin form ("/p?q") or absolute form ("http://h/p"). */
static int parse_target(const char *t, size_t n, struct http_request *req)
{
	size_t i, plen;

	if (n > 7 && eq_nocase(t, 7, "http://")) {
		for (i = 7; i < n && t[i] != '/'; i++)
			;
		t += i;
		n -= i;
		if (!n) {
			t = "/";
			n = 1;
		}
	}
	if (t[0] != '/')
		return req->method == HTTP_GET || req->method == HTTP_HEAD ? 400 : 0;
	for (plen = 0; plen < n && t[plen] != '?' && t[plen] != '#'; plen++)
		;
	if (plen >= HTTP_PATH_MAX)
		return 414;
	memcpy(req->path, t, plen);
	req->path[plen] = '\0';
	return 0;
}

/* "METHOD SP target SP HTTP/1.x": 0, or the status that answers it. */
static int parse_request_line(const char *s, size_t n, struct http_request *req)
{
	size_t i = 0, m, t0;
	int ret;

	while (i < n && is_tchar(s[i]))
		i++;
	if (!i || i >= n || s[i] != ' ')
		return 400;
	m = i++;
	t0 = i;
	for (; i < n && s[i] != ' '; i++) {
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return 400;
	}
	/* No version is HTTP/0.9, which nobody should speak any more. */
	if (i == t0 || i >= n)
		return 400;
	if (n - (i + 1) != 8 || memcmp(s + i + 1, "HTTP/", 5) || !is_digit(s[i + 6]) ||
	    s[i + 7] != '.' || !is_digit(s[i + 8]))
		return 400;
	if (s[i + 6] != '1')
		return 505;
	req->minor = s[i + 8] - '0';
	req->method = parse_method(s, m);
	ret = parse_target(s + t0, i - t0, req);
	if (ret)
		return ret;
	if (req->method == HTTP_OTHER)
		return 405;
	if (req->method == HTTP_UNKNOWN)
		return 501;
	return 0;
}

struct head_flags {
	int close, keep_alive, chunked, length_seen;
};

/* Connection: a comma-separated list of tokens. */
static void parse_connection(const char *v, size_t n, struct head_flags *f)
{
	size_t i = 0, s;

	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		s = i;
		while (i < n && v[i] != ',' && v[i] != ' ' && v[i] != '\t')
			i++;
		if (eq_nocase(v + s, i - s, "close"))
			f->close = 1;
		else if (eq_nocase(v + s, i - s, "keep-alive"))
			f->keep_alive = 1;
	}
}

/* One "name: value" line: 0 or 400. */
static int parse_header(const char *s, size_t n, struct http_request *req, struct head_flags *f)
{
	size_t colon, v, e, i;
	unsigned long len = 0;

	/* Folded lines (obsolete) and names with blanks are rejected, as RFC 9112 says. */
	for (colon = 0; colon < n && s[colon] != ':'; colon++) {
		if (!is_tchar(s[colon]))
			return 400;
	}
	if (!colon || colon == n)
		return 400;
	for (v = colon + 1; v < n && (s[v] == ' ' || s[v] == '\t'); v++)
		;
	for (e = n; e > v && (s[e - 1] == ' ' || s[e - 1] == '\t'); e--)
		;
	if (eq_nocase(s, colon, "connection")) {
		parse_connection(s + v, e - v, f);
	} else if (eq_nocase(s, colon, "content-length")) {
		if (v == e || e - v > 12)
			return 400;
		for (i = v; i < e; i++) {
			if (!is_digit(s[i]))
				return 400;
			len = len * 10 + (unsigned long)(s[i] - '0');
		}
		if (f->length_seen && len != req->content_length)
			return 400;
		f->length_seen = 1;
		req->content_length = len;
	} else if (eq_nocase(s, colon, "transfer-encoding")) {
		f->chunked = 1;
	}
	return 0;
}

size_t http_parse(const char *buf, size_t len, struct http_request *req)
{
	struct head_flags f = { 0, 0, 0, 0 };
	size_t start = 0, lf, pos, i;
	int status;

	memset(req, 0, sizeof(*req));
	/* Empty lines before a request are ignored (RFC 9112, 2.2). */
	while (start < len && (buf[start] == '\r' || buf[start] == '\n'))
		start++;
	lf = find_lf(buf, start, len);
	if (lf == len) {
		/* Not a line yet; bytes no method can start with are garbage already. */
		for (i = start; i < len && buf[i] != ' ' && buf[i] != '\r'; i++) {
			if (!is_tchar(buf[i])) {
				req->status = 400;
				return len;
			}
		}
		return 0;
	}
	status = parse_request_line(buf + start, line_len(buf, start, lf), req);
	if (status == 400 || status == 505) {
		req->status = status;
		return lf + 1;
	}
	for (pos = lf + 1;; pos = lf + 1) {
		lf = find_lf(buf, pos, len);
		if (lf == len)
			return 0;
		if (!line_len(buf, pos, lf))
			break;
		if (status != 400 && parse_header(buf + pos, line_len(buf, pos, lf), req, &f))
			status = 400;
	}
	if (f.chunked && (!status || status == 405))
		status = 501;
	req->status = status;
	req->keep_alive = req->minor >= 1 ? !f.close : f.keep_alive && !f.close;
	if (status && status != 405)
		req->keep_alive = 0;
	return lf + 1;
}

const char *http_content_type(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".htm", "text/html; charset=utf-8" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".css", "text/css" },
		{ ".js", "text/javascript" },
		{ ".json", "application/json" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".jpg", "image/jpeg" },
		{ ".ico", "image/x-icon" },
	};
	size_t n = strlen(path), e, i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		e = strlen(types[i].ext);
		if (n >= e && eq_nocase(path + n - e, e, types[i].ext))
			return types[i].type;
	}
	return "application/octet-stream";
}

const char *http_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 414:
		return "URI Too Long";
	case 431:
		return "Request Header Fields Too Large";
	case 501:
		return "Not Implemented";
	case 503:
		return "Service Unavailable";
	case 505:
		return "HTTP Version Not Supported";
	default:
		return "Unknown";
	}
}
