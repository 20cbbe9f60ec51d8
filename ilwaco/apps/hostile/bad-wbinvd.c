/* bad-wbinvd: WBINVD, a whole-cache flush that stalls the host; expected crash invd. */
#include "hostile.h"

int main(void)
{
	hostile_announce("bad-wbinvd", "wbinvd");
	__asm__ volatile("wbinvd" : : : "memory");
	return hostile_survived("bad-wbinvd");
}
