/* SPDX-License-Identifier: GPL-2.0 */
/* Virtual NICs: one Linux Ethernet device per guest NIC, frames both ways. */
#ifndef _DENALI_NIC_H
#define _DENALI_NIC_H

#include <linux/types.h>
#include <linux/if.h>
#include <linux/if_ether.h>
#include <linux/skbuff.h>

struct denali_vm;
struct denali_regs;
struct netlink_ext_ack;

/**
 * struct denali_nic_rxq - frames queued for the guest
 * @q: the frames, oldest first; its lock is the queue's lock, which the
 *	caller of every denali_nic_rxq_*() function holds
 * @limit: most frames queued at once
 * @wake_at: a stopped queue wakes when the guest has taken it down to this
 * @stopped: the Linux device's queue is stopped because @q is full
 * @taken: frames the guest took (the device's tx_packets)
 * @taken_bytes: their bytes (tx_bytes)
 * @dropped: frames dropped on their way to the guest (tx_dropped)
 *
 * The counters have one writer at a time (under the lock); readers read
 * them without it.
 */
struct denali_nic_rxq {
	struct sk_buff_head q;
	unsigned int limit;
	unsigned int wake_at;
	bool stopped;
	u64 taken;
	u64 taken_bytes;
	u64 dropped;
};

/* What denali_nic_rxq_push() did, and what its caller must do now. */
#define DN_RXQ_FIRST	0x1	/* queued into an empty queue: raise the NIC's interrupt */
#define DN_RXQ_STOP	0x2	/* the queue is full now: stop the device's queue */
#define DN_RXQ_DROPPED	0x4	/* the queue was full: frame dropped and counted */

/**
 * struct denali_nic_params - what NIC_NEW asks for
 * @index: the guest's NIC number, or -1 for the lowest free one
 * @ifname: the Linux device's name, NULL for "dnl%d"
 * @mac: the guest's MAC address (valid, unicast), NULL for a random one
 * @mtu: its MTU, 0 for 1500
 * @master_ifindex: bridge to join, by ifindex (0: see @master_name)
 * @master_name: bridge to join, by name (NULL: none)
 * @any_source: the guest may send frames from any source MAC
 */
struct denali_nic_params {
	int index;
	const char *ifname;
	const u8 *mac;
	u32 mtu;
	u32 master_ifindex;
	const char *master_name;
	bool any_source;
};

/* What netlink reports about one NIC. */
struct denali_nic_info {
	u32 index;
	u32 ifindex;
	u32 mtu;
	u32 master;			/* ifindex of its master, 0 if none */
	u32 rx_queued;
	u8 mac[ETH_ALEN];
	char ifname[IFNAMSIZ];
	u64 tx_rejected;
	bool any_source;
	u64 rx_dropped;
	u64 rx_filtered;
};

/* Which attribute a refusal is about (enum denali_attr), for extack. */
int denali_nic_create(struct denali_vm *vm, const struct denali_nic_params *p,
		      struct netlink_ext_ack *extack, const char **why, int *bad);
int denali_nic_delete(struct denali_vm *vm, int index, const char *ifname,
		      const char **why, int *bad);
void denali_nic_del_all(struct denali_vm *vm);
void denali_nic_del_every_vm(void);
bool denali_nic_get_info(struct denali_vm *vm, u32 index,
			 struct denali_nic_info *info);
const char *denali_nic_ifname_invalid(const char *name);

/* From the VM's worker. */
int denali_nic_send(struct denali_vm *vm, u64 nr, u64 gpa, u64 len, u64 *rax);
int denali_nic_recv(struct denali_vm *vm, u64 nr, u64 gpa, u64 len, u64 *rax);
void denali_nic_regs_update(struct denali_vm *vm, struct denali_regs *regs);
void denali_nic_regs_refresh(struct denali_vm *vm);
void denali_nic_vm_stopped(struct denali_vm *vm);

int denali_nic_init(void);
void denali_nic_exit(void);

/* Hardware-free pieces, exported for KUnit. */
int denali_nic_frame_check(u64 len, u32 mtu);
bool denali_nic_frame_for_guest(const u8 *dst, const u8 *guest_mac, bool any);
void denali_nic_host_mac(u8 *host, const u8 *guest);
void denali_nic_rxq_init(struct denali_nic_rxq *rxq, unsigned int limit);
unsigned int denali_nic_rxq_push(struct denali_nic_rxq *rxq, struct sk_buff *skb);
int denali_nic_rxq_take(struct denali_nic_rxq *rxq, u64 room,
			struct sk_buff **skbp, bool *wake);
void denali_nic_rxq_drop(struct denali_nic_rxq *rxq, struct sk_buff *skb);
bool denali_nic_rxq_purge(struct denali_nic_rxq *rxq);
bool denali_nic_rxq_trim(struct denali_nic_rxq *rxq, unsigned int max);

#endif /* _DENALI_NIC_H */
