// SPDX-License-Identifier: GPL-2.0
/* Virtual NICs: one Linux Ethernet device per guest NIC, frames both ways. */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <linux/nospec.h>
#include <linux/uio.h>
#include <net/rtnetlink.h>
#include <net/dst.h>
#include <linux/denali.h>
#include <linux/denali_guest.h>
#include <kunit/visibility.h>

#include "core/nic.h"
#include "core/sched.h"
#include "core/vm.h"

/*
 * Locking and lifetimes.
 *
 * - A NIC is the private area of its net_device. It holds a reference to
 *   its VM's struct (vm->ref) from creation until the device's destructor,
 *   so the transmit path may always touch vm->state and vm->sched, even
 *   after the VM was destroyed.
 * - vm->nics[] is written under RTNL only (create, NIC_DEL, `ip link del`,
 *   VM destroy, module unload), and read under RCU (hypercalls, netlink,
 *   the registers page). A NIC leaves vm->nics[] before its device is
 *   unregistered; unregistering waits for an RCU grace period
 *   (synchronize_net()) before the device can go, so a reader that found
 *   the NIC under rcu_read_lock() may use it, and its device, until
 *   rcu_read_unlock(). Hypercalls copy guest memory (which may sleep)
 *   outside the read-side section: NET_SEND looks the NIC up again before
 *   it hands the frame to Linux, NET_RECV dequeues the frame first.
 * - vm->nics_closed, set under RTNL by VM destroy before it removes the
 *   NICs, keeps NIC_NEW from adding one to a VM on its way out.
 * - The receive queue (frames for the guest) is under its sk_buff_head's
 *   lock, taken with BHs off: the transmit path queues (and stops the
 *   device's queue when full), the VM's worker dequeues (and wakes it).
 *   Deciding and acting under one lock loses no wake-up.
 * - Counters of frames from the guest have one writer, the VM's worker;
 *   those of frames to the guest are written under the queue's lock.
 *   Readers read them without locks (64-bit loads on x86-64).
 * - vm->nic_gen counts changes the guest must see in its registers page
 *   (NIC added or removed, MTU or MAC changed); the worker compares it
 *   with vm->nic_gen_seen at the start of every quantum.
 *
 * `ip link del` of a NIC's device is allowed: it is NIC_DEL by another
 * name. A NIC cannot change network namespace; `ip link add type denali`
 * is refused (NICs belong to VMs: NIC_NEW).
 */
struct denali_nic {
	struct net_device *dev;
	struct denali_vm *vm;
	u32 index;
	u8 guest_mac[ETH_ALEN];		/* the guest's; the device has the host end's */
	struct denali_nic_rxq rxq;
	/* From the guest: one writer, the VM's worker. */
	u64 rx_packets;
	u64 rx_bytes;
	u64 rx_dropped;
	u64 rx_rejected;		/* bad length: rx_length_errors, NIC_TX_REJECTED */
	u64 rx_spoofed;			/* not from guest_mac: rx_frame_errors, NIC_TX_REJECTED */
	/* To the guest, under rxq.q.lock: unicast for another MAC, NIC_RX_FILTERED. */
	u64 tx_filtered;
	bool any_source;		/* a guest that bridges: guest_mac is not enforced */
};

#define DEFAULT_MTU	1500

static inline void add_stat(u64 *c, u64 n)
{
	WRITE_ONCE(*c, *c + n);
}

/**
 * denali_nic_frame_check - whether the guest may send a frame of @len bytes
 * @len: the frame, Ethernet header included, no FCS
 * @mtu: the NIC's MTU
 *
 * Returns 0, or -DENALI_EINVAL for a frame shorter than the header or
 * longer than the header and @mtu bytes of payload.
 */
