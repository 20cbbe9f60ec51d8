/* bad-cr3: loads CR3 with its own tables, which map the shared ones; expected crash cr_access. */
#include "hostile.h"

#define PTE_P 0x1ULL
#define PTE_RW 0x2ULL
#define PTE_PS 0x80ULL /* a 2 MiB page in a page directory */

/*
 * An identity map of 0-4 GiB in 2 MiB pages, like the module's, plus one
 * more page directory for 4-5 GiB: the shared page tables at
 * DENALI_PT_GPA, writable. With CR3 here the guest could rewrite the
 * tables of every VM; only the CR3 intercept stops it.
 */
static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd[5][512] __attribute__((aligned(4096)));

int main(void)
{
	uint64_t i, j;

	for (i = 0; i < 5; i++) {
		for (j = 0; j < 512; j++)
			pd[i][j] = (i << 30 | j << 21) | PTE_P | PTE_RW | PTE_PS;
		pdpt[i] = (uintptr_t)pd[i] | PTE_P | PTE_RW;
	}
	pml4[0] = (uintptr_t)pdpt | PTE_P | PTE_RW;

	hostile_announce("bad-cr3", "mov to CR3 its own page tables (which map the shared ones)");
	__asm__ volatile("mov %0, %%cr3" : : "r"((uint64_t)(uintptr_t)pml4) : "memory");
	puts("bad-cr3: CR3 now points at its own page tables");
	return hostile_survived("bad-cr3");
}
