/* spinner: computes without ever idling or making a hypercall; s=SECONDS ends it after that long. */
#include <ilwaco.h>

/* Rounds of work between looks at the clock (RDTSC, not a hypercall). */
#define ROUNDS 4096

int main(void)
{
	long s = dn_cmdline_int("s", -1);
	uint64_t end = DN_NO_DEADLINE;
	volatile uint64_t x = 1;
	int i;

	if (s >= 0)
		end = dn_now_ns() + (uint64_t)s * DN_NSEC_PER_SEC;
	puts("spinner start");
	for (;;) {
		for (i = 0; i < ROUNDS; i++)
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		if (end != DN_NO_DEADLINE && dn_now_ns() >= end)
			break;
	}
	puts("spinner done");
	return 0;
}
