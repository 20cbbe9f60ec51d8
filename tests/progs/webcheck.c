// SPDX-License-Identifier: GPL-2.0
/*
 * webcheck: asks every one of many web servers for one page, in parallel,
 * and says which did not answer with it.
 *
 *   webcheck [-c CONNS] [-t SECONDS] [-p PATH] [-b BODY] < ADDRESSES
 *
 * Reads one IPv4 address per line (port 80) from standard input, any
 * number of them. Keeps up to CONNS (64) requests in flight, one
 * connection each, "GET PATH" (/hello.txt), each given SECONDS (20) from
 * its connect to its last byte. A server answers when the response is
 * "HTTP/1.1 200", the connection closes or the Content-Length is reached,
 * and, with -b, the body is exactly BODY (a final newline of the body
 * aside, as the shell's $(...) drops it). One that does not is asked
 * once more, after all others. Prints a line per server that failed both
 * times ("webcheck: ADDRESS: WHY"), then
 *
 *   webcheck: hosts=N answered=A failed=F seconds=S
 *
 * and exits 0 only if every server answered.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 512
#define RESP_MAX 8192

struct host {
	struct in_addr addr;
	int tries;
	int ok;
	const char *why;
};

struct conn {
	int fd;
	int host;			/* -1: free */
	double start;
	size_t sent, have;
	char buf[RESP_MAX + 1];
};

static struct host *hosts;
static int nhosts;
static const char *path = "/hello.txt";
static const char *want_body;
static double timeout = 20;
static char request[512];
static size_t request_len;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void finish(struct conn *c, int ok, const char *why)
{
	struct host *h = &hosts[c->host];

	h->tries++;
	h->ok = ok;
	h->why = why;
	close(c->fd);
	c->fd = -1;
	c->host = -1;
}

/* Whether what came in is a whole, good response; sets *why when it is a bad one. */
static int judge(struct conn *c, int closed, const char **why)
{
	char *end, *cl;
	size_t hlen, body;

	c->buf[c->have] = 0;
	end = memmem(c->buf, c->have, "\r\n\r\n", 4);
	if (!end) {
		*why = closed ? "closed before the headers ended" : NULL;
		return closed ? -1 : 0;
	}
	if (strncmp(c->buf, "HTTP/1.1 200 ", 13)) {
		*why = "status is not HTTP/1.1 200";
		return -1;
	}
	hlen = end + 4 - c->buf;
	body = c->have - hlen;
	cl = strcasestr(c->buf, "\r\ncontent-length:");
	if (cl && cl < end) {
		size_t len = strtoul(cl + 17, NULL, 10);

		if (body < len) {
			*why = closed ? "closed in the body" : NULL;
			return closed ? -1 : 0;
		}
	} else if (!closed) {
		return 0;
	}
	if (body && end[4 + body - 1] == '\n')
		body--;
	if (body && end[4 + body - 1] == '\r')
		body--;
	if (want_body && (body != strlen(want_body) || memcmp(end + 4, want_body, body))) {
		*why = "not the expected body";
		return -1;
	}
	return 1;
}

static int next_host(int round)
{
	static int cursor[2];

	while (cursor[round] < nhosts) {
		int i = cursor[round]++;

		if (hosts[i].tries == round && !hosts[i].ok)
			return i;
	}
	return -1;
}

static void start(struct conn *c, int i)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(80) };

	c->host = i;
	c->sent = 0;
	c->have = 0;
	c->start = now();
	sa.sin_addr = hosts[i].addr;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		perror("webcheck: socket");
		exit(2);
	}
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) && errno != EINPROGRESS)
		finish(c, 0, strerror(errno));
}

/* One round: every host with @round tries and no success yet gets a try. */
static void run_round(struct conn *conns, int nconns, int round)
{
	static struct pollfd pfd[MAX_CONNS];
	int active, i, n;

	for (;;) {
		active = 0;
		for (i = 0; i < nconns; i++) {
			struct conn *c = &conns[i];

			if (c->host < 0) {
				int h = next_host(round);

				if (h >= 0)
					start(c, h);
			}
			if (c->host >= 0 && now() - c->start > timeout)
				finish(c, 0, "timed out");
			pfd[i].fd = c->host >= 0 ? c->fd : -1;
			pfd[i].events = c->sent < request_len ? POLLOUT : POLLIN;
			active += c->host >= 0;
		}
		if (!active)
			return;
		n = poll(pfd, nconns, 100);
		for (i = 0; i < nconns && n > 0; i++) {
			struct conn *c = &conns[i];
			const char *why = NULL;
			ssize_t r;
			int err = 0, res;
			socklen_t len = sizeof(err);

			if (!pfd[i].revents || c->host < 0)
				continue;
			if (c->sent < request_len) {
				getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
				if (err) {
					finish(c, 0, strerror(err));
					continue;
				}
				r = send(c->fd, request + c->sent, request_len - c->sent, MSG_NOSIGNAL);
				if (r < 0 && errno != EAGAIN)
					finish(c, 0, strerror(errno));
				else if (r > 0)
					c->sent += r;
				continue;
			}
			r = recv(c->fd, c->buf + c->have, RESP_MAX - c->have, 0);
			if (r < 0 && errno == EAGAIN)
				continue;
			if (r < 0) {
				finish(c, 0, strerror(errno));
				continue;
			}
			c->have += r;
			res = judge(c, r == 0 || c->have == RESP_MAX, &why);
			if (res)
				finish(c, res > 0, why);
		}
	}
}

int main(int argc, char **argv)
{
	static struct conn conns[MAX_CONNS];
	int nconns = 64, cap = 0, opt, i, failed = 0;
	char line[64];
	double t0;

	while ((opt = getopt(argc, argv, "c:t:p:b:")) != -1) {
		switch (opt) {
		case 'c': nconns = atoi(optarg); break;
		case 't': timeout = atof(optarg); break;
		case 'p': path = optarg; break;
		case 'b': want_body = optarg; break;
		default:
			fprintf(stderr, "usage: webcheck [-c CONNS] [-t SECONDS] [-p PATH] [-b BODY] < ADDRESSES\n");
			return 2;
		}
	}
	if (nconns < 1 || nconns > MAX_CONNS || timeout <= 0)
		return 2;
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, " \t\r\n")] = 0;
		if (!*line)
			continue;
		if (nhosts == cap) {
			cap = cap ? 2 * cap : 1024;
			hosts = realloc(hosts, cap * sizeof(*hosts));
			if (!hosts)
				return 2;
		}
		memset(&hosts[nhosts], 0, sizeof(*hosts));
		if (inet_pton(AF_INET, line, &hosts[nhosts].addr) != 1) {
			fprintf(stderr, "webcheck: bad address %s\n", line);
			return 2;
		}
		nhosts++;
	}
	request_len = snprintf(request, sizeof(request),
			       "GET %s HTTP/1.1\r\nHost: denali\r\nConnection: close\r\n\r\n", path);
	for (i = 0; i < nconns; i++)
		conns[i].host = -1;
	t0 = now();
	run_round(conns, nconns, 0);
	run_round(conns, nconns, 1);
	for (i = 0; i < nhosts; i++) {
		if (!hosts[i].ok) {
			failed++;
			printf("webcheck: %s: %s\n", inet_ntoa(hosts[i].addr), hosts[i].why ? hosts[i].why : "?");
		}
	}
	printf("webcheck: hosts=%d answered=%d failed=%d seconds=%.1f\n", nhosts, nhosts - failed, failed,
	       now() - t0);
	return failed || !nhosts ? 1 : 0;
}
