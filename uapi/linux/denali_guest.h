/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/* Denali guest ABI: the guest-physical layout, registers page and hypercalls. */
#ifndef _UAPI_LINUX_DENALI_GUEST_H
#define _UAPI_LINUX_DENALI_GUEST_H

/*
 * Self-contained and dual-use: included by the module and by freestanding
 * guests (Ilwaco), so it uses only fixed-width types. Fields are only ever
 * appended; DENALI_GUEST_ABI_VERSION grows when they are.
 */
#if defined(__KERNEL__) || __STDC_HOSTED__
#include <linux/types.h>
#else
/*
 * Freestanding guests have no <linux/types.h>; these are its definitions
 * (asm-generic/int-ll64.h), so the two can meet without conflict.
 */
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef int __s32;
typedef unsigned long long __u64;
#endif

#define DENALI_GUEST_ABI_VERSION	6

/*
 * Guest-physical layout. The guest runs in 64-bit mode with paging on, its
 * virtual addresses 0 to 4 GiB mapped 1:1 to guest-physical ones by page
 * tables the module shares between all VMs (outside guest memory, at
 * DENALI_PT_GPA, where no guest virtual address reaches them).
 */
#define DENALI_REGS_GPA		0x0ULL		/* the virtual registers page */
#define DENALI_STACK_TOP	0x100000ULL	/* initial RSP; the stack grows down */
#define DENALI_GUEST_LOAD_MIN	0x100000ULL	/* images load at or above 1 MiB */
#define DENALI_PT_GPA		0x100000000ULL	/* the shared page tables */
#define DENALI_VTLB_GPA		0x140000000ULL	/* the virtual MMU's tables (its CR3) */

/*
 * Hypercalls: call the trampoline in the registers page with the number in
 * RAX and arguments in RDI, RSI, RDX, R10, R8. The result comes back in
 * RAX: 0 or more on success, a negative DENALI_E* on failure. Every other
 * register is preserved. Number 0 is reserved and never valid; an unknown
 * number kills the VM.
 */
enum denali_hypercall {
	DENALI_HC_RESERVED,
	DENALI_HC_HALT,			/* (code): the VM ends, halted(code) */
	DENALI_HC_IDLE,			/* (timeout_ns): sleep until an interrupt or the timeout */
	DENALI_HC_CONSOLE_WRITE,	/* (gpa, len): returns bytes taken */
	DENALI_HC_CONSOLE_READ,		/* (gpa, len): returns bytes read, 0 if none */
	DENALI_HC_ALARM,		/* (deadline_ns): raise TIMER then; 0 cancels */
	DENALI_HC_NET_SEND,		/* (nic, gpa, len): send one frame; returns len */
	DENALI_HC_NET_RECV,		/* (nic, gpa, len): take a frame; returns its length or 0 */
	DENALI_HC_DISK_READ,		/* (disk, block, gpa, tag): queue a 4 KiB read */
	DENALI_HC_DISK_WRITE,		/* (disk, block, gpa, tag): queue a 4 KiB write */
	DENALI_HC_DISK_FLUSH,		/* (disk, tag): queue a flush to stable storage */
	DENALI_HC_VMMU,			/* (mode): DENALI_VMMU_ON or _OFF; returns 0 */
	DENALI_HC_TLB_LOAD,		/* (va, pa, flags): install one 4 KiB translation */
	DENALI_HC_TLB_FLUSH,		/* (va): remove the translation of one page */
	DENALI_HC_TLB_FLUSH_ALL,	/* (flags): remove every translation (but global ones) */
	__DENALI_HC_MAX,
};

/*
 * Errors hypercalls return (negated). A memory argument (gpa, len) that is
 * not entirely inside guest memory is not an error but an attack: the VM
 * is killed (crash reason bad_argument).
 */
#define DENALI_EPERM		1	/* not allowed (a frame from another MAC) */
#define DENALI_EIO		5	/* the host's I/O failed */
#define DENALI_EAGAIN		11	/* queue full: try again after completions */
#define DENALI_ENOMEM		12	/* the host is out of memory for it */
#define DENALI_EFAULT		14	/* a buffer not inside guest memory */
#define DENALI_ENODEV		19	/* no such device (NIC or disk number) */
#define DENALI_EINVAL		22	/* bad argument value */
#define DENALI_ENOSYS		38	/* not implemented yet */
#define DENALI_ENOSPC		28	/* no room for another global TLB entry */
#define DENALI_EROFS		30	/* write to a read-only disk */
#define DENALI_EMSGSIZE		90	/* the buffer is too small for the frame */

