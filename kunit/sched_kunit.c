// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the scheduler's hardware-free logic: worker assignment, the run
 * queue's order, where a waking VM goes, IDLE deadlines, the sleeper
 * timer's next expiry, and the delivery of pending interrupt bits to a
 * registers page.
 */
#include <kunit/test.h>
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/denali_guest.h>

#include "core/sched.h"

/* New VMs go to the least loaded worker; ties go to the lowest number. */
static void pick_worker_test(struct kunit *test)
{
	unsigned int one[] = { 7 };
	unsigned int even[] = { 3, 3, 3 };
	unsigned int load[] = { 5, 2, 9, 2, 4 };

	KUNIT_EXPECT_EQ(test, denali_sched_pick_worker(one, 1), 0U);
	KUNIT_EXPECT_EQ(test, denali_sched_pick_worker(even, 3), 0U);
	KUNIT_EXPECT_EQ(test, denali_sched_pick_worker(load, 5), 1U);
	load[1] = 3;
	KUNIT_EXPECT_EQ(test, denali_sched_pick_worker(load, 5), 3U);
}

/* Assigning VMs one by one to the least loaded worker keeps loads within one. */
static void pick_worker_spreads_test(struct kunit *test)
{
	unsigned int load[4] = { 0 }, i, lo = ~0U, hi = 0;

	for (i = 0; i < 1001; i++)
		load[denali_sched_pick_worker(load, 4)]++;
	for (i = 0; i < 4; i++) {
		lo = min(lo, load[i]);
		hi = max(hi, load[i]);
	}
	KUNIT_EXPECT_LE(test, hi - lo, 1U);
	KUNIT_EXPECT_EQ(test, load[0] + load[1] + load[2] + load[3], 1001U);
}

/* IDLE deadlines saturate instead of wrapping around. */
static void deadline_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, denali_sched_deadline(1000, 500), 1500ULL);
	KUNIT_EXPECT_EQ(test, denali_sched_deadline(1000, 0), 1000ULL);
	KUNIT_EXPECT_EQ(test, denali_sched_deadline(1000, U64_MAX), (u64)KTIME_MAX);
	KUNIT_EXPECT_EQ(test, denali_sched_deadline(1000, KTIME_MAX), (u64)KTIME_MAX);
	KUNIT_EXPECT_EQ(test, denali_sched_deadline(KTIME_MAX - 10, 11), (u64)KTIME_MAX);
	KUNIT_EXPECT_EQ(test, denali_sched_deadline(KTIME_MAX - 10, 9), (u64)KTIME_MAX - 1);
}

/* The sleeper timer fires at the alarm, and at the IDLE deadline only while asleep. */
static void next_expiry_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, denali_sched_next_expiry(DN_SCHED_IDLE, 500, 0), 500ULL);
	KUNIT_EXPECT_EQ(test, denali_sched_next_expiry(DN_SCHED_IDLE, 500, 300), 300ULL);
	KUNIT_EXPECT_EQ(test, denali_sched_next_expiry(DN_SCHED_IDLE, 500, 700), 500ULL);
	KUNIT_EXPECT_EQ(test, denali_sched_next_expiry(DN_SCHED_IDLE, KTIME_MAX, 0),
			(u64)KTIME_MAX);
	/* Awake: the old deadline means nothing, the alarm still counts. */
	KUNIT_EXPECT_EQ(test, denali_sched_next_expiry(DN_SCHED_RUNNING, 500, 0),
			(u64)KTIME_MAX);
	KUNIT_EXPECT_EQ(test, denali_sched_next_expiry(DN_SCHED_QUEUED, 500, 700), 700ULL);
	KUNIT_EXPECT_EQ(test, denali_sched_next_expiry(DN_SCHED_OFF, 500, 0), (u64)KTIME_MAX);
}

/*
 * A waking VM goes first only with some of its quantum left: one that
 * idles briefly over and over gets at most a quantum per round.
 */
static void wake_where_test(struct kunit *test)
{
	s64 budget = 300;

	KUNIT_EXPECT_EQ(test, denali_sched_wake_where(&budget, 1000), DN_RUNQ_WOKEN);
	KUNIT_EXPECT_EQ(test, budget, 300LL);
	budget = 1;
	KUNIT_EXPECT_EQ(test, denali_sched_wake_where(&budget, 1000), DN_RUNQ_WOKEN);
	budget = 0;
	KUNIT_EXPECT_EQ(test, denali_sched_wake_where(&budget, 1000), DN_RUNQ_READY);
	KUNIT_EXPECT_EQ(test, budget, 1000LL);
	/* Overdrawn (the last exit ran past the quantum): the back, refilled. */
	budget = -5000;
	KUNIT_EXPECT_EQ(test, denali_sched_wake_where(&budget, 1000), DN_RUNQ_READY);
	KUNIT_EXPECT_EQ(test, budget, 1000LL);
}

static struct denali_sched_ent *ents(struct kunit *test, int n)
{
	struct denali_sched_ent *e = kunit_kcalloc(test, n, sizeof(*e), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, e);
	for (i = 0; i < n; i++)
		INIT_LIST_HEAD(&e[i].node);
	return e;
}

/* Ready VMs run round-robin, in the order they were queued. */
static void runq_round_robin_test(struct kunit *test)
{
	struct denali_sched_ent *e = ents(test, 3), *got;
	struct denali_runq rq;
	int round, i;

	denali_runq_init(&rq);
	KUNIT_EXPECT_NULL(test, denali_runq_pop(&rq));
	for (i = 0; i < 3; i++)
		denali_runq_add(&rq, &e[i], DN_RUNQ_READY);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 3; i++) {
			got = denali_runq_pop(&rq);
			KUNIT_EXPECT_PTR_EQ(test, got, &e[i]);
			/* Its quantum is over: to the back. */
			denali_runq_add(&rq, got, DN_RUNQ_READY);
		}
	}
}

