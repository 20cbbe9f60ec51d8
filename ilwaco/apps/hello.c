/* hello: the smallest Denali guest; prints a greeting and halts with code 0. */
#include <ilwaco.h>

int main(void)
{
	printf("Hello from a Denali guest (ABI %u, %lu MiB)\n",
	       dn_regs()->abi_version, (unsigned long)(dn_regs()->mem_size >> 20));
	return 0;
}
