// SPDX-License-Identifier: GPL-2.0
/* KUnit: the console rings: order, wrap-around, overflow dropping the oldest, bounded input. */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/denali.h>

#include "core/console.h"

/* Output comes back in order; nothing is allocated before the first write. */
static void order_test(struct kunit *test)
{
	struct denali_console con;
	char out[16];

	denali_console_init(&con);
	KUNIT_EXPECT_NULL(test, con.buf);
	KUNIT_EXPECT_EQ(test, denali_console_read(&con, out, sizeof(out)), 0UL);
	KUNIT_ASSERT_EQ(test, denali_console_write(&con, "hello ", 6), 0);
	KUNIT_ASSERT_EQ(test, denali_console_write(&con, "world", 5), 0);
	KUNIT_EXPECT_EQ(test, denali_console_read(&con, out, 4), 4UL);
	KUNIT_EXPECT_MEMEQ(test, out, "hell", 4);
	KUNIT_EXPECT_EQ(test, denali_console_read(&con, out, sizeof(out)), 7UL);
	KUNIT_EXPECT_MEMEQ(test, out, "o world", 7);
	KUNIT_EXPECT_EQ(test, con.dropped, 0ULL);
	denali_console_free(&con);
}

/* Writing past the ring's size keeps the newest bytes and counts the lost ones. */
static void overflow_test(struct kunit *test)
{
	size_t n = DENALI_CONSOLE_RING + 100, i;
	struct denali_console con;
	u8 *in, *out;

	in = kunit_kmalloc(test, n, GFP_KERNEL);
	out = kunit_kmalloc(test, n, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_NOT_NULL(test, out);
	for (i = 0; i < n; i++)
		in[i] = i * 13;
	denali_console_init(&con);
	/* In two pieces, so the ring wraps in the middle of one. */
	KUNIT_ASSERT_EQ(test, denali_console_write(&con, in, 1000), 0);
	KUNIT_ASSERT_EQ(test, denali_console_write(&con, in + 1000, n - 1000), 0);
	KUNIT_EXPECT_EQ(test, con.dropped, 100ULL);
	KUNIT_EXPECT_EQ(test, denali_console_read(&con, out, n), (size_t)DENALI_CONSOLE_RING);
	KUNIT_EXPECT_MEMEQ(test, out, in + 100, DENALI_CONSOLE_RING);
	/* One write larger than the ring on its own. */
	KUNIT_ASSERT_EQ(test, denali_console_write(&con, in, n), 0);
	KUNIT_EXPECT_EQ(test, con.dropped, 200ULL);
	KUNIT_EXPECT_EQ(test, denali_console_read(&con, out, n), (size_t)DENALI_CONSOLE_RING);
	KUNIT_EXPECT_MEMEQ(test, out, in + 100, DENALI_CONSOLE_RING);
	denali_console_free(&con);
}

/* Keyboard input is bounded: a full queue takes nothing more until the guest reads. */
static void input_test(struct kunit *test)
{
	struct denali_console con;
	char *in, *out;
	size_t n = DENALI_CONSOLE_IN_RING + 100, i;

	in = kunit_kmalloc(test, n, GFP_KERNEL);
	out = kunit_kmalloc(test, n, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_NOT_NULL(test, out);
	for (i = 0; i < n; i++)
		in[i] = 'a' + i % 23;

	denali_console_init(&con);
	KUNIT_EXPECT_NULL(test, con.in_buf);
	KUNIT_EXPECT_EQ(test, denali_console_input_take(&con, out, 10), 0UL);
	KUNIT_EXPECT_EQ(test, denali_console_input(&con, in, 10), 10L);
	KUNIT_EXPECT_EQ(test, denali_console_input_take(&con, out, 4), 4UL);
	KUNIT_EXPECT_MEMEQ(test, out, in, 4);
	/* Fill it up: only what fits is taken, and reported. */
	KUNIT_EXPECT_EQ(test, denali_console_input(&con, in + 10, n - 10),
			(ssize_t)DENALI_CONSOLE_IN_RING - 6);
	KUNIT_EXPECT_EQ(test, denali_console_input(&con, in, 1), 0L);
	/* Everything comes out in order, across the wrap-around. */
	KUNIT_EXPECT_EQ(test, denali_console_input_take(&con, out, n),
			(size_t)DENALI_CONSOLE_IN_RING);
	KUNIT_EXPECT_MEMEQ(test, out, in + 4, DENALI_CONSOLE_IN_RING);
	KUNIT_EXPECT_EQ(test, denali_console_input(&con, in, 5), 5L);
	KUNIT_EXPECT_EQ(test, denali_console_input_take(&con, out, n), 5UL);
	KUNIT_EXPECT_MEMEQ(test, out, in, 5);
	/* Output and input do not mix. */
	KUNIT_EXPECT_EQ(test, denali_console_read(&con, out, n), 0UL);
	denali_console_free(&con);
}

static struct kunit_case denali_console_cases[] = {
	KUNIT_CASE(order_test),
	KUNIT_CASE(overflow_test),
	KUNIT_CASE(input_test),
	{}
};

static struct kunit_suite denali_console_suite = {
	.name = "denali_console",
	.test_cases = denali_console_cases,
};

kunit_test_suite(denali_console_suite);
