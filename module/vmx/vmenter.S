/* SPDX-License-Identifier: GPL-2.0 */
/* VT-x guest entry and exit: load guest registers, VMLAUNCH/VMRESUME, save them back. */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

#include "core/regs-asm.inc"

/* VMCS field encoding of HOST_RSP (SDM Vol. 3 Appendix B.4.4). */
#define VMCS_HOST_RSP	0x6c14

/*
 * int __denali_vmx_enter(unsigned long *regs, bool launched)
 *
 * Called with interrupts off and the VM's VMCS current. Saves the host's
 * callee-saved registers, points HOST_RSP at them, enters the guest with
 * its registers from @regs (RSP and RIP come from the VMCS), and on VM
 * exit (HOST_RIP = denali_vmx_vmexit) stores the guest's registers back.
 * Returns 0 after a VM exit, 1 if VMLAUNCH/VMRESUME itself failed.
 */
	.text
SYM_FUNC_START(__denali_vmx_enter)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdi			/* regs, found again at (%rsp) on exit */

	mov	$VMCS_HOST_RSP, %eax
	vmwrite	%rsp, %rax
	jna	.Lvmfail

	/*
	 * CF = @launched survives the register loads (mov sets no flags) and
	 * CLEAR_CPU_BUFFERS, whose VERW (where the CPU needs the MDS
	 * mitigation) sets ZF: a ZF test here made every entry a VMLAUNCH.
	 */
	bt	$0, %esi
	mov	%rdi, %rsi
	mov	R_RAX(%rsi), %rax
	DN_LOAD_GUEST_REGS

	CLEAR_CPU_BUFFERS

	jnc	.Lvmlaunch
	UNWIND_HINT_SAVE
	vmresume
	jmp	.Lvmfail
.Lvmlaunch:
	vmlaunch
	jmp	.Lvmfail

SYM_INNER_LABEL(denali_vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR
	push	%rax
	mov	8(%rsp), %rax
	DN_SAVE_GUEST_REGS
	popq	R_RAX(%rax)

	/* The guest chose the return stack's contents: refill it (Spectre v2). */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT

	xor	%eax, %eax
.Lout:
	DN_CLEAR_GUEST_REGS
	add	$8, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET

.Lvmfail:
	mov	$1, %eax
	jmp	.Lout
SYM_FUNC_END(__denali_vmx_enter)

/*
 * int __denali_vmxon(u64 *pa) and int __denali_vmxoff(void): 0 on success,
 * 1 on VMfail or on a fault (VMX disabled, CR4.VMXE clear, ...).
 */
SYM_FUNC_START(__denali_vmxon)
1:	vmxon	(%rdi)
	jna	2f
	xor	%eax, %eax
	RET
2:	mov	$1, %eax
	RET
	_ASM_EXTABLE(1b, 2b)
SYM_FUNC_END(__denali_vmxon)

SYM_FUNC_START(__denali_vmxoff)
1:	vmxoff
	jna	2f
	xor	%eax, %eax
	RET
2:	mov	$1, %eax
	RET
	_ASM_EXTABLE(1b, 2b)
SYM_FUNC_END(__denali_vmxoff)