/*
 * IDLE(timeout_ns) takes the VM off the CPU until an interrupt bit is
 * pending for it or timeout_ns nanoseconds have passed, whichever comes
 * first, and returns 0. It returns at once if a bit was raised since the
 * registers page was last filled (the bits are in the page when it
 * returns), so a guest that checks for work with interrupts disabled and
 * then idles cannot miss a wake-up. Bits left untaken in the page do not
 * keep it awake: with them, it sleeps one quantum at most.
 * timeout_ns = 0 just yields the rest of the quantum; ~0 (DENALI_IDLE_FOREVER)
 * sleeps until an interrupt. A VM that idled is first in line when it
 * wakes. HLT with interrupts enabled is IDLE(DENALI_IDLE_FOREVER).
 *
 * ALARM(deadline_ns) arms the VM's one-shot alarm: when the registers
 * page clock reaches deadline_ns, the TIMER bit is raised. A deadline in
 * the past raises it at once; a new alarm replaces the old one; 0 cancels.
 */
#define DENALI_IDLE_FOREVER	(~0ULL)

/*
 * NICs. NET_SEND(nic, gpa, len) hands one Ethernet frame (destination MAC
 * first, no FCS) to NIC @nic's Linux device, as if received from a wire,
 * and returns len. A frame shorter than DENALI_ETH_HLEN or longer than
 * DENALI_ETH_HLEN + the NIC's MTU returns -DENALI_EINVAL and is counted,
 * never passed on; so does one whose source address is not the NIC's MAC,
 * with -DENALI_EPERM, unless the supervisor let that NIC send from any
 * address (a guest that bridges); a NIC that does not exist returns
 * -DENALI_ENODEV. A
 * frame sent while the Linux device is down is dropped and counted, as a
 * wire without a peer would lose it, and still returns len.
 *
 * NET_RECV(nic, gpa, len) copies the oldest frame queued for NIC @nic to
 * gpa and returns its length, or 0 if none waits. A buffer shorter than
 * the frame returns -DENALI_EMSGSIZE and leaves the frame queued; a buffer
 * of DENALI_ETH_HLEN + MTU bytes always fits. When frames arrive for a
 * NIC whose queue was empty, the module raises DENALI_IRQ_NIC(nic); the
 * guest then takes frames until NET_RECV returns 0.
 *
 * As everywhere, a (gpa, len) not entirely inside guest memory kills the
 * VM (bad_argument).
 */
#define DENALI_ETH_HLEN		14

/*
 * Disks: fixed-size, read and written in blocks of DENALI_DISK_BLOCK bytes,
 * asynchronously. DISK_READ(disk, block, gpa, tag) and DISK_WRITE(disk,
 * block, gpa, tag) queue a transfer of one block between block number
 * @block of disk @disk and guest memory at @gpa (any address; the block
 * must lie inside guest memory); DISK_FLUSH(disk, tag) queues a flush,
 * which completes once every write completed before it is on stable
 * storage. They return 0 when queued, -DENALI_ENODEV if there is no such
 * disk, -DENALI_EAGAIN if the VM's queue is full: requests in flight plus
 * completions not yet taken from the ring reach DENALI_DISK_CQ_SIZE.
 *
 * Every queued request completes exactly once, in the completion ring of
 * the registers page, with its @tag and a status: 0, or -DENALI_EROFS (a
 * write to a read-only disk), -DENALI_EINVAL (a block past the end),
 * -DENALI_EFAULT (@gpa not inside guest memory), -DENALI_EIO (the host's
 * I/O failed). Such a failure is that request's alone; the VM lives on.
 * A completion raises DENALI_IRQ_DISK(disk). Requests of one disk are
 * carried out in the order they were queued.
 */
#define DENALI_DISK_BLOCK	4096
#define DENALI_DISK_CQ_SIZE	128

/*
 * Interrupt bits, in the pending mask of the registers page. Raising one
 * sets it (in the module, then, at the start of the VM's next quantum, in
 * the page) and wakes the VM if it idles; delivery is batched: several
 * raises before the quantum are one batch.
 */
