/* denalictl list and show: all VMs as a table, or one VM in detail; -j for JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/denali.h>

#include "nl.h"
#include "subcommands.h"
#include "util.h"
#include "vm.h"

#define LIST_USAGE "list [-j]"
#define SHOW_USAGE "show NAME [-j]"

struct vm_list {
	struct vm_info *vms;
	size_t n, cap;
};

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
	vm_parse(tb, &list->vms[list->n++]);
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	const struct vm_info *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static void print_json(const struct vm_info *vm)
{
	printf("{");
	vm_json_identity(vm);
	json_num("mem_size", vm->has_mem_size, vm->mem_size);
	json_num("resident_pages", vm->has_resident_pages, vm->resident_pages);
	json_num("entry", vm->has_entry, vm->entry);
	vm_json_outcome(vm);
	printf("}");
}

/* The human forms of the fields; "-" for what the kernel did not say. */
struct vm_text {
	char id[16], state[48], mem[32], resident[64], entry[32];
};

static void vm_text(const struct vm_info *vm, struct vm_text *t)
{
	char buf[48];

	if (vm->has_id)
		snprintf(t->id, sizeof(t->id), "%u", vm->id);
	else
		snprintf(t->id, sizeof(t->id), "-");
	snprintf(t->state, sizeof(t->state), "%s", vm_state_short(vm, buf, sizeof(buf)));
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
	char state[96];

	vm_text(vm, &t);
	printf("name:      %s\n", vm->has_name ? vm->name : "-");
	printf("id:        %s\n", t.id);
	printf("state:     %s\n", vm_state_long(vm, state, sizeof(state)));
	printf("memory:    %s\n", t.mem);
	printf("resident:  %s\n", t.resident);
	printf("entry:     %s\n", t.entry);
	/* Only when output was lost: the kernel reports 0 for every other VM. */
	if (vm->has_console_dropped && vm->console_dropped)
		printf("console:   %llu bytes dropped\n", (unsigned long long)vm->console_dropped);
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
	struct vm_info vm;
	const char *name;
	struct dnl nl;
	int ret;

	ret = simple_args(argc, argv, SHOW_USAGE, true, "NAME", &name);
	if (ret >= 0)
		return ret;
	if (dnl_open(&nl))
		return EXIT_ERR;
	ret = vm_get(&nl, name, false, 0, &vm);
	dnl_close(&nl);
	if (ret) {
		dnl_perror(&nl, name, ret);
		return EXIT_ERR;
	}
	if (opt_json) {
		print_json(&vm);
		printf("\n");
	} else {
		print_detail(&vm);
	}
	return EXIT_OK;
}
