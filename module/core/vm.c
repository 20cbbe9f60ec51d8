// SPDX-License-Identifier: GPL-2.0
/* VM objects: creation with validated parameters, lookup, lifetime, limits. */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/xarray.h>
#include <linux/hashtable.h>
#include <linux/stringhash.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include <linux/workqueue.h>
#include <linux/denali_guest.h>
#include <kunit/visibility.h>

#include "core/vm.h"
#include "core/run.h"
#include "core/nic.h"
#include "core/disk.h"
#include "ctl/netlink.h"

/* How many VMs may exist at once; Denali's point is thousands of them. */
static unsigned int max_vms = 16384;
module_param(max_vms, uint, 0444);
MODULE_PARM_DESC(max_vms, "Most VMs that may exist at once (default 16384)");

/* Largest guest memory, in MiB; the guest physical space is 32 bits wide. */
static unsigned int max_vm_mem_mb = 256;
module_param(max_vm_mem_mb, uint, 0444);
MODULE_PARM_DESC(max_vm_mem_mb, "Largest VM memory in MiB (default 256, at most 4096)");

/*
 * The registry. @vms_lock orders creation and destruction; lookups take a
 * reference under it. IDs come from a cyclic allocator so a destroyed VM's
 * ID is not handed out again soon (not before 2^32 creations).
 */
static DEFINE_MUTEX(vms_lock);
static DEFINE_XARRAY_ALLOC1(vms);
static u32 vms_next_id;
static DEFINE_HASHTABLE(vms_by_name, 10);
static u32 vms_count;
static u32 vms_generation;
static bool vms_closed;		/* module unloading: no more VMs */
/*
 * Destroyed VMs whose teardown still waits for disk I/O (vm_reap()), on a
 * workqueue of the module's own, which unload destroys: that waits for
 * every item to have returned, not only to have done its work.
 */
static struct workqueue_struct *reap_wq;

static void vm_reap(struct work_struct *work);

u32 denali_max_vms(void)
{
	return max_vms;
}

u64 denali_max_vm_mem(void)
{
	return min_t(u64, (u64)max_vm_mem_mb << 20, DENALI_VM_MEM_HARD_MAX);
}

/**
 * denali_vm_name_invalid - why a VM name is not acceptable
 * @name: NUL-terminated candidate
 *
 * Names are 1 to DENALI_VM_NAME_MAX characters of [A-Za-z0-9_.-] and do not
 * start with '-' or '.', so they are safe in file names, shells and logs.
 * Returns NULL when @name is fine, else a message for the user.
 */
