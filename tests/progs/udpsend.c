// SPDX-License-Identifier: GPL-2.0
/*
 * udpsend HOST PORT MESSAGE [SECONDS]: sends MESSAGE in one UDP datagram
 * and prints the first datagram that comes back (with a newline). Exits
 * 0 on a reply, 1 if none came within SECONDS (default 5), 2 on misuse.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = argc > 4 ? atoi(argv[4]) : 5 };
	char buf[65536];
	ssize_t n;
	int fd;

	if (argc < 4 || argc > 5 || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
		fprintf(stderr, "usage: udpsend HOST PORT MESSAGE [SECONDS]\n");
		return 2;
	}
	to.sin_port = htons(atoi(argv[2]));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		perror("udpsend: socket");
		return 1;
	}
	if (sendto(fd, argv[3], strlen(argv[3]), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		perror("udpsend: sendto");
		return 1;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0) {
		fprintf(stderr, "udpsend: no reply\n");
		return 1;
	}
	fwrite(buf, 1, n, stdout);
	putchar('\n');
	return 0;
}
