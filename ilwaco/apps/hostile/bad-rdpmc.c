/* bad-rdpmc: RDPMC of counter 0, a host performance counter; expected crash priv_insn. */
#include "hostile.h"

int main(void)
{
	uint32_t lo, hi;

	hostile_announce("bad-rdpmc", "rdpmc counter 0");
	__asm__ volatile("rdpmc" : "=a"(lo), "=d"(hi) : "c"(0) : "memory");
	printf("bad-rdpmc: read 0x%x%08x\n", hi, lo);
	return hostile_survived("bad-rdpmc");
}
