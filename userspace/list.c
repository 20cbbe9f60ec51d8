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

static int on_vm(uint8_t cmd, struct nlattr **tb, struct nlattr *attrs, int len, void *arg)
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
	return vm_parse(tb, attrs, len, &list->vms[list->n++]);
}

static void list_free(struct vm_list *list)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		vm_info_free(&list->vms[i]);
	free(list->vms);
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
	vm_json_run(vm);
	vm_json_tlb(vm);
	printf(",\"nics\":");
	nics_json(vm);
	printf(",\"disks\":");
	disks_json(vm);
	printf("}");
}

/* A number for a table cell, or "-" when the kernel did not say. */
static void cell_num(char *buf, size_t len, bool has, uint64_t val)
{
	if (has)
		snprintf(buf, len, "%llu", (unsigned long long)val);
	else
		snprintf(buf, len, "-");
}

/* The columns of the list, in order; numbers are right-aligned. */
enum col {
	COL_ID,
	COL_NAME,
	COL_STATE,
	COL_MEM,
	COL_RESIDENT,
	COL_WORKER,
	COL_QUANTA,
	COL_EXITS,
	COL_IRQS,
	COL_IDLES,
	COL_NICS,
	COL_DISKS,
	NR_COLS
};

static const struct {
	const char *title;
	bool right;
} cols[NR_COLS] = {
	[COL_ID] = { "ID", true },
	[COL_NAME] = { "NAME", false },
	[COL_STATE] = { "STATE", false },
	[COL_MEM] = { "MEM", true },
	[COL_RESIDENT] = { "RESIDENT", true },
	[COL_WORKER] = { "WORKER", true },
	[COL_QUANTA] = { "QUANTA", true },
	[COL_EXITS] = { "EXITS", true },
	[COL_IRQS] = { "IRQS", true },
	[COL_IDLES] = { "IDLES", true },
	[COL_NICS] = { "NICS", true },
	[COL_DISKS] = { "DISKS", true },
};

/* One row of the list: "-" for what the kernel did not say. */
static void vm_row(const struct vm_info *vm, char cells[NR_COLS][64])
{
	const struct counters *c = &vm->counters;
	char state[64];

	cell_num(cells[COL_ID], 64, vm->has_id, vm->id);
	snprintf(cells[COL_NAME], 64, "%s", vm->has_name ? vm->name : "-");
	/* Its result: "-" (without a state) is not written to the buffer. */
	snprintf(cells[COL_STATE], 64, "%s", vm_state_short(vm, state, sizeof(state)));
	if (vm->has_mem_size)
		format_size(vm->mem_size, cells[COL_MEM], 64);
	else
		snprintf(cells[COL_MEM], 64, "-");
	if (vm->has_resident_pages)
		snprintf(cells[COL_RESIDENT], 64, "%llu KiB",
			 (unsigned long long)(vm->resident_pages * DENALI_VM_PAGE_SIZE / 1024));
	else
		snprintf(cells[COL_RESIDENT], 64, "-");
	cell_num(cells[COL_WORKER], 64, vm->has_worker, vm->worker);
	cell_num(cells[COL_QUANTA], 64, c->has[C_QUANTA], c->val[C_QUANTA]);
	cell_num(cells[COL_EXITS], 64, c->exits.present, count_set_total(&c->exits));
	cell_num(cells[COL_IRQS], 64, c->has[C_IRQS_RAISED], c->val[C_IRQS_RAISED]);
	cell_num(cells[COL_IDLES], 64, c->has[C_IDLES], c->val[C_IDLES]);
	snprintf(cells[COL_NICS], 64, "%u", vm->nnics);
	snprintf(cells[COL_DISKS], 64, "%u", vm->ndisks);
}

static void print_row(char cells[NR_COLS][64], const int *width)
{
	int i;

	for (i = 0; i < NR_COLS; i++) {
		/* No trailing blanks after the last column. */
		if (i == NR_COLS - 1 && !cols[i].right)
			printf("%s", cells[i]);
		else
			printf("%*s", cols[i].right ? width[i] : -width[i], cells[i]);
		printf("%s", i == NR_COLS - 1 ? "\n" : "  ");
	}
}

