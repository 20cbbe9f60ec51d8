// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the virtual NIC's hardware-free logic: which frames a guest may
 * send, and the bounded queue of frames for the guest (order, drops, when
 * the Linux device's queue stops and wakes, a too small buffer).
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/skbuff.h>
#include <linux/if.h>
#include <linux/denali.h>
#include <linux/denali_guest.h>

#include "core/nic.h"

struct frame_case {
	u64 len;
	u32 mtu;
	int ret;
};

static const struct frame_case frame_cases[] = {
	{ 0, 1500, -DENALI_EINVAL },
	{ 13, 1500, -DENALI_EINVAL },
	{ 14, 1500, 0 },			/* a bare header */
	{ 60, 1500, 0 },
	{ 1514, 1500, 0 },			/* header + MTU */
	{ 1515, 1500, -DENALI_EINVAL },
	{ 82, 68, 0 },				/* the smallest MTU */
	{ 83, 68, -DENALI_EINVAL },
	{ 65536, 1500, -DENALI_EINVAL },
	{ 0x100000000ULL + 14, 1500, -DENALI_EINVAL },	/* would wrap a u32 */
	{ U64_MAX, 1500, -DENALI_EINVAL },
};

static void frame_case_desc(const struct frame_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "len %llu mtu %u", c->len, c->mtu);
}

KUNIT_ARRAY_PARAM(frame, frame_cases, frame_case_desc);

/* A guest frame is accepted exactly when it is 14 to 14 + MTU bytes long. */
static void frame_check_test(struct kunit *test)
{
	const struct frame_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, denali_nic_frame_check(c->len, c->mtu), c->ret);
}

/* A frame of @len bytes whose first byte is @tag. */
static struct sk_buff *frame(struct kunit *test, unsigned int len, u8 tag)
{
	struct sk_buff *skb = alloc_skb(len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	memset(skb_put(skb, len), 0, len);
	skb->data[0] = tag;
	return skb;
}

/* Frames come out oldest first; only the first into an empty queue asks for an interrupt. */
static void rxq_order_test(struct kunit *test)
{
	struct denali_nic_rxq rxq;
	struct sk_buff *skb;
	bool wake;
	int i;

	denali_nic_rxq_init(&rxq, 8);
	KUNIT_EXPECT_EQ(test, denali_nic_rxq_take(&rxq, 1514, &skb, &wake), 0);
	KUNIT_EXPECT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, denali_nic_rxq_push(&rxq, frame(test, 60, 0)), DN_RXQ_FIRST);
	for (i = 1; i < 5; i++)
		KUNIT_EXPECT_EQ(test, denali_nic_rxq_push(&rxq, frame(test, 60 + i, i)), 0U);
	for (i = 0; i < 5; i++) {
		KUNIT_ASSERT_EQ(test, denali_nic_rxq_take(&rxq, 1514, &skb, &wake), 1);
		KUNIT_EXPECT_EQ(test, skb->data[0], (u8)i);
		KUNIT_EXPECT_EQ(test, skb->len, 60U + i);
		KUNIT_EXPECT_FALSE(test, wake);
		kfree_skb(skb);
	}
	KUNIT_EXPECT_EQ(test, denali_nic_rxq_take(&rxq, 1514, &skb, &wake), 0);
	KUNIT_EXPECT_EQ(test, rxq.taken, 5ULL);
	KUNIT_EXPECT_EQ(test, rxq.taken_bytes, 5 * 60ULL + 10);
	/* Empty again: the next frame asks for an interrupt again. */
	KUNIT_EXPECT_EQ(test, denali_nic_rxq_push(&rxq, frame(test, 60, 9)), DN_RXQ_FIRST);
	KUNIT_EXPECT_FALSE(test, denali_nic_rxq_purge(&rxq));
	KUNIT_EXPECT_EQ(test, rxq.dropped, 1ULL);
}

/*
 * The queue holds at most its limit: the frame that fills it stops the
 * device's queue, more are dropped and counted, and the guest taking
 * frames wakes it once, at the threshold (half the limit).
 */
