// SPDX-License-Identifier: GPL-2.0
/* AMD-V backend: capability checks (SVM with nested paging). */
#include <linux/types.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/cpufeature.h>

#include "core/arch.h"

/* VM_CR.SVMDIS: firmware disabled SVM (APM Vol. 2, 15.30.1). */
#define DENALI_VM_CR_SVMDIS	BIT_ULL(4)

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

const struct denali_arch_ops denali_svm_ops = {
	.name = "svm",
	.probe = svm_probe,
	.in_use = svm_in_use,
};
