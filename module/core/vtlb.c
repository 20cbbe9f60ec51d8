// SPDX-License-Identifier: GPL-2.0
/* The virtual MMU: a software-loaded TLB, realised as per-VM page tables. */
#include <linux/bitfield.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/slab.h>
#include <linux/io.h>
#include <kunit/visibility.h>

#include "core/mem.h"
#include "core/npt.h"
#include "core/vtlb.h"

/*
 * The guest loads translations one at a time, as on a RISC machine with
 * a software-loaded TLB; the module writes each into ordinary x86-64 page
 * tables of the VM's own, so a hit costs the guest nothing and a miss is
 * an ordinary page fault through its IDT, with no exit. The tables live
 * above guest memory (DENALI_VTLB_GPA), where TLB_LOAD never lets a
 * translation point, so the guest can neither read nor write them; their
 * accessed and dirty bits are preset, so the CPU never writes them either.
 *
 * A leaf entry keeps its slot number in bits 52-62, which the CPU ignores
 * (CR4.PKE is clear), so a flush by address finds its slot at once.
 */
#define PTE_SLOT		GENMASK_ULL(62, 52)
#define PTE_TABLE		(DENALI_VTLB_PTE_P | DENALI_VTLB_PTE_W | \
				 DENALI_VTLB_PTE_US | DENALI_VTLB_PTE_A)

#define SLOT_USED		DENALI_VTLB_SLOT_USED
#define SLOT_FLAGS		DENALI_TLB_FLAGS

#define ENTRIES			512

static_assert(DENALI_TLB_SIZE_MAX <= (PTE_SLOT >> 52) + 1);
static_assert(DENALI_TLB_VA_LIMIT == 4ULL << 30);

static u64 table_gpa(u32 n)
{
	return DENALI_VTLB_GPA + ((u64)n << PAGE_SHIFT);
}

static u64 *table(struct denali_vtlb *t, u32 n)
{
	return page_address(t->page[n]);
}

/* The table page an upper-level entry points to. */
static u32 table_nr(u64 e)
{
	return ((e & DENALI_VTLB_PTE_ADDR) - DENALI_VTLB_GPA) >> PAGE_SHIFT;
}

/* The level-2 entry that covers @va (below 4 GiB). */
static u64 *pde_of(struct denali_vtlb *t, u64 va)
{
	return &table(t, 2 + (va >> 30))[(va >> 21) % ENTRIES];
}

static unsigned int leaf_index(u64 va)
{
	return (va >> PAGE_SHIFT) % ENTRIES;
}

/* The leaf entry for @va, or NULL if no level-1 table covers it. */
static u64 *pte_of(struct denali_vtlb *t, u64 va)
{
	u64 pde = *pde_of(t, va);

	if (!(pde & DENALI_VTLB_PTE_P))
		return NULL;
	return &table(t, table_nr(pde))[leaf_index(va)];
}

static u64 make_pte(u64 pa, u64 flags, u32 slot)
{
	u64 e = pa | DENALI_VTLB_PTE_P | DENALI_VTLB_PTE_A | DENALI_VTLB_PTE_D |
		FIELD_PREP(PTE_SLOT, slot);

	if (flags & DENALI_TLB_W)
		e |= DENALI_VTLB_PTE_W;
	if (flags & DENALI_TLB_USER)
		e |= DENALI_VTLB_PTE_US;
	if (!(flags & DENALI_TLB_X))
		e |= DENALI_VTLB_PTE_NX;
	return e;
}

/**
 * denali_vtlb_init - a TLB of @size entries, with nothing allocated yet
 * @t: the TLB, zeroed with its VM
 * @size: DENALI_TLB_SIZE_MIN to DENALI_TLB_SIZE_MAX (checked by the caller)
 */
void denali_vtlb_init(struct denali_vtlb *t, u32 size)
{
	t->size = size;
}
EXPORT_SYMBOL_IF_KUNIT(denali_vtlb_init);

/* Where the tables go and what loads are checked against; at VM start. */
void denali_vtlb_setup(struct denali_vtlb *t, struct denali_npt *npt,
		       bool tables_writable, u64 mem_size)
{
	t->npt = npt;
	t->tables_writable = tables_writable;
	t->mem_size = mem_size;
}
EXPORT_SYMBOL_IF_KUNIT(denali_vtlb_setup);

