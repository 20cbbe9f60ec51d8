/* The clock: the registers page's time plus the TSC ticks since, in nanoseconds. */
#include "internal.h"

/* The "memory" clobber keeps it after the reads of the registers page. */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

/*
 * The module refreshes time_ns and time_tsc at the start of every
 * quantum, while the guest is stopped, so a quantum can end between two
 * of the reads below; time_ns changes with every refresh, so reading it
 * again tells whether the set is consistent. A TSC behind time_tsc
 * (possible only if the TSCs of the host CPUs disagree) counts as no
 * time passed. Per-quantum refreshes can also step the extrapolated time
 * back a little (the rounding of tsc_mult); the last value returned
 * keeps the clock monotonic. Threads are cooperative and the interrupt
 * handler does not read the clock, so @last needs no lock.
 */
uint64_t dn_now_ns(void)
{
	volatile struct denali_regs *r = dn_regs();
	static uint64_t last;
	uint64_t base, tsc0, mult, tsc, now;
	uint32_t shift;

	do {
		base = r->time_ns;
		tsc0 = r->time_tsc;
		mult = r->tsc_mult;
		shift = r->tsc_shift & 127;
		tsc = rdtsc();
	} while (r->time_ns != base);

	now = base;
	if (tsc > tsc0)
		now += (uint64_t)((unsigned __int128)(tsc - tsc0) * mult >> shift);
	if (now < last)
		return last;
	last = now;
	return now;
}