#define DENALI_IRQ_TIMER	0x1U		/* bit 0: the alarm went off */
#define DENALI_IRQ_CONSOLE	0x2U		/* bit 1: console input waits (CONSOLE_READ) */
#define DENALI_IRQ_NIC(n)	(0x100U << (n))		/* NIC n (0-7): bits 8-15 */
#define DENALI_IRQ_DISK(n)	(0x10000U << (n))	/* disk n (0-7): bits 16-23 */

/* Vectors a guest may choose for its interrupt (irq_vector); 0 = none. */
#define DENALI_IRQ_VECTOR_MIN	32
#define DENALI_IRQ_VECTOR_MAX	255

/* CONSOLE_WRITE takes at most this much at once and returns what it took. */
#define DENALI_CONSOLE_WRITE_MAX	4096

/*
 * The virtual MMU (a software-loaded TLB). A VM starts with it off: the
 * shared identity map above. VMMU(DENALI_VMMU_ON) switches to the VM's
 * own address space, which holds exactly the translations the guest
 * loaded with TLB_LOAD(va, pa, flags) and has not flushed or lost to
 * replacement; VMMU(DENALI_VMMU_OFF) switches back (the loaded entries
 * stay, for the next VMMU_ON). Entries can be loaded in either mode.
 *
 * va and pa are page aligned; va below DENALI_TLB_VA_LIMIT; the page at
 * pa inside guest memory. An access through no entry, or against an
 * entry's flags, is a page fault to the guest's IDT (CR2, the usual
 * error code), with no exit. The TLB holds tlb_size entries (registers
 * page); a load into a full TLB replaces the entry in the slot a
 * rotating victim pointer is at, skipping global entries.
 *
 * Results: 0, or -DENALI_EINVAL (flags outside DENALI_TLB_FLAGS, a va
 * or pa not page aligned, a va at or above the limit, a bad mode),
 * -DENALI_EFAULT (pa not inside guest memory), -DENALI_ENOSPC (a global
 * load when tlb_size - 1 entries are global already: one entry always
 * stays replaceable), -DENALI_ENOMEM (the host could not allocate a table).
 * A refused load installs nothing.
 */
#define DENALI_VMMU_OFF		0
#define DENALI_VMMU_ON		1

#define DENALI_TLB_W		0x1	/* writable */
#define DENALI_TLB_X		0x2	/* executable (else no-execute) */
#define DENALI_TLB_USER		0x4	/* reachable from CPL 3 (U/S) */
#define DENALI_TLB_GLOBAL	0x8	/* never replaced; kept by TLB_FLUSH_ALL(0) */
#define DENALI_TLB_FLAGS	0xfULL

/* TLB_FLUSH_ALL flags */
#define DENALI_TLB_FLUSH_GLOBAL	0x1	/* global entries too */

#define DENALI_TLB_VA_LIMIT	0x100000000ULL

/* Offsets inside the registers page. */
#define DENALI_REGS_GDT_OFF		0xe00	/* the initial GDT (selectors below) */
#define DENALI_REGS_TSS_OFF		0xe80	/* the initial 64-bit TSS */
#define DENALI_REGS_TRAMPOLINE_OFF	0xf00	/* hypercall trampoline: vmcall/vmmcall; ret */

/* Selectors of the initial GDT. */
#define DENALI_SEL_CODE		0x08
#define DENALI_SEL_DATA		0x10
#define DENALI_SEL_TSS		0x18

/* The boot command line in the registers page, with its terminating NUL. */
#define DENALI_REGS_CMDLINE_MAX		512

/* Disk slots in the registers page (DENALI_DISK_MAX in denali.h). */
#define DENALI_REGS_DISK_MAX		8

/* struct denali_regs_disk flags */
#define DENALI_DISK_F_RO	0x1	/* attached read-only */

/**
 * struct denali_regs_disk - one disk slot of the registers page
 * @blocks: the disk's size in DENALI_DISK_BLOCK blocks; 0: no disk here
 * @flags: DENALI_DISK_F_*
 * @reserved: zero
 */
struct denali_regs_disk {
	__u64 blocks;
	__u32 flags;
	__u32 reserved;
};

/**
 * struct denali_disk_cqe - one completion in the registers page's ring
 * @tag: the request's tag, as the guest passed it
 * @status: 0 or a negative DENALI_E*
 * @disk: the disk number
 * @op: the hypercall (DENALI_HC_DISK_READ, _WRITE or _FLUSH)
 */
struct denali_disk_cqe {
	__u64 tag;
	__s32 status;
	__u16 disk;
	__u16 op;
};

