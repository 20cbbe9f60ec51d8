/* The context switch between cooperative threads. */

/*
 * void dn_switch(uint64_t *save_rsp, uint64_t rsp)
 *
 * A switch is a function call, so only the SysV callee-saved registers
 * (RBX, RBP, R12 to R15) and RSP are live across it; RFLAGS needs no
 * saving either: DF is clear at every call and threads switch only with
 * interrupts enabled. A new thread's stack is laid out by
 * dn_thread_create() as if it had called dn_switch() itself.
 */
	.text
	.globl dn_switch
dn_switch:
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, (%rdi)
	mov	%rsi, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret
