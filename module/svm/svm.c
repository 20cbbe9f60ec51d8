// SPDX-License-Identifier: GPL-2.0
/* AMD-V backend: capability checks (SVM with nested paging). */
#include <linux/types.h>
#include <linux/err.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/cpufeature.h>

#include "core/arch.h"
#include "core/npt.h"
#include "core/vcpu.h"

/* VM_CR.SVMDIS: firmware disabled SVM (APM Vol. 2, 15.30.1). */
#define DENALI_VM_CR_SVMDIS	BIT_ULL(4)

/* NPT entries are ordinary x86 page-table entries: P, RW, US. */
static const struct denali_npt_fmt npt_fmt = {
	.name = "npt",
	.table = 0x7,
	.leaf_rw = 0x7,
	.leaf_ro = 0x5,
	.present = 0x1,
};

static int svm_probe(void)
{
	u64 vm_cr;

	rdmsrl(MSR_VM_CR, vm_cr);
	if (vm_cr & DENALI_VM_CR_SVMDIS) {
		pr_err("AMD-V disabled by firmware (VM_CR.SVMDIS): not loading\n");
		return -ENODEV;
	}
	if (!boot_cpu_has(X86_FEATURE_NPT)) {
		pr_err("AMD-V without nested paging (NPT): not loading\n");
		return -ENODEV;
	}
	pr_info("AMD-V with nested paging, %u ASIDs%s\n", cpuid_ebx(0x8000000a),
		boot_cpu_has(X86_FEATURE_NRIPS) ? ", next-RIP save" : "");
	return 0;
}

/* EFER.SVME set means some other code enabled SVM on this CPU. */
static bool svm_in_use(void)
{
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	return efer & EFER_SVME;
}

static int svm_setup(void)
{
	return 0;
}

static void svm_unsetup(void)
{
}

static int svm_cpu_enable(void)
{
	return 0;
}

static void svm_cpu_disable(void)
{
}

static void svm_emergency_disable(void)
{
}

/* Running guests on AMD-V is issue 4; until then starting a VM is refused. */
static struct denali_vcpu *svm_vcpu_create(struct denali_vm *vm)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static void svm_vcpu_free(struct denali_vcpu *vcpu)
{
}

static int svm_vcpu_run(struct denali_vcpu *vcpu)
{
	return -EOPNOTSUPP;
}

static void svm_flush_vm(struct denali_vcpu *vcpu)
{
}

const struct denali_arch_ops denali_svm_ops = {
	.name = "svm",
	.vendor = "AMD-V",
	.npt_fmt = &npt_fmt,
	.npt_tables_writable = true,
	.hypercall_insn = { 0x0f, 0x01, 0xd9 },		/* vmmcall */
	.probe = svm_probe,
	.in_use = svm_in_use,
	.setup = svm_setup,
	.unsetup = svm_unsetup,
	.cpu_enable = svm_cpu_enable,
	.cpu_disable = svm_cpu_disable,
	.emergency_disable = svm_emergency_disable,
	.vcpu_create = svm_vcpu_create,
	.vcpu_free = svm_vcpu_free,
	.vcpu_run = svm_vcpu_run,
	.flush_vm = svm_flush_vm,
};
