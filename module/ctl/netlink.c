// SPDX-License-Identifier: GPL-2.0
/* Generic netlink family "denali": the control plane's request side and events. */
#include <linux/module.h>
#include <linux/etherdevice.h>
#include <net/genetlink.h>
#include <kunit/visibility.h>
#include <linux/denali.h>

#include "core/vm.h"
#include "core/arch.h"
#include "core/disk.h"
#include "core/nic.h"
#include "core/run.h"
#include "core/sched.h"
#include "core/stats.h"
#include "core/vcpu.h"
#include "ctl/netlink.h"

static struct genl_family denali_family;

enum denali_mcgrp { DENALI_MCGRP_EVENTS_IDX };

/*
 * One policy per operation: with strict validation (the default for a new
 * family) an attribute the operation does not take is rejected, and fixed
 * width attributes must have exactly their width. Names get a generous
 * policy length so that the precise reason comes from
 * denali_vm_name_invalid(); anything longer is junk and stops here. The
 * command line's length is its real limit (the registers page has room
 * for no more); denali_vm_cmdline_invalid() checks its characters.
 */
#define NAME_POLICY { .type = NLA_NUL_STRING, .len = 255 }

static const struct nla_policy vm_new_policy[DENALI_A_MAX + 1] = {
	[DENALI_A_VM_NAME] = NAME_POLICY,
	[DENALI_A_VM_MEM_SIZE] = { .type = NLA_U64 },
	[DENALI_A_VM_TLB_SIZE] = NLA_POLICY_RANGE(NLA_U32, DENALI_TLB_SIZE_MIN,
						  DENALI_TLB_SIZE_MAX),
	[DENALI_A_VM_ENTRY] = { .type = NLA_U64 },
	[DENALI_A_VM_CMDLINE] = { .type = NLA_NUL_STRING,
				  .len = DENALI_CMDLINE_MAX - 1 },
};

