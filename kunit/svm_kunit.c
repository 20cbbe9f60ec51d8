// SPDX-License-Identifier: GPL-2.0
/* KUnit: AMD-V exit-code decoding and segment attributes in the VMCB format. */
#include <kunit/test.h>
#include <asm/svm.h>
#include <asm/trapnr.h>
#include <linux/denali.h>

#include "core/guest.h"
#include "core/vcpu.h"
#include "svm/svm.h"

struct svm_exit_case {
	u64 code, info1;
	u32 reason, crash;
	int raise;
};

/* An exit that kills with crash reason @c. */
#define KILLS(code, info, c)	{ code, info, DN_EXIT_KILL, DENALI_CRASH_##c, -1 }

static const struct svm_exit_case svm_exit_cases[] = {
	{ SVM_EXIT_INTR, 0, DN_EXIT_NONE, DENALI_CRASH_NONE, -1 },
	{ SVM_EXIT_NMI, 0, DN_EXIT_NONE, DENALI_CRASH_NONE, -1 },
	{ SVM_EXIT_SMI, 0, DN_EXIT_NONE, DENALI_CRASH_NONE, -1 },
	{ SVM_EXIT_INIT, 0, DN_EXIT_NONE, DENALI_CRASH_NONE, -1 },
	{ SVM_EXIT_VMMCALL, 0, DN_EXIT_HYPERCALL, DENALI_CRASH_NONE, -1 },
	{ SVM_EXIT_HLT, 0, DN_EXIT_HLT, DENALI_CRASH_NONE, -1 },
	{ SVM_EXIT_CPUID, 0, DN_EXIT_CPUID, DENALI_CRASH_NONE, -1 },
	{ SVM_EXIT_MSR, 0, DN_EXIT_RDMSR, DENALI_CRASH_NONE, -1 },
	KILLS(SVM_EXIT_MSR, 1, MSR),
	{ SVM_EXIT_NPF, 6, DN_EXIT_NPF, DENALI_CRASH_NONE, -1 },
	KILLS(SVM_EXIT_SHUTDOWN, 0, TRIPLE_FAULT),
	KILLS(SVM_EXIT_IOIO, 0x800010, IO),
	KILLS(SVM_EXIT_INVD, 0, INVD),
	KILLS(SVM_EXIT_WBINVD, 0, INVD),
	KILLS(SVM_EXIT_XSETBV, 0, XSETBV),
	KILLS(SVM_EXIT_VMRUN, 0, VIRT_INSN),
	KILLS(SVM_EXIT_VMLOAD, 0, VIRT_INSN),
	KILLS(SVM_EXIT_CLGI, 0, VIRT_INSN),
	KILLS(SVM_EXIT_SKINIT, 0, VIRT_INSN),
	KILLS(SVM_EXIT_INVLPGA, 0, VIRT_INSN),
	KILLS(SVM_EXIT_WRITE_CR0, 0, CR_ACCESS),
	KILLS(SVM_EXIT_WRITE_CR3, 0, CR_ACCESS),
	KILLS(SVM_EXIT_WRITE_CR4, 0, CR_ACCESS),
	KILLS(SVM_EXIT_WRITE_CR8, 0, CR_ACCESS),
	KILLS(SVM_EXIT_READ_CR8, 0, CR_ACCESS),
	KILLS(SVM_EXIT_CR0_SEL_WRITE, 0, CR_ACCESS),
	KILLS(SVM_EXIT_READ_DR0, 0, DR_ACCESS),
	KILLS(SVM_EXIT_WRITE_DR7, 0, DR_ACCESS),
	KILLS(SVM_EXIT_RDPMC, 0, PRIV_INSN),
	KILLS(SVM_EXIT_MONITOR, 0, PRIV_INSN),
	KILLS(SVM_EXIT_MWAIT, 0, PRIV_INSN),
	{ SVM_EXIT_RDTSCP, 0, DN_EXIT_NONE, DENALI_CRASH_NONE, X86_TRAP_UD },
	{ SVM_EXIT_EXCP_BASE + X86_TRAP_DB, 0, DN_EXIT_NONE, DENALI_CRASH_NONE, X86_TRAP_DB },
	{ SVM_EXIT_EXCP_BASE + X86_TRAP_AC, 0, DN_EXIT_NONE, DENALI_CRASH_NONE, X86_TRAP_AC },
	KILLS(SVM_EXIT_EXCP_BASE + X86_TRAP_PF, 0, UNKNOWN_EXIT),
	KILLS(SVM_EXIT_READ_CR0, 0, UNKNOWN_EXIT),
	KILLS(SVM_EXIT_TASK_SWITCH, 0, UNKNOWN_EXIT),
	KILLS(SVM_EXIT_FERR_FREEZE, 0, UNKNOWN_EXIT),
	KILLS(SVM_EXIT_VINTR, 0, UNKNOWN_EXIT),
	KILLS(SVM_EXIT_NPF - 1, 0, UNKNOWN_EXIT),
	KILLS(SVM_EXIT_NPF + 1, 0, UNKNOWN_EXIT),
	KILLS((u64)SVM_EXIT_ERR, 0, INVALID_STATE),
	KILLS((u64)-2, 0, UNKNOWN_EXIT),
	KILLS(1ULL << 32 | SVM_EXIT_HLT, 0, UNKNOWN_EXIT),
};

