// SPDX-License-Identifier: GPL-2.0
/*
 * httpload: a small HTTP/1.1 load generator for the Denali web servers.
 *
 *   httpload [-c CONNS] [-n REQUESTS] [-t SECONDS] [-r PER-CONN] [-z S]
 *            [-p PATH] [-q] HOST[:PORT]...
 *
 * Keeps CONNS keep-alive connections open and sends GET PATH on each, one
 * request at a time per connection, until REQUESTS responses came back or
 * SECONDS passed. With -r, a connection is closed after PER-CONN responses
 * and a new one opened. The host of each new connection is chosen
 * uniformly, or with -z S from a Zipf distribution of exponent S (host i
 * with weight 1/(i+1)^S, in the order given); so with -r the requests
 * follow that distribution. Every response must
 * be "HTTP/1.1 200" with a Content-Length and exactly that many body
 * bytes; anything else is an error. Prints one line:
 *
 *   httpload: requests=N errors=E seconds=S rps=R conns=C hosts=H per-host=a,b,...
 *
 * and exits 0 only if there was no error and at least one response. With
 * -n, it also fails if fewer than REQUESTS responses arrived. SIGTERM or
 * SIGINT ends the run early, with the same line.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_HOSTS 1024
#define MAX_CONNS 1024
#define BUF_SIZE 65536

struct host {
	struct sockaddr_in addr;
	unsigned long done;
};

struct conn {
	int fd;
	int host;
	int connecting;
	size_t sent;
	unsigned long served;	/* responses on this connection */
	size_t have;		/* bytes in buf */
	long body_left;		/* -1: still reading the header */
	char buf[BUF_SIZE];
};

static struct host hosts[MAX_HOSTS];
static int nhosts;
static double *zipf_cdf;
static const char *path = "/";
static char request[1024];
static size_t request_len;
static unsigned long responses, errors, started, issued;
static int quiet;
static unsigned long per_conn;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void error(struct conn *c, const char *what)
{
	errors++;
	if (!quiet && errors <= 10)
		fprintf(stderr, "httpload: %s:%u: %s\n", inet_ntoa(hosts[c->host].addr.sin_addr),
			ntohs(hosts[c->host].addr.sin_port), what);
}

