/* bad-wrap: CONSOLE_WRITE whose range wraps around 2^64; expected crash bad_argument. */
#include "hostile.h"

int main(void)
{
	long ret;

	hostile_announce("bad-wrap", "CONSOLE_WRITE with gpa 0xfffffffffffff000, len 0x2000");
	ret = dn_hypercall(DENALI_HC_CONSOLE_WRITE, (long)0xfffffffffffff000UL, 0x2000, 0, 0, 0);
	printf("\nbad-wrap: CONSOLE_WRITE returned %ld\n", ret);
	return hostile_survived("bad-wrap");
}
