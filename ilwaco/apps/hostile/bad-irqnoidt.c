/*
 * bad-irqnoidt: asks for interrupts at a vector with no IDT behind it,
 * arms the alarm and waits with interrupts on; expected crash
 * triple_fault: the injected interrupt finds no IDT (limit 0).
 */
#include "hostile.h"

int main(void)
{
	volatile struct denali_regs *regs = dn_regs();
	uint64_t i;

	hostile_announce("bad-irqnoidt", "take an interrupt at vector 0x20 without an IDT");
	regs->irq_vector = 0x20;
	/* Deadline 1: long past, so TIMER is raised at once. */
	dn_hypercall(DENALI_HC_ALARM, 1, 0, 0, 0, 0);
	__asm__ volatile("sti" : : : "memory");
	for (i = 0; i < (1ULL << 40); i++)
		__asm__ volatile("pause");
	return hostile_survived("bad-irqnoidt");
}