static void rxq_bound_test(struct kunit *test)
{
	unsigned int limit = DENALI_NIC_RX_QUEUE, i, res, wakes = 0;
	struct denali_nic_rxq rxq;
	struct sk_buff *skb;
	bool wake;

	denali_nic_rxq_init(&rxq, limit);
	for (i = 0; i < limit; i++) {
		res = denali_nic_rxq_push(&rxq, frame(test, 64, i));
		KUNIT_EXPECT_EQ(test, res, i == 0 ? DN_RXQ_FIRST :
				i == limit - 1 ? DN_RXQ_STOP : 0U);
	}
	KUNIT_EXPECT_TRUE(test, rxq.stopped);
	KUNIT_EXPECT_EQ(test, denali_nic_rxq_push(&rxq, frame(test, 64, 0)), DN_RXQ_DROPPED);
	KUNIT_EXPECT_EQ(test, denali_nic_rxq_push(&rxq, frame(test, 64, 0)), DN_RXQ_DROPPED);
	KUNIT_EXPECT_EQ(test, rxq.dropped, 2ULL);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&rxq.q), limit);

	for (i = 0; i < limit; i++) {
		KUNIT_ASSERT_EQ(test, denali_nic_rxq_take(&rxq, 64, &skb, &wake), 1);
		KUNIT_EXPECT_EQ(test, skb->data[0], (u8)i);
		if (wake) {
			wakes++;
			/* Woken exactly when it is down to the threshold. */
			KUNIT_EXPECT_EQ(test, skb_queue_len(&rxq.q), limit / 2);
		}
		kfree_skb(skb);
	}
	KUNIT_EXPECT_EQ(test, wakes, 1U);
	KUNIT_EXPECT_FALSE(test, rxq.stopped);
	KUNIT_EXPECT_EQ(test, rxq.taken, (u64)limit);
	KUNIT_EXPECT_EQ(test, rxq.dropped, 2ULL);
}

/* A buffer smaller than the oldest frame gets -EMSGSIZE; the frame stays, first. */
static void rxq_msgsize_test(struct kunit *test)
{
	struct denali_nic_rxq rxq;
	struct sk_buff *skb;
	bool wake;

	denali_nic_rxq_init(&rxq, 4);
	denali_nic_rxq_push(&rxq, frame(test, 1514, 1));
	denali_nic_rxq_push(&rxq, frame(test, 60, 2));
	KUNIT_EXPECT_EQ(test, denali_nic_rxq_take(&rxq, 1513, &skb, &wake), -EMSGSIZE);
	KUNIT_EXPECT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&rxq.q), 2U);
	KUNIT_EXPECT_EQ(test, rxq.taken, 0ULL);
	KUNIT_EXPECT_EQ(test, rxq.dropped, 0ULL);
	KUNIT_EXPECT_EQ(test, denali_nic_rxq_take(&rxq, 0, &skb, &wake), -EMSGSIZE);
	KUNIT_ASSERT_EQ(test, denali_nic_rxq_take(&rxq, 1514, &skb, &wake), 1);
	KUNIT_EXPECT_EQ(test, skb->data[0], 1);
	kfree_skb(skb);
	KUNIT_ASSERT_EQ(test, denali_nic_rxq_take(&rxq, 1514, &skb, &wake), 1);
	KUNIT_EXPECT_EQ(test, skb->data[0], 2);
	kfree_skb(skb);
}

/* Purging (the VM stopped) drops and counts every frame, and wakes a stopped queue. */
static void rxq_purge_test(struct kunit *test)
{
	struct denali_nic_rxq rxq;
	unsigned int i;

	denali_nic_rxq_init(&rxq, 4);
	for (i = 0; i < 4; i++)
		denali_nic_rxq_push(&rxq, frame(test, 60, i));
	KUNIT_EXPECT_TRUE(test, rxq.stopped);
	KUNIT_EXPECT_TRUE(test, denali_nic_rxq_purge(&rxq));
	KUNIT_EXPECT_FALSE(test, rxq.stopped);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&rxq.q), 0U);
	KUNIT_EXPECT_EQ(test, rxq.dropped, 4ULL);
	KUNIT_EXPECT_EQ(test, rxq.taken, 0ULL);
	/* Nothing to wake the second time. */
	KUNIT_EXPECT_FALSE(test, denali_nic_rxq_purge(&rxq));
}

/*
 * A lower MTU drops exactly the queued frames longer than header + MTU,
 * counted, keeps the others in order, and wakes a queue it drained below
 * the threshold.
 */
static void rxq_trim_test(struct kunit *test)
{
	static const unsigned int lens[] = { 60, 1514, 600, 1514, 1514, 100 };
	struct denali_nic_rxq rxq;
	struct sk_buff *skb;
	unsigned int i;
	bool wake;

	denali_nic_rxq_init(&rxq, ARRAY_SIZE(lens));
	for (i = 0; i < ARRAY_SIZE(lens); i++)
		denali_nic_rxq_push(&rxq, frame(test, lens[i], i));
	KUNIT_EXPECT_TRUE(test, rxq.stopped);
	/* MTU 586: at most 600 bytes with the header; three stay, at the threshold. */
	KUNIT_EXPECT_TRUE(test, denali_nic_rxq_trim(&rxq, 600));
	KUNIT_EXPECT_FALSE(test, rxq.stopped);
	KUNIT_EXPECT_EQ(test, rxq.dropped, 3ULL);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&rxq.q), 3U);
	KUNIT_ASSERT_EQ(test, denali_nic_rxq_take(&rxq, 1514, &skb, &wake), 1);
	KUNIT_EXPECT_EQ(test, skb->len, 60U);
	kfree_skb(skb);
	KUNIT_ASSERT_EQ(test, denali_nic_rxq_take(&rxq, 1514, &skb, &wake), 1);
	KUNIT_EXPECT_EQ(test, skb->len, 600U);
	kfree_skb(skb);
	/* Nothing longer left: nothing dropped, nothing to wake. */
	KUNIT_EXPECT_FALSE(test, denali_nic_rxq_trim(&rxq, 600));
	KUNIT_EXPECT_EQ(test, rxq.dropped, 3ULL);
	KUNIT_EXPECT_FALSE(test, denali_nic_rxq_purge(&rxq));
}

