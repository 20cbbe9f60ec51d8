/* SPDX-License-Identifier: GPL-2.0 */
/* The virtual MMU: a software-loaded TLB, realised as per-VM page tables. */
#ifndef _DENALI_VTLB_H
#define _DENALI_VTLB_H

#include <linux/types.h>
#include <linux/denali.h>
#include <linux/denali_guest.h>

struct page;
struct denali_npt;

/*
 * Table pages, numbered by their place in the guest-physical window at
 * DENALI_VTLB_GPA: 0 is the level-4 table (the guest's CR3 while the
 * virtual MMU is on), 1 the level-3 table, 2-5 one level-2 table per GiB
 * of the 4 GiB of virtual space, then level-1 tables as entries need them.
 */
#define DENALI_VTLB_BASE_PAGES	6
#define DENALI_VTLB_MAX_PAGES	(DENALI_VTLB_BASE_PAGES + DENALI_TLB_SIZE_MAX)

/**
 * struct denali_vtlb - one VM's software-loaded TLB
 * @size: entries it holds at most (DENALI_A_VM_TLB_SIZE)
 * @used: entries loaded now
 * @nglobal: of those, global ones (never replaced)
 * @hand: the slot replacement looks at first
 * @on: the guest's CR3 points at the tables
 * @npt: the VM's nested tables, where table pages are mapped for the walker
 * @tables_writable: map them writable there (the backend's wish)
 * @mem_size: the VM's memory: every loaded page lies inside it
 * @slot: per slot, the entry's va | flags | SLOT_USED; 0 for a free slot
 * @free_slot: stack of free slot numbers, @nfree_slot deep
 * @page: table pages by number, @npages of them allocated
 * @count: present entries in each table page (level-1 tables only)
 * @free_pt: stack of empty level-1 table pages, @nfree_pt deep
 * @loads: loads that installed or replaced an entry
 * @flushes: entries removed by TLB_FLUSH and TLB_FLUSH_ALL
 * @evictions: entries replaced because the TLB was full
 * @refused: calls refused with an error
 *
 * Only the VM's worker changes it (in hypercalls), and teardown once the
 * worker let go; the control plane reads the counters with READ_ONCE.
 * The tables are allocated when first needed and kept until teardown: a
 * level-1 table that empties goes back to @free_pt, not to the host,
 * so its guest-physical address never changes and the nested tables
 * never lose a mapping while the VM lives. At most @size level-1 tables
 * hold entries at once, so a VM never has more than @size + 6 pages.
 */
struct denali_vtlb {
	u32 size;
	u32 used;
	u32 nglobal;
	u32 hand;
	bool on;
	struct denali_npt *npt;
	bool tables_writable;
	u64 mem_size;
	u64 *slot;
	u32 *free_slot;
	u32 nfree_slot;
	struct page **page;
	u16 *count;
	u32 npages;
	u32 *free_pt;
	u32 nfree_pt;
	u64 loads;
	u64 flushes;
	u64 evictions;
	u64 refused;
};

void denali_vtlb_init(struct denali_vtlb *t, u32 size);
void denali_vtlb_setup(struct denali_vtlb *t, struct denali_npt *npt,
		       bool tables_writable, u64 mem_size);
void denali_vtlb_free(struct denali_vtlb *t);

int denali_vtlb_mode(struct denali_vtlb *t, u64 mode, bool *stale);
int denali_vtlb_load(struct denali_vtlb *t, u64 va, u64 pa, u64 flags, bool *stale);
int denali_vtlb_flush(struct denali_vtlb *t, u64 va, bool *stale);
int denali_vtlb_flush_all(struct denali_vtlb *t, u64 flags, bool *stale);

u64 denali_vtlb_lookup(struct denali_vtlb *t, u64 va);
u64 denali_vtlb_cr3(const struct denali_vtlb *t);
bool denali_gpa_is_vtlb(u64 gpa);

/* A used slot: the entry's va | DENALI_TLB_* flags | this bit. */
#define DENALI_VTLB_SLOT_USED	BIT_ULL(4)

/* Bits of a leaf entry (the x86-64 4 KiB PTE format), for KUnit. */
#define DENALI_VTLB_PTE_P	BIT_ULL(0)
#define DENALI_VTLB_PTE_W	BIT_ULL(1)
#define DENALI_VTLB_PTE_US	BIT_ULL(2)
#define DENALI_VTLB_PTE_A	BIT_ULL(5)
#define DENALI_VTLB_PTE_D	BIT_ULL(6)
#define DENALI_VTLB_PTE_NX	BIT_ULL(63)
#define DENALI_VTLB_PTE_ADDR	GENMASK_ULL(51, 12)

#endif /* _DENALI_VTLB_H */
