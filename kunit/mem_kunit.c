// SPDX-License-Identifier: GPL-2.0
/* KUnit: guest-address checks, demand allocation and memory accounting. */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/uio.h>
#include <linux/highmem.h>

#include "core/mem.h"

struct range_case {
	const char *what;
	u64 size, gpa, len;
	bool ok;
};

static const struct range_case range_cases[] = {
	{ "inside", 1 << 20, 4096, 4096, true },
	{ "ends exactly at the end", 1 << 20, (1 << 20) - 8, 8, true },
	{ "one byte past the end", 1 << 20, (1 << 20) - 8, 9, false },
	{ "whole memory", 1 << 20, 0, 1 << 20, true },
	{ "longer than memory", 1 << 20, 0, (1 << 20) + 1, false },
	{ "empty at the end", 1 << 20, 1 << 20, 0, true },
	{ "empty past the end", 1 << 20, (1 << 20) + 1, 0, false },
	{ "gpa + len wraps to a small value", 1 << 20, U64_MAX - 4095, 8192, false },
	{ "len wraps by itself", 1 << 20, 16, U64_MAX, false },
	{ "gpa near 2^64", 1 << 20, U64_MAX, 1, false },
	{ "zero-sized memory", 0, 0, 1, false },
};

static void range_case_desc(const struct range_case *c, char *desc)
{
	strscpy(desc, c->what, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(range, range_cases, range_case_desc);

/* Every guest range is inside memory exactly when it should be, with no wrap. */
static void gpa_range_test(struct kunit *test)
{
	const struct range_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, denali_gpa_range_ok(c->size, c->gpa, c->len), c->ok);
}

/* Pages appear only on first touch, zeroed, once, and are counted. */
static void demand_alloc_test(struct kunit *test)
{
	long base = denali_mem_resident_total();
	struct denali_mem mem;
	struct page *p1, *p2;
	u8 *va;

	denali_mem_init(&mem, 16 * PAGE_SIZE);
	KUNIT_EXPECT_NULL(test, denali_mem_page(&mem, 3, false));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&mem.resident), 0);

	p1 = denali_mem_page(&mem, 3, true);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p1);
	va = kmap_local_page(p1);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(va, 0, PAGE_SIZE));
	kunmap_local(va);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&mem.resident), 1);
	KUNIT_EXPECT_EQ(test, denali_mem_resident_total(), base + 1);

	p2 = denali_mem_page(&mem, 3, true);
	KUNIT_EXPECT_PTR_EQ(test, p1, p2);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&mem.resident), 1);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, denali_mem_page(&mem, 15, true));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&mem.resident), 2);

	denali_mem_free(&mem);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&mem.resident), 0);
	KUNIT_EXPECT_EQ(test, denali_mem_resident_total(), base);
}

static ssize_t mem_write(struct denali_mem *mem, u64 gpa, void *buf, size_t len)
{
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter iter;

	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, len);
	return denali_mem_rw_iter(mem, gpa, &iter, true);
}

static ssize_t mem_read(struct denali_mem *mem, u64 gpa, void *buf, size_t len)
{
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter iter;

	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, len);
	return denali_mem_rw_iter(mem, gpa, &iter, false);
}

/* A write across a page boundary lands in two pages and reads back intact. */
static void rw_cross_page_test(struct kunit *test)
{
	struct denali_mem mem;
	u8 in[64], out[64];
	int i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = i + 1;
	denali_mem_init(&mem, 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, mem_write(&mem, PAGE_SIZE - 32, in, sizeof(in)),
			(ssize_t)sizeof(in));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&mem.resident), 2);
	KUNIT_EXPECT_EQ(test, mem_read(&mem, PAGE_SIZE - 32, out, sizeof(out)),
			(ssize_t)sizeof(out));
	KUNIT_EXPECT_MEMEQ(test, in, out, sizeof(in));
	denali_mem_free(&mem);
}

/* Reading untouched memory gives zeroes and allocates nothing. */
static void read_untouched_test(struct kunit *test)
{
	struct denali_mem mem;
	u8 out[128];

	memset(out, 0xaa, sizeof(out));
	denali_mem_init(&mem, 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, mem_read(&mem, 100, out, sizeof(out)),
			(ssize_t)sizeof(out));
	KUNIT_EXPECT_TRUE(test, !memchr_inv(out, 0, sizeof(out)));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&mem.resident), 0);
	denali_mem_free(&mem);
}

/* An access that does not fit is refused whole: nothing copied, nothing allocated. */
static void rw_out_of_range_test(struct kunit *test)
{
	struct denali_mem mem;
	u8 buf[16] = { 1 };

	denali_mem_init(&mem, 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, mem_write(&mem, 4 * PAGE_SIZE - 8, buf, sizeof(buf)),
			(ssize_t)-EINVAL);
	KUNIT_EXPECT_EQ(test, mem_write(&mem, U64_MAX - 7, buf, sizeof(buf)),
			(ssize_t)-EINVAL);
	KUNIT_EXPECT_EQ(test, mem_read(&mem, 4 * PAGE_SIZE, buf, 1), (ssize_t)-EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&mem.resident), 0);
	denali_mem_free(&mem);
}

static struct kunit_case denali_mem_cases[] = {
	KUNIT_CASE_PARAM(gpa_range_test, range_gen_params),
	KUNIT_CASE(demand_alloc_test),
	KUNIT_CASE(rw_cross_page_test),
	KUNIT_CASE(read_untouched_test),
	KUNIT_CASE(rw_out_of_range_test),
	{}
};

static struct kunit_suite denali_mem_suite = {
	.name = "denali_mem",
	.test_cases = denali_mem_cases,
};

kunit_test_suite(denali_mem_suite);
