/* SPDX-License-Identifier: GPL-2.0 */
/* Virtual disks: host files as guest block devices, asynchronous 4 KiB I/O. */
#ifndef _DENALI_DISK_H
#define _DENALI_DISK_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/atomic.h>
#include <linux/denali.h>

struct denali_vm;
struct denali_regs;
struct denali_disk;

/*
 * The room DISK_PATH gets in a netlink message, its NUL included: a
 * longer path is shown as "..." and its tail.
 */
#define DENALI_DISK_PATH_ROOM	112

/**
 * struct denali_vm_disks - a VM's disks and its completion ring
 * @disk: by guest disk number; written under @lock, read under RCU
 * @lock: orders attach, detach and teardown of this VM's disks
 * @closed: the VM is being destroyed: no disk may be attached (under @lock)
 * @gen: counts changes the registers page must show
 * @gen_seen: what the worker last wrote there
 * @cq_lock: the ring's accounting and the writing of completions
 * @cq_tail: completions written to the ring (the page's cq_tail is a copy)
 * @cq_head: the guest's last believable cq_head
 * @inflight: requests admitted and not completed yet
 */
struct denali_vm_disks {
	struct denali_disk __rcu *disk[DENALI_DISK_MAX];
	struct mutex lock;		/* attach, detach, teardown */
	bool closed;
	atomic_t gen;
	u32 gen_seen;
	spinlock_t cq_lock;		/* the ring's accounting and writes */
	u32 cq_tail;
	u32 cq_head;
	u32 inflight;
};

/* What netlink reports about one disk. */
struct denali_disk_info {
	u32 index;
	bool ro;
	u32 inflight;
	u64 blocks;
	u64 reads;
	u64 writes;
	u64 flushes;
	u64 errors;
	char path[DENALI_DISK_PATH_ROOM];
};

/* How often a file is attached, over all VMs: the RO/RW rules. */
struct denali_disk_claim {
	u32 readers;
	bool writer;
};

void denali_disks_init(struct denali_vm *vm);
int denali_disk_attach(struct denali_vm *vm, const struct denali_disk_attach *a);
int denali_disk_detach(struct denali_vm *vm, unsigned long index);
bool denali_disk_close(struct denali_vm *vm);
void denali_disk_del_all(struct denali_vm *vm);
bool denali_disk_get_info(struct denali_vm *vm, u32 index,
			  struct denali_disk_info *info);

/* From the VM's worker. */
u64 denali_disk_submit(struct denali_vm *vm, u32 op, u64 nr, u64 block,
		       u64 gpa, u64 tag);
void denali_disk_regs_update(struct denali_vm *vm, struct denali_regs *regs);
void denali_disk_regs_refresh(struct denali_vm *vm);

int denali_disk_init(void);
void denali_disk_exit(void);

/* Hardware-free pieces, exported for KUnit. */
int denali_disk_attach_check(const struct denali_disk_attach *a);
u64 denali_disk_blocks(loff_t size);
int denali_disk_req_check(u32 op, bool ro, u64 blocks, u64 mem_size,
			  u64 block, u64 gpa);
u32 denali_disk_cq_head(u32 tail, u32 seen, u32 head);
int denali_disk_admit(u32 inflight, u32 tail, u32 head);
u32 denali_disk_cq_slot(u32 n);
int denali_disk_claim_get(struct denali_disk_claim *c, bool ro);
bool denali_disk_claim_put(struct denali_disk_claim *c, bool ro);
void denali_disk_path_trunc(char *dst, size_t room, const char *src);

#endif /* _DENALI_DISK_H */
