/* lwIP on Ilwaco: configuration from the command line, the NIC interrupt, and the loop that drives lwIP. */
#include "ilwaco_net.h"
#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "netif/ethernet.h"

/* Frames taken per round before the timers get their turn. */
#define RX_BUDGET 64

static struct netif netif;
static struct denali_netif nic_state;
static int net_ready;

/*
 * The NIC's interrupt handler sets @kicked and wakes the network thread
 * from its condition variable. Handlers run only inside the scheduler,
 * when a thread blocks or yields, so the thread's "check @kicked, then
 * wait" cannot miss one.
 */
static int kicked;
static struct dn_mutex lock;
static struct dn_cond cv;

static void nic_irq(uint32_t bit, void *arg)
{
	(void)bit;
	(void)arg;
	kicked = 1;
	dn_cond_signal(&cv);
}

void dn_net_wakeup(void)
{
	kicked = 1;
	dn_cond_signal(&cv);
}

static int prefix_len(const ip4_addr_t *mask)
{
	uint32_t m = lwip_ntohl(ip4_addr_get_u32(mask));
	int n = 0;

	while (m & 0x80000000U) {
		n++;
		m <<= 1;
	}
	return n;
}

static void status_changed(struct netif *nif)
{
	char addr[16], gw[16];

	if (!netif_is_up(nif) || ip4_addr_isany_val(*netif_ip4_addr(nif)))
		return;
	ip4addr_ntoa_r(netif_ip4_addr(nif), addr, sizeof(addr));
	ip4addr_ntoa_r(netif_ip4_gw(nif), gw, sizeof(gw));
	printf("net: nic%u up %s/%d gw %s\n", nic_state.nic, addr,
	       prefix_len(netif_ip4_netmask(nif)), gw);
}

/* "A.B.C.D" or "A.B.C.D/PREFIX" into @addr and @mask; 0 or DN_EINVAL. */
static int parse_cidr(const char *s, ip4_addr_t *addr, ip4_addr_t *mask)
{
	char buf[32];
	size_t i, n = strlen(s);
	long prefix = 24;
	const char *slash = NULL;

	if (n >= sizeof(buf))
		return DN_EINVAL;
	memcpy(buf, s, n + 1);
	for (i = 0; i < n; i++) {
		if (buf[i] == '/') {
			buf[i] = '\0';
			slash = buf + i + 1;
			break;
		}
	}
	if (slash) {
		if (!*slash || strlen(slash) > 2)
			return DN_EINVAL;
		prefix = 0;
		for (; *slash; slash++) {
			if (*slash < '0' || *slash > '9')
				return DN_EINVAL;
			prefix = prefix * 10 + (*slash - '0');
		}
		if (prefix > 32)
			return DN_EINVAL;
	}
	if (!ip4addr_aton(buf, addr))
		return DN_EINVAL;
	ip4_addr_set_u32(mask, prefix ? lwip_htonl(0xffffffffU << (32 - prefix)) : 0);
	return 0;
}

/*
 * DHCP's cyclic timers run whether or not DHCP is used, the fine one
 * twice a second; an interface with a static address cancels them, so
 * that an idle VM sleeps until ARP's timer (1 s) or TCP's.
 */
static void cancel_dhcp_timers(void)
{
	int i;

	for (i = 0; i < lwip_num_cyclic_timers; i++) {
		if (lwip_cyclic_timers[i].handler == dhcp_fine_tmr ||
		    lwip_cyclic_timers[i].handler == dhcp_coarse_tmr)
			sys_untimeout(lwip_cyclic_timer,
				      LWIP_CONST_CAST(void *, &lwip_cyclic_timers[i]));
	}
}

