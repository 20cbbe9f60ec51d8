/* udpecho: sends every UDP datagram back to where it came from (port=7), with lwIP's raw API. */
#include <ilwaco_net.h>

/*
 * Command line: the network's (ilwaco_net.h), port=P (7), and n=N: end
 * after N datagrams (0, the default: never). Console input: "stats"
 * prints the count, "quit" ends it.
 */

static volatile int done;
static unsigned long echoed, failed, limit;

static void on_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
		    u16_t port)
{
	(void)arg;
	/* The pbuf still has room for the headers it came with: it goes back as it is. */
	if (udp_sendto(pcb, p, addr, port) == ERR_OK)
		echoed++;
	else
		failed++;
	pbuf_free(p);
	if (limit && echoed >= limit)
		done = 1;
}

static long console_thread(void *arg)
{
	char line[32];

	(void)arg;
	while (dn_readline(line, sizeof(line)) >= 0) {
		if (!strcmp(line, "stats")) {
			printf("udpecho: echoed %lu failed %lu\n", echoed, failed);
		} else if (!strcmp(line, "quit")) {
			done = 1;
			dn_net_wakeup();
			return 0;
		}
	}
	return 0;
}

int main(void)
{
	long port = dn_cmdline_int("port", 7), n = dn_cmdline_int("n", 0);
	struct udp_pcb *pcb;
	char addr[16];

	if (port <= 0 || port > 65535 || n < 0) {
		printf("udpecho: bad port=%ld or n=%ld\n", port, n);
		return 2;
	}
	limit = (unsigned long)n;
	if (dn_net_init())
		return 1;
	dn_net_wait_up(DN_NO_DEADLINE);
	pcb = udp_new();
	if (!pcb || udp_bind(pcb, IP4_ADDR_ANY, (u16_t)port) != ERR_OK) {
		printf("udpecho: cannot bind port %ld\n", port);
		return 1;
	}
	udp_recv(pcb, on_recv, NULL);
	dn_thread_create(console_thread, NULL);
	ip4addr_ntoa_r(netif_ip4_addr(dn_net_netif()), addr, sizeof(addr));
	printf("udpecho: listening on %s:%ld\n", addr, port);
	dn_net_run(&done, DN_NO_DEADLINE);
	printf("udpecho: echoed %lu failed %lu\n", echoed, failed);
	return 0;
}
