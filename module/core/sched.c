// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler: a few worker threads, each running many VMs round-robin.
 *
 * A VM is a struct, a control block and its pages; it has no thread and
 * no kernel stack of its own. When it starts it is assigned, for good, to
 * the worker with the fewest VMs. A worker takes the first VM of its
 * "woken" queue (VMs that idled and were woken: they go first, as in
 * Denali), else of its "ready" queue, and runs it for one quantum: it
 * delivers the VM's pending interrupt bits, then enters the guest and
 * handles exits until the quantum is over, the VM idles, ends, or is
 * kicked. Then the VM goes to the back of the ready queue, to sleep, or
 * away. A worker with nothing to run sleeps until a VM is woken.
 *
 * A sleeping VM waits on its own hrtimer, which fires at the earlier of
 * its IDLE deadline and its alarm; hrtimers are kept in a tree per CPU,
 * so tens of thousands of sleepers cost a logarithm each, and nothing
 * while they sleep.
 *
 * Interrupts are raised by setting a bit in the VM's pending mask. In
 * batched mode (the default) that is all, apart from waking a sleeping
 * VM: the bits reach the guest at the start of its next quantum, however
 * many were raised in between. In immediate mode (the paper's baseline)
 * the worker is kicked out of whatever it runs and switches to the VM at
 * once.
 *
 * Locking: each worker's @lock (taken with interrupts off: hrtimer
 * callbacks take it) protects its queues, the sched state of its VMs
 * and @cur. A VM's vCPU, registers page and most counters belong to
 * the worker while the VM is RUNNING there, and to nobody else.
 */
#include <linux/kthread.h>
#include <linux/freezer.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/ktime.h>
#include <linux/cpumask.h>
#include <linux/string.h>
#include <asm/tsc.h>
#include <linux/denali_guest.h>
#include <kunit/visibility.h>

#include "core/arch.h"
#include "core/disk.h"
#include "core/nic.h"
#include "core/run.h"
#include "core/sched.h"
#include "core/vcpu.h"
#include "core/vm.h"

unsigned int denali_quantum_us = 1000;
module_param_named(quantum_us, denali_quantum_us, uint, 0444);
MODULE_PARM_DESC(quantum_us, "Scheduling quantum of a VM, in microseconds (default 1000, at least 10)");

/* The quantum in nanoseconds; a quantum shorter than 10 us would be all overhead. */
static s64 quantum_ns(void)
{
	return (s64)max(READ_ONCE(denali_quantum_us), 10U) * NSEC_PER_USEC;
}

u64 denali_sched_quantum_ns(void)
{
	return quantum_ns();
}

static unsigned int nr_workers_param;
module_param_named(workers, nr_workers_param, uint, 0444);
MODULE_PARM_DESC(workers, "Worker threads running VMs (default 0: one per online CPU); reads back how many run");

static enum denali_irq_mode irq_mode = DN_IRQ_BATCHED;
static const char *const irq_mode_names[] = {
	[DN_IRQ_BATCHED] = "batched",
	[DN_IRQ_IMMEDIATE] = "immediate",
};

static int irq_mode_set(const char *val, const struct kernel_param *kp)
{
	int i = sysfs_match_string(irq_mode_names, val);

	if (i < 0)
		return -EINVAL;
	WRITE_ONCE(irq_mode, i);
	return 0;
}

static int irq_mode_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", irq_mode_names[READ_ONCE(irq_mode)]);
}

static const struct kernel_param_ops irq_mode_ops = {
	.set = irq_mode_set,
	.get = irq_mode_get,
};
module_param_cb(irq_delivery, &irq_mode_ops, NULL, 0644);
MODULE_PARM_DESC(irq_delivery, "How interrupts reach VMs: batched (at the next quantum, default) or immediate (preempt and switch at once)");

