/* SPDX-License-Identifier: GPL-2.0 */
/* Nested page tables (EPT and AMD NPT): one builder, two entry formats. */
#ifndef _DENALI_NPT_H
#define _DENALI_NPT_H

#include <linux/types.h>

struct page;

/**
 * struct denali_npt_fmt - how a backend's nested page-table entries look
 * @name: "ept" or "npt", for messages
 * @table: bits of an entry that points to a lower-level table
 * @leaf_rw: bits of a 4 KiB leaf the guest may read, write and execute
 * @leaf_ro: bits of a 4 KiB leaf the guest may read (and walk) only
 * @present: an entry is present when any of these bits is set
 *
 * Both formats are four levels of 512 eight-byte entries with the address
 * in bits 12-51, which is what lets one builder serve both.
 */
struct denali_npt_fmt {
	const char *name;
	u64 table;
	u64 leaf_rw;
	u64 leaf_ro;
	u64 present;
};

/* Address bits of an entry, and the software bit marking a shared subtree. */
#define DENALI_NPT_ADDR_MASK	GENMASK_ULL(51, 12)
#define DENALI_NPT_SHARED	BIT_ULL(11)

/* The two formats (vmx/vmx.c, svm/svm.c). */
extern const struct denali_npt_fmt denali_ept_fmt;

struct denali_npt {
	const struct denali_npt_fmt *fmt;
	struct page *root;		/* the level-4 table */
	unsigned long pages;		/* table pages this tree owns */
};

int denali_npt_init(struct denali_npt *npt, const struct denali_npt_fmt *fmt);
void denali_npt_free(struct denali_npt *npt);
int denali_npt_map(struct denali_npt *npt, u64 gpa, phys_addr_t hpa, bool writable);
int denali_npt_link(struct denali_npt *npt, u64 gpa, phys_addr_t table);
u64 denali_npt_lookup(struct denali_npt *npt, u64 gpa);
phys_addr_t denali_npt_root(const struct denali_npt *npt);

#endif /* _DENALI_NPT_H */
