/* The page fault entry of the virtual-memory module (vm.c), and its probes. */

/*
 * vm.c points the #PF gate here, on interrupt stack 1 of the TSS (IST1):
 * the CPU switches to the handler's stack whatever RSP was, so a fault
 * on a guard page, with RSP in it, can be handled (SDM Vol. 3A, 6.14.5
 * "Interrupt Stack Table"). The frame is the usual one with an error
 * code (6.14.2); CR2 holds the address (4.7).
 *
 * IST1 is a fixed address: a page fault inside the handler (a leaf of
 * the page map that missed, or the error paths' printf) would land on
 * top of the frame being handled. So while a fault is handled, IST1 is
 * moved NEST bytes down, and back before the iretq; faults nest like
 * calls. The TSS is in page 0, which vm.c keeps mapped and writable.
 *
 * Everything the handler touches before its C half decides is global in
 * the TLB (vm.c pins .text.vmfault, the stack, page 0), so the entry
 * itself cannot fault. All general registers are saved: the C half may
 * redirect a probe (RIP, RSP, RAX).
 */
	.set	TSS_IST1, 0xe80 + 0x24
	.set	NEST, 2048

	.section .text.vmfault, "ax"
	.balign	16
	.globl	dn_vm_pf_entry
dn_vm_pf_entry:
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%rbp
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%cr2, %rsi
	mov	%rsp, %rdi
	/* 21 quadwords on a 16-byte aligned stack: one more for the call's alignment. */
	sub	$8, %rsp
	subq	$NEST, TSS_IST1
	cld
	call	dn_vm_fault
	addq	$NEST, TSS_IST1
	add	$8, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rbp
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
	/* The error code. */
	add	$8, %rsp
	iretq

/*
 * int dn_vm_probe_read(const volatile void *addr)
 * int dn_vm_probe_write(volatile void *addr)
 * int dn_vm_probe_exec(const void *addr)
 *
 * Each makes one access and returns 0. When the access faults and the
 * page map does not allow it, the handler recognises the instruction
 * (or, for exec, the fetch at the address the probe called) and resumes
 * at dn_vm_probe_done with RAX = DN_VM_FAULTED | the error code.
 */
	.text
	.globl	dn_vm_probe_read, dn_vm_probe_write, dn_vm_probe_exec
	.globl	dn_vm_probe_read_at, dn_vm_probe_write_load, dn_vm_probe_write_at
	.globl	dn_vm_probe_exec_ret, dn_vm_probe_done
	.balign	16
dn_vm_probe_read:
	xor	%eax, %eax
dn_vm_probe_read_at:
	movb	(%rdi), %cl
dn_vm_probe_done:
	ret

	.balign	16
dn_vm_probe_write:
	xor	%eax, %eax
dn_vm_probe_write_load:
	movb	(%rdi), %cl
dn_vm_probe_write_at:
	movb	%cl, (%rdi)
	ret

/* The handler pops the return address the call pushed and returns to the caller. */
	.balign	16
dn_vm_probe_exec:
	call	*%rdi
dn_vm_probe_exec_ret:
	xor	%eax, %eax
	ret
