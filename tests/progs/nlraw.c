/* nlraw: send hand-built (possibly malformed) requests to the "denali" genetlink family. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>
#include <linux/denali.h>

#include "failnth.h"

/*
 * nlraw [--fail-nth N] [--dump] CMD [ATTR:KIND:VALUE]...
 *   --fail-nth N  make the Nth allocation the kernel tries for this thread
 *         from the request on fail (/proc/thread-self/fail-nth, the debug
 *         kernel's fault injection); prints "fail-nth: injected" or
 *         "fail-nth: not reached" (the request needed fewer) after the reply
 *   CMD   new, del, get, stats, event, start, stop, nicnew, nicdel or a number
 *   ATTR  id, name, mem, state, resident, entry, event, nic (index), ifname,
 *         mac, mtu, master, mastername or a number
 *   KIND  u8, u16, u32, u64, str (NUL-terminated), hex (raw bytes), zero:N
 * Prints "ok" plus one line per reply message ("msg cmd=N attrs=..."), or
 * "error ERRNO: extack message"; exit status 0 on success, 1 on error.
 * A NIC nest prints as " nic{index=N ifname=S mac=XX:.. mtu=N master=N}",
 * a disk nest as " disk{index=N path=S blocks=N ro=N reads=N ... inflight=N}".
 */
static int sock;
static char buf[65536];

static const char *attr_names[] = {
	[DENALI_A_VM_ID] = "id", [DENALI_A_VM_NAME] = "name",
	[DENALI_A_VM_MEM_SIZE] = "mem", [DENALI_A_VM_STATE] = "state",
	[DENALI_A_VM_RESIDENT_PAGES] = "resident", [DENALI_A_VM_ENTRY] = "entry",
	[DENALI_A_EVENT] = "event", [DENALI_A_NIC_INDEX] = "nic",
	[DENALI_A_NIC_IFNAME] = "ifname", [DENALI_A_NIC_MAC] = "mac",
	[DENALI_A_NIC_MTU] = "mtu", [DENALI_A_NIC_MASTER] = "master",
	[DENALI_A_NIC_MASTER_NAME] = "mastername",
};

/* The attributes of a DENALI_A_VM_NIC nest, on one line. */
static void print_nic(struct nlattr *nest)
{
	struct nlattr *a = (struct nlattr *)((char *)nest + NLA_HDRLEN);
	int rem = nest->nla_len - NLA_HDRLEN;

	printf(" nic{");
	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
		unsigned char *d = (unsigned char *)a + NLA_HDRLEN;

		switch (a->nla_type & NLA_TYPE_MASK) {
		case DENALI_A_NIC_INDEX: printf("index=%u", *(uint32_t *)d); break;
		case DENALI_A_NIC_IFNAME: printf(" ifname=%s", (char *)d); break;
		case DENALI_A_NIC_IFINDEX: printf(" ifindex=%u", *(uint32_t *)d); break;
		case DENALI_A_NIC_MAC:
			printf(" mac=%02x:%02x:%02x:%02x:%02x:%02x", d[0], d[1], d[2], d[3], d[4], d[5]);
			break;
		case DENALI_A_NIC_MTU: printf(" mtu=%u", *(uint32_t *)d); break;
		case DENALI_A_NIC_MASTER: printf(" master=%u", *(uint32_t *)d); break;
		case DENALI_A_NIC_RX_QUEUED: printf(" rx_queued=%u", *(uint32_t *)d); break;
		case DENALI_A_NIC_TX_REJECTED:
			printf(" tx_rejected=%llu", (unsigned long long)*(uint64_t *)d);
			break;
		case DENALI_A_NIC_RX_DROPPED:
			printf(" rx_dropped=%llu", (unsigned long long)*(uint64_t *)d);
			break;
		}
	}
	printf("}");
}

