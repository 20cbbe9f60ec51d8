/* The runtime every application gets before main(), and the panic that ends it. */
#include "internal.h"

/*
 * The threads first, so that an exception from here on can name the
 * thread; the IDT before interrupts are enabled, since the entry state
 * has none and an interrupt now would be a triple fault.
 */
void dn_rt_start(void)
{
	dn_sched_init();
	dn_irq_init();
	irq_enable();
	dn_halt(main());
}

void dn_panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("ilwaco: panic: %s (thread %d)\n", buf, dn_thread_self());
	dn_halt(DN_HALT_CRASH);
}
