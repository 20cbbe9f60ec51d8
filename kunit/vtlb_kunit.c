// SPDX-License-Identifier: GPL-2.0
/* KUnit: the software-loaded TLB: entry validation, replacement, table building. */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/random.h>

#include "core/npt.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "core/vtlb.h"

#define MEM		(16ULL << 20)
#define LEAF_FLAGS	(DENALI_VTLB_PTE_P | DENALI_VTLB_PTE_W | DENALI_VTLB_PTE_US | \
			 DENALI_VTLB_PTE_A | DENALI_VTLB_PTE_D | DENALI_VTLB_PTE_NX)

struct vtlb_ctx {
	struct denali_npt npt;
	struct denali_vtlb t;
};

static void vtlb_ctx_exit(void *arg)
{
	struct vtlb_ctx *c = arg;

	denali_vtlb_free(&c->t);
	denali_npt_free(&c->npt);
}

static struct denali_vtlb *new_tlb(struct kunit *test, u32 size)
{
	struct vtlb_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, denali_npt_init(&c->npt, &denali_ept_fmt), 0);
	denali_vtlb_init(&c->t, size);
	denali_vtlb_setup(&c->t, &c->npt, false, MEM);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, vtlb_ctx_exit, c), 0);
	return &c->t;
}

static int load(struct denali_vtlb *t, u64 va, u64 pa, u64 flags)
{
	bool stale = false;

	return denali_vtlb_load(t, va, pa, flags, &stale);
}

/* What the CPU would find for @va: the page, or ~0 for a miss. */
static u64 pa_of(struct denali_vtlb *t, u64 va)
{
	u64 e = denali_vtlb_lookup(t, va);

	return e & DENALI_VTLB_PTE_P ? e & DENALI_VTLB_PTE_ADDR : ~0ULL;
}

/* Every refusal is counted and installs nothing. */
static void validation_test(struct kunit *test)
{
	static const struct {
		u64 va, pa, flags;
		int err;
	} bad[] = {
		{ 0x1000, 0x2000, 0x10, -EINVAL },		/* reserved flag bit */
		{ 0x1000, 0x2000, ~0ULL, -EINVAL },
		{ 0x1001, 0x2000, 0, -EINVAL },			/* unaligned va */
		{ 0x1000, 0x2008, 0, -EINVAL },			/* unaligned pa */
		{ 0x100000000ULL, 0x2000, 0, -EINVAL },		/* va at the limit */
		{ ~0ULL & PAGE_MASK, 0x2000, 0, -EINVAL },
		{ 0x1000, MEM, 0, -EFAULT },			/* just past memory */
		{ 0x1000, DENALI_VTLB_GPA, 0, -EFAULT },	/* the TLB's own tables */
		{ 0x1000, DENALI_VTLB_GPA + 0x5000, DENALI_TLB_W, -EFAULT },
		{ 0x1000, DENALI_PT_GPA, 0, -EFAULT },		/* the shared tables */
		{ 0x1000, ~0ULL & PAGE_MASK, 0, -EFAULT },	/* would wrap */
	};
	struct denali_vtlb *t = new_tlb(test, 16);
	bool stale = false;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, denali_vtlb_load(t, bad[i].va, bad[i].pa, bad[i].flags,
							   &stale), bad[i].err, "case %u", i);
		KUNIT_EXPECT_EQ(test, pa_of(t, bad[i].va & PAGE_MASK), ~0ULL);
	}
	KUNIT_EXPECT_EQ(test, t->used, 0U);
	KUNIT_EXPECT_EQ(test, t->loads, 0ULL);
	KUNIT_EXPECT_EQ(test, denali_vtlb_flush(t, 0x1004, &stale), -EINVAL);
	KUNIT_EXPECT_EQ(test, denali_vtlb_flush(t, 0x100000000ULL, &stale), -EINVAL);
	KUNIT_EXPECT_EQ(test, denali_vtlb_flush_all(t, 2, &stale), -EINVAL);
	KUNIT_EXPECT_EQ(test, denali_vtlb_mode(t, 2, &stale), -EINVAL);
	KUNIT_EXPECT_EQ(test, t->refused, (u64)ARRAY_SIZE(bad) + 4);
	KUNIT_EXPECT_FALSE(test, stale);
	/* The last page of memory is fine. */
	KUNIT_EXPECT_EQ(test, load(t, 0xfffff000, MEM - PAGE_SIZE, 0), 0);
	KUNIT_EXPECT_EQ(test, pa_of(t, 0xfffff000), MEM - PAGE_SIZE);
}