/**
 * struct denali_worker - a kernel thread multiplexing many VMs
 * @lock: protects the queues, the sched state of its VMs, @cur, @nr_vms
 * @rq: its runnable VMs
 * @cur: the VM whose quantum runs now, or NULL
 * @kick: end the current quantum at once (see struct denali_vcpu)
 * @nr_vms: VMs assigned to it and not ended
 * @quantum_timer: makes the guest exit when its quantum is over, where
 *	the backend has no timer of its own for that
 * @quantum_cpu: the CPU @quantum_timer is armed on
 * @task: the thread
 * @id: its number, shown with the VMs
 */
struct denali_worker {
	spinlock_t lock;		/* the queues, states, @cur, @nr_vms */
	struct denali_runq rq;
	struct denali_vm *cur;
	bool kick;
	unsigned int nr_vms;
	struct hrtimer quantum_timer;
	int quantum_cpu;
	struct task_struct *task;
	unsigned int id;
};

static struct denali_worker *workers;
static unsigned int nr_workers;
static DEFINE_MUTEX(assign_lock);

unsigned int denali_sched_nr_workers(void)
{
	return nr_workers;
}

enum denali_irq_mode denali_sched_irq_mode(void)
{
	return READ_ONCE(irq_mode);
}

const char *denali_sched_irq_mode_name(void)
{
	return irq_mode_names[denali_sched_irq_mode()];
}

/* The index of the least loaded of @n workers (the first of equals). */
unsigned int denali_sched_pick_worker(const unsigned int *load, unsigned int n)
{
	unsigned int i, best = 0;

	for (i = 1; i < n; i++) {
		if (load[i] < load[best])
			best = i;
	}
	return best;
}
EXPORT_SYMBOL_IF_KUNIT(denali_sched_pick_worker);

/* When an IDLE of @timeout_ns from @now ends; KTIME_MAX for never. */
u64 denali_sched_deadline(u64 now, u64 timeout_ns)
{
	if (timeout_ns >= KTIME_MAX || now >= KTIME_MAX - timeout_ns)
		return KTIME_MAX;
	return now + timeout_ns;
}
EXPORT_SYMBOL_IF_KUNIT(denali_sched_deadline);

/*
 * When a VM's timer must fire next: at its alarm (0: none) and, while it
 * sleeps, at its IDLE deadline; KTIME_MAX for not at all.
 */
u64 denali_sched_next_expiry(u32 state, u64 idle_deadline, u64 alarm)
{
	u64 next = alarm ? alarm : KTIME_MAX;

	if (state == DN_SCHED_IDLE)
		next = min(next, idle_deadline);
	return next;
}
EXPORT_SYMBOL_IF_KUNIT(denali_sched_next_expiry);

/*
 * The run queue: two lists, because a VM that idled and was woken goes
 * before the VMs that used up their quantum (Denali's rule: it has been
 * waiting, and it will likely idle again soon).
 */
void denali_runq_init(struct denali_runq *rq)
{
	INIT_LIST_HEAD(&rq->woken);
	INIT_LIST_HEAD(&rq->ready);
}
EXPORT_SYMBOL_IF_KUNIT(denali_runq_init);

/**
 * denali_runq_add - queue a runnable VM
 * @rq: the queue
 * @ent: the VM's entry, on no queue
 * @how: DN_RUNQ_READY (back of the round-robin), DN_RUNQ_WOKEN (after the
 *	other woken VMs, before every ready one) or DN_RUNQ_FIRST (before all)
 */
