/* A host stand-in for Ilwaco under the network guests: runs them as Linux programs on a TAP device. */
/*
 * make -C ilwaco hostnet builds $(O)/host/{httpd,udpecho,netclient}:
 * the same application, net/ and lwIP sources, linked with this file
 * instead of the library. NET_SEND and NET_RECV become write() and
 * read() on a TAP device, the NIC's interrupt a poll() on it, the
 * command line the environment. For trying the network code without
 * the module (as root):
 *
 *   ip tuntap add dev dntap0 mode tap
 *   ip addr add 10.0.0.1/24 dev dntap0 && ip link set dntap0 up
 *   DN_TAP=dntap0 DN_CMDLINE="ip=10.0.0.2/24" build/ilwaco/host/httpd &
 *   curl http://10.0.0.2/
 *
 * Only one thread runs (dn_thread_create() starts nothing), so the
 * console commands are not there; end the program with a signal.
 *
 * Disk 0 is the file DN_DISK0 names (read-only, its size rounded down
 * to whole blocks), for httpd disk=0: requests complete at once, their
 * completion callback called before dn_disk_submit() returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <ilwaco.h>

static int tap = -1;
static int disk0 = -1;
static uint64_t disk0_blocks;
static uint8_t mac[6] = { 0x02, 0x00, 0x00, 0xde, 0x0a, 0x01 };
static dn_irq_handler_t nic_handler;
static void *nic_arg;

__attribute__((constructor)) static void open_tap(void)
{
	const char *name = getenv("DN_TAP");
	struct ifreq ifr;

	if (!name)
		return;
	tap = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (tap < 0 || ioctl(tap, TUNSETIFF, &ifr) < 0) {
		perror("hostnet: TAP");
		exit(1);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
}

__attribute__((constructor)) static void open_disk(void)
{
	const char *name = getenv("DN_DISK0");
	off_t size;

	if (!name)
		return;
	disk0 = open(name, O_RDONLY);
	size = disk0 < 0 ? -1 : lseek(disk0, 0, SEEK_END);
	if (size < 0) {
		perror("hostnet: DN_DISK0");
		exit(1);
	}
	disk0_blocks = (uint64_t)size / DN_DISK_BLOCK;
}

uint64_t dn_disk_blocks(unsigned int disk)
{
	return disk == 0 ? disk0_blocks : 0;
}

int dn_disk_readonly(unsigned int disk)
{
	return dn_disk_blocks(disk) ? 1 : DN_ENODEV;
}

static int disk_io(int op, unsigned int disk, uint64_t block, void *buf)
{
	if (!dn_disk_blocks(disk))
		return DN_ENODEV;
	if (op == DN_DISK_OP_FLUSH)
		return 0;
	if (op == DN_DISK_OP_WRITE)
		return DN_EROFS;
	if (block >= disk0_blocks)
		return DN_EINVAL;
	if (pread(disk0, buf, DN_DISK_BLOCK, (off_t)(block * DN_DISK_BLOCK)) != DN_DISK_BLOCK)
		return DN_EIO;
	return 0;
}

int dn_disk_read(unsigned int disk, uint64_t block, void *buf)
{
	return disk_io(DN_DISK_OP_READ, disk, block, buf);
}

int dn_disk_submit(struct dn_disk_io *io, int op, unsigned int disk, uint64_t block, void *buf)
{
	if (!dn_disk_blocks(disk))
		return DN_ENODEV;
	io->status = disk_io(op, disk, block, buf);
	io->complete = 1;
	if (io->done)
		io->done(io);
	return 0;
}

uint64_t dn_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * DN_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static const char *lookup(const char *key, size_t *len)
{
	const char *p = getenv("DN_CMDLINE"), *word, *found = NULL;
	size_t klen = strlen(key);

	while (p && *p) {
		while (*p == ' ')
			p++;
		word = p;
		while (*p && *p != ' ')
			p++;
		if ((size_t)(p - word) > klen && !memcmp(word, key, klen) && word[klen] == '=') {
			found = word + klen + 1;
			*len = p - found;
		}
	}
	return found;
}

long dn_cmdline_int(const char *key, long dflt)
{
	char buf[32], *end;
	size_t len;
	const char *v = lookup(key, &len);
	long r;

	if (!v || !len || len >= sizeof(buf))
		return dflt;
	memcpy(buf, v, len);
	buf[len] = '\0';
	r = strtol(buf, &end, 0);
	return *end ? dflt : r;
}

int dn_cmdline_str(const char *key, char *buf, size_t size)
{
	size_t len, n;
	const char *v = lookup(key, &len);

	if (!v)
		return DN_ENOENT;
	n = len < size - 1 ? len : size - 1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return (int)len;
}

/* A Linux process has no virtual MMU of Denali's to switch on (httpd's vmmu=1). */
int dn_vm_enable(void)
{
	return DN_ENODEV;
}

