/* denalictl console: a VM's console output on stdout and its stdin to the VM's keyboard. */
#define _GNU_SOURCE /* ppoll() */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <linux/denali.h>

#include "dev.h"
#include "nl.h"
#include "subcommands.h"
#include "util.h"
#include "vm.h"

#define CONSOLE_USAGE "console NAME [-f] [--no-input]"

static const struct option console_options[] = {
	{ "follow", no_argument, NULL, 'f' },
	{ "no-input", no_argument, NULL, 'I' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Input on its way to the VM: what was read from in_fd and not yet taken. */
struct input {
	int fd; /* -1 once forwarding ended (end of file, the VM ended, an error) */
	bool ready; /* poll says fd can be read without blocking */
	size_t off, len;
	char buf[DENALI_CONSOLE_IN_RING];
};

/* What one read of the console gave. */
enum output {
	OUT_DATA, /* output, copied to stdout; there may be more */
	OUT_NONE, /* nothing now */
	OUT_END, /* end of file: the VM ended and its output is drained */
	OUT_ERROR, /* an error, reported */
};

/* All of buf to stdout. Returns 0, or -1 with errno set. */
static int write_all(const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

/*
 * One read of the console, to stdout. Errors are reported, except a
 * closed stdout: whoever closed it knows.
 */
static enum output output_step(int fd, const char *name)
{
	char buf[8192];
	ssize_t n;

	n = read(fd, buf, sizeof(buf));
	if (n > 0) {
		if (write_all(buf, n)) {
			if (errno != EPIPE)
				err_msg("stdout", "%s", strerror(errno));
			return OUT_ERROR;
		}
		return OUT_DATA;
	}
	if (n == 0)
		return OUT_END;
	if (errno == EINTR || errno == EAGAIN)
		return OUT_NONE;
	err_msg(name, "console: %s", strerror(errno));
	return OUT_ERROR;
}

/*
 * Move input along: read in->fd when it is ready and nothing is pending,
 * then give the console what it takes. A full input queue (EAGAIN) keeps
 * the rest pending; the VM's end (EPIPE) ends forwarding, and sets *lost
 * since what was pending is lost; an error ends forwarding, reported, and
 * the output goes on.
 */
static void input_step(struct input *in, int con_fd, const char *name, bool *lost)
{
	ssize_t n;

	if (in->fd < 0)
		return;
	if (!in->len && in->ready) {
		in->ready = false;
		n = read(in->fd, in->buf, sizeof(in->buf));
		if (n == 0) {
			in->fd = -1; /* end of input: the VM gets no more */
			return;
		}
		if (n < 0) {
			if (errno != EINTR && errno != EAGAIN) {
				err_msg("stdin", "%s", strerror(errno));
				in->fd = -1;
			}
			return;
		}
		in->off = 0;
		in->len = n;
	}
	while (in->len) {
		n = write(con_fd, in->buf + in->off, in->len);
		if (n > 0) {
			in->off += n;
			in->len -= n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || errno == EAGAIN)
			return; /* the queue is full: wait for POLLOUT */
		if (errno == EPIPE)
			*lost = true;
		else
			err_msg(name, "console input: %s", strerror(errno));
		in->fd = -1;
		in->len = 0;
		return;
	}
}

/*
 * The console ended (the VM no longer runs): input still waiting, or
 * waiting in in->fd right now, cannot be delivered. Try, so that the
 * kernel says so (EPIPE). A pipe's writer may not have written yet
 * ("echo x | denalictl console vm" on a VM that has ended): give it
 * INPUT_LAST_MS to write or close, no more.
 */
#define INPUT_LAST_MS 1000

static void input_last(struct input *in, int con_fd, const char *name, bool *lost)
{
	struct pollfd pfd = { .fd = in->fd, .events = POLLIN };

	if (in->fd < 0)
		return;
	if (!in->len)
		in->ready = poll(&pfd, 1, INPUT_LAST_MS) > 0;
	input_step(in, con_fd, name, lost);
}

/*
 * Copy the console descriptor p->fd (non-blocking) to stdout: what it
 * holds now, or with p->follow until end of file (the VM no longer runs
 * and its output is drained). Meanwhile p->in_fd (if not -1) is copied to
 * the console, the VM's keyboard, until its end of file; without follow
 * the copy then ends with the output there is. Output never waits for
 * input: a full input queue holds the input back, not the output. While
 * waiting, p->waitmask (if not NULL) is the signal mask, and a signal
 * that sets *p->stop ends the copy. Returns 0 at the end, 1 when stopped,
 * -1 after printing an error about name; p->input_lost says that the VM
 * ended before it took all of the input, which is also reported.
 */
int console_pump(struct console_pump *p, const char *name)
{
	struct input in = { .fd = p->in_fd };
	const struct timespec now = { 0, 0 };
	struct pollfd pfd[2];
	enum output out;

	p->input_lost = false;
	for (;;) {
		if (p->stop && *p->stop)
			return 1;
		out = output_step(p->fd, name);
		if (out == OUT_ERROR)
			return -1;
		if (out == OUT_END) {
			input_last(&in, p->fd, name, &p->input_lost);
			break;
		}
		input_step(&in, p->fd, name, &p->input_lost);
		if (out == OUT_NONE && !p->follow && in.fd < 0)
			break;

		pfd[0].fd = p->fd;
		pfd[0].events = POLLIN | (in.len ? POLLOUT : 0);
		pfd[1].fd = in.fd >= 0 && !in.len ? in.fd : -1;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		/*
		 * With output just copied there may be more: only look at the
		 * input, then read again. ppoll() takes waitmask atomically:
		 * no signal slips in unseen.
		 */
		if (ppoll(pfd, 2, out == OUT_DATA ? &now : NULL, p->waitmask) < 0) {
			if (errno != EINTR) {
				err_msg(name, "console: %s", strerror(errno));
				return -1;
			}
			continue;
		}
		/* POLLHUP and POLLERR too: the read says what they mean. */
		if (pfd[1].fd >= 0 && pfd[1].revents)
			in.ready = true;
	}
	if (p->input_lost)
		err_msg(name, "console input not delivered: the VM has ended");
	return 0;
}

/*
 * Whether to forward stdin to the VM: a pipe or a file always (input
 * prepared for the guest; /dev/null ends at once), a terminal only when
 * following and in the terminal's foreground process group (without
 * follow there is nothing to wait for, and a background reader would be
 * stopped by SIGTTIN). Returns STDIN_FILENO or -1.
 */
int console_input_fd(bool follow)
{
	if (fcntl(STDIN_FILENO, F_GETFL) < 0)
		return -1; /* closed */
	if (!isatty(STDIN_FILENO))
		return STDIN_FILENO;
	if (follow && tcgetpgrp(STDIN_FILENO) == getpgrp())
		return STDIN_FILENO;
	return -1;
}

int console_main(int argc, char **argv)
{
	struct console_pump p = { .fd = -1, .in_fd = -1 };
	bool no_input = false;
	struct vm_info vm;
	const char *name;
	struct dnl nl;
	int c, ret, dev_fd, vm_fd, status = EXIT_ERR;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":fh", console_options, NULL)) != -1) {
		switch (c) {
		case 'f':
			p.follow = true;
			break;
		case 'I':
			no_input = true;
			break;
		case 'h':
			printf("Usage: " PROG_NAME " %s\n", CONSOLE_USAGE);
			printf("Prints the VM's console output and forwards stdin to the VM as its keyboard.\n"
			       "  -f, --follow    go on until the VM ends (else: the output there is now)\n"
			       "      --no-input  do not read stdin\n"
			       "A pipe or file is forwarded to its end (without -f, console then prints\n"
			       "the output there is and exits); a terminal only with -f, in the\n"
			       "foreground, a line at a time. Exit status 1 if the VM ended before it\n"
			       "took all of the input.\n");
			return EXIT_OK;
		default:
			return usage_err(CONSOLE_USAGE, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_err(CONSOLE_USAGE, "missing NAME");
	if (optind + 1 < argc)
		return usage_err(CONSOLE_USAGE, "unexpected argument '%s'", argv[optind + 1]);
	name = argv[optind];

	if (dnl_open(&nl))
		return EXIT_ERR;
	ret = vm_get(&nl, name, false, 0, &vm);
	if (ret)
		dnl_perror(&nl, name, ret);
	dnl_close(&nl);
	vm_info_free(&vm); /* only its id is needed */
	if (ret)
		return EXIT_ERR;
	if (!vm.has_id) {
		err_msg(name, "no VM id in the kernel's reply");
		return EXIT_ERR;
	}

	dev_fd = dev_open();
	if (dev_fd < 0)
		return EXIT_ERR;
	vm_fd = dev_vm_open(dev_fd, name, vm.id);
	close(dev_fd);
	if (vm_fd < 0)
		return EXIT_ERR;
	p.fd = dev_console_open(vm_fd, name);
	if (p.fd >= 0) {
		p.in_fd = no_input ? -1 : console_input_fd(p.follow);
		/* A VM that ended refuses input with EPIPE; no signal should end us for it. */
		if (p.in_fd >= 0)
			signal(SIGPIPE, SIG_IGN);
		if (!console_pump(&p, name) && !p.input_lost)
			status = EXIT_OK;
		close(p.fd);
	}
	close(vm_fd);
	return status;
}