static int pick_host(void)
{
	double r = (double)random() / RAND_MAX;
	int lo = 0, hi = nhosts - 1;

	if (!zipf_cdf)
		return random() % nhosts;
	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (zipf_cdf[mid] < r)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int conn_open(struct conn *c)
{
	int one = 1;

	c->host = pick_host();
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		perror("httpload: socket");
		return -1;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->connecting = 1;
	c->sent = 0;
	c->have = 0;
	c->body_left = -1;
	c->served = 0;
	if (connect(c->fd, (struct sockaddr *)&hosts[c->host].addr, sizeof(hosts[c->host].addr)) &&
	    errno != EINPROGRESS) {
		error(c, strerror(errno));
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	started++;
	return 0;
}

static void conn_close(struct conn *c)
{
	/* A request that got no answer is asked again, on another connection. */
	if (c->sent)
		issued--;
	c->sent = 0;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* Parse what came in; returns 1 when a whole response is there, -1 on error. */
static int conn_parse(struct conn *c)
{
	char *end, *cl;
	size_t hlen;

	if (c->body_left < 0) {
		c->buf[c->have] = 0;
		end = memmem(c->buf, c->have, "\r\n\r\n", 4);
		if (!end)
			return c->have >= BUF_SIZE - 1 ? -1 : 0;
		hlen = end + 4 - c->buf;
		*end = 0;
		if (strncmp(c->buf, "HTTP/1.1 200 ", 13)) {
			error(c, "status is not HTTP/1.1 200");
			return -1;
		}
		cl = strcasestr(c->buf, "\r\ncontent-length:");
		if (!cl) {
			error(c, "no Content-Length");
			return -1;
		}
		c->body_left = strtol(cl + 17, NULL, 10);
		memmove(c->buf, c->buf + hlen, c->have - hlen);
		c->have -= hlen;
	}
	if ((long)c->have > c->body_left) {
		error(c, "more bytes than Content-Length");
		return -1;
	}
	if ((long)c->have < c->body_left) {
		c->body_left -= c->have;
		c->have = 0;
		return 0;
	}
	c->have = 0;
	c->body_left = -1;
	return 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: httpload [-c CONNS] [-n REQUESTS] [-t SECONDS] [-r PER-CONN] [-z S] [-p PATH] [-q] HOST[:PORT]...\n");
	exit(2);
}

static volatile sig_atomic_t stop_now;

static void on_stop(int sig)
{
	(void)sig;
	stop_now = 1;
}

int main(int argc, char **argv)
{
	static struct conn conns[MAX_CONNS];
	static struct pollfd pfd[MAX_CONNS];
	unsigned long want = 0;
	double secs = 0, zipf = 0, t0, t;
	int nconns = 1, opt, i;

	while ((opt = getopt(argc, argv, "c:n:t:r:z:p:q")) != -1) {
		switch (opt) {
		case 'c': nconns = atoi(optarg); break;
		case 'n': want = strtoul(optarg, NULL, 10); break;
		case 't': secs = atof(optarg); break;
		case 'r': per_conn = strtoul(optarg, NULL, 10); break;
		case 'z': zipf = atof(optarg); break;
		case 'p': path = optarg; break;
		case 'q': quiet = 1; break;
		default: usage();
		}
	}
	if (optind >= argc || nconns < 1 || nconns > MAX_CONNS || (!want && secs <= 0))
		usage();
	for (i = optind; i < argc && nhosts < MAX_HOSTS; i++) {
		char *colon = strchr(argv[i], ':');
		struct host *h = &hosts[nhosts++];

		h->addr.sin_family = AF_INET;
		h->addr.sin_port = htons(colon ? atoi(colon + 1) : 80);
		if (colon)
			*colon = 0;
		if (inet_pton(AF_INET, argv[i], &h->addr.sin_addr) != 1) {
			fprintf(stderr, "httpload: bad address %s\n", argv[i]);
			return 2;
		}
	}
	if (zipf > 0) {
		double sum = 0;

		zipf_cdf = calloc(nhosts, sizeof(*zipf_cdf));
		for (i = 0; i < nhosts; i++)
			sum += 1.0 / pow(i + 1, zipf);
		for (i = 0; i < nhosts; i++)
			zipf_cdf[i] = (i ? zipf_cdf[i - 1] : 0) + 1.0 / pow(i + 1, zipf) / sum;
		zipf_cdf[nhosts - 1] = 1.0;
	}
	srandom(getpid());
	request_len = snprintf(request, sizeof(request),
			       "GET %s HTTP/1.1\r\nHost: denali\r\nUser-Agent: httpload\r\n\r\n", path);

	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	for (i = 0; i < nconns; i++)
		conn_open(&conns[i]);
	t0 = now();
	for (;;) {
		int n;

		t = now() - t0;
		if ((want && responses >= want) || (secs > 0 && t >= secs) || stop_now)
			break;
		for (i = 0; i < nconns; i++) {
			struct conn *c = &conns[i];

			if (c->fd < 0 && conn_open(c)) {
				pfd[i].fd = -1;
				/* Nobody answers: give up rather than spin. */
				if (errors > 1000 + want)
					goto out;
				continue;
			}
			pfd[i].fd = c->fd;
			/* With -n, no more requests than asked for: idle until the end. */
			if (!c->connecting && !c->sent && c->body_left < 0 && !c->have &&
			    want && issued >= want) {
				pfd[i].fd = -1;
				continue;
			}
			pfd[i].events = (c->connecting || c->sent < request_len) ? POLLOUT : POLLIN;
		}
		n = poll(pfd, nconns, 200);
		if (n < 0 && errno != EINTR) {
			perror("httpload: poll");
			return 1;
		}
		for (i = 0; i < nconns && n > 0; i++) {
			struct conn *c = &conns[i];
			ssize_t r;

			if (!pfd[i].revents || c->fd < 0)
				continue;
			if (c->connecting) {
				int err = 0;
				socklen_t len = sizeof(err);

				getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
				if (err) {
					error(c, strerror(err));
					conn_close(c);
					continue;
				}
				c->connecting = 0;
			}
			if (c->sent < request_len) {
				if (!c->sent) {
					if (want && issued >= want)
						continue;
					issued++;
				}
				r = send(c->fd, request + c->sent, request_len - c->sent, MSG_NOSIGNAL);
				if (r < 0 && errno != EAGAIN) {
					error(c, strerror(errno));
					conn_close(c);
				} else if (r > 0) {
					c->sent += r;
				}
				continue;
			}
			r = recv(c->fd, c->buf + c->have, BUF_SIZE - 1 - c->have, 0);
			if (r == 0 || (r < 0 && errno != EAGAIN)) {
				error(c, r ? strerror(errno) : "connection closed mid-response");
				conn_close(c);
				continue;
			}
			if (r < 0)
				continue;
			c->have += r;
			switch (conn_parse(c)) {
			case 1:
				responses++;
				hosts[c->host].done++;
				c->sent = 0;
				if (per_conn && ++c->served >= per_conn)
					conn_close(c);
				break;
			case -1:
				conn_close(c);
				break;
			}
		}
	}
out:
	t = now() - t0;
	printf("httpload: requests=%lu errors=%lu seconds=%.3f rps=%.1f conns=%d hosts=%d per-host=",
	       responses, errors, t, t > 0 ? responses / t : 0.0, nconns, nhosts);
	for (i = 0; i < nhosts; i++)
		printf("%s%lu", i ? "," : "", hosts[i].done);
	printf("\n");
	return errors || !responses || (want && responses < want) ? 1 : 0;
}
