/* bigmem: a guest with 4 MiB of .bss; it touches every page and halts with 0. */
#include <ilwaco.h>

static volatile unsigned char big[4 << 20];

int main(void)
{
	unsigned long sum = 0;
	size_t i;

	for (i = 0; i < sizeof(big); i += 4096)
		big[i] = (unsigned char)(i >> 12);
	for (i = 0; i < sizeof(big); i += 4096)
		sum += big[i];
	printf("bigmem touched %lu pages, sum %lu\n", (unsigned long)(sizeof(big) / 4096), sum);
	/* Pages 0..1023 hold their number mod 256: four runs of 0..255. */
	return sum == 4 * (255 * 256 / 2) ? 0 : 1;
}
