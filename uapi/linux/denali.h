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
 *	and the VM's ID, NAME and STATE (with EXIT_CODE or CRASH_* where the
 *	state has them). Never accepted as a request.
 * @DENALI_CMD_VM_START: start a VM (by ID or NAME) that is in state
 *	created and has an entry point.
 * @DENALI_CMD_VM_STOP: stop a running VM (by ID or NAME); it ends in
 *	state stopped. Its memory stays until it is destroyed.
 * @DENALI_CMD_NIC_NEW: give a VM (by ID or NAME) a virtual NIC: a Linux
 *	Ethernet device. Optional: NIC_INDEX (the guest's NIC number, default
 *	the lowest free), NIC_IFNAME (default "dnl%d"), NIC_MAC (default a
 *	random locally administered one), NIC_MTU (default 1500), and a bridge
 *	to join: NIC_MASTER (ifindex) or NIC_MASTER_NAME. A NIC that joins a
 *	bridge is brought up too; one without stays down until the user
 *	brings it up (ip link set IF up). Replies with the VM (as VM_GET
 *	does). Any state but destroyed.
 * @DENALI_CMD_NIC_DEL: remove a VM's NIC, named by NIC_INDEX or NIC_IFNAME;
 *	its Linux device goes away.
 */
enum denali_cmd {
	DENALI_CMD_UNSPEC,
	DENALI_CMD_VM_NEW,
	DENALI_CMD_VM_DEL,
	DENALI_CMD_VM_GET,
	DENALI_CMD_STATS,
	DENALI_CMD_EVENT,
	DENALI_CMD_VM_START,
	DENALI_CMD_VM_STOP,
	DENALI_CMD_NIC_NEW,
	DENALI_CMD_NIC_DEL,
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
 * @DENALI_A_VM_EXIT_CODE: u32, the code a halted VM passed to HALT
 * @DENALI_A_VM_CRASH_REASON: u32, enum denali_crash_reason
 * @DENALI_A_VM_CRASH_RIP: u64, guest RIP when the VM was killed
 * @DENALI_A_VM_CRASH_INFO: u64, the backend's raw exit code (VMX basic exit
 *	reason or SVM exit code) for the record
 * @DENALI_A_VM_CRASH_NAME: string, the crash reason's name
 * @DENALI_A_VM_CONSOLE_DROPPED: u64, console bytes lost to ring overflow
 * @DENALI_A_VM_CMDLINE: string, the boot command line (VM_NEW; at most
 *	DENALI_CMDLINE_MAX - 1 bytes), shown to the guest in its registers page
 * @DENALI_A_VM_WORKER: u32, the worker thread a started VM is assigned to
 * @DENALI_A_VM_QUANTA: u64, quanta the VM was given
 * @DENALI_A_VM_RUN_NS: u64, nanoseconds the VM's quanta lasted
 * @DENALI_A_VM_IRQS_RAISED: u64, interrupt bits raised for the VM
 * @DENALI_A_VM_IRQS_INJECTED: u64, interrupts injected at the guest's vector
 * @DENALI_A_VM_IRQ_BATCHES: u64, quanta that delivered pending bits to the
 *	registers page (each a batch of one or more raised bits)
 * @DENALI_A_VM_IDLES: u64, IDLE hypercalls and HLTs that put the VM to sleep
 * @DENALI_A_VM_WAKE_TIMEOUT: u64, sleeps ended by their timeout
 * @DENALI_A_VM_WAKE_IRQ: u64, sleeps ended by an interrupt
 * @DENALI_A_VM_EXITS: nest, VM exits by kind: attribute type N (enum
 *	denali_exit_kind) is a u64 count
 * @DENALI_A_VM_HYPERCALLS: nest, hypercalls by number: attribute type N
 *	(enum denali_hypercall in denali_guest.h) is a u64 count
 * @DENALI_A_STATS_WORKERS: u32, worker threads
 * @DENALI_A_STATS_QUANTUM_US: u32, module parameter quantum_us
 * @DENALI_A_STATS_IRQ_MODE: string, module parameter irq_delivery:
 *	"batched" or "immediate"
 *
 * @DENALI_A_VM_NIC: nest, one per NIC of the VM (in every VM message), with
 *	the NIC_* attributes below
 * @DENALI_A_NIC_INDEX: u32, the guest's NIC number, 0 to DENALI_NIC_MAX - 1
 * @DENALI_A_NIC_IFNAME: string, the Linux device's name (< IFNAMSIZ)
 * @DENALI_A_NIC_IFINDEX: u32, the Linux device's ifindex
 * @DENALI_A_NIC_MAC: binary, 6 bytes, the guest's MAC address (unicast).
 *	The Linux device is the host's end of the link and has its own: the
 *	same with the first byte 0xfe (0xfa if the guest's starts with 0xfe)
 * @DENALI_A_NIC_MTU: u32, DENALI_NIC_MTU_MIN to DENALI_NIC_MTU_MAX
 * @DENALI_A_NIC_MASTER: u32, ifindex of the bridge to join (NIC_NEW), or
 *	that the device is enslaved to now (VM messages; absent if none)
 * @DENALI_A_NIC_MASTER_NAME: string, name of the bridge to join (NIC_NEW)
 * @DENALI_A_NIC_RX_QUEUED: u32, frames queued for the guest now
 * @DENALI_A_NIC_TX_REJECTED: u64, frames the guest sent that were refused
 *	(shorter than an Ethernet header, longer than the MTU allows, or from
 *	a source MAC not its own)
 * @DENALI_A_NIC_RX_DROPPED: u64, frames for the guest dropped: the queue
 *	was full or the VM was not running
 * @DENALI_A_NIC_ANY_SOURCE: flag: the guest may send frames with any
 *	source MAC (a guest that bridges); without it (the default) a frame
 *	whose source is not the NIC's MAC is refused and counted in
 *	TX_REJECTED. With it the NIC also hears every frame on its link,
 *	not only those to its MAC (see NIC_RX_FILTERED). NIC_NEW, and VM
 *	messages when set
 * @DENALI_A_NIC_RX_FILTERED: u64, unicast frames for another MAC that
 *	were not given to the guest, as a real NIC's address filter drops
 *	them (a bridge floods frames for a MAC it has not learned to every
 *	port); none with ANY_SOURCE
 *
 * @DENALI_A_VM_DISK: nest, one per disk of the VM (in every VM message),
 *	with the DISK_* attributes below
 * @DENALI_A_DISK_INDEX: u32, the guest's disk number, 0 to DENALI_DISK_MAX - 1
 * @DENALI_A_DISK_PATH: string, the host file's path as the module sees it
 *	(d_path of the attached file; for display only)
 * @DENALI_A_DISK_BLOCKS: u64, size in DENALI_DISK_BLOCK (4 KiB) blocks
 * @DENALI_A_DISK_RO: u8, 1 if attached read-only
 * @DENALI_A_DISK_READS: u64, block reads completed
 * @DENALI_A_DISK_WRITES: u64, block writes completed
 * @DENALI_A_DISK_FLUSHES: u64, flushes completed
 * @DENALI_A_DISK_ERRORS: u64, requests completed with an error status
 * @DENALI_A_DISK_INFLIGHT: u32, requests queued and not completed now
 * @DENALI_A_VM_TLB_SIZE: u32, entries of the VM's software-loaded TLB
 *	(VM_NEW: DENALI_TLB_SIZE_MIN to DENALI_TLB_SIZE_MAX, default
 *	DENALI_TLB_SIZE_DEFAULT)
 * @DENALI_A_VM_VMMU: u8, 1 while the VM's virtual MMU is on
 * @DENALI_A_VM_TLB_ENTRIES: u32, translations loaded now
 * @DENALI_A_VM_TLB_PAGES: u32, pages the TLB's page tables use now
 * @DENALI_A_VM_TLB_LOADS: u64, TLB_LOAD calls that installed an entry
 * @DENALI_A_VM_TLB_FLUSHES: u64, entries removed by TLB_FLUSH and
 *	TLB_FLUSH_ALL
 * @DENALI_A_VM_TLB_EVICTIONS: u64, entries replaced because the TLB was full
 * @DENALI_A_VM_TLB_REFUSED: u64, TLB_LOAD, TLB_FLUSH, TLB_FLUSH_ALL and
 *	VMMU calls refused with an error
 *
 * DENALI_CMD_STATS also carries the VM counters (QUANTA to HYPERCALLS),
 * summed over every VM the module has run, destroyed ones included.
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
	DENALI_A_VM_EXIT_CODE,
	DENALI_A_VM_CRASH_REASON,
	DENALI_A_VM_CRASH_RIP,
	DENALI_A_VM_CRASH_INFO,
	DENALI_A_VM_CRASH_NAME,
	DENALI_A_VM_CONSOLE_DROPPED,
	DENALI_A_VM_CMDLINE,
	DENALI_A_VM_WORKER,
	DENALI_A_VM_QUANTA,
	DENALI_A_VM_RUN_NS,
	DENALI_A_VM_IRQS_RAISED,
	DENALI_A_VM_IRQS_INJECTED,
	DENALI_A_VM_IRQ_BATCHES,
	DENALI_A_VM_IDLES,
	DENALI_A_VM_WAKE_TIMEOUT,
	DENALI_A_VM_WAKE_IRQ,
	DENALI_A_VM_EXITS,
	DENALI_A_VM_HYPERCALLS,
	DENALI_A_STATS_WORKERS,
	DENALI_A_STATS_QUANTUM_US,
	DENALI_A_STATS_IRQ_MODE,
	DENALI_A_VM_NIC,
	DENALI_A_NIC_INDEX,
	DENALI_A_NIC_IFNAME,
	DENALI_A_NIC_IFINDEX,
	DENALI_A_NIC_MAC,
	DENALI_A_NIC_MTU,
	DENALI_A_NIC_MASTER,
	DENALI_A_NIC_MASTER_NAME,
	DENALI_A_NIC_RX_QUEUED,
	DENALI_A_NIC_TX_REJECTED,
	DENALI_A_NIC_RX_DROPPED,
	DENALI_A_VM_DISK,
	DENALI_A_DISK_INDEX,
	DENALI_A_DISK_PATH,
	DENALI_A_DISK_BLOCKS,
	DENALI_A_DISK_RO,
	DENALI_A_DISK_READS,
	DENALI_A_DISK_WRITES,
	DENALI_A_DISK_FLUSHES,
	DENALI_A_DISK_ERRORS,
	DENALI_A_DISK_INFLIGHT,
	DENALI_A_VM_TLB_SIZE,
	DENALI_A_VM_VMMU,
	DENALI_A_VM_TLB_ENTRIES,
	DENALI_A_VM_TLB_PAGES,
	DENALI_A_VM_TLB_LOADS,
	DENALI_A_VM_TLB_FLUSHES,
	DENALI_A_VM_TLB_EVICTIONS,
	DENALI_A_VM_TLB_REFUSED,
	DENALI_A_NIC_ANY_SOURCE,
	DENALI_A_NIC_RX_FILTERED,
	__DENALI_A_MAX,
};

