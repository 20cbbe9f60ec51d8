/* exitcode: halts with code 42, so that a supervisor's exit status can be checked. */
#include <ilwaco.h>

int main(void)
{
	puts("exitcode: halting with 42");
	return 42;
}
