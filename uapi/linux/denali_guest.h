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

/* Guest-physical layout. */
#define DENALI_REGS_GPA		0x0ULL		/* the virtual registers page */
#define DENALI_GUEST_LOAD_MIN	0x100000ULL	/* images load at or above 1 MiB */

/* Hypercall numbers (in RAX). 0 is reserved and never valid. */
enum denali_hypercall {
	DENALI_HC_RESERVED,
	DENALI_HC_HALT,			/* (code) */
	DENALI_HC_IDLE,			/* (timeout_ns) */
	DENALI_HC_CONSOLE_WRITE,	/* (gpa, len) */
	DENALI_HC_CONSOLE_READ,		/* (gpa, len) */
	__DENALI_HC_MAX,
};

/* Offset of the hypercall trampoline inside the registers page. */
#define DENALI_REGS_TRAMPOLINE_OFF	0xf00

/**
 * struct denali_regs - the virtual registers page, at DENALI_REGS_GPA
 * @abi_version: DENALI_GUEST_ABI_VERSION, written by the module
 * @reserved0: zero
 * @mem_size: guest memory in bytes
 */
struct denali_regs {
	__u32 abi_version;
	__u32 reserved0;
	__u64 mem_size;
};

#endif /* _UAPI_LINUX_DENALI_GUEST_H */
