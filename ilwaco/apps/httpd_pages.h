/* httpd's built-in pages, shared with the host tool that writes the same bytes for tests (tests/httpd_pages.c). */
#ifndef ILWACO_HTTPD_PAGES_H
#define ILWACO_HTTPD_PAGES_H

#include <stddef.h>
#include <stdint.h>

struct page {
	const char *path;
	const char *body;
	size_t len;
};

/* clang-format off */
#define PAGE(p, s) { p, s, sizeof(s) - 1 }
/* clang-format on */

static const char index_html[] =
	"<!DOCTYPE html>\n"
	"<html>\n"
	"<head><title>Ilwaco httpd</title><link rel=\"stylesheet\" href=\"/style.css\"></head>\n"
	"<body>\n"
	"<h1>Ilwaco httpd</h1>\n"
	"<p>A Denali guest serving pages with lwIP.</p>\n"
	"<ul>\n"
	"<li><a href=\"/hello.txt\">hello.txt</a></li>\n"
	"<li><a href=\"/big.bin\">big.bin</a> (65536 bytes)</li>\n"
	"</ul>\n"
	"</body>\n"
	"</html>\n";

static const char hello_txt[] = "Hello from Ilwaco on Denali.\n";

static const char style_css[] = "body { font-family: sans-serif; margin: 2em; }\n"
				"h1 { color: #2a5db0; }\n";

static const struct page pages[] = {
	PAGE("/", index_html),
	PAGE("/index.html", index_html),
	PAGE("/hello.txt", hello_txt),
	PAGE("/style.css", style_css),
};

/* /big.bin: BIG_BIN_LEN bytes of gen_byte(), the same as /gen/65536. */
#define BIG_BIN_LEN 65536

/*
 * Byte @i of /big.bin and /gen/N: a formula, so that any prefix can be
 * produced anywhere (Python: bytes((i * 31 + (i >> 8) * 7 + (i >> 16))
 * & 0xff for i in range(n))). Not periodic over 256 bytes: a lost,
 * repeated or reordered TCP segment changes what the client gets.
 */
static inline uint8_t gen_byte(size_t i)
{
	return (uint8_t)(i * 31 + (i >> 8) * 7 + (i >> 16));
}

#endif /* ILWACO_HTTPD_PAGES_H */
