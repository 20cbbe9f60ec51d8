// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the virtual disk's hardware-free logic: attach requests, which
 * requests fail before any I/O, admission against the completion ring
 * with a guest that lies about its head, the ring's index, the RO/RW
 * rules over all VMs, paths for display and the netlink nest's size.
 */
#include <kunit/test.h>
#include <linux/skbuff.h>
#include <net/genetlink.h>
#include <linux/denali.h>
#include <linux/denali_guest.h>

#include "core/disk.h"
#include "ctl/netlink.h"

#define BLK	DENALI_DISK_BLOCK
#define MEM	(16ULL << 20)
#define RD	DENALI_HC_DISK_READ
#define WR	DENALI_HC_DISK_WRITE
#define FL	DENALI_HC_DISK_FLUSH

struct req_case {
	const char *what;
	u32 op;
	bool ro;
	u64 blocks, block, gpa;
	int ret;
};

static const struct req_case req_cases[] = {
	{ "read first block", RD, false, 10, 0, 0x200000, 0 },
	{ "read last block", RD, false, 10, 9, 0x200000, 0 },
	{ "read past the end", RD, false, 10, 10, 0x200000, -DENALI_EINVAL },
	{ "read block 2^64-1", RD, false, 10, U64_MAX, 0x200000, -DENALI_EINVAL },
	{ "read from a ro disk", RD, true, 10, 0, 0x200000, 0 },
	{ "write to a ro disk", WR, true, 10, 0, 0x200000, -DENALI_EROFS },
	{ "ro before past the end", WR, true, 10, 99, 0x200000, -DENALI_EROFS },
	{ "past the end before bad gpa", WR, false, 10, 10, U64_MAX, -DENALI_EINVAL },
	{ "gpa 0 (registers page)", RD, false, 10, 0, 0, 0 },
	{ "gpa unaligned", WR, false, 10, 0, 0x200001, 0 },
	{ "buffer ends at the end", RD, false, 10, 0, MEM - BLK, 0 },
	{ "buffer one past the end", RD, false, 10, 0, MEM - BLK + 1, -DENALI_EFAULT },
	{ "gpa at the end", RD, false, 10, 0, MEM, -DENALI_EFAULT },
	{ "gpa wraps around", WR, false, 10, 0, U64_MAX - BLK + 2, -DENALI_EFAULT },
	{ "gpa 2^64-1", RD, false, 10, 0, U64_MAX, -DENALI_EFAULT },
	{ "gpa 4 GiB", RD, false, 10, 0, 1ULL << 32, -DENALI_EFAULT },
	{ "flush ignores block and gpa", FL, true, 1, U64_MAX, U64_MAX, 0 },
};

static void req_case_desc(const struct req_case *c, char *desc)
{
	strscpy(desc, c->what, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(req, req_cases, req_case_desc);

/* Each request gets the status the guest ABI promises, checked in its order. */
static void req_check_test(struct kunit *test)
{
	const struct req_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, denali_disk_req_check(c->op, c->ro, c->blocks, MEM,
						    c->block, c->gpa), c->ret);
}

/* Attach requests: flags, reserved and index checked; sizes in whole blocks. */
static void attach_check_test(struct kunit *test)
{
	struct denali_disk_attach a = { .fd = 3 };

	KUNIT_EXPECT_EQ(test, denali_disk_attach_check(&a), 0);
	a.flags = DENALI_DISK_ATTACH_RO;
	KUNIT_EXPECT_EQ(test, denali_disk_attach_check(&a), 0);
	a.flags = 2;
	KUNIT_EXPECT_EQ(test, denali_disk_attach_check(&a), -EINVAL);
	a.flags = 0;
	a.reserved = 1;
	KUNIT_EXPECT_EQ(test, denali_disk_attach_check(&a), -EINVAL);
	a.reserved = 0;
	a.index = DENALI_DISK_MAX - 1;
	KUNIT_EXPECT_EQ(test, denali_disk_attach_check(&a), 0);
	a.index = DENALI_DISK_MAX;
	KUNIT_EXPECT_EQ(test, denali_disk_attach_check(&a), -EINVAL);
	a.index = DENALI_DISK_ANY;
	KUNIT_EXPECT_EQ(test, denali_disk_attach_check(&a), 0);
	a.index = DENALI_DISK_ANY - 1;
	KUNIT_EXPECT_EQ(test, denali_disk_attach_check(&a), -EINVAL);

	KUNIT_EXPECT_EQ(test, denali_disk_blocks(0), 0);
	KUNIT_EXPECT_EQ(test, denali_disk_blocks(-1), 0);
	KUNIT_EXPECT_EQ(test, denali_disk_blocks(BLK - 1), 0);
	KUNIT_EXPECT_EQ(test, denali_disk_blocks(BLK), 1);
	KUNIT_EXPECT_EQ(test, denali_disk_blocks(3 * BLK + 4095), 3);
	KUNIT_EXPECT_EQ(test, denali_disk_blocks(LLONG_MAX), (u64)LLONG_MAX / BLK);
}

/* A believable head is taken; one ahead of the tail or behind the last is not. */
static void cq_head_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, denali_disk_cq_head(0, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, denali_disk_cq_head(10, 0, 10), 10);
	KUNIT_EXPECT_EQ(test, denali_disk_cq_head(10, 0, 5), 5);
	KUNIT_EXPECT_EQ(test, denali_disk_cq_head(10, 0, 11), 0);	/* ahead of the tail */
	KUNIT_EXPECT_EQ(test, denali_disk_cq_head(10, 5, 4), 5);	/* went backwards */
	KUNIT_EXPECT_EQ(test, denali_disk_cq_head(10, 5, U32_MAX), 5);
	KUNIT_EXPECT_EQ(test, denali_disk_cq_head(10, 5, 0x80000000), 5);
	/* Around 2^32. */
	KUNIT_EXPECT_EQ(test, denali_disk_cq_head(3, U32_MAX - 4, U32_MAX), U32_MAX);
	KUNIT_EXPECT_EQ(test, denali_disk_cq_head(3, U32_MAX - 4, 2), 2);
	KUNIT_EXPECT_EQ(test, denali_disk_cq_head(3, U32_MAX - 4, 4), U32_MAX - 4);
	KUNIT_EXPECT_EQ(test, denali_disk_cq_head(3, U32_MAX - 4, U32_MAX - 5),
			U32_MAX - 4);
}