/*
 * One more table page, zeroed, at the next place in the window, mapped
 * for the guest's page walker. Returns its number or a negative errno.
 */
static int new_table(struct denali_vtlb *t)
{
	struct page *p;
	int ret;

	if (WARN_ON_ONCE(t->npages >= t->size + DENALI_VTLB_BASE_PAGES))
		return -ENOSPC;
	p = alloc_page(DENALI_GFP_GUEST | __GFP_ZERO);
	if (!p)
		return -ENOMEM;
	ret = denali_npt_map(t->npt, table_gpa(t->npages), page_to_phys(p),
			     t->tables_writable);
	if (ret) {
		/* The walker cannot reach a page whose mapping failed. */
		__free_page(p);
		return ret == -EEXIST ? -EIO : ret;
	}
	t->page[t->npages] = p;
	WRITE_ONCE(t->npages, t->npages + 1);
	return t->npages - 1;
}

/*
 * The bookkeeping and the six upper tables, on first use. A failure
 * leaves what was built (it is freed with the VM); the next call goes on.
 */
static int prepare(struct denali_vtlb *t)
{
	u32 max = t->size + DENALI_VTLB_BASE_PAGES, i;
	u64 *pml4, *pdpt;
	int ret;

	if (!t->slot) {
		t->page = kcalloc(max, sizeof(*t->page), GFP_KERNEL_ACCOUNT);
		t->count = kcalloc(max, sizeof(*t->count), GFP_KERNEL_ACCOUNT);
		t->free_pt = kcalloc(max, sizeof(*t->free_pt), GFP_KERNEL_ACCOUNT);
		t->free_slot = kcalloc(t->size, sizeof(*t->free_slot), GFP_KERNEL_ACCOUNT);
		t->slot = kcalloc(t->size, sizeof(*t->slot), GFP_KERNEL_ACCOUNT);
		if (!t->page || !t->count || !t->free_pt || !t->free_slot || !t->slot) {
			denali_vtlb_free(t);
			return -ENOMEM;
		}
		/* Popped from the top: slot 0 first, so a fresh TLB fills in order. */
		for (i = 0; i < t->size; i++)
			t->free_slot[i] = t->size - 1 - i;
		t->nfree_slot = t->size;
	}
	while (t->npages < DENALI_VTLB_BASE_PAGES) {
		ret = new_table(t);
		if (ret < 0)
			return ret;
	}
	pml4 = table(t, 0);
	if (pml4[0])
		return 0;
	pdpt = table(t, 1);
	for (i = 0; i < 4; i++)
		pdpt[i] = table_gpa(2 + i) | PTE_TABLE;
	pml4[0] = table_gpa(1) | PTE_TABLE;
	return 0;
}

static bool prepared(const struct denali_vtlb *t)
{
	return t->npages >= DENALI_VTLB_BASE_PAGES;
}

/* Frees every table page and the bookkeeping; CPUs forgot the tables already. */
void denali_vtlb_free(struct denali_vtlb *t)
{
	u32 i;

	for (i = 0; t->page && i < t->npages; i++)
		__free_page(t->page[i]);
	kfree(t->page);
	kfree(t->count);
	kfree(t->free_pt);
	kfree(t->free_slot);
	kfree(t->slot);
	t->page = NULL;
	t->count = NULL;
	t->free_pt = NULL;
	t->free_slot = NULL;
	t->slot = NULL;
	WRITE_ONCE(t->npages, 0);
	t->nfree_pt = 0;
	t->nfree_slot = 0;
	WRITE_ONCE(t->used, 0);
	t->nglobal = 0;
	t->hand = 0;
	WRITE_ONCE(t->on, false);
}
EXPORT_SYMBOL_IF_KUNIT(denali_vtlb_free);

/* The guest's CR3: the level-4 table while the virtual MMU is on. */
u64 denali_vtlb_cr3(const struct denali_vtlb *t)
{
	return t->on ? table_gpa(0) : DENALI_PT_GPA;
}
EXPORT_SYMBOL_IF_KUNIT(denali_vtlb_cr3);

/* Whether @gpa is in the window where table pages are (or may be) mapped. */
bool denali_gpa_is_vtlb(u64 gpa)
{
	return gpa >= DENALI_VTLB_GPA &&
	       gpa - DENALI_VTLB_GPA < (u64)DENALI_VTLB_MAX_PAGES << PAGE_SHIFT;
}

