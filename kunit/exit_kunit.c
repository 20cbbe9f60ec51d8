// SPDX-License-Identifier: GPL-2.0
/* KUnit: VT-x exit-reason decoding and the crash-reason names. */
#include <kunit/test.h>
#include <asm/vmx.h>
#include <linux/denali.h>

#include "core/vcpu.h"

struct exit_case {
	u32 exit_reason;
	u32 reason, crash;
};

static const struct exit_case exit_cases[] = {
	{ EXIT_REASON_EXTERNAL_INTERRUPT, DN_EXIT_NONE, DENALI_CRASH_NONE },
	{ EXIT_REASON_EXCEPTION_NMI, DN_EXIT_NONE, DENALI_CRASH_NONE },
	{ EXIT_REASON_VMCALL, DN_EXIT_HYPERCALL, DENALI_CRASH_NONE },
	{ EXIT_REASON_HLT, DN_EXIT_HLT, DENALI_CRASH_NONE },
	{ EXIT_REASON_CPUID, DN_EXIT_CPUID, DENALI_CRASH_NONE },
	{ EXIT_REASON_MSR_READ, DN_EXIT_RDMSR, DENALI_CRASH_NONE },
	{ EXIT_REASON_EPT_VIOLATION, DN_EXIT_NPF, DENALI_CRASH_NONE },
	{ EXIT_REASON_TRIPLE_FAULT, DN_EXIT_KILL, DENALI_CRASH_TRIPLE_FAULT },
	{ EXIT_REASON_IO_INSTRUCTION, DN_EXIT_KILL, DENALI_CRASH_IO },
	{ EXIT_REASON_MSR_WRITE, DN_EXIT_KILL, DENALI_CRASH_MSR },
	{ EXIT_REASON_INVD, DN_EXIT_KILL, DENALI_CRASH_INVD },
	{ EXIT_REASON_WBINVD, DN_EXIT_KILL, DENALI_CRASH_INVD },
	{ EXIT_REASON_XSETBV, DN_EXIT_KILL, DENALI_CRASH_XSETBV },
	{ EXIT_REASON_VMON, DN_EXIT_KILL, DENALI_CRASH_VIRT_INSN },
	{ EXIT_REASON_VMREAD, DN_EXIT_KILL, DENALI_CRASH_VIRT_INSN },
	{ EXIT_REASON_INVEPT, DN_EXIT_KILL, DENALI_CRASH_VIRT_INSN },
	{ EXIT_REASON_CR_ACCESS, DN_EXIT_KILL, DENALI_CRASH_CR_ACCESS },
	{ EXIT_REASON_DR_ACCESS, DN_EXIT_KILL, DENALI_CRASH_DR_ACCESS },
	{ EXIT_REASON_RDPMC, DN_EXIT_KILL, DENALI_CRASH_PRIV_INSN },
	{ EXIT_REASON_MWAIT_INSTRUCTION, DN_EXIT_KILL, DENALI_CRASH_PRIV_INSN },
	{ EXIT_REASON_INVALID_STATE, DN_EXIT_KILL, DENALI_CRASH_INVALID_STATE },
	{ EXIT_REASON_EPT_MISCONFIG, DN_EXIT_KILL, DENALI_CRASH_UNKNOWN_EXIT },
	{ EXIT_REASON_INIT_SIGNAL, DN_EXIT_KILL, DENALI_CRASH_UNKNOWN_EXIT },
	{ 0xffff, DN_EXIT_KILL, DENALI_CRASH_UNKNOWN_EXIT },
	{ 1000, DN_EXIT_KILL, DENALI_CRASH_UNKNOWN_EXIT },
	{ BIT(31) | EXIT_REASON_INVALID_STATE, DN_EXIT_KILL, DENALI_CRASH_INVALID_STATE },
	{ BIT(31) | EXIT_REASON_VMCALL, DN_EXIT_KILL, DENALI_CRASH_INVALID_STATE },
};

static void exit_case_desc(const struct exit_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "exit reason 0x%x", c->exit_reason);
}

KUNIT_ARRAY_PARAM(exit, exit_cases, exit_case_desc);

/* Each exit reason maps to its action, and anything unlisted or failed kills. */
static void vmx_classify_test(struct kunit *test)
{
	const struct exit_case *c = test->param_value;
	struct denali_exit e = { .reason = 99, .crash = 99 };

	denali_vmx_classify(c->exit_reason, &e);
	KUNIT_EXPECT_EQ(test, e.reason, c->reason);
	KUNIT_EXPECT_EQ(test, e.crash, c->crash);
	KUNIT_EXPECT_EQ(test, e.hw, (u64)c->exit_reason);
}

/* Every crash reason has its own name; out-of-range ones say "unknown". */
static void crash_names_test(struct kunit *test)
{
	u32 i, j;

	for (i = 0; i < __DENALI_CRASH_MAX; i++) {
		KUNIT_EXPECT_STRNEQ(test, denali_crash_name(i), "unknown");
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, denali_crash_name(i), denali_crash_name(j));
	}
	KUNIT_EXPECT_STREQ(test, denali_crash_name(__DENALI_CRASH_MAX), "unknown");
	KUNIT_EXPECT_STREQ(test, denali_crash_name(U32_MAX), "unknown");
	KUNIT_EXPECT_STREQ(test, denali_crash_name(DENALI_CRASH_TRIPLE_FAULT), "triple_fault");
}

static struct kunit_case denali_exit_cases[] = {
	KUNIT_CASE_PARAM(vmx_classify_test, exit_gen_params),
	KUNIT_CASE(crash_names_test),
	{}
};

static struct kunit_suite denali_exit_suite = {
	.name = "denali_exit",
	.test_cases = denali_exit_cases,
};

kunit_test_suite(denali_exit_suite);
