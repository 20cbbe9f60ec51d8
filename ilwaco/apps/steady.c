/* steady: a well-behaved neighbour: 20 lines with work and IDLE between, then "steady done". */
#include <ilwaco.h>

#define LINES 20
#define WORK_ROUNDS 20000
#define IDLE_NS 1000000

/*
 * A chain of xorshift steps, each depending on the last. The empty asm
 * keeps GCC from treating the function as pure, so both calls below
 * really run: a neighbour's crash must not change what this VM computes.
 */
static __attribute__((noinline)) uint64_t work(uint64_t seed)
{
	uint64_t x = seed | 1;
	int i;

	for (i = 0; i < WORK_ROUNDS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		__asm__ volatile("" : "+r"(x));
	}
	return x;
}

int main(void)
{
	uint64_t sum = 0, before, after;
	long ret;
	int i;

	for (i = 1; i <= LINES; i++) {
		before = work(sum + i);
		ret = dn_idle(IDLE_NS);
		if (ret < 0) {
			printf("steady: IDLE failed with %ld\n", ret);
			return 2;
		}
		after = work(sum + i);
		if (after != before) {
			printf("steady: line %d computed 0x%lx, then 0x%lx\n", i,
			       (unsigned long)before, (unsigned long)after);
			return 3;
		}
		sum += after;
		printf("steady %d/%d %016lx\n", i, LINES, (unsigned long)sum);
	}
	puts("steady done");
	return 0;
}
