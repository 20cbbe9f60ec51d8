/* Writes httpd's built-in pages into a directory, byte for byte what the guest serves, for tests to compare. */
/*
 * httpd_pages DIR: DIR/index.html, DIR/hello.txt, DIR/style.css and
 * DIR/big.bin, from the same source as the guest (apps/httpd_pages.h).
 * /gen/N is the first N bytes of the same formula as big.bin.
 */
#include <stdio.h>
#include <string.h>
#include "../apps/httpd_pages.h"

static int write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t big[BIG_BIN_LEN];
	size_t i;
	int ret = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		if (strcmp(pages[i].path, "/"))
			ret |= write_file(argv[1], pages[i].path + 1, pages[i].body, pages[i].len);
	}
	for (i = 0; i < sizeof(big); i++)
		big[i] = gen_byte(i);
	ret |= write_file(argv[1], "big.bin", big, sizeof(big));
	return ret;
}
