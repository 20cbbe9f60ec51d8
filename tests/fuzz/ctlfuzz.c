// SPDX-License-Identifier: GPL-2.0
/*
 * ctlfuzz: fuzzes the module's control plane, the "denali" generic netlink
 * family and the ioctls of /dev/denali and of VM descriptors, from a seed.
 *
 *   ctlfuzz [-s SEED] [-n MESSAGES] [-i IOCTLS] [-l PERCENT] [-v]
 *
 * Netlink: MESSAGES requests (default 100000), each one of
 *   - a valid request of a real operation (VM_NEW, VM_DEL, VM_GET and its
 *     dump, STATS, VM_START, VM_STOP, NIC_NEW, NIC_DEL) on a small pool of
 *     names, NIC names and a bridge, so that requests meet each other's VMs;
 *   - the same with boundary values (0, 1, the limits and one past them,
 *     all ones) and wrong lengths;
 *   - a mutation of it: random attribute types, lengths, nesting flags,
 *     junk nests, flipped bytes, a truncated or oversized header, a random
 *     command number, NLM_F_DUMP on anything;
 *   - an interrupted dump: a dump whose first reply is read and whose
 *     socket is then closed, or reused for another request.
 * -l PERCENT (default 100): the share of requests that may create, start,
 * stop or destroy VMs and NICs, which costs milliseconds each on a debug
 * kernel; the rest are VM_GET, its dump and STATS (valid, boundary or
 * mutated, and a mutation may change the command).
 * Every request asks for an acknowledgement and must get its answer (an
 * ACK, an error, or the dump's end) within 10 s: an unanswered one fails
 * the run. Most requests go in batches of 2 to 64 messages in one
 * sendmsg(), which the kernel takes one after the other, as a batch of
 * ip or nft commands does; the rest, and every interrupted dump, go alone.
 * Afterwards the pool's VMs are destroyed through the family.
 *
 * Ioctls: IOCTLS calls (default 10000) of random command numbers (the
 * family's magic and others, every direction and size) with random
 * arguments (a buffer of random bytes, NULL, a kernel address, a small
 * integer) on /dev/denali and on VM descriptors opened with random IDs
 * and flags, mixed with pread and pwrite at random offsets and lengths.
 * None may crash the caller or the kernel; their results are counted.
 *
 * Prints "ctlfuzz: seed S messages N answered A acked K errors E dumps D
 * interrupted I ioctls C (ok O) batches B" and exits 0 only if every
 * message was answered. The same seed sends the same requests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/denali.h>

#define POOL 6
#define BUF_SIZE (1 << 16)

static uint64_t rng;
static int verbose, family;
/* Percent of real requests that create, start, stop or destroy (-l). */
static unsigned int life_pct = 100;
static unsigned long sent, answered, acked, errors, dumps, interrupted, batches;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static uint32_t below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

/* Values at and around the edges, for any width. */
static uint64_t edge(unsigned int bytes)
{
	static const uint64_t v[] = { 0, 1, 2, 7, 8, 15, 16, 67, 68, 1500, 1501, 2047, 2048, 2049,
				      4095, 4096, 4097, 1 << 20, 2 << 20, 16 << 20, 1ULL << 32,
				      (1ULL << 32) + 4096, 0x7fffffff, 0x80000000, 0xffffffff };
	uint64_t x = below(4) ? v[below(sizeof(v) / sizeof(v[0]))] : rnd();

	if (!below(8))
		x = ~0ULL;
	return bytes >= 8 ? x : x & ((1ULL << (8 * bytes)) - 1);
}

struct msg {
	struct nlmsghdr *nlh;
	char buf[8192] __attribute__((aligned(8)));
};