static void svm_exit_desc(const struct svm_exit_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "exit code 0x%llx info 0x%llx", c->code, c->info1);
}

KUNIT_ARRAY_PARAM(svm_exit, svm_exit_cases, svm_exit_desc);

/* Each exit code maps to its action; unlisted, failed or out-of-range ones kill. */
static void svm_classify_test(struct kunit *test)
{
	const struct svm_exit_case *c = test->param_value;
	struct denali_exit e = { .reason = 99, .crash = 99 };

	KUNIT_EXPECT_EQ(test, denali_svm_classify(c->code, c->info1, &e), c->raise);
	KUNIT_EXPECT_EQ(test, e.reason, c->reason);
	KUNIT_EXPECT_EQ(test, e.crash, c->crash);
	KUNIT_EXPECT_EQ(test, e.hw, c->code);
}

/* The entry state's access rights convert to the VMCB's 12-bit form. */
static void svm_seg_attrib_test(struct kunit *test)
{
	/* P, DPL 0, code exec/read accessed, L, G */
	KUNIT_EXPECT_EQ(test, denali_svm_seg_attrib(DENALI_AR_CODE64), 0xa9b);
	/* P, DPL 0, data read/write accessed, D/B, G */
	KUNIT_EXPECT_EQ(test, denali_svm_seg_attrib(DENALI_AR_DATA), 0xc93);
	KUNIT_EXPECT_EQ(test, denali_svm_seg_attrib(DENALI_AR_TSS64), 0x08b);
	/* Unusable: not present, nothing else. */
	KUNIT_EXPECT_EQ(test, denali_svm_seg_attrib(BIT(16) | 0x82), 0);
	/* AVL, L, D/B, G each land in 11:8. */
	KUNIT_EXPECT_EQ(test, denali_svm_seg_attrib(BIT(12)), BIT(8));
	KUNIT_EXPECT_EQ(test, denali_svm_seg_attrib(BIT(13)), BIT(9));
	KUNIT_EXPECT_EQ(test, denali_svm_seg_attrib(BIT(14)), BIT(10));
	KUNIT_EXPECT_EQ(test, denali_svm_seg_attrib(BIT(15)), BIT(11));
	/* The limit nibble (11:8 in VMX's form) is not part of it. */
	KUNIT_EXPECT_EQ(test, denali_svm_seg_attrib(0xf00), 0);
	KUNIT_EXPECT_EQ(test, denali_svm_seg_attrib(DENALI_AR_CODE64) & SVM_SELECTOR_L_MASK,
			SVM_SELECTOR_L_MASK);
}

static struct kunit_case denali_svm_cases[] = {
	KUNIT_CASE_PARAM(svm_classify_test, svm_exit_gen_params),
	KUNIT_CASE(svm_seg_attrib_test),
	{}
};

static struct kunit_suite denali_svm_suite = {
	.name = "denali_svm",
	.test_cases = denali_svm_cases,
};

kunit_test_suite(denali_svm_suite);