const char *denali_vm_name_invalid(const char *name)
{
	size_t len = strnlen(name, DENALI_VM_NAME_MAX + 1);
	size_t i;

	if (len == 0)
		return "VM name is empty";
	if (len > DENALI_VM_NAME_MAX)
		return "VM name longer than 31 characters";
	if (name[0] == '-' || name[0] == '.')
		return "VM name must not start with '-' or '.'";
	for (i = 0; i < len; i++) {
		/* ASCII only: the kernel's isalnum() also takes Latin-1 letters. */
		if (!isascii(name[i]) || (!isalnum(name[i]) && !strchr("_.-", name[i])))
			return "VM name may only contain letters, digits, '_', '.' and '-'";
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(denali_vm_name_invalid);

/* Why @size bytes is not an acceptable guest memory size under limit @max. */
const char *denali_vm_mem_invalid(u64 size, u64 max)
{
	if (size == 0)
		return "memory size is 0";
	if (size & (DENALI_VM_PAGE_SIZE - 1))
		return "memory size is not a multiple of 4 KiB";
	if (size < DENALI_VM_MEM_MIN)
		return "memory size below the 2 MiB minimum";
	if (size > max)
		return "memory size above the limit (module parameter max_vm_mem_mb)";
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(denali_vm_mem_invalid);

/* Why @entry is not an acceptable entry point for a guest of @mem_size bytes. */
const char *denali_vm_entry_invalid(u64 entry, u64 mem_size)
{
	if (entry < DENALI_GUEST_LOAD_MIN)
		return "entry point below the 1 MiB load address";
	if (entry >= mem_size)
		return "entry point outside guest memory";
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(denali_vm_entry_invalid);

/* Why @cmdline is not an acceptable boot command line (NULL: fine). */
const char *denali_vm_cmdline_invalid(const char *cmdline)
{
	size_t len = strnlen(cmdline, DENALI_CMDLINE_MAX);
	size_t i;

	if (len >= DENALI_CMDLINE_MAX)
		return "command line longer than 511 bytes";
	for (i = 0; i < len; i++) {
		if (cmdline[i] < 0x20 || cmdline[i] > 0x7e)
			return "command line may only contain printable ASCII characters";
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(denali_vm_cmdline_invalid);

/* Why @size is not an acceptable TLB size (0 stands for the default). */
const char *denali_vm_tlb_size_invalid(u32 size)
{
	if (size && (size < DENALI_TLB_SIZE_MIN || size > DENALI_TLB_SIZE_MAX))
		return "TLB size must be 16 to 2048 entries";
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(denali_vm_tlb_size_invalid);

/**
 * denali_vm_params_invalid - why VM creation parameters are not acceptable
 * @p: the parameters
 * @attr: if not NULL, set to the DENALI_A_* attribute the reason is about
 *
 * Returns NULL when @p is fine, else a message for the user.
 */
const char *denali_vm_params_invalid(const struct denali_vm_params *p, int *attr)
{
	const char *why;
	int bad;

	why = denali_vm_name_invalid(p->name);
	bad = DENALI_A_VM_NAME;
	if (!why) {
		why = denali_vm_mem_invalid(p->mem_size, denali_max_vm_mem());
		bad = DENALI_A_VM_MEM_SIZE;
	}
	if (!why && p->has_entry) {
		why = denali_vm_entry_invalid(p->entry, p->mem_size);
		bad = DENALI_A_VM_ENTRY;
	}
	if (!why && p->cmdline) {
		why = denali_vm_cmdline_invalid(p->cmdline);
		bad = DENALI_A_VM_CMDLINE;
	}
	if (!why) {
		why = denali_vm_tlb_size_invalid(p->tlb_size);
		bad = DENALI_A_VM_TLB_SIZE;
	}
	if (attr)
		*attr = bad;
	return why;
}
EXPORT_SYMBOL_IF_KUNIT(denali_vm_params_invalid);

static struct denali_vm *find_by_name(const char *name)
{
	struct denali_vm *vm;
	u32 h = full_name_hash(NULL, name, strlen(name));

	lockdep_assert_held(&vms_lock);
	hash_for_each_possible(vms_by_name, vm, name_node, h) {
		if (!strcmp(vm->name, name))
			return vm;
	}
	return NULL;
}

static void vm_release(struct kref *ref)
{
	struct denali_vm *vm = container_of(ref, struct denali_vm, ref);

	WARN_ON_ONCE(!vm->dead);
	denali_console_free(&vm->console);
	mem_cgroup_put(vm->memcg);
	kfree(vm);
}

void denali_vm_put(struct denali_vm *vm)
{
	kref_put(&vm->ref, vm_release);
}

/**
 * denali_vm_create - create a VM from validated parameters
 * @p: name, memory size and optional entry point
 * @why: set to a message for the user when creation is refused
 *
 * Returns the new VM with a reference for the caller, or an ERR_PTR:
 * -EINVAL (bad parameters), -EEXIST (name taken), -ENOSPC (max_vms
 * reached), -ENOMEM. A refusal changes nothing.
 */
struct denali_vm *denali_vm_create(const struct denali_vm_params *p,
				   const char **why)
{
	struct denali_vm *vm;
	int ret;

	*why = denali_vm_params_invalid(p, NULL);
	if (*why)
		return ERR_PTR(-EINVAL);

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return ERR_PTR(-ENOMEM);
	strscpy(vm->name, p->name, sizeof(vm->name));
	vm->entry = p->entry;
	if (p->cmdline)
		strscpy(vm->cmdline, p->cmdline, sizeof(vm->cmdline));
	vm->state = DENALI_VM_STATE_CREATED;
	denali_mem_init(&vm->mem, p->mem_size);
	init_rwsem(&vm->lock);
	kref_init(&vm->ref);
	INIT_WORK(&vm->reap_work, vm_reap);
	/* NULL without memory cgroups, or for a kernel thread's request. */
	vm->memcg = current->mm ? get_mem_cgroup_from_mm(current->mm) : NULL;
	mutex_init(&vm->run_lock);
	denali_console_init(&vm->console);
	denali_sched_ent_init(vm);
	denali_disks_init(vm);
	denali_vtlb_init(&vm->vtlb, p->tlb_size ?: DENALI_TLB_SIZE_DEFAULT);

	mutex_lock(&vms_lock);
	if (vms_closed) {
		*why = "module unloading";
		ret = -ESHUTDOWN;
		goto err_unlock;
	}
	if (vms_count >= max_vms) {
		*why = "too many VMs (module parameter max_vms)";
		ret = -ENOSPC;
		goto err_unlock;
	}
	if (find_by_name(vm->name)) {
		*why = "a VM with this name exists";
		ret = -EEXIST;
		goto err_unlock;
	}
	ret = xa_alloc_cyclic(&vms, &vm->id, vm, xa_limit_32b, &vms_next_id,
			      GFP_KERNEL_ACCOUNT);
	if (ret < 0)
		goto err_unlock;
	hash_add(vms_by_name, &vm->name_node,
		 full_name_hash(NULL, vm->name, strlen(vm->name)));
	vms_count++;
	vms_generation++;
	kref_get(&vm->ref);		/* the registry's reference */
	denali_nl_notify(vm, DENALI_EVENT_CREATED);
	mutex_unlock(&vms_lock);
	return vm;

err_unlock:
	mutex_unlock(&vms_lock);
	vm->dead = true;
	denali_vm_put(vm);
	return ERR_PTR(ret);
}

/*
 * The end of a destroy: disks (once their requests completed: they write
 * into guest memory and the registers page), the run state, the memory,
 * the registry's reference. The struct lives on while descriptors hold it.
 */
static void vm_teardown_finish(struct denali_vm *vm)
{
	denali_disk_del_all(vm);
	denali_run_teardown(vm);
	down_write(&vm->lock);
	denali_mem_free(&vm->mem);
	up_write(&vm->lock);
	denali_console_wake(&vm->console);
	denali_stats_retire(vm);
	denali_vm_put(vm);		/* the registry's reference */
}

static void vm_reap(struct work_struct *work)
{
	struct denali_vm *vm = container_of(work, struct denali_vm, reap_work);

	vm_teardown_finish(vm);
}

/*
 * Tears the VM down. Its NICs go and it stops at once; a VM whose disks
 * still have requests in flight finishes in the background (vm_reap()),
 * since a request may take as long as its host file's storage does (a
 * dead NFS server, a slow device): destroy must not wait for it under
 * the genetlink mutex and stall every other user of the family. Until
 * then those disks' files stay claimed; module unload waits for them.
 * Without requests in flight everything is gone when destroy returns.
 */
static void vm_teardown(struct denali_vm *vm)
{
	/* From here on its descriptors fail with ENODEV and consoles end. */
	down_write(&vm->lock);
	vm->dead = true;
	up_write(&vm->lock);
	denali_nic_del_all(vm);
	denali_run_close(vm);
	denali_console_wake(&vm->console);
	if (denali_disk_close(vm)) {
		queue_work(reap_wq, &vm->reap_work);
		return;
	}
	vm_teardown_finish(vm);
}

/**
 * denali_vm_destroy - destroy a VM the caller holds a reference to
 * @vm: the VM; the caller's reference stays the caller's to put
 *
 * Returns -ENOENT if someone else destroyed it first.
 */
int denali_vm_destroy(struct denali_vm *vm)
{
	mutex_lock(&vms_lock);
	if (xa_load(&vms, vm->id) != vm) {
		mutex_unlock(&vms_lock);
		return -ENOENT;
	}
	xa_erase(&vms, vm->id);
	hash_del(&vm->name_node);
	vms_count--;
	vms_generation++;
	denali_nl_notify(vm, DENALI_EVENT_DESTROYED);
	mutex_unlock(&vms_lock);

	vm_teardown(vm);
	return 0;
}

/*
 * Module unload: every VM goes, as if destroyed one by one, after all of
 * their NICs went in one batch.
 */
void denali_vm_destroy_all(void)
{
	struct denali_vm *vm;
	u32 id = 0;

	denali_nic_del_every_vm();
	while ((vm = denali_vm_get_next(&id))) {
		denali_vm_destroy(vm);
		denali_vm_put(vm);
		id++;
	}
}

struct denali_vm *denali_vm_get_by_id(u32 id)
{
	struct denali_vm *vm;

	mutex_lock(&vms_lock);
	vm = xa_load(&vms, id);
	if (vm)
		kref_get(&vm->ref);
	mutex_unlock(&vms_lock);
	return vm;
}

struct denali_vm *denali_vm_get_by_name(const char *name)
{
	struct denali_vm *vm;

	mutex_lock(&vms_lock);
	vm = find_by_name(name);
	if (vm)
		kref_get(&vm->ref);
	mutex_unlock(&vms_lock);
	return vm;
}

/**
 * denali_vm_get_next - the VM with the lowest ID >= *@id, for dumps
 * @id: cursor; set to the returned VM's ID
 *
 * Returns the VM with a reference, or NULL when there is none.
 */
struct denali_vm *denali_vm_get_next(u32 *id)
{
	unsigned long index = *id;
	struct denali_vm *vm;

	mutex_lock(&vms_lock);
	vm = xa_find(&vms, &index, U32_MAX, XA_PRESENT);
	if (vm) {
		kref_get(&vm->ref);
		*id = index;
	}
	mutex_unlock(&vms_lock);
	return vm;
}

u32 denali_vm_count(void)
{
	return READ_ONCE(vms_count);
}

u32 denali_vm_generation(void)
{
	return READ_ONCE(vms_generation);
}

/* Module unload: refuse new VMs, then destroy every one, announcing each. */
int __init denali_vm_registry_init(void)
{
	reap_wq = alloc_workqueue("denali_reap", WQ_UNBOUND, 0);
	return reap_wq ? 0 : -ENOMEM;
}

void denali_vm_registry_exit(void)
{
	mutex_lock(&vms_lock);
	vms_closed = true;
	mutex_unlock(&vms_lock);
	denali_vm_destroy_all();
	destroy_workqueue(reap_wq);
	WARN_ON_ONCE(!xa_empty(&vms));
	xa_destroy(&vms);
}
