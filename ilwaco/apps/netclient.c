/* netclient: sends numbered UDP datagrams to a peer's udpecho and checks every reply; "netclient ok N". */
#include <ilwaco_net.h>

/*
 * Command line: the network's (ilwaco_net.h), and
 *   peer=A.B.C.D   the udpecho to talk to (required)
 *   port=P         its port (7)
 *   n=N            datagrams to have echoed (100)
 *   size=S         their payload, 8 to 1472 bytes (64)
 *   timeout=T      seconds for the whole run (30)
 * One datagram is outstanding at a time; it is sent again every 200 ms
 * until its echo comes (the first one usually waits for ARP). Prints
 * "netclient ok N" and ends with 0 if all N came back intact; otherwise
 * "netclient FAIL ..." and 1.
 */

#define RETRY_MS 200

static struct udp_pcb *pcb;
static ip_addr_t peer;
static u16_t peer_port;
static unsigned long n, size, seq, got, sent, retries, bad;
static volatile int done;

/* Payload byte @i of datagram @s: its number, then a pattern that depends on it. */
static uint8_t payload_byte(unsigned long s, unsigned long i)
{
	if (i < 4)
		return (uint8_t)(s >> (8 * i));
	return (uint8_t)(s * 7 + i * 13);
}

static void send_current(void)
{
	struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)size, PBUF_RAM);
	uint8_t *d;
	unsigned long i;

	if (!p)
		return;
	d = p->payload;
	for (i = 0; i < size; i++)
		d[i] = payload_byte(seq, i);
	if (udp_sendto(pcb, p, &peer, peer_port) == ERR_OK)
		sent++;
	pbuf_free(p);
}

static void retry(void *arg)
{
	(void)arg;
	retries++;
	send_current();
	sys_timeout(RETRY_MS, retry, NULL);
}

static int matches(struct pbuf *p)
{
	unsigned long i;

	if (p->tot_len != size)
		return 0;
	for (i = 0; i < size; i++) {
		if (pbuf_get_at(p, (u16_t)i) != payload_byte(seq, i))
			return 0;
	}
	return 1;
}

static void on_recv(void *arg, struct udp_pcb *upcb, struct pbuf *p, const ip_addr_t *addr,
		    u16_t port)
{
	(void)arg;
	(void)upcb;
	if (!ip_addr_cmp(addr, &peer) || port != peer_port || !matches(p)) {
		/* A late duplicate of an earlier datagram, or someone else's. */
		bad++;
		pbuf_free(p);
		return;
	}
	pbuf_free(p);
	got++;
	seq++;
	sys_untimeout(retry, NULL);
	if (got == n) {
		done = 1;
		return;
	}
	send_current();
	sys_timeout(RETRY_MS, retry, NULL);
}

int main(void)
{
	long lport = dn_cmdline_int("port", 7), ln = dn_cmdline_int("n", 100);
	long lsize = dn_cmdline_int("size", 64), timeout = dn_cmdline_int("timeout", 30);
	char peer_str[20];
	uint64_t start, deadline, us;

	if (dn_cmdline_str("peer", peer_str, sizeof(peer_str)) < 0 ||
	    !ip4addr_aton(peer_str, ip_2_ip4(&peer))) {
		puts("netclient: peer=A.B.C.D is required");
		return 2;
	}
	if (lport <= 0 || lport > 65535 || ln <= 0 || lsize < 8 || lsize > 1472 || timeout <= 0) {
		printf("netclient: bad port=%ld, n=%ld, size=%ld or timeout=%ld\n", lport, ln,
		       lsize, timeout);
		return 2;
	}
	peer_port = (u16_t)lport;
	n = (unsigned long)ln;
	size = (unsigned long)lsize;
	if (dn_net_init())
		return 1;
	deadline = dn_now_ns() + (uint64_t)timeout * DN_NSEC_PER_SEC;
	if (dn_net_wait_up(deadline)) {
		puts("netclient FAIL no address");
		return 1;
	}
	pcb = udp_new();
	if (!pcb || udp_bind(pcb, IP4_ADDR_ANY, 0) != ERR_OK) {
		puts("netclient FAIL cannot bind");
		return 1;
	}
	udp_recv(pcb, on_recv, NULL);
	printf("netclient: %lu datagrams of %lu bytes to %s:%u\n", n, size, peer_str, peer_port);
	start = dn_now_ns();
	send_current();
	sys_timeout(RETRY_MS, retry, NULL);
	dn_net_run(&done, deadline);
	sys_untimeout(retry, NULL);
	us = (dn_now_ns() - start) / DN_NSEC_PER_USEC;
	printf("netclient: echoed %lu of %lu, sent %lu, retries %lu, unexpected %lu, %lu us\n", got,
	       n, sent, retries, bad, (unsigned long)us);
	if (got != n) {
		printf("netclient FAIL got %lu of %lu\n", got, n);
		return 1;
	}
	printf("netclient ok %lu\n", n);
	return 0;
}
