/* denalictl list and show: all VMs as a table, or one VM in detail; -j for JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/denali.h>

#include "nl.h"
#include "subcommands.h"
#include "util.h"

#define LIST_USAGE "list [-j]"
#define SHOW_USAGE "show NAME [-j]"

/* What the kernel told us about one VM; has_* say which attributes came. */
struct vm_info {
	uint32_t id, state;
	uint64_t mem_size, resident_pages, entry;
	char name[64];
	bool has_id, has_name, has_state, has_mem_size, has_resident_pages, has_entry;
};

struct vm_list {
	struct vm_info *vms;
	size_t n, cap;
};

static void parse_vm(struct nlattr **tb, struct vm_info *vm)
{
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
}

static int on_vm(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct vm_list *list = arg;

	(void)cmd;
	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 16;
		struct vm_info *vms = realloc(list->vms, cap * sizeof(*vms));

		if (!vms)
			return -ENOMEM;
		list->vms = vms;
		list->cap = cap;
	}
	parse_vm(tb, &list->vms[list->n++]);
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	const struct vm_info *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static void json_num(const char *key, bool has, uint64_t val)
{
	printf(",\"%s\":", key);
	if (has)
		printf("%llu", (unsigned long long)val);
	else
		printf("null");
}

static void print_json(const struct vm_info *vm)
{
	char buf[32];

	printf("{\"id\":");
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
	json_num("mem_size", vm->has_mem_size, vm->mem_size);
	json_num("resident_pages", vm->has_resident_pages, vm->resident_pages);
	json_num("entry", vm->has_entry, vm->entry);
	printf("}");
}

/* The human forms of the fields; "-" for what the kernel did not say. */
struct vm_text {
	char id[16], state[32], mem[32], resident[64], entry[32];
};

static void vm_text(const struct vm_info *vm, struct vm_text *t)
{
	char buf[32];

	if (vm->has_id)
		snprintf(t->id, sizeof(t->id), "%u", vm->id);
	else
		snprintf(t->id, sizeof(t->id), "-");
	snprintf(t->state, sizeof(t->state), "%s",
		 vm->has_state ? vm_state_name(vm->state, buf, sizeof(buf)) : "-");
	if (vm->has_mem_size)
		format_size(vm->mem_size, t->mem, sizeof(t->mem));
	else
		snprintf(t->mem, sizeof(t->mem), "-");
	if (vm->has_resident_pages)
		snprintf(t->resident, sizeof(t->resident), "%llu pages (%llu KiB)",
			 (unsigned long long)vm->resident_pages,
			 (unsigned long long)(vm->resident_pages * DENALI_VM_PAGE_SIZE / 1024));
	else
		snprintf(t->resident, sizeof(t->resident), "-");
	if (vm->has_entry)
		snprintf(t->entry, sizeof(t->entry), "0x%llx", (unsigned long long)vm->entry);
	else
		snprintf(t->entry, sizeof(t->entry), "-");
}

static void print_table(const struct vm_list *list)
{
	int wid = 2, wname = 4, wstate = 5, wmem = 3;
	struct vm_text t;
	size_t i;

	for (i = 0; i < list->n; i++) {
		const struct vm_info *vm = &list->vms[i];

		vm_text(vm, &t);
		if ((int)strlen(t.id) > wid)
			wid = strlen(t.id);
		if ((int)strlen(vm->name) > wname)
			wname = strlen(vm->name);
		if ((int)strlen(t.state) > wstate)
			wstate = strlen(t.state);
		if ((int)strlen(t.mem) > wmem)
			wmem = strlen(t.mem);
	}
	printf("%*s  %-*s  %-*s  %*s  %s\n", wid, "ID", wname, "NAME", wstate, "STATE", wmem, "MEM",
	       "RESIDENT");
	for (i = 0; i < list->n; i++) {
		const struct vm_info *vm = &list->vms[i];

		vm_text(vm, &t);
		printf("%*s  %-*s  %-*s  %*s  %s\n", wid, t.id, wname,
		       vm->has_name ? vm->name : "-", wstate, t.state, wmem, t.mem, t.resident);
	}
}

static void print_detail(const struct vm_info *vm)
{
	struct vm_text t;

	vm_text(vm, &t);
	printf("name:      %s\n", vm->has_name ? vm->name : "-");
	printf("id:        %s\n", t.id);
	printf("state:     %s\n", t.state);
	printf("memory:    %s\n", t.mem);
	printf("resident:  %s\n", t.resident);
	printf("entry:     %s\n", t.entry);
}

int list_main(int argc, char **argv)
{
	struct vm_list list = { 0 };
	struct nl_msg *msg;
	struct dnl nl;
	size_t i;
	int ret;

	ret = simple_args(argc, argv, LIST_USAGE, true, NULL, NULL);
	if (ret >= 0)
		return ret;
	if (dnl_open(&nl))
		return EXIT_ERR;
	msg = dnl_msg(&nl, DENALI_CMD_VM_GET, NLM_F_DUMP);
	ret = msg ? dnl_request(&nl, msg, on_vm, &list) : -ENOMEM;
	dnl_close(&nl);
	if (ret) {
		dnl_perror(&nl, "list", ret);
		free(list.vms);
		return EXIT_ERR;
	}
	qsort(list.vms, list.n, sizeof(*list.vms), cmp_id);
	if (opt_json) {
		printf("[");
		for (i = 0; i < list.n; i++) {
			if (i)
				printf(",");
			print_json(&list.vms[i]);
		}
		printf("]\n");
	} else {
		print_table(&list);
	}
	free(list.vms);
	return EXIT_OK;
}

int show_main(int argc, char **argv)
{
	struct vm_list list = { 0 };
	struct nl_msg *msg;
	const char *name;
	struct dnl nl;
	int ret;

	ret = simple_args(argc, argv, SHOW_USAGE, true, "NAME", &name);
	if (ret >= 0)
		return ret;
	if (dnl_open(&nl))
		return EXIT_ERR;
	msg = dnl_msg(&nl, DENALI_CMD_VM_GET, 0);
	if (msg && nla_put_string(msg, DENALI_A_VM_NAME, name)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	ret = msg ? dnl_request(&nl, msg, on_vm, &list) : -ENOMEM;
	dnl_close(&nl);
	if (!ret && list.n != 1) {
		snprintf(nl.errmsg, sizeof(nl.errmsg), "expected one VM in the reply, got %zu",
			 list.n);
		ret = -EPROTO;
	}
	if (ret) {
		dnl_perror(&nl, name, ret);
		free(list.vms);
		return EXIT_ERR;
	}
	if (opt_json) {
		print_json(&list.vms[0]);
		printf("\n");
	} else {
		print_detail(&list.vms[0]);
	}
	free(list.vms);
	return EXIT_OK;
}
