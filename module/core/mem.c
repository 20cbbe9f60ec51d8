// SPDX-License-Identifier: GPL-2.0
/* Guest-physical memory: demand-allocated pages, accounting, checked access. */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/uio.h>
#include <linux/highmem.h>
#include <kunit/visibility.h>

#include "core/mem.h"

/* Guest pages allocated over all VMs; what `denalictl stats` reports. */
static atomic_long_t resident_total = ATOMIC_LONG_INIT(0);

/**
 * denali_gpa_range_ok - the one check every guest address goes through
 * @size: guest memory size in bytes
 * @gpa: first guest-physical address of the access
 * @len: length of the access in bytes
 *
 * True when [@gpa, @gpa + @len) lies inside guest memory. Written so that
 * no sum can wrap: a huge @len or a @gpa near 2^64 is simply outside.
 */
bool denali_gpa_range_ok(u64 size, denali_gpa_t gpa, u64 len)
{
	return len <= size && gpa <= size - len;
}
EXPORT_SYMBOL_IF_KUNIT(denali_gpa_range_ok);

void denali_mem_init(struct denali_mem *mem, u64 size)
{
	xa_init(&mem->pages);
	mem->size = size;
	atomic_long_set(&mem->resident, 0);
}
EXPORT_SYMBOL_IF_KUNIT(denali_mem_init);

/* Frees every page the guest touched and returns them to the accounting. */
void denali_mem_free(struct denali_mem *mem)
{
	struct page *page;
	unsigned long gfn;
	long freed = 0;

	xa_for_each(&mem->pages, gfn, page) {
		__free_page(page);
		freed++;
	}
	xa_destroy(&mem->pages);
	WARN_ON_ONCE(freed != atomic_long_read(&mem->resident));
	atomic_long_sub(freed, &mem->resident);
	atomic_long_sub(freed, &resident_total);
}
EXPORT_SYMBOL_IF_KUNIT(denali_mem_free);

/**
 * denali_mem_page - the host page behind a guest frame
 * @mem: guest memory
 * @gfn: guest frame number, already checked to be inside @mem
 * @alloc: allocate a zeroed page if the frame was never touched
 *
 * Returns the page, NULL if untouched and !@alloc, or ERR_PTR(-ENOMEM).
 * Concurrent callers for the same frame agree on one page.
 */
struct page *denali_mem_page(struct denali_mem *mem, u64 gfn, bool alloc)
{
	struct page *page, *old;

	if (WARN_ON_ONCE(gfn >= mem->size >> PAGE_SHIFT))
		return ERR_PTR(-EFAULT);

	page = xa_load(&mem->pages, gfn);
	if (page || !alloc)
		return page;

	page = alloc_page(DENALI_GFP_GUEST | __GFP_ZERO);
	if (!page)
		return ERR_PTR(-ENOMEM);

	old = xa_cmpxchg(&mem->pages, gfn, NULL, page, DENALI_GFP_GUEST);
	if (old) {
		__free_page(page);
		return xa_is_err(old) ? ERR_PTR(xa_err(old)) : old;
	}
	atomic_long_inc(&mem->resident);
	atomic_long_inc(&resident_total);
	return page;
}
EXPORT_SYMBOL_IF_KUNIT(denali_mem_page);

/**
 * denali_mem_rw_iter - copy between guest memory and an iov_iter
 * @mem: guest memory
 * @gpa: first guest-physical address
 * @iter: source (@write) or destination buffer; its count is the length
 * @write: copy into guest memory, allocating pages; else read, where
 *	untouched pages read as zeroes and stay unallocated
 *
 * The whole range must lie inside guest memory, else -EINVAL and nothing
 * is copied. Returns the bytes copied, or -EFAULT if none could be.
 */
ssize_t denali_mem_rw_iter(struct denali_mem *mem, denali_gpa_t gpa,
			   struct iov_iter *iter, bool write)
{
	size_t len = iov_iter_count(iter), done = 0;

	if (!denali_gpa_range_ok(mem->size, gpa, len))
		return -EINVAL;

	while (done < len) {
		u64 cur = gpa + done;
		size_t off = offset_in_page(cur);
		size_t chunk = min_t(size_t, PAGE_SIZE - off, len - done);
		struct page *page = denali_mem_page(mem, cur >> PAGE_SHIFT, write);
		size_t copied;

		if (IS_ERR(page))
			return done ? done : PTR_ERR(page);
		if (write)
			copied = copy_page_from_iter(page, off, chunk, iter);
		else if (page)
			copied = copy_page_to_iter(page, off, chunk, iter);
		else
			copied = iov_iter_zero(chunk, iter);
		done += copied;
		if (copied != chunk)
			return done ? done : -EFAULT;
		cond_resched();
	}
	return done;
}
EXPORT_SYMBOL_IF_KUNIT(denali_mem_rw_iter);

long denali_mem_resident_total(void)
{
	return atomic_long_read(&resident_total);
}
EXPORT_SYMBOL_IF_KUNIT(denali_mem_resident_total);