/* NIC slots in the registers page (DENALI_NIC_MAX in denali.h). */
#define DENALI_REGS_NIC_MAX		8

/**
 * struct denali_regs_nic - one NIC slot of the registers page
 * @mac: the NIC's MAC address
 * @mtu: its MTU (payload bytes, without the Ethernet header); 0: no NIC
 *	in this slot
 */
struct denali_regs_nic {
	__u8 mac[6];
	__u16 mtu;
};

/**
 * struct denali_regs - the virtual registers page, at DENALI_REGS_GPA
 * @abi_version: DENALI_GUEST_ABI_VERSION, written by the module
 * @reserved0: zero
 * @mem_size: guest memory in bytes
 * @tsc_khz: the TSC's frequency in kHz (RDTSC is not intercepted)
 * @tsc_shift: see @tsc_mult
 * @tsc_mult: nanoseconds = (TSC ticks * @tsc_mult) >> @tsc_shift, with a
 *	128-bit product
 * @time_ns: the clock (nanoseconds since the host booted, monotonic) when
 *	the TSC read @time_tsc. The module refreshes both at the start of
 *	every quantum, while the guest does not run; between refreshes the
 *	guest's time is @time_ns + ((RDTSC - @time_tsc) * @tsc_mult >> @tsc_shift).
 *	IDLE timeouts and ALARM deadlines are on this clock.
 * @pending: interrupt bits (DENALI_IRQ_*) delivered and not yet taken.
 *	The module ORs bits in with a locked instruction; the guest takes
 *	them all with an atomic exchange against 0.
 * @irq_vector: chosen by the guest: at the start of a quantum with bits
 *	pending and interrupts enabled, the module injects one external
 *	interrupt at this vector (DENALI_IRQ_VECTOR_MIN to _MAX). Any other
 *	value: no injection; the guest polls @pending.
 * @cmdline: the boot command line (denalictl create --cmdline),
 *	NUL-terminated, empty if none
 * @nic_count: how many slots of @nic hold a NIC
 * @nic: the NICs, by number; the module refreshes the slots at the start
 *	of every quantum, so a NIC added or removed while the VM runs shows
 *	up there
 * @disk_count: how many slots of @disk hold a disk
 * @disk: the disks, by number, refreshed like @nic
 * @cq_head: completions the guest has taken from @cq (written by the
 *	guest; the module only reads it, and treats a value it cannot
 *	believe as "nothing taken")
 * @cq_tail: completions the module has put in @cq (written by the module,
 *	at any time, also while the guest runs: the entry is written before
 *	the tail moves). Completion number i is @cq[i % DENALI_DISK_CQ_SIZE].
 * @cq: the disk completion ring
 *
 * The module writes the page when the VM starts and the fields above
 * while the guest is not running; the guest may write any of it too, and
 * hurts only itself: the module reads nothing back but @pending,
 * @irq_vector and @cq_head, and checks all three. The rest of the page up to the GDT is
 * reserved for fields appended later.
 */
struct denali_regs {
	__u32 abi_version;
	__u32 reserved0;
	__u64 mem_size;
	__u32 tsc_khz;
	__u32 tsc_shift;
	__u64 tsc_mult;
	__u64 time_ns;
	__u64 time_tsc;
	__u32 pending;
	__u32 irq_vector;
	__u64 reserved1;
	char cmdline[DENALI_REGS_CMDLINE_MAX];
	__u32 nic_count;
	__u32 reserved2;
	struct denali_regs_nic nic[DENALI_REGS_NIC_MAX];
	__u32 disk_count;
	__u32 reserved3;
	struct denali_regs_disk disk[DENALI_REGS_DISK_MAX];
	__u32 cq_head;
	__u32 cq_tail;
	__u64 reserved4;
	struct denali_disk_cqe cq[DENALI_DISK_CQ_SIZE];
	__u32 tlb_size;
	__u32 reserved5;
};

/*
 * Entry state: 64-bit mode, CPL 0, paging on (CR3 = DENALI_PT_GPA),
 * RIP = the ELF entry point, RSP = DENALI_STACK_TOP, RFLAGS = 0x2
 * (interrupts off), CS/DS/ES/SS/FS/GS from the initial GDT, other general
 * registers 0, no IDT (IDTR limit 0: any exception is a triple fault until
 * the guest loads its own). No FPU or SSE: CR0.EM is set and the guest may
 * not change CR0, CR3 or CR4.
 */

#endif /* _UAPI_LINUX_DENALI_GUEST_H */