/* Follows a table entry to the page it names, checking the nested mapping. */
static u64 *follow(struct kunit *test, struct denali_vtlb *t, u64 e)
{
	u64 gpa = e & DENALI_VTLB_PTE_ADDR, leaf;
	u32 n = (gpa - DENALI_VTLB_GPA) >> PAGE_SHIFT;

	KUNIT_ASSERT_TRUE(test, e & DENALI_VTLB_PTE_P);
	KUNIT_ASSERT_LT(test, n, t->npages);
	/* The walker reaches it read-only (EPT R, write-back), never writable. */
	leaf = denali_npt_lookup(t->npt, gpa);
	KUNIT_EXPECT_EQ(test, leaf, page_to_phys(t->page[n]) | denali_ept_fmt.leaf_ro);
	return page_address(t->page[n]);
}

/* The tables are what the CPU walks: four levels from CR3 to the leaf. */
static void table_building_test(struct kunit *test)
{
	struct denali_vtlb *t = new_tlb(test, 16);
	u64 va = 0x40201000, *l4, *l3, *l2, *l1, e;
	bool stale = false;

	KUNIT_EXPECT_EQ(test, denali_vtlb_cr3(t), DENALI_PT_GPA);
	KUNIT_ASSERT_EQ(test, denali_vtlb_mode(t, DENALI_VMMU_ON, &stale), 0);
	KUNIT_EXPECT_TRUE(test, stale);
	KUNIT_EXPECT_EQ(test, denali_vtlb_cr3(t), DENALI_VTLB_GPA);
	KUNIT_EXPECT_EQ(test, t->npages, (u32)DENALI_VTLB_BASE_PAGES);
	KUNIT_ASSERT_EQ(test, load(t, va, 0x5000, DENALI_TLB_W | DENALI_TLB_X), 0);
	KUNIT_EXPECT_EQ(test, t->npages, (u32)DENALI_VTLB_BASE_PAGES + 1);

	l4 = follow(test, t, DENALI_VTLB_GPA | DENALI_VTLB_PTE_P);
	l3 = follow(test, t, l4[0]);
	l2 = follow(test, t, l3[1]);			/* the second GiB */
	l1 = follow(test, t, l2[1]);			/* its second 2 MiB */
	e = l1[1];
	KUNIT_EXPECT_EQ(test, e & DENALI_VTLB_PTE_ADDR, 0x5000ULL);
	/* Writable, executable, supervisor; accessed and dirty preset. */
	KUNIT_EXPECT_EQ(test, e & LEAF_FLAGS, DENALI_VTLB_PTE_P | DENALI_VTLB_PTE_W |
			DENALI_VTLB_PTE_A | DENALI_VTLB_PTE_D);
	KUNIT_EXPECT_EQ(test, e, denali_vtlb_lookup(t, va));
	/* Upper levels allow everything and have their accessed bit preset: the leaf decides. */
	KUNIT_EXPECT_EQ(test, l2[1] & ~DENALI_VTLB_PTE_ADDR, DENALI_VTLB_PTE_P |
			DENALI_VTLB_PTE_W | DENALI_VTLB_PTE_US | DENALI_VTLB_PTE_A);
	/* Nothing else is mapped. */
	KUNIT_EXPECT_EQ(test, l1[0], 0ULL);
	KUNIT_EXPECT_EQ(test, l2[0], 0ULL);
	KUNIT_EXPECT_EQ(test, l3[4], 0ULL);
	KUNIT_EXPECT_EQ(test, l4[1], 0ULL);

	/* Read-only, no-execute, user. */
	KUNIT_ASSERT_EQ(test, load(t, 0x3000, 0x6000, DENALI_TLB_USER), 0);
	KUNIT_EXPECT_EQ(test, denali_vtlb_lookup(t, 0x3000) & LEAF_FLAGS,
			DENALI_VTLB_PTE_P | DENALI_VTLB_PTE_US | DENALI_VTLB_PTE_A |
			DENALI_VTLB_PTE_D | DENALI_VTLB_PTE_NX);
	KUNIT_EXPECT_EQ(test, t->npages, (u32)DENALI_VTLB_BASE_PAGES + 2);

	/* Off: the shared map again; the entries stay. */
	stale = false;
	KUNIT_EXPECT_EQ(test, denali_vtlb_mode(t, DENALI_VMMU_OFF, &stale), 0);
	KUNIT_EXPECT_TRUE(test, stale);
	KUNIT_EXPECT_EQ(test, denali_vtlb_cr3(t), DENALI_PT_GPA);
	KUNIT_EXPECT_EQ(test, pa_of(t, va), 0x5000ULL);
	stale = false;
	KUNIT_EXPECT_EQ(test, denali_vtlb_mode(t, DENALI_VMMU_OFF, &stale), 0);
	KUNIT_EXPECT_FALSE(test, stale);
}

