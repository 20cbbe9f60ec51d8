/* SPDX-License-Identifier: GPL-2.0 */
/* Generic netlink family "denali": the control plane's request side and events. */
#ifndef _DENALI_NETLINK_H
#define _DENALI_NETLINK_H

#include <linux/denali.h>

struct denali_vm;

int denali_nl_init(void);
void denali_nl_exit(void);
void denali_nl_notify(const struct denali_vm *vm, enum denali_event event);

#endif /* _DENALI_NETLINK_H */