static const struct nla_policy vm_ref_policy[DENALI_A_MAX + 1] = {
	[DENALI_A_VM_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[DENALI_A_VM_NAME] = NAME_POLICY,
};

static const struct nla_policy stats_policy[DENALI_A_MAX + 1] = {
};

/*
 * NICs: index, MAC length and MTU are checked here; names get room to be
 * wrong so that the reason comes from the checks in core/nic.c.
 */
#define NIC_INDEX_POLICY NLA_POLICY_MAX(NLA_U32, DENALI_NIC_MAX - 1)

static const struct nla_policy nic_new_policy[DENALI_A_MAX + 1] = {
	[DENALI_A_VM_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[DENALI_A_VM_NAME] = NAME_POLICY,
	[DENALI_A_NIC_INDEX] = NIC_INDEX_POLICY,
	[DENALI_A_NIC_IFNAME] = NAME_POLICY,
	[DENALI_A_NIC_MAC] = NLA_POLICY_EXACT_LEN(ETH_ALEN),
	[DENALI_A_NIC_MTU] = NLA_POLICY_RANGE(NLA_U32, DENALI_NIC_MTU_MIN,
					      DENALI_NIC_MTU_MAX),
	[DENALI_A_NIC_MASTER] = NLA_POLICY_MIN(NLA_U32, 1),
	[DENALI_A_NIC_MASTER_NAME] = NAME_POLICY,
	[DENALI_A_NIC_ANY_SOURCE] = { .type = NLA_FLAG },
};

static const struct nla_policy nic_del_policy[DENALI_A_MAX + 1] = {
	[DENALI_A_VM_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[DENALI_A_VM_NAME] = NAME_POLICY,
	[DENALI_A_NIC_INDEX] = NIC_INDEX_POLICY,
	[DENALI_A_NIC_IFNAME] = NAME_POLICY,
};

/* The default guest memory when VM_NEW has no MEM_SIZE: the paper's 16 MiB. */
#define DEFAULT_MEM_SIZE (16ULL << 20)

/*
 * Reasons from the core are static strings chosen at run time, which the
 * NL_SET_ERR_MSG* macros (literals only) cannot carry; set them directly.
 */
static void set_err(struct netlink_ext_ack *extack, const struct nlattr *attr,
		    const char *msg)
{
	if (extack) {
		extack->_msg = msg;
		extack->bad_attr = attr;
	}
}

/* How a VM's run ended: HALT's code, or why and where it was killed. */
static int put_end_state(struct sk_buff *skb, const struct denali_vm *vm)
{
	switch (READ_ONCE(vm->state)) {
	case DENALI_VM_STATE_HALTED:
		return nla_put_u32(skb, DENALI_A_VM_EXIT_CODE, vm->exit_code);
	case DENALI_VM_STATE_CRASHED:
		if (nla_put_u32(skb, DENALI_A_VM_CRASH_REASON, vm->crash_reason) ||
		    nla_put_u64_64bit(skb, DENALI_A_VM_CRASH_RIP, vm->crash_rip, DENALI_A_PAD) ||
		    nla_put_u64_64bit(skb, DENALI_A_VM_CRASH_INFO, vm->crash_info, DENALI_A_PAD) ||
		    nla_put_string(skb, DENALI_A_VM_CRASH_NAME,
				   denali_crash_name(vm->crash_reason)))
			return -EMSGSIZE;
		return 0;
	default:
		return 0;
	}
}

/* The room a u64 attribute takes, padding included where there is any. */
#define U64_ATTR_SIZE nla_total_size_64bit(sizeof(u64))

/* Crash names are short words ("bad_hypercall"); this is room to spare. */
#define CRASH_NAME_ROOM 32

/* The flat counters of struct denali_vm_stats and their attributes. */
static const struct {
	int attr;
	size_t offset;
} flat_counters[] = {
	{ DENALI_A_VM_QUANTA, offsetof(struct denali_vm_stats, quanta) },
	{ DENALI_A_VM_RUN_NS, offsetof(struct denali_vm_stats, run_ns) },
	{ DENALI_A_VM_IRQS_RAISED, offsetof(struct denali_vm_stats, irqs_raised) },
	{ DENALI_A_VM_IRQS_INJECTED, offsetof(struct denali_vm_stats, irqs_injected) },
	{ DENALI_A_VM_IRQ_BATCHES, offsetof(struct denali_vm_stats, irq_batches) },
	{ DENALI_A_VM_IDLES, offsetof(struct denali_vm_stats, idles) },
	{ DENALI_A_VM_WAKE_TIMEOUT, offsetof(struct denali_vm_stats, wake_timeout) },
	{ DENALI_A_VM_WAKE_IRQ, offsetof(struct denali_vm_stats, wake_irq) },
};

/*
 * Room for the counters: the flat ones, then the two nests with one u64
 * for each type but 0 (DENALI_EXIT_UNSPEC, DENALI_HC_RESERVED).
 */
static size_t counters_size(void)
{
	return ARRAY_SIZE(flat_counters) * U64_ATTR_SIZE +
	       nla_total_size(0) + (__DENALI_EXIT_MAX - 1) * U64_ATTR_SIZE +
	       nla_total_size(0) + (__DENALI_HC_MAX - 1) * U64_ATTR_SIZE;
}

/*
 * A nest of counts, attribute type N holding @counts[N], every N from 1
 * (0 is never counted: no exit kind, no hypercall has it), zeros
 * included, so that readers see every kind this module knows. Type 0 is
 * the padding attribute inside the nest, where the architecture pads.
 */
static int put_counts(struct sk_buff *skb, int attr, const u64 *counts,
		      int n)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, attr);
	if (!nest)
		return -EMSGSIZE;
	for (i = 1; i < n; i++) {
		if (nla_put_u64_64bit(skb, i, counts[i], 0))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The counters of one VM (VM_GET) or the module's totals (STATS). */
static int put_counters(struct sk_buff *skb, const struct denali_vm_stats *st)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(flat_counters); i++) {
		const u64 *val = (const void *)st + flat_counters[i].offset;

		if (nla_put_u64_64bit(skb, flat_counters[i].attr, *val,
				      DENALI_A_PAD))
			return -EMSGSIZE;
	}
	if (put_counts(skb, DENALI_A_VM_EXITS, st->exits, __DENALI_EXIT_MAX) ||
	    put_counts(skb, DENALI_A_VM_HYPERCALLS, st->hypercalls,
		       __DENALI_HC_MAX))
		return -EMSGSIZE;
	return 0;
}

/* One DENALI_A_VM_NIC nest at its largest (put_nics()). */
#define NIC_NEST_SIZE (nla_total_size(0) +				\
		       5 * nla_total_size(sizeof(u32)) +		\
		       nla_total_size(IFNAMSIZ) +			\
		       nla_total_size(ETH_ALEN) +			\
		       nla_total_size(0) +				\
		       3 * U64_ATTR_SIZE)