static void put(struct msg *m, int type, const void *data, int len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + NLMSG_ALIGN(m->nlh->nlmsg_len));

	if (NLMSG_ALIGN(m->nlh->nlmsg_len) + NLA_HDRLEN + NLA_ALIGN(len) > sizeof(m->buf))
		return;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	m->nlh->nlmsg_len = NLMSG_ALIGN(m->nlh->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void put_int(struct msg *m, int type, uint64_t v, int bytes)
{
	put(m, type, &v, bytes);
}

static void put_str(struct msg *m, int type, const char *s)
{
	put(m, type, s, strlen(s) + 1);
}

static void init_msg(struct msg *m, int cmd, int flags)
{
	struct genlmsghdr *g;

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	m->nlh = (struct nlmsghdr *)m->buf;
	m->nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlh->nlmsg_type = family;
	m->nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	m->nlh->nlmsg_seq = ++sent;
	g = NLMSG_DATA(m->nlh);
	g->cmd = cmd;
	g->version = DENALI_GENL_VERSION;
}

static const char *pool_name(void)
{
	static char name[8];

	snprintf(name, sizeof(name), "fz%u", below(POOL));
	return name;
}

/* A request of a real operation, with valid values or, @edges, boundary ones. */
static void real_request(struct msg *m, int edges)
{
	static const int cmds[] = { DENALI_CMD_VM_GET, DENALI_CMD_STATS, DENALI_CMD_VM_NEW,
				    DENALI_CMD_VM_DEL, DENALI_CMD_VM_START, DENALI_CMD_VM_STOP,
				    DENALI_CMD_NIC_NEW, DENALI_CMD_NIC_DEL };
	/*
	 * Creating and destroying VMs and Linux devices costs milliseconds on
	 * a debug kernel, the rest a fraction of that. -l sets the percentage
	 * of requests of those kinds (valid, boundary or mutated); the others
	 * read: VM_GET, its dump and STATS, valid, boundary or mutated (a
	 * mutation may turn them into any command number).
	 */
	unsigned int n = below(100) < life_pct ? sizeof(cmds) / sizeof(cmds[0]) : 2;
	int cmd = cmds[below(n)];
	char ifname[16];

	init_msg(m, cmd, cmd == DENALI_CMD_VM_GET && !below(3) ? NLM_F_DUMP : 0);
	if (cmd == DENALI_CMD_STATS)
		return;
	if (below(6))
		put_str(m, DENALI_A_VM_NAME, pool_name());
	if (!below(5))
		put_int(m, DENALI_A_VM_ID, edges ? edge(4) : below(64), 4);
	switch (cmd) {
	case DENALI_CMD_VM_NEW:
		if (below(2))
			put_int(m, DENALI_A_VM_MEM_SIZE, edges ? edge(8) : (uint64_t)(2 + below(7)) << 20, 8);
		if (!below(3))
			put_int(m, DENALI_A_VM_ENTRY, edges ? edge(8) : 0x100000, 8);
		if (!below(3))
			put_str(m, DENALI_A_VM_CMDLINE, "ip=10.9.0.2/24 nic=0");
		if (!below(3))
			put_int(m, DENALI_A_VM_TLB_SIZE, edges ? edge(4) : 16 + below(64), 4);
		break;
	case DENALI_CMD_NIC_NEW:
	case DENALI_CMD_NIC_DEL:
		if (below(2)) {
			snprintf(ifname, sizeof(ifname), "fzn%u", below(POOL));
			put_str(m, DENALI_A_NIC_IFNAME, ifname);
		}
		if (!below(3))
			put_int(m, DENALI_A_NIC_INDEX, edges ? edge(4) : below(9), 4);
		if (cmd == DENALI_CMD_NIC_DEL)
			break;
		if (!below(3)) {
			uint8_t mac[6] = { 0x02, 0x66, 0x7a, (uint8_t)rnd(), (uint8_t)rnd(), (uint8_t)rnd() };

			if (edges)
				mac[0] = (uint8_t)rnd();
			put(m, DENALI_A_NIC_MAC, mac, 6);
		}
		if (!below(3))
			put_int(m, DENALI_A_NIC_MTU, edges ? edge(4) : 68 + below(1433), 4);
		if (!below(3))
			put_str(m, DENALI_A_NIC_MASTER_NAME, below(4) ? "brz" : "nosuchbr");
		if (!below(6))
			put_int(m, DENALI_A_NIC_MASTER, edges ? edge(4) : below(16), 4);
		if (!below(6))
			put(m, DENALI_A_NIC_ANY_SOURCE, NULL, 0);
		break;
	}
}

/* A random attribute of random type and length, maybe a junk nest. */
static void junk_attr(struct msg *m)
{
	uint8_t data[600];
	int len = below(4) ? below(16) : below(sizeof(data)), i;
	int type = below(4) ? 1 + below(DENALI_A_MAX + 3) : (int)(rnd() & 0xffff);

	for (i = 0; i < len; i++)
		data[i] = rnd();
	if (!below(4)) {
		/* A nest of nests with junk lengths inside. */
		struct nlattr *in = (struct nlattr *)data;

		len = 4 + 8 * (1 + below(8));
		for (i = 4; i + 4 <= len; i += 8) {
			in = (struct nlattr *)(data + i);
			in->nla_len = below(3) ? 4 + below(5) : (uint16_t)rnd();
			in->nla_type = (uint16_t)rnd();
		}
		((struct nlattr *)data)->nla_len = below(2) ? len : (uint16_t)rnd();
		((struct nlattr *)data)->nla_type = NLA_F_NESTED | below(DENALI_A_MAX + 2);
		type |= NLA_F_NESTED;
	}
	put(m, type, data, len);
}

static void mutate(struct msg *m)
{
	int n = 1 + below(4), i;
	struct genlmsghdr *g = NLMSG_DATA(m->nlh);

	for (i = 0; i < n; i++) {
		switch (below(7)) {
		case 0:
			junk_attr(m);
			break;
		case 1: {
			/* Flip bytes anywhere after the netlink header. */
			int len = m->nlh->nlmsg_len - NLMSG_HDRLEN;

			if (len > 0)
				m->buf[NLMSG_HDRLEN + below(len)] ^= 1 << below(8);
			break;
		}
		case 2:
			g->cmd = rnd();
			break;
		case 3:
			g->version = rnd();
			break;
		case 4:
			m->nlh->nlmsg_flags |= NLM_F_DUMP;
			break;
		case 5:
			/* Lie about the attributes' lengths: cut or stretch the last one. */
			if (m->nlh->nlmsg_len > NLMSG_LENGTH(GENL_HDRLEN) + NLA_HDRLEN) {
				struct nlattr *a = (struct nlattr *)(m->buf + NLMSG_LENGTH(GENL_HDRLEN));

				a->nla_len = (uint16_t)edge(2);
			}
			break;
		default:
			put_int(m, 1 + below(DENALI_A_MAX), edge(8), 1 << below(4));
			break;
		}
	}
	if (!below(20))
		m->nlh->nlmsg_len = NLMSG_HDRLEN + below(GENL_HDRLEN);	/* a cut genetlink header */
}

static int open_sock(void)
{
	int one = 1, s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	int rcv;

	if (s < 0) {
		perror("ctlfuzz: socket");
		exit(2);
	}
	setsockopt(s, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	/* A batch's answers echo its requests: room for all of them (root). */
	rcv = 4 << 20;
	if (setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)))
		setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	return s;
}

