/* SPDX-License-Identifier: GPL-2.0 */
/* Assembly helpers both backends use to move guest registers in and out of regs[]. */
#ifndef _DENALI_REGS_ASM_H
#define _DENALI_REGS_ASM_H

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
 * Loads the guest's RCX..R15 from regs[] at %rsi, %rsi itself last. RAX and
 * RSP are the caller's business (the control block holds RSP, and on AMD-V
 * RAX too). Sets no flags.
 */
.macro DN_LOAD_GUEST_REGS
	mov	R_RCX(%rsi), %rcx
	mov	R_RDX(%rsi), %rdx
	mov	R_RBX(%rsi), %rbx
	mov	R_RBP(%rsi), %rbp
	mov	R_RDI(%rsi), %rdi
	mov	R_R8(%rsi), %r8
	mov	R_R9(%rsi), %r9
	mov	R_R10(%rsi), %r10
	mov	R_R11(%rsi), %r11
	mov	R_R12(%rsi), %r12
	mov	R_R13(%rsi), %r13
	mov	R_R14(%rsi), %r14
	mov	R_R15(%rsi), %r15
	mov	R_RSI(%rsi), %rsi
.endm

/* Stores the guest's RCX..R15 into regs[] at %rax. */
.macro DN_SAVE_GUEST_REGS
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
.endm

/*
 * No guest value stays in a caller-saved register the host might use
 * speculatively (the callee-saved ones are restored from the stack).
 */
.macro DN_CLEAR_GUEST_REGS
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
.endm

#endif /* _DENALI_REGS_ASM_H */
