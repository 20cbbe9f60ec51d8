/* bad-cpuid: CPUID leaf 0x40000000, outside the defined set; expected crash cpuid. */
#include "hostile.h"

int main(void)
{
	uint32_t a, b, c, d;

	hostile_announce("bad-cpuid", "cpuid leaf 0x40000000");
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x40000000), "c"(0));
	printf("bad-cpuid: got %08x %08x %08x %08x\n", a, b, c, d);
	return hostile_survived("bad-cpuid");
}
