/* /dev/denali for denalictl: the device, VM descriptors and console descriptors. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/denali.h>

#include "dev.h"
#include "util.h"

/* Open /dev/denali and check that it speaks our API. Prints its own error; returns the fd or -1. */
int dev_open(void)
{
	int fd, ver;

	fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
			err_msg(DEV_PATH, "%s (denali module not loaded?)", strerror(errno));
		else
			err_errno(DEV_PATH, errno);
		return -1;
	}
	ver = ioctl(fd, DENALI_IOC_API_VERSION);
	if (ver < 0) {
		err_msg(DEV_PATH, "API version: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (ver != DENALI_API_VERSION) {
		err_msg(DEV_PATH, "API version %d, denalictl speaks %d", ver, DENALI_API_VERSION);
		close(fd);
		return -1;
	}
	return fd;
}

/* A descriptor for the VM with this id (name for messages). Prints its own error; the fd or -1. */
int dev_vm_open(int dev_fd, const char *name, uint32_t id)
{
	struct denali_vm_open arg = { .id = id };
	int fd;

	fd = ioctl(dev_fd, DENALI_IOC_VM_OPEN, &arg);
	if (fd < 0)
		err_msg(name, "cannot open VM %u: %s", id, strerror(errno));
	return fd;
}

/*
 * The VM's console, non-blocking (readers poll). Prints its own error;
 * returns the fd or -1.
 */
int dev_console_open(int vm_fd, const char *name)
{
	int fd, fl;

	fd = ioctl(vm_fd, DENALI_VM_IOC_CONSOLE);
	if (fd < 0) {
		err_msg(name, "cannot open the console: %s", strerror(errno));
		return -1;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		err_msg(name, "console: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
