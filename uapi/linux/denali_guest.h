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
typedef unsigned long long __u64;
#endif

#define DENALI_GUEST_ABI_VERSION	1

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
	DENALI_HC_IDLE,			/* (timeout_ns): yield until an interrupt or the timeout */
	DENALI_HC_CONSOLE_WRITE,	/* (gpa, len): returns bytes taken */
	DENALI_HC_CONSOLE_READ,		/* (gpa, len): returns bytes read, 0 if none */
	__DENALI_HC_MAX,
};

/*
 * Errors hypercalls return (negated). A memory argument (gpa, len) that is
 * not entirely inside guest memory is not an error but an attack: the VM
 * is killed (crash reason bad_argument).
 */
#define DENALI_EINVAL		22	/* bad argument value */
#define DENALI_ENOSYS		38	/* not implemented yet */

/* CONSOLE_WRITE takes at most this much at once and returns what it took. */
#define DENALI_CONSOLE_WRITE_MAX	4096

/* Offsets inside the registers page. */
#define DENALI_REGS_GDT_OFF		0xe00	/* the initial GDT (selectors below) */
#define DENALI_REGS_TSS_OFF		0xe80	/* the initial 64-bit TSS */
#define DENALI_REGS_TRAMPOLINE_OFF	0xf00	/* hypercall trampoline: vmcall/vmmcall; ret */

/* Selectors of the initial GDT. */
#define DENALI_SEL_CODE		0x08
#define DENALI_SEL_DATA		0x10
#define DENALI_SEL_TSS		0x18

/**
 * struct denali_regs - the virtual registers page, at DENALI_REGS_GPA
 * @abi_version: DENALI_GUEST_ABI_VERSION, written by the module
 * @reserved0: zero
 * @mem_size: guest memory in bytes
 *
 * The module writes the page when the VM starts; the guest may write it
 * too, and hurts only itself. The rest of the page up to the GDT is
 * reserved for fields appended later.
 */
struct denali_regs {
	__u32 abi_version;
	__u32 reserved0;
	__u64 mem_size;
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
