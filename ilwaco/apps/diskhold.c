/* diskhold: puts disk requests in flight and waits, for destroy-with-I/O tests. */
#include <ilwaco.h>

/*
 * Queues reads of blocks 0 to n-1 of disk 0 (n from "reads=N", default 16,
 * at most 64), prints "diskhold: N requests queued", then idles for good,
 * taking no completion: on a slow disk (dm-delay) the requests stay in
 * flight for as long as the test needs. A refused request is printed and
 * ends it with halt 1.
 */

#define MAX_READS 64

static uint8_t buf[MAX_READS][DENALI_DISK_BLOCK] __attribute__((aligned(4096)));

int main(void)
{
	long n = dn_cmdline_int("reads", 16), i, ret;

	if (n < 1 || n > MAX_READS)
		n = MAX_READS;
	for (i = 0; i < n; i++) {
		ret = dn_hypercall(DENALI_HC_DISK_READ, 0, i, (long)(uintptr_t)buf[i], i + 1, 0);
		if (ret) {
			printf("diskhold: read %ld refused: %ld\n", i, ret);
			return 1;
		}
	}
	printf("diskhold: %ld requests queued\n", n);
	for (;;)
		dn_idle(DENALI_IDLE_FOREVER);
}
