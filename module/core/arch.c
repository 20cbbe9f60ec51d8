// SPDX-License-Identifier: GPL-2.0
/* Chooses the hardware backend at load, takes the extension on every CPU, gives it back. */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/smp.h>
#include <linux/atomic.h>
#include <asm/cpufeature.h>
#include <asm/reboot.h>

#include "core/arch.h"
#include "core/guest.h"

const struct denali_arch_ops *denali_arch;
static enum cpuhp_state cpuhp_state;

static void check_in_use(void *info)
{
	atomic_t *busy = info;

	if (denali_arch->in_use())
		atomic_inc(busy);
}

static int denali_cpu_online(unsigned int cpu)
{
	int ret = denali_arch->cpu_enable();

	if (ret)
		pr_err("cannot enable %s on CPU %u (%d)\n", denali_arch->vendor, cpu, ret);
	return ret;
}

static int denali_cpu_offline(unsigned int cpu)
{
	denali_arch->cpu_disable();
	return 0;
}

/* Crash or kexec: leave VMX/SVM, or the next kernel may not boot. */
static void emergency_disable(void)
{
	if (denali_arch)
		denali_arch->emergency_disable();
}

/*
 * Pick VT-x or AMD-V from CPUID, let the backend check what it needs, and
 * refuse to share the extension with another hypervisor: one that already
 * entered VMX operation or set EFER.SVME on any online CPU owns it. Then
 * take it on every online CPU (and on CPUs that come online later).
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
		goto err_probe;
	/* Guests run with EFER.NXE (guest ABI 5), which a CPU without NX refuses. */
	if (!boot_cpu_has(X86_FEATURE_NX)) {
		pr_err("%s without no-execute pages (NX): not loading\n", denali_arch->vendor);
		ret = -ENODEV;
		goto err_probe;
	}

	cpus_read_lock();
	on_each_cpu(check_in_use, &busy, 1);
	cpus_read_unlock();
	if (atomic_read(&busy)) {
		pr_err("%s is already in use by another hypervisor (kvm?) on %d CPU(s); unload it first\n",
		       denali_arch->vendor, atomic_read(&busy));
		ret = -EBUSY;
		goto err_probe;
	}

	ret = denali_arch->setup();
	if (ret)
		goto err_probe;
	ret = denali_guest_init(denali_arch->npt_fmt, denali_arch->npt_tables_writable);
	if (ret)
		goto err_guest;
	cpu_emergency_register_virt_callback(emergency_disable);
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "denali:online", denali_cpu_online,
				denali_cpu_offline);
	if (ret < 0)
		goto err_cpuhp;
	cpuhp_state = ret;
	return 0;

err_cpuhp:
	cpu_emergency_unregister_virt_callback(emergency_disable);
	denali_guest_exit();
err_guest:
	denali_arch->unsetup();
err_probe:
	denali_arch = NULL;
	return ret;
}

void denali_arch_exit(void)
{
	cpuhp_remove_state(cpuhp_state);
	cpu_emergency_unregister_virt_callback(emergency_disable);
	denali_guest_exit();
	denali_arch->unsetup();
	denali_arch = NULL;
}
