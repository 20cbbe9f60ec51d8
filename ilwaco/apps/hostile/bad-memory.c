/* bad-memory: a read of 0xF0000000, outside guest memory; expected crash memory. */
#include "hostile.h"

int main(void)
{
	uint32_t val;

	hostile_announce("bad-memory", "read guest-physical 0xf0000000");
	__asm__ volatile("movl (%1), %0" : "=r"(val) : "r"(0xf0000000UL) : "memory");
	printf("bad-memory: read 0x%x\n", val);
	return hostile_survived("bad-memory");
}