int denali_nic_frame_check(u64 len, u32 mtu)
{
	if (len < DENALI_ETH_HLEN || len > DENALI_ETH_HLEN + (u64)mtu)
		return -DENALI_EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(denali_nic_frame_check);

/**
 * denali_nic_frame_for_guest - whether a frame Linux sends reaches the guest
 * @dst: the frame's destination MAC
 * @guest_mac: the NIC's MAC
 * @any: the NIC bridges (any source): it hears every frame
 *
 * As a real NIC's address filter: broadcast, multicast and frames to
 * @guest_mac. A bridge floods unicast for a MAC it has not learned (or
 * whose entry aged) to every port: without the filter every VM on it
 * would be woken to see, and drop, another VM's traffic.
 */
bool denali_nic_frame_for_guest(const u8 *dst, const u8 *guest_mac, bool any)
{
	return any || is_multicast_ether_addr(dst) || ether_addr_equal(dst, guest_mac);
}
EXPORT_SYMBOL_IF_KUNIT(denali_nic_frame_for_guest);

/* The receive queue. The caller holds rxq->q.lock for all of these. */

void denali_nic_rxq_init(struct denali_nic_rxq *rxq, unsigned int limit)
{
	memset(rxq, 0, sizeof(*rxq));
	skb_queue_head_init(&rxq->q);
	rxq->limit = limit;
	rxq->wake_at = limit / 2;
}
EXPORT_SYMBOL_IF_KUNIT(denali_nic_rxq_init);

/* Drop @skb on its way to the guest, counted. */
void denali_nic_rxq_drop(struct denali_nic_rxq *rxq, struct sk_buff *skb)
{
	add_stat(&rxq->dropped, 1);
	kfree_skb(skb);
}
EXPORT_SYMBOL_IF_KUNIT(denali_nic_rxq_drop);

/**
 * denali_nic_rxq_push - queue a frame for the guest
 * @rxq: the queue
 * @skb: the frame; the queue owns it from now on
 *
 * Returns DN_RXQ_* flags: FIRST when the queue was empty (the guest needs
 * an interrupt), STOP when it is full now (the caller stops the device's
 * queue, which denali_nic_rxq_take() later wakes), DROPPED when it was
 * full already.
 */
unsigned int denali_nic_rxq_push(struct denali_nic_rxq *rxq, struct sk_buff *skb)
{
	unsigned int ret = 0;

	if (skb_queue_len(&rxq->q) >= rxq->limit) {
		denali_nic_rxq_drop(rxq, skb);
		return DN_RXQ_DROPPED;
	}
	if (skb_queue_empty(&rxq->q))
		ret |= DN_RXQ_FIRST;
	__skb_queue_tail(&rxq->q, skb);
	if (skb_queue_len(&rxq->q) >= rxq->limit && !rxq->stopped) {
		rxq->stopped = true;
		ret |= DN_RXQ_STOP;
	}
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(denali_nic_rxq_push);

/**
 * denali_nic_rxq_take - take the oldest frame for a guest buffer
 * @rxq: the queue
 * @room: the guest's buffer size
 * @skbp: set to the frame, now the caller's, when one is taken
 * @wake: set when the caller must wake the device's queue
 *
 * Returns 1 with a frame, 0 when none waits, -EMSGSIZE when the oldest
 * is larger than @room (it stays queued).
 */
int denali_nic_rxq_take(struct denali_nic_rxq *rxq, u64 room,
			struct sk_buff **skbp, bool *wake)
{
	struct sk_buff *skb = skb_peek(&rxq->q);

	*wake = false;
	*skbp = NULL;
	if (!skb)
		return 0;
	if (skb->len > room)
		return -EMSGSIZE;
	__skb_unlink(skb, &rxq->q);
	add_stat(&rxq->taken, 1);
	add_stat(&rxq->taken_bytes, skb->len);
	if (rxq->stopped && skb_queue_len(&rxq->q) <= rxq->wake_at) {
		rxq->stopped = false;
		*wake = true;
	}
	*skbp = skb;
	return 1;
}
EXPORT_SYMBOL_IF_KUNIT(denali_nic_rxq_take);

/* Drop every queued frame, counted; returns whether to wake the device's queue. */
bool denali_nic_rxq_purge(struct denali_nic_rxq *rxq)
{
	struct sk_buff *skb;
	bool wake = rxq->stopped;

	while ((skb = __skb_dequeue(&rxq->q)))
		denali_nic_rxq_drop(rxq, skb);
	rxq->stopped = false;
	return wake;
}
EXPORT_SYMBOL_IF_KUNIT(denali_nic_rxq_purge);

/*
 * Drop every queued frame longer than @max bytes (the MTU went down: the
 * guest's buffers of header + MTU would not hold them), counted; the
 * others keep their order. Returns whether to wake the device's queue.
 */
bool denali_nic_rxq_trim(struct denali_nic_rxq *rxq, unsigned int max)
{
	struct sk_buff *skb, *tmp;

	skb_queue_walk_safe(&rxq->q, skb, tmp) {
		if (skb->len > max) {
			__skb_unlink(skb, &rxq->q);
			denali_nic_rxq_drop(rxq, skb);
		}
	}
	if (rxq->stopped && skb_queue_len(&rxq->q) <= rxq->wake_at) {
		rxq->stopped = false;
		return true;
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(denali_nic_rxq_trim);

/**
 * denali_nic_host_mac - the address of the host end of a guest's link
 * @host: set to it
 * @guest: the guest's MAC address
 *
 * The Linux device is the host's end of a cable whose other end is the
 * guest, like a tap device: it needs an address of its own, or a bridge
 * would take frames for the guest's address as its own (a port's address
 * is local to the bridge) and never forward them. It is the guest's with
 * the first byte 0xfe (0xfa if the guest's starts with 0xfe): unicast,
 * locally administered, and high, so a bridge that takes the lowest
 * address of its ports for itself does not pick it over a real NIC.
 */
void denali_nic_host_mac(u8 *host, const u8 *guest)
{
	ether_addr_copy(host, guest);
	host[0] = guest[0] == 0xfe ? 0xfa : 0xfe;
}
EXPORT_SYMBOL_IF_KUNIT(denali_nic_host_mac);

/* A change the guest must see in its registers page at its next quantum. */
static void nic_changed(struct denali_vm *vm)
{
	/* The change before the generation: pairs with denali_nic_regs_update(). */
	smp_mb__before_atomic();
	atomic_inc(&vm->nic_gen);
}

/* The Linux device. */

/*
 * The carrier is always on and the device tracks no link state (operstate
 * UNKNOWN, as a tap device's): a NIC that comes up is a working bridge
 * port at once. Toggling the carrier here would make Linux report UP, at
 * the price of up to a second (linkwatch's delay) before a bridge
 * forwards to a NIC it was just given.
 */
static int nic_open(struct net_device *dev)
{
	netif_start_queue(dev);
	return 0;
}

static int nic_stop(struct net_device *dev)
{
	netif_stop_queue(dev);
	return 0;
}

/*
 * Linux sends a frame: it goes to the guest's queue, or, if the VM does
 * not run, nowhere. The VM's state is read under the queue's lock, and a
 * VM that stops purges the queue under it afterwards
 * (denali_nic_vm_stopped()), so no frame stays behind for a VM that
 * stopped.
 */
static netdev_tx_t nic_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct denali_nic *nic = netdev_priv(dev);
	struct denali_nic_rxq *rxq = &nic->rxq;
	unsigned int res;
	bool bad;

	skb_tx_timestamp(skb);
	/* A frame the guest's buffer of header + MTU would not hold: none. */
	bad = denali_nic_frame_check(skb->len, READ_ONCE(dev->mtu)) ||
	      skb_linearize(skb);
	skb_orphan(skb);
	skb_dst_drop(skb);
	nf_reset_ct(skb);

	spin_lock(&rxq->q.lock);
	if (bad || READ_ONCE(nic->vm->state) != DENALI_VM_STATE_RUNNING) {
		denali_nic_rxq_drop(rxq, skb);
		spin_unlock(&rxq->q.lock);
		return NETDEV_TX_OK;
	}
	if (!denali_nic_frame_for_guest(skb->data, nic->guest_mac, nic->any_source)) {
		add_stat(&nic->tx_filtered, 1);
		spin_unlock(&rxq->q.lock);
		kfree_skb(skb);
		return NETDEV_TX_OK;
	}
	res = denali_nic_rxq_push(rxq, skb);
	if (res & DN_RXQ_STOP)
		netif_stop_queue(dev);
	spin_unlock(&rxq->q.lock);
	if (res & DN_RXQ_FIRST)
		denali_sched_raise(nic->vm, DENALI_IRQ_NIC(nic->index));
	return NETDEV_TX_OK;
}

static void nic_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s)
{
	struct denali_nic *nic = netdev_priv(dev);

	s->rx_packets = READ_ONCE(nic->rx_packets);
	s->rx_bytes = READ_ONCE(nic->rx_bytes);
	s->rx_dropped = READ_ONCE(nic->rx_dropped);
	s->rx_length_errors = READ_ONCE(nic->rx_rejected);
	s->rx_frame_errors = READ_ONCE(nic->rx_spoofed);
	s->rx_errors = s->rx_length_errors + s->rx_frame_errors;
	s->tx_packets = READ_ONCE(nic->rxq.taken);
	s->tx_bytes = READ_ONCE(nic->rxq.taken_bytes);
	s->tx_dropped = READ_ONCE(nic->rxq.dropped);
}

/*
 * The core checks min_mtu and max_mtu; the guest sees the new MTU next
 * quantum. A lower MTU drops the queued frames it no longer allows: the
 * guest sizes its buffers by the MTU in its registers page.
 */
static int nic_change_mtu(struct net_device *dev, int mtu)
{
	struct denali_nic *nic = netdev_priv(dev);
	struct denali_nic_rxq *rxq = &nic->rxq;
	bool wake = false;

	WRITE_ONCE(dev->mtu, mtu);
	spin_lock_bh(&rxq->q.lock);
	wake = denali_nic_rxq_trim(rxq, DENALI_ETH_HLEN + mtu);
	spin_unlock_bh(&rxq->q.lock);
	if (wake)
		netif_wake_queue(dev);
	nic_changed(nic->vm);
	return 0;
}

static const struct net_device_ops nic_netdev_ops = {
	.ndo_open = nic_open,
	.ndo_stop = nic_stop,
	.ndo_start_xmit = nic_xmit,
	.ndo_get_stats64 = nic_get_stats64,
	.ndo_change_mtu = nic_change_mtu,
	/* The host end's address: the guest's own MAC does not change with it. */
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

/* After the device is unregistered and nobody holds it: the VM may go. */
static void nic_destructor(struct net_device *dev)
{
	struct denali_nic *nic = netdev_priv(dev);

	spin_lock_bh(&nic->rxq.q.lock);
	denali_nic_rxq_purge(&nic->rxq);
	spin_unlock_bh(&nic->rxq.q.lock);
	denali_vm_put(nic->vm);
}

/* Take @nic out of its VM; under RTNL. Its device is unregistered next. */
static void nic_detach(struct denali_nic *nic)
{
	struct denali_vm *vm = nic->vm;

	ASSERT_RTNL();
	if (rtnl_dereference(vm->nics[nic->index]) == nic) {
		RCU_INIT_POINTER(vm->nics[nic->index], NULL);
		nic_changed(vm);
	}
}

/* `ip link del`, module unload: the NIC goes, like NIC_DEL. */
static void nic_dellink(struct net_device *dev, struct list_head *head)
{
	nic_detach(netdev_priv(dev));
	unregister_netdevice_queue(dev, head);
}

/*
 * The kind, so that `ip -d link` names it and `ip link del` works. No
 * setup: `ip link add type denali` is refused (NICs are made by NIC_NEW).
 */
static struct rtnl_link_ops nic_link_ops = {
	.kind = "denali",
	.dellink = nic_dellink,
};

static void nic_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &nic_netdev_ops;
	dev->rtnl_link_ops = &nic_link_ops;
	dev->needs_free_netdev = true;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	/* netpoll may transmit with interrupts off, under the queue's BH lock. */
	dev->priv_flags |= IFF_DISABLE_NETPOLL;
	dev->min_mtu = DENALI_NIC_MTU_MIN;
	dev->max_mtu = DENALI_NIC_MTU_MAX;
	dev->mtu = DEFAULT_MTU;
	/* Its VM is in this namespace: the device stays with it. */
#ifdef NETIF_F_NETNS_LOCAL
	dev->features |= NETIF_F_NETNS_LOCAL;
#else
	dev->netns_immutable = true;
#endif
}

/* Why @name cannot name a Linux network device (NULL: it can). */
const char *denali_nic_ifname_invalid(const char *name)
{
	if (strnlen(name, IFNAMSIZ) >= IFNAMSIZ)
		return "interface name longer than 15 characters";
	if (!dev_valid_name(name))
		return "invalid interface name";
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(denali_nic_ifname_invalid);

/* The master device @p names, under RTNL; NULL with *@why set if none fits. */
static struct net_device *find_master(const struct denali_nic_params *p,
				      const char **why, int *bad)
{
	struct net_device *master;

	*bad = p->master_ifindex ? DENALI_A_NIC_MASTER : DENALI_A_NIC_MASTER_NAME;
	if (p->master_ifindex)
		master = __dev_get_by_index(&init_net, p->master_ifindex);
	else
		master = __dev_get_by_name(&init_net, p->master_name);
	if (!master) {
		*why = "no such master device";
		return ERR_PTR(-ENODEV);
	}
	if (!master->netdev_ops->ndo_add_slave) {
		*why = "master device is not a bridge (or other master device)";
		return ERR_PTR(-EOPNOTSUPP);
	}
	return master;
}

static int free_index(struct denali_vm *vm)
{
	int i;

	for (i = 0; i < DENALI_NIC_MAX; i++) {
		if (!rtnl_dereference(vm->nics[i]))
			return i;
	}
	return -1;
}

/**
 * denali_nic_create - give a VM a NIC
 * @vm: the VM
 * @p: the NIC's parameters, validated by the caller (MAC, MTU, index range)
 * @extack: for the master device's own reasons when it refuses the NIC
 * @why: set to a message for the user on refusal
 * @bad: set to the attribute (enum denali_attr) the refusal is about, or 0
 *
 * Returns 0 or a negative errno: -ENODEV (VM being destroyed, no such
 * master), -EEXIST (index or name taken), -ENOSPC (no free index),
 * -EOPNOTSUPP (master is not one), -EINVAL (bad name), -ENOMEM, or what
 * the master device said. A refusal leaves nothing behind.
 */
int denali_nic_create(struct denali_vm *vm, const struct denali_nic_params *p,
		      struct netlink_ext_ack *extack, const char **why, int *bad)
{
	struct net_device *dev, *master = NULL;
	struct denali_nic *nic;
	u8 host_mac[ETH_ALEN];
	int index, ret;

	*why = NULL;
	*bad = 0;
	rtnl_lock();
	if (vm->nics_closed) {
		*why = "VM is being destroyed";
		ret = -ENODEV;
		goto out;
	}
	index = p->index;
	if (index >= 0)
		index = array_index_nospec(index, DENALI_NIC_MAX);
	if (index >= 0 && rtnl_dereference(vm->nics[index])) {
		*why = "the VM has a NIC with this index";
		*bad = DENALI_A_NIC_INDEX;
		ret = -EEXIST;
		goto out;
	}
	if (index < 0) {
		index = free_index(vm);
		if (index < 0) {
			*why = "the VM has 8 NICs already";
			ret = -ENOSPC;
			goto out;
		}
	}
	if (p->master_ifindex || p->master_name) {
		master = find_master(p, why, bad);
		if (IS_ERR(master)) {
			ret = PTR_ERR(master);
			goto out;
		}
	}

	dev = alloc_netdev(sizeof(*nic), p->ifname ?: "dnl%d",
			   p->ifname ? NET_NAME_USER : NET_NAME_ENUM, nic_setup);
	if (!dev) {
		ret = -ENOMEM;
		goto out;
	}
	nic = netdev_priv(dev);
	nic->dev = dev;
	nic->vm = vm;
	nic->index = index;
	nic->any_source = p->any_source;
	denali_nic_rxq_init(&nic->rxq, DENALI_NIC_RX_QUEUE);
	if (p->mac)
		ether_addr_copy(nic->guest_mac, p->mac);
	else
		eth_random_addr(nic->guest_mac);
	denali_nic_host_mac(host_mac, nic->guest_mac);
	eth_hw_addr_set(dev, host_mac);
	if (p->mtu)
		dev->mtu = p->mtu;

	ret = register_netdevice(dev);
	if (ret) {
		*bad = p->ifname ? DENALI_A_NIC_IFNAME : 0;
		*why = ret == -EEXIST ? "interface name in use" :
		       ret == -EINVAL ? "invalid interface name" :
		       ret == -ENFILE ? "no free interface name" :
		       "cannot register the network device";
		free_netdev(dev);
		goto out;
	}
	/* Registered: from here on, unregistering frees it and puts the VM. */
	kref_get(&vm->ref);
	dev->priv_destructor = nic_destructor;

	if (master) {
		ret = master->netdev_ops->ndo_add_slave(master, dev, extack);
		if (ret) {
			*bad = p->master_ifindex ? DENALI_A_NIC_MASTER :
			       DENALI_A_NIC_MASTER_NAME;
			if (!extack || !extack->_msg)
				*why = "the master device refused the NIC";
			unregister_netdevice(dev);
			goto out;
		}
		/* Asked to plug it into a bridge: that is a NIC meant to work now. */
		ret = dev_open(dev, extack);
		if (ret) {
			*why = "cannot bring the NIC up on its bridge";
			unregister_netdevice(dev);
			goto out;
		}
	}
	rcu_assign_pointer(vm->nics[index], nic);
	nic_changed(vm);
	ret = 0;
out:
	rtnl_unlock();
	return ret;
}

/* The NIC of @vm that @index (if >= 0) or @ifname names; under RTNL. */
static struct denali_nic *find_nic(struct denali_vm *vm, int index,
				   const char *ifname)
{
	struct denali_nic *nic;
	int i;

	if (index >= 0)
		return rtnl_dereference(vm->nics[array_index_nospec(index, DENALI_NIC_MAX)]);
	for (i = 0; i < DENALI_NIC_MAX; i++) {
		nic = rtnl_dereference(vm->nics[i]);
		if (nic && !strcmp(nic->dev->name, ifname))
			return nic;
	}
	return NULL;
}

/**
 * denali_nic_delete - remove a VM's NIC and its Linux device
 * @vm: the VM
 * @index: the NIC's number, or -1 to go by @ifname
 * @ifname: the device's name, when @index is -1
 * @why: set to a message for the user on refusal
 * @bad: set to the attribute the refusal is about
 *
 * Returns 0 or -ENOENT.
 */
int denali_nic_delete(struct denali_vm *vm, int index, const char *ifname,
		      const char **why, int *bad)
{
	struct denali_nic *nic;

	rtnl_lock();
	nic = find_nic(vm, index, ifname);
	if (!nic) {
		rtnl_unlock();
		*why = index >= 0 ? "the VM has no NIC with this index" :
		       "the VM has no NIC with this interface name";
		*bad = index >= 0 ? DENALI_A_NIC_INDEX : DENALI_A_NIC_IFNAME;
		return -ENOENT;
	}
	nic_dellink(nic->dev, NULL);
	rtnl_unlock();
	return 0;
}

/* No more NICs for @vm; each one it has is queued on @list. Under RTNL. */
static void nic_close_all(struct denali_vm *vm, struct list_head *list)
{
	struct denali_nic *nic;
	int i;

	ASSERT_RTNL();
	vm->nics_closed = true;
	for (i = 0; i < DENALI_NIC_MAX; i++) {
		nic = rtnl_dereference(vm->nics[i]);
		if (nic)
			nic_dellink(nic->dev, list);
	}
}

/* VM destroy: no more NICs, and every one goes, before its memory does. */
void denali_nic_del_all(struct denali_vm *vm)
{
	LIST_HEAD(list);

	rtnl_lock();
	nic_close_all(vm, &list);
	unregister_netdevice_many(&list);
	rtnl_unlock();
}

/*
 * Module unload, before the VMs go: the NICs of every VM in one batch.
 * Unregistering waits for RCU grace periods once per batch, so a host
 * with a thousand VMs waits once rather than a thousand times.
 */
void denali_nic_del_every_vm(void)
{
	struct denali_vm *vm;
	LIST_HEAD(list);
	u32 id = 0;

	rtnl_lock();
	while ((vm = denali_vm_get_next(&id))) {
		nic_close_all(vm, &list);
		/*
		 * Not the last reference: a VM_DEL in flight drops the
		 * registry's only after its own NIC teardown, which waits
		 * for the RTNL held here.
		 */
		denali_vm_put(vm);
		id++;
	}
	unregister_netdevice_many(&list);
	rtnl_unlock();
}

/* What netlink reports about NIC @index of @vm; false if there is none. */
bool denali_nic_get_info(struct denali_vm *vm, u32 index,
			 struct denali_nic_info *info)
{
	struct net_device *dev, *master;
	struct denali_nic *nic;

	if (index >= DENALI_NIC_MAX)
		return false;
	rcu_read_lock();
	nic = rcu_dereference(vm->nics[array_index_nospec(index, DENALI_NIC_MAX)]);
	if (!nic) {
		rcu_read_unlock();
		return false;
	}
	dev = nic->dev;
	info->index = index;
	info->ifindex = dev->ifindex;
	info->mtu = READ_ONCE(dev->mtu);
	master = netdev_master_upper_dev_get_rcu(dev);
	info->master = master ? master->ifindex : 0;
	info->rx_queued = skb_queue_len_lockless(&nic->rxq.q);
	ether_addr_copy(info->mac, nic->guest_mac);
	memcpy(info->ifname, dev->name, IFNAMSIZ);
	info->ifname[IFNAMSIZ - 1] = '\0';
	info->tx_rejected = READ_ONCE(nic->rx_rejected) + READ_ONCE(nic->rx_spoofed);
	info->any_source = nic->any_source;
	info->rx_dropped = READ_ONCE(nic->rxq.dropped);
	info->rx_filtered = READ_ONCE(nic->tx_filtered);
	rcu_read_unlock();
	return true;
}

/* Hypercalls, from the VM's worker. */

static struct denali_nic *nic_rcu(struct denali_vm *vm, u64 nr)
{
	if (nr >= DENALI_NIC_MAX)
		return NULL;
	nr = array_index_nospec(nr, DENALI_NIC_MAX);
	return rcu_dereference(vm->nics[nr]);
}

/*
 * Whether NIC @nic passes on a frame of @len bytes from the guest: 0 yes,
 * 1 no because its device is down (dropped), -DENALI_EINVAL no because
 * of its length (rejected). Counts the refusals. Under RCU.
 */
static int send_check(struct denali_nic *nic, u64 len)
{
	int ret = denali_nic_frame_check(len, READ_ONCE(nic->dev->mtu));

	if (ret) {
		add_stat(&nic->rx_rejected, 1);
		return ret;
	}
	if (!netif_running(nic->dev)) {
		add_stat(&nic->rx_dropped, 1);
		return 1;
	}
	return 0;
}

/**
 * denali_nic_send - NET_SEND(nr, gpa, len): one guest frame to Linux
 * @vm: the VM
 * @nr: the guest's NIC number
 * @gpa: the frame, inside guest memory (the caller checked)
 * @len: its length
 * @rax: set to the guest's result
 *
 * Returns 0, or -EFAULT when guest memory could not be read (the VM dies).
 */
int denali_nic_send(struct denali_vm *vm, u64 nr, u64 gpa, u64 len, u64 *rax)
{
	struct denali_nic *nic;
	struct sk_buff *skb;
	struct iov_iter iter;
	struct kvec kv;
	int ret;

	rcu_read_lock();
	nic = nic_rcu(vm, nr);
	ret = nic ? send_check(nic, len) : -DENALI_ENODEV;
	rcu_read_unlock();
	*rax = ret >= 0 ? len : (u64)(s64)ret;
	if (ret)
		return 0;

	/* Copy the frame (this may sleep), then hand it over if the NIC is still there. */
	skb = alloc_skb(len + NET_IP_ALIGN, GFP_KERNEL);
	if (skb) {
		skb_reserve(skb, NET_IP_ALIGN);
		kv.iov_base = skb_put(skb, len);
		kv.iov_len = len;
		iov_iter_kvec(&iter, ITER_DEST, &kv, 1, len);
		if (denali_mem_rw_iter(&vm->mem, gpa, &iter, false) != len) {
			kfree_skb(skb);
			return -EFAULT;
		}
	}

	rcu_read_lock();
	nic = nic_rcu(vm, nr);
	ret = nic ? send_check(nic, len) : -DENALI_ENODEV;
	*rax = ret >= 0 ? len : (u64)(s64)ret;
	if (ret) {
		kfree_skb(skb);
	} else if (!skb) {
		add_stat(&nic->rx_dropped, 1);
	} else if (!nic->any_source &&
		   !ether_addr_equal(skb->data + ETH_ALEN, nic->guest_mac)) {
		/* Another host's address: a guest may not speak for others on the bridge. */
		add_stat(&nic->rx_spoofed, 1);
		*rax = (u64)-DENALI_EPERM;
		kfree_skb(skb);
	} else {
		skb->protocol = eth_type_trans(skb, nic->dev);
		/* A drop there is counted by the core (rx core stats), not here too. */
		if (netif_rx(skb) == NET_RX_SUCCESS) {
			add_stat(&nic->rx_packets, 1);
			add_stat(&nic->rx_bytes, len);
		}
	}
	rcu_read_unlock();
	return 0;
}

/**
 * denali_nic_recv - NET_RECV(nr, gpa, len): the oldest frame for the guest
 * @vm: the VM
 * @nr: the guest's NIC number
 * @gpa: the guest's buffer, inside guest memory (the caller checked)
 * @len: its size
 * @rax: set to the guest's result
 *
 * Returns 0, or -EFAULT when guest memory could not be written (the VM dies).
 */
int denali_nic_recv(struct denali_vm *vm, u64 nr, u64 gpa, u64 len, u64 *rax)
{
	struct sk_buff *skb = NULL;
	struct denali_nic *nic;
	struct iov_iter iter;
	struct kvec kv;
	bool wake;
	int ret;

	rcu_read_lock();
	nic = nic_rcu(vm, nr);
	if (!nic) {
		rcu_read_unlock();
		*rax = (u64)-DENALI_ENODEV;
		return 0;
	}
	spin_lock_bh(&nic->rxq.q.lock);
	ret = denali_nic_rxq_take(&nic->rxq, len, &skb, &wake);
	if (wake)
		netif_wake_queue(nic->dev);
	spin_unlock_bh(&nic->rxq.q.lock);
	rcu_read_unlock();

	if (ret <= 0) {
		*rax = ret ? (u64)-DENALI_EMSGSIZE : 0;
		return 0;
	}
	/* The frame is ours now; xmit made it linear. */
	kv.iov_base = skb->data;
	kv.iov_len = skb->len;
	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, skb->len);
	*rax = skb->len;
	ret = denali_mem_rw_iter(&vm->mem, gpa, &iter, true) == skb->len ? 0 : -EFAULT;
	consume_skb(skb);
	return ret;
}

/**
 * denali_nic_regs_update - write the NIC slots of a registers page
 * @vm: the VM
 * @regs: its registers page
 *
 * At guest setup, and from the worker when vm->nic_gen moved.
 */
void denali_nic_regs_update(struct denali_vm *vm, struct denali_regs *regs)
{
	struct denali_nic *nic;
	u32 n = 0;
	int i;

	BUILD_BUG_ON(DENALI_NIC_MAX != DENALI_REGS_NIC_MAX);
	vm->nic_gen_seen = atomic_read(&vm->nic_gen);
	/* The generation before what it stands for: pairs with nic_changed(). */
	smp_rmb();
	rcu_read_lock();
	for (i = 0; i < DENALI_NIC_MAX; i++) {
		struct denali_regs_nic *slot = &regs->nic[i];

		nic = rcu_dereference(vm->nics[i]);
		if (nic) {
			ether_addr_copy(slot->mac, nic->guest_mac);
			WRITE_ONCE(slot->mtu, READ_ONCE(nic->dev->mtu));
			n++;
		} else {
			memset(slot->mac, 0, sizeof(slot->mac));
			WRITE_ONCE(slot->mtu, 0);
		}
	}
	rcu_read_unlock();
	WRITE_ONCE(regs->nic_count, n);
}

/* At the start of a quantum: cheap unless the NICs changed. */
void denali_nic_regs_refresh(struct denali_vm *vm)
{
	if (atomic_read(&vm->nic_gen) != vm->nic_gen_seen)
		denali_nic_regs_update(vm, vm->regs);
}

/* The VM no longer runs: frames queued for it go, and Linux may send again (to drop). */
void denali_nic_vm_stopped(struct denali_vm *vm)
{
	struct denali_nic *nic;
	int i;

	rcu_read_lock();
	for (i = 0; i < DENALI_NIC_MAX; i++) {
		nic = rcu_dereference(vm->nics[i]);
		if (!nic)
			continue;
		spin_lock_bh(&nic->rxq.q.lock);
		if (denali_nic_rxq_purge(&nic->rxq))
			netif_wake_queue(nic->dev);
		spin_unlock_bh(&nic->rxq.q.lock);
	}
	rcu_read_unlock();
}

int __init denali_nic_init(void)
{
	return rtnl_link_register(&nic_link_ops);
}

/* After every VM is gone; unregistering the kind would remove any NIC left. */
void denali_nic_exit(void)
{
	rtnl_link_unregister(&nic_link_ops);
}
