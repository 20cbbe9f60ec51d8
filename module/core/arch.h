/* SPDX-License-Identifier: GPL-2.0 */
/* The backend ops table: VT-x (vmx/) and AMD-V (svm/) behind one interface. */
#ifndef _DENALI_ARCH_H
#define _DENALI_ARCH_H

#include <linux/types.h>

struct denali_vcpu;
struct denali_vm;
struct denali_npt_fmt;

/**
 * struct denali_arch_ops - what a hardware backend provides
 * @name: "vmx" or "svm", as shown to users
 * @vendor: "VT-x" or "AMD-V", for messages
 * @npt_fmt: the entry format of its nested page tables (EPT or NPT)
 * @npt_tables_writable: map the shared guest page tables writable in the
 *	nested tables (AMD-V's nested walk wants it; VT-x maps them read-only)
 * @quantum_timer: the backend bounds every entry by the quantum itself
 *	(the VMX preemption timer); else the scheduler arms an hrtimer
 * @hypercall_insn: the 3-byte instruction the trampoline holds
 * @probe: check, on the boot CPU, that the CPU has everything the backend
 *	needs (and that firmware left it enabled). On failure, print one
 *	pr_err line saying what is missing and return a negative errno.
 * @in_use: on the calling CPU, whether another hypervisor already owns
 *	the extension (VMX operation or EFER.SVME entered by someone else).
 * @setup: once at load, after @probe: global state (ASID/VPID spaces...).
 * @unsetup: undo @setup.
 * @cpu_enable: on the calling CPU, enter VMX operation / set EFER.SVME.
 *	Called for each online CPU at load and for CPUs coming online.
 * @cpu_disable: on the calling CPU, leave it again, after making sure no
 *	VM's control block is still loaded there. Unload and CPU offline.
 * @emergency_disable: crash or kexec: leave VMX/SVM on this CPU now, in
 *	NMI context, touching nothing that may be locked.
 * @vcpu_create: allocate and initialise the VM's control block (VMCS,
 *	VMCB) for the entry state; returns the generic vCPU or ERR_PTR.
 * @vcpu_free: release it; the VM's CPU-side translations are gone already.
 * @vcpu_run: enter the guest once and return after the next VM exit with
 *	@vcpu->exit, rip, rflags filled in. Called preemptible, from the VM's
 *	thread; handles preemption, interrupts and NMIs itself. Returns 0,
 *	or a negative errno if the hardware refused to enter.
 * @flush_vm: make every CPU forget translations of this VM (before its
 *	nested tables and pages are freed and reused).
 */
struct denali_arch_ops {
	const char *name;
	const char *vendor;
	const struct denali_npt_fmt *npt_fmt;
	bool npt_tables_writable;
	bool quantum_timer;
	u8 hypercall_insn[3];
	int (*probe)(void);
	bool (*in_use)(void);
	int (*setup)(void);
	void (*unsetup)(void);
	int (*cpu_enable)(void);
	void (*cpu_disable)(void);
	void (*emergency_disable)(void);
	struct denali_vcpu *(*vcpu_create)(struct denali_vm *vm);
	void (*vcpu_free)(struct denali_vcpu *vcpu);
	int (*vcpu_run)(struct denali_vcpu *vcpu);
	void (*flush_vm)(struct denali_vcpu *vcpu);
};

extern const struct denali_arch_ops denali_vmx_ops;
extern const struct denali_arch_ops denali_svm_ops;

/* The backend chosen at load. */
extern const struct denali_arch_ops *denali_arch;

int denali_arch_init(void);
void denali_arch_exit(void);

#endif /* _DENALI_ARCH_H */
