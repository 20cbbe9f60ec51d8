// SPDX-License-Identifier: GPL-2.0
/*
 * rawframe: sends malformed Ethernet frames out of an interface with a
 * packet socket, to show that nothing a wire can carry hurts the Denali
 * module or its guests.
 *
 *   rawframe IFNAME MODE COUNT [SEED]
 *
 * MODE:
 *   short    frames of 1 to 13 bytes (shorter than an Ethernet header)
 *   runt     14 to 59 bytes: a header for the guest's MAC and garbage
 *   random   random lengths up to the interface's MTU + 14, random bytes
 *   ipjunk   IPv4 frames to every address with random header fields and
 *            payload (bad lengths, options, fragments, protocols)
 *   big      frames of MTU + 14 bytes (the largest the interface sends)
 *
 * Destination MAC: broadcast, except in random mode. Prints how many
 * frames the kernel accepted; exits 0 if the socket worked at all.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static unsigned char frame[65536];

static void fill_random(unsigned char *p, size_t n)
{
	while (n--)
		*p++ = random();
}

int main(int argc, char **argv)
{
	struct sockaddr_ll sll = { 0 };
	unsigned long count, i, sent = 0;
	const char *mode;
	struct ifreq ifr;
	int fd, mtu;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: rawframe IFNAME short|runt|random|ipjunk|big COUNT [SEED]\n");
		return 2;
	}
	mode = argv[2];
	count = strtoul(argv[3], NULL, 10);
	srandom(argc > 4 ? strtoul(argv[4], NULL, 10) : 1);
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("rawframe: socket");
		return 1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[1]);
	if (ioctl(fd, SIOCGIFMTU, &ifr) < 0) {
		perror("rawframe: SIOCGIFMTU");
		return 1;
	}
	mtu = ifr.ifr_mtu;
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = if_nametoindex(argv[1]);
	sll.sll_halen = ETH_ALEN;
	for (i = 0; i < count; i++) {
		size_t len;

		if (!strcmp(mode, "short")) {
			len = 1 + i % 13;
			memset(frame, 0xff, len);
		} else if (!strcmp(mode, "runt")) {
			len = 14 + i % 46;
			memset(frame, 0xff, 6);
			fill_random(frame + 6, len - 6);
		} else if (!strcmp(mode, "random")) {
			len = 1 + random() % (mtu + 14);
			fill_random(frame, len);
		} else if (!strcmp(mode, "ipjunk")) {
			len = 14 + 20 + random() % (mtu - 20);
			memset(frame, 0xff, 6);
			fill_random(frame + 6, 6);
			frame[6] &= 0xfe;	/* a unicast source */
			frame[12] = 0x08;
			frame[13] = 0x00;
			fill_random(frame + 14, len - 14);
			frame[14] = 0x40 | (frame[14] & 0x0f);	/* version 4, any IHL */
		} else if (!strcmp(mode, "big")) {
			len = mtu + 14;
			memset(frame, 0xff, 6);
			fill_random(frame + 6, len - 6);
			frame[6] &= 0xfe;
		} else {
			fprintf(stderr, "rawframe: unknown mode %s\n", mode);
			return 2;
		}
		memcpy(sll.sll_addr, frame, ETH_ALEN);
		if (sendto(fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll)) == (ssize_t)len)
			sent++;
	}
	printf("rawframe: %s: %lu of %lu %s frames sent\n", argv[1], sent, count, mode);
	close(fd);
	return 0;
}
