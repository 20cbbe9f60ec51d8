// SPDX-License-Identifier: GPL-2.0
/* Running a VM: start, stop, teardown, and how a run ends. */
#include <linux/err.h>
#include <linux/module.h>

#include "core/arch.h"
#include "core/guest.h"
#include "core/run.h"
#include "core/sched.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "ctl/netlink.h"

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
	denali_vtlb_free(&vm->vtlb);
	denali_npt_free(&vm->npt);
}

/**
 * denali_run_start - start a created VM
 * @vm: the VM, with an entry point
 * @why: set to a message for the user on refusal
 *
 * Builds its nested tables, registers page and control block, and hands
 * it to a worker. Returns 0, -EBUSY (not in state created), -EINVAL (no entry
 * point), -ENODEV (being destroyed) or -ENOMEM.
 */
int denali_run_start(struct denali_vm *vm, const char **why)
{
	struct denali_vcpu *vcpu;
	int ret;

	mutex_lock(&vm->run_lock);
	*why = NULL;
	if (READ_ONCE(vm->dead) || vm->run_closed) {
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
	denali_vtlb_setup(&vm->vtlb, &vm->npt, denali_arch->npt_tables_writable,
			  vm->mem.size);
	ret = denali_guest_setup(vm, denali_arch->hypercall_insn);
	if (ret)
		goto err;
	vcpu = denali_arch->vcpu_create(vm);
	if (IS_ERR(vcpu)) {
		ret = PTR_ERR(vcpu);
		goto err;
	}
	vm->vcpu = vcpu;
	denali_run_set_state(vm, DENALI_VM_STATE_RUNNING);
	denali_sched_attach(vm);
	goto out;

err:
	release_cpu_state(vm);
	if (!*why)
		*why = "cannot set the VM up to run";
out:
	mutex_unlock(&vm->run_lock);
	return ret;
}

/* Stops a running VM and waits until its worker has let go of it. */
int denali_run_stop(struct denali_vm *vm, const char **why)
{
	int ret = 0;

	mutex_lock(&vm->run_lock);
	if (READ_ONCE(vm->state) != DENALI_VM_STATE_RUNNING) {
		*why = "VM is not running";
		ret = -EINVAL;
	} else {
		denali_sched_stop(vm);
	}
	mutex_unlock(&vm->run_lock);
	return ret;
}

/*
 * Destroy, first part: the VM never runs again (stopped now if it ran).
 * Its vCPU, tables and registers page stay for what may still write into
 * them (disk requests in flight) until denali_run_teardown().
 */
void denali_run_close(struct denali_vm *vm)
{
	mutex_lock(&vm->run_lock);
	vm->run_closed = true;
	denali_sched_stop(vm);
	mutex_unlock(&vm->run_lock);
}

/*
 * Destroy: stop the VM if it runs, make every CPU forget the VM's
 * translations, free its control block and nested tables. The guest's
 * pages are freed by the caller afterwards.
 */
void denali_run_teardown(struct denali_vm *vm)
{
	mutex_lock(&vm->run_lock);
	/* A start waiting for the lock must not bring it back to life. */
	vm->run_closed = true;
	denali_sched_stop(vm);
	release_cpu_state(vm);
	vm->regs = NULL;
	mutex_unlock(&vm->run_lock);
}
