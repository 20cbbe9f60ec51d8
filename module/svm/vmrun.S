/* SPDX-License-Identifier: GPL-2.0 */
/* AMD-V guest entry and exit: VMSAVE/VMLOAD around VMRUN, guest registers in and out. */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>

#include "core/regs-asm.inc"

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

	DN_LOAD_GUEST_REGS

	VM_CLEAR_CPU_BUFFERS

3:	vmrun	%rax
4:	vmsave	%rax
5:	mov	F_REGS(%rsp), %rax
	DN_SAVE_GUEST_REGS

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
	DN_CLEAR_GUEST_REGS
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
