// SPDX-License-Identifier: GPL-2.0
/* KUnit: the control plane: VM creation parameters and the VM's netlink message. */
#include <kunit/test.h>
#include <linux/sizes.h>
#include <linux/denali.h>
#include <net/genetlink.h>

#include "core/vm.h"
#include "ctl/netlink.h"

struct name_case {
	const char *name;
	bool ok;
};

static const struct name_case name_cases[] = {
	{ "a", true },
	{ "web-01.example_2", true },
	{ "0123456789012345678901234567890", true },	/* 31 characters */
	{ "01234567890123456789012345678901", false },	/* 32 characters */
	{ "", false },
	{ "-x", false },
	{ ".hidden", false },
	{ "a b", false },
	{ "a/b", false },
	{ "semi;colon", false },
	{ "caf\xc3\xa9", false },
	{ "\xc0\xc1\xd8", false },	/* Latin-1 letters to the kernel's isalnum() */
	{ "web\xe9", false },
	{ "\xff", false },
};

static void name_case_desc(const struct name_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%s\"", c->name);
}

KUNIT_ARRAY_PARAM(name, name_cases, name_case_desc);

/* A VM name is accepted exactly when it is 1-31 safe characters. */
static void name_test(struct kunit *test)
{
	const struct name_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, !denali_vm_name_invalid(c->name), c->ok);
}

#define MIB ((u64)SZ_1M)

struct mem_case {
	const char *what;
	u64 size, max;
	bool ok;
};

static const struct mem_case mem_cases[] = {
	{ "zero", 0, 256 * MIB, false },
	{ "one page short of the minimum", 2 * MIB - 4096, 256 * MIB, false },
	{ "minimum", 2 * MIB, 256 * MIB, true },
	{ "unaligned", 16 * MIB + 1, 256 * MIB, false },
	{ "unaligned by 2 KiB", 16 * MIB + 2048, 256 * MIB, false },
	{ "16 MiB", 16 * MIB, 256 * MIB, true },
	{ "at the limit", 256 * MIB, 256 * MIB, true },
	{ "a page over the limit", 256 * MIB + 4096, 256 * MIB, false },
	{ "2^64 - 4096", -4096ULL, 256 * MIB, false },
};

static void mem_case_desc(const struct mem_case *c, char *desc)
{
	strscpy(desc, c->what, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mem, mem_cases, mem_case_desc);

/* Memory sizes: nonzero, page-aligned, at least the minimum, at most the limit. */
static void mem_size_test(struct kunit *test)
{
	const struct mem_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, !denali_vm_mem_invalid(c->size, c->max), c->ok);
}

/* Entry points lie inside guest memory, above the reserved low megabyte. */
static void entry_test(struct kunit *test)
{
	KUNIT_EXPECT_NULL(test, denali_vm_entry_invalid(0x100000, 16 * MIB));
	KUNIT_EXPECT_NULL(test, denali_vm_entry_invalid(16 * MIB - 1, 16 * MIB));
	KUNIT_EXPECT_NOT_NULL(test, denali_vm_entry_invalid(0, 16 * MIB));
	KUNIT_EXPECT_NOT_NULL(test, denali_vm_entry_invalid(0xfffff, 16 * MIB));
	KUNIT_EXPECT_NOT_NULL(test, denali_vm_entry_invalid(16 * MIB, 16 * MIB));
	KUNIT_EXPECT_NOT_NULL(test, denali_vm_entry_invalid(U64_MAX, 16 * MIB));
}

struct cmdline_case {
	const char *what, *cmdline;
	bool ok;
};

static const struct cmdline_case cmdline_cases[] = {
	{ "empty", "", true },
	{ "words", "console=ttyS0 loglevel=7 -- a \"b\" ~", true },
	{ "tab", "a\tb", false },
	{ "newline", "a\n", false },
	{ "DEL", "a\x7f", false },
	{ "UTF-8", "caf\xc3\xa9", false },
};

