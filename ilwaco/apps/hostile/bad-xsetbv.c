/* bad-xsetbv: XSETBV of XCR0 = 1 (x87 only); expected crash triple_fault. */
#include "hostile.h"

/*
 * The entry state has CR4.OSXSAVE clear, so the CPU answers XSETBV with #UD
 * before any VM exit (an invalid-opcode fault has priority over the exit on
 * VT-x; on AMD-V instruction intercepts are checked after #UD), and with no
 * IDT the #UD is a triple fault. The module's XSETBV exit handler (crash
 * xsetbv) is the second line of defence, for a CPU that would exit first.
 */

int main(void)
{
	hostile_announce("bad-xsetbv", "xsetbv XCR0 = 1");
	__asm__ volatile("xsetbv" : : "c"(0), "a"(1), "d"(0) : "memory");
	return hostile_survived("bad-xsetbv");
}