void denali_runq_add(struct denali_runq *rq, struct denali_sched_ent *ent,
		     enum denali_runq_where how)
{
	switch (how) {
	case DN_RUNQ_FIRST:
		list_add(&ent->node, &rq->woken);
		break;
	case DN_RUNQ_WOKEN:
		list_add_tail(&ent->node, &rq->woken);
		break;
	default:
		list_add_tail(&ent->node, &rq->ready);
		break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(denali_runq_add);

/* Move a queued VM to the very front (immediate interrupt delivery). */
void denali_runq_move_first(struct denali_runq *rq, struct denali_sched_ent *ent)
{
	list_move(&ent->node, &rq->woken);
}
EXPORT_SYMBOL_IF_KUNIT(denali_runq_move_first);

/* Take the VM to run next off the queue, or NULL if none is runnable. */
struct denali_sched_ent *denali_runq_pop(struct denali_runq *rq)
{
	struct denali_sched_ent *ent;

	ent = list_first_entry_or_null(&rq->woken, struct denali_sched_ent, node);
	if (!ent)
		ent = list_first_entry_or_null(&rq->ready, struct denali_sched_ent, node);
	if (ent)
		list_del_init(&ent->node);
	return ent;
}
EXPORT_SYMBOL_IF_KUNIT(denali_runq_pop);

/**
 * denali_irq_deliver - hand pending bits to the guest at a quantum's start
 * @regs: the guest's registers page
 * @bits: bits raised since the last delivery (0: none)
 *
 * ORs @bits into the page's pending word, which the guest takes with an
 * atomic exchange, and returns the vector to inject: the guest's
 * irq_vector if any bit is pending now (new or still untaken) and the
 * vector is a valid one; else 0.
 */
u8 denali_irq_deliver(struct denali_regs *regs, u32 bits)
{
	u32 old = READ_ONCE(regs->pending), vector;

	while (bits && !try_cmpxchg(&regs->pending, &old, old | bits))
		;
	vector = READ_ONCE(regs->irq_vector);
	if (!(old | bits) || vector < DENALI_IRQ_VECTOR_MIN || vector > DENALI_IRQ_VECTOR_MAX)
		return 0;
	return vector;
}
EXPORT_SYMBOL_IF_KUNIT(denali_irq_deliver);

static struct denali_vm *ent_vm(struct denali_sched_ent *ent)
{
	return container_of(ent, struct denali_vm, sched);
}

/* Arm or disarm @ent's timer for its current state; under the worker's lock. */
static void arm_timer(struct denali_sched_ent *ent)
{
	u64 next = denali_sched_next_expiry(ent->state, ent->idle_deadline, ent->alarm);

	if (next == KTIME_MAX)
		hrtimer_try_to_cancel(&ent->timer);
	else
		hrtimer_start(&ent->timer, ns_to_ktime(next), HRTIMER_MODE_ABS);
}

/**
 * denali_sched_wake_where - where a VM waking from IDLE is queued
 * @budget: what is left of its quantum; refilled to @quantum if nothing is
 * @quantum: a full quantum
 *
 * Returns DN_RUNQ_WOKEN (before the VMs that used up their quantum) while
 * the VM has some of its quantum left, else DN_RUNQ_READY (the back).
 */
enum denali_runq_where denali_sched_wake_where(s64 *budget, s64 quantum)
{
	if (*budget > 0)
		return DN_RUNQ_WOKEN;
	*budget = quantum;
	return DN_RUNQ_READY;
}
EXPORT_SYMBOL_IF_KUNIT(denali_sched_wake_where);

/*
 * @ent leaves its sleep; under the worker's lock. It goes before the VMs
 * that used up their quantum if it has some of its own quantum left:
 * the woken VM's priority is the rest of its quantum, not a new one, so
 * a VM that idles briefly over and over cannot take more than a quantum
 * per round of the queue. One that has none left goes to the back, with
 * a fresh quantum, like a VM whose quantum ran out.
 */
static void wake_locked(struct denali_worker *w, struct denali_sched_ent *ent)
{
	ent->state = DN_SCHED_QUEUED;
	denali_runq_add(&w->rq, ent, denali_sched_wake_where(&ent->budget, quantum_ns()));
}

/*
 * Raise @bits for @ent under its worker's lock. Returns whether the
 * worker must be woken, and sets *@kick when it must be kicked out of
 * the guest it runs (immediate mode).
 */
static bool raise_locked(struct denali_worker *w, struct denali_sched_ent *ent,
			 u32 bits, bool *kick)
{
	bool wake = false;

	atomic_or(bits, &ent->pending);
	atomic64_add(hweight32(bits), &ent->raised);
	if (ent->state == DN_SCHED_IDLE) {
		wake_locked(w, ent);
		ent_vm(ent)->stats.wake_irq++;
		wake = true;
	}
	/*
	 * Immediate: switch to it at once, first in line, and end what runs
	 * now; not if it runs already (the bits wait for its next quantum),
	 * nor if it has used up its quantum of this round (no VM gets more
	 * than that by having interrupts raised for it).
	 */
	if (denali_sched_irq_mode() == DN_IRQ_IMMEDIATE &&
	    ent->state == DN_SCHED_QUEUED && ent->budget > 0) {
		denali_runq_move_first(&w->rq, ent);
		if (w->cur) {
			WRITE_ONCE(w->kick, true);
			*kick = true;
		}
		wake = true;
	}
	return wake;
}

static void kick_worker(struct denali_worker *w, bool wake, bool kick)
{
	if (wake)
		wake_up_process(w->task);
	if (kick)
		kick_process(w->task);
}

/**
 * denali_sched_raise - raise interrupt bits for a VM
 * @vm: the VM
 * @bits: DENALI_IRQ_* bits
 *
 * Any context. The bits reach the guest at the start of its next
 * quantum; a sleeping VM wakes. Before the VM starts they just wait.
 */
void denali_sched_raise(struct denali_vm *vm, u32 bits)
{
	struct denali_sched_ent *ent = &vm->sched;
	struct denali_worker *w = READ_ONCE(ent->worker);
	bool wake, kick = false;
	unsigned long flags;

	if (!w) {
		atomic_or(bits, &ent->pending);
		atomic64_add(hweight32(bits), &ent->raised);
		return;
	}
	spin_lock_irqsave(&w->lock, flags);
	wake = raise_locked(w, ent, bits, &kick);
	spin_unlock_irqrestore(&w->lock, flags);
	kick_worker(w, wake, kick);
}

static enum hrtimer_restart vm_timer_fn(struct hrtimer *t)
{
	struct denali_sched_ent *ent = container_of(t, struct denali_sched_ent, timer);
	struct denali_worker *w = ent->worker;
	enum hrtimer_restart restart = HRTIMER_NORESTART;
	bool wake = false, kick = false;
	unsigned long flags;
	u64 now, next;

	spin_lock_irqsave(&w->lock, flags);
	now = ktime_get_ns();
	if (ent->alarm && now >= ent->alarm) {
		ent->alarm = 0;
		wake = raise_locked(w, ent, DENALI_IRQ_TIMER, &kick);
	}
	if (ent->state == DN_SCHED_IDLE && now >= ent->idle_deadline) {
		wake_locked(w, ent);
		ent_vm(ent)->stats.wake_timeout++;
		wake = true;
	}
	/* Someone armed it again meanwhile, with the state as it is now. */
	if (!hrtimer_is_queued(t)) {
		next = denali_sched_next_expiry(ent->state, ent->idle_deadline, ent->alarm);
		if (next != KTIME_MAX) {
			hrtimer_set_expires(t, ns_to_ktime(next));
			restart = HRTIMER_RESTART;
		}
	}
	spin_unlock_irqrestore(&w->lock, flags);
	kick_worker(w, wake, kick);
	return restart;
}

/**
 * denali_sched_set_alarm - arm or cancel a VM's alarm
 * @vm: the VM, whose worker calls this
 * @deadline: when to raise TIMER (ktime ns), 0 to cancel
 */
void denali_sched_set_alarm(struct denali_vm *vm, u64 deadline)
{
	struct denali_sched_ent *ent = &vm->sched;
	struct denali_worker *w = ent->worker;

	spin_lock_irq(&w->lock);
	ent->alarm = deadline;
	arm_timer(ent);
	spin_unlock_irq(&w->lock);
}

void denali_sched_ent_init(struct denali_vm *vm)
{
	struct denali_sched_ent *ent = &vm->sched;

	INIT_LIST_HEAD(&ent->node);
	ent->state = DN_SCHED_OFF;
	atomic_set(&ent->pending, 0);
	atomic64_set(&ent->raised, 0);
	ent->idle_deadline = KTIME_MAX;
	ent->idle_req = KTIME_MAX;
	hrtimer_init(&ent->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	ent->timer.function = vm_timer_fn;
	init_completion(&ent->done);
}

int denali_sched_worker_id(struct denali_vm *vm)
{
	struct denali_worker *w = READ_ONCE(vm->sched.worker);

	return w ? w->id : -1;
}

/**
 * denali_sched_attach - hand a started VM to the least loaded worker
 * @vm: the VM, with its vCPU and registers page set up
 *
 * From now on the VM belongs to that worker until it halts, is killed or
 * is stopped (denali_sched_stop()).
 */
void denali_sched_attach(struct denali_vm *vm)
{
	struct denali_sched_ent *ent = &vm->sched;
	unsigned int *load, i;
	struct denali_worker *w;

	mutex_lock(&assign_lock);
	load = kcalloc(nr_workers, sizeof(*load), GFP_KERNEL);
	i = 0;
	if (load) {
		for (i = 0; i < nr_workers; i++)
			load[i] = READ_ONCE(workers[i].nr_vms);
		i = denali_sched_pick_worker(load, nr_workers);
		kfree(load);
	}
	w = &workers[i];

	vm->vcpu->kick = &w->kick;
	spin_lock_irq(&w->lock);
	w->nr_vms++;
	WRITE_ONCE(ent->worker, w);
	ent->budget = quantum_ns();
	ent->state = DN_SCHED_QUEUED;
	denali_runq_add(&w->rq, ent, DN_RUNQ_READY);
	spin_unlock_irq(&w->lock);
	mutex_unlock(&assign_lock);
	wake_up_process(w->task);
}

/* The worker has let go of @vm for good (not under its lock). */
static void release_vm(struct denali_vm *vm)
{
	hrtimer_cancel(&vm->sched.timer);
	denali_nic_vm_stopped(vm);
	complete_all(&vm->sched.done);
}

/**
 * denali_sched_stop - make a VM's worker let go of it, and wait for that
 * @vm: the VM
 *
 * A VM that still runs ends in state stopped. A queued or sleeping one is
 * taken off its worker right here; only one that is running its quantum
 * now is waited for (at most the rest of one exit). Returns at once for a
 * VM that never started; safe to call more than once.
 */
void denali_sched_stop(struct denali_vm *vm)
{
	struct denali_sched_ent *ent = &vm->sched;
	struct denali_worker *w = READ_ONCE(ent->worker);
	bool kick = false, taken = false;

	if (!w)
		return;
	spin_lock_irq(&w->lock);
	WRITE_ONCE(ent->stop, true);
	switch (ent->state) {
	case DN_SCHED_QUEUED:
		list_del_init(&ent->node);
		fallthrough;
	case DN_SCHED_IDLE:
		ent->state = DN_SCHED_OFF;
		ent->alarm = 0;
		w->nr_vms--;
		taken = true;
		break;
	case DN_SCHED_RUNNING:
		WRITE_ONCE(w->kick, true);
		kick = true;
		break;
	}
	spin_unlock_irq(&w->lock);
	if (taken) {
		denali_run_set_state(vm, DENALI_VM_STATE_STOPPED);
		release_vm(vm);
		return;
	}
	kick_worker(w, false, kick);
	wait_for_completion(&ent->done);
}

/* The registers page clock: how the guest turns TSC ticks into nanoseconds. */
static u32 clock_khz;
static u64 clock_mult;
#define CLOCK_SHIFT 32

static void clock_init(void)
{
	clock_khz = tsc_khz;
	clock_mult = clock_khz ? div_u64((u64)NSEC_PER_MSEC << CLOCK_SHIFT, clock_khz) : 0;
}

/* What the module writes into a registers page before a VM first runs. */
void denali_sched_regs_setup(struct denali_regs *regs)
{
	regs->tsc_khz = clock_khz;
	regs->tsc_shift = CLOCK_SHIFT;
	regs->tsc_mult = clock_mult;
}

/**
 * denali_sched_deliver - hand a VM's raised bits to its registers page now
 * @vm: the VM, whose worker runs it and calls this
 *
 * One batch; and one interrupt at the guest's vector on the next entry if
 * a bit is pending and the guest can take it. At the start of every
 * quantum, and when IDLE or HLT find bits waiting in the module (the
 * guest, which checked its page, could not see them yet).
 */
void denali_sched_deliver(struct denali_vm *vm)
{
	u32 bits = atomic_xchg(&vm->sched.pending, 0);

	vm->vcpu->irq_vector = denali_irq_deliver(vm->regs, bits);
	if (bits)
		vm->stats.irq_batches++;
}

/* The start of a quantum: the clock, then the pending bits. */
static void begin_quantum(struct denali_vm *vm)
{
	struct denali_regs *regs = vm->regs;

	regs->time_tsc = rdtsc_ordered();
	regs->time_ns = ktime_get_ns();
	vm->vcpu->new_quantum = true;
	denali_nic_regs_refresh(vm);
	denali_disk_regs_refresh(vm);
	denali_sched_deliver(vm);
}

/*
 * Arm the quantum timer for @end on this CPU, if it is not armed here
 * already: handling an exit may sleep, and the worker may wake up on
 * another CPU, where the old timer would not make the guest exit.
 */
static void arm_quantum_timer(struct denali_worker *w, u64 end, bool fresh)
{
	int cpu = raw_smp_processor_id();

	if (denali_arch->quantum_timer || (!fresh && cpu == w->quantum_cpu))
		return;
	w->quantum_cpu = cpu;
	hrtimer_start(&w->quantum_timer, ns_to_ktime(end), HRTIMER_MODE_ABS_PINNED);
}

static enum hrtimer_restart quantum_timer_fn(struct hrtimer *t)
{
	/* The interrupt itself made the guest exit; the worker sees the time. */
	return HRTIMER_NORESTART;
}

/* Runs @vm for one quantum on worker @w; returns why the quantum ended. */
static enum denali_run_result run_quantum(struct denali_worker *w, struct denali_vm *vm)
{
	struct denali_sched_ent *ent = &vm->sched;
	struct denali_vcpu *vcpu = vm->vcpu;
	u64 start = ktime_get_ns(), end = start + max_t(s64, ent->budget, 0);
	struct mem_cgroup *old_memcg;
	enum denali_run_result res;
	u64 now;
	int ret;

	vm->stats.quanta++;
	old_memcg = denali_vm_charge_begin(vm);
	begin_quantum(vm);
	arm_quantum_timer(w, end, true);
	for (;;) {
		if (READ_ONCE(ent->stop)) {
			denali_run_set_state(vm, DENALI_VM_STATE_STOPPED);
			res = DN_RUN_END;
			break;
		}
		arm_quantum_timer(w, end, false);
		ret = denali_arch->vcpu_run(vcpu);
		if (vcpu->irq_injected) {
			vcpu->irq_injected = false;
			vm->stats.irqs_injected++;
		}
		if (ret == -EINTR) {
			/* Kicked before entering: to stop (above), or to switch. */
			if (READ_ONCE(vm->sched.stop))
				continue;
			res = DN_RUN_YIELD;
			break;
		}
		if (ret == -EAGAIN) {
			/* Our CPU is going offline: let the scheduler move us. */
			schedule_timeout_uninterruptible(1);
			res = DN_RUN_YIELD;
			break;
		}
		if (ret) {
			vcpu->exit.reason = DN_EXIT_KILL;
			vcpu->exit.crash = DENALI_CRASH_INVALID_STATE;
		}
		res = denali_handle_exit(vcpu);
		if (res != DN_RUN_CONTINUE)
			break;
		/* A stop kicks too: end the VM now, not after a round of the queue. */
		if (READ_ONCE(vm->sched.stop))
			continue;
		if (READ_ONCE(w->kick) || need_resched() || ktime_get_ns() >= end) {
			res = DN_RUN_YIELD;
			break;
		}
	}
	hrtimer_cancel(&w->quantum_timer);
	denali_vm_charge_end(old_memcg);
	vcpu->irq_vector = 0;
	now = ktime_get_ns();
	vm->stats.run_ns += now - start;
	ent->budget -= now - start;
	return res;
}

/* The next VM for @w to run, now RUNNING there; NULL if none. Under @w->lock. */
static struct denali_vm *pick_locked(struct denali_worker *w)
{
	struct denali_sched_ent *ent = denali_runq_pop(&w->rq);

	if (!ent)
		return NULL;
	ent->state = DN_SCHED_RUNNING;
	w->cur = ent_vm(ent);
	WRITE_ONCE(w->kick, false);
	return w->cur;
}

/* After @vm's quantum on @w ended with @res: queue it, put it to sleep, or let go. */
static void park(struct denali_worker *w, struct denali_vm *vm, enum denali_run_result res)
{
	struct denali_sched_ent *ent = &vm->sched;

	spin_lock_irq(&w->lock);
	w->cur = NULL;
	switch (res) {
	case DN_RUN_END:
		ent->state = DN_SCHED_OFF;
		ent->alarm = 0;
		w->nr_vms--;
		break;
	case DN_RUN_IDLE:
		ent->idle_deadline = ent->idle_req;
		/* Only new bits: ones left in the page do not end a sleep (see idle()). */
		if (!READ_ONCE(ent->stop) && !atomic_read(&ent->pending)) {
			ent->state = DN_SCHED_IDLE;
			vm->stats.idles++;
			arm_timer(ent);
			break;
		}
		/* An interrupt came in the meantime: no sleep at all. */
		wake_locked(w, ent);
		break;
	default:
		/* Its quantum is over (or it gave it up): the back, a fresh one. */
		ent->state = DN_SCHED_QUEUED;
		ent->budget = quantum_ns();
		denali_runq_add(&w->rq, ent, DN_RUNQ_READY);
		break;
	}
	spin_unlock_irq(&w->lock);

	if (res == DN_RUN_END)
		release_vm(vm);
}

/*
 * A worker is freezable: system suspend stops it between two quanta, so
 * no guest runs (and no device of one is touched) while the machine
 * sleeps; the guests carry on after resume, their timers late.
 */
static int worker_fn(void *arg)
{
	struct denali_worker *w = arg;
	struct denali_vm *vm;

	set_freezable();
	while (!kthread_should_stop()) {
		try_to_freeze();
		spin_lock_irq(&w->lock);
		vm = pick_locked(w);
		if (!vm)
			set_current_state(TASK_INTERRUPTIBLE);
		spin_unlock_irq(&w->lock);
		if (!vm) {
			/* A freeze asked for before we slept would find no sleeper to wake. */
			if (!kthread_should_stop() && !freezing(current))
				schedule();
			__set_current_state(TASK_RUNNING);
			continue;
		}
		park(w, vm, run_quantum(w, vm));
		cond_resched();
	}
	return 0;
}

/**
 * denali_sched_init - start the workers
 *
 * One per online CPU, or as many as the module parameter workers says
 * (at most one per possible CPU). They are not bound to CPUs: Linux
 * places them, and moves them off CPUs going offline; a VM's control
 * block follows its worker.
 */
int denali_sched_init(void)
{
	unsigned int i, n = nr_workers_param ? nr_workers_param : num_online_cpus();
	int ret;

	n = clamp(n, 1U, num_possible_cpus());
	clock_init();
	workers = kcalloc(n, sizeof(*workers), GFP_KERNEL);
	if (!workers)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct denali_worker *w = &workers[i];

		spin_lock_init(&w->lock);
		denali_runq_init(&w->rq);
		w->id = i;
		hrtimer_init(&w->quantum_timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_PINNED);
		w->quantum_timer.function = quantum_timer_fn;
		w->task = kthread_run(worker_fn, w, "denali/w%u", i);
		if (IS_ERR(w->task)) {
			ret = PTR_ERR(w->task);
			w->task = NULL;
			denali_sched_exit();
			return ret;
		}
		nr_workers = i + 1;
	}
	nr_workers_param = nr_workers;
	return 0;
}

/* Module unload, after every VM is gone: stop the workers. */
void denali_sched_exit(void)
{
	unsigned int i;

	for (i = 0; i < nr_workers; i++) {
		WARN_ON_ONCE(workers[i].nr_vms);
		kthread_stop(workers[i].task);
	}
	kfree(workers);
	workers = NULL;
	nr_workers = 0;
}
