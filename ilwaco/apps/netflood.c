/* netflood: sends Ethernet frames as fast as NET_SEND takes them, for a while; shows a flood starves nobody. */
#include <ilwaco.h>

/*
 * Command line:
 *   seconds=S      how long at most (5)
 *   frames=N       stop after N frames (0: no limit)
 *   nic=N          the NIC (0)
 *   size=B         frame length, header included (the largest the MTU allows)
 *   dst=MAC        destination, aa:bb:cc:dd:ee:ff (ff:ff:ff:ff:ff:ff, broadcast)
 * The frames carry EtherType 0x88b5 (IEEE's local experimental one) and a
 * counter. No network stack: one NET_SEND per frame, nothing else. Prints
 * "netflood: sent N frames, B bytes, E errors in S ms" and ends with 0
 * (1 if no frame went out).
 */

#define ETHERTYPE_EXPERIMENTAL 0x88b5

static uint8_t frame[DENALI_ETH_HLEN + 9000] __attribute__((aligned(64)));

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "aa:bb:cc:dd:ee:ff" into @mac; 0 or DN_EINVAL. */
static int parse_mac(const char *s, uint8_t mac[6])
{
	int i, hi, lo;

	for (i = 0; i < 6; i++) {
		hi = hex(s[0]);
		lo = hi < 0 ? -1 : hex(s[1]);
		if (lo < 0 || s[2] != (i < 5 ? ':' : '\0'))
			return DN_EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 3;
	}
	return 0;
}

int main(void)
{
	long seconds = dn_cmdline_int("seconds", 5), nic = dn_cmdline_int("nic", 0), size;
	long frames = dn_cmdline_int("frames", 0);
	uint64_t start, end, now, sent = 0, bytes = 0, errors = 0;
	unsigned int mtu;
	long ret, last_err = 0;
	char dst[24];
	int i;

	mtu = nic >= 0 && nic < DN_NIC_MAX ? dn_nic_mtu((unsigned int)nic) : 0;
	if (!mtu) {
		printf("netflood: no nic%ld\n", nic);
		return 2;
	}
	size = dn_cmdline_int("size", DENALI_ETH_HLEN + (mtu < 9000 ? mtu : 9000));
	if (seconds <= 0 || frames < 0 || size < DENALI_ETH_HLEN + 4 || size > (long)sizeof(frame)) {
		printf("netflood: bad seconds=%ld, frames=%ld or size=%ld\n", seconds, frames, size);
		return 2;
	}
	memset(frame, 0xff, 6);
	if (dn_cmdline_str("dst", dst, sizeof(dst)) >= 0 && parse_mac(dst, frame)) {
		printf("netflood: bad dst=%s\n", dst);
		return 2;
	}
	dn_nic_mac((unsigned int)nic, frame + 6);
	frame[12] = ETHERTYPE_EXPERIMENTAL >> 8;
	frame[13] = ETHERTYPE_EXPERIMENTAL & 0xff;
	for (i = 18; i < size; i++)
		frame[i] = (uint8_t)i;

	printf("netflood: %ld-byte frames on nic%ld for %ld s\n", size, nic, seconds);
	start = dn_now_ns();
	end = start + (uint64_t)seconds * DN_NSEC_PER_SEC;
	do {
		memcpy(frame + 14, &sent, 4);
		ret = dn_net_send((unsigned int)nic, frame, (size_t)size);
		if (ret < 0) {
			errors++;
			last_err = ret;
		} else {
			sent++;
			bytes += (uint64_t)size;
		}
		now = dn_now_ns();
	} while (now < end && (!frames || sent + errors < (uint64_t)frames));
	printf("netflood: sent %lu frames, %lu bytes, %lu errors (last %ld) in %lu ms\n",
	       (unsigned long)sent, (unsigned long)bytes, (unsigned long)errors, last_err,
	       (unsigned long)((now - start) / DN_NSEC_PER_MSEC));
	return sent == 0;
}
