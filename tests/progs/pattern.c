// SPDX-License-Identifier: GPL-2.0
/*
 * pattern N: writes the N bytes the guest web server (ilwaco/apps/httpd.c)
 * serves as /gen/N (and, for N = 65536, as /big.bin):
 * byte i = (i * 31 + (i >> 8) * 7 + (i >> 16)) & 0xff.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	static unsigned char buf[65536];
	unsigned long n, i = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: pattern N\n");
		return 2;
	}
	n = strtoul(argv[1], NULL, 10);
	while (i < n) {
		size_t k = 0;

		for (; k < sizeof(buf) && i < n; k++, i++)
			buf[k] = (i * 31 + (i >> 8) * 7 + (i >> 16)) & 0xff;
		if (fwrite(buf, 1, k, stdout) != k)
			return 1;
	}
	return fflush(stdout) ? 1 : 0;
}
