// SPDX-License-Identifier: GPL-2.0
/* Nested page tables (EPT and AMD NPT): one builder, two entry formats. */
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <kunit/visibility.h>

#include "core/mem.h"
#include "core/npt.h"

#define LEVELS		4
#define ENTRIES		512

/* Index of @gpa's entry in a table of @level (4: bits 39-47 ... 1: bits 12-20). */
static unsigned int npt_index(u64 gpa, int level)
{
	return (gpa >> (12 + 9 * (level - 1))) & (ENTRIES - 1);
}

static u64 *table_of(u64 entry)
{
	return phys_to_virt(entry & DENALI_NPT_ADDR_MASK);
}

int denali_npt_init(struct denali_npt *npt, const struct denali_npt_fmt *fmt)
{
	npt->fmt = fmt;
	npt->root = alloc_page(DENALI_GFP_GUEST | __GFP_ZERO);
	if (!npt->root)
		return -ENOMEM;
	npt->pages = 1;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(denali_npt_init);

phys_addr_t denali_npt_root(const struct denali_npt *npt)
{
	return page_to_phys(npt->root);
}
EXPORT_SYMBOL_IF_KUNIT(denali_npt_root);

/*
 * Walks down to the table of @level that covers @gpa, allocating missing
 * intermediate tables when @alloc. Returns NULL if absent (or no memory),
 * or an ERR_PTR(-EEXIST) if the walk runs into a shared subtree, which a
 * VM's own mappings must never modify.
 */
static u64 *walk(struct denali_npt *npt, u64 gpa, int level, bool alloc)
{
	u64 *table = page_address(npt->root);
	int l;

	for (l = LEVELS; l > level; l--) {
		u64 *e = &table[npt_index(gpa, l)];

		if (!(*e & npt->fmt->present)) {
			struct page *p;

			if (!alloc)
				return NULL;
			p = alloc_page(DENALI_GFP_GUEST | __GFP_ZERO);
			if (!p)
				return NULL;
			npt->pages++;
			WRITE_ONCE(*e, page_to_phys(p) | npt->fmt->table);
		} else if (*e & DENALI_NPT_SHARED) {
			return ERR_PTR(-EEXIST);
		}
		table = table_of(*e);
	}
	return table;
}

/**
 * denali_npt_map - map one 4 KiB guest frame
 * @npt: the tree
 * @gpa: guest-physical address (page aligned)
 * @hpa: host-physical address of the backing page
 * @writable: read-write-execute, else read-only
 *
 * Mapping an already mapped frame to the same page again is fine; to
 * another page it is -EEXIST (a guest frame never changes its page while
 * the VM lives). New mappings need no TLB flush: processors do not cache
 * not-present entries.
 */
int denali_npt_map(struct denali_npt *npt, u64 gpa, phys_addr_t hpa, bool writable)
{
	u64 want = (hpa & DENALI_NPT_ADDR_MASK) |
		   (writable ? npt->fmt->leaf_rw : npt->fmt->leaf_ro);
	u64 *pt, *e;

	if (WARN_ON_ONCE((gpa | hpa) & ~PAGE_MASK))
		return -EINVAL;
	pt = walk(npt, gpa, 1, true);
	if (IS_ERR(pt))
		return PTR_ERR(pt);
	if (!pt)
		return -ENOMEM;
	e = &pt[npt_index(gpa, 1)];
	if (*e & npt->fmt->present)
		return *e == want ? 0 : -EEXIST;
	WRITE_ONCE(*e, want);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(denali_npt_map);

/**
 * denali_npt_link - hang a shared level-2 table (1 GiB of guest space) in
 * @npt: the tree
 * @gpa: 1 GiB-aligned guest-physical address the shared table covers
 * @table: host-physical address of the shared level-2 table
 *
 * The subtree is marked shared: denali_npt_free() leaves it alone and
 * denali_npt_map() refuses to change anything beneath it.
 */
int denali_npt_link(struct denali_npt *npt, u64 gpa, phys_addr_t table)
{
	u64 *pdpt, *e;

	if (WARN_ON_ONCE(gpa & (SZ_1G - 1)))
		return -EINVAL;
	pdpt = walk(npt, gpa, 3, true);
	if (IS_ERR(pdpt))
		return PTR_ERR(pdpt);
	if (!pdpt)
		return -ENOMEM;
	e = &pdpt[npt_index(gpa, 3)];
	if (*e & npt->fmt->present)
		return -EEXIST;
	WRITE_ONCE(*e, table | npt->fmt->table | DENALI_NPT_SHARED);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(denali_npt_link);

/* The leaf entry for @gpa, or 0. Shared subtrees are followed. */
u64 denali_npt_lookup(struct denali_npt *npt, u64 gpa)
{
	u64 *table = page_address(npt->root);
	int l;

	for (l = LEVELS; l > 1; l--) {
		u64 e = table[npt_index(gpa, l)];

		if (!(e & npt->fmt->present))
			return 0;
		table = table_of(e);
	}
	return table[npt_index(gpa, 1)];
}
EXPORT_SYMBOL_IF_KUNIT(denali_npt_lookup);

static void free_table(struct denali_npt *npt, u64 *table, int level)
{
	int i;

	for (i = 0; level > 1 && i < ENTRIES; i++) {
		u64 e = table[i];

		if ((e & npt->fmt->present) && !(e & DENALI_NPT_SHARED))
			free_table(npt, table_of(e), level - 1);
	}
	free_page((unsigned long)table);
	npt->pages--;
}

/*
 * Frees every table the tree owns (never the guest pages its leaves point
 * to, nor shared subtrees). The caller has made sure no CPU can still use
 * translations from it (INVEPT / ASID flush) before the pages are reused.
 */
void denali_npt_free(struct denali_npt *npt)
{
	if (!npt->root)
		return;
	free_table(npt, page_address(npt->root), LEVELS);
	npt->root = NULL;
	WARN_ON_ONCE(npt->pages);
}
EXPORT_SYMBOL_IF_KUNIT(denali_npt_free);
