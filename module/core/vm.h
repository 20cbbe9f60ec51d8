/* SPDX-License-Identifier: GPL-2.0 */
/* VM objects: creation with validated parameters, lookup, lifetime, limits. */
#ifndef _DENALI_VM_H
#define _DENALI_VM_H

#include <linux/types.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/rwsem.h>
#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/denali.h>

#include "core/mem.h"
#include "core/npt.h"
#include "core/console.h"
#include "core/disk.h"
#include "core/sched.h"
#include "core/stats.h"
#include "core/vtlb.h"

struct denali_vcpu;
struct denali_regs;
struct denali_nic;

struct denali_vm {
	u32 id;
	char name[DENALI_VM_NAME_MAX + 1];
	u64 entry;			/* guest-physical entry point, 0 if none */
	char cmdline[DENALI_CMDLINE_MAX];	/* boot command line, NUL-terminated */
	u32 state;			/* enum denali_vm_state */
	struct denali_mem mem;

	/*
	 * Held for reading by whoever touches @mem from outside (the VM file
	 * descriptor), for writing by destroy, which sets @dead and frees
	 * the memory: after that the struct lives on only for open
	 * descriptors, and every access through them fails.
	 */
	struct rw_semaphore lock;
	bool dead;

	struct kref ref;
	struct hlist_node name_node;	/* in the registry's name table */
	/*
	 * The memory cgroup of the process that created the VM: guest pages,
	 * nested and TLB tables and disk requests are charged to it, also
	 * when a worker or a disk work item allocates them (a reference).
	 */
	struct mem_cgroup *memcg;
	/* Destroy's last part, for a VM whose disks may still have I/O in flight. */
	struct work_struct reap_work;

	/*
	 * Running (core/run.c). @run_lock orders start, stop and teardown.
	 * The vCPU and nested tables exist from start until teardown; a
	 * worker (core/sched.c) runs the guest until it halts, crashes or is
	 * stopped. @regs is the registers page, mapped for the module.
	 */
	struct mutex run_lock;
	bool run_closed;		/* torn down: never to start again */
	struct denali_vcpu *vcpu;
	struct denali_npt npt;
	struct denali_regs *regs;
	struct denali_sched_ent sched;
	struct denali_vm_stats stats;

	/* How it ended: HALT's code, or why and where it was killed. */
	u32 exit_code;
	u32 crash_reason;		/* enum denali_crash_reason */
	u64 crash_rip;
	u64 crash_info;

	struct denali_console console;

	/*
	 * NICs (core/nic.c, which states the locking rules): by guest NIC
	 * number, written under RTNL, read under RCU. @nics_closed: destroy
	 * has begun, no NIC may be added. @nic_gen counts changes the
	 * registers page must show; @nic_gen_seen is what the worker wrote
	 * there last.
	 */
	struct denali_nic __rcu *nics[DENALI_NIC_MAX];
	bool nics_closed;
	atomic_t nic_gen;
	u32 nic_gen_seen;

	/* Disks and their completion ring (core/disk.c states the rules). */
	struct denali_vm_disks disks;

	/* The virtual MMU (core/vtlb.c): only the worker changes it. */
	struct denali_vtlb vtlb;
};

struct denali_vm_params {
	const char *name;
	u64 mem_size;
	u64 entry;
	bool has_entry;			/* else no entry point yet */
	const char *cmdline;		/* NULL: none */
	u32 tlb_size;			/* 0: DENALI_TLB_SIZE_DEFAULT */
};

/* Limits, module parameters (see vm.c). */
u32 denali_max_vms(void);
u64 denali_max_vm_mem(void);

const char *denali_vm_name_invalid(const char *name);
const char *denali_vm_mem_invalid(u64 size, u64 max);
const char *denali_vm_entry_invalid(u64 entry, u64 mem_size);
const char *denali_vm_cmdline_invalid(const char *cmdline);
const char *denali_vm_tlb_size_invalid(u32 size);
const char *denali_vm_params_invalid(const struct denali_vm_params *p, int *attr);

struct denali_vm *denali_vm_create(const struct denali_vm_params *p,
				   const char **why);
int denali_vm_destroy(struct denali_vm *vm);
void denali_vm_destroy_all(void);

struct denali_vm *denali_vm_get_by_id(u32 id);
struct denali_vm *denali_vm_get_by_name(const char *name);
struct denali_vm *denali_vm_get_next(u32 *id);
void denali_vm_put(struct denali_vm *vm);

u32 denali_vm_count(void);
u32 denali_vm_generation(void);

int denali_vm_registry_init(void);
void denali_vm_registry_exit(void);

/*
 * Charge what this thread allocates from now on to @vm's creator, until
 * denali_vm_charge_end() with what this returned (workers, disk work).
 */
static inline struct mem_cgroup *denali_vm_charge_begin(struct denali_vm *vm)
{
	return set_active_memcg(vm->memcg);
}

static inline void denali_vm_charge_end(struct mem_cgroup *old)
{
	set_active_memcg(old);
}

#endif /* _DENALI_VM_H */
