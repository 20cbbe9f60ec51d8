/* threads: a self-test of the thread library; prints "threads ok" and halts 0, or what failed and 1. */
#include <ilwaco.h>

#define ITEMS 300 /* values through the bounded buffer */
#define SLOTS 4 /* its size: small, so that the producer waits too */
#define MS DN_NSEC_PER_MSEC

static int failed;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("threads: FAIL %s\n", what);
		failed = 1;
	}
}

/* A bounded buffer: one producer, two consumers, a mutex and two condition variables. */
static struct dn_mutex lock = DN_MUTEX_INIT;
static struct dn_cond not_empty = DN_COND_INIT, not_full = DN_COND_INIT;
static long ring[SLOTS];
static int head, count;

static void put(long v)
{
	dn_mutex_lock(&lock);
	while (count == SLOTS)
		dn_cond_wait(&not_full, &lock);
	ring[(head + count) % SLOTS] = v;
	count++;
	dn_cond_signal(&not_empty);
	dn_mutex_unlock(&lock);
}

static long get(void)
{
	long v;

	dn_mutex_lock(&lock);
	while (!count)
		dn_cond_wait(&not_empty, &lock);
	v = ring[head];
	head = (head + 1) % SLOTS;
	count--;
	dn_cond_signal(&not_full);
	dn_mutex_unlock(&lock);
	return v;
}

/* Values 1 to ITEMS, a short sleep now and then, then one 0 per consumer to stop it. */
static long producer(void *arg)
{
	long v, consumers = (long)arg;

	for (v = 1; v <= ITEMS; v++) {
		put(v);
		if (v % 50 == 0)
			dn_sleep(1 * MS);
	}
	while (consumers--)
		put(0);
	return 0;
}

/* The sum of what it got; it yields now and then so that both consumers get turns. */
static long consumer(void *arg)
{
	long v, sum = 0;

	(void)arg;
	while ((v = get()) != 0) {
		sum += v;
		if (v % 7 == 0)
			dn_yield();
	}
	return sum;
}

static void test_producer_consumer(void)
{
	long sum1 = 0, sum2 = 0;
	int p, c1, c2;

	p = dn_thread_create(producer, (void *)2L);
	c1 = dn_thread_create(consumer, NULL);
	c2 = dn_thread_create(consumer, NULL);
	check(p > 0 && c1 > 0 && c2 > 0, "create producer and consumers");
	check(dn_thread_join(p, NULL) == 0, "join producer");
	check(dn_thread_join(c1, &sum1) == 0, "join consumer 1");
	check(dn_thread_join(c2, &sum2) == 0, "join consumer 2");
	check(sum1 + sum2 == (long)ITEMS * (ITEMS + 1) / 2, "consumers got every value once");
	check(count == 0, "buffer empty at the end");
	if (sum1 + sum2 != (long)ITEMS * (ITEMS + 1) / 2)
		printf("threads: sums %ld + %ld\n", sum1, sum2);
}

/* Threads sleeping 30, 10 and 20 ms wake up in the order 10, 20, 30. */
static int wake_order[3], woken;

static long sleeper(void *arg)
{
	long ms = (long)arg;

	dn_sleep((uint64_t)ms * MS);
	wake_order[woken++] = (int)ms;
	return 0;
}

static void test_sleep(void)
{
	uint64_t start = dn_now_ns();

	dn_sleep(5 * MS);
	check(dn_now_ns() - start >= 5 * MS, "dn_sleep(5 ms) sleeps 5 ms");

	dn_thread_create(sleeper, (void *)30L);
	dn_thread_create(sleeper, (void *)10L);
	dn_thread_create(sleeper, (void *)20L);
	check(dn_thread_join_all() == 3, "join_all joins the three sleepers");
	check(woken == 3 && wake_order[0] == 10 && wake_order[1] == 20 && wake_order[2] == 30,
	      "sleepers wake in deadline order");
}

/* A timed wait that nobody signals times out, at its deadline, with the mutex held again. */
static struct dn_mutex tlock = DN_MUTEX_INIT;
static struct dn_cond never = DN_COND_INIT, soon = DN_COND_INIT;

static long signaller(void *arg)
{
	(void)arg;
	dn_sleep(2 * MS);
	dn_mutex_lock(&tlock);
	dn_cond_signal(&soon);
	dn_mutex_unlock(&tlock);
	return 0;
}

static void test_timed_wait(void)
{
	uint64_t deadline;
	int ret, t;

	dn_mutex_lock(&tlock);
	deadline = dn_now_ns() + 10 * MS;
	ret = dn_cond_wait_until(&never, &tlock, deadline);
	check(ret == DN_ETIMEDOUT, "unsignalled timed wait times out");
	check(dn_now_ns() >= deadline, "timed wait lasts until its deadline");
	check(dn_mutex_trylock(&tlock) == DN_EBUSY, "timed-out wait holds the mutex again");

	t = dn_thread_create(signaller, NULL);
	deadline = dn_now_ns() + 5000 * MS;
	ret = dn_cond_wait_until(&soon, &tlock, deadline);
	check(ret == 0, "signalled timed wait returns 0");
	check(dn_now_ns() < deadline, "signalled timed wait ends before its deadline");
	dn_mutex_unlock(&tlock);
	check(dn_thread_join(t, NULL) == 0, "join signaller");
}

/* Every slot but main's can hold a thread; one more is refused; all come back after joins. */
static long identity(void *arg)
{
	return (long)arg;
}

static void test_pool(void)
{
	long sum = 0, ret;
	int ids[DN_THREAD_MAX], i, n = 0;

	for (i = 1; i < DN_THREAD_MAX; i++) {
		ids[n] = dn_thread_create(identity, (void *)(long)i);
		if (ids[n] > 0)
			n++;
	}
	check(n == DN_THREAD_MAX - 1, "a thread in every free slot");
	check(dn_thread_create(identity, NULL) == DN_EAGAIN, "a full pool refuses a thread");
	for (i = 0; i < n; i++) {
		if (dn_thread_join(ids[i], &ret) == 0)
			sum += ret;
	}
	check(sum == (long)(DN_THREAD_MAX - 1) * DN_THREAD_MAX / 2, "joins return the values");
	check(dn_thread_join(ids[0], NULL) == DN_EINVAL, "a joined thread cannot be joined again");
	check(dn_thread_create(identity, NULL) > 0, "slots come back after joins");
	dn_thread_join_all();
}

int main(void)
{
	test_producer_consumer();
	test_sleep();
	test_timed_wait();
	test_pool();
	if (failed)
		return 1;
	puts("threads ok");
	return 0;
}
