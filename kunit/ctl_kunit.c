// SPDX-License-Identifier: GPL-2.0
/* KUnit: validation of VM creation parameters (names, memory sizes, entry). */
#include <kunit/test.h>
#include <linux/sizes.h>
#include <linux/denali.h>

#include "core/vm.h"

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

/* A refusal names the attribute it is about, checking name, then memory, then entry. */
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
}

static struct kunit_case denali_ctl_cases[] = {
	KUNIT_CASE_PARAM(name_test, name_gen_params),
	KUNIT_CASE_PARAM(mem_size_test, mem_gen_params),
	KUNIT_CASE(entry_test),
	KUNIT_CASE(params_attr_test),
	{}
};

static struct kunit_suite denali_ctl_suite = {
	.name = "denali_ctl",
	.test_cases = denali_ctl_cases,
};

kunit_test_suite(denali_ctl_suite);
