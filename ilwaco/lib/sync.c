/* Mutexes and condition variables for the cooperative threads. */
#include "internal.h"

/*
 * Threads switch only when one blocks or yields, so the checks and
 * updates below are atomic as they stand; and no wake-up can come
 * between a condition variable's release of its mutex and the wait.
 */

void dn_mutex_init(struct dn_mutex *m)
{
	memset(m, 0, sizeof(*m));
}

void dn_mutex_lock(struct dn_mutex *m)
{
	struct dn_thread *self = dn_sched_current();

	if (!m->owner) {
		m->owner = self;
		return;
	}
	if (m->owner == self)
		dn_panic("mutex %p locked again by its owner", (void *)m);
	/* dn_mutex_unlock() makes us the owner before it wakes us. */
	dn_sched_block(&m->waiters, DN_NO_DEADLINE);
}

int dn_mutex_trylock(struct dn_mutex *m)
{
	if (m->owner)
		return DN_EBUSY;
	m->owner = dn_sched_current();
	return 0;
}

/* Handing the mutex over, rather than letting waiters race for it, keeps it fair. */
void dn_mutex_unlock(struct dn_mutex *m)
{
	if (m->owner != dn_sched_current())
		dn_panic("mutex %p unlocked by a thread that does not hold it", (void *)m);
	m->owner = dn_sched_wake_one(&m->waiters);
}

void dn_cond_init(struct dn_cond *c)
{
	memset(c, 0, sizeof(*c));
}

int dn_cond_wait_until(struct dn_cond *c, struct dn_mutex *m, uint64_t deadline_ns)
{
	int ret;

	dn_mutex_unlock(m);
	ret = dn_sched_block(&c->waiters, deadline_ns);
	dn_mutex_lock(m);
	return ret;
}

int dn_cond_wait(struct dn_cond *c, struct dn_mutex *m)
{
	return dn_cond_wait_until(c, m, DN_NO_DEADLINE);
}

void dn_cond_signal(struct dn_cond *c)
{
	dn_sched_wake_one(&c->waiters);
}

void dn_cond_broadcast(struct dn_cond *c)
{
	while (dn_sched_wake_one(&c->waiters))
		;
}
