/* bad-consoleread: CONSOLE_READ into a range past the end of memory; expected crash bad_argument. */
#include "hostile.h"

int main(void)
{
	volatile struct denali_regs *regs = dn_regs();
	long ret;

	hostile_announce("bad-consoleread", "CONSOLE_READ into the last byte of memory and beyond");
	ret = dn_hypercall(DENALI_HC_CONSOLE_READ, (long)(regs->mem_size - 1), 0x1000, 0, 0, 0);
	printf("\nbad-consoleread: CONSOLE_READ returned %ld\n", ret);
	return hostile_survived("bad-consoleread");
}
