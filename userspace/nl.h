/* The netlink layer of denalictl: the "denali" generic netlink family over libnl-genl. */
#ifndef DENALICTL_NL_H
#define DENALICTL_NL_H

#include <stdbool.h>
#include <stdint.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <linux/denali.h>

/* A connection to the "denali" family. */
struct dnl {
	struct nl_sock *sk;
	int family;
	/* Why the last request failed: the kernel's extack text, or libnl's. */
	char errmsg[256];
};

/*
 * Called for each reply message with its command and its attributes,
 * indexed by DENALI_A_*, absent ones NULL. Of an attribute that repeats
 * (DENALI_A_VM_NIC, DENALI_A_VM_DISK) tb holds only the last: attrs and len
 * are all of the message's attributes, in order, for nla_for_each_attr().
 * Return 0 to go on, or a negative errno to fail the request.
 */
typedef int (*dnl_reply_fn)(uint8_t cmd, struct nlattr **tb, struct nlattr *attrs, int len,
			    void *arg);

int dnl_open(struct dnl *nl);
void dnl_close(struct dnl *nl);
struct nl_msg *dnl_msg(struct dnl *nl, uint8_t cmd, int flags);
int dnl_request(struct dnl *nl, struct nl_msg *msg, dnl_reply_fn fn, void *arg);
int dnl_vm_request(struct dnl *nl, uint8_t cmd, const char *name, bool has_id, uint32_t id);
struct nl_msg *dnl_vm_msg(struct dnl *nl, uint8_t cmd, const char *name, bool has_id, uint32_t id);
int dnl_monitor(struct dnl *nl, dnl_reply_fn fn, void *arg);
const char *dnl_strerror(const struct dnl *nl, int err);
void dnl_perror(const struct dnl *nl, const char *object, int err);

#endif /* DENALICTL_NL_H */