static void print_table(const struct vm_list *list)
{
	char cells[NR_COLS][64];
	int width[NR_COLS], i;
	size_t v;

	for (i = 0; i < NR_COLS; i++) {
		snprintf(cells[i], sizeof(cells[i]), "%s", cols[i].title);
		width[i] = strlen(cols[i].title);
	}
	for (v = 0; v < list->n; v++) {
		vm_row(&list->vms[v], cells);
		for (i = 0; i < NR_COLS; i++) {
			if ((int)strlen(cells[i]) > width[i])
				width[i] = strlen(cells[i]);
		}
	}
	for (i = 0; i < NR_COLS; i++)
		snprintf(cells[i], sizeof(cells[i]), "%s", cols[i].title);
	print_row(cells, width);
	for (v = 0; v < list->n; v++) {
		vm_row(&list->vms[v], cells);
		print_row(cells, width);
	}
}

static void print_detail(const struct vm_info *vm)
{
	unsigned int i;
	char buf[96];

	printf("%-*s%s\n", VM_LABEL_WIDTH, "name:", vm->has_name ? vm->name : "-");
	if (vm->has_id)
		printf("%-*s%u\n", VM_LABEL_WIDTH, "id:", vm->id);
	else
		printf("%-*s-\n", VM_LABEL_WIDTH, "id:");
	printf("%-*s%s\n", VM_LABEL_WIDTH, "state:", vm_state_long(vm, buf, sizeof(buf)));
	printf("%-*s%s\n", VM_LABEL_WIDTH,
	       "memory:", vm->has_mem_size ? format_size(vm->mem_size, buf, sizeof(buf)) : "-");
	if (vm->has_resident_pages)
		printf("%-*s%llu pages (%llu KiB)\n", VM_LABEL_WIDTH,
		       "resident:", (unsigned long long)vm->resident_pages,
		       (unsigned long long)(vm->resident_pages * DENALI_VM_PAGE_SIZE / 1024));
	else
		printf("%-*s-\n", VM_LABEL_WIDTH, "resident:");
	if (vm->has_entry)
		printf("%-*s0x%llx\n", VM_LABEL_WIDTH, "entry:", (unsigned long long)vm->entry);
	else
		printf("%-*s-\n", VM_LABEL_WIDTH, "entry:");
	if (vm->cmdline[0])
		printf("%-*s%s\n", VM_LABEL_WIDTH, "cmdline:", vm->cmdline);
	if (vm->has_worker)
		printf("%-*s%u\n", VM_LABEL_WIDTH, "worker:", vm->worker);
	for (i = 0; i < vm->nnics; i++)
		nic_print(&vm->nics[i], VM_LABEL_WIDTH);
	for (i = 0; i < vm->ndisks; i++)
		disk_print(&vm->disks[i], VM_LABEL_WIDTH);
	vm_print_tlb(vm, VM_LABEL_WIDTH);
	counters_print(&vm->counters, 0, VM_LABEL_WIDTH);
	/* Only when output was lost: the kernel reports 0 for every other VM. */
	if (vm->has_console_dropped && vm->console_dropped)
		printf("%-*s%llu bytes dropped\n", VM_LABEL_WIDTH,
		       "console:", (unsigned long long)vm->console_dropped);
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
		list_free(&list);
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
	list_free(&list);
	return EXIT_OK;
}

/*
 * The shape of show, nic list and disk list: one VM by name (the only
 * argument, -j allowed), fetched and handed to @print, which prints it as
 * JSON or text by opt_json.
 */
int vm_show_with(int argc, char **argv, const char *usage, const char *what,
		 void (*print)(const struct vm_info *vm))
{
	struct vm_info vm;
	const char *name;
	struct dnl nl;
	int ret;

	ret = simple_args(argc, argv, usage, true, what, &name);
	if (ret >= 0)
		return ret;
	if (dnl_open(&nl))
		return EXIT_ERR;
	ret = vm_get(&nl, name, false, 0, &vm);
	dnl_close(&nl);
	if (ret) {
		dnl_perror(&nl, name, ret);
		vm_info_free(&vm);
		return EXIT_ERR;
	}
	print(&vm);
	vm_info_free(&vm);
	return EXIT_OK;
}

static void show_one(const struct vm_info *vm)
{
	if (opt_json) {
		print_json(vm);
		printf("\n");
	} else {
		print_detail(vm);
	}
}

int show_main(int argc, char **argv)
{
	return vm_show_with(argc, argv, SHOW_USAGE, "NAME", show_one);
}
