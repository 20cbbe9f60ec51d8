/* vmfd: exercise a Denali VM descriptor (pread/pwrite bounds, lifetime) from tests. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/denali.h>

#include "failnth.h"

/*
 * vmfd ID OP... runs the OPs in order on one descriptor and prints one line
 * each ("OP: ok N" or "OP: ERRNO-NAME"); exit status 0 when all succeeded.
 *   pwrite GPA LEN      write LEN bytes of the pattern (gpa + i) * 7 + 1
 *   pread GPA LEN       read LEN bytes, check the pattern (or zeros: preadz)
 *   preadz GPA LEN      read LEN bytes, all must be zero
 *   sleep SEC           sleep
 *   waitfile PATH       wait until PATH exists (at most 60 s)
 *   console             DENALI_VM_IOC_CONSOLE, and the console closed again
 * vmfd ID open FLAGS    only the DENALI_IOC_VM_OPEN call, with FLAGS
 * vmfd version         DENALI_IOC_API_VERSION
 * vmfd --fail-nth N ID ...: the Nth allocation of the first call under test
 * (the open in "open", else the first OP's call) fails; a failed call
 * under test prints "error OP: ERRNO-NAME", then "fail-nth: injected" or
 * "fail-nth: not reached" (failnth.h).
 */
static const char *errname(int e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case ENODEV: return "ENODEV";
	case EFAULT: return "EFAULT";
	case ESPIPE: return "ESPIPE";
	case ENOTTY: return "ENOTTY";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	default: return strerror(e);
	}
}

static int fail_n;	/* --fail-nth, until the first call under test */

static void arm(void)
{
	if (fail_n > 0)
		failnth_arm(fail_n);
}

/*
 * After the call under test: its result line (err: an errno, -1 for a short
 * count v, 0 for success), then what became of the count.
 */
static void result(const char *fmt_ok, const char *what, long long v, int err)
{
	if (err < 0)	/* a short count: a clean refusal of the rest */
		printf("%s%s: short %lld\n", fail_n > 0 ? "error " : "", what, v);
	else if (err)
		printf("%s%s: %s\n", fail_n > 0 ? "error " : "", what, errname(err));
	else
		printf(fmt_ok, what, v);
	if (fail_n > 0)
		failnth_report();
	fail_n = 0;
}
static uint8_t pattern(uint64_t gpa)
{
	return (uint8_t)(gpa * 7 + 1);
}

int main(int argc, char **argv)
{
	struct denali_vm_open req = { 0 };
	int dev, fd, i, failed = 0;

	if (argc > 2 && !strcmp(argv[1], "--fail-nth")) {
		fail_n = atoi(argv[2]);
		failnth_prepare();
		argv += 2;
		argc -= 2;
	}
	if (argc < 2)
		goto usage;
	dev = open("/dev/denali", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		printf("open /dev/denali: %s\n", errname(errno));
		return 1;
	}
	if (!strcmp(argv[1], "version")) {
		printf("version %d\n", ioctl(dev, DENALI_IOC_API_VERSION));
		return 0;
	}
	if (argc < 3)
		goto usage;
	req.id = strtoul(argv[1], NULL, 0);
	if (!strcmp(argv[2], "open")) {
		req.flags = argc > 3 ? strtoul(argv[3], NULL, 0) : 0;
		arm();
		fd = ioctl(dev, DENALI_IOC_VM_OPEN, &req);
		result("%s: ok\n", "open", 0, fd < 0 ? errno : 0);
		return fd < 0;
	}
	fd = ioctl(dev, DENALI_IOC_VM_OPEN, &req);
	if (fd < 0) {
		printf("open: %s\n", errname(errno));
		return 1;
	}
	close(dev);
	for (i = 2; i < argc; i++) {
		const char *op = argv[i];

		if (!strcmp(op, "pwrite") || !strcmp(op, "pread") || !strcmp(op, "preadz")) {
			uint64_t gpa, len, j;
			uint8_t *buf;
			ssize_t n;

			if (i + 2 >= argc)
				goto usage;
			gpa = strtoull(argv[++i], NULL, 0);
			len = strtoull(argv[++i], NULL, 0);
			buf = calloc(1, len ? len : 1);
			if (!buf)
				return 1;
			if (op[1] == 'w') {
				for (j = 0; j < len; j++)
					buf[j] = pattern(gpa + j);
				arm();
				n = pwrite(fd, buf, len, gpa);
			} else {
				arm();
				n = pread(fd, buf, len, gpa);
			}
			if (fail_n > 0) {
				/* Under fault injection: the call's result, not the data. */
				result("%s: ok %lld\n", op, n,
				       n < 0 ? errno : (uint64_t)n != len ? -1 : 0);
				failed |= n < 0 || (uint64_t)n != len;
			} else if (n < 0) {
				printf("%s 0x%llx %llu: %s\n", op, (unsigned long long)gpa,
				       (unsigned long long)len, errname(errno));
				failed = 1;
			} else {
				int bad = 0;

				for (j = 0; op[1] == 'r' && j < (uint64_t)n; j++) {
					uint8_t want = op[5] == 'z' ? 0 : pattern(gpa + j);

					bad |= buf[j] != want;
				}
				printf("%s 0x%llx %llu: %s %zd\n", op, (unsigned long long)gpa,
				       (unsigned long long)len, bad ? "MISMATCH" : "ok", n);
				failed |= bad || (uint64_t)n != len;
			}
			free(buf);
		} else if (!strcmp(op, "console")) {
			int c;

			arm();
			c = ioctl(fd, DENALI_VM_IOC_CONSOLE);
			result("%s: ok\n", op, 0, c < 0 ? errno : 0);
			if (c >= 0)
				close(c);
			failed |= c < 0;
		} else if (!strcmp(op, "sleep") && i + 1 < argc) {
			sleep(atoi(argv[++i]));
		} else if (!strcmp(op, "waitfile") && i + 1 < argc) {
			struct stat st;
			int t;

			for (t = 0; t < 600 && stat(argv[i + 1], &st); t++)
				usleep(100000);
			i++;
		} else {
			goto usage;
		}
		fflush(stdout);
	}
	return failed;
usage:
	fprintf(stderr, "usage: vmfd [--fail-nth N] ID {pwrite|pread|preadz GPA LEN | console | sleep S | waitfile P}...\n"
			"       vmfd [--fail-nth N] ID open FLAGS | vmfd version\n");
	return 2;
}
