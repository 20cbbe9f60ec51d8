/* One VM as denalictl knows it: its attributes, in text and JSON. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/denali.h>

#include "nl.h"
#include "util.h"
#include "vm.h"

/* The TLB attributes among tb (indexed by DENALI_A_*); absent ones stay unset. */
static void tlb_parse(struct nlattr **tb, struct tlb_info *t)
{
	if (tb[DENALI_A_VM_TLB_SIZE]) {
		t->has_size = true;
		t->size = nla_get_u32(tb[DENALI_A_VM_TLB_SIZE]);
	}
	if (tb[DENALI_A_VM_VMMU]) {
		t->has_vmmu = true;
		t->vmmu = nla_get_u8(tb[DENALI_A_VM_VMMU]) != 0;
	}
	if (tb[DENALI_A_VM_TLB_ENTRIES]) {
		t->has_entries = true;
		t->entries = nla_get_u32(tb[DENALI_A_VM_TLB_ENTRIES]);
	}
	if (tb[DENALI_A_VM_TLB_PAGES]) {
		t->has_pages = true;
		t->pages = nla_get_u32(tb[DENALI_A_VM_TLB_PAGES]);
	}
	if (tb[DENALI_A_VM_TLB_LOADS]) {
		t->has_loads = true;
		t->loads = nla_get_u64(tb[DENALI_A_VM_TLB_LOADS]);
	}
	if (tb[DENALI_A_VM_TLB_FLUSHES]) {
		t->has_flushes = true;
		t->flushes = nla_get_u64(tb[DENALI_A_VM_TLB_FLUSHES]);
	}
	if (tb[DENALI_A_VM_TLB_EVICTIONS]) {
		t->has_evictions = true;
		t->evictions = nla_get_u64(tb[DENALI_A_VM_TLB_EVICTIONS]);
	}
	if (tb[DENALI_A_VM_TLB_REFUSED]) {
		t->has_refused = true;
		t->refused = nla_get_u64(tb[DENALI_A_VM_TLB_REFUSED]);
	}
}

/*
 * A VM message: its attributes tb (indexed by DENALI_A_*) and all of them,
 * attrs and len, for the NICs and disks. Returns 0, -EBADMSG for a
 * malformed NIC or disk, or -ENOMEM. vm_info_free() frees what it holds,
 * also after a failure.
 */
int vm_parse(struct nlattr **tb, struct nlattr *attrs, int len, struct vm_info *vm)
{
	int ret;

	memset(vm, 0, sizeof(*vm));
	if (tb[DENALI_A_VM_ID]) {
		vm->has_id = true;
		vm->id = nla_get_u32(tb[DENALI_A_VM_ID]);
	}
	if (tb[DENALI_A_VM_NAME]) {
		vm->has_name = true;
		snprintf(vm->name, sizeof(vm->name), "%s", nla_get_string(tb[DENALI_A_VM_NAME]));
	}
	if (tb[DENALI_A_VM_STATE]) {
		vm->has_state = true;
		vm->state = nla_get_u32(tb[DENALI_A_VM_STATE]);
	}
	if (tb[DENALI_A_VM_MEM_SIZE]) {
		vm->has_mem_size = true;
		vm->mem_size = nla_get_u64(tb[DENALI_A_VM_MEM_SIZE]);
	}
	if (tb[DENALI_A_VM_RESIDENT_PAGES]) {
		vm->has_resident_pages = true;
		vm->resident_pages = nla_get_u64(tb[DENALI_A_VM_RESIDENT_PAGES]);
	}
	if (tb[DENALI_A_VM_ENTRY]) {
		vm->has_entry = true;
		vm->entry = nla_get_u64(tb[DENALI_A_VM_ENTRY]);
	}
	if (tb[DENALI_A_VM_EXIT_CODE]) {
		vm->has_exit_code = true;
		vm->exit_code = nla_get_u32(tb[DENALI_A_VM_EXIT_CODE]);
	}
	if (tb[DENALI_A_VM_CRASH_REASON]) {
		vm->has_crash_reason = true;
		vm->crash_reason = nla_get_u32(tb[DENALI_A_VM_CRASH_REASON]);
	}
	if (tb[DENALI_A_VM_CRASH_RIP]) {
		vm->has_crash_rip = true;
		vm->crash_rip = nla_get_u64(tb[DENALI_A_VM_CRASH_RIP]);
	}
	if (tb[DENALI_A_VM_CRASH_INFO]) {
		vm->has_crash_info = true;
		vm->crash_info = nla_get_u64(tb[DENALI_A_VM_CRASH_INFO]);
	}
	if (tb[DENALI_A_VM_CRASH_NAME])
		snprintf(vm->crash_name, sizeof(vm->crash_name), "%s",
			 nla_get_string(tb[DENALI_A_VM_CRASH_NAME]));
	else if (vm->has_crash_reason) /* the kernel names every reason it sends */
		snprintf(vm->crash_name, sizeof(vm->crash_name), "unknown(%u)", vm->crash_reason);
	if (tb[DENALI_A_VM_CONSOLE_DROPPED]) {
		vm->has_console_dropped = true;
		vm->console_dropped = nla_get_u64(tb[DENALI_A_VM_CONSOLE_DROPPED]);
	}
	if (tb[DENALI_A_VM_CMDLINE])
		snprintf(vm->cmdline, sizeof(vm->cmdline), "%s",
			 nla_get_string(tb[DENALI_A_VM_CMDLINE]));
	if (tb[DENALI_A_VM_WORKER]) {
		vm->has_worker = true;
		vm->worker = nla_get_u32(tb[DENALI_A_VM_WORKER]);
	}
	counters_parse(tb, &vm->counters);
	tlb_parse(tb, &vm->tlb);
	ret = nics_parse(attrs, len, vm);
	if (ret)
		return ret;
	return disks_parse(attrs, len, vm);
}

