/* Guest entry of hostile guests: main() in the entry state, with no IDT and interrupts off. */

/*
 * The hostile guests test what the module does with a guest in the bare
 * entry state (bad-triple, bad-jump and bad-ptwrite count on a fault
 * with no IDT becoming a triple fault), so they skip the runtime that
 * start.S sets up. Like start.S, this relies on guest memory starting
 * zeroed instead of clearing .bss.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	cld
	and	$-16, %rsp
	call	main
	mov	%eax, %edi
	call	dn_halt
1:	jmp	1b