/* Empty level-1 tables go back to a pool; the window never grows past size + 6. */
static void table_reuse_test(struct kunit *test)
{
	struct denali_vtlb *t = new_tlb(test, 16);
	bool stale = false;
	u32 i;

	KUNIT_ASSERT_EQ(test, load(t, 0x200000, 0x1000, 0), 0);
	KUNIT_EXPECT_EQ(test, t->npages, (u32)DENALI_VTLB_BASE_PAGES + 1);
	KUNIT_ASSERT_EQ(test, denali_vtlb_flush(t, 0x200000, &stale), 0);
	KUNIT_EXPECT_TRUE(test, stale);
	KUNIT_EXPECT_EQ(test, t->flushes, 1ULL);
	KUNIT_EXPECT_EQ(test, pa_of(t, 0x200000), ~0ULL);
	/* Another region takes the pooled table. */
	KUNIT_ASSERT_EQ(test, load(t, 0x80000000, 0x1000, 0), 0);
	KUNIT_EXPECT_EQ(test, t->npages, (u32)DENALI_VTLB_BASE_PAGES + 1);
	/* Each entry in a 2 MiB region of its own: a table each, at most 16. */
	for (i = 0; i < 64; i++)
		KUNIT_ASSERT_EQ(test, load(t, (u64)i << 21, 0x2000, 0), 0);
	KUNIT_EXPECT_EQ(test, t->used, 16U);
	KUNIT_EXPECT_LE(test, t->npages, 16U + DENALI_VTLB_BASE_PAGES);
	/* A flush of a page not loaded changes nothing. */
	stale = false;
	KUNIT_EXPECT_EQ(test, denali_vtlb_flush(t, 0x7000, &stale), 0);
	KUNIT_EXPECT_FALSE(test, stale);
}

/* A full TLB replaces round robin over its slots, skipping global entries. */
static void replacement_test(struct kunit *test)
{
	struct denali_vtlb *t = new_tlb(test, 16);
	bool stale = false;
	u64 i;

	/* Slot 0 global, slots 1-15 not. */
	KUNIT_ASSERT_EQ(test, load(t, 0, 0, DENALI_TLB_GLOBAL), 0);
	for (i = 1; i < 16; i++)
		KUNIT_ASSERT_EQ(test, load(t, i << 12, i << 12, 0), 0);
	KUNIT_EXPECT_EQ(test, t->used, 16U);
	KUNIT_EXPECT_EQ(test, t->evictions, 0ULL);

	/* The 17th replaces the oldest entry that is not global: va 0x1000. */
	KUNIT_ASSERT_EQ(test, denali_vtlb_load(t, 0x100000, 0x100000, 0, &stale), 0);
	KUNIT_EXPECT_TRUE(test, stale);
	KUNIT_EXPECT_EQ(test, t->evictions, 1ULL);
	KUNIT_EXPECT_EQ(test, pa_of(t, 0x1000), ~0ULL);
	KUNIT_EXPECT_EQ(test, pa_of(t, 0), 0ULL);
	KUNIT_EXPECT_EQ(test, pa_of(t, 0x100000), 0x100000ULL);
	/* Then 0x2000, 0x3000, ... in load order. */
	KUNIT_ASSERT_EQ(test, load(t, 0x101000, 0x1000, 0), 0);
	KUNIT_EXPECT_EQ(test, pa_of(t, 0x2000), ~0ULL);
	KUNIT_EXPECT_EQ(test, pa_of(t, 0x3000), 0x3000ULL);
	/* Reloading a va keeps its slot and evicts nothing. */
	stale = false;
	KUNIT_ASSERT_EQ(test, denali_vtlb_load(t, 0x3000, 0x9000, DENALI_TLB_W, &stale), 0);
	KUNIT_EXPECT_TRUE(test, stale);
	KUNIT_EXPECT_EQ(test, t->evictions, 2ULL);
	KUNIT_EXPECT_EQ(test, pa_of(t, 0x3000), 0x9000ULL);
	/* The same translation again is no change at all. */
	stale = false;
	KUNIT_ASSERT_EQ(test, denali_vtlb_load(t, 0x3000, 0x9000, DENALI_TLB_W, &stale), 0);
	KUNIT_EXPECT_FALSE(test, stale);
	KUNIT_EXPECT_EQ(test, t->used, 16U);
	KUNIT_EXPECT_EQ(test, t->loads, 20ULL);
}

