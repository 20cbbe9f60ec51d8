/* SPDX-License-Identifier: GPL-2.0 */
/* The scheduler: worker threads multiplexing many VMs, idle, interrupts, alarms. */
#ifndef _DENALI_SCHED_H
#define _DENALI_SCHED_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/hrtimer.h>
#include <linux/completion.h>
#include <linux/atomic.h>

struct denali_vm;
struct denali_worker;
struct denali_regs;

/* Where a VM is, as its worker sees it (under the worker's lock). */
enum denali_sched_state {
	DN_SCHED_OFF,		/* not started, or its worker let go of it */
	DN_SCHED_QUEUED,	/* on one of the worker's run queues */
	DN_SCHED_RUNNING,	/* the worker runs its quantum now */
	DN_SCHED_IDLE,		/* asleep until an interrupt or its deadline */
};

/* How interrupts reach a VM (module parameter irq_delivery). */
enum denali_irq_mode {
	DN_IRQ_BATCHED,		/* at the start of the VM's next quantum */
	DN_IRQ_IMMEDIATE,	/* preempt whatever the worker runs, switch at once */
};

/**
 * struct denali_sched_ent - a VM's place in the scheduler
 * @worker: the worker it is sticky to, from start on
 * @node: on @worker's woken or ready queue while QUEUED
 * @state: enum denali_sched_state, under @worker's lock
 * @stop: the VM is to stop at the next exit
 * @pending: interrupt bits raised and not yet delivered to the registers page
 * @raised: interrupt bits ever raised (a counter, read into the VM's stats)
 * @budget: what is left of its quantum in this round of the queue (ns)
 * @idle_req: the deadline its last IDLE asked for, set by its worker
 * @idle_deadline: while IDLE, when the sleep times out (ktime ns; KTIME_MAX:
 *	never); under the worker's lock
 * @alarm: the guest's alarm (ktime ns; 0: none)
 * @timer: fires at the earlier of @idle_deadline and @alarm
 * @done: completed when the worker lets go of the VM for good
 */
struct denali_sched_ent {
	struct denali_worker *worker;
	struct list_head node;
	u32 state;
	bool stop;
	atomic_t pending;
	atomic64_t raised;
	s64 budget;
	u64 idle_req;
	u64 idle_deadline;
	u64 alarm;
	struct hrtimer timer;
	struct completion done;
};

/* A worker's runnable VMs: woken ones first, then round-robin. */
struct denali_runq {
	struct list_head woken;
	struct list_head ready;
};

enum denali_runq_where {
	DN_RUNQ_READY,		/* back of the round-robin */
	DN_RUNQ_WOKEN,		/* after other woken VMs, before all ready ones */
	DN_RUNQ_FIRST,		/* before everybody */
};

/* What a quantum's exit handling asks of the worker (denali_handle_exit). */
enum denali_run_result {
	DN_RUN_CONTINUE,	/* enter the guest again */
	DN_RUN_END,		/* halted or killed: state recorded */
	DN_RUN_IDLE,		/* sleep until vcpu->vm->sched.idle_req or an interrupt */
	DN_RUN_YIELD,		/* end the quantum, stay runnable */
};

extern unsigned int denali_quantum_us;

int denali_sched_init(void);
void denali_sched_exit(void);
unsigned int denali_sched_nr_workers(void);
enum denali_irq_mode denali_sched_irq_mode(void);
const char *denali_sched_irq_mode_name(void);

void denali_sched_ent_init(struct denali_vm *vm);
void denali_sched_attach(struct denali_vm *vm);
void denali_sched_stop(struct denali_vm *vm);
void denali_sched_raise(struct denali_vm *vm, u32 bits);
void denali_sched_deliver(struct denali_vm *vm);
u64 denali_sched_quantum_ns(void);
void denali_sched_set_alarm(struct denali_vm *vm, u64 deadline);
int denali_sched_worker_id(struct denali_vm *vm);
void denali_sched_regs_setup(struct denali_regs *regs);

/* Hardware-free pieces, exported for KUnit. */
unsigned int denali_sched_pick_worker(const unsigned int *load, unsigned int n);
u64 denali_sched_deadline(u64 now, u64 timeout_ns);
u64 denali_sched_next_expiry(u32 state, u64 idle_deadline, u64 alarm);
enum denali_runq_where denali_sched_wake_where(s64 *budget, s64 quantum);
void denali_runq_init(struct denali_runq *rq);
void denali_runq_add(struct denali_runq *rq, struct denali_sched_ent *ent,
		     enum denali_runq_where how);
void denali_runq_move_first(struct denali_runq *rq, struct denali_sched_ent *ent);
struct denali_sched_ent *denali_runq_pop(struct denali_runq *rq);
u8 denali_irq_deliver(struct denali_regs *regs, u32 bits);

#endif /* _DENALI_SCHED_H */