unsigned int dn_vm_pinned(void)
{
	return 0;
}

unsigned int dn_nic_mtu(unsigned int nic)
{
	return nic == 0 && tap >= 0 ? 1500 : 0;
}

int dn_nic_mac(unsigned int nic, uint8_t out[6])
{
	if (!dn_nic_mtu(nic))
		return DN_ENODEV;
	memcpy(out, mac, 6);
	return 0;
}

/* The module's checks, as denali_guest.h states them. */
long dn_net_send(unsigned int nic, const void *frame, size_t len)
{
	if (!dn_nic_mtu(nic))
		return DN_ENODEV;
	if (len < DENALI_ETH_HLEN || len > DENALI_ETH_HLEN + 1500)
		return DN_EINVAL;
	if (write(tap, frame, len) < 0 && errno != EAGAIN)
		perror("hostnet: write");
	return (long)len;
}

/* A TAP read cannot leave a frame queued: too small a buffer reads nothing (it never is here). */
long dn_net_recv(unsigned int nic, void *buf, size_t len)
{
	ssize_t n;

	if (!dn_nic_mtu(nic))
		return DN_ENODEV;
	if (len < DENALI_ETH_HLEN + 1500)
		return DN_EMSGSIZE;
	n = read(tap, buf, len);
	return n < 0 ? 0 : n;
}

int dn_irq_register(uint32_t mask, dn_irq_handler_t fn, void *arg)
{
	(void)mask;
	nic_handler = fn;
	nic_arg = arg;
	return 0;
}

void dn_mutex_lock(struct dn_mutex *m)
{
	(void)m;
}

void dn_mutex_unlock(struct dn_mutex *m)
{
	(void)m;
}

void dn_cond_signal(struct dn_cond *c)
{
	(void)c;
}

/* The idle loop: sleeps in poll() until a frame or the deadline; a frame is the NIC's interrupt. */
int dn_cond_wait_until(struct dn_cond *c, struct dn_mutex *m, uint64_t deadline_ns)
{
	struct pollfd pfd = { .fd = tap, .events = POLLIN };
	uint64_t now = dn_now_ns();
	int ms = -1;

	(void)c;
	(void)m;
	if (deadline_ns != DN_NO_DEADLINE)
		ms = deadline_ns <= now ? 0 : (int)((deadline_ns - now + 999999) / 1000000);
	if (poll(&pfd, 1, ms) > 0 && nic_handler)
		nic_handler(DENALI_IRQ_NIC(0), nic_arg);
	return 0;
}

void dn_yield(void)
{
}

int dn_thread_create(dn_thread_fn fn, void *arg)
{
	(void)fn;
	(void)arg;
	return DN_EAGAIN;
}

long dn_readline(char *buf, size_t size)
{
	(void)buf;
	(void)size;
	return -1;
}

void dn_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("ilwaco: panic: ", stdout);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	exit(DN_HALT_CRASH);
}