/* At most size - 1 global entries: one entry can always be replaced. */
static void global_limit_test(struct kunit *test)
{
	struct denali_vtlb *t = new_tlb(test, 16);
	bool stale = false;
	u64 i;

	for (i = 0; i < 15; i++)
		KUNIT_ASSERT_EQ(test, load(t, i << 12, 0, DENALI_TLB_GLOBAL), 0);
	KUNIT_EXPECT_EQ(test, load(t, 15 << 12, 0, DENALI_TLB_GLOBAL), -ENOSPC);
	KUNIT_EXPECT_EQ(test, pa_of(t, 15 << 12), ~0ULL);
	/* Ordinary loads still work, replacing each other. */
	for (i = 100; i < 110; i++)
		KUNIT_ASSERT_EQ(test, load(t, i << 12, 0x1000, 0), 0);
	KUNIT_EXPECT_EQ(test, t->used, 16U);
	KUNIT_EXPECT_EQ(test, pa_of(t, 109 << 12), 0x1000ULL);
	KUNIT_EXPECT_EQ(test, pa_of(t, 108 << 12), ~0ULL);
	/* Turning the last ordinary entry global is refused too. */
	KUNIT_EXPECT_EQ(test, load(t, 109 << 12, 0x1000, DENALI_TLB_GLOBAL), -ENOSPC);
	/* FLUSH_ALL keeps global entries unless asked. */
	KUNIT_EXPECT_EQ(test, denali_vtlb_flush_all(t, 0, &stale), 0);
	KUNIT_EXPECT_EQ(test, t->used, 15U);
	KUNIT_EXPECT_EQ(test, pa_of(t, 0), 0ULL);
	KUNIT_EXPECT_EQ(test, denali_vtlb_flush_all(t, DENALI_TLB_FLUSH_GLOBAL, &stale), 0);
	KUNIT_EXPECT_EQ(test, t->used, 0U);
	KUNIT_EXPECT_EQ(test, t->nglobal, 0U);
	KUNIT_EXPECT_EQ(test, pa_of(t, 0), ~0ULL);
	KUNIT_EXPECT_EQ(test, load(t, 15 << 12, 0, DENALI_TLB_GLOBAL), 0);
}

/* Present leaves in the tables, counted the hard way. */
static u32 count_leaves(struct denali_vtlb *t)
{
	u64 *l2;
	u32 n = 0, g, i, j;

	for (g = 0; g < 4; g++) {
		l2 = page_address(t->page[2 + g]);
		for (i = 0; i < 512; i++) {
			u64 *l1;

			if (!(l2[i] & DENALI_VTLB_PTE_P))
				continue;
			l1 = page_address(t->page[((l2[i] & DENALI_VTLB_PTE_ADDR) -
						   DENALI_VTLB_GPA) >> PAGE_SHIFT]);
			for (j = 0; j < 512; j++)
				n += !!(l1[j] & DENALI_VTLB_PTE_P);
		}
	}
	return n;
}

#define FLOOD_SIZE	32

/* The va and leaf of every loaded entry, from the slots. */
static u32 snapshot(struct denali_vtlb *t, u64 *va, u64 *leaf)
{
	u32 s, n = 0;

	for (s = 0; t->slot && s < t->size; s++) {
		if (!(t->slot[s] & DENALI_VTLB_SLOT_USED))
			continue;
		va[n] = t->slot[s] & PAGE_MASK;
		leaf[n] = denali_vtlb_lookup(t, va[n]);
		n++;
	}
	return n;
}

/*
 * A hostile guest's storm of loads and flushes keeps every bound, and
 * every call that removed or changed a translation the CPU may hold
 * said so (the flush the backend then does is what keeps the guest from
 * using it again).
 */