/* Free what vm_parse() allocated (the disks' paths); vm stays valid, without disks. */
void vm_info_free(struct vm_info *vm)
{
	disks_free(vm);
}

struct vm_get_ctx {
	struct vm_info *vm;
	size_t n;
};

static int on_vm(uint8_t cmd, struct nlattr **tb, struct nlattr *attrs, int len, void *arg)
{
	struct vm_get_ctx *ctx = arg;

	(void)cmd;
	if (!ctx->n++ && ctx->vm)
		return vm_parse(tb, attrs, len, ctx->vm);
	return 0;
}

/*
 * Send msg (consumed), a request the kernel answers with a VM message, as
 * VM_GET and NIC_NEW; the first VM of the reply goes to vm (unless NULL;
 * cleared first, so that vm_info_free() can always be called on it), the
 * number of VMs in it to *n. Returns 0 or a negative errno, with the
 * reason in nl->errmsg.
 */
int vm_request(struct dnl *nl, struct nl_msg *msg, struct vm_info *vm, size_t *n)
{
	struct vm_get_ctx ctx = { .vm = vm };
	int ret;

	if (vm)
		memset(vm, 0, sizeof(*vm));
	ret = dnl_request(nl, msg, on_vm, &ctx);
	*n = ctx.n;
	return ret;
}

/*
 * One VM, by id (when has_id) or else by name. Returns 0 or a negative
 * errno, with the reason in nl->errmsg.
 */
int vm_get(struct dnl *nl, const char *name, bool has_id, uint32_t id, struct vm_info *vm)
{
	struct nl_msg *msg;
	size_t n;
	int ret;

	msg = dnl_vm_msg(nl, DENALI_CMD_VM_GET, name, has_id, id);
	if (!msg)
		return -ENOMEM;
	ret = vm_request(nl, msg, vm, &n);
	if (!ret && n != 1) {
		snprintf(nl->errmsg, sizeof(nl->errmsg), "expected one VM in the reply, got %zu",
			 n);
		ret = -EPROTO;
	}
	return ret;
}

/*
 * Why the VM was killed: the kernel's name for it ("unknown(N)" if it sent
 * only a number); NULL when it said neither.
 */
const char *vm_crash_name(const struct vm_info *vm)
{
	return vm->crash_name[0] ? vm->crash_name : NULL;
}

/* The state for the list's STATE column: "running", "halted(0)", "crashed(io)". */
const char *vm_state_short(const struct vm_info *vm, char *buf, size_t len)
{
	char tmp[32];
	const char *state, *crash;

	if (!vm->has_state)
		return "-";
	state = vm_state_name(vm->state, tmp, sizeof(tmp));
	crash = vm_crash_name(vm);
	if (vm->state == DENALI_VM_STATE_HALTED && vm->has_exit_code)
		snprintf(buf, len, "%s(%u)", state, vm->exit_code);
	else if (vm->state == DENALI_VM_STATE_CRASHED && crash)
		snprintf(buf, len, "%s(%s)", state, crash);
	else
		snprintf(buf, len, "%s", state);
	return buf;
}