static int refuse(struct denali_vtlb *t, int err)
{
	WRITE_ONCE(t->refused, t->refused + 1);
	return err;
}

/* Removes the entry in @slot; the CPU may still hold it: *@stale. */
static void remove_slot(struct denali_vtlb *t, u32 slot, bool *stale)
{
	u64 va = t->slot[slot] & ~(SLOT_FLAGS | SLOT_USED);
	u64 *pde = pde_of(t, va);
	u32 n = table_nr(*pde);

	WRITE_ONCE(table(t, n)[leaf_index(va)], 0);
	if (!--t->count[n]) {
		/* An empty level-1 table goes back to the pool. */
		WRITE_ONCE(*pde, 0);
		t->free_pt[t->nfree_pt++] = n;
	}
	if (t->slot[slot] & DENALI_TLB_GLOBAL)
		t->nglobal--;
	t->slot[slot] = 0;
	t->free_slot[t->nfree_slot++] = slot;
	WRITE_ONCE(t->used, t->used - 1);
	*stale = true;
}

/*
 * The TLB is full: replace the entry in the slot the hand is at, or the
 * next one that is not global, and move the hand past it. -ENOSPC if
 * every entry is global.
 */
static int evict(struct denali_vtlb *t, bool *stale)
{
	u32 i, s;

	if (t->nglobal >= t->used)
		return -ENOSPC;
	for (i = 0; i < t->size; i++) {
		s = (t->hand + i) % t->size;
		if ((t->slot[s] & SLOT_USED) && !(t->slot[s] & DENALI_TLB_GLOBAL)) {
			remove_slot(t, s, stale);
			t->hand = (s + 1) % t->size;
			WRITE_ONCE(t->evictions, t->evictions + 1);
			return 0;
		}
	}
	return -ENOSPC;
}

/* One more global entry still leaves one entry that can be replaced. */
static bool global_room(const struct denali_vtlb *t)
{
	return t->nglobal + 1 < t->size;
}

static const char *load_invalid(const struct denali_vtlb *t, u64 va, u64 pa,
				u64 flags, int *err)
{
	*err = -EINVAL;
	if (flags & ~DENALI_TLB_FLAGS)
		return "reserved flag bits";
	if ((va | pa) & ~PAGE_MASK)
		return "not page aligned";
	if (va >= DENALI_TLB_VA_LIMIT)
		return "va beyond the limit";
	*err = -EFAULT;
	if (!denali_gpa_range_ok(t->mem_size, pa, PAGE_SIZE))
		return "pa outside guest memory";
	*err = 0;
	return NULL;
}

/**
 * denali_vtlb_load - TLB_LOAD(va, pa, flags)
 * @t: the TLB
 * @va: virtual page, below DENALI_TLB_VA_LIMIT
 * @pa: guest-physical page inside guest memory
 * @flags: DENALI_TLB_*
 * @stale: set when a translation the CPU may hold was changed or removed
 *
 * A va that is loaded already gets the new translation in its slot.
 * Otherwise a free slot takes it, or, when the TLB is full, the entry
 * the hand points at is replaced (evict()). Returns 0 or -EINVAL,
 * -EFAULT, -ENOSPC, -ENOMEM. A refused load installs nothing; only
 * -ENOMEM may come after the replacement that made room (which can be
 * what freed the table the load needed), so one entry may be gone then.
 */
