/* bad-io: an OUT to port 0x80 (port I/O is not part of the Denali ISA); expected crash io. */
#include "hostile.h"

int main(void)
{
	hostile_announce("bad-io", "outb to port 0x80");
	__asm__ volatile("outb %%al, $0x80" : : "a"(0) : "memory");
	return hostile_survived("bad-io");
}
