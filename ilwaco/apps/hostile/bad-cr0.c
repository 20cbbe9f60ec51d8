/* bad-cr0: sets CR0.CD; the guest may not change CR0. Expected crash cr_access. */
#include "hostile.h"

#define CR0_CD (1UL << 30)

int main(void)
{
	uint64_t cr0;

	hostile_announce("bad-cr0", "set CR0.CD");
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | CR0_CD) : "memory");
	return hostile_survived("bad-cr0");
}