/* The attributes of a DENALI_A_VM_DISK nest, on one line. */
static void print_disk(struct nlattr *nest)
{
	static const char *const names[] = {
		[DENALI_A_DISK_BLOCKS] = "blocks", [DENALI_A_DISK_READS] = "reads",
		[DENALI_A_DISK_WRITES] = "writes", [DENALI_A_DISK_FLUSHES] = "flushes",
		[DENALI_A_DISK_ERRORS] = "errors",
	};
	struct nlattr *a = (struct nlattr *)((char *)nest + NLA_HDRLEN);
	int rem = nest->nla_len - NLA_HDRLEN;

	printf(" disk{");
	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
		unsigned char *d = (unsigned char *)a + NLA_HDRLEN;
		int t = a->nla_type & NLA_TYPE_MASK;

		switch (t) {
		case DENALI_A_DISK_INDEX: printf("index=%u", *(uint32_t *)d); break;
		case DENALI_A_DISK_PATH: printf(" path=%s", (char *)d); break;
		case DENALI_A_DISK_RO: printf(" ro=%u", d[0]); break;
		case DENALI_A_DISK_INFLIGHT: printf(" inflight=%u", *(uint32_t *)d); break;
		case DENALI_A_DISK_BLOCKS: case DENALI_A_DISK_READS: case DENALI_A_DISK_WRITES:
		case DENALI_A_DISK_FLUSHES: case DENALI_A_DISK_ERRORS:
			printf(" %s=%llu", names[t], (unsigned long long)*(uint64_t *)d);
			break;
		}
	}
	printf("}");
}

static int lookup(const char *s, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(s, names[i]))
			return i;
	return atoi(s);
}

static struct nlattr *put_attr(struct nlmsghdr *nlh, int type, const void *data, int len)
{
	struct nlattr *nla = (struct nlattr *)((char *)nlh + NLMSG_ALIGN(nlh->nlmsg_len));

	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	memcpy((char *)nla + NLA_HDRLEN, data, len);
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + NLA_ALIGN(nla->nla_len);
	return nla;
}

static void send_req(struct nlmsghdr *nlh)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (sendto(sock, nlh, nlh->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		printf("error send: %s\n", strerror(errno));
		exit(1);
	}
}

static const char *errname(int e)
{
	static const struct { int e; const char *n; } t[] = {
		{ EINVAL, "EINVAL" }, { ENOENT, "ENOENT" }, { EEXIST, "EEXIST" },
		{ EPERM, "EPERM" }, { ENOSPC, "ENOSPC" }, { ERANGE, "ERANGE" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { EMSGSIZE, "EMSGSIZE" }, { ENOMEM, "ENOMEM" },
		{ ENODEV, "ENODEV" }, { EBUSY, "EBUSY" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].e == e)
			return t[i].n;
	return strerror(e);
}

/* Reads replies until the ACK/error or NLMSG_DONE; returns 0 or -errno. */
static int recv_replies(int print)
{
	for (;;) {
		int len = recv(sock, buf, sizeof(buf), 0);
		struct nlmsghdr *nlh;

		if (len < 0) {
			printf("error recv: %s\n", strerror(errno));
			exit(1);
		}
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *err = NLMSG_DATA(nlh);
				const char *msg = NULL;

				if (err->error && (nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
					int off = sizeof(*err);
					struct nlattr *a;

					if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
						off += err->msg.nlmsg_len - sizeof(err->msg);
					for (a = (struct nlattr *)((char *)err + off);
					     (char *)a + NLA_HDRLEN <= (char *)nlh + nlh->nlmsg_len && a->nla_len >= NLA_HDRLEN;
					     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
						if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
							msg = (char *)a + NLA_HDRLEN;
				}
				if (err->error && print)
					printf("error %s: %s\n", errname(-err->error), msg ? msg : "(no message)");
				return err->error;
			}
			if (print) {
				struct genlmsghdr *g = NLMSG_DATA(nlh);
				struct nlattr *a = (struct nlattr *)((char *)g + GENL_HDRLEN);
				int rem = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

				printf("msg cmd=%d", g->cmd);
				for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
				     rem -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
					void *d = (char *)a + NLA_HDRLEN;
					int t = a->nla_type & NLA_TYPE_MASK;

					if (t == DENALI_A_VM_NIC)
						print_nic(a);
					else if (t == DENALI_A_VM_DISK)
						print_disk(a);
					else if (t == DENALI_A_VM_NAME || t == DENALI_A_STATS_BACKEND)
						printf(" %d=%s", t, (char *)d);
					else if (a->nla_len - NLA_HDRLEN == 4)
						printf(" %d=%u", t, *(uint32_t *)d);
					else if (a->nla_len - NLA_HDRLEN == 8)
						printf(" %d=%llu", t, (unsigned long long)*(uint64_t *)d);
				}
				printf("\n");
			}
		}
	}
}

