/* One VM as denalictl knows it: its attributes, in text and JSON. */
#ifndef DENALICTL_VM_H
#define DENALICTL_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/attr.h>
#include <linux/denali.h>

#include "counters.h"
#include "disk.h"
#include "nic.h"

struct dnl;

/* show's labels are padded to this width ("hypercalls: "). */
#define VM_LABEL_WIDTH 12

/*
 * The VM's software-loaded TLB (virtual MMU): its size, whether the MMU is
 * on, what it holds now and its counters; has_* say which attributes came.
 */
struct tlb_info {
	uint32_t size, entries, pages;
	uint64_t loads, flushes, evictions, refused;
	bool vmmu;
	bool has_size, has_vmmu, has_entries, has_pages;
	bool has_loads, has_flushes, has_evictions, has_refused;
};

/* What the kernel told us about one VM; has_* say which attributes came. */
struct vm_info {
	uint32_t id, state, exit_code, crash_reason, worker;
	uint64_t mem_size, resident_pages, entry, crash_rip, crash_info, console_dropped;
	char name[64];
	char crash_name[32];
	char cmdline[DENALI_CMDLINE_MAX]; /* "" when it has none */
	bool has_id, has_name, has_state, has_mem_size, has_resident_pages, has_entry;
	bool has_exit_code, has_crash_reason, has_crash_rip, has_crash_info, has_console_dropped;
	bool has_worker; /* only once started */
	struct tlb_info tlb;
	struct counters counters;
	unsigned int nnics;
	struct nic_info nics[DENALI_NIC_MAX]; /* in the order the kernel sent them */
	unsigned int ndisks;
	struct disk_info disks[DENALI_DISK_MAX]; /* in the order the kernel sent them */
};

struct nl_msg;

int vm_parse(struct nlattr **tb, struct nlattr *attrs, int len, struct vm_info *vm);
int vm_request(struct dnl *nl, struct nl_msg *msg, struct vm_info *vm, size_t *n);
int vm_get(struct dnl *nl, const char *name, bool has_id, uint32_t id, struct vm_info *vm);
void vm_info_free(struct vm_info *vm);
int vm_show_with(int argc, char **argv, const char *usage, const char *what,
		 void (*print)(const struct vm_info *vm));

const char *vm_crash_name(const struct vm_info *vm);
const char *vm_state_short(const struct vm_info *vm, char *buf, size_t len);
const char *vm_state_long(const struct vm_info *vm, char *buf, size_t len);
void vm_json_identity(const struct vm_info *vm);
void vm_json_outcome(const struct vm_info *vm);
void vm_json_run(const struct vm_info *vm);
void vm_json_tlb(const struct vm_info *vm);
void vm_print_tlb(const struct vm_info *vm, int width);

#endif /* DENALICTL_VM_H */
