/* Guest entry: clear .bss, run main(), halt with its return value. */
	.section .text.start, "ax"
	.globl _start
_start:
	cld
	lea	__bss_start(%rip), %rdi
	lea	__bss_end(%rip), %rcx
	sub	%rdi, %rcx
	xor	%eax, %eax
	rep stosb
	and	$-16, %rsp
	call	main
	mov	%eax, %edi
	call	dn_halt
1:	jmp	1b
