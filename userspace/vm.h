/* One VM as denalictl knows it: its attributes, in text and JSON. */
#ifndef DENALICTL_VM_H
#define DENALICTL_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/attr.h>
#include <linux/denali.h>

#include "counters.h"

struct dnl;

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
	struct counters counters;
};

void vm_parse(struct nlattr **tb, struct vm_info *vm);
int vm_get(struct dnl *nl, const char *name, bool has_id, uint32_t id, struct vm_info *vm);

const char *vm_crash_name(const struct vm_info *vm);
const char *vm_state_short(const struct vm_info *vm, char *buf, size_t len);
const char *vm_state_long(const struct vm_info *vm, char *buf, size_t len);
void vm_json_identity(const struct vm_info *vm);
void vm_json_outcome(const struct vm_info *vm);
void vm_json_run(const struct vm_info *vm);

#endif /* DENALICTL_VM_H */