static void cmdline_case_desc(const struct cmdline_case *c, char *desc)
{
	strscpy(desc, c->what, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cmdline, cmdline_cases, cmdline_case_desc);

/* A command line is accepted exactly when it is printable ASCII. */
static void cmdline_test(struct kunit *test)
{
	const struct cmdline_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, !denali_vm_cmdline_invalid(c->cmdline), c->ok);
}

/* A command line fits the registers page: 511 bytes do, 512 do not. */
static void cmdline_len_test(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, DENALI_CMDLINE_MAX + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, 'x', DENALI_CMDLINE_MAX - 1);
	KUNIT_EXPECT_NULL(test, denali_vm_cmdline_invalid(buf));
	buf[DENALI_CMDLINE_MAX - 1] = 'x';
	KUNIT_EXPECT_NOT_NULL(test, denali_vm_cmdline_invalid(buf));
}

/* A refusal names the attribute it is about: name, memory, entry, command line. */
static void params_attr_test(struct kunit *test)
{
	struct denali_vm_params p = { .name = "ok", .mem_size = 16 * MIB };
	int attr = -1;

	KUNIT_EXPECT_NULL(test, denali_vm_params_invalid(&p, &attr));

	p.name = "bad name";
	KUNIT_EXPECT_NOT_NULL(test, denali_vm_params_invalid(&p, &attr));
	KUNIT_EXPECT_EQ(test, attr, DENALI_A_VM_NAME);

	p.name = "ok";
	p.mem_size = 3;
	KUNIT_EXPECT_NOT_NULL(test, denali_vm_params_invalid(&p, &attr));
	KUNIT_EXPECT_EQ(test, attr, DENALI_A_VM_MEM_SIZE);

	p.mem_size = 16 * MIB;
	p.has_entry = true;
	p.entry = 0;
	KUNIT_EXPECT_NOT_NULL(test, denali_vm_params_invalid(&p, &attr));
	KUNIT_EXPECT_EQ(test, attr, DENALI_A_VM_ENTRY);

	p.entry = 0x100000;
	KUNIT_EXPECT_NULL(test, denali_vm_params_invalid(&p, &attr));

	p.cmdline = "bad\ncmdline";
	KUNIT_EXPECT_NOT_NULL(test, denali_vm_params_invalid(&p, &attr));
	KUNIT_EXPECT_EQ(test, attr, DENALI_A_VM_CMDLINE);

	p.cmdline = "console=ttyS0";
	KUNIT_EXPECT_NULL(test, denali_vm_params_invalid(&p, &attr));
}

/*
 * Fill @vm's message into a roomy skb: its length, or a negative errno.
 * With @skbp the caller gets the skb to free when the fill worked.
 */
static int fill_len(struct kunit *test, struct denali_vm *vm,
		    struct sk_buff **skbp)
{
	struct sk_buff *skb = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	ret = denali_nl_fill_vm(skb, vm, 0, 0, 0, DENALI_CMD_VM_GET);
	if (!ret)
		ret = nlmsg_hdr(skb)->nlmsg_len;
	if (skbp && ret > 0)
		*skbp = skb;
	else
		nlmsg_free(skb);
	return ret;
}

/* Count the u64 entries of a nest that hold @val, and all entries. */
static int nest_count(const struct nlattr *nest, u64 val, int *all)
{
	const struct nlattr *a;
	int rem, n = 0;

	*all = 0;
	nla_for_each_nested(a, nest, rem) {
		(*all)++;
		n += nla_len(a) == sizeof(u64) && nla_get_u64(a) == val;
	}
	return n;
}

/*
 * The message of a VM with everything at its longest (name, command line,
 * any crash reason, counters at U64_MAX) fits the size replies and dumps
 * reserve, and carries what it should.
 */
