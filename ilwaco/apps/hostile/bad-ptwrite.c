/* bad-ptwrite: a write to the shared page tables at CR3; expected crash triple_fault. */
#include "hostile.h"

/* CR3 bits 51:12 are the PML4's physical address (no PCID). */
#define CR3_ADDR_MASK 0x000ffffffffff000ULL

int main(void)
{
	uint64_t cr3, pt;
	char what[80];

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	pt = cr3 & CR3_ADDR_MASK;
	snprintf(what, sizeof(what), "write 0 to the page tables at 0x%lx (CR3)",
		 (unsigned long)pt);
	hostile_announce("bad-ptwrite", what);
	/* Unmapping the first 512 GiB of every VM, if it went through. */
	__asm__ volatile("movq %1, (%0)" : : "r"(pt), "r"(0UL) : "memory");
	return hostile_survived("bad-ptwrite");
}