int denali_vtlb_load(struct denali_vtlb *t, u64 va, u64 pa, u64 flags, bool *stale)
{
	u64 *pde, *pte;
	u32 slot;
	int ret;

	if (load_invalid(t, va, pa, flags, &ret))
		return refuse(t, ret);
	ret = prepare(t);
	if (ret)
		return refuse(t, ret);

	pte = pte_of(t, va);
	if (pte && (*pte & DENALI_VTLB_PTE_P)) {
		u64 old_flags;

		slot = FIELD_GET(PTE_SLOT, *pte);
		old_flags = t->slot[slot] & SLOT_FLAGS;
		if ((flags & ~old_flags & DENALI_TLB_GLOBAL) && !global_room(t))
			return refuse(t, -ENOSPC);
		if ((old_flags ^ flags) & DENALI_TLB_GLOBAL)
			t->nglobal += flags & DENALI_TLB_GLOBAL ? 1 : -1;
		if (*pte != make_pte(pa, flags, slot)) {
			WRITE_ONCE(*pte, make_pte(pa, flags, slot));
			*stale = true;
		}
		t->slot[slot] = va | flags | SLOT_USED;
		WRITE_ONCE(t->loads, t->loads + 1);
		return 0;
	}
	if ((flags & DENALI_TLB_GLOBAL) && !global_room(t))
		return refuse(t, -ENOSPC);
	if (!t->nfree_slot) {
		ret = evict(t, stale);
		if (ret)
			return refuse(t, ret);
	}
	/* Evicting may have emptied, and given back, the table @va needs. */
	pde = pde_of(t, va);
	if (!(*pde & DENALI_VTLB_PTE_P)) {
		u32 n;

		if (t->nfree_pt) {
			n = t->free_pt[--t->nfree_pt];
		} else {
			ret = new_table(t);
			if (ret < 0)
				return refuse(t, ret);
			n = ret;
		}
		WRITE_ONCE(*pde, table_gpa(n) | PTE_TABLE);
	}
	slot = t->free_slot[--t->nfree_slot];
	t->count[table_nr(*pde)]++;
	WRITE_ONCE(table(t, table_nr(*pde))[leaf_index(va)], make_pte(pa, flags, slot));
	t->slot[slot] = va | flags | SLOT_USED;
	if (flags & DENALI_TLB_GLOBAL)
		t->nglobal++;
	WRITE_ONCE(t->used, t->used + 1);
	WRITE_ONCE(t->loads, t->loads + 1);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(denali_vtlb_load);

/* TLB_FLUSH(va): 0 whether or not @va was loaded; -EINVAL for a bad va. */
int denali_vtlb_flush(struct denali_vtlb *t, u64 va, bool *stale)
{
	u64 *pte;

	if ((va & ~PAGE_MASK) || va >= DENALI_TLB_VA_LIMIT)
		return refuse(t, -EINVAL);
	if (!prepared(t))
		return 0;
	pte = pte_of(t, va);
	if (pte && (*pte & DENALI_VTLB_PTE_P)) {
		remove_slot(t, FIELD_GET(PTE_SLOT, *pte), stale);
		WRITE_ONCE(t->flushes, t->flushes + 1);
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(denali_vtlb_flush);

/* TLB_FLUSH_ALL(flags): every entry but the global ones, or all of them. */
int denali_vtlb_flush_all(struct denali_vtlb *t, u64 flags, bool *stale)
{
	u32 s;

	if (flags & ~(u64)DENALI_TLB_FLUSH_GLOBAL)
		return refuse(t, -EINVAL);
	for (s = 0; t->slot && s < t->size && t->used; s++) {
		if (!(t->slot[s] & SLOT_USED))
			continue;
		if ((t->slot[s] & DENALI_TLB_GLOBAL) && !(flags & DENALI_TLB_FLUSH_GLOBAL))
			continue;
		remove_slot(t, s, stale);
		WRITE_ONCE(t->flushes, t->flushes + 1);
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(denali_vtlb_flush_all);

/*
 * VMMU(mode): switch the guest between the shared identity map and the
 * TLB's tables. A switch makes every translation the CPU holds stale.
 */
int denali_vtlb_mode(struct denali_vtlb *t, u64 mode, bool *stale)
{
	bool on = mode == DENALI_VMMU_ON;
	int ret;

	if (mode != DENALI_VMMU_ON && mode != DENALI_VMMU_OFF)
		return refuse(t, -EINVAL);
	if (on) {
		ret = prepare(t);
		if (ret)
			return refuse(t, ret);
	}
	if (t->on != on) {
		WRITE_ONCE(t->on, on);
		*stale = true;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(denali_vtlb_mode);

/*
 * The leaf entry for @va as the CPU would find it (0: a miss), for the
 * tests and the record.
 */
u64 denali_vtlb_lookup(struct denali_vtlb *t, u64 va)
{
	u64 *pte;

	if (!prepared(t) || va >= DENALI_TLB_VA_LIMIT)
		return 0;
	pte = pte_of(t, va & PAGE_MASK);
	return pte ? *pte : 0;
}
EXPORT_SYMBOL_IF_KUNIT(denali_vtlb_lookup);