#define DENALI_A_MAX (__DENALI_A_MAX - 1)

/*
 * VM exits by kind, the attribute types inside DENALI_A_VM_EXITS. The
 * same kinds on VT-x and AMD-V; appended to, never renumbered.
 */
enum denali_exit_kind {
	DENALI_EXIT_UNSPEC,
	DENALI_EXIT_EXTERNAL,	/* host interrupt, NMI, end of quantum: no guest cause */
	DENALI_EXIT_HYPERCALL,
	DENALI_EXIT_HLT,
	DENALI_EXIT_NPF,	/* nested page fault: first touch of a page */
	DENALI_EXIT_CPUID,
	DENALI_EXIT_RDMSR,
	DENALI_EXIT_KILL,	/* outside the ISA: the VM was killed */
	__DENALI_EXIT_MAX,
};

/* The boot command line, with its terminating NUL. */
#define DENALI_CMDLINE_MAX	512

/*
 * Virtual NICs: at most DENALI_NIC_MAX per VM (the guest numbers them 0 to
 * DENALI_NIC_MAX - 1, as its NIC interrupt bits do); each queues at most
 * DENALI_NIC_RX_QUEUE frames for its guest. MTU: the Ethernet payload
 * size, without the 14-byte header.
 */
#define DENALI_NIC_MAX		8
#define DENALI_NIC_MTU_MIN	68
#define DENALI_NIC_MTU_MAX	1500
#define DENALI_NIC_RX_QUEUE	256

