/* SPDX-License-Identifier: GPL-2.0 */
/* AMD-V guest entry and exit: VMSAVE/VMLOAD around VMRUN, guest registers in and out. */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>

/* Offsets into unsigned long regs[] (enum denali_reg in core/vcpu.h). */
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

/* The frame below the callee-saved registers. */
#define F_REGS		0		/* @regs */
#define F_HOST		8		/* @host_pa */
#define F_FAIL		16		/* the return value, set by the fault fixups */

/*
 * int __denali_svm_run(u64 vmcb_pa, unsigned long *regs, u64 host_pa)
 *
 * Called with GIF clear (CLGI) and RFLAGS.IF set: with V_INTR_MASKING the
 * host's IF at VMRUN decides whether physical interrupts reach the guest
 * (and make it exit), while GIF = 0 keeps them, NMIs and SMIs pending in
 * the host until the caller's STGI (APM Vol. 2, 15.17 and 15.21.1).
 *
 * VMRUN and #VMEXIT switch only part of the state (APM 15.5.1, 15.6):
 * FS, GS, TR and LDTR with their hidden parts, KERNEL_GS_BASE, STAR,
 * LSTAR, CSTAR, SFMASK and the SYSENTER MSRs go through VMSAVE/VMLOAD.
 * So: VMSAVE the host's into @host_pa, VMLOAD the guest's from the VMCB,
 * VMRUN, VMSAVE the guest's back, VMLOAD the host's. Between the two
 * VMLOADs GS.base is the guest's: nothing here touches per-CPU data, and
 * GIF = 0 keeps NMIs out. RAX and RSP of the guest live in the VMCB; the
 * host's come back by themselves, RAX = @vmcb_pa.
 *
 * Returns 0 after a #VMEXIT (including VMEXIT_INVALID: see the VMCB's
 * exit code), 1 if VMSAVE, VMLOAD or VMRUN faulted (EFER.SVME clear, a
 * bad physical address): a module bug or an emergency shutdown.
 */
	.text
SYM_FUNC_START(__denali_svm_run)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	$0			/* F_FAIL */
	push	%rdx			/* F_HOST */
	push	%rsi			/* F_REGS */

	mov	%rdx, %rax
1:	vmsave	%rax
	mov	%rdi, %rax
2:	vmload	%rax

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

	VM_CLEAR_CPU_BUFFERS

3:	vmrun	%rax
4:	vmsave	%rax
5:	mov	F_REGS(%rsp), %rax
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

	mov	F_HOST(%rsp), %rax
6:	vmload	%rax
7:
	/* The guest chose the return stack's contents: refill it (Spectre v2). */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT

	/* RETBleed and SRSO on AMD: untrain return prediction before any RET. */
#ifdef UNTRAIN_RET_VM
	UNTRAIN_RET_VM
#else
	UNTRAIN_RET
#endif

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
	mov	F_FAIL(%rsp), %eax
	add	$24, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET

	/* Nothing of the guest's was loaded yet. */
10:	movq	$1, F_FAIL(%rsp)
	jmp	.Lout
	/* Go on where the host state comes back. */
30:	movq	$1, F_FAIL(%rsp)
	jmp	4b
40:	movq	$1, F_FAIL(%rsp)
	jmp	5b
60:	movq	$1, F_FAIL(%rsp)
	jmp	7b

	_ASM_EXTABLE(1b, 10b)
	_ASM_EXTABLE(2b, 10b)
	_ASM_EXTABLE(3b, 30b)
	_ASM_EXTABLE(4b, 40b)
	_ASM_EXTABLE(6b, 60b)
SYM_FUNC_END(__denali_svm_run)

/*
 * int __denali_svm_clgi(void), int __denali_svm_stgi(void): set or clear
 * the global interrupt flag; 0, or 1 if the instruction faulted (#UD:
 * EFER.SVME is clear).
 */
SYM_FUNC_START(__denali_svm_clgi)
1:	clgi
	xor	%eax, %eax
	RET
2:	mov	$1, %eax
	RET
	_ASM_EXTABLE(1b, 2b)
SYM_FUNC_END(__denali_svm_clgi)

SYM_FUNC_START(__denali_svm_stgi)
1:	stgi
	xor	%eax, %eax
	RET
2:	mov	$1, %eax
	RET
	_ASM_EXTABLE(1b, 2b)
SYM_FUNC_END(__denali_svm_stgi)
