/*
 * bad-tlbflood: a flood of TLB loads and flushes, with the virtual MMU on
 * and off, and global entries up to the limit; expected halted(0).
 */
#include "hostile.h"

/*
 * Command line: n=N loads in the flood (200000).
 *
 * The guest pins what it runs on (page 0, its image, the top of its
 * stack) as global identity entries, switches the virtual MMU on and
 * loads N random translations (va 16 MiB to 4 GiB, any page of memory,
 * any flags but GLOBAL), with a flush of a random page every 7th load,
 * a flush of all non-global entries every 1000th and a refused load
 * every 13th. Then, off again, it flushes everything and loads global
 * entries until the TLB refuses (tlb_size - 1 fit: one always stays
 * replaceable), and shows that ordinary loads still work. It prints:
 *
 *   bad-tlbflood: pinned P pages, vmmu on: 0
 *   bad-tlbflood: flood: N loads, N ok, R refused as expected, U unexpected
 *   bad-tlbflood: vmmu off: 0
 *   bad-tlbflood: globals: G loaded, then -28
 *   bad-tlbflood: 1000 loads into a TLB of globals: 1000 ok
 *   bad-tlbflood: done
 *
 * and halts 0. The module's table pages stay bounded by tlb_size + 6
 * throughout (the test reads its counters).
 */

#define PAGE 4096UL
#define STACK_PAGES 4
#define VA_MIN (16UL << 20)

extern char __text_start[], _end[];

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static long load(uint64_t va, uint64_t pa, uint64_t flags)
{
	return dn_hypercall(DENALI_HC_TLB_LOAD, (long)va, (long)pa, (long)flags, 0, 0);
}

/* Identity entries for [@start, @end), global: 0 or the first error. */
static long pin(uintptr_t start, uintptr_t end, uint64_t flags)
{
	uintptr_t va;
	long ret;

	for (va = start & ~(PAGE - 1); va < end; va += PAGE) {
		ret = load(va, va, flags | DENALI_TLB_GLOBAL);
		if (ret)
			return ret;
	}
	return 0;
}

/* Page 0 executable too: the trampoline is there, and W^X is the guest's business. */
static long pin_self(int *pages)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0) & ~(PAGE - 1);
	uintptr_t stack = sp - (STACK_PAGES - 1) * PAGE;
	long ret;

	ret = pin(0, PAGE, DENALI_TLB_W | DENALI_TLB_X);
	ret = ret ?: pin((uintptr_t)__text_start, (uintptr_t)_end, DENALI_TLB_W | DENALI_TLB_X);
	ret = ret ?: pin(stack, DENALI_STACK_TOP, DENALI_TLB_W);
	*pages = 1 + (int)(((uintptr_t)_end - (uintptr_t)__text_start) / PAGE) +
		 (int)((DENALI_STACK_TOP - stack) / PAGE);
	return ret;
}

static void flood(long n)
{
	uint64_t mem_pages = dn_regs()->mem_size / PAGE, va_pages = (4UL << 30) / PAGE;
	long i, ret, ok = 0, refused = 0, unexpected = 0;

	for (i = 1; i <= n; i++) {
		uint64_t va = (VA_MIN / PAGE + next() % (va_pages - VA_MIN / PAGE)) * PAGE;
		uint64_t pa = next() % mem_pages * PAGE;

		if (i % 13 == 0) {
			/* Refused: a page above memory, or a reserved flag. */
			ret = load(va, i & 1 ? dn_regs()->mem_size + pa : pa, i & 1 ? 0 : 0x20);
			refused += ret == (i & 1 ? -DENALI_EFAULT : -DENALI_EINVAL);
			unexpected += ret != (i & 1 ? -DENALI_EFAULT : -DENALI_EINVAL);
			continue;
		}
		ret = load(va, pa, next() & (DENALI_TLB_W | DENALI_TLB_X | DENALI_TLB_USER));
		ok += ret == 0;
		unexpected += ret != 0;
		if (i % 7 == 0)
			dn_hypercall(DENALI_HC_TLB_FLUSH,
				     (long)((VA_MIN / PAGE + next() % 4096) * PAGE), 0, 0, 0, 0);
		if (i % 1000 == 0)
			dn_hypercall(DENALI_HC_TLB_FLUSH_ALL, 0, 0, 0, 0, 0);
	}
	printf("bad-tlbflood: flood: %ld loads, %ld ok, %ld refused as expected, %ld unexpected\n",
	       n, ok, refused, unexpected);
}

/* Global entries until the TLB refuses; then ordinary loads into what is left. */
static void globals(void)
{
	long n = 0, ret, i, ok = 0;

	dn_hypercall(DENALI_HC_TLB_FLUSH_ALL, DENALI_TLB_FLUSH_GLOBAL, 0, 0, 0, 0);
	for (;;) {
		ret = load(VA_MIN + (uint64_t)n * PAGE, (uint64_t)n % 256 * PAGE,
			   DENALI_TLB_GLOBAL);
		if (ret)
			break;
		n++;
	}
	printf("bad-tlbflood: globals: %ld loaded, then %ld\n", n, ret);
	for (i = 0; i < 1000; i++)
		ok += load((1UL << 30) + (uint64_t)i * PAGE, 0, DENALI_TLB_W) == 0;
	printf("bad-tlbflood: 1000 loads into a TLB of globals: %ld ok\n", ok);
	dn_hypercall(DENALI_HC_TLB_FLUSH_ALL, DENALI_TLB_FLUSH_GLOBAL, 0, 0, 0, 0);
}

int main(void)
{
	long n = dn_cmdline_int("n", 200000), ret;
	int pages = 0;

	printf("bad-tlbflood: tlb_size %u, %ld loads\n", dn_regs()->tlb_size, n);
	ret = pin_self(&pages);
	ret = ret ?: dn_hypercall(DENALI_HC_VMMU, DENALI_VMMU_ON, 0, 0, 0, 0);
	printf("bad-tlbflood: pinned %d pages, vmmu on: %ld\n", pages, ret);
	flood(n);
	printf("bad-tlbflood: vmmu off: %ld\n",
	       dn_hypercall(DENALI_HC_VMMU, DENALI_VMMU_OFF, 0, 0, 0, 0));
	globals();
	puts("bad-tlbflood: done");
	return 0;
}