/* One nest per NIC: INDEX, IFNAME, IFINDEX, MAC, MTU, MASTER (if any), counters. */
static int put_nics(struct sk_buff *skb, struct denali_vm *vm)
{
	struct denali_nic_info ni;
	struct nlattr *nest;
	u32 i;

	for (i = 0; i < DENALI_NIC_MAX; i++) {
		if (!denali_nic_get_info(vm, i, &ni))
			continue;
		nest = nla_nest_start(skb, DENALI_A_VM_NIC);
		if (!nest ||
		    nla_put_u32(skb, DENALI_A_NIC_INDEX, ni.index) ||
		    nla_put_string(skb, DENALI_A_NIC_IFNAME, ni.ifname) ||
		    nla_put_u32(skb, DENALI_A_NIC_IFINDEX, ni.ifindex) ||
		    nla_put(skb, DENALI_A_NIC_MAC, ETH_ALEN, ni.mac) ||
		    nla_put_u32(skb, DENALI_A_NIC_MTU, ni.mtu) ||
		    (ni.master && nla_put_u32(skb, DENALI_A_NIC_MASTER, ni.master)) ||
		    nla_put_u32(skb, DENALI_A_NIC_RX_QUEUED, ni.rx_queued) ||
		    nla_put_u64_64bit(skb, DENALI_A_NIC_TX_REJECTED, ni.tx_rejected,
				      DENALI_A_PAD) ||
		    nla_put_u64_64bit(skb, DENALI_A_NIC_RX_DROPPED, ni.rx_dropped,
				      DENALI_A_PAD) ||
		    nla_put_u64_64bit(skb, DENALI_A_NIC_RX_FILTERED, ni.rx_filtered,
				      DENALI_A_PAD) ||
		    (ni.any_source && nla_put_flag(skb, DENALI_A_NIC_ANY_SOURCE)))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

/* One DENALI_A_VM_DISK nest at its largest (denali_nl_put_disk()). */
#define DISK_NEST_SIZE (nla_total_size(0) +				\
			2 * nla_total_size(sizeof(u32)) +		\
			nla_total_size(DENALI_DISK_PATH_ROOM) +		\
			nla_total_size(sizeof(u8)) +			\
			5 * U64_ATTR_SIZE)

#if IS_ENABLED(CONFIG_KUNIT)
size_t denali_nl_disk_nest_size(void)
{
	return DISK_NEST_SIZE;
}
EXPORT_SYMBOL_IF_KUNIT(denali_nl_disk_nest_size);
#endif

/* One disk's nest: INDEX, PATH, BLOCKS, RO, the counters, INFLIGHT. */
VISIBLE_IF_KUNIT int denali_nl_put_disk(struct sk_buff *skb,
					const struct denali_disk_info *di)
{
	struct nlattr *nest = nla_nest_start(skb, DENALI_A_VM_DISK);

	if (!nest ||
	    nla_put_u32(skb, DENALI_A_DISK_INDEX, di->index) ||
	    nla_put_string(skb, DENALI_A_DISK_PATH, di->path) ||
	    nla_put_u64_64bit(skb, DENALI_A_DISK_BLOCKS, di->blocks, DENALI_A_PAD) ||
	    nla_put_u8(skb, DENALI_A_DISK_RO, di->ro) ||
	    nla_put_u64_64bit(skb, DENALI_A_DISK_READS, di->reads, DENALI_A_PAD) ||
	    nla_put_u64_64bit(skb, DENALI_A_DISK_WRITES, di->writes, DENALI_A_PAD) ||
	    nla_put_u64_64bit(skb, DENALI_A_DISK_FLUSHES, di->flushes, DENALI_A_PAD) ||
	    nla_put_u64_64bit(skb, DENALI_A_DISK_ERRORS, di->errors, DENALI_A_PAD) ||
	    nla_put_u32(skb, DENALI_A_DISK_INFLIGHT, di->inflight))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(denali_nl_put_disk);

static int put_disks(struct sk_buff *skb, struct denali_vm *vm)
{
	struct denali_disk_info di;
	u32 i;

	for (i = 0; i < DENALI_DISK_MAX; i++) {
		if (denali_disk_get_info(vm, i, &di) && denali_nl_put_disk(skb, &di))
			return -EMSGSIZE;
	}
	return 0;
}

/* The virtual MMU's attributes (put_vtlb()). */
#define VTLB_SIZE (3 * nla_total_size(sizeof(u32)) +			\
		   nla_total_size(sizeof(u8)) +				\
		   4 * U64_ATTR_SIZE)

/* TLB size, mode, entries and table pages now, and the counters. */
static int put_vtlb(struct sk_buff *skb, struct denali_vm *vm)
{
	const struct denali_vtlb *t = &vm->vtlb;

	if (nla_put_u32(skb, DENALI_A_VM_TLB_SIZE, t->size) ||
	    nla_put_u8(skb, DENALI_A_VM_VMMU, READ_ONCE(t->on)) ||
	    nla_put_u32(skb, DENALI_A_VM_TLB_ENTRIES, READ_ONCE(t->used)) ||
	    nla_put_u32(skb, DENALI_A_VM_TLB_PAGES, READ_ONCE(t->npages)) ||
	    nla_put_u64_64bit(skb, DENALI_A_VM_TLB_LOADS, READ_ONCE(t->loads),
			      DENALI_A_PAD) ||
	    nla_put_u64_64bit(skb, DENALI_A_VM_TLB_FLUSHES, READ_ONCE(t->flushes),
			      DENALI_A_PAD) ||
	    nla_put_u64_64bit(skb, DENALI_A_VM_TLB_EVICTIONS, READ_ONCE(t->evictions),
			      DENALI_A_PAD) ||
	    nla_put_u64_64bit(skb, DENALI_A_VM_TLB_REFUSED, READ_ONCE(t->refused),
			      DENALI_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/*
 * The most a VM's message (denali_nl_fill_vm()) can take, after the
 * genetlink header: under a page even with the longest command line,
 * eight NICs and eight disks (paths are cut to DENALI_DISK_PATH_ROOM),
 * so that it fits the smallest skb a dump gets (NLMSG_GOODSIZE) and a
 * reply never needs more.
 */
VISIBLE_IF_KUNIT size_t denali_nl_vm_msg_size(void)
{
	return nla_total_size(sizeof(u32)) +			/* ID */
	       nla_total_size(DENALI_VM_NAME_MAX + 1) +		/* NAME */
	       U64_ATTR_SIZE +					/* MEM_SIZE */
	       nla_total_size(sizeof(u32)) +			/* STATE */
	       U64_ATTR_SIZE +					/* RESIDENT_PAGES */
	       U64_ATTR_SIZE +					/* ENTRY */
	       U64_ATTR_SIZE +					/* CONSOLE_DROPPED */
	       nla_total_size(DENALI_CMDLINE_MAX) +		/* CMDLINE */
	       nla_total_size(sizeof(u32)) +			/* WORKER */
	       nla_total_size(sizeof(u32)) +			/* EXIT_CODE */
	       nla_total_size(sizeof(u32)) +			/* CRASH_REASON */
	       2 * U64_ATTR_SIZE +				/* CRASH_RIP, _INFO */
	       nla_total_size(CRASH_NAME_ROOM) +		/* CRASH_NAME */
	       DENALI_NIC_MAX * NIC_NEST_SIZE +			/* VM_NIC */
	       DENALI_DISK_MAX * DISK_NEST_SIZE +		/* VM_DISK */
	       VTLB_SIZE +					/* TLB_* */
	       counters_size();
}
EXPORT_SYMBOL_IF_KUNIT(denali_nl_vm_msg_size);

/* One message with all of @vm's attributes: replies, dumps. */
VISIBLE_IF_KUNIT int denali_nl_fill_vm(struct sk_buff *skb,
				       struct denali_vm *vm, u32 portid,
				       u32 seq, int flags, u8 cmd)
{
	struct denali_vm_stats st;
	int worker = denali_sched_worker_id(vm);
	void *hdr;

	denali_vm_stats_read(vm, &st);
	hdr = genlmsg_put(skb, portid, seq, &denali_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, DENALI_A_VM_ID, vm->id) ||
	    nla_put_string(skb, DENALI_A_VM_NAME, vm->name) ||
	    nla_put_u64_64bit(skb, DENALI_A_VM_MEM_SIZE, vm->mem.size, DENALI_A_PAD) ||
	    nla_put_u32(skb, DENALI_A_VM_STATE, READ_ONCE(vm->state)) ||
	    nla_put_u64_64bit(skb, DENALI_A_VM_RESIDENT_PAGES,
			      atomic_long_read(&vm->mem.resident), DENALI_A_PAD) ||
	    nla_put_u64_64bit(skb, DENALI_A_VM_ENTRY, vm->entry, DENALI_A_PAD) ||
	    nla_put_u64_64bit(skb, DENALI_A_VM_CONSOLE_DROPPED,
			      READ_ONCE(vm->console.dropped), DENALI_A_PAD) ||
	    put_end_state(skb, vm) ||
	    (vm->cmdline[0] &&
	     nla_put_string(skb, DENALI_A_VM_CMDLINE, vm->cmdline)) ||
	    (worker >= 0 && nla_put_u32(skb, DENALI_A_VM_WORKER, worker)) ||
	    put_counters(skb, &st) ||
	    put_vtlb(skb, vm) ||
	    put_nics(skb, vm) ||
	    put_disks(skb, vm)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(denali_nl_fill_vm);

/*
 * A reply big enough for any VM's message. A request that changes
 * something takes it first: were it to fail after the change, the caller
 * would be told "no memory" about a VM or NIC that exists.
 */
static struct sk_buff *reply_alloc(void)
{
	return genlmsg_new(denali_nl_vm_msg_size(), GFP_KERNEL);
}

/* Send @vm in @msg (from reply_alloc(), consumed). */
static int reply_vm_in(struct genl_info *info, struct sk_buff *msg,
		       struct denali_vm *vm)
{
	int ret;

	ret = denali_nl_fill_vm(msg, vm, info->snd_portid, info->snd_seq, 0,
				info->genlhdr->cmd);
	/* denali_nl_vm_msg_size() bounds the message: a host bug otherwise. */
	if (WARN_ON_ONCE(ret)) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

static int reply_vm(struct genl_info *info, struct denali_vm *vm)
{
	struct sk_buff *msg = reply_alloc();

	if (!msg)
		return -ENOMEM;
	return reply_vm_in(info, msg, vm);
}

/*
 * The VM a request names, by ID or by NAME (if both, they must agree).
 * Returns it with a reference, or an ERR_PTR with extack set.
 */
static struct denali_vm *lookup_vm(struct genl_info *info)
{
	struct nlattr *id_attr = info->attrs[DENALI_A_VM_ID];
	struct nlattr *name_attr = info->attrs[DENALI_A_VM_NAME];
	struct denali_vm *vm;

	if (!id_attr && !name_attr) {
		NL_SET_ERR_MSG(info->extack, "missing VM ID or NAME");
		return ERR_PTR(-EINVAL);
	}
	if (id_attr)
		vm = denali_vm_get_by_id(nla_get_u32(id_attr));
	else
		vm = denali_vm_get_by_name(nla_data(name_attr));
	if (!vm) {
		NL_SET_ERR_MSG_ATTR(info->extack, id_attr ?: name_attr,
				    "no such VM");
		return ERR_PTR(-ENOENT);
	}
	if (id_attr && name_attr && strcmp(vm->name, nla_data(name_attr))) {
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
				    "VM ID and NAME name different VMs");
		denali_vm_put(vm);
		return ERR_PTR(-EINVAL);
	}
	return vm;
}

static int vm_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct denali_vm_params p = { .mem_size = DEFAULT_MEM_SIZE };
	struct nlattr **attrs = info->attrs;
	struct sk_buff *msg;
	struct denali_vm *vm;
	const char *why;
	int bad, ret;

	if (GENL_REQ_ATTR_CHECK(info, DENALI_A_VM_NAME)) {
		NL_SET_ERR_MSG(info->extack, "missing VM NAME");
		return -EINVAL;
	}
	p.name = nla_data(attrs[DENALI_A_VM_NAME]);
	if (attrs[DENALI_A_VM_MEM_SIZE])
		p.mem_size = nla_get_u64(attrs[DENALI_A_VM_MEM_SIZE]);
	if (attrs[DENALI_A_VM_ENTRY]) {
		p.entry = nla_get_u64(attrs[DENALI_A_VM_ENTRY]);
		p.has_entry = true;
	}
	if (attrs[DENALI_A_VM_CMDLINE])
		p.cmdline = nla_data(attrs[DENALI_A_VM_CMDLINE]);
	if (attrs[DENALI_A_VM_TLB_SIZE])
		p.tlb_size = nla_get_u32(attrs[DENALI_A_VM_TLB_SIZE]);
	why = denali_vm_params_invalid(&p, &bad);
	if (why) {
		set_err(info->extack, attrs[bad], why);
		return -EINVAL;
	}

	msg = reply_alloc();
	if (!msg)
		return -ENOMEM;
	vm = denali_vm_create(&p, &why);
	if (IS_ERR(vm)) {
		nlmsg_free(msg);
		if (why)
			set_err(info->extack, NULL, why);
		return PTR_ERR(vm);
	}
	ret = reply_vm_in(info, msg, vm);
	denali_vm_put(vm);
	return ret;
}

static int vm_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct denali_vm *vm = lookup_vm(info);
	int ret;

	if (IS_ERR(vm))
		return PTR_ERR(vm);
	ret = denali_vm_destroy(vm);
	if (ret)
		NL_SET_ERR_MSG(info->extack, "VM destroyed concurrently");
	denali_vm_put(vm);
	return ret;
}

static int vm_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct denali_vm *vm = lookup_vm(info);
	int ret;

	if (IS_ERR(vm))
		return PTR_ERR(vm);
	ret = reply_vm(info, vm);
	denali_vm_put(vm);
	return ret;
}

/*
 * Dumps resume from the next VM ID (cb->args[0]); the registry generation
 * marks a dump interrupted by creation or destruction (NLM_F_DUMP_INTR).
 */
static int vm_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	u32 id = cb->args[0];
	struct denali_vm *vm;

	if (cb->args[1])		/* past the last possible ID */
		return 0;
	cb->seq = denali_vm_generation();
	while ((vm = denali_vm_get_next(&id))) {
		int ret = denali_nl_fill_vm(skb, vm,
					    NETLINK_CB(cb->skb).portid,
					    cb->nlh->nlmsg_seq, NLM_F_MULTI,
					    DENALI_CMD_VM_GET);

		denali_vm_put(vm);
		if (ret)
			break;
		nl_dump_check_consistent(cb, nlmsg_hdr(skb));
		if (id == U32_MAX) {
			cb->args[1] = 1;
			break;
		}
		id++;
	}
	cb->args[0] = id;
	return skb->len;
}

/* START and STOP: look the VM up, apply @fn, pass its refusal on. */
static int run_op(struct genl_info *info,
		  int (*fn)(struct denali_vm *vm, const char **why))
{
	struct denali_vm *vm = lookup_vm(info);
	const char *why = NULL;
	int ret;

	if (IS_ERR(vm))
		return PTR_ERR(vm);
	ret = fn(vm, &why);
	if (ret)
		set_err(info->extack, NULL, why);
	denali_vm_put(vm);
	return ret;
}

static int vm_start_doit(struct sk_buff *skb, struct genl_info *info)
{
	return run_op(info, denali_run_start);
}

static int vm_stop_doit(struct sk_buff *skb, struct genl_info *info)
{
	return run_op(info, denali_run_stop);
}

/* NIC_NEW: check what netlink's policy cannot, then let core/nic.c try. */
static int nic_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct denali_nic_params p = { .index = -1 };
	struct nlattr **attrs = info->attrs;
	struct nlattr *a;
	struct sk_buff *msg;
	struct denali_vm *vm;
	const char *why;
	int bad, ret;

	if (attrs[DENALI_A_NIC_INDEX])
		p.index = nla_get_u32(attrs[DENALI_A_NIC_INDEX]);
	a = attrs[DENALI_A_NIC_IFNAME];
	if (a) {
		p.ifname = nla_data(a);
		why = denali_nic_ifname_invalid(p.ifname);
		if (why) {
			set_err(info->extack, a, why);
			return -EINVAL;
		}
	}
	a = attrs[DENALI_A_NIC_MAC];
	if (a) {
		p.mac = nla_data(a);
		if (!is_valid_ether_addr(p.mac)) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "MAC address must be unicast and not all zeroes");
			return -EINVAL;
		}
	}
	if (attrs[DENALI_A_NIC_MTU])
		p.mtu = nla_get_u32(attrs[DENALI_A_NIC_MTU]);
	p.any_source = nla_get_flag(attrs[DENALI_A_NIC_ANY_SOURCE]);
	if (attrs[DENALI_A_NIC_MASTER] && attrs[DENALI_A_NIC_MASTER_NAME]) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[DENALI_A_NIC_MASTER_NAME],
				    "give NIC MASTER or MASTER_NAME, not both");
		return -EINVAL;
	}
	if (attrs[DENALI_A_NIC_MASTER])
		p.master_ifindex = nla_get_u32(attrs[DENALI_A_NIC_MASTER]);
	if (attrs[DENALI_A_NIC_MASTER_NAME])
		p.master_name = nla_data(attrs[DENALI_A_NIC_MASTER_NAME]);

	vm = lookup_vm(info);
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	msg = reply_alloc();
	if (!msg) {
		denali_vm_put(vm);
		return -ENOMEM;
	}
	ret = denali_nic_create(vm, &p, info->extack, &why, &bad);
	if (ret) {
		nlmsg_free(msg);
		/* Without a reason of ours, the master device gave its own. */
		if (why)
			set_err(info->extack, bad ? attrs[bad] : NULL, why);
	} else {
		ret = reply_vm_in(info, msg, vm);
	}
	denali_vm_put(vm);
	return ret;
}

