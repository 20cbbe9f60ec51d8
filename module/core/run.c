// SPDX-License-Identifier: GPL-2.0
/* Running a VM: its thread, start, stop, and how a run ends. */
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/err.h>
#include <linux/module.h>

#include "core/arch.h"
#include "core/guest.h"
#include "core/run.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "ctl/netlink.h"

/*
 * The longest a guest runs without an exit. Host timer interrupts force
 * exits too, but a CPU may be tickless, and an emulator may hold external
 * interrupts while the guest has them disabled: the backend arms its own
 * timer (the VMX preemption timer) for this.
 */
unsigned int denali_quantum_us = 1000;
module_param_named(quantum_us, denali_quantum_us, uint, 0444);
MODULE_PARM_DESC(quantum_us, "Longest guest run between exits, in microseconds (default 1000)");

/*
 * One kernel thread per running VM, for now: it enters the guest, handles
 * the exit, and goes round again until the VM halts, is killed or is
 * stopped. It checks need_resched on every exit, and a guest that never
 * exits by itself still exits on every host timer interrupt, so a busy
 * guest costs the CPU share the Linux scheduler gives the thread and no
 * more. (Issue "scheduler" replaces the thread per VM with a few workers
 * multiplexing many VMs.)
 */
static int vm_thread(void *arg)
{
	struct denali_vm *vm = arg;
	struct denali_vcpu *vcpu = vm->vcpu;
	int ret;

	for (;;) {
		if (kthread_should_stop()) {
			denali_run_set_state(vm, DENALI_VM_STATE_STOPPED);
			break;
		}
		cond_resched();
		ret = denali_arch->vcpu_run(vcpu);
		if (ret == -EAGAIN) {
			/* Our CPU is going offline: let the scheduler move us. */
			schedule_timeout_uninterruptible(1);
			continue;
		}
		if (ret) {
			vcpu->exit.reason = DN_EXIT_KILL;
			vcpu->exit.crash = DENALI_CRASH_INVALID_STATE;
		}
		if (denali_handle_exit(vcpu))
			break;
	}
	return 0;
}

static const u32 state_event[] = {
	[DENALI_VM_STATE_RUNNING] = DENALI_EVENT_STARTED,
	[DENALI_VM_STATE_HALTED] = DENALI_EVENT_HALTED,
	[DENALI_VM_STATE_CRASHED] = DENALI_EVENT_CRASHED,
	[DENALI_VM_STATE_STOPPED] = DENALI_EVENT_STOPPED,
};

/* Record the VM's new state and tell whoever listens and reads. */
void denali_run_set_state(struct denali_vm *vm, u32 state)
{
	WRITE_ONCE(vm->state, state);
	denali_nl_notify(vm, state_event[state]);
	denali_console_wake(&vm->console);
}

static void release_cpu_state(struct denali_vm *vm)
{
	if (vm->vcpu) {
		denali_arch->flush_vm(vm->vcpu);
		denali_arch->vcpu_free(vm->vcpu);
		vm->vcpu = NULL;
	}
	denali_npt_free(&vm->npt);
}

/**
 * denali_run_start - start a created VM
 * @vm: the VM, with an entry point
 * @why: set to a message for the user on refusal
 *
 * Builds its nested tables, registers page and control block, and starts
 * its thread. Returns 0, -EBUSY (not in state created), -EINVAL (no entry
 * point), -ENODEV (being destroyed) or -ENOMEM.
 */
int denali_run_start(struct denali_vm *vm, const char **why)
{
	struct task_struct *task;
	struct denali_vcpu *vcpu;
	int ret;

	mutex_lock(&vm->run_lock);
	*why = NULL;
	if (READ_ONCE(vm->dead)) {
		*why = "VM is being destroyed";
		ret = -ENODEV;
		goto out;
	}
	if (vm->state != DENALI_VM_STATE_CREATED) {
		*why = "VM has already been started";
		ret = -EBUSY;
		goto out;
	}
	if (!vm->entry) {
		*why = "VM has no entry point: create it with an image";
		ret = -EINVAL;
		goto out;
	}

	ret = denali_npt_init(&vm->npt, denali_arch->npt_fmt);
	if (ret)
		goto out;
	ret = denali_guest_setup(vm, denali_arch->hypercall_insn);
	if (ret)
		goto err;
	vcpu = denali_arch->vcpu_create(vm);
	if (IS_ERR(vcpu)) {
		ret = PTR_ERR(vcpu);
		goto err;
	}
	vm->vcpu = vcpu;

	task = kthread_create(vm_thread, vm, "denali/%u", vm->id);
	if (IS_ERR(task)) {
		ret = PTR_ERR(task);
		goto err;
	}
	get_task_struct(task);
	vm->task = task;
	denali_run_set_state(vm, DENALI_VM_STATE_RUNNING);
	wake_up_process(task);
	goto out;

err:
	release_cpu_state(vm);
	if (!*why)
		*why = "cannot set the VM up to run";
out:
	mutex_unlock(&vm->run_lock);
	return ret;
}

/*
 * Stops the VM's thread (if it has not ended by itself) and waits for it.
 * kthread_stop() may be called once per thread: it consumes the thread's
 * exit completion, so the thread is forgotten right after.
 */
static void reap_thread(struct denali_vm *vm)
{
	lockdep_assert_held(&vm->run_lock);
	if (!vm->task)
		return;
	kthread_stop(vm->task);
	put_task_struct(vm->task);
	vm->task = NULL;
}

/* Stops a running VM and waits until its thread is gone. */
int denali_run_stop(struct denali_vm *vm, const char **why)
{
	int ret = 0;

	mutex_lock(&vm->run_lock);
	if (READ_ONCE(vm->state) != DENALI_VM_STATE_RUNNING || !vm->task) {
		*why = "VM is not running";
		ret = -EINVAL;
	} else {
		reap_thread(vm);
	}
	mutex_unlock(&vm->run_lock);
	return ret;
}

/*
 * Destroy: stop the thread if it runs, make every CPU forget the VM's
 * translations, free its control block and nested tables. The guest's
 * pages are freed by the caller afterwards.
 */
void denali_run_teardown(struct denali_vm *vm)
{
	mutex_lock(&vm->run_lock);
	reap_thread(vm);
	release_cpu_state(vm);
	mutex_unlock(&vm->run_lock);
}