static void send_msg(int s, struct msg *m)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (sendto(s, m->buf, m->nlh->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("ctlfuzz: sendto");
		exit(2);
	}
}

/*
 * Reads until the request @seq is answered: an error or ACK message, or
 * NLMSG_DONE of a dump. @first_only: stop after the first message (an
 * interrupted dump). Returns 0 when answered, -1 after 10 s of silence.
 */
static int wait_answer(int s, uint32_t seq, int first_only)
{
	static char buf[BUF_SIZE] __attribute__((aligned(8)));
	struct pollfd p = { .fd = s, .events = POLLIN };

	for (;;) {
		struct nlmsghdr *h;
		ssize_t n;

		if (poll(&p, 1, 10000) <= 0)
			return -1;
		n = recv(s, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == ENOBUFS)
				continue;
			return -1;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (first_only)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				if (e->error)
					errors++;
				else
					acked++;
				return 0;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				/* A dump's end is its answer (its status inside). */
				dumps++;
				return 0;
			}
		}
	}
}

/* A batch: messages back to back in one buffer, sent with one sendmsg(). */
#define BATCH_MAX 64
#define BATCH_BYTES (1 << 15)

struct batch {
	char buf[BATCH_BYTES] __attribute__((aligned(8)));
	size_t len;
	unsigned int n;
	uint32_t first_seq;
	uint8_t cmd[BATCH_MAX];
	uint8_t done[BATCH_MAX];
	uint64_t t0;
};