int dn_net_init(void)
{
	ip4_addr_t addr, mask, gw;
	char ip[40], gws[20];
	unsigned int mtu;
	long nic;
	int dhcp, ret;

	nic = dn_cmdline_int("nic", 0);
	mtu = nic >= 0 && nic < DN_NIC_MAX ? dn_nic_mtu((unsigned int)nic) : 0;
	if (!mtu) {
		printf("net: no nic%ld\n", nic);
		return DN_ENODEV;
	}
	nic_state.nic = (unsigned int)nic;

	ip4_addr_set_zero(&addr);
	ip4_addr_set_zero(&mask);
	ip4_addr_set_zero(&gw);
	dhcp = dn_cmdline_str("ip", ip, sizeof(ip)) < 0 || !strcmp(ip, "dhcp");
	if (!dhcp && parse_cidr(ip, &addr, &mask)) {
		printf("net: bad ip=%s (A.B.C.D[/PREFIX] or dhcp)\n", ip);
		return DN_EINVAL;
	}
	if (dn_cmdline_str("gw", gws, sizeof(gws)) >= 0 && !ip4addr_aton(gws, &gw)) {
		printf("net: bad gw=%s\n", gws);
		return DN_EINVAL;
	}

	lwip_init();
	if (!netif_add(&netif, &addr, &mask, &gw, &nic_state, denali_netif_init, ethernet_input)) {
		printf("net: nic%ld: netif_add failed\n", nic);
		return DN_ENODEV;
	}
	dn_net_rand_mix(netif.hwaddr, ETH_HWADDR_LEN);
	printf("net: nic%ld mac %02x:%02x:%02x:%02x:%02x:%02x mtu %u%s\n", nic, netif.hwaddr[0],
	       netif.hwaddr[1], netif.hwaddr[2], netif.hwaddr[3], netif.hwaddr[4], netif.hwaddr[5],
	       netif.mtu, dhcp ? " dhcp" : "");
	netif_set_status_callback(&netif, status_changed);
	netif_set_default(&netif);
	ret = dn_irq_register(DENALI_IRQ_NIC(nic), nic_irq, NULL);
	if (ret)
		return ret;
	netif_set_up(&netif);
	if (dhcp) {
		if (dhcp_start(&netif) != ERR_OK) {
			printf("net: dhcp_start failed\n");
			return DN_ENOMEM;
		}
	} else {
		cancel_dhcp_timers();
	}
	net_ready = 1;
	/* Frames may have come before the handler was there, and would raise no bit. */
	kicked = 1;
	return 0;
}

struct netif *dn_net_netif(void)
{
	return &netif;
}

int dn_net_is_up(void)
{
	return net_ready && netif_is_up(&netif) && !ip4_addr_isany_val(*netif_ip4_addr(&netif));
}

const struct denali_netif_stats *dn_net_stats(void)
{
	return &nic_state.stats;
}

void dn_net_poll(void)
{
	if (!net_ready)
		return;
	kicked = denali_netif_poll(&netif, RX_BUDGET);
	sys_check_timeouts();
}

/* When lwIP's next timer is due on the registers-page clock; DN_NO_DEADLINE if it has none. */
static uint64_t next_timer(void)
{
	u32_t ms = sys_timeouts_sleeptime();
	uint64_t now;

	if (ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE)
		return DN_NO_DEADLINE;
	/* sys_now() counts whole milliseconds: a timer is due at the start of its millisecond. */
	now = dn_now_ns();
	return now - now % DN_NSEC_PER_MSEC + (uint64_t)ms * DN_NSEC_PER_MSEC;
}

/* The one loop: see ilwaco_net.h. */
static int run(volatile int *done, uint64_t deadline_ns, int until_up)
{
	uint64_t wake;

	if (!net_ready)
		return DN_ENODEV;
	for (;;) {
		/* Frames first (they may be what @done waits for), then the checks. */
		if (kicked)
			dn_net_poll();
		else
			sys_check_timeouts();
		if ((done && *done) || (until_up && dn_net_is_up()))
			return 0;
		if (dn_now_ns() >= deadline_ns)
			return DN_ETIMEDOUT;
		if (kicked) {
			/* More frames wait: let the other threads have a turn first. */
			dn_yield();
			continue;
		}
		wake = next_timer();
		if (wake > deadline_ns)
			wake = deadline_ns;
		dn_mutex_lock(&lock);
		if (!kicked && !(done && *done))
			dn_cond_wait_until(&cv, &lock, wake);
		dn_mutex_unlock(&lock);
	}
}

int dn_net_run(volatile int *done, uint64_t deadline_ns)
{
	return run(done, deadline_ns, 0);
}

int dn_net_wait_up(uint64_t deadline_ns)
{
	return run(NULL, deadline_ns, 1);
}
