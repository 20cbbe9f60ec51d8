/* SPDX-License-Identifier: GPL-2.0 */
/* Guest-physical memory: demand-allocated pages, accounting, checked access. */
#ifndef _DENALI_MEM_H
#define _DENALI_MEM_H

#include <linux/types.h>
#include <linux/xarray.h>
#include <linux/atomic.h>
#include <linux/gfp.h>

struct iov_iter;

/*
 * How a VM's own memory is allocated (guest pages, nested and TLB
 * tables): charged to a memory cgroup (the creator's, see struct
 * denali_vm), and failing rather than calling the OOM killer: a guest
 * that touches more than its creator may have dies (no_memory), and
 * nobody else does.
 */
#define DENALI_GFP_GUEST	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL)

/*
 * A guest-physical address. Host code never dereferences one: it goes
 * through denali_gpa_range_ok() and the page lookup below.
 */
typedef u64 denali_gpa_t;

struct denali_mem {
	struct xarray pages;		/* gfn -> struct page *, allocated on first touch */
	u64 size;			/* bytes, a multiple of PAGE_SIZE */
	atomic_long_t resident;		/* pages in @pages */
};

bool denali_gpa_range_ok(u64 size, denali_gpa_t gpa, u64 len);

void denali_mem_init(struct denali_mem *mem, u64 size);
void denali_mem_free(struct denali_mem *mem);
struct page *denali_mem_page(struct denali_mem *mem, u64 gfn, bool alloc);
ssize_t denali_mem_rw_iter(struct denali_mem *mem, denali_gpa_t gpa,
			   struct iov_iter *iter, bool write);
long denali_mem_resident_total(void);

#endif /* _DENALI_MEM_H */