/* Interface names: what Linux accepts, at most 15 characters. */
static void ifname_test(struct kunit *test)
{
	KUNIT_EXPECT_NULL(test, denali_nic_ifname_invalid("dnl0"));
	KUNIT_EXPECT_NULL(test, denali_nic_ifname_invalid("web%d"));
	KUNIT_EXPECT_NULL(test, denali_nic_ifname_invalid("012345678901234"));
	KUNIT_EXPECT_NOT_NULL(test, denali_nic_ifname_invalid("0123456789012345"));
	KUNIT_EXPECT_NOT_NULL(test, denali_nic_ifname_invalid(""));
	KUNIT_EXPECT_NOT_NULL(test, denali_nic_ifname_invalid("a/b"));
	KUNIT_EXPECT_NOT_NULL(test, denali_nic_ifname_invalid("a b"));
	KUNIT_EXPECT_NOT_NULL(test, denali_nic_ifname_invalid(".."));
}

/* The host end's address differs from the guest's, stays unicast and local. */
static void host_mac_test(struct kunit *test)
{
	static const u8 guests[][ETH_ALEN] = {
		{ 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 },
		{ 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 },
		{ 0xfe, 0x00, 0x00, 0x00, 0x00, 0x01 },
		{ 0x00, 0x16, 0x3e, 0xaa, 0xbb, 0xcc },
	};
	u8 host[ETH_ALEN];
	int i;

	for (i = 0; i < ARRAY_SIZE(guests); i++) {
		denali_nic_host_mac(host, guests[i]);
		KUNIT_EXPECT_FALSE(test, ether_addr_equal(host, guests[i]));
		KUNIT_EXPECT_TRUE(test, is_valid_ether_addr(host));
		KUNIT_EXPECT_TRUE(test, is_local_ether_addr(host));
		KUNIT_EXPECT_EQ(test, memcmp(host + 1, guests[i] + 1, ETH_ALEN - 1), 0);
	}
}

/*
 * The address filter: the guest hears broadcast, multicast and its own
 * MAC; unicast for any other MAC (the host end's, one byte off) only when
 * the NIC bridges.
 */
static void frame_for_guest_test(struct kunit *test)
{
	static const u8 mine[ETH_ALEN] = { 0x02, 0xde, 0x00, 0x0b, 0x00, 0x01 };
	static const u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const u8 mcast[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	static const u8 others[][ETH_ALEN] = {
		{ 0x02, 0xde, 0x00, 0x0b, 0x00, 0x00 },
		{ 0x02, 0xde, 0x00, 0x0b, 0x00, 0x03 },
		{ 0x06, 0xde, 0x00, 0x0b, 0x00, 0x01 },
		{ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
	};
	u8 host[ETH_ALEN];
	size_t i;

	denali_nic_host_mac(host, mine);
	KUNIT_EXPECT_TRUE(test, denali_nic_frame_for_guest(mine, mine, false));
	KUNIT_EXPECT_TRUE(test, denali_nic_frame_for_guest(bcast, mine, false));
	KUNIT_EXPECT_TRUE(test, denali_nic_frame_for_guest(mcast, mine, false));
	KUNIT_EXPECT_FALSE(test, denali_nic_frame_for_guest(host, mine, false));
	KUNIT_EXPECT_TRUE(test, denali_nic_frame_for_guest(host, mine, true));
	for (i = 0; i < ARRAY_SIZE(others); i++) {
		KUNIT_EXPECT_FALSE(test, denali_nic_frame_for_guest(others[i], mine, false));
		KUNIT_EXPECT_TRUE(test, denali_nic_frame_for_guest(others[i], mine, true));
	}
}

static struct kunit_case denali_nic_cases[] = {
	KUNIT_CASE_PARAM(frame_check_test, frame_gen_params),
	KUNIT_CASE(rxq_order_test),
	KUNIT_CASE(rxq_bound_test),
	KUNIT_CASE(rxq_msgsize_test),
	KUNIT_CASE(rxq_purge_test),
	KUNIT_CASE(rxq_trim_test),
	KUNIT_CASE(ifname_test),
	KUNIT_CASE(host_mac_test),
	KUNIT_CASE(frame_for_guest_test),
	{}
};

static struct kunit_suite denali_nic_suite = {
	.name = "denali_nic",
	.test_cases = denali_nic_cases,
};

kunit_test_suite(denali_nic_suite);
