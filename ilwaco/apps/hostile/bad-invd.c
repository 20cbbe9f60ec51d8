/* bad-invd: INVD, which would throw away dirty cache lines of the host; expected crash invd. */
#include "hostile.h"

int main(void)
{
	hostile_announce("bad-invd", "invd");
	__asm__ volatile("invd" : : : "memory");
	return hostile_survived("bad-invd");
}
