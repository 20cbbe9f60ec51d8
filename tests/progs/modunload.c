// SPDX-License-Identifier: GPL-2.0
/*
 * modunload: unloads a module with delete_module(2), optionally with the
 * Nth allocation of the unload failing (the debug kernel's fail-nth), which
 * rmmod cannot do: its own start-up would use up the count.
 *
 *   modunload [--fail-nth N] NAME
 *
 * Prints "unloaded" or "error unload: REASON", and with --fail-nth first
 * "fail-nth: injected" or "fail-nth: not reached (K allocations)", K the
 * allocations the unload made. Exits 0 when unloaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "failnth.h"

int main(int argc, char **argv)
{
	int nth = 0, rc, err;

	if (argc == 4 && !strcmp(argv[1], "--fail-nth")) {
		nth = atoi(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc != 2 || nth < 0) {
		fprintf(stderr, "usage: modunload [--fail-nth N] NAME\n");
		return 2;
	}
	if (nth) {
		failnth_prepare();
		failnth_arm(nth);
	}
	rc = syscall(SYS_delete_module, argv[1], O_NONBLOCK);
	err = errno;
	if (nth) {
		int left = failnth_left();

		if (left > 0)
			printf("fail-nth: not reached (%d allocations)\n", nth - left);
		else
			printf("fail-nth: injected\n");
	}
	if (rc) {
		printf("error unload: %s\n", strerror(err));
		return 1;
	}
	printf("unloaded\n");
	return 0;
}
