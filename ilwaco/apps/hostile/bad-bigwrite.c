/* bad-bigwrite: CONSOLE_WRITE of 1 TiB from a valid buffer; expected crash bad_argument. */
#include "hostile.h"

static const char msg[] = "bad-bigwrite: this line is 1 TiB long\n";

int main(void)
{
	long ret;

	hostile_announce("bad-bigwrite", "CONSOLE_WRITE with len 1 << 40");
	ret = dn_hypercall(DENALI_HC_CONSOLE_WRITE, (long)(uintptr_t)msg, 1L << 40, 0, 0, 0);
	printf("\nbad-bigwrite: CONSOLE_WRITE returned %ld\n", ret);
	return hostile_survived("bad-bigwrite");
}
