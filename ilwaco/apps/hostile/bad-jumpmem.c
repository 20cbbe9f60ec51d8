/* bad-jumpmem: a jump to 0xE0000000, outside guest memory; expected crash memory. */
#include "hostile.h"

int main(void)
{
	hostile_announce("bad-jumpmem", "jump to guest-physical 0xe0000000");
	__asm__ volatile("jmp *%0" : : "r"(0xe0000000UL) : "memory");
	return hostile_survived("bad-jumpmem");
}
