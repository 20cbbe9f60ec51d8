/* Guest entry of applications: the runtime (IDT, threads, interrupts), then main(). */

/*
 * .bss is not cleared: guest memory starts zeroed and the module
 * allocates it on first touch, so clearing would only make every .bss
 * page resident (the thread stacks, bigmem's 4 MiB), in each of
 * thousands of VMs, for nothing.
 *
 * RSP is DENALI_STACK_TOP: main() runs on the stack below the image.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	cld
	and	$-16, %rsp
	call	dn_rt_start
1:	jmp	1b
