/* bad-hltcli: CLI then HLT, a sleep nothing can end; expected crash hlt_if0. */
#include "hostile.h"

int main(void)
{
	hostile_announce("bad-hltcli", "cli; hlt");
	__asm__ volatile("cli; hlt" : : : "memory");
	return hostile_survived("bad-hltcli");
}