/* In flight plus untaken never exceeds the ring, whatever the guest wrote. */
static void admit_test(struct kunit *test)
{
	const u32 n = DENALI_DISK_CQ_SIZE;
	u32 tail, seen, head, inflight, lie;

	KUNIT_EXPECT_EQ(test, denali_disk_admit(0, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, denali_disk_admit(n - 1, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, denali_disk_admit(n, 0, 0), -DENALI_EAGAIN);
	KUNIT_EXPECT_EQ(test, denali_disk_admit(0, n, 0), -DENALI_EAGAIN);
	KUNIT_EXPECT_EQ(test, denali_disk_admit(0, n - 1, 0), 0);
	KUNIT_EXPECT_EQ(test, denali_disk_admit(60, 100, 33), 0);
	KUNIT_EXPECT_EQ(test, denali_disk_admit(61, 100, 33), -DENALI_EAGAIN);
	KUNIT_EXPECT_EQ(test, denali_disk_admit(0, 5, U32_MAX - 200), -DENALI_EAGAIN);
	KUNIT_EXPECT_EQ(test, denali_disk_admit(U32_MAX, 0, 0), -DENALI_EAGAIN);

	/*
	 * A simulation: fill the ring with a guest that writes garbage heads,
	 * complete requests, and check the ring never holds more than it can.
	 */
	tail = U32_MAX - 300;	/* cross 2^32 on the way */
	seen = tail;
	inflight = 0;
	for (lie = 0; lie < 2000; lie++) {
		u32 written = lie * 2654435761U;	/* anything */

		head = denali_disk_cq_head(tail, seen, written);
		KUNIT_ASSERT_LE(test, tail - head, tail - seen);
		seen = head;
		while (!denali_disk_admit(inflight, tail, seen))
			inflight++;
		KUNIT_ASSERT_EQ(test, inflight + (tail - seen), n);
		/* Some complete; some of those the guest takes, honestly. */
		tail += inflight / 2;
		inflight -= inflight / 2;
		KUNIT_ASSERT_LE(test, tail - seen, n);
		if (lie % 3 == 0) {
			u32 took = (lie % n) % (tail - seen + 1);

			seen = denali_disk_cq_head(tail, seen, tail - took);
		}
	}
}

/* Completion i goes to slot i % size, also across 2^32. */
static void cq_slot_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, denali_disk_cq_slot(0), 0);
	KUNIT_EXPECT_EQ(test, denali_disk_cq_slot(DENALI_DISK_CQ_SIZE - 1),
			DENALI_DISK_CQ_SIZE - 1);
	KUNIT_EXPECT_EQ(test, denali_disk_cq_slot(DENALI_DISK_CQ_SIZE), 0);
	KUNIT_EXPECT_EQ(test, denali_disk_cq_slot(U32_MAX), DENALI_DISK_CQ_SIZE - 1);
	/* U32_MAX + 1 wraps to 0, the slot after U32_MAX's. */
	KUNIT_EXPECT_EQ(test, denali_disk_cq_slot(U32_MAX + 1U), 0);
}

