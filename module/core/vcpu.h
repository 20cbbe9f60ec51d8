/* SPDX-License-Identifier: GPL-2.0 */
/* The generic virtual CPU: registers and the last exit, shared by both backends. */
#ifndef _DENALI_VCPU_H
#define _DENALI_VCPU_H

#include <linux/types.h>
#include <linux/compiler.h>

struct denali_vm;

/* General registers, in the hardware's encoding order. */
enum denali_reg {
	DN_RAX, DN_RCX, DN_RDX, DN_RBX, DN_RSP, DN_RBP, DN_RSI, DN_RDI,
	DN_R8, DN_R9, DN_R10, DN_R11, DN_R12, DN_R13, DN_R14, DN_R15,
	DN_NR_REGS,
};

/*
 * What a backend made of a VM exit. Each backend maps its hardware exit
 * codes through an exit table onto these; the policy for each lives in
 * core/exit.c, once for both.
 */
enum denali_exit_reason {
	DN_EXIT_NONE,		/* host interrupt, NMI, ...: just resume */
	DN_EXIT_HYPERCALL,	/* vmcall / vmmcall */
	DN_EXIT_HLT,
	DN_EXIT_NPF,		/* nested page fault at @gpa */
	DN_EXIT_CPUID,
	DN_EXIT_RDMSR,
	DN_EXIT_KILL,		/* outside the Denali ISA: @crash says why */
};

/**
 * struct denali_exit - the last VM exit, decoded
 * @reason: enum denali_exit_reason
 * @crash: for DN_EXIT_KILL, enum denali_crash_reason
 * @hw: the hardware's exit code (VMX basic exit reason, SVM exit code)
 * @qual: exit qualification / EXITINFO1, for the record
 * @gpa: guest-physical address of a nested page fault
 * @write: the nested page fault was a write
 * @insn_len: length of the instruction that exited, for skipping it
 */
struct denali_exit {
	u32 reason;
	u32 crash;
	u64 hw;
	u64 qual;
	u64 gpa;
	bool write;
	u32 insn_len;
};

/**
 * struct denali_vcpu - a VM's one virtual CPU, as the generic code sees it
 * @vm: the VM
 * @regs: general registers; the backend keeps them across entries (RSP
 *	lives in the control block; @regs[DN_RSP] is refreshed on exit)
 * @rip: guest RIP after the last exit
 * @rflags: guest RFLAGS after the last exit
 * @rip_dirty: @rip was changed by the host; the backend writes it back
 *	before the next entry
 * @exit: the last exit
 * @kick: set (by the scheduler, from any CPU) when the current run is to
 *	end at once: the backend checks it with interrupts off right before
 *	entering and returns -EINTR instead of entering; a kick that comes
 *	later is an IPI, which makes the guest exit
 * @irq_vector: set by the scheduler before a run: inject an external
 *	interrupt at this vector (32-255) on the next entry if the guest can
 *	take it now (interrupts enabled, no STI or MOV SS shadow, no event
 *	being redelivered); 0 for none. The backend clears it either way.
 * @irq_injected: set by the backend when it did inject @irq_vector
 * @new_quantum: set by the scheduler when a quantum begins; the backend
 *	refreshes host state it caches for a quantum and clears it
 * @cr3: the guest's CR3 (the shared tables, or the virtual MMU's)
 * @cr3_dirty: @cr3 was changed by the host; the backend writes it back
 *	before the next entry
 * @tlb_flush: the host changed or removed guest translations: before the
 *	next entry the backend makes the CPU forget every translation of
 *	this VM's guest-virtual space (VPID or ASID), and clears it. A VM
 *	that comes to a CPU where it ran before is flushed there too (its
 *	tables may have changed in between).
 *
 * Backends embed it in their own state (container_of).
 */
struct denali_vcpu {
	struct denali_vm *vm;
	unsigned long regs[DN_NR_REGS];
	u64 rip;
	u64 rflags;
	bool rip_dirty;
	struct denali_exit exit;
	const bool *kick;
	u8 irq_vector;
	bool irq_injected;
	bool new_quantum;
	u64 cr3;
	bool cr3_dirty;
	bool tlb_flush;
};

int denali_handle_exit(struct denali_vcpu *vcpu);

/* Whether the scheduler asked the current run to end (see @kick). */
static inline bool denali_vcpu_kicked(const struct denali_vcpu *vcpu)
{
	return vcpu->kick && READ_ONCE(*vcpu->kick);
}

const char *denali_crash_name(u32 reason);

/* VT-x exit classification (vmx/vmx.c), for KUnit. */
void denali_vmx_classify(u32 exit_reason, struct denali_exit *e);

#endif /* _DENALI_VCPU_H */
