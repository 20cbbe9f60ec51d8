/* /dev/denali for denalictl: the device, VM descriptors and console descriptors. */
#ifndef DENALICTL_DEV_H
#define DENALICTL_DEV_H

#include <stdint.h>

#define DEV_PATH "/dev/denali"

int dev_open(void);
int dev_vm_open(int dev_fd, const char *name, uint32_t id);
int dev_console_open(int vm_fd, const char *name);

#endif /* DENALICTL_DEV_H */
