/* bad-dr: a write to DR7 arming breakpoint 0; expected crash dr_access. */
#include "hostile.h"

int main(void)
{
	hostile_announce("bad-dr", "mov 0x401 to DR7");
	__asm__ volatile("mov %0, %%dr7" : : "r"(0x401UL) : "memory");
	return hostile_survived("bad-dr");
}
