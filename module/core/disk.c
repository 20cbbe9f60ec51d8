// SPDX-License-Identifier: GPL-2.0
/* Virtual disks: host files as guest block devices, asynchronous 4 KiB I/O. */
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/gfp.h>
#include <linux/hashtable.h>
#include <linux/workqueue.h>
#include <linux/nospec.h>
#include <linux/uio.h>
#include <linux/dcache.h>
#include <linux/denali.h>
#include <linux/denali_guest.h>
#include <kunit/visibility.h>

#include "core/disk.h"
#include "core/sched.h"
#include "core/vm.h"

/*
 * I/O, locking and lifetimes.
 *
 * - The I/O runs off the workers, on one module-wide unbound workqueue.
 *   Each disk has one work item that drains the disk's request list, oldest
 *   first; a work item never runs twice at once, so a disk's requests are
 *   carried out one at a time, in order, and a flush (vfs_fsync) covers
 *   every write queued before it. Disks of one VM, and of different VMs,
 *   run in parallel. One workqueue, not one per disk: a host runs
 *   thousands of VMs with up to eight disks each. A read goes from the
 *   file into the disk's bounce page (kernel_read), then into guest memory
 *   (denali_mem_rw_iter, which allocates untouched guest pages as a guest
 *   touch would); a write the other way (kernel_write). Files opened with
 *   O_DIRECT are refused at attach: kernel_read/kernel_write pass a kernel
 *   buffer, which direct I/O cannot take on every kernel we build for.
 * - vm->disks.disk[] is written under vm->disks.lock (attach, detach, VM
 *   destroy) and read under RCU (hypercalls, netlink, the registers page).
 *   A hypercall queues its request and its work item inside its read-side
 *   section, so once a disk has left the table, synchronize_rcu() means
 *   nobody queues for it any more; flush_work() then waits for what was
 *   queued. Only then are its file, bounce page and struct let go.
 *   Detach holds vm->disks.lock throughout, so a disk number is not handed
 *   out again while the old disk's completions may still come.
 * - The completion ring is under vm->disks.cq_lock: admission (requests in
 *   flight plus completions the guest has not taken, at most
 *   DENALI_DISK_CQ_SIZE) and the writing of a completion decide under it,
 *   so the ring never overflows. The guest's cq_head is read, never
 *   trusted: one that is not between the last believable head and the
 *   tail counts as nothing more taken. Per-disk counters are written
 *   under the same lock and read without it.
 * - vm->regs exists from the VM's start until run teardown, which comes
 *   after every disk is gone (denali_disk_del_all() in VM destroy, before
 *   denali_run_teardown() and the freeing of guest memory). Requests exist
 *   only once the guest has run, so a completion always has a page to go
 *   to, also after the VM halted, crashed or was stopped: in-flight I/O
 *   still completes there (the ring and the file stay consistent), and
 *   destroy waits for it. A request is at most one block; at most
 *   DENALI_DISK_CQ_SIZE of them wait per VM.
 * - vm->disks.gen counts changes the guest must see in its registers page;
 *   the worker compares it at the start of every quantum, as for NICs.
 * - The RW registry: every attached file, over all VMs, keyed by the
 *   inode behind its mapping (the block device's own inode for a device
 *   node, so two nodes of one device are one disk), under claims_lock:
 *   read-only any number of times, or read-write exactly once.
 */

struct disk_claim_ent {
	struct hlist_node node;
	const struct inode *key;
	struct denali_disk_claim c;
};

static DEFINE_MUTEX(claims_lock);
static DEFINE_HASHTABLE(claims, 6);

static struct workqueue_struct *disk_wq;

struct disk_req {
	struct list_head node;
	u64 block;
	u64 gpa;
	u64 tag;
	u32 op;
};

struct denali_disk {
	struct denali_vm *vm;
	u32 index;
	bool ro;
	u64 blocks;
	struct file *file;
	struct disk_claim_ent *claim;
	void *bounce;				/* one page, for the work item */
	spinlock_t lock;			/* @queue */
	struct list_head queue;
	struct work_struct work;
	/* Under vm->disks.cq_lock; read without it. */
	u32 inflight;
	u64 reads;
	u64 writes;
	u64 flushes;
	u64 errors;
	char path[DENALI_DISK_PATH_ROOM];	/* d_path at attach, maybe shortened */
};

