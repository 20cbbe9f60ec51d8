/* bad-jump: a jump to 0x200000000, beyond the identity map; expected crash triple_fault. */
#include "hostile.h"

int main(void)
{
	hostile_announce("bad-jump", "jump to 0x200000000");
	__asm__ volatile("jmp *%0" : : "r"(0x200000000UL) : "memory");
	return hostile_survived("bad-jump");
}