static int nic_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *index = info->attrs[DENALI_A_NIC_INDEX];
	struct nlattr *ifname = info->attrs[DENALI_A_NIC_IFNAME];
	struct denali_vm *vm;
	const char *why;
	int bad, ret;

	if (!index && !ifname) {
		NL_SET_ERR_MSG(info->extack, "missing NIC INDEX or IFNAME");
		return -EINVAL;
	}
	if (index && ifname) {
		NL_SET_ERR_MSG_ATTR(info->extack, ifname,
				    "give NIC INDEX or IFNAME, not both");
		return -EINVAL;
	}
	vm = lookup_vm(info);
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	ret = denali_nic_delete(vm, index ? (int)nla_get_u32(index) : -1,
				ifname ? nla_data(ifname) : NULL, &why, &bad);
	if (ret)
		set_err(info->extack, info->attrs[bad], why);
	denali_vm_put(vm);
	return ret;
}

static size_t stats_msg_size(void)
{
	return nla_total_size(strlen(denali_arch->name) + 1) +	/* BACKEND */
	       nla_total_size(sizeof(u32)) +			/* VMS */
	       nla_total_size(sizeof(u32)) +			/* MAX_VMS */
	       U64_ATTR_SIZE +					/* MAX_MEM */
	       U64_ATTR_SIZE +					/* RESIDENT_PAGES */
	       nla_total_size(sizeof(u32)) +			/* WORKERS */
	       nla_total_size(sizeof(u32)) +			/* QUANTUM_US */
	       nla_total_size(strlen(denali_sched_irq_mode_name()) + 1) +
	       counters_size();
}

