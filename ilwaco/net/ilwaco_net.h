/* Networking for Ilwaco applications: lwIP's raw API on one Denali NIC, configured from the command line. */
#ifndef ILWACO_NET_H
#define ILWACO_NET_H

#include <ilwaco.h>
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "lwip/timeouts.h"
#include "denali_netif.h"

/*
 * lwIP runs without an OS layer (NO_SYS, Documentation/network.rst):
 * every lwIP call, callbacks included, happens in the one thread that
 * calls dn_net_init() and then dn_net_run() or dn_net_poll(). Other
 * threads may set the flag dn_net_run() watches and call
 * dn_net_wakeup(), nothing else.
 *
 * Command line:
 *   nic=N                     the NIC (default 0)
 *   ip=A.B.C.D[/PREFIX]       a static address (prefix 24 if none),
 *   gw=A.B.C.D                with a default gateway (none if absent),
 *   ip=dhcp                   or an address from DHCP (the default)
 */

/*
 * Starts lwIP on the NIC: 0, DN_ENODEV if the NIC does not exist,
 * DN_EINVAL if the command line is malformed (it says why on the
 * console). Prints "net: nicN mac M mtu U" and, once the interface has
 * an address, "net: nicN up ADDR/PREFIX gw GW".
 */
int dn_net_init(void);

/* The interface; its address is netif_ip4_addr(dn_net_netif()). */
struct netif *dn_net_netif(void);

/* Whether the interface has an address (static, or bound by DHCP). */
int dn_net_is_up(void);

/*
 * Runs lwIP until *@done is nonzero (@done may be NULL) or the clock
 * passes @deadline_ns (DN_NO_DEADLINE: never): takes frames when the
 * NIC's interrupt bit comes, runs lwIP's timers when they are due, and
 * sleeps in between, until the earlier of @deadline_ns and lwIP's next
 * timer. 0 when *@done, DN_ETIMEDOUT at the deadline.
 */
int dn_net_run(volatile int *done, uint64_t deadline_ns);

/* Runs until the interface has an address: 0, or DN_ETIMEDOUT. */
int dn_net_wait_up(uint64_t deadline_ns);

/* One round without sleeping: frames that wait, timers that are due. */
void dn_net_poll(void);

/* Makes dn_net_run() look at its flag again (from another thread). */
void dn_net_wakeup(void);

/* The NIC's counters. */
const struct denali_netif_stats *dn_net_stats(void);

/* The 32-bit random numbers lwIP uses (sys_arch.c); @data is mixed into the seed. */
unsigned int dn_net_rand(void);
void dn_net_rand_mix(const void *data, size_t len);

#endif /* ILWACO_NET_H */
