/* The netlink layer of denalictl: the "denali" generic netlink family over libnl-genl. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/socket.h>

#include "nl.h"
#include "util.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* How replies are checked before anyone reads them. */
static const struct nla_policy denali_policy[DENALI_A_MAX + 1] = {
	[DENALI_A_VM_ID] = { .type = NLA_U32 },
	[DENALI_A_VM_NAME] = { .type = NLA_STRING },
	[DENALI_A_VM_MEM_SIZE] = { .type = NLA_U64 },
	[DENALI_A_VM_STATE] = { .type = NLA_U32 },
	[DENALI_A_VM_RESIDENT_PAGES] = { .type = NLA_U64 },
	[DENALI_A_VM_ENTRY] = { .type = NLA_U64 },
	[DENALI_A_EVENT] = { .type = NLA_U32 },
	[DENALI_A_STATS_BACKEND] = { .type = NLA_STRING },
	[DENALI_A_STATS_VMS] = { .type = NLA_U32 },
	[DENALI_A_STATS_MAX_VMS] = { .type = NLA_U32 },
	[DENALI_A_STATS_MAX_MEM] = { .type = NLA_U64 },
	[DENALI_A_STATS_RESIDENT_PAGES] = { .type = NLA_U64 },
	[DENALI_A_VM_EXIT_CODE] = { .type = NLA_U32 },
	[DENALI_A_VM_CRASH_REASON] = { .type = NLA_U32 },
	[DENALI_A_VM_CRASH_RIP] = { .type = NLA_U64 },
	[DENALI_A_VM_CRASH_INFO] = { .type = NLA_U64 },
	[DENALI_A_VM_CRASH_NAME] = { .type = NLA_STRING },
	[DENALI_A_VM_CONSOLE_DROPPED] = { .type = NLA_U64 },
	[DENALI_A_VM_CMDLINE] = { .type = NLA_STRING },
	[DENALI_A_VM_WORKER] = { .type = NLA_U32 },
	[DENALI_A_VM_QUANTA] = { .type = NLA_U64 },
	[DENALI_A_VM_RUN_NS] = { .type = NLA_U64 },
	[DENALI_A_VM_IRQS_RAISED] = { .type = NLA_U64 },
	[DENALI_A_VM_IRQS_INJECTED] = { .type = NLA_U64 },
	[DENALI_A_VM_IRQ_BATCHES] = { .type = NLA_U64 },
	[DENALI_A_VM_IDLES] = { .type = NLA_U64 },
	[DENALI_A_VM_WAKE_TIMEOUT] = { .type = NLA_U64 },
	[DENALI_A_VM_WAKE_IRQ] = { .type = NLA_U64 },
	[DENALI_A_VM_EXITS] = { .type = NLA_NESTED },
	[DENALI_A_VM_HYPERCALLS] = { .type = NLA_NESTED },
	[DENALI_A_STATS_WORKERS] = { .type = NLA_U32 },
	[DENALI_A_STATS_QUANTUM_US] = { .type = NLA_U32 },
	[DENALI_A_STATS_IRQ_MODE] = { .type = NLA_STRING },
	/* Repeated, one per NIC; each is checked when parsed (nic.c). */
	[DENALI_A_VM_NIC] = { .type = NLA_NESTED },
	/* Repeated, one per disk; each is checked when parsed (disk.c). */
	[DENALI_A_VM_DISK] = { .type = NLA_NESTED },
	[DENALI_A_VM_TLB_SIZE] = { .type = NLA_U32 },
	[DENALI_A_VM_VMMU] = { .type = NLA_U8 },
	[DENALI_A_VM_TLB_ENTRIES] = { .type = NLA_U32 },
	[DENALI_A_VM_TLB_PAGES] = { .type = NLA_U32 },
	[DENALI_A_VM_TLB_LOADS] = { .type = NLA_U64 },
	[DENALI_A_VM_TLB_FLUSHES] = { .type = NLA_U64 },
	[DENALI_A_VM_TLB_EVICTIONS] = { .type = NLA_U64 },
	[DENALI_A_VM_TLB_REFUSED] = { .type = NLA_U64 },
};

