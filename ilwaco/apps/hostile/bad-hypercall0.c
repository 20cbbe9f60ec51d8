/* bad-hypercall0: hypercall 0, reserved and never valid; expected crash bad_hypercall. */
#include "hostile.h"

int main(void)
{
	long ret;

	hostile_announce("bad-hypercall0", "make hypercall 0");
	ret = dn_hypercall(DENALI_HC_RESERVED, 0, 0, 0, 0, 0);
	printf("bad-hypercall0: hypercall 0 returned %ld\n", ret);
	return hostile_survived("bad-hypercall0");
}
