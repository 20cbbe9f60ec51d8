/* bad-msr: RDMSR of IA32_APIC_BASE (0x1b), not on the allow-list; expected crash msr. */
#include "hostile.h"

int main(void)
{
	uint32_t lo, hi;

	hostile_announce("bad-msr", "rdmsr IA32_APIC_BASE (0x1b)");
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0x1b) : "memory");
	printf("bad-msr: read 0x%x%08x\n", hi, lo);
	return hostile_survived("bad-msr");
}