static int stats_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct denali_vm_stats total;
	struct sk_buff *msg;
	void *hdr;

	denali_stats_total(&total);
	msg = genlmsg_new(stats_msg_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &denali_family, 0, DENALI_CMD_STATS);
	if (!hdr ||
	    nla_put_string(msg, DENALI_A_STATS_BACKEND, denali_arch->name) ||
	    nla_put_u32(msg, DENALI_A_STATS_VMS, denali_vm_count()) ||
	    nla_put_u32(msg, DENALI_A_STATS_MAX_VMS, denali_max_vms()) ||
	    nla_put_u64_64bit(msg, DENALI_A_STATS_MAX_MEM, denali_max_vm_mem(),
			      DENALI_A_PAD) ||
	    nla_put_u64_64bit(msg, DENALI_A_STATS_RESIDENT_PAGES,
			      denali_mem_resident_total(), DENALI_A_PAD) ||
	    nla_put_u32(msg, DENALI_A_STATS_WORKERS, denali_sched_nr_workers()) ||
	    nla_put_u32(msg, DENALI_A_STATS_QUANTUM_US, denali_quantum_us) ||
	    nla_put_string(msg, DENALI_A_STATS_IRQ_MODE,
			   denali_sched_irq_mode_name()) ||
	    put_counters(msg, &total)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static const struct genl_ops denali_ops[] = {
	{
		.cmd = DENALI_CMD_VM_NEW,
		.flags = GENL_ADMIN_PERM,
		.policy = vm_new_policy,
		.maxattr = DENALI_A_MAX,
		.doit = vm_new_doit,
	},
	{
		.cmd = DENALI_CMD_VM_DEL,
		.flags = GENL_ADMIN_PERM,
		.policy = vm_ref_policy,
		.maxattr = DENALI_A_MAX,
		.doit = vm_del_doit,
	},
	{
		.cmd = DENALI_CMD_VM_GET,
		.flags = GENL_ADMIN_PERM,
		.policy = vm_ref_policy,
		.maxattr = DENALI_A_MAX,
		.doit = vm_get_doit,
		.dumpit = vm_get_dumpit,
	},
	{
		.cmd = DENALI_CMD_VM_START,
		.flags = GENL_ADMIN_PERM,
		.policy = vm_ref_policy,
		.maxattr = DENALI_A_MAX,
		.doit = vm_start_doit,
	},
	{
		.cmd = DENALI_CMD_VM_STOP,
		.flags = GENL_ADMIN_PERM,
		.policy = vm_ref_policy,
		.maxattr = DENALI_A_MAX,
		.doit = vm_stop_doit,
	},
	{
		.cmd = DENALI_CMD_NIC_NEW,
		.flags = GENL_ADMIN_PERM,
		.policy = nic_new_policy,
		.maxattr = DENALI_A_MAX,
		.doit = nic_new_doit,
	},
	{
		.cmd = DENALI_CMD_NIC_DEL,
		.flags = GENL_ADMIN_PERM,
		.policy = nic_del_policy,
		.maxattr = DENALI_A_MAX,
		.doit = nic_del_doit,
	},
	{
		.cmd = DENALI_CMD_STATS,
		.flags = GENL_ADMIN_PERM,
		.policy = stats_policy,
		.maxattr = DENALI_A_MAX,
		.doit = stats_doit,
	},
};

static const struct genl_multicast_group denali_mcgrps[] = {
	[DENALI_MCGRP_EVENTS_IDX] = {
		.name = DENALI_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_SYS_ADMIN,
	},
};

static struct genl_family denali_family __ro_after_init = {
	.name = DENALI_GENL_NAME,
	.version = DENALI_GENL_VERSION,
	.module = THIS_MODULE,
	.netnsok = false,
	.ops = denali_ops,
	.n_ops = ARRAY_SIZE(denali_ops),
	.resv_start_op = 0,
	.mcgrps = denali_mcgrps,
	.n_mcgrps = ARRAY_SIZE(denali_mcgrps),
};

/**
 * denali_nl_notify - announce a VM lifecycle event on the "events" group
 * @vm: the VM concerned
 * @event: what happened
 *
 * Best effort: with nobody listening, or no memory, the event is dropped.
 * Events stay small (no command line, worker or counters): a listener
 * that wants those asks with VM_GET, which works until the VM is
 * destroyed.
 */
void denali_nl_notify(const struct denali_vm *vm, enum denali_event event)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&denali_family, &init_net, DENALI_MCGRP_EVENTS_IDX))
		return;
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &denali_family, 0, DENALI_CMD_EVENT);
	if (!hdr ||
	    nla_put_u32(msg, DENALI_A_EVENT, event) ||
	    nla_put_u32(msg, DENALI_A_VM_ID, vm->id) ||
	    nla_put_string(msg, DENALI_A_VM_NAME, vm->name) ||
	    nla_put_u32(msg, DENALI_A_VM_STATE, READ_ONCE(vm->state)) ||
	    put_end_state(msg, vm)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&denali_family, msg, 0, DENALI_MCGRP_EVENTS_IDX,
			  GFP_KERNEL);
}

int __init denali_nl_init(void)
{
	return genl_register_family(&denali_family);
}

void denali_nl_exit(void)
{
	genl_unregister_family(&denali_family);
}
