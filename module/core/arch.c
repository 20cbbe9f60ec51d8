// SPDX-License-Identifier: GPL-2.0
/* Chooses the hardware backend at load and refuses cleanly when none is usable. */
#include <linux/cpu.h>
#include <linux/smp.h>
#include <linux/atomic.h>
#include <asm/cpufeature.h>

#include "core/arch.h"

const struct denali_arch_ops *denali_arch;

static void check_in_use(void *info)
{
	atomic_t *busy = info;

	if (denali_arch->in_use())
		atomic_inc(busy);
}

/*
 * Pick VT-x or AMD-V from CPUID, let the backend check what it needs, and
 * refuse to share the extension with another hypervisor: one that already
 * entered VMX operation or set EFER.SVME on any online CPU owns it.
 */
int denali_arch_init(void)
{
	atomic_t busy = ATOMIC_INIT(0);
	int ret;

	if (boot_cpu_has(X86_FEATURE_VMX)) {
		denali_arch = &denali_vmx_ops;
	} else if (boot_cpu_has(X86_FEATURE_SVM)) {
		denali_arch = &denali_svm_ops;
	} else {
		pr_err("no usable VT-x or AMD-V: the CPU reports neither vmx nor svm (or firmware disabled it)\n");
		return -ENODEV;
	}

	ret = denali_arch->probe();
	if (ret)
		goto err;

	cpus_read_lock();
	on_each_cpu(check_in_use, &busy, 1);
	cpus_read_unlock();
	if (atomic_read(&busy)) {
		pr_err("%s is already in use by another hypervisor (kvm?) on %d CPU(s); unload it first\n",
		       denali_arch == &denali_vmx_ops ? "VT-x" : "AMD-V",
		       atomic_read(&busy));
		ret = -EBUSY;
		goto err;
	}
	return 0;
err:
	denali_arch = NULL;
	return ret;
}

void denali_arch_exit(void)
{
	denali_arch = NULL;
}