/* Adds @m to @b; false when it would not fit. */
static bool batch_add(struct batch *b, const struct msg *m)
{
	size_t len = NLMSG_ALIGN(m->nlh->nlmsg_len);

	if (b->n == BATCH_MAX || b->len + len > sizeof(b->buf))
		return false;
	if (!b->n)
		b->first_seq = m->nlh->nlmsg_seq;
	memcpy(b->buf + b->len, m->buf, m->nlh->nlmsg_len);
	memset(b->buf + b->len + m->nlh->nlmsg_len, 0, len - m->nlh->nlmsg_len);
	b->cmd[b->n] = ((struct genlmsghdr *)NLMSG_DATA(m->nlh))->cmd;
	b->done[b->n++] = 0;
	b->len += len;
	return true;
}

/*
 * Sends @b and reads until every message in it is answered (an error or
 * ACK, or a dump's end). Returns how many got no answer within 10 s.
 */
static unsigned int batch_send(int s, struct batch *b)
{
	static char buf[BUF_SIZE] __attribute__((aligned(8)));
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct pollfd p = { .fd = s, .events = POLLIN };
	unsigned int left = b->n, i;

	if (sendto(s, b->buf, b->len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("ctlfuzz: sendto");
		exit(2);
	}
	while (left) {
		struct nlmsghdr *h;
		ssize_t n;

		if (poll(&p, 1, 10000) <= 0)
			break;
		n = recv(s, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == ENOBUFS) {
				fprintf(stderr, "ctlfuzz: answers overran the socket buffer\n");
				continue;
			}
			break;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			uint32_t k = h->nlmsg_seq - b->first_seq;

			if (k >= b->n || b->done[k])
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				if (((struct nlmsgerr *)NLMSG_DATA(h))->error)
					errors++;
				else
					acked++;
			} else if (h->nlmsg_type == NLMSG_DONE) {
				dumps++;
			} else {
				continue;
			}
			b->done[k] = 1;
			answered++;
			left--;
		}
	}
	for (i = 0; i < b->n; i++) {
		if (!b->done[i])
			fprintf(stderr, "ctlfuzz: message with seq %u (cmd %u) in a batch of %u got no answer\n",
				b->first_seq + i, b->cmd[i], b->n);
	}
	return left;
}

static int family_id(int s)
{
	static char buf[8192] __attribute__((aligned(8)));
	struct msg m;
	struct nlmsghdr *h;
	ssize_t n;

	memset(m.buf, 0, sizeof(m.buf));
	m.nlh = (struct nlmsghdr *)m.buf;
	m.nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m.nlh->nlmsg_type = GENL_ID_CTRL;
	m.nlh->nlmsg_flags = NLM_F_REQUEST;
	((struct genlmsghdr *)NLMSG_DATA(m.nlh))->cmd = CTRL_CMD_GETFAMILY;
	((struct genlmsghdr *)NLMSG_DATA(m.nlh))->version = 1;
	put_str(&m, CTRL_ATTR_FAMILY_NAME, DENALI_GENL_NAME);
	send_msg(s, &m);
	n = recv(s, buf, sizeof(buf), 0);
	for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
		struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
		int rem = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

		if (h->nlmsg_type == NLMSG_ERROR)
			break;
		for (; rem >= NLA_HDRLEN; rem -= NLA_ALIGN(a->nla_len),
		     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
			if (a->nla_len < NLA_HDRLEN)
				break;
			if (a->nla_type == CTRL_ATTR_FAMILY_ID)
				return *(uint16_t *)((char *)a + NLA_HDRLEN);
		}
	}
	fprintf(stderr, "ctlfuzz: no \"%s\" family (module not loaded?)\n", DENALI_GENL_NAME);
	exit(2);
}

/* Where the time goes: milliseconds and messages by command (0: other). */
static uint64_t ms_by_cmd[__DENALI_CMD_MAX], n_by_cmd[__DENALI_CMD_MAX];