static void fill_vm_test(struct kunit *test)
{
	struct denali_vm *vm = kunit_kzalloc(test, sizeof(*vm), GFP_KERNEL);
	int room = nlmsg_total_size(genlmsg_total_size(denali_nl_vm_msg_size()));
	struct nlattr *tb[DENALI_A_MAX + 1];
	struct sk_buff *skb;
	int len, all;
	u32 reason;

	KUNIT_ASSERT_NOT_NULL(test, vm);
	vm->id = U32_MAX;
	memset(vm->name, 'n', DENALI_VM_NAME_MAX);
	memset(vm->cmdline, 'c', DENALI_CMDLINE_MAX - 1);
	memset(&vm->stats, 0xff, sizeof(vm->stats));
	vm->state = DENALI_VM_STATE_CRASHED;
	for (reason = 0; reason < __DENALI_CRASH_MAX; reason++) {
		vm->crash_reason = reason;
		len = fill_len(test, vm, NULL);
		KUNIT_EXPECT_GT_MSG(test, len, 0, "crash reason %u", reason);
		KUNIT_EXPECT_LE_MSG(test, len, room, "crash reason %u", reason);
	}
	KUNIT_EXPECT_LT(test, room, (int)PAGE_SIZE);

	len = fill_len(test, vm, &skb);
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_ASSERT_EQ(test, nlmsg_parse(nlmsg_hdr(skb), GENL_HDRLEN, tb,
					  DENALI_A_MAX, NULL, NULL), 0);
	KUNIT_ASSERT_NOT_NULL(test, tb[DENALI_A_VM_CMDLINE]);
	KUNIT_EXPECT_STREQ(test, (char *)nla_data(tb[DENALI_A_VM_CMDLINE]),
			   vm->cmdline);
	KUNIT_EXPECT_NULL(test, tb[DENALI_A_VM_WORKER]);	/* never started */
	KUNIT_ASSERT_NOT_NULL(test, tb[DENALI_A_VM_QUANTA]);
	KUNIT_EXPECT_EQ(test, nla_get_u64(tb[DENALI_A_VM_QUANTA]), U64_MAX);
	KUNIT_ASSERT_NOT_NULL(test, tb[DENALI_A_VM_WAKE_IRQ]);
	KUNIT_ASSERT_NOT_NULL(test, tb[DENALI_A_VM_EXITS]);
	KUNIT_EXPECT_EQ(test, nest_count(tb[DENALI_A_VM_EXITS], U64_MAX, &all),
			__DENALI_EXIT_MAX - 1);
	KUNIT_EXPECT_EQ(test, all, __DENALI_EXIT_MAX - 1);
	KUNIT_ASSERT_NOT_NULL(test, tb[DENALI_A_VM_HYPERCALLS]);
	KUNIT_EXPECT_EQ(test, nest_count(tb[DENALI_A_VM_HYPERCALLS], U64_MAX, &all),
			__DENALI_HC_MAX - 1);
	KUNIT_EXPECT_EQ(test, all, __DENALI_HC_MAX - 1);
	nlmsg_free(skb);

	/* No command line: no attribute. */
	vm->cmdline[0] = '\0';
	len = fill_len(test, vm, &skb);
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_ASSERT_EQ(test, nlmsg_parse(nlmsg_hdr(skb), GENL_HDRLEN, tb,
					  DENALI_A_MAX, NULL, NULL), 0);
	KUNIT_EXPECT_NULL(test, tb[DENALI_A_VM_CMDLINE]);
	nlmsg_free(skb);
}

static struct kunit_case denali_ctl_cases[] = {
	KUNIT_CASE_PARAM(name_test, name_gen_params),
	KUNIT_CASE_PARAM(mem_size_test, mem_gen_params),
	KUNIT_CASE(entry_test),
	KUNIT_CASE_PARAM(cmdline_test, cmdline_gen_params),
	KUNIT_CASE(cmdline_len_test),
	KUNIT_CASE(params_attr_test),
	KUNIT_CASE(fill_vm_test),
	{}
};

static struct kunit_suite denali_ctl_suite = {
	.name = "denali_ctl",
	.test_cases = denali_ctl_cases,
};

kunit_test_suite(denali_ctl_suite);