static void flood_test(struct kunit *test)
{
	struct denali_vtlb *t = new_tlb(test, FLOOD_SIZE);
	u64 va_before[FLOOD_SIZE], leaf_before[FLOOD_SIZE];
	bool stale;
	u32 i, j, n;

	for (i = 0; i < 20000; i++) {
		u32 r = get_random_u32();
		u64 va = ((u64)(r & 0xfffff)) << 12;
		u64 pa = ((u64)(get_random_u32() % (MEM >> PAGE_SHIFT))) << PAGE_SHIFT;

		n = snapshot(t, va_before, leaf_before);
		stale = false;
		switch (r >> 28) {
		case 0:
			denali_vtlb_flush(t, va, &stale);
			break;
		case 1:
			if (!(r & 0x100000))
				denali_vtlb_flush_all(t, (r >> 21) & 3, &stale);
			break;
		default:
			denali_vtlb_load(t, va, pa, (r >> 20) & 0x1f, &stale);
			break;
		}
		KUNIT_ASSERT_LE(test, t->used, (u32)FLOOD_SIZE);
		KUNIT_ASSERT_LT(test, t->nglobal, (u32)FLOOD_SIZE);
		KUNIT_ASSERT_LE(test, t->npages, (u32)FLOOD_SIZE + DENALI_VTLB_BASE_PAGES);
		if (t->slot)
			KUNIT_ASSERT_EQ(test, t->used + t->nfree_slot, (u32)FLOOD_SIZE);
		for (j = 0; j < n && !stale; j++)
			KUNIT_ASSERT_EQ_MSG(test, denali_vtlb_lookup(t, va_before[j]),
					    leaf_before[j], "0x%llx changed", va_before[j]);
	}
	KUNIT_EXPECT_EQ(test, count_leaves(t), t->used);
	KUNIT_EXPECT_GT(test, t->evictions, 0ULL);
	KUNIT_EXPECT_GT(test, t->refused, 0ULL);
}

/* One hypercall through the generic exit handler; returns RAX. */
static long hypercall(struct kunit *test, struct denali_vcpu *vcpu, u64 nr,
		      u64 a0, u64 a1, u64 a2)
{
	vcpu->exit.reason = DN_EXIT_HYPERCALL;
	vcpu->exit.insn_len = 3;
	vcpu->regs[DN_RAX] = nr;
	vcpu->regs[DN_RDI] = a0;
	vcpu->regs[DN_RSI] = a1;
	vcpu->regs[DN_RDX] = a2;
	vcpu->cr3_dirty = false;
	vcpu->tlb_flush = false;
	KUNIT_EXPECT_EQ(test, denali_handle_exit(vcpu), (int)DN_RUN_CONTINUE);
	return (long)vcpu->regs[DN_RAX];
}

/*
 * The hypercalls ask the backend for what the CPU needs: a new CR3 on a
 * switch, a flush whenever a translation it may hold went away or changed
 * while the tables are in use, and nothing else.
 */
static void hc_vm_exit(void *arg)
{
	struct denali_vm *vm = arg;

	denali_vtlb_free(&vm->vtlb);
	denali_npt_free(&vm->npt);
}