/* Names of the request attributes, for "missing attribute" errors. */
static const char *const attr_names[DENALI_A_MAX + 1] = {
	[DENALI_A_VM_ID] = "DENALI_A_VM_ID",
	[DENALI_A_VM_NAME] = "DENALI_A_VM_NAME",
	[DENALI_A_VM_MEM_SIZE] = "DENALI_A_VM_MEM_SIZE",
	[DENALI_A_VM_ENTRY] = "DENALI_A_VM_ENTRY",
	[DENALI_A_VM_CMDLINE] = "DENALI_A_VM_CMDLINE",
	[DENALI_A_VM_TLB_SIZE] = "DENALI_A_VM_TLB_SIZE",
	[DENALI_A_NIC_INDEX] = "DENALI_A_NIC_INDEX",
	[DENALI_A_NIC_IFNAME] = "DENALI_A_NIC_IFNAME",
	[DENALI_A_NIC_MAC] = "DENALI_A_NIC_MAC",
	[DENALI_A_NIC_MTU] = "DENALI_A_NIC_MTU",
	[DENALI_A_NIC_MASTER] = "DENALI_A_NIC_MASTER",
	[DENALI_A_NIC_MASTER_NAME] = "DENALI_A_NIC_MASTER_NAME",
	[DENALI_A_NIC_ANY_SOURCE] = "DENALI_A_NIC_ANY_SOURCE",
};

/* State of one request while its replies come in. */
struct request {
	struct dnl *nl;
	dnl_reply_fn fn;
	void *arg;
	int err;
	bool done;
};

/* Turn a libnl error code into a negative errno, keeping libnl's text. */
static int libnl_err(struct dnl *nl, int nlerr)
{
	if (nlerr < 0)
		nlerr = -nlerr;
	snprintf(nl->errmsg, sizeof(nl->errmsg), "%s", nl_geterror(nlerr));
	switch (nlerr) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	default:
		return -EIO;
	}
}

/*
 * Take the kernel's explanation out of the extended-ack attributes that
 * follow an error or done message (at offset off in its payload).
 */
static void parse_extack(struct dnl *nl, struct nlmsghdr *hdr, size_t off)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t len = hdr->nlmsg_len;
	char *start = (char *)nlmsg_data(hdr) + NLMSG_ALIGN(off);

	nl->errmsg[0] = '\0';
	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (len < NLMSG_HDRLEN + NLMSG_ALIGN(off))
		return;
	len -= NLMSG_HDRLEN + NLMSG_ALIGN(off);
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)start, len, NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 0) {
		snprintf(nl->errmsg, sizeof(nl->errmsg), "%.*s", nla_len(tb[NLMSGERR_ATTR_MSG]),
			 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	} else if (tb[NLMSGERR_ATTR_MISS_TYPE] && nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) >= 4) {
		uint32_t type = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);

		if (type <= DENALI_A_MAX && attr_names[type])
			snprintf(nl->errmsg, sizeof(nl->errmsg), "missing attribute %s",
				 attr_names[type]);
		else
			snprintf(nl->errmsg, sizeof(nl->errmsg), "missing attribute %u", type);
	}
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct nlattr *tb[DENALI_A_MAX + 1];
	int ret;

	if (hdr->nlmsg_type != req->nl->family || req->err)
		return NL_SKIP;
	if (!genlmsg_valid_hdr(hdr, 0) ||
	    genlmsg_parse(hdr, 0, tb, DENALI_A_MAX, denali_policy) < 0) {
		snprintf(req->nl->errmsg, sizeof(req->nl->errmsg),
			 "malformed reply from the kernel");
		req->err = -EBADMSG;
		return NL_SKIP;
	}
	if (req->fn) {
		ret = req->fn(genlmsg_hdr(hdr)->cmd, tb, genlmsg_attrdata(genlmsg_hdr(hdr), 0),
			      genlmsg_attrlen(genlmsg_hdr(hdr), 0), req->arg);
		if (ret == -EBADMSG)
			snprintf(req->nl->errmsg, sizeof(req->nl->errmsg),
				 "malformed reply from the kernel");
		if (ret < 0)
			req->err = ret;
	}
	/* Keep reading until the ack, so the socket stays usable. */
	return NL_SKIP;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct request *req = arg;
	/* libnl hands us the payload; the header sits right before it. */
	struct nlmsghdr *hdr = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	size_t off = sizeof(*e);

	(void)nla;
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len >= NLMSG_HDRLEN ? e->msg.nlmsg_len - NLMSG_HDRLEN : 0;
	if (!req->err) {
		parse_extack(req->nl, hdr, off);
		req->err = e->error < 0 ? e->error : -EIO;
	}
	req->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;

	(void)msg;
	req->done = true;
	return NL_STOP;
}

