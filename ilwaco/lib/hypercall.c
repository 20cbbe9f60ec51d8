/* Hypercall bindings: one call into the trampoline the module puts in the registers page. */
#include "internal.h"

/*
 * Where the registers page is mapped executable: 0 in the shared identity
 * map. The virtual-memory module (vm.c) keeps page 0 writable and
 * no-execute at address 0, and maps it a second time, executable, at
 * another address, which it puts here before it switches its address
 * space on. Zero needs no initialisation: hypercalls work from the
 * first instruction on.
 */
uintptr_t dn_hypercall_page;

/*
 * The trampoline holds vmcall (VT-x) or vmmcall (AMD-V) followed by ret, so
 * the same binary runs on both. Only RAX is changed by the call.
 */
long dn_hypercall(long nr, long a0, long a1, long a2, long a3, long a4)
{
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	long ret;

	__asm__ volatile("call *%[tramp]"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8),
			   [tramp] "r"(dn_hypercall_page + DENALI_REGS_TRAMPOLINE_OFF)
			 : "memory", "cc");
	return ret;
}

void dn_halt(int code)
{
	for (;;)
		dn_hypercall(DENALI_HC_HALT, code, 0, 0, 0, 0);
}

long dn_console_write(const void *buf, size_t len)
{
	return dn_hypercall(DENALI_HC_CONSOLE_WRITE, (long)(uintptr_t)buf, (long)len, 0, 0, 0);
}

long dn_idle(uint64_t timeout_ns)
{
	return dn_hypercall(DENALI_HC_IDLE, (long)timeout_ns, 0, 0, 0, 0);
}

long dn_console_read(void *buf, size_t len)
{
	/* Nothing to ask for: skip the exit. */
	if (!len)
		return 0;
	return dn_hypercall(DENALI_HC_CONSOLE_READ, (long)(uintptr_t)buf, (long)len, 0, 0, 0);
}

long dn_alarm(uint64_t deadline_ns)
{
	return dn_hypercall(DENALI_HC_ALARM, (long)deadline_ns, 0, 0, 0, 0);
}

/* The NIC's registers-page slot, NULL if there is none: the guest's own page, read as it is. */
static volatile struct denali_regs_nic *nic_slot(unsigned int nic)
{
	volatile struct denali_regs_nic *slot;

	if (nic >= DENALI_REGS_NIC_MAX)
		return NULL;
	slot = &dn_regs()->nic[nic];
	return slot->mtu ? slot : NULL;
}

unsigned int dn_nic_mtu(unsigned int nic)
{
	volatile struct denali_regs_nic *slot = nic_slot(nic);

	return slot ? slot->mtu : 0;
}

int dn_nic_mac(unsigned int nic, uint8_t mac[6])
{
	volatile struct denali_regs_nic *slot = nic_slot(nic);
	int i;

	if (!slot)
		return DN_ENODEV;
	for (i = 0; i < 6; i++)
		mac[i] = slot->mac[i];
	return 0;
}

/* The module checks the arguments; these pass them on unchanged (bad-netsend relies on it). */
long dn_net_send(unsigned int nic, const void *frame, size_t len)
{
	return dn_hypercall(DENALI_HC_NET_SEND, nic, (long)(uintptr_t)frame, (long)len, 0, 0);
}

long dn_net_recv(unsigned int nic, void *buf, size_t len)
{
	return dn_hypercall(DENALI_HC_NET_RECV, nic, (long)(uintptr_t)buf, (long)len, 0, 0);
}
