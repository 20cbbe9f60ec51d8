/* ticker: a periodic ALARM, hz=RATE, n=COUNT times; counts TIMER bits and the interrupts seen. */
#include <ilwaco.h>

/* How long past its deadline a tick may come before it counts as lost. */
#define GRACE_NS DN_NSEC_PER_SEC

/*
 * busy=1: compute between ticks instead of idling, with interrupts on,
 * until the interrupt handler has the bit, so that every tick comes
 * through an injected interrupt. Idling (the default), the VM sleeps
 * with interrupts off and takes the bits from the page, so few ticks
 * come by interrupt.
 */
static void spin_for_tick(uint64_t deadline)
{
	volatile uint64_t x = 1;
	int i;

	while (!(dn_irq_peek() & DENALI_IRQ_TIMER) && dn_now_ns() < deadline + GRACE_NS) {
		for (i = 0; i < 256; i++)
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	}
}

int main(void)
{
	long hz = dn_cmdline_int("hz", 100), n = dn_cmdline_int("n", 50);
	long busy = dn_cmdline_int("busy", 0), ticks = 0, i;
	uint64_t period, deadline;

	if (hz <= 0 || hz > 1000000 || n < 0) {
		printf("ticker: bad hz=%ld or n=%ld\n", hz, n);
		return 2;
	}
	period = DN_NSEC_PER_SEC / hz;
	deadline = dn_now_ns();
	for (i = 0; i < n; i++) {
		/* From the last deadline, not from now: no drift accumulates. */
		deadline += period;
		dn_alarm(deadline);
		if (busy)
			spin_for_tick(deadline);
		if (dn_irq_wait_until(DENALI_IRQ_TIMER, deadline + GRACE_NS))
			ticks++;
		else
			printf("ticker: tick %ld did not come\n", i + 1);
	}
	dn_alarm(0);
	printf("ticker done ticks=%ld irqs=%lu\n", ticks, (unsigned long)dn_irq_count());
	return ticks < n;
}