static uint64_t now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void account(const struct msg *m, uint64_t since)
{
	unsigned int cmd = ((struct genlmsghdr *)NLMSG_DATA(m->nlh))->cmd;

	if (cmd >= __DENALI_CMD_MAX)
		cmd = 0;
	ms_by_cmd[cmd] += now_us() - since;
	n_by_cmd[cmd]++;
}

/* Batches: their time and messages (by command only those sent alone). */
static uint64_t batch_us, batch_msgs;

static void account_batch(const struct batch *b)
{
	batch_us += now_us() - b->t0;
	batch_msgs += b->n;
}

static void print_times(uint64_t ioctl_us)
{
	static const char *const names[__DENALI_CMD_MAX] = {
		"other", "new", "del", "get", "stats", "event", "start", "stop", "nicnew", "nicdel",
	};
	unsigned int c;

	printf("ctlfuzz: ms/messages by command:");
	for (c = 0; c < __DENALI_CMD_MAX; c++)
		if (n_by_cmd[c])
			printf(" %s=%llu/%llu", names[c] ? names[c] : "?",
			       (unsigned long long)(ms_by_cmd[c] / 1000), (unsigned long long)n_by_cmd[c]);
	printf(" batched=%llu/%llu ioctls=%llums\n", (unsigned long long)(batch_us / 1000),
	       (unsigned long long)batch_msgs, (unsigned long long)(ioctl_us / 1000));
}

static int fuzz_netlink(unsigned long count)
{
	static struct msg m;
	static struct batch b;
	int s = open_sock(), lost = 0;
	unsigned long i, reported = 0;

	family = family_id(s);
	for (i = 0; i < count; i++) {
		unsigned int kind = below(10);
		uint64_t t0 = now_us();

		if (below(8)) {
			/* A batch of up to 64 requests (fewer if they fill the buffer). */
			unsigned int want = 2 + below(BATCH_MAX - 1), unanswered;

			b.n = 0;
			b.len = 0;
			b.t0 = t0;
			for (; b.n < want && i < count; i++) {
				kind = below(10);
				real_request(&m, kind >= 4);
				if (kind >= 7)
					mutate(&m);
				if (!batch_add(&b, &m)) {
					sent--;	/* not sent: its number goes to the next one */
					break;
				}
			}
			i--;
			unanswered = batch_send(s, &b);
			account_batch(&b);
			if (unanswered) {
				lost += unanswered;
				close(s);
				s = open_sock();
			}
			batches++;
			if (verbose && i / 10000 != reported) {
				reported = i / 10000;
				fprintf(stderr, "ctlfuzz: %lu messages\n", i + 1);
			}
			continue;
		}
		real_request(&m, kind >= 4);
		if (kind >= 7)
			mutate(&m);
		if (kind == 9 && !below(4)) {
			/* An interrupted dump: one reply read, then the socket goes or is reused. */
			init_msg(&m, DENALI_CMD_VM_GET, NLM_F_DUMP);
			send_msg(s, &m);
			if (wait_answer(s, m.nlh->nlmsg_seq, 1) == 0)
				answered++;
			else
				lost++;
			interrupted++;
			if (below(2)) {
				close(s);
				s = open_sock();
			}
			account(&m, t0);
			continue;
		}
		send_msg(s, &m);
		if (wait_answer(s, m.nlh->nlmsg_seq, 0) == 0) {
			answered++;
			account(&m, t0);
		} else {
			lost++;
			fprintf(stderr, "ctlfuzz: message %lu (cmd %u, %u bytes) got no answer\n", i,
				((struct genlmsghdr *)NLMSG_DATA(m.nlh))->cmd, m.nlh->nlmsg_len);
			/* Start over on a fresh socket, to tell the next one apart. */
			close(s);
			s = open_sock();
		}
		if (verbose && i / 10000 != reported) {
			reported = i / 10000;
			fprintf(stderr, "ctlfuzz: %lu messages\n", i + 1);
		}
	}
	/* Leave nothing behind: the pool's VMs go (their NICs with them). */
	for (i = 0; i < POOL; i++) {
		char name[8];

		snprintf(name, sizeof(name), "fz%lu", i);
		init_msg(&m, DENALI_CMD_VM_DEL, 0);
		put_str(&m, DENALI_A_VM_NAME, name);
		send_msg(s, &m);
		wait_answer(s, m.nlh->nlmsg_seq, 0);
	}
	close(s);
	return lost;
}

