/* bad-triple: UD2 with no IDT, so the #UD cannot be delivered; expected crash triple_fault. */
#include "hostile.h"

int main(void)
{
	hostile_announce("bad-triple", "ud2 with no IDT");
	__asm__ volatile("ud2" : : : "memory");
	return hostile_survived("bad-triple");
}