/**
 * denali_disk_attach_check - whether an attach request is well-formed
 * @a: the request
 *
 * Returns 0 or -EINVAL (unknown flags, reserved not 0, index out of range).
 */
int denali_disk_attach_check(const struct denali_disk_attach *a)
{
	if (a->flags & ~DENALI_DISK_ATTACH_RO || a->reserved)
		return -EINVAL;
	if (a->index >= DENALI_DISK_MAX && a->index != DENALI_DISK_ANY)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(denali_disk_attach_check);

/* A file of @size bytes as a disk: whole blocks only (0: too small). */
u64 denali_disk_blocks(loff_t size)
{
	return size > 0 ? (u64)size / DENALI_DISK_BLOCK : 0;
}
EXPORT_SYMBOL_IF_KUNIT(denali_disk_blocks);

/**
 * denali_disk_req_check - the status a request completes with before any I/O
 * @op: DENALI_HC_DISK_READ, _WRITE or _FLUSH
 * @ro: the disk is read-only
 * @blocks: its size in blocks
 * @mem_size: guest memory in bytes
 * @block: the block asked for (READ, WRITE)
 * @gpa: the guest buffer (READ, WRITE): DENALI_DISK_BLOCK bytes, any alignment
 *
 * Returns 0 (go ahead), -DENALI_EROFS, -DENALI_EINVAL or -DENALI_EFAULT,
 * checked in that order.
 */
int denali_disk_req_check(u32 op, bool ro, u64 blocks, u64 mem_size,
			  u64 block, u64 gpa)
{
	if (op == DENALI_HC_DISK_FLUSH)
		return 0;
	if (op == DENALI_HC_DISK_WRITE && ro)
		return -DENALI_EROFS;
	if (block >= blocks)
		return -DENALI_EINVAL;
	if (!denali_gpa_range_ok(mem_size, gpa, DENALI_DISK_BLOCK))
		return -DENALI_EFAULT;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(denali_disk_req_check);

/**
 * denali_disk_cq_head - the guest's cq_head, if it can be believed
 * @tail: completions written
 * @seen: the last head believed (at most DENALI_DISK_CQ_SIZE behind @tail)
 * @head: what the guest wrote
 *
 * The guest can only have taken completions that were written, and
 * cannot untake them: a head between @seen and @tail (modulo 2^32) is
 * believed, any other is nonsense and counts as nothing taken since
 * @seen. Returns the head to use.
 */
u32 denali_disk_cq_head(u32 tail, u32 seen, u32 head)
{
	return tail - head <= tail - seen ? head : seen;
}
EXPORT_SYMBOL_IF_KUNIT(denali_disk_cq_head);

/* Whether one more request fits: 0, or -DENALI_EAGAIN when the ring could overflow. */
int denali_disk_admit(u32 inflight, u32 tail, u32 head)
{
	u32 untaken = tail - head;

	if (untaken > DENALI_DISK_CQ_SIZE ||
	    inflight >= DENALI_DISK_CQ_SIZE - untaken)
		return -DENALI_EAGAIN;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(denali_disk_admit);

/* Where completion number @n goes in the ring. */
u32 denali_disk_cq_slot(u32 n)
{
	BUILD_BUG_ON(!is_power_of_2(DENALI_DISK_CQ_SIZE));
	/* 2^32 is a multiple of the size: the index wraps with the counter. */
	return n % DENALI_DISK_CQ_SIZE;
}
EXPORT_SYMBOL_IF_KUNIT(denali_disk_cq_slot);

/**
 * denali_disk_claim_get - one more attachment of a file, if the rules allow
 * @c: the file's claim
 * @ro: the attachment is read-only
 *
 * Returns 0, or -EBUSY: the file is attached read-write, or read-only
 * somewhere and @ro is false.
 */
int denali_disk_claim_get(struct denali_disk_claim *c, bool ro)
{
	if (c->writer || (!ro && c->readers))
		return -EBUSY;
	if (ro)
		c->readers++;
	else
		c->writer = true;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(denali_disk_claim_get);

/* One attachment fewer; returns whether none is left. */
bool denali_disk_claim_put(struct denali_disk_claim *c, bool ro)
{
	if (ro) {
		if (!WARN_ON_ONCE(!c->readers))
			c->readers--;
	} else {
		WARN_ON_ONCE(!c->writer);
		c->writer = false;
	}
	return !c->readers && !c->writer;
}
EXPORT_SYMBOL_IF_KUNIT(denali_disk_claim_put);

/**
 * denali_disk_path_trunc - a path for display, in at most @room bytes
 * @dst: the result, always NUL-terminated
 * @room: its size, at least 8
 * @src: the path
 *
 * A path that does not fit keeps its end (the file's name), after "...".
 */
void denali_disk_path_trunc(char *dst, size_t room, const char *src)
{
	size_t len = strlen(src);

	if (len < room) {
		memcpy(dst, src, len + 1);
		return;
	}
	memcpy(dst, "...", 3);
	memcpy(dst + 3, src + len - (room - 4), room - 4);
	dst[room - 1] = '\0';
}
EXPORT_SYMBOL_IF_KUNIT(denali_disk_path_trunc);

static inline void add_stat(u64 *c)
{
	WRITE_ONCE(*c, *c + 1);
}

/* A change the guest must see in its registers page at its next quantum. */
static void disks_changed(struct denali_vm *vm)
{
	/* The change before the generation: pairs with denali_disk_regs_update(). */
	smp_mb__before_atomic();
	atomic_inc(&vm->disks.gen);
}

void denali_disks_init(struct denali_vm *vm)
{
	mutex_init(&vm->disks.lock);
	spin_lock_init(&vm->disks.cq_lock);
	atomic_set(&vm->disks.gen, 0);
}

/* The RW registry. */

static int claim(struct denali_disk *disk)
{
	const struct inode *key = disk->file->f_mapping->host;
	struct disk_claim_ent *ent;
	int ret;

	mutex_lock(&claims_lock);
	hash_for_each_possible(claims, ent, node, (unsigned long)key) {
		if (ent->key == key)
			goto found;
	}
	ent = kzalloc(sizeof(*ent), GFP_KERNEL);
	if (!ent) {
		ret = -ENOMEM;
		goto out;
	}
	ent->key = key;
	hash_add(claims, &ent->node, (unsigned long)key);
found:
	ret = denali_disk_claim_get(&ent->c, disk->ro);
	if (ret && !ent->c.readers && !ent->c.writer) {
		hash_del(&ent->node);
		kfree(ent);
	}
	if (!ret)
		disk->claim = ent;
out:
	mutex_unlock(&claims_lock);
	return ret;
}

static void unclaim(struct denali_disk *disk)
{
	mutex_lock(&claims_lock);
	if (denali_disk_claim_put(&disk->claim->c, disk->ro)) {
		hash_del(&disk->claim->node);
		kfree(disk->claim);
	}
	mutex_unlock(&claims_lock);
	disk->claim = NULL;
}

/* Completions. */

/*
 * Write one completion into the ring and account for it. Under cq_lock;
 * the ring has room (admission made sure). The entry is written before
 * the tail moves, as the guest ABI promises.
 */
static void put_cqe_locked(struct denali_disk *disk, u32 op, u64 tag, s32 status)
{
	struct denali_vm_disks *d = &disk->vm->disks;
	struct denali_regs *regs = READ_ONCE(disk->vm->regs);
	struct denali_disk_cqe *cqe;

	lockdep_assert_held(&d->cq_lock);
	/* Requests come from a guest that ran; its page outlives its disks. */
	if (!WARN_ON_ONCE(!regs)) {
		cqe = &regs->cq[denali_disk_cq_slot(d->cq_tail)];
		WRITE_ONCE(cqe->tag, tag);
		WRITE_ONCE(cqe->status, status);
		WRITE_ONCE(cqe->disk, disk->index);
		WRITE_ONCE(cqe->op, op);
		/* The entry before the tail: the guest reads them the other way round. */
		smp_wmb();
		WRITE_ONCE(regs->cq_tail, d->cq_tail + 1);
	}
	d->cq_tail++;
	if (status)
		add_stat(&disk->errors);
	else if (op == DENALI_HC_DISK_READ)
		add_stat(&disk->reads);
	else if (op == DENALI_HC_DISK_WRITE)
		add_stat(&disk->writes);
	else
		add_stat(&disk->flushes);
}

/* An admitted request is done: into the ring, and the guest's interrupt. */
static void disk_complete(struct denali_disk *disk, u32 op, u64 tag, s32 status)
{
	struct denali_vm_disks *d = &disk->vm->disks;

	spin_lock(&d->cq_lock);
	put_cqe_locked(disk, op, tag, status);
	d->inflight--;
	WRITE_ONCE(disk->inflight, disk->inflight - 1);
	spin_unlock(&d->cq_lock);
	denali_sched_raise(disk->vm, DENALI_IRQ_DISK(disk->index));
}

/* The I/O, on the workqueue. */

/* Move one block between the file and the bounce page; 0 or -DENALI_EIO. */
static int file_io(struct denali_disk *disk, u64 block, bool write)
{
	loff_t pos = block * DENALI_DISK_BLOCK;
	size_t done = 0;
	ssize_t n;

	/*
	 * The file is shared with the supervisor, which may set O_APPEND or
	 * O_DIRECT after the attach checked them: writes would then go to
	 * the end of the file, or kernel buffers to direct I/O. Refuse.
	 */
	if (READ_ONCE(disk->file->f_flags) & (O_APPEND | O_DIRECT))
		return -DENALI_EIO;

	while (done < DENALI_DISK_BLOCK) {
		if (write)
			n = kernel_write(disk->file, disk->bounce + done,
					 DENALI_DISK_BLOCK - done, &pos);
		else
			n = kernel_read(disk->file, disk->bounce + done,
					DENALI_DISK_BLOCK - done, &pos);
		/* 0: the file shrank under us; the block is gone. */
		if (n <= 0)
			return -DENALI_EIO;
		done += n;
	}
	return 0;
}

/* Move one block between the bounce page and guest memory; 0 or -DENALI_EIO. */
static int guest_io(struct denali_disk *disk, u64 gpa, bool to_guest)
{
	struct kvec kv = { .iov_base = disk->bounce, .iov_len = DENALI_DISK_BLOCK };
	struct iov_iter iter;

	iov_iter_kvec(&iter, to_guest ? ITER_SOURCE : ITER_DEST, &kv, 1,
		      DENALI_DISK_BLOCK);
	if (denali_mem_rw_iter(&disk->vm->mem, gpa, &iter, to_guest) !=
	    DENALI_DISK_BLOCK)
		return -DENALI_EIO;
	return 0;
}

static int do_req(struct denali_disk *disk, const struct disk_req *req)
{
	int ret;

	switch (req->op) {
	case DENALI_HC_DISK_READ:
		ret = file_io(disk, req->block, false);
		return ret ?: guest_io(disk, req->gpa, true);
	case DENALI_HC_DISK_WRITE:
		ret = guest_io(disk, req->gpa, false);
		return ret ?: file_io(disk, req->block, true);
	default:
		return vfs_fsync(disk->file, 0) ? -DENALI_EIO : 0;
	}
}

static void disk_work(struct work_struct *work)
{
	struct denali_disk *disk = container_of(work, struct denali_disk, work);
	struct mem_cgroup *old_memcg;
	struct disk_req *req;

	/* Page cache the request fills is the VM creator's, as the request is. */
	old_memcg = denali_vm_charge_begin(disk->vm);
	for (;;) {
		spin_lock(&disk->lock);
		req = list_first_entry_or_null(&disk->queue, struct disk_req, node);
		if (req)
			list_del(&req->node);
		spin_unlock(&disk->lock);
		if (!req)
			break;
		disk_complete(disk, req->op, req->tag, do_req(disk, req));
		kfree(req);
		cond_resched();
	}
	denali_vm_charge_end(old_memcg);
}

/* Hypercalls, from the VM's worker. */

static struct denali_disk *disk_rcu(struct denali_vm *vm, u64 nr)
{
	if (nr >= DENALI_DISK_MAX)
		return NULL;
	nr = array_index_nospec(nr, DENALI_DISK_MAX);
	return rcu_dereference(vm->disks.disk[nr]);
}

/**
 * denali_disk_submit - DISK_READ, DISK_WRITE or DISK_FLUSH
 * @vm: the VM, whose worker calls this
 * @op: the hypercall
 * @nr: the guest's disk number
 * @block: the block (READ, WRITE)
 * @gpa: the guest buffer (READ, WRITE), not checked yet
 * @tag: the guest's tag for the completion
 *
 * Returns the guest's result: 0 (queued; it completes in the ring),
 * -DENALI_ENODEV or -DENALI_EAGAIN. A request that cannot be carried out
 * (read-only disk, block past the end, buffer outside guest memory)
 * completes at once with its error, in a ring slot of its own. The VM is
 * never killed here.
 */
u64 denali_disk_submit(struct denali_vm *vm, u32 op, u64 nr, u64 block,
		       u64 gpa, u64 tag)
{
	struct denali_vm_disks *d = &vm->disks;
	struct denali_disk *disk;
	struct disk_req *req;
	int status, ret;
	u32 head;

	req = kmalloc(sizeof(*req), GFP_KERNEL_ACCOUNT);
	if (!req)
		return (u64)-DENALI_EAGAIN;
	rcu_read_lock();
	disk = disk_rcu(vm, nr);
	if (!disk) {
		ret = -DENALI_ENODEV;
		goto out_free;
	}
	status = denali_disk_req_check(op, disk->ro, disk->blocks,
				       vm->mem.size, block, gpa);

	spin_lock(&d->cq_lock);
	head = denali_disk_cq_head(d->cq_tail, d->cq_head,
				   READ_ONCE(vm->regs->cq_head));
	d->cq_head = head;
	ret = denali_disk_admit(d->inflight, d->cq_tail, head);
	if (ret || status) {
		if (!ret)
			put_cqe_locked(disk, op, tag, status);
		spin_unlock(&d->cq_lock);
		if (!ret)
			denali_sched_raise(vm, DENALI_IRQ_DISK(disk->index));
		goto out_free;
	}
	d->inflight++;
	WRITE_ONCE(disk->inflight, disk->inflight + 1);
	spin_unlock(&d->cq_lock);

	req->op = op;
	req->block = block;
	req->gpa = gpa;
	req->tag = tag;
	spin_lock(&disk->lock);
	list_add_tail(&req->node, &disk->queue);
	spin_unlock(&disk->lock);
	queue_work(disk_wq, &disk->work);
	rcu_read_unlock();
	return 0;

out_free:
	rcu_read_unlock();
	kfree(req);
	return (u64)(s64)ret;
}

/**
 * denali_disk_regs_update - write the disk slots of a registers page
 * @vm: the VM
 * @regs: its registers page
 *
 * At guest setup, and from the worker when vm->disks.gen moved.
 */
void denali_disk_regs_update(struct denali_vm *vm, struct denali_regs *regs)
{
	struct denali_disk *disk;
	u32 n = 0;
	int i;

	BUILD_BUG_ON(DENALI_DISK_MAX != DENALI_REGS_DISK_MAX);
	vm->disks.gen_seen = atomic_read(&vm->disks.gen);
	/* The generation before what it stands for: pairs with disks_changed(). */
	smp_rmb();
	rcu_read_lock();
	for (i = 0; i < DENALI_DISK_MAX; i++) {
		struct denali_regs_disk *slot = &regs->disk[i];

		disk = rcu_dereference(vm->disks.disk[i]);
		WRITE_ONCE(slot->blocks, disk ? disk->blocks : 0);
		WRITE_ONCE(slot->flags, disk && disk->ro ? DENALI_DISK_F_RO : 0);
		WRITE_ONCE(slot->reserved, 0);
		n += !!disk;
	}
	rcu_read_unlock();
	WRITE_ONCE(regs->disk_count, n);
}

/* At the start of a quantum: cheap unless the disks changed. */
void denali_disk_regs_refresh(struct denali_vm *vm)
{
	if (atomic_read(&vm->disks.gen) != vm->disks.gen_seen)
		denali_disk_regs_update(vm, vm->regs);
}

/* Attach and detach. */

/* Whether @file can be a disk as @ro asks; sets *@blocks. 0 or -EINVAL. */
static int file_check(struct file *file, bool ro, u64 *blocks)
{
	umode_t mode = file_inode(file)->i_mode;

	if (!S_ISREG(mode) && !S_ISBLK(mode))
		return -EINVAL;
	if (!(file->f_mode & FMODE_READ) || !(file->f_mode & FMODE_CAN_READ))
		return -EINVAL;
	if (!ro && (!(file->f_mode & FMODE_WRITE) ||
		    !(file->f_mode & FMODE_CAN_WRITE) ||
		    (file->f_flags & O_APPEND)))
		return -EINVAL;
	if (file->f_flags & O_DIRECT)
		return -EINVAL;
	/* A block device's size is its own inode's, as for loop devices. */
	*blocks = denali_disk_blocks(i_size_read(file->f_mapping->host));
	return *blocks ? 0 : -EINVAL;
}

static void set_path(struct denali_disk *disk)
{
	char *buf = kmalloc(PATH_MAX, GFP_KERNEL);
	char *p;

	strscpy(disk->path, "?", sizeof(disk->path));
	if (!buf)
		return;
	p = d_path(&disk->file->f_path, buf, PATH_MAX);
	if (!IS_ERR(p))
		denali_disk_path_trunc(disk->path, sizeof(disk->path), p);
	kfree(buf);
}

static void disk_free(struct denali_disk *disk)
{
	if (disk->file)
		fput(disk->file);
	free_page((unsigned long)disk->bounce);
	kfree(disk);
}

static int free_index(struct denali_vm *vm)
{
	int i;

	for (i = 0; i < DENALI_DISK_MAX; i++) {
		if (!rcu_access_pointer(vm->disks.disk[i]))
			return i;
	}
	return -1;
}

/**
 * denali_disk_attach - DENALI_VM_IOC_DISK_ATTACH: give a VM a disk
 * @vm: the VM
 * @a: the request, from userspace
 *
 * Returns the disk number, or -EBADF, -EINVAL, -EEXIST, -ENOSPC, -EBUSY,
 * -ENODEV (VM destroyed) or -ENOMEM; a refusal leaves nothing behind.
 */
int denali_disk_attach(struct denali_vm *vm, const struct denali_disk_attach *a)
{
	struct denali_vm_disks *d = &vm->disks;
	struct denali_disk *disk;
	int index, ret;

	ret = denali_disk_attach_check(a);
	if (ret)
		return ret;
	disk = kzalloc(sizeof(*disk), GFP_KERNEL_ACCOUNT);
	if (!disk)
		return -ENOMEM;
	disk->vm = vm;
	disk->ro = a->flags & DENALI_DISK_ATTACH_RO;
	spin_lock_init(&disk->lock);
	INIT_LIST_HEAD(&disk->queue);
	INIT_WORK(&disk->work, disk_work);
	disk->file = fget(a->fd);
	if (!disk->file) {
		ret = -EBADF;
		goto err_free;
	}
	ret = file_check(disk->file, disk->ro, &disk->blocks);
	if (ret)
		goto err_free;
	disk->bounce = (void *)__get_free_page(GFP_KERNEL_ACCOUNT);
	if (!disk->bounce) {
		ret = -ENOMEM;
		goto err_free;
	}
	set_path(disk);

	mutex_lock(&d->lock);
	if (d->closed) {
		ret = -ENODEV;
		goto err_unlock;
	}
	index = a->index;
	if (index == DENALI_DISK_ANY) {
		index = free_index(vm);
		ret = -ENOSPC;
		if (index < 0)
			goto err_unlock;
	} else if (rcu_access_pointer(d->disk[array_index_nospec(index, DENALI_DISK_MAX)])) {
		ret = -EEXIST;
		goto err_unlock;
	}
	disk->index = index;
	ret = claim(disk);
	if (ret)
		goto err_unlock;
	index = array_index_nospec(index, DENALI_DISK_MAX);
	rcu_assign_pointer(d->disk[index], disk);
	disks_changed(vm);
	mutex_unlock(&d->lock);
	return index;

err_unlock:
	mutex_unlock(&d->lock);
err_free:
	disk_free(disk);
	return ret;
}

/*
 * The disk has left the table; nobody can queue for it once the readers
 * that found it are done. Wait for its requests, then let go of it.
 */
static void disk_release(struct denali_disk *disk)
{
	flush_work(&disk->work);
	WARN_ON_ONCE(!list_empty(&disk->queue));
	unclaim(disk);
	disk_free(disk);
}

/**
 * denali_disk_detach - DENALI_VM_IOC_DISK_DETACH
 * @vm: the VM
 * @index: the disk number
 *
 * Waits for the disk's requests in flight, then drops the file. Returns 0,
 * -ENOENT (no such disk) or -ENODEV (VM destroyed).
 */
int denali_disk_detach(struct denali_vm *vm, unsigned long index)
{
	struct denali_vm_disks *d = &vm->disks;
	struct denali_disk *disk;
	int ret = 0;

	if (index >= DENALI_DISK_MAX)
		return -ENOENT;
	index = array_index_nospec(index, DENALI_DISK_MAX);
	mutex_lock(&d->lock);
	disk = rcu_dereference_protected(d->disk[index], lockdep_is_held(&d->lock));
	if (!disk) {
		ret = d->closed ? -ENODEV : -ENOENT;
		goto out;
	}
	RCU_INIT_POINTER(d->disk[index], NULL);
	disks_changed(vm);
	synchronize_rcu();
	disk_release(disk);
out:
	mutex_unlock(&d->lock);
	return ret;
}

/*
 * VM destroy, first (the VM no longer runs, so no request can be added):
 * no disk may be attached any more. Returns whether requests are still
 * in flight (destroy then finishes in the background).
 */
bool denali_disk_close(struct denali_vm *vm)
{
	struct denali_vm_disks *d = &vm->disks;
	bool busy;

	mutex_lock(&d->lock);
	d->closed = true;
	spin_lock(&d->cq_lock);
	busy = d->inflight;
	spin_unlock(&d->cq_lock);
	mutex_unlock(&d->lock);
	return busy;
}

/*
 * VM destroy, before the VM's run is torn down and its memory freed: no
 * more disks, and every one goes once its requests have completed.
 */
void denali_disk_del_all(struct denali_vm *vm)
{
	struct denali_vm_disks *d = &vm->disks;
	struct denali_disk *gone[DENALI_DISK_MAX];
	bool any = false;
	int i;

	mutex_lock(&d->lock);
	d->closed = true;
	for (i = 0; i < DENALI_DISK_MAX; i++) {
		gone[i] = rcu_dereference_protected(d->disk[i],
						    lockdep_is_held(&d->lock));
		RCU_INIT_POINTER(d->disk[i], NULL);
		any |= !!gone[i];
	}
	/* No grace period for a VM without disks: unload with thousands of VMs. */
	if (any)
		synchronize_rcu();
	for (i = 0; i < DENALI_DISK_MAX; i++) {
		if (gone[i])
			disk_release(gone[i]);
	}
	WARN_ON_ONCE(d->inflight);
	mutex_unlock(&d->lock);
}

/* What netlink reports about disk @index of @vm; false if there is none. */
bool denali_disk_get_info(struct denali_vm *vm, u32 index,
			  struct denali_disk_info *info)
{
	struct denali_disk *disk;

	rcu_read_lock();
	disk = rcu_dereference(vm->disks.disk[index]);
	if (!disk) {
		rcu_read_unlock();
		return false;
	}
	info->index = index;
	info->ro = disk->ro;
	info->blocks = disk->blocks;
	info->inflight = READ_ONCE(disk->inflight);
	info->reads = READ_ONCE(disk->reads);
	info->writes = READ_ONCE(disk->writes);
	info->flushes = READ_ONCE(disk->flushes);
	info->errors = READ_ONCE(disk->errors);
	memcpy(info->path, disk->path, sizeof(info->path));
	rcu_read_unlock();
	return true;
}

int __init denali_disk_init(void)
{
	disk_wq = alloc_workqueue("denali_disk", WQ_UNBOUND, 0);
	return disk_wq ? 0 : -ENOMEM;
}

/* After every VM, and so every disk, is gone. */
void denali_disk_exit(void)
{
	destroy_workqueue(disk_wq);
	WARN_ON_ONCE(!hash_empty(claims));
}