/* The end of a dump; it carries an error code (and extack) if the dump failed. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	int err = 0;

	if (hdr->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
		memcpy(&err, nlmsg_data(hdr), sizeof(err));
	if (err < 0 && !req->err) {
		parse_extack(req->nl, hdr, sizeof(int));
		req->err = err;
	}
	req->done = true;
	return NL_STOP;
}

/* Connect and resolve the family. Prints its own error; returns 0 or -1. */
int dnl_open(struct dnl *nl)
{
	int one = 1, ret;

	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		err_errno("netlink", ENOMEM);
		return -1;
	}
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		err_msg("netlink", "%s", nl_geterror(ret));
		goto fail;
	}
	/* Ask for the kernel's error text, and no copy of our request in errors. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nl_socket_enable_msg_peek(nl->sk);

	ret = genl_ctrl_resolve(nl->sk, DENALI_GENL_NAME);
	if (ret < 0) {
		if (ret == -NLE_OBJ_NOTFOUND)
			err_msg(DENALI_GENL_NAME,
				"generic netlink family not found (denali module not loaded?)");
		else
			err_msg(DENALI_GENL_NAME, "cannot resolve generic netlink family: %s",
				nl_geterror(ret));
		goto fail;
	}
	nl->family = ret;
	return 0;
fail:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return -1;
}

void dnl_close(struct dnl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

/* A new request of the family; flags such as NLM_F_DUMP. NULL when out of memory. */
struct nl_msg *dnl_msg(struct dnl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags, cmd,
			 DENALI_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * Send msg (consumed) with NLM_F_ACK, feed every reply to fn and wait for
 * the ack, error or end of dump. Returns 0 or a negative errno; on error
 * nl->errmsg holds the kernel's explanation, if it gave one.
 */
int dnl_request(struct dnl *nl, struct nl_msg *msg, dnl_reply_fn fn, void *arg)
{
	struct request req = { .nl = nl, .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int ret;

	nl->errmsg[0] = '\0';
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &req);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &req);

	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	ret = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		req.err = libnl_err(nl, ret);
		goto out;
	}
	while (!req.done) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && !req.done) {
			if (ret == -NLE_INTR)
				continue;
			req.err = libnl_err(nl, ret);
			break;
		}
	}
out:
	nl_cb_put(cb);
	return req.err;
}

/*
 * A request that names one VM, by id (when has_id) or else by name, and
 * wants only the ack: VM_DEL, VM_START, VM_STOP. Returns 0 or a negative
 * errno, as dnl_request().
 */
int dnl_vm_request(struct dnl *nl, uint8_t cmd, const char *name, bool has_id, uint32_t id)
{
	struct nl_msg *msg = dnl_vm_msg(nl, cmd, name, has_id, id);

	if (!msg)
		return -ENOMEM;
	return dnl_request(nl, msg, NULL, NULL);
}

/* A request for command cmd naming one VM, by id (when has_id) or else by name. */
struct nl_msg *dnl_vm_msg(struct dnl *nl, uint8_t cmd, const char *name, bool has_id, uint32_t id)
{
	struct nl_msg *msg = dnl_msg(nl, cmd, 0);
	int ret;

	if (!msg)
		return NULL;
	if (has_id)
		ret = nla_put_u32(msg, DENALI_A_VM_ID, id);
	else
		ret = nla_put_string(msg, DENALI_A_VM_NAME, name);
	if (ret) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * Join the "events" multicast group and feed every message to fn until fn
 * fails or receiving does. Lost events (receive buffer overrun) are
 * reported on stderr and monitoring goes on.
 */
/* Events are unsolicited: they carry no sequence number of ours. */
static int no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int dnl_monitor(struct dnl *nl, dnl_reply_fn fn, void *arg)
{
	struct request req = { .nl = nl, .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int grp, ret;

	nl->errmsg[0] = '\0';
	grp = genl_ctrl_resolve_grp(nl->sk, DENALI_GENL_NAME, DENALI_MCGRP_EVENTS);
	if (grp < 0)
		return libnl_err(nl, grp);
	ret = nl_socket_add_membership(nl->sk, grp);
	if (ret < 0)
		return libnl_err(nl, ret);
	nl_socket_set_buffer_size(nl->sk, 1 << 20, 0);

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &req);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	while (!req.err) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret == -NLE_NOMEM) {
			/* ENOBUFS: the kernel dropped events for us. */
			err_msg("monitor", "events lost (receive buffer overrun)");
			continue;
		}
		if (ret < 0 && ret != -NLE_INTR)
			req.err = libnl_err(nl, ret);
	}
	nl_cb_put(cb);
	return req.err;
}

/* Why a request failed: the kernel's (or libnl's) text, else strerror. */
const char *dnl_strerror(const struct dnl *nl, int err)
{
	if (nl->errmsg[0])
		return nl->errmsg;
	return strerror(err < 0 ? -err : err);
}

/* Report a failed request on stderr as "denalictl: OBJECT: REASON". */
void dnl_perror(const struct dnl *nl, const char *object, int err)
{
	err_msg(object, "%s", dnl_strerror(nl, err));
}
