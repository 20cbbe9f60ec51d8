/*
 * bad-tlbload: TLB loads the ABI refuses, then the virtual MMU on with
 * nothing loaded; expected crash triple_fault.
 */
#include "hostile.h"

/*
 * Every refused call prints "bad-tlbload: WHAT: RESULT ok" when it
 * returned the documented error (-14 EFAULT for a page not in memory,
 * the TLB's tables and the shared tables among them; -22 EINVAL for
 * bad flags, alignment, addresses and modes), "... WRONG" otherwise;
 * then "bad-tlbload: N refused as documented, M wrong". A refused load
 * installs nothing, so when the virtual MMU goes on, the address space
 * is empty: the fetch of the trampoline's ret misses, and with no IDT
 * the page fault is a triple fault.
 */

#define PAGE 4096L
#define VA 0x200000L

static int good, wrong;

static void expect(const char *what, long ret, long want)
{
	int ok = ret == want;

	printf("bad-tlbload: %s: %ld %s\n", what, ret, ok ? "ok" : "WRONG");
	good += ok;
	wrong += !ok;
}

static long load(long va, long pa, long flags)
{
	return dn_hypercall(DENALI_HC_TLB_LOAD, va, pa, flags, 0, 0);
}

static void refuse_pa(void)
{
	long mem = (long)dn_regs()->mem_size, k;
	char what[64];

	expect("pa mem_size", load(VA, mem, 0), -DENALI_EFAULT);
	expect("pa mem_size + 1 MiB", load(VA, mem + (1L << 20), DENALI_TLB_W), -DENALI_EFAULT);
	expect("pa 4 GiB - 4 KiB", load(VA, (1L << 32) - PAGE, 0), -DENALI_EFAULT);
	expect("pa 1<<63", load(VA, (long)(1UL << 63), 0), -DENALI_EFAULT);
	expect("pa ~0 page", load(VA, -PAGE, 0), -DENALI_EFAULT);
	for (k = 0; k < 8; k++) {
		snprintf(what, sizeof(what), "pa TLB tables + %ld pages", k);
		expect(what,
		       load(VA, (long)DENALI_VTLB_GPA + k * PAGE, DENALI_TLB_W | DENALI_TLB_X),
		       -DENALI_EFAULT);
	}
	expect("pa TLB tables + 2048 pages", load(VA, (long)DENALI_VTLB_GPA + 2048 * PAGE, 0),
	       -DENALI_EFAULT);
	expect("pa shared tables", load(VA, (long)DENALI_PT_GPA, DENALI_TLB_W), -DENALI_EFAULT);
	expect("pa shared tables + 1 page", load(VA, (long)DENALI_PT_GPA + PAGE, 0),
	       -DENALI_EFAULT);
}

static void refuse_args(void)
{
	expect("flags 0x10", load(VA, VA, 0x10), -DENALI_EINVAL);
	expect("flags 0x100", load(VA, VA, 0x100), -DENALI_EINVAL);
	expect("flags 1<<63", load(VA, VA, (long)(1UL << 63)), -DENALI_EINVAL);
	expect("va unaligned", load(VA + 8, VA, 0), -DENALI_EINVAL);
	expect("pa unaligned", load(VA, VA + 2048, 0), -DENALI_EINVAL);
	expect("va 4 GiB", load(1L << 32, VA, 0), -DENALI_EINVAL);
	expect("va 1<<47", load(1L << 47, VA, 0), -DENALI_EINVAL);
	expect("va ~0 page", load(-PAGE, VA, 0), -DENALI_EINVAL);
	expect("FLUSH va 4 GiB", dn_hypercall(DENALI_HC_TLB_FLUSH, 1L << 32, 0, 0, 0, 0),
	       -DENALI_EINVAL);
	expect("FLUSH va unaligned", dn_hypercall(DENALI_HC_TLB_FLUSH, VA + 1, 0, 0, 0, 0),
	       -DENALI_EINVAL);
	expect("FLUSH_ALL flags 0x80", dn_hypercall(DENALI_HC_TLB_FLUSH_ALL, 0x80, 0, 0, 0, 0),
	       -DENALI_EINVAL);
	expect("VMMU mode 2", dn_hypercall(DENALI_HC_VMMU, 2, 0, 0, 0, 0), -DENALI_EINVAL);
	expect("VMMU mode -1", dn_hypercall(DENALI_HC_VMMU, -1, 0, 0, 0, 0), -DENALI_EINVAL);
}

int main(void)
{
	printf("bad-tlbload: mem_size 0x%lx tlb_size %u\n", (unsigned long)dn_regs()->mem_size,
	       dn_regs()->tlb_size);
	refuse_pa();
	refuse_args();
	/* A load that is fine, and its flush: the calls work; nothing stays. */
	expect("a good load", load(VA, VA, DENALI_TLB_W), 0);
	expect("its flush", dn_hypercall(DENALI_HC_TLB_FLUSH, VA, 0, 0, 0, 0), 0);
	printf("bad-tlbload: %d refused as documented, %d wrong\n", good - 2, wrong);
	hostile_announce("bad-tlbload", "switch the virtual MMU on with nothing loaded");
	dn_hypercall(DENALI_HC_VMMU, DENALI_VMMU_ON, 0, 0, 0, 0);
	return hostile_survived("bad-tlbload");
}
