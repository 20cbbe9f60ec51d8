/* bad-wrmsr: WRMSR to IA32_LSTAR (0xc0000082), the host's syscall entry; expected crash msr. */
#include "hostile.h"

int main(void)
{
	/* Were the write to reach the host, its next syscall would enter this guest's code. */
	uint64_t target = (uintptr_t)main;

	hostile_announce("bad-wrmsr", "wrmsr IA32_LSTAR (0xc0000082)");
	__asm__ volatile("wrmsr"
			 :
			 : "c"(0xc0000082), "a"((uint32_t)target), "d"((uint32_t)(target >> 32))
			 : "memory");
	return hostile_survived("bad-wrmsr");
}
