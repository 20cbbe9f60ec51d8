/* spin: computes forever, never idles and never halts; only a stop or an unload ends it. */
#include <ilwaco.h>

int main(void)
{
	volatile uint64_t x = 1;

	puts("spin: computing forever");
	for (;;)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
}