/* The state for show: "halted (code 0)", "crashed (io at rip 0x100123, exit 30)". */
const char *vm_state_long(const struct vm_info *vm, char *buf, size_t len)
{
	char tmp[32], rip[32] = "", info[32] = "";
	const char *state, *crash;

	if (!vm->has_state)
		return "-";
	state = vm_state_name(vm->state, tmp, sizeof(tmp));
	if (vm->state == DENALI_VM_STATE_HALTED && vm->has_exit_code) {
		snprintf(buf, len, "%s (code %u)", state, vm->exit_code);
	} else if (vm->state == DENALI_VM_STATE_CRASHED) {
		crash = vm_crash_name(vm);
		if (vm->has_crash_rip)
			snprintf(rip, sizeof(rip), " at rip 0x%llx",
				 (unsigned long long)vm->crash_rip);
		if (vm->has_crash_info)
			snprintf(info, sizeof(info), ", exit %llu",
				 (unsigned long long)vm->crash_info);
		snprintf(buf, len, "%s (%s%s%s)", state, crash ? crash : "unknown reason", rip,
			 info);
	} else {
		snprintf(buf, len, "%s", state);
	}
	return buf;
}

/* The "id", "name" and "state" JSON fields of a VM (null when absent). */
void vm_json_identity(const struct vm_info *vm)
{
	char buf[32];

	printf("\"id\":");
	if (vm->has_id)
		printf("%u", vm->id);
	else
		printf("null");
	printf(",\"name\":");
	if (vm->has_name)
		json_string(stdout, vm->name);
	else
		printf("null");
	printf(",\"state\":");
	if (vm->has_state)
		json_string(stdout, vm_state_name(vm->state, buf, sizeof(buf)));
	else
		printf("null");
}

/* The members that say how a VM ended, each after a comma; null when absent. */
void vm_json_outcome(const struct vm_info *vm)
{
	const char *crash = vm_crash_name(vm);

	json_num("exit_code", vm->has_exit_code, vm->exit_code);
	printf(",\"crash_reason\":");
	if (crash)
		json_string(stdout, crash);
	else
		printf("null");
	json_num("crash_rip", vm->has_crash_rip, vm->crash_rip);
	json_num("crash_info", vm->has_crash_info, vm->crash_info);
	json_num("console_dropped", vm->has_console_dropped, vm->console_dropped);
}

/*
 * The members about its run, each after a comma: "cmdline" (null when it
 * has none), "worker" (null until started) and every counter.
 */
void vm_json_run(const struct vm_info *vm)
{
	printf(",\"cmdline\":");
	if (vm->cmdline[0])
		json_string(stdout, vm->cmdline);
	else
		printf("null");
	json_num("worker", vm->has_worker, vm->worker);
	counters_json(&vm->counters, ",");
}

/*
 * The TLB's members, each after a comma: "tlb_size", "vmmu" (true or
 * false), "tlb_entries", "tlb_pages" and the counters "tlb_loads",
 * "tlb_flushes", "tlb_evictions", "tlb_refused"; null when absent (a
 * module without a virtual MMU).
 */
void vm_json_tlb(const struct vm_info *vm)
{
	const struct tlb_info *t = &vm->tlb;

	json_num("tlb_size", t->has_size, t->size);
	printf(",\"vmmu\":%s", !t->has_vmmu ? "null" : t->vmmu ? "true" : "false");
	json_num("tlb_entries", t->has_entries, t->entries);
	json_num("tlb_pages", t->has_pages, t->pages);
	json_num("tlb_loads", t->has_loads, t->loads);
	json_num("tlb_flushes", t->has_flushes, t->flushes);
	json_num("tlb_evictions", t->has_evictions, t->evictions);
	json_num("tlb_refused", t->has_refused, t->refused);
}

/*
 * show's "tlb:" line, label padded to width: "512 entries, vmmu off, 37
 * loaded, 8 table pages, 40 loads, 3 flushes, 0 evictions, 1 refused".
 * Nothing when the kernel sent no TLB size (a module without a virtual MMU).
 */
void vm_print_tlb(const struct vm_info *vm, int width)
{
	const struct tlb_info *t = &vm->tlb;
	char e[24], p[24], l[24], f[24], v[24], r[24];
	const char *mode = "-";

	if (!t->has_size)
		return;
	if (t->has_vmmu)
		mode = t->vmmu ? "on" : "off";
	printf("%-*s%u entries, vmmu %s, %s loaded, %s table pages, %s loads, %s flushes, "
	       "%s evictions, %s refused\n",
	       width, "tlb:", t->size, mode, text_num(t->has_entries, t->entries, e, sizeof(e)),
	       text_num(t->has_pages, t->pages, p, sizeof(p)),
	       text_num(t->has_loads, t->loads, l, sizeof(l)),
	       text_num(t->has_flushes, t->flushes, f, sizeof(f)),
	       text_num(t->has_evictions, t->evictions, v, sizeof(v)),
	       text_num(t->has_refused, t->refused, r, sizeof(r)));
}
