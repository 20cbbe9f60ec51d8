/* lwIP's options for Ilwaco: overrides of lwip/opt.h only (see Documentation/network.rst). */
#ifndef ILWACO_LWIPOPTS_H
#define ILWACO_LWIPOPTS_H

/*
 * No operating-system layer: the raw (callback) API, driven by one loop
 * in one thread (net.c). No sockets, no netconn, no tcpip thread, no
 * locking (Ilwaco's threads are cooperative and only the network
 * thread calls lwIP).
 */
#define NO_SYS 1
#define LWIP_TIMERS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_CALLBACK_API 1
/*
 * Exposes lwip_cyclic_timer(), so that a statically configured
 * interface can cancel DHCP's cyclic timers and sleep longer
 * (net.c); in the files Ilwaco compiles it changes nothing else.
 */
#define LWIP_TESTMODE 1

/* IPv4 over Ethernet, one interface per guest. */
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define ETH_PAD_SIZE 0
#define ARP_QUEUEING 1
#define LWIP_SINGLE_NETIF 1
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_HAVE_LOOPIF 0
#define LWIP_NETIF_LOOPBACK 0
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 1
/* Bind at once: a test network has no address conflicts to find. */
#define DHCP_DOES_ARP_CHECK 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
/* Frames are never larger than the MTU, and nothing here needs fragments. */
#define IP_REASSEMBLY 0
#define IP_FRAG 0

/*
 * Memory, all in .bss (static arrays): only pages lwIP touches are
 * resident. The heap holds copied TCP data and headers; the pools are
 * threaded into free lists at boot, which touches them all (about
 * 60 KiB, most of it PBUF_POOL).
 */
#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 0
#define MEM_ALIGNMENT 8
#define MEM_SIZE (128 * 1024)
#define MEMP_NUM_PBUF 128
#define MEMP_NUM_UDP_PCB 4
#define MEMP_NUM_TCP_PCB 16
#define MEMP_NUM_TCP_PCB_LISTEN 2
#define MEMP_NUM_TCP_SEG 128
#define MEMP_NUM_ARP_QUEUE 16
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 4)
/* Receive buffers: one pool pbuf holds a whole frame of MTU 1500 (denali_netif.c). */
#define PBUF_POOL_SIZE 32
#define PBUF_POOL_BUFSIZE LWIP_MEM_ALIGN_SIZE(PBUF_LINK_ENCAPSULATION_HLEN + PBUF_LINK_HLEN + 1500)

/* TCP for MTU 1500. */
#define TCP_MSS 1460
#define TCP_WND (4 * TCP_MSS)
#define TCP_SND_BUF (8 * TCP_MSS)
#define TCP_SND_QUEUELEN ((4 * TCP_SND_BUF + TCP_MSS - 1) / TCP_MSS)
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 8
#define TCP_QUEUE_OOSEQ 1
#define LWIP_TCP_KEEPALIVE 0
#define LWIP_TCP_TIMESTAMPS 0
#define LWIP_WND_SCALE 0

/* No statistics; no debug output (LWIP_DEBUG undefined); assertions stay (they panic, arch/cc.h). */
#define LWIP_STATS 0

#endif /* ILWACO_LWIPOPTS_H */
