/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/* Denali control plane: generic netlink family "denali" and /dev/denali ioctls. */
#ifndef _UAPI_LINUX_DENALI_H
#define _UAPI_LINUX_DENALI_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define DENALI_GENL_NAME	"denali"
#define DENALI_GENL_VERSION	1
#define DENALI_MCGRP_EVENTS	"events"

/* A VM name: 1 to 31 characters from [A-Za-z0-9_.-], not starting with '.' or '-'. */
#define DENALI_VM_NAME_MAX	31

/* Guest memory: a multiple of the page size, at least this much. */
#define DENALI_VM_PAGE_SIZE	4096ULL
#define DENALI_VM_MEM_MIN	(2ULL << 20)
/* The guest's physical address space is 32 bits wide (as in Denali). */
#define DENALI_VM_MEM_HARD_MAX	(4ULL << 30)

/**
 * enum denali_cmd - generic netlink commands of the "denali" family
 * @DENALI_CMD_VM_NEW: create a VM. Needs NAME; MEM_SIZE and ENTRY optional.
 *	Replies with the new VM (as VM_GET does).
 * @DENALI_CMD_VM_DEL: destroy a VM named by ID or NAME.
 * @DENALI_CMD_VM_GET: one VM (by ID or NAME), or a dump of all VMs.
 * @DENALI_CMD_STATS: module-wide state: backend, limits, totals.
 * @DENALI_CMD_EVENT: multicast on the "events" group: an EVENT attribute
 *	and the VM's ID and NAME. Never accepted as a request.
 */
enum denali_cmd {
	DENALI_CMD_UNSPEC,
	DENALI_CMD_VM_NEW,
	DENALI_CMD_VM_DEL,
	DENALI_CMD_VM_GET,
	DENALI_CMD_STATS,
	DENALI_CMD_EVENT,
	__DENALI_CMD_MAX,
};

#define DENALI_CMD_MAX (__DENALI_CMD_MAX - 1)

/**
 * enum denali_attr - attributes of the "denali" family
 * @DENALI_A_VM_ID: u32, the VM's number, never reused while the module is loaded
 * @DENALI_A_VM_NAME: string, see DENALI_VM_NAME_MAX
 * @DENALI_A_VM_MEM_SIZE: u64, guest memory in bytes
 * @DENALI_A_VM_STATE: u32, enum denali_vm_state
 * @DENALI_A_VM_RESIDENT_PAGES: u64, guest pages allocated now
 * @DENALI_A_VM_ENTRY: u64, guest-physical entry point
 * @DENALI_A_EVENT: u32, enum denali_event (only in DENALI_CMD_EVENT)
 * @DENALI_A_STATS_BACKEND: string, "vmx" or "svm"
 * @DENALI_A_STATS_VMS: u32, VMs that exist now
 * @DENALI_A_STATS_MAX_VMS: u32, module parameter max_vms
 * @DENALI_A_STATS_MAX_MEM: u64, module parameter max_vm_mem_mb in bytes
 * @DENALI_A_STATS_RESIDENT_PAGES: u64, guest pages allocated over all VMs
 * @DENALI_A_PAD: padding for 64-bit attributes
 */
enum denali_attr {
	DENALI_A_UNSPEC,
	DENALI_A_VM_ID,
	DENALI_A_VM_NAME,
	DENALI_A_VM_MEM_SIZE,
	DENALI_A_VM_STATE,
	DENALI_A_VM_RESIDENT_PAGES,
	DENALI_A_VM_ENTRY,
	DENALI_A_EVENT,
	DENALI_A_STATS_BACKEND,
	DENALI_A_STATS_VMS,
	DENALI_A_STATS_MAX_VMS,
	DENALI_A_STATS_MAX_MEM,
	DENALI_A_STATS_RESIDENT_PAGES,
	DENALI_A_PAD,
	__DENALI_A_MAX,
};

#define DENALI_A_MAX (__DENALI_A_MAX - 1)

/* Lifecycle of a VM. Appended to, never renumbered. */
enum denali_vm_state {
	DENALI_VM_STATE_CREATED,
	DENALI_VM_STATE_RUNNING,
	DENALI_VM_STATE_HALTED,
	DENALI_VM_STATE_CRASHED,
	__DENALI_VM_STATE_MAX,
};

/* What DENALI_CMD_EVENT announces. */
enum denali_event {
	DENALI_EVENT_UNSPEC,
	DENALI_EVENT_CREATED,
	DENALI_EVENT_DESTROYED,
	__DENALI_EVENT_MAX,
};

/* /dev/denali ioctls */
#define DENALI_IOC_MAGIC	0xDE

/* DENALI_IOC_API_VERSION returns this. */
#define DENALI_API_VERSION	1

/**
 * struct denali_vm_open - argument of DENALI_IOC_VM_OPEN
 * @id: the VM's DENALI_A_VM_ID
 * @flags: must be 0
 *
 * Returns a new file descriptor for the VM (close-on-exec). pread() and
 * pwrite() on it read and write guest-physical memory at the file offset;
 * an access that does not fit entirely inside guest memory, or that
 * touches the low megabyte the module reserves (DENALI_GUEST_LOAD_MIN in
 * denali_guest.h), fails with EINVAL and changes nothing. The descriptor keeps the VM's structure
 * alive, not the VM: after DENALI_CMD_VM_DEL every access fails with ENODEV.
 */
struct denali_vm_open {
	__u32 id;
	__u32 flags;
};

#define DENALI_IOC_API_VERSION	_IO(DENALI_IOC_MAGIC, 0x00)
#define DENALI_IOC_VM_OPEN	_IOW(DENALI_IOC_MAGIC, 0x01, struct denali_vm_open)

#endif /* _UAPI_LINUX_DENALI_H */
