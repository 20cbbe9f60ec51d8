/* What lwIP needs from the system without an OS layer (NO_SYS): the clock, random numbers, atoi(). */
#include "lwip/opt.h"
#include "lwip/sys.h"
#include <stdlib.h>

/* Milliseconds of the registers-page clock; lwIP copes with the 32-bit wrap. */
u32_t sys_now(void)
{
	return (u32_t)(dn_now_ns() / DN_NSEC_PER_MSEC);
}

static uint64_t rand_state;

/*
 * xorshift64*: not for secrets, only for what must differ between VMs
 * and boots (DHCP transaction ids, local ports, TCP initial sequence
 * numbers). Seeded at first use from the TSC and the clock.
 */
unsigned int dn_net_rand(void)
{
	uint64_t x = rand_state;

	if (!x) {
		uint32_t lo, hi;

		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		x = ((uint64_t)hi << 32 | lo) ^ dn_now_ns() ^ 0x9e3779b97f4a7c15ULL;
		if (!x)
			x = 1;
	}
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rand_state = x;
	return (unsigned int)((x * 0x2545f4914f6cdd1dULL) >> 32);
}

/* Mixes @data into the generator (the MAC, so that VMs started together differ). */
void dn_net_rand_mix(const void *data, size_t len)
{
	const uint8_t *p = data;

	dn_net_rand();
	while (len--)
		rand_state = (rand_state ^ *p++) * 0x100000001b3ULL;
	if (!rand_state)
		rand_state = 1;
}

/* For netif_find(): decimal digits after an optional sign, no overflow check. */
int atoi(const char *s)
{
	int neg = 0, v = 0;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return neg ? -v : v;
}