static int resolve_family(void)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *g;
	int len;

	memset(buf, 0, 4096);
	nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	g = NLMSG_DATA(nlh);
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	put_attr(nlh, CTRL_ATTR_FAMILY_NAME, DENALI_GENL_NAME, sizeof(DENALI_GENL_NAME));
	send_req(nlh);
	len = recv(sock, buf, sizeof(buf), 0);
	for (nlh = (struct nlmsghdr *)buf; len > 0 && NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
		struct nlattr *a;
		int rem;

		if (nlh->nlmsg_type != GENL_ID_CTRL)
			break;
		a = (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
		rem = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
		for (; rem >= NLA_HDRLEN; rem -= NLA_ALIGN(a->nla_len),
		     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
			if (a->nla_type == CTRL_ATTR_FAMILY_ID)
				return *(uint16_t *)((char *)a + NLA_HDRLEN);
	}
	printf("error family: denali module not loaded\n");
	exit(1);
}

int main(int argc, char **argv)
{
	static const char *cmd_names[] = { [DENALI_CMD_VM_NEW] = "new", [DENALI_CMD_VM_DEL] = "del",
		[DENALI_CMD_VM_GET] = "get", [DENALI_CMD_STATS] = "stats", [DENALI_CMD_EVENT] = "event",
		[DENALI_CMD_NIC_NEW] = "nicnew", [DENALI_CMD_NIC_DEL] = "nicdel",
		[DENALI_CMD_VM_START] = "start", [DENALI_CMD_VM_STOP] = "stop" };
	static char req[8192] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = (struct nlmsghdr *)req;
	struct genlmsghdr *g;
	int one = 1, dump = 0, family, i, ret, fail_nth = 0;

	if (argc > 2 && !strcmp(argv[1], "--fail-nth")) {
		fail_nth = atoi(argv[2]);
		failnth_prepare();
		argv += 2;
		argc -= 2;
	}
	if (argc > 1 && !strcmp(argv[1], "--dump")) {
		dump = 1;
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: nlraw [--dump] CMD [ATTR:KIND:VALUE]...\n");
		return 2;
	}
	sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (sock < 0 || setsockopt(sock, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one))) {
		perror("nlraw: socket");
		return 1;
	}
	family = resolve_family();

	nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0);
	nlh->nlmsg_seq = 1;
	g = NLMSG_DATA(nlh);
	g->cmd = lookup(argv[1], cmd_names, sizeof(cmd_names) / sizeof(cmd_names[0]));
	g->version = DENALI_GENL_VERSION;

	for (i = 2; i < argc; i++) {
		char *spec = strdup(argv[i]), *kind, *val;
		int type;

		kind = strchr(spec, ':');
		val = kind ? strchr(kind + 1, ':') : NULL;
		if (!val) {
			fprintf(stderr, "nlraw: bad attribute spec %s\n", argv[i]);
			return 2;
		}
		*kind++ = 0;
		*val++ = 0;
		type = lookup(spec, attr_names, sizeof(attr_names) / sizeof(attr_names[0]));
		if (!strcmp(kind, "str")) {
			put_attr(nlh, type, val, strlen(val) + 1);
		} else if (!strcmp(kind, "hex")) {
			unsigned char bytes[4096];
			int n = 0;

			for (; val[0] && val[1] && n < (int)sizeof(bytes); val += 2)
				sscanf(val, "%2hhx", &bytes[n++]);
			put_attr(nlh, type, bytes, n);
		} else if (!strcmp(kind, "zero")) {
			static unsigned char zeros[4096];
			int n = atoi(val);

			put_attr(nlh, type, zeros, n > 4096 ? 4096 : n);
		} else {
			uint64_t v = strtoull(val, NULL, 0);
			int w = !strcmp(kind, "u8") ? 1 : !strcmp(kind, "u16") ? 2 :
				!strcmp(kind, "u32") ? 4 : 8;

			put_attr(nlh, type, &v, w);
		}
		free(spec);
	}
	if (fail_nth > 0)
		failnth_arm(fail_nth);
	send_req(nlh);
	ret = recv_replies(1);
	if (fail_nth > 0)
		failnth_report();
	if (!ret)
		printf("ok\n");
	return ret ? 1 : 0;
}
