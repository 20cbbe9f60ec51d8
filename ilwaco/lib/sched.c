/* Cooperative threads: creation, the run queue, blocking, sleeping, interrupt bits and idling. */
#include "internal.h"

enum thread_state {
	T_FREE, /* the slot is unused (all zeroes: the .bss start) */
	T_RUNNABLE, /* in the run queue */
	T_RUNNING, /* current */
	T_BLOCKED, /* waiting for a queue, a deadline or interrupt bits */
	T_DONE, /* returned; the slot is freed when it is joined */
};

/**
 * struct dn_thread - a thread
 * @rsp: its stack pointer while it is switched out (dn_switch())
 * @state: what it is doing
 * @next: the link in the run queue or in @waitq
 * @waitq: the queue it waits in while blocked, or NULL
 * @deadline: while blocked, when it times out (DN_NO_DEADLINE: never)
 * @irq_mask: while blocked, the interrupt bits that wake it
 * @irq_got: the bits that woke it
 * @timed_out: it was woken by @deadline
 * @joining: a thread is joining it
 * @fn: what it runs
 * @arg: @fn's argument
 * @ret: @fn's return value, once T_DONE
 * @joiners: where its joiner waits
 */
struct dn_thread {
	uint64_t rsp;
	enum thread_state state;
	struct dn_thread *next;
	struct dn_waitq *waitq;
	uint64_t deadline;
	uint32_t irq_mask;
	uint32_t irq_got;
	int timed_out;
	int joining;
	dn_thread_fn fn;
	void *arg;
	long ret;
	struct dn_waitq joiners;
};

/* Thread 0 is main() on the boot stack; thread i > 0 runs on stack_base(i). */
static struct dn_thread threads[DN_THREAD_MAX];
static struct dn_thread *current;
static struct dn_waitq runq;

/*
 * Thread i > 0 runs on stacks[i - 1].stack, above a guard page it never
 * uses. Untouched memory is free, so the guard costs address space only;
 * it keeps an overflow off the memory below (the library's variables
 * under thread 1), and where vm.c runs, the guard is not mapped at all,
 * so that an overflow faults at once. Page-aligned, so that a thread
 * using only the top of its stack makes only that page resident; in
 * their own section, which ilwaco.ld puts after the variables of .bss,
 * so that its alignment leaves no gap among them.
 */
#define GUARD_SIZE 4096

static struct {
	uint8_t guard[GUARD_SIZE];
	uint8_t stack[DN_THREAD_STACK_SIZE];
} stacks[DN_THREAD_MAX - 1] __attribute__((section(".bss.stacks"), aligned(4096)));

/* The boot stack (thread 0) runs down from DENALI_STACK_TOP to its guard, above page 0. */
#define BOOT_STACK_GUARD (DENALI_REGS_GPA + GUARD_SIZE)

static uint8_t *stack_base(int i)
{
	return stacks[i - 1].stack;
}

/* Interrupt bits that arrived with nobody waiting for them. */
static uint32_t latched;

/* idle=spin: poll instead of IDLE. */
static int idle_spin;

static void waitq_push(struct dn_waitq *q, struct dn_thread *t)
{
	t->next = NULL;
	if (q->tail)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
}

static struct dn_thread *waitq_pop(struct dn_waitq *q)
{
	struct dn_thread *t = q->head;

	if (t) {
		q->head = t->next;
		if (!q->head)
			q->tail = NULL;
		t->next = NULL;
	}
	return t;
}

/* Takes @t out of @q, wherever it is; a queue holds at most DN_THREAD_MAX. */
static void waitq_remove(struct dn_waitq *q, struct dn_thread *t)
{
	struct dn_thread **link = &q->head, *prev = NULL;

	while (*link && *link != t) {
		prev = *link;
		link = &prev->next;
	}
	if (!*link)
		return;
	*link = t->next;
	if (q->tail == t)
		q->tail = prev;
	t->next = NULL;
}

/* Makes a blocked @t runnable, whatever it waited for. */
static void wake(struct dn_thread *t)
{
	if (t->waitq) {
		waitq_remove(t->waitq, t);
		t->waitq = NULL;
	}
	t->deadline = DN_NO_DEADLINE;
	t->irq_mask = 0;
	t->state = T_RUNNABLE;
	waitq_push(&runq, t);
}

/*
 * Hands interrupt bits out: first to drivers' handlers, then to every
 * thread waiting for one of them; what nobody takes is latched for the
 * next dn_irq_wait().
 */
static void dispatch(uint32_t bits)
{
	uint32_t claimed = 0;
	struct dn_thread *t;

	bits = dn_irq_run_handlers(bits);
	for (t = threads; t < threads + DN_THREAD_MAX && bits; t++) {
		if (t->state != T_BLOCKED || !(t->irq_mask & bits))
			continue;
		t->irq_got = t->irq_mask & bits;
		claimed |= t->irq_got;
		wake(t);
	}
	latched |= bits & ~claimed;
}

