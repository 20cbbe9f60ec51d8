/* SPDX-License-Identifier: GPL-2.0 */
/* Generic netlink family "denali": the control plane's request side and events. */
#ifndef _DENALI_NETLINK_H
#define _DENALI_NETLINK_H

#include <linux/denali.h>

struct denali_vm;
struct sk_buff;
struct denali_disk_info;

int denali_nl_init(void);
void denali_nl_exit(void);
void denali_nl_notify(const struct denali_vm *vm, enum denali_event event);

#if IS_ENABLED(CONFIG_KUNIT)
size_t denali_nl_vm_msg_size(void);
int denali_nl_fill_vm(struct sk_buff *skb, struct denali_vm *vm, u32 portid,
		      u32 seq, int flags, u8 cmd);
size_t denali_nl_disk_nest_size(void);
int denali_nl_put_disk(struct sk_buff *skb, const struct denali_disk_info *di);
#endif

#endif /* _DENALI_NETLINK_H */