static unsigned long fuzz_ioctls(unsigned long count, unsigned long *ok)
{
	static uint8_t buf[8192] __attribute__((aligned(64)));
	int dev = open("/dev/denali", O_RDWR | O_CLOEXEC), vmfd = -1;
	unsigned long i, calls = 0;

	if (dev < 0) {
		perror("ctlfuzz: /dev/denali");
		return 0;
	}
	for (i = 0; i < count; i++) {
		unsigned long cmd, arg;
		int fd, r;
		size_t j;

		for (j = 0; j < 64; j++)
			buf[j] = rnd();
		switch (below(4)) {
		case 0:
			arg = (unsigned long)buf;
			break;
		case 1:
			arg = 0;
			break;
		case 2:
			arg = 0xffffffff81000000UL + below(1 << 20);
			break;
		default:
			arg = edge(8);
			break;
		}
		if (!below(8) && vmfd < 0) {
			struct denali_vm_open o = { .id = below(4) ? below(64) : (uint32_t)rnd(),
						    .flags = below(4) ? 0 : (uint32_t)rnd() };

			vmfd = ioctl(dev, DENALI_IOC_VM_OPEN, &o);
			calls++;
			if (vmfd >= 0)
				(*ok)++;
			continue;
		}
		fd = vmfd >= 0 && below(2) ? vmfd : dev;
		if (fd == vmfd && !below(4)) {
			off_t off = below(2) ? (off_t)edge(8) & 0x7fffffffffffffffLL : 0x100000 + below(1 << 22);
			size_t len = below(2) ? below(sizeof(buf)) : (size_t)edge(4) & 0xffff;

			if (len > sizeof(buf))
				len = sizeof(buf);
			r = below(2) ? pread(fd, buf, len, off) : pwrite(fd, buf, len, off);
		} else {
			/* The family's magic mostly, with any direction, size and number. */
			cmd = below(4) ? _IOC(below(4), DENALI_IOC_MAGIC, below(0x30), below(64)) : (unsigned long)rnd();
			if (!below(3))
				cmd = below(2) ? DENALI_VM_IOC_DISK_DETACH : DENALI_IOC_API_VERSION;
			/* A new console or disk descriptor would pile up: close what comes back. */
			r = ioctl(fd, cmd, arg);
			if (r > 2 && r != dev && r != vmfd &&
			    (cmd == DENALI_VM_IOC_CONSOLE || cmd == DENALI_IOC_VM_OPEN))
				close(r);
		}
		calls++;
		if (r >= 0)
			(*ok)++;
		if (vmfd >= 0 && !below(32)) {
			close(vmfd);
			vmfd = -1;
		}
	}
	if (vmfd >= 0)
		close(vmfd);
	close(dev);
	return calls;
}

int main(int argc, char **argv)
{
	unsigned long n = 100000, nio = 10000, calls, ok = 0;
	uint64_t seed = 1, t0;
	int opt, lost;

	while ((opt = getopt(argc, argv, "s:n:i:l:v")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': n = strtoul(optarg, NULL, 0); break;
		case 'i': nio = strtoul(optarg, NULL, 0); break;
		case 'l': life_pct = strtoul(optarg, NULL, 0); break;
		case 'v': verbose = 1; break;
		default:
			fprintf(stderr, "usage: ctlfuzz [-s SEED] [-n MESSAGES] [-i IOCTLS] [-l PERCENT] [-v]\n");
			return 2;
		}
	}
	rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	lost = fuzz_netlink(n);
	t0 = now_us();
	calls = fuzz_ioctls(nio, &ok);
	print_times(now_us() - t0);
	printf("ctlfuzz: seed %llu messages %lu answered %lu acked %lu errors %lu dumps %lu interrupted %lu ioctls %lu (ok %lu) batches %lu\n",
	       (unsigned long long)seed, n, answered, acked, errors, dumps, interrupted, calls, ok,
	       batches);
	return lost ? 1 : 0;
}
