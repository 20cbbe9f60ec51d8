/* Interrupt and exception entry: the stubs the IDT points at. */

/*
 * Everything runs at CPL 0, so an exception or interrupt stays on the
 * current stack: the CPU aligns RSP down to 16 bytes, then pushes SS,
 * RSP, RFLAGS, CS, RIP and, for some exceptions, an error code (SDM
 * Vol. 3A, 6.14.2 "64-Bit Mode Stack Frame"; which vectors push one:
 * table 6-1). The guest is built with -mno-red-zone, so nothing below the
 * interrupted RSP is live.
 *
 * Exception stubs make the frame uniform, error code (0 when the CPU
 * pushed none) then vector, and go to the C report, which never returns.
 */
	.macro EXC_NOERR vec
	.balign 16
exc_\vec:
	pushq	$0
	pushq	$\vec
	jmp	exc_common
	.endm

	.macro EXC_ERR vec
	.balign 16
exc_\vec:
	pushq	$\vec
	jmp	exc_common
	.endm

	.text
	.irp v, 0, 1, 2, 3, 4, 5, 6, 7, 9, 15, 16, 18, 19, 20, 22, 23, 24, 25, 26, 27, 28, 31
	EXC_NOERR \v
	.endr
	/* #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP, #VC, #SX */
	.irp v, 8, 10, 11, 12, 13, 14, 17, 21, 29, 30
	EXC_ERR \v
	.endr

exc_common:
	cld
	mov	%rsp, %rdi
	and	$-16, %rsp
	call	dn_exception
1:	jmp	1b

/* The stubs by vector, for the IDT. */
	.section .rodata
	.balign 8
	.globl dn_exc_stubs
dn_exc_stubs:
	.irp v, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	.quad	exc_\v
	.endr

/*
 * The module's interrupt (DN_IRQ_VECTOR). The C half follows the SysV
 * ABI, so only the caller-saved registers need saving: nine of them,
 * which with the 40-byte frame on a 16-byte aligned RSP leave RSP
 * 16-byte aligned for the call. No FPU or SSE state: the guest has none.
 * iretq restores RFLAGS, IF and DF included.
 */
	.text
	.balign 16
	.globl dn_irq_entry
dn_irq_entry:
	push	%rax
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	cld
	call	dn_irq_handle
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rax
	iretq
