/* bad-hypercall: hypercall number 9999, which does not exist; expected crash bad_hypercall. */
#include "hostile.h"

int main(void)
{
	long ret;

	hostile_announce("bad-hypercall", "make hypercall 9999");
	ret = dn_hypercall(9999, 0, 0, 0, 0, 0);
	printf("bad-hypercall: hypercall 9999 returned %ld\n", ret);
	return hostile_survived("bad-hypercall");
}
