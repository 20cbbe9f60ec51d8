/* The lwIP driver of a Denali NIC (denali_netif.c), shaped like lwIP's ethernetif skeleton. */
#ifndef ILWACO_DENALI_NETIF_H
#define ILWACO_DENALI_NETIF_H

#include "lwip/netif.h"

/* Largest MTU the driver gives lwIP: a frame then fits one PBUF_POOL pbuf. */
#define DENALI_NETIF_MTU_MAX 1500

struct denali_netif_stats {
	uint64_t rx_frames, rx_bytes;
	uint64_t rx_nomem; /* dropped: no pbuf left */
	uint64_t rx_oversize; /* dropped: longer than the MTU lwIP was given */
	uint64_t rx_errors; /* NET_RECV failed */
	uint64_t tx_frames, tx_bytes;
	uint64_t tx_errors; /* NET_SEND failed, or the frame was too long */
};

/* What netif->state points to: which NIC, and its counters. */
struct denali_netif {
	unsigned int nic;
	struct denali_netif_stats stats;
};

/* netif_add()'s init function; netif->state is a struct denali_netif with @nic set. */
err_t denali_netif_init(struct netif *netif);

/*
 * Takes up to @budget frames from the NIC and hands them to lwIP;
 * returns 1 if it stopped at @budget (more may wait), 0 once NET_RECV
 * said none wait, so that the next frame raises the NIC's bit again.
 */
int denali_netif_poll(struct netif *netif, int budget);

#endif /* ILWACO_DENALI_NETIF_H */