/* Woken VMs go before ready ones, in wake order; FIRST goes before all. */
static void runq_woken_first_test(struct kunit *test)
{
	struct denali_sched_ent *e = ents(test, 5);
	struct denali_runq rq;

	denali_runq_init(&rq);
	denali_runq_add(&rq, &e[0], DN_RUNQ_READY);
	denali_runq_add(&rq, &e[1], DN_RUNQ_READY);
	denali_runq_add(&rq, &e[2], DN_RUNQ_WOKEN);
	denali_runq_add(&rq, &e[3], DN_RUNQ_WOKEN);
	denali_runq_add(&rq, &e[4], DN_RUNQ_FIRST);
	KUNIT_EXPECT_PTR_EQ(test, denali_runq_pop(&rq), &e[4]);
	KUNIT_EXPECT_PTR_EQ(test, denali_runq_pop(&rq), &e[2]);
	KUNIT_EXPECT_PTR_EQ(test, denali_runq_pop(&rq), &e[3]);
	KUNIT_EXPECT_PTR_EQ(test, denali_runq_pop(&rq), &e[0]);
	KUNIT_EXPECT_PTR_EQ(test, denali_runq_pop(&rq), &e[1]);
	KUNIT_EXPECT_NULL(test, denali_runq_pop(&rq));
}

/* Immediate delivery moves a queued VM, ready or woken, to the very front. */
static void runq_move_first_test(struct kunit *test)
{
	struct denali_sched_ent *e = ents(test, 3);
	struct denali_runq rq;

	denali_runq_init(&rq);
	denali_runq_add(&rq, &e[0], DN_RUNQ_WOKEN);
	denali_runq_add(&rq, &e[1], DN_RUNQ_READY);
	denali_runq_add(&rq, &e[2], DN_RUNQ_READY);
	denali_runq_move_first(&rq, &e[2]);
	KUNIT_EXPECT_PTR_EQ(test, denali_runq_pop(&rq), &e[2]);
	KUNIT_EXPECT_PTR_EQ(test, denali_runq_pop(&rq), &e[0]);
	KUNIT_EXPECT_PTR_EQ(test, denali_runq_pop(&rq), &e[1]);
	KUNIT_EXPECT_TRUE(test, list_empty(&e[1].node));
}

static struct denali_regs *regs_page(struct kunit *test)
{
	struct denali_regs *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	return r;
}

/* Bits accumulate in the page until the guest takes them; each batch asks for a vector. */
static void deliver_test(struct kunit *test)
{
	struct denali_regs *r = regs_page(test);

	r->irq_vector = 0x40;
	KUNIT_EXPECT_EQ(test, denali_irq_deliver(r, 0), 0);
	KUNIT_EXPECT_EQ(test, denali_irq_deliver(r, DENALI_IRQ_TIMER), 0x40);
	KUNIT_EXPECT_EQ(test, r->pending, DENALI_IRQ_TIMER);
	/* Not taken yet: a new batch adds to it, and still asks for the vector. */
	KUNIT_EXPECT_EQ(test, denali_irq_deliver(r, DENALI_IRQ_CONSOLE), 0x40);
	KUNIT_EXPECT_EQ(test, r->pending, DENALI_IRQ_TIMER | DENALI_IRQ_CONSOLE);
	KUNIT_EXPECT_EQ(test, denali_irq_deliver(r, 0), 0x40);
	/* The guest took them (atomic exchange): nothing to inject. */
	r->pending = 0;
	KUNIT_EXPECT_EQ(test, denali_irq_deliver(r, 0), 0);
	KUNIT_EXPECT_EQ(test, denali_irq_deliver(r, DENALI_IRQ_NIC(3)), 0x40);
	KUNIT_EXPECT_EQ(test, r->pending, DENALI_IRQ_NIC(3));
}

/* Whatever the guest wrote as its vector, only 32-255 are ever injected. */
static void deliver_bad_vector_test(struct kunit *test)
{
	static const u32 bad[] = { 0, 1, 8, 14, 31, 256, 0x1040, 0xffffffff };
	struct denali_regs *r = regs_page(test);
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		r->irq_vector = bad[i];
		KUNIT_EXPECT_EQ(test, denali_irq_deliver(r, DENALI_IRQ_TIMER), 0);
	}
	/* The bits are delivered anyway: the guest may poll. */
	KUNIT_EXPECT_EQ(test, r->pending, DENALI_IRQ_TIMER);
	r->irq_vector = 32;
	KUNIT_EXPECT_EQ(test, denali_irq_deliver(r, 0), 32);
	r->irq_vector = 255;
	KUNIT_EXPECT_EQ(test, denali_irq_deliver(r, 0), 255);
}

static struct kunit_case denali_sched_cases[] = {
	KUNIT_CASE(pick_worker_test),
	KUNIT_CASE(pick_worker_spreads_test),
	KUNIT_CASE(deadline_test),
	KUNIT_CASE(next_expiry_test),
	KUNIT_CASE(wake_where_test),
	KUNIT_CASE(runq_round_robin_test),
	KUNIT_CASE(runq_woken_first_test),
	KUNIT_CASE(runq_move_first_test),
	KUNIT_CASE(deliver_test),
	KUNIT_CASE(deliver_bad_vector_test),
	{}
};

static struct kunit_suite denali_sched_suite = {
	.name = "denali_sched",
	.test_cases = denali_sched_cases,
};

kunit_test_suite(denali_sched_suite);
