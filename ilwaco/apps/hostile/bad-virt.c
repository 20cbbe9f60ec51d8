/* bad-virt: VMXON (Intel) or VMRUN (AMD); expected crash virt_insn. */
#include "hostile.h"

/* A 4 KiB-aligned page for the VMXON region or the VMCB. */
static uint8_t region[4096] __attribute__((aligned(4096)));

/* CPUID leaf 0 (allowed): the vendor string is EBX, EDX, ECX. */
static int is_intel(void)
{
	uint32_t a, b, c, d;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
	/* "GenuineIntel" */
	return b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e;
}

int main(void)
{
	uint64_t pa = (uintptr_t)region;

	if (is_intel()) {
		hostile_announce("bad-virt", "vmxon (GenuineIntel)");
		/* The operand is a memory operand holding the region's physical address. */
		__asm__ volatile("vmxon %0" : : "m"(pa) : "memory", "cc");
	} else {
		hostile_announce("bad-virt", "vmrun (not GenuineIntel)");
		__asm__ volatile("vmrun %%rax" : : "a"(pa) : "memory", "cc");
	}
	return hostile_survived("bad-virt");
}
