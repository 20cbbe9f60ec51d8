/* bad-netsend: NET_SEND and NET_RECV with bad lengths and NICs, then from past memory; expected crash bad_argument. */
#include "hostile.h"

/*
 * Needs NIC 0 (for the errors to be about lengths, not about the NIC).
 * Every call but the last must return an error and leave the VM alive;
 * each prints "bad-netsend: CALL: RESULT". Expected results, with NIC 0
 * of MTU 1500: len 0, 13, 2000 and 1 MiB -22 (EINVAL); a valid 60-byte
 * frame 60; NET_RECV into 1 byte 0 or -90 (EMSGSIZE, if a frame waits);
 * NICs 9 and 1 << 40 -19 (ENODEV); a frame from another MAC -1 (EPERM),
 * or 60 on a NIC that may send from any address. The last, a frame from the last 10
 * bytes of memory and beyond, kills the VM (bad_argument).
 */

static uint8_t frame[2048] __attribute__((aligned(64)));

static void report(const char *what, long ret)
{
	printf("bad-netsend: %s: %ld\n", what, ret);
}

static long send(long nic, const void *buf, long len)
{
	return dn_hypercall(DENALI_HC_NET_SEND, nic, (long)(uintptr_t)buf, len, 0, 0);
}

static long recv(long nic, void *buf, long len)
{
	return dn_hypercall(DENALI_HC_NET_RECV, nic, (long)(uintptr_t)buf, len, 0, 0);
}

int main(void)
{
	volatile struct denali_regs *regs = dn_regs();
	long ret;
	int i;

	printf("bad-netsend: nic_count %u nic0 mtu %u\n", regs->nic_count, dn_nic_mtu(0));
	/* A broadcast frame from NIC 0's MAC, EtherType 0x88b5 (local experimental). */
	memset(frame, 0xff, 6);
	dn_nic_mac(0, frame + 6);
	frame[12] = 0x88;
	frame[13] = 0xb5;
	for (i = 14; i < (int)sizeof(frame); i++)
		frame[i] = (uint8_t)i;

	report("NET_SEND len 0", send(0, frame, 0));
	report("NET_SEND len 13", send(0, frame, 13));
	report("NET_SEND len 2000", send(0, frame, 2000));
	/* Inside memory (the image and what follows it), far past any MTU. */
	report("NET_SEND len 1 MiB", send(0, (void *)DENALI_GUEST_LOAD_MIN, 1L << 20));
	report("NET_SEND len 60", send(0, frame, 60));
	report("NET_RECV len 1", recv(0, frame, 1));
	report("NET_SEND nic 9", send(9, frame, 60));
	report("NET_RECV nic 9", recv(9, frame, sizeof(frame)));
	report("NET_SEND nic 1 << 40", send(1L << 40, frame, 60));
	/* Another host's address: only a NIC with source=any may. */
	frame[6] ^= 0x02;
	frame[11] ^= 0x5a;
	report("NET_SEND from another MAC", send(0, frame, 60));
	dn_nic_mac(0, frame + 6);
	report("NET_RECV nic 1 << 40", recv(1L << 40, frame, sizeof(frame)));

	hostile_announce("bad-netsend", "NET_SEND 60 bytes from the last 10 bytes of memory");
	ret = send(0, (void *)(uintptr_t)(regs->mem_size - 10), 60);
	printf("\nbad-netsend: NET_SEND returned %ld\n", ret);
	return hostile_survived("bad-netsend");
}