static void hypercall_test(struct kunit *test)
{
	struct denali_vm *vm = kunit_kzalloc(test, sizeof(*vm), GFP_KERNEL);
	struct denali_vcpu *vcpu = kunit_kzalloc(test, sizeof(*vcpu), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, vm);
	KUNIT_ASSERT_NOT_NULL(test, vcpu);
	KUNIT_ASSERT_EQ(test, denali_npt_init(&vm->npt, &denali_ept_fmt), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, hc_vm_exit, vm), 0);
	vm->mem.size = MEM;
	denali_vtlb_init(&vm->vtlb, 16);
	denali_vtlb_setup(&vm->vtlb, &vm->npt, false, MEM);
	vcpu->vm = vm;
	vcpu->cr3 = DENALI_PT_GPA;
	vcpu->rip = 0x100000;

	/* Off: loading needs neither a switch nor a flush. */
	KUNIT_EXPECT_EQ(test, hypercall(test, vcpu, DENALI_HC_TLB_LOAD, 0x1000, 0x2000, 0), 0L);
	KUNIT_EXPECT_FALSE(test, vcpu->cr3_dirty || vcpu->tlb_flush);
	KUNIT_EXPECT_EQ(test, vcpu->rip, 0x100003ULL);
	KUNIT_EXPECT_EQ(test, hypercall(test, vcpu, DENALI_HC_TLB_LOAD, 0x1000, 0x3000, 0), 0L);
	KUNIT_EXPECT_FALSE(test, vcpu->tlb_flush);
	/* On: the TLB's CR3, and the shared map's translations go. */
	KUNIT_EXPECT_EQ(test, hypercall(test, vcpu, DENALI_HC_VMMU, DENALI_VMMU_ON, 0, 0), 0L);
	KUNIT_EXPECT_TRUE(test, vcpu->cr3_dirty && vcpu->tlb_flush);
	KUNIT_EXPECT_EQ(test, vcpu->cr3, DENALI_VTLB_GPA);
	/* A new entry needs no flush; a changed one, a flushed one do. */
	KUNIT_EXPECT_EQ(test, hypercall(test, vcpu, DENALI_HC_TLB_LOAD, 0x4000, 0x2000, 0), 0L);
	KUNIT_EXPECT_FALSE(test, vcpu->cr3_dirty || vcpu->tlb_flush);
	KUNIT_EXPECT_EQ(test, hypercall(test, vcpu, DENALI_HC_TLB_LOAD, 0x4000, 0x2000,
					DENALI_TLB_W), 0L);
	KUNIT_EXPECT_TRUE(test, vcpu->tlb_flush);
	KUNIT_EXPECT_EQ(test, hypercall(test, vcpu, DENALI_HC_TLB_FLUSH, 0x4000, 0, 0), 0L);
	KUNIT_EXPECT_TRUE(test, vcpu->tlb_flush);
	KUNIT_EXPECT_EQ(test, hypercall(test, vcpu, DENALI_HC_TLB_FLUSH, 0x4000, 0, 0), 0L);
	KUNIT_EXPECT_FALSE(test, vcpu->tlb_flush);
	KUNIT_EXPECT_EQ(test, hypercall(test, vcpu, DENALI_HC_TLB_FLUSH_ALL, 0, 0, 0), 0L);
	KUNIT_EXPECT_TRUE(test, vcpu->tlb_flush);
	/* Refusals come back as errors, change nothing, and do not kill. */
	KUNIT_EXPECT_EQ(test, hypercall(test, vcpu, DENALI_HC_TLB_LOAD, 0x1000, MEM, 0),
			(long)-EFAULT);
	KUNIT_EXPECT_FALSE(test, vcpu->cr3_dirty || vcpu->tlb_flush);
	KUNIT_EXPECT_EQ(test, hypercall(test, vcpu, DENALI_HC_TLB_LOAD, 0x1000, 0, 0x80),
			(long)-EINVAL);
	KUNIT_EXPECT_FALSE(test, vcpu->cr3_dirty || vcpu->tlb_flush);
	KUNIT_EXPECT_EQ(test, hypercall(test, vcpu, DENALI_HC_VMMU, 7, 0, 0), (long)-EINVAL);
	KUNIT_EXPECT_FALSE(test, vcpu->cr3_dirty || vcpu->tlb_flush);
	KUNIT_EXPECT_EQ(test, vm->crash_reason, (u32)DENALI_CRASH_NONE);
	/* Off again: the shared map, and the TLB's translations go. */
	KUNIT_EXPECT_EQ(test, hypercall(test, vcpu, DENALI_HC_VMMU, DENALI_VMMU_OFF, 0, 0), 0L);
	KUNIT_EXPECT_TRUE(test, vcpu->cr3_dirty && vcpu->tlb_flush);
	KUNIT_EXPECT_EQ(test, vcpu->cr3, DENALI_PT_GPA);
	KUNIT_EXPECT_EQ(test, vm->stats.hypercalls[DENALI_HC_TLB_LOAD], 6ULL);
}

static struct kunit_case denali_vtlb_cases[] = {
	KUNIT_CASE(validation_test),
	KUNIT_CASE(table_building_test),
	KUNIT_CASE(table_reuse_test),
	KUNIT_CASE(replacement_test),
	KUNIT_CASE(global_limit_test),
	KUNIT_CASE(flood_test),
	KUNIT_CASE(hypercall_test),
	{}
};

static struct kunit_suite denali_vtlb_suite = {
	.name = "denali_vtlb",
	.test_cases = denali_vtlb_cases,
};

kunit_test_suite(denali_vtlb_suite);