/*
 * Wakes the threads whose deadline the clock has passed, earliest first
 * (several can pass while another thread computes), and returns the
 * earliest deadline still ahead, DN_NO_DEADLINE if none.
 */
static uint64_t wake_expired(void)
{
	struct dn_thread *t, *first;
	uint64_t now = 0;
	int have_now = 0;

	for (;;) {
		first = NULL;
		for (t = threads; t < threads + DN_THREAD_MAX; t++) {
			if (t->state == T_BLOCKED && t->deadline != DN_NO_DEADLINE &&
			    (!first || t->deadline < first->deadline))
				first = t;
		}
		if (!first)
			return DN_NO_DEADLINE;
		if (!have_now) {
			now = dn_now_ns();
			have_now = 1;
		}
		if (first->deadline > now)
			return first->deadline;
		first->timed_out = 1;
		wake(first);
	}
}

/*
 * Takes the news, interrupt bits and passed deadlines; returns the
 * earliest deadline still ahead. Called with interrupts on or off: it
 * shares nothing with the interrupt handler but what dn_irq_take()
 * exchanges atomically.
 */
static uint64_t poll_events(void)
{
	uint32_t bits = dn_irq_take();

	if (bits)
		dispatch(bits);
	return wake_expired();
}

/* Whether a blocked thread could still be woken by something but another thread. */
static int wakeable(void)
{
	struct dn_thread *t;

	if (dn_irq_have_handlers())
		return 1;
	for (t = threads; t < threads + DN_THREAD_MAX; t++) {
		if (t->state == T_BLOCKED && t->irq_mask)
			return 1;
	}
	return 0;
}

/*
 * Nothing to run: wait for an interrupt bit or the next deadline without
 * using the CPU. Interrupts go off first: an interrupt between the check
 * and IDLE would take the bits out of the page, and IDLE, seeing none
 * pending, would sleep through them. With IF clear the module does not
 * inject, and IDLE returns at once if a bit is pending, in the page or
 * still in the module. Bits that arrive during IDLE are left in the page
 * (IF is clear when the VM resumes), where the next poll takes them.
 */
static void idle(void)
{
	uint64_t deadline, now;

	if (idle_spin) {
		cpu_relax();
		return;
	}
	irq_disable();
	deadline = poll_events();
	if (!runq.head) {
		if (deadline == DN_NO_DEADLINE) {
			dn_idle(DENALI_IDLE_FOREVER);
		} else {
			now = dn_now_ns();
			if (now < deadline)
				dn_idle(deadline - now);
		}
	}
	irq_enable();
}

/* The next thread to run; idles until there is one. */
static struct dn_thread *pick_next(void)
{
	struct dn_thread *t;
	uint64_t deadline;

	for (;;) {
		deadline = poll_events();
		t = waitq_pop(&runq);
		if (t)
			return t;
		if (deadline == DN_NO_DEADLINE && !wakeable())
			dn_panic("deadlock: every thread is blocked and nothing can wake one");
		idle();
	}
}

/*
 * In the shared page tables the guard pages are ordinary memory, so an
 * overflow is caught late, if at all: when the thread that overflowed
 * switches away while still below its stack, before the damage it did
 * comes to light. (With vm.c, the guard page's fault catches it first.)
 */
static void check_stack(struct dn_thread *t)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	int i = (int)(t - threads);

	if (i &&
	    (sp < (uintptr_t)stack_base(i) || sp > (uintptr_t)stack_base(i) + DN_THREAD_STACK_SIZE))
		dn_panic("thread %d overflowed its stack (rsp 0x%lx)", i, (unsigned long)sp);
}

uintptr_t dn_sched_stack_guard(int tid)
{
	if (tid < 0 || tid >= DN_THREAD_MAX)
		return 0;
	return tid ? (uintptr_t)stacks[tid - 1].guard : BOOT_STACK_GUARD;
}

/*
 * Switches to the next thread. The caller has put itself in the run
 * queue (yield), in a wait (block) or nowhere (exit); if it comes out
 * first, it just goes on.
 */
static void schedule(void)
{
	struct dn_thread *prev = current, *next;

	check_stack(prev);
	next = pick_next();
	next->state = T_RUNNING;
	if (next == prev)
		return;
	current = next;
	dn_switch(&prev->rsp, next->rsp);
}

/* Blocks the current thread in @q (may be NULL) until woken, @deadline or a bit of @mask. */
static int block(struct dn_waitq *q, uint64_t deadline, uint32_t mask)
{
	struct dn_thread *t = current;

	t->state = T_BLOCKED;
	t->waitq = q;
	if (q)
		waitq_push(q, t);
	t->deadline = deadline;
	t->irq_mask = mask;
	t->irq_got = 0;
	t->timed_out = 0;
	schedule();
	return t->timed_out ? DN_ETIMEDOUT : 0;
}

