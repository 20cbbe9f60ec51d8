/* SPDX-License-Identifier: GPL-2.0 */
/* VT-x guest entry and exit: load guest registers, VMLAUNCH/VMRESUME, save them back. */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

/* VMCS field encoding of HOST_RSP (SDM Vol. 3 Appendix B.4.4). */
#define VMCS_HOST_RSP	0x6c14

/* Offsets into unsigned long regs[] (enum denali_reg in core/vcpu.h). */
#define R_RAX	(0 * 8)
#define R_RCX	(1 * 8)
#define R_RDX	(2 * 8)
#define R_RBX	(3 * 8)
#define R_RBP	(5 * 8)
#define R_RSI	(6 * 8)
#define R_RDI	(7 * 8)
#define R_R8	(8 * 8)
#define R_R9	(9 * 8)
#define R_R10	(10 * 8)
#define R_R11	(11 * 8)
#define R_R12	(12 * 8)
#define R_R13	(13 * 8)
#define R_R14	(14 * 8)
#define R_R15	(15 * 8)

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

	/* ZF from this test survives the register loads (mov sets no flags). */
	test	%sil, %sil
	mov	%rdi, %rax
	mov	R_RCX(%rax), %rcx
	mov	R_RDX(%rax), %rdx
	mov	R_RBX(%rax), %rbx
	mov	R_RBP(%rax), %rbp
	mov	R_RSI(%rax), %rsi
	mov	R_RDI(%rax), %rdi
	mov	R_R8(%rax), %r8
	mov	R_R9(%rax), %r9
	mov	R_R10(%rax), %r10
	mov	R_R11(%rax), %r11
	mov	R_R12(%rax), %r12
	mov	R_R13(%rax), %r13
	mov	R_R14(%rax), %r14
	mov	R_R15(%rax), %r15
	mov	R_RAX(%rax), %rax

	CLEAR_CPU_BUFFERS

	jz	.Lvmlaunch
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
	mov	%rcx, R_RCX(%rax)
	mov	%rdx, R_RDX(%rax)
	mov	%rbx, R_RBX(%rax)
	mov	%rbp, R_RBP(%rax)
	mov	%rsi, R_RSI(%rax)
	mov	%rdi, R_RDI(%rax)
	mov	%r8, R_R8(%rax)
	mov	%r9, R_R9(%rax)
	mov	%r10, R_R10(%rax)
	mov	%r11, R_R11(%rax)
	mov	%r12, R_R12(%rax)
	mov	%r13, R_R13(%rax)
	mov	%r14, R_R14(%rax)
	mov	%r15, R_R15(%rax)
	popq	R_RAX(%rax)

	/* The guest chose the return stack's contents: refill it (Spectre v2). */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT

	xor	%eax, %eax
.Lout:
	/* No guest value stays in a register the host might use speculatively. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
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
