/* denalictl console: a VM's console output on stdout, as buffered now or until the VM ends. */
#define _GNU_SOURCE /* ppoll() */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <linux/denali.h>

#include "dev.h"
#include "nl.h"
#include "subcommands.h"
#include "util.h"
#include "vm.h"

#define CONSOLE_USAGE "console NAME [-f]"

static const struct option console_options[] = {
	{ "follow", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
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
 * Copy the console descriptor fd (non-blocking) to stdout: what it holds
 * now, or with follow until end of file (the VM no longer runs and its
 * output is drained). While waiting, waitmask (if not NULL) is the signal
 * mask, and a signal that sets *stop ends the copy. Returns 0 at the end,
 * 1 when stopped, -1 after printing an error about name (none for a
 * closed stdout: whoever closed it knows).
 */
int console_pump(int fd, const char *name, bool follow, const sigset_t *waitmask,
		 volatile sig_atomic_t *stop)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[8192];
	ssize_t n;

	for (;;) {
		if (stop && *stop)
			return 1;
		n = read(fd, buf, sizeof(buf));
		if (n > 0) {
			if (write_all(buf, n)) {
				if (errno != EPIPE)
					err_msg("stdout", "%s", strerror(errno));
				return -1;
			}
			continue;
		}
		if (n == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN) {
			err_msg(name, "console: %s", strerror(errno));
			return -1;
		}
		if (!follow)
			return 0;
		/* ppoll() takes waitmask atomically: no signal slips in unseen. */
		if (ppoll(&pfd, 1, NULL, waitmask) < 0 && errno != EINTR) {
			err_msg(name, "console: %s", strerror(errno));
			return -1;
		}
	}
}

int console_main(int argc, char **argv)
{
	struct vm_info vm;
	bool follow = false;
	const char *name;
	struct dnl nl;
	int c, ret, dev_fd, vm_fd, con_fd, status = EXIT_ERR;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":fh", console_options, NULL)) != -1) {
		switch (c) {
		case 'f':
			follow = true;
			break;
		case 'h':
			printf("Usage: " PROG_NAME " %s\n", CONSOLE_USAGE);
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
	con_fd = dev_console_open(vm_fd, name);
	if (con_fd >= 0) {
		if (!console_pump(con_fd, name, follow, NULL, NULL))
			status = EXIT_OK;
		close(con_fd);
	}
	close(vm_fd);
	return status;
}