struct dn_thread *dn_sched_current(void)
{
	return current;
}

int dn_sched_block(struct dn_waitq *q, uint64_t deadline_ns)
{
	return block(q, deadline_ns, 0);
}

/* Wakes the thread that waited longest in @q; returns it, NULL if @q is empty. */
struct dn_thread *dn_sched_wake_one(struct dn_waitq *q)
{
	struct dn_thread *t = waitq_pop(q);

	if (t) {
		t->waitq = NULL;
		wake(t);
	}
	return t;
}

void dn_sched_init(void)
{
	char mode[8];

	current = &threads[0];
	current->state = T_RUNNING;
	idle_spin = dn_cmdline_str("idle", mode, sizeof(mode)) >= 0 && !strcmp(mode, "spin");
}

int dn_idle_spins(void)
{
	return idle_spin;
}

/* Where a new thread starts (see dn_thread_create()). */
static __attribute__((noreturn)) void thread_start(void)
{
	dn_thread_exit(current->fn(current->arg));
}

int dn_thread_create(dn_thread_fn fn, void *arg)
{
	struct dn_thread *t;
	uint64_t *sp;
	int i;

	for (i = 1; i < DN_THREAD_MAX && threads[i].state != T_FREE; i++)
		;
	if (i == DN_THREAD_MAX)
		return DN_EAGAIN;
	t = &threads[i];
	memset(t, 0, sizeof(*t));
	t->fn = fn;
	t->arg = arg;
	/*
	 * The stack as dn_switch() leaves it: the six callee-saved registers
	 * (zero) under the address its ret goes to, thread_start. Above that a
	 * return address for thread_start itself, which never returns, so
	 * that it starts with RSP + 8 16-byte aligned, as after a call.
	 */
	sp = (uint64_t *)(stack_base(i) + DN_THREAD_STACK_SIZE);
	*--sp = 0;
	*--sp = (uintptr_t)thread_start;
	sp -= 6;
	memset(sp, 0, 6 * sizeof(*sp));
	t->rsp = (uintptr_t)sp;
	t->state = T_RUNNABLE;
	waitq_push(&runq, t);
	return i;
}

int dn_thread_self(void)
{
	return current ? (int)(current - threads) : 0;
}

void dn_yield(void)
{
	current->state = T_RUNNABLE;
	waitq_push(&runq, current);
	schedule();
}

/*
 * The exiting thread goes on running on its stack until it switches
 * away, and nobody can reuse the stack before: that takes joining it,
 * which only another thread can do once this one is switched out.
 */
void dn_thread_exit(long ret)
{
	struct dn_thread *t = current;

	if (t == &threads[0])
		dn_halt((int)ret);
	t->ret = ret;
	t->state = T_DONE;
	while (dn_sched_wake_one(&t->joiners))
		;
	schedule();
	dn_panic("thread %d ran after its exit", (int)(t - threads));
}

int dn_thread_join(int tid, long *ret)
{
	struct dn_thread *t;

	if (tid <= 0 || tid >= DN_THREAD_MAX)
		return DN_EINVAL;
	t = &threads[tid];
	if (t == current || t->state == T_FREE || t->joining)
		return DN_EINVAL;
	t->joining = 1;
	while (t->state != T_DONE)
		block(&t->joiners, DN_NO_DEADLINE, 0);
	if (ret)
		*ret = t->ret;
	t->state = T_FREE;
	return 0;
}

/* Passes until one joins nothing: the threads joined may have created more. */
int dn_thread_join_all(void)
{
	int i, n = 0, more = 1;

	while (more) {
		more = 0;
		for (i = 1; i < DN_THREAD_MAX; i++) {
			if (dn_thread_join(i, NULL) == 0) {
				n++;
				more = 1;
			}
		}
	}
	return n;
}

/* A deadline already passed still blocks: the next poll wakes it, after the others had a turn. */
void dn_sleep_until(uint64_t deadline_ns)
{
	block(NULL, deadline_ns, 0);
}

void dn_sleep(uint64_t ns)
{
	uint64_t now = dn_now_ns();

	dn_sleep_until(ns > DN_NO_DEADLINE - 1 - now ? DN_NO_DEADLINE - 1 : now + ns);
}

uint32_t dn_irq_wait_until(uint32_t mask, uint64_t deadline_ns)
{
	uint32_t got = latched & mask;

	if (!mask)
		return 0;
	if (got) {
		latched &= ~got;
		return got;
	}
	if (block(NULL, deadline_ns, mask))
		return 0;
	return current->irq_got;
}

uint32_t dn_irq_wait(uint32_t mask)
{
	return dn_irq_wait_until(mask, DN_NO_DEADLINE);
}