/* The software-loaded TLB: entries per VM (DENALI_A_VM_TLB_SIZE). */
#define DENALI_TLB_SIZE_MIN	16
#define DENALI_TLB_SIZE_MAX	2048
#define DENALI_TLB_SIZE_DEFAULT	512

/* Lifecycle of a VM. Appended to, never renumbered. */
enum denali_vm_state {
	DENALI_VM_STATE_CREATED,
	DENALI_VM_STATE_RUNNING,
	DENALI_VM_STATE_HALTED,
	DENALI_VM_STATE_CRASHED,
	DENALI_VM_STATE_STOPPED,
	__DENALI_VM_STATE_MAX,
};

/*
 * Why a VM was killed. The same cause has the same reason on VT-x and on
 * AMD-V. Appended to, never renumbered.
 */
enum denali_crash_reason {
	DENALI_CRASH_NONE,
	DENALI_CRASH_TRIPLE_FAULT,	/* shutdown: an exception it could not handle */
	DENALI_CRASH_IO,		/* IN, OUT, INS, OUTS */
	DENALI_CRASH_MSR,		/* RDMSR/WRMSR outside the allow-list */
	DENALI_CRASH_CPUID,		/* CPUID leaf outside the defined set */
	DENALI_CRASH_INVD,		/* INVD or WBINVD */
	DENALI_CRASH_XSETBV,		/* XSETBV */
	DENALI_CRASH_VIRT_INSN,		/* VMX or SVM instructions */
	DENALI_CRASH_HLT_IF0,		/* HLT with interrupts disabled */
	DENALI_CRASH_MEMORY,		/* access outside guest memory */
	DENALI_CRASH_PAGE_TABLES,	/* write to the shared page tables */
	DENALI_CRASH_CR_ACCESS,		/* CR0/CR3/CR4/CR8 write the ISA forbids */
	DENALI_CRASH_DR_ACCESS,		/* debug register access */
	DENALI_CRASH_BAD_HYPERCALL,	/* unknown hypercall number */
	DENALI_CRASH_PRIV_INSN,		/* RDPMC, MONITOR, MWAIT, ... */
	DENALI_CRASH_INVALID_STATE,	/* the hardware refused to enter */
	DENALI_CRASH_UNKNOWN_EXIT,	/* an exit the module does not expect */
	DENALI_CRASH_NO_MEMORY,		/* the host could not back guest memory */
	DENALI_CRASH_BAD_ARGUMENT,	/* hypercall memory argument outside guest memory */
	__DENALI_CRASH_MAX,
};

