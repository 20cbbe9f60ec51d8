/* diskattach: DENALI_VM_IOC_DISK_ATTACH/DETACH on a VM descriptor, for the tests. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/denali.h>

#include "failnth.h"

/*
 * diskattach ID attach FILE [ro] [rdonly] [append] [direct] [index=N] [flags=N] [reserved=N]
 *   opens FILE (read-write; read-only with ro or rdonly; O_APPEND, O_DIRECT
 *   if asked) and attaches it; ro sets DENALI_DISK_ATTACH_RO, flags=N sets
 *   the flags word outright. FILE "-pipe" is the read end of a pipe,
 *   "-fd=N" the raw descriptor number N (not opened).
 * diskattach ID detach N
 * Prints "attach: ok N" / "detach: ok" or "OP: ERRNO-NAME"; exit 0 on success.
 * diskattach --fail-nth N ID ...: the Nth allocation of the attach or
 * detach call fails; a failure prints "error OP: ERRNO-NAME", then
 * "fail-nth: injected" or "fail-nth: not reached" (failnth.h).
 */
static const char *errname(int e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case ENODEV: return "ENODEV";
	case EBADF: return "EBADF";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENOSPC: return "ENOSPC";
	case EFAULT: return "EFAULT";
	case ENOTTY: return "ENOTTY";
	default: return strerror(e);
	}
}

static int fail_n;

/* The result of the call under test (ret < 0: failed with err). */
static int result(const char *op, int ret, int err)
{
	if (ret < 0)
		printf("%s%s: %s\n", fail_n > 0 ? "error " : "", op, errname(err));
	else if (!strcmp(op, "attach"))
		printf("attach: ok %d\n", ret);
	else
		printf("%s: ok\n", op);
	if (fail_n > 0)
		failnth_report();
	return ret < 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: diskattach [--fail-nth N] ID attach FILE [ro] [rdonly] [append] [direct] "
			"[index=N] [flags=N] [reserved=N]\n"
			"       diskattach [--fail-nth N] ID detach N\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct denali_vm_open req = { 0 };
	struct denali_disk_attach a = { .index = DENALI_DISK_ANY };
	int dev, vmfd, i, ret, oflags = O_RDWR;

	if (argc > 2 && !strcmp(argv[1], "--fail-nth")) {
		fail_n = atoi(argv[2]);
		failnth_prepare();
		argv += 2;
		argc -= 2;
	}
	if (argc < 4)
		return usage();
	dev = open("/dev/denali", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		printf("open /dev/denali: %s\n", errname(errno));
		return 1;
	}
	req.id = strtoul(argv[1], NULL, 0);
	vmfd = ioctl(dev, DENALI_IOC_VM_OPEN, &req);
	if (vmfd < 0) {
		printf("open: %s\n", errname(errno));
		return 1;
	}
	if (!strcmp(argv[2], "detach")) {
		unsigned long n = strtoul(argv[3], NULL, 0);

		if (fail_n > 0)
			failnth_arm(fail_n);
		ret = ioctl(vmfd, DENALI_VM_IOC_DISK_DETACH, n);
		return result("detach", ret, errno);
	}
	if (strcmp(argv[2], "attach"))
		return usage();
	for (i = 4; i < argc; i++) {
		if (!strcmp(argv[i], "ro")) {
			a.flags |= DENALI_DISK_ATTACH_RO;
			oflags = (oflags & ~O_ACCMODE) | O_RDONLY;
		} else if (!strcmp(argv[i], "rdonly")) {
			oflags = (oflags & ~O_ACCMODE) | O_RDONLY;
		} else if (!strcmp(argv[i], "append")) {
			oflags |= O_APPEND;
		} else if (!strcmp(argv[i], "direct")) {
			oflags |= O_DIRECT;
		} else if (!strncmp(argv[i], "index=", 6)) {
			a.index = strtoul(argv[i] + 6, NULL, 0);
		} else if (!strncmp(argv[i], "flags=", 6)) {
			a.flags = strtoul(argv[i] + 6, NULL, 0);
		} else if (!strncmp(argv[i], "reserved=", 9)) {
			a.reserved = strtoul(argv[i] + 9, NULL, 0);
		} else {
			return usage();
		}
	}
	if (!strcmp(argv[3], "-pipe")) {
		int p[2];

		if (pipe(p))
			return 1;
		a.fd = p[0];
	} else if (!strncmp(argv[3], "-fd=", 4)) {
		a.fd = atoi(argv[3] + 4);
	} else {
		a.fd = open(argv[3], oflags | O_CLOEXEC);
		if (a.fd < 0) {
			printf("open %s: %s\n", argv[3], errname(errno));
			return 1;
		}
	}
	if (fail_n > 0)
		failnth_arm(fail_n);
	ret = ioctl(vmfd, DENALI_VM_IOC_DISK_ATTACH, &a);
	return result("attach", ret, errno);
}
