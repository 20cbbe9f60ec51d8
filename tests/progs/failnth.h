/* SPDX-License-Identifier: GPL-2.0 */
/*
 * failnth.h: the debug kernel's fault injection for one system call of a
 * test program (/proc/thread-self/fail-nth: the Nth allocation this
 * thread makes from now on fails).
 *
 * The count goes on after the call under test, so the file is opened
 * before it and read and written with pread/pwrite, which allocate
 * nothing, and standard output is buffered until the count is read back
 * (a write to a pipe allocates; output is buffered, so the result line may
 * come before the report). failnth_arm(n) just before the call,
 * failnth_report() right after it prints "fail-nth: injected" or
 * "fail-nth: not reached" (the call needed fewer allocations).
 */
#ifndef DENALI_TESTS_FAILNTH_H
#define DENALI_TESTS_FAILNTH_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failnth_fd = -1;

static void failnth_set(int n)
{
	char v[16];
	int len = snprintf(v, sizeof(v), "%d", n);

	if (failnth_fd < 0)
		failnth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (failnth_fd < 0 || pwrite(failnth_fd, v, len, 0) != len) {
		perror("/proc/thread-self/fail-nth");
		exit(2);
	}
}

/*
 * Call before any output: stdout is then flushed only at exit, into a
 * buffer whose pages are touched now (a buffer malloc'd or faulted in at
 * the first printf would be an allocation under the count).
 */
static inline void failnth_prepare(void)
{
	static char outbuf[1 << 16];

	memset(outbuf, 1, sizeof(outbuf));
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	failnth_set(0);
}

static inline void failnth_arm(int n)
{
	failnth_set(n);
}

/* What is left of the count (0: the failure was injected); counting stops. */
static inline int failnth_left(void)
{
	char v[16];
	ssize_t len = pread(failnth_fd, v, sizeof(v) - 1, 0);
	int n = -1;

	if (len > 0) {
		v[len] = 0;
		n = atoi(v);
	}
	failnth_set(0);
	return n;
}

static inline void failnth_report(void)
{
	printf("fail-nth: %s\n", failnth_left() ? "not reached" : "injected");
}

#endif