/* What DENALI_CMD_EVENT announces. */
enum denali_event {
	DENALI_EVENT_UNSPEC,
	DENALI_EVENT_CREATED,
	DENALI_EVENT_DESTROYED,
	DENALI_EVENT_STARTED,
	DENALI_EVENT_HALTED,
	DENALI_EVENT_CRASHED,
	DENALI_EVENT_STOPPED,
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

/*
 * On a VM descriptor: returns a new close-on-exec descriptor for the VM's
 * console. read() returns console output (blocking unless O_NONBLOCK;
 * 0 at end of file once the VM has stopped running and the output is
 * drained); poll() works. The console keeps the last
 * DENALI_CONSOLE_RING bytes; older ones are dropped and counted.
 *
 * write() is the VM's keyboard: the bytes are queued for the guest (at
 * most DENALI_CONSOLE_IN_RING waiting) and raise its CONSOLE interrupt;
 * the guest takes them with CONSOLE_READ. A full queue blocks the writer
 * (EAGAIN with O_NONBLOCK; POLLOUT when there is room); writing to a VM
 * that has ended fails with EPIPE.
 */
#define DENALI_VM_IOC_CONSOLE	_IO(DENALI_IOC_MAGIC, 0x10)

/* Disks per VM (the guest numbers them 0 to DENALI_DISK_MAX - 1). */
#define DENALI_DISK_MAX		8

/* struct denali_disk_attach flags */
#define DENALI_DISK_ATTACH_RO	0x1	/* read-only for the guest */

/**
 * struct denali_disk_attach - argument of DENALI_VM_IOC_DISK_ATTACH
 * @fd: an open regular file or block device; opened for reading and
 *	writing unless @flags has DENALI_DISK_ATTACH_RO (then for reading)
 * @flags: DENALI_DISK_ATTACH_*; others must be 0
 * @index: the guest's disk number, or DENALI_DISK_ANY for the lowest free
 * @reserved: must be 0
 *
 * On a VM descriptor, as LOOP_SET_FD on a loop device: the VM gets the
 * file as a disk, its size rounded down to whole DENALI_DISK_BLOCK
 * blocks (at least one). The module holds its own reference to the file
 * and never opens a path itself. Returns the disk number. Errors: EBADF
 * (@fd), EINVAL (flags, reserved, a file of less than a block, not a
 * regular file or block device, or not open for what @flags asks: for
 * reading, and for writing unless read-only, without O_APPEND then;
 * never with O_DIRECT),
 * EEXIST (@index taken), ENOSPC (no free number), EBUSY (the file is
 * attached read-write to a VM, or read-only somewhere and this asks for
 * read-write: a file is shared read-only by any number of VMs, or
 * attached read-write to exactly one), ENODEV (the VM was destroyed).
 */
struct denali_disk_attach {
	__s32 fd;
	__u32 flags;
	__u32 index;
	__u32 reserved;
};

#define DENALI_DISK_ANY		0xffffffffU

#define DENALI_VM_IOC_DISK_ATTACH	_IOW(DENALI_IOC_MAGIC, 0x20, struct denali_disk_attach)
/*
 * DENALI_VM_IOC_DISK_DETACH (argument: the disk number, by value):
 * waits for the disk's requests in flight, then lets go of the file.
 * ENOENT if the VM has no such disk.
 */
#define DENALI_VM_IOC_DISK_DETACH	_IO(DENALI_IOC_MAGIC, 0x21)
#define DENALI_CONSOLE_RING	16384
#define DENALI_CONSOLE_IN_RING	4096

#endif /* _UAPI_LINUX_DENALI_H */