/* Read-only any number of times, read-write exactly once, never both. */
static void claim_test(struct kunit *test)
{
	struct denali_disk_claim c = {};
	int i;

	KUNIT_EXPECT_EQ(test, denali_disk_claim_get(&c, false), 0);
	KUNIT_EXPECT_EQ(test, denali_disk_claim_get(&c, false), -EBUSY);
	KUNIT_EXPECT_EQ(test, denali_disk_claim_get(&c, true), -EBUSY);
	KUNIT_EXPECT_TRUE(test, denali_disk_claim_put(&c, false));
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, denali_disk_claim_get(&c, true), 0);
	KUNIT_EXPECT_EQ(test, denali_disk_claim_get(&c, false), -EBUSY);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_FALSE(test, denali_disk_claim_put(&c, true));
	KUNIT_EXPECT_EQ(test, denali_disk_claim_get(&c, false), -EBUSY);
	KUNIT_EXPECT_TRUE(test, denali_disk_claim_put(&c, true));
	KUNIT_EXPECT_EQ(test, denali_disk_claim_get(&c, false), 0);
	KUNIT_EXPECT_EQ(test, c.readers, 0);
	KUNIT_EXPECT_TRUE(test, c.writer);
}

/* Paths fit their room; a long one keeps its end after "...". */
static void path_trunc_test(struct kunit *test)
{
	char *src = kunit_kzalloc(test, 4096, GFP_KERNEL);
	char dst[DENALI_DISK_PATH_ROOM];
	size_t room = sizeof(dst);

	KUNIT_ASSERT_NOT_NULL(test, src);
	denali_disk_path_trunc(dst, room, "/srv/disk.img");
	KUNIT_EXPECT_STREQ(test, dst, "/srv/disk.img");

	memset(src, 'a', room - 1);		/* exactly fits */
	denali_disk_path_trunc(dst, room, src);
	KUNIT_EXPECT_STREQ(test, dst, src);

	memset(src, 'a', 4000);
	strscpy(src + 4000, "/tail.img", 96);
	denali_disk_path_trunc(dst, room, src);
	KUNIT_EXPECT_EQ(test, strlen(dst), room - 1);
	KUNIT_EXPECT_EQ(test, strncmp(dst, "...", 3), 0);
	KUNIT_EXPECT_STREQ(test, dst + room - 1 - strlen("/tail.img"), "/tail.img");

	memset(src, 'b', room);			/* one too many */
	src[room] = '\0';
	denali_disk_path_trunc(dst, room, src);
	KUNIT_EXPECT_EQ(test, strlen(dst), room - 1);
	KUNIT_EXPECT_EQ(test, strncmp(dst, "...b", 4), 0);
}

/* The largest disk nest fits the room the VM message reserves for it. */
static void nest_size_test(struct kunit *test)
{
	struct denali_disk_info di = {
		.index = DENALI_DISK_MAX - 1, .ro = true, .inflight = U32_MAX,
		.blocks = U64_MAX, .reads = U64_MAX, .writes = U64_MAX,
		.flushes = U64_MAX, .errors = U64_MAX,
	};
	struct sk_buff *skb = alloc_skb(4096, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	memset(di.path, 'p', sizeof(di.path) - 1);
	KUNIT_EXPECT_EQ(test, denali_nl_put_disk(skb, &di), 0);
	KUNIT_EXPECT_LE(test, skb->len, denali_nl_disk_nest_size());
	/* Eight of them with the rest still fit the smallest dump skb. */
	KUNIT_EXPECT_LE(test, nlmsg_total_size(genlmsg_total_size(denali_nl_vm_msg_size())),
			(size_t)NLMSG_GOODSIZE);
	kfree_skb(skb);
}

static struct kunit_case denali_disk_cases[] = {
	KUNIT_CASE_PARAM(req_check_test, req_gen_params),
	KUNIT_CASE(attach_check_test),
	KUNIT_CASE(cq_head_test),
	KUNIT_CASE(admit_test),
	KUNIT_CASE(cq_slot_test),
	KUNIT_CASE(claim_test),
	KUNIT_CASE(path_trunc_test),
	KUNIT_CASE(nest_size_test),
	{}
};

static struct kunit_suite denali_disk_suite = {
	.name = "denali_disk",
	.test_cases = denali_disk_cases,
};

kunit_test_suite(denali_disk_suite);
