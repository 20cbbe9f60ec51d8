/* lwIP driver of a Denali NIC: frames out with NET_SEND, in with NET_RECV (ethernetif.c's shape). */
#include "lwip/opt.h"
#include "lwip/def.h"
#include "lwip/pbuf.h"
#include "lwip/etharp.h"
#include "netif/ethernet.h"
#include "denali_netif.h"

#define IFNAME0 'd'
#define IFNAME1 'n'

/* A frame of the largest MTU lwIP is given. */
#define FRAME_MAX (DENALI_ETH_HLEN + DENALI_NETIF_MTU_MAX)

/*
 * Where chained pbufs are gathered for NET_SEND, and where frames with
 * no pbuf to go to are taken and dropped. The drop buffer fits the
 * largest frame a NIC can have (its MTU is 16 bits); a page of it is
 * resident only once a frame that long came.
 */
static uint8_t tx_buf[FRAME_MAX] __attribute__((aligned(64)));
static uint8_t drop_buf[DENALI_ETH_HLEN + 0xffff] __attribute__((aligned(4096)));

static void low_level_init(struct netif *netif)
{
	struct denali_netif *dn = netif->state;
	unsigned int mtu = dn_nic_mtu(dn->nic);

	netif->hwaddr_len = ETH_HWADDR_LEN;
	dn_nic_mac(dn->nic, netif->hwaddr);
	/*
	 * A larger MTU would need frames longer than a pool pbuf; the peers
	 * learn the smaller one from the MSS, and longer frames that still
	 * come are dropped (low_level_input()).
	 */
	netif->mtu = (u16_t)(mtu < DENALI_NETIF_MTU_MAX ? mtu : DENALI_NETIF_MTU_MAX);
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
		       NETIF_FLAG_LINK_UP;
}

/*
 * One frame out. Guest memory is identity-mapped, so a single pbuf goes
 * to NET_SEND where it is; a chain (TCP headers in one pbuf, data in
 * the next) is gathered first.
 */
static err_t low_level_output(struct netif *netif, struct pbuf *p)
{
	struct denali_netif *dn = netif->state;
	const void *frame = p->payload;
	long ret;

	if (p->tot_len > sizeof(tx_buf)) {
		dn->stats.tx_errors++;
		return ERR_IF;
	}
	if (p->len != p->tot_len) {
		pbuf_copy_partial(p, tx_buf, p->tot_len, 0);
		frame = tx_buf;
	}
	ret = dn_net_send(dn->nic, frame, p->tot_len);
	if (ret < 0) {
		dn->stats.tx_errors++;
		return ERR_IF;
	}
	dn->stats.tx_frames++;
	dn->stats.tx_bytes += p->tot_len;
	return ERR_OK;
}

/* Takes a frame that has no pbuf to go to and drops it; its NET_RECV result. */
static long drop_frame(struct denali_netif *dn)
{
	return dn_net_recv(dn->nic, drop_buf, sizeof(drop_buf));
}

/*
 * The next frame in a pbuf: NET_RECV writes straight into a pool pbuf,
 * which holds a whole frame of the MTU lwIP was given. NULL, with
 * *@more 0, once none waits; NULL with *@more 1 after a frame was dropped.
 */
static struct pbuf *low_level_input(struct netif *netif, int *more)
{
	struct denali_netif *dn = netif->state;
	struct pbuf *p;
	long n;

	*more = 1;
	p = pbuf_alloc(PBUF_RAW, FRAME_MAX, PBUF_POOL);
	if (!p || p->next) {
		/* Out of pbufs: lose the frame as a NIC without descriptors would. */
		if (p)
			pbuf_free(p);
		n = drop_frame(dn);
		if (n > 0)
			dn->stats.rx_nomem++;
		*more = n > 0;
		return NULL;
	}
	n = dn_net_recv(dn->nic, p->payload, p->len);
	if (n > 0 && n <= p->len) {
		pbuf_realloc(p, (u16_t)n);
		dn->stats.rx_frames++;
		dn->stats.rx_bytes += (uint64_t)n;
		return p;
	}
	pbuf_free(p);
	if (n == DN_EMSGSIZE) {
		n = drop_frame(dn);
		if (n > 0)
			dn->stats.rx_oversize++;
	}
	if (n < 0)
		dn->stats.rx_errors++;
	/* An error (the NIC went away, say) ends the round as an empty queue does. */
	*more = n > 0;
	return NULL;
}

int denali_netif_poll(struct netif *netif, int budget)
{
	struct pbuf *p;
	int more = 1;

	while (budget-- > 0) {
		p = low_level_input(netif, &more);
		if (p && netif->input(p, netif) != ERR_OK)
			pbuf_free(p);
		if (!more)
			return 0;
	}
	return 1;
}

err_t denali_netif_init(struct netif *netif)
{
	struct denali_netif *dn = netif->state;

	LWIP_ASSERT("netif != NULL", netif != NULL && dn != NULL);
	if (!dn_nic_mtu(dn->nic))
		return ERR_IF;
	netif->name[0] = IFNAME0;
	netif->name[1] = IFNAME1;
	netif->output = etharp_output;
	netif->linkoutput = low_level_output;
	low_level_init(netif);
	return ERR_OK;
}
