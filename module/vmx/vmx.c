// SPDX-License-Identifier: GPL-2.0
/* VT-x backend: VMX operation per CPU, one VMCS per VM, EPT, VPID, the exit table. */
#include <linux/types.h>
#include <linux/slab.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/idr.h>
#include <linux/list.h>
#include <linux/err.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/vmx.h>
#include <asm/tlbflush.h>
#include <asm/desc.h>
#include <asm/debugreg.h>
#include <asm/apic.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/processor.h>
#include <asm/tsc.h>
#include <kunit/visibility.h>

#include "core/arch.h"
#include "core/guest.h"
#include "core/run.h"
#include "core/sched.h"
#include "core/npt.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "vmx/vmcs.h"
#include "vmx/vmenter.h"

/* IA32_VMX_BASIC (SDM Vol. 3 A.1): revision ID in 30:0, TRUE_* MSRs if bit 55. */
#define BASIC_REVISION(b)	((u32)(b) & 0x7fffffff)
#define BASIC_TRUE_CTLS		BIT_ULL(55)
/* IA32_VMX_MISC (A.6): the preemption timer rate in 4:0. */
#define MISC_PREEMPTION_TIMER_RATE	0x1f
/* IA32_VMX_EPT_VPID_CAP (A.10) */
#define EPT_CAP_INVEPT_SINGLE	BIT_ULL(25)
#define EPT_CAP_INVEPT_GLOBAL	BIT_ULL(26)
#define VPID_CAP_INVVPID	BIT_ULL(32)
#define VPID_CAP_INVVPID_SINGLE	BIT_ULL(41)
#define VPID_CAP_INVVPID_ALL	BIT_ULL(42)
/* EPTP (24.6.11): write-back paging structures, 4-level walk; A/D flags off. */
#define EPTP_WB_4LEVEL		(6 | (3 << 3))
/* EPT entries (28.3.2): read, write, execute; memory type in 5:3 of leaves. */
#define EPT_R			BIT_ULL(0)
#define EPT_W			BIT_ULL(1)
#define EPT_X			BIT_ULL(2)
#define EPT_MT_WB		(6ULL << 3)
/* VM-exit interruption information (24.9.2): valid, type NMI = 2. */
#define INTR_INFO_VALID		BIT(31)
#define INTR_INFO_TYPE(i)	(((i) >> 8) & 7)
#define INTR_TYPE_NMI		2
/* DR7 after reset and after every VM exit (SDM 27.5.1): only bit 10 set. */
#define DR7_RESET		0x400UL
/* Basic exit reason in 15:0; bit 31 set: the VM entry failed. */
#define EXIT_REASON_ENTRY_FAIL	BIT(31)

/* The EPT entry format (exported for the KUnit table-building tests). */
const struct denali_npt_fmt denali_ept_fmt = {
	.name = "ept",
	.table = EPT_R | EPT_W | EPT_X,
	.leaf_rw = EPT_R | EPT_W | EPT_X | EPT_MT_WB,
	.leaf_ro = EPT_R | EPT_MT_WB,
	.present = EPT_R | EPT_W | EPT_X,
};
EXPORT_SYMBOL_IF_KUNIT(denali_ept_fmt);

/* Set up once from the capability MSRs. */
static struct {
	u32 revision;
	u32 pin, cpu, cpu2, exit, entry;
	u32 quantum_ticks;		/* VMX preemption timer value per entry */
	bool vpid, invept_single, invept_global, invvpid_single;
	void *msr_bitmap;		/* all ones: every RDMSR/WRMSR exits */
} vmx_conf;

static DEFINE_IDA(vpid_ida);

/* Per CPU: VMXON region, whether we are in VMX operation, the current VMCS. */
static DEFINE_PER_CPU(void *, vmxon_region);
static DEFINE_PER_CPU(bool, vmx_on);
static DEFINE_PER_CPU(void *, current_vmcs);
static DEFINE_PER_CPU(struct list_head, loaded_vmcss);

struct vcpu_vmx {
	struct denali_vcpu vcpu;
	void *vmcs;			/* one page */
	int cpu;			/* where the VMCS is active, -1 if clear */
	struct list_head loaded;	/* in that CPU's loaded_vmcss */
	bool launched;
	u16 vpid;
	u64 eptp;
	u64 guest_kernel_gs_base;
	unsigned long guest_cr2;	/* VT-x does not switch CR2 */
	u64 host_debugctl;		/* read at quantum start and on a move */
	bool host_debugctl_valid;
	bool vpid_stale;		/* moved here: this CPU may hold old translations */
	u64 loaded_cr3;			/* the CR3 the module last put in the VMCS */
};

static struct vcpu_vmx *to_vmx(struct denali_vcpu *vcpu)
{
	return container_of(vcpu, struct vcpu_vmx, vcpu);
}

/* The one failure path of vmread/vmwrite: a module bug, never the guest's doing. */
void denali_vmx_insn_failed(const char *insn, unsigned long field)
{
	WARN_ONCE(1, "denali: %s of VMCS field 0x%lx failed\n", insn, field);
}

static int vmx_insn(const char *name, bool fail)
{
	if (unlikely(fail)) {
		WARN_ONCE(1, "denali: %s failed\n", name);
		return -EIO;
	}
	return 0;
}

/* VMPTRLD or VMCLEAR of @vmcs, by its physical address. */
#define VMCS_PTR_INSN(insn, vmcs) ({					\
	u64 __pa = __pa(vmcs);						\
	bool __fail;							\
									\
	asm volatile(insn " %[pa]\n\tsetna %[fail]"			\
		     : [fail] "=qm"(__fail) : [pa] "m"(__pa) : "cc", "memory"); \
	__fail;								\
})

static int vmcs_load_ptr(void *vmcs)
{
	return vmx_insn(__func__, VMCS_PTR_INSN("vmptrld", vmcs));
}

static int vmcs_clear(void *vmcs)
{
	return vmx_insn(__func__, VMCS_PTR_INSN("vmclear", vmcs));
}

static void ept_invalidate(unsigned long type, u64 eptp)
{
	struct { u64 eptp, gpa; } desc = { eptp, 0 };
	bool fail;

	asm volatile("invept %[desc], %[type]\n\tsetna %[fail]"
		     : [fail] "=qm"(fail) : [desc] "m"(desc), [type] "r"(type) : "cc", "memory");
	vmx_insn(__func__, fail);
}

static void vpid_invalidate(unsigned long type, u16 vpid)
{
	struct { u64 vpid, gva; } desc = { vpid, 0 };
	bool fail;

	asm volatile("invvpid %[desc], %[type]\n\tsetna %[fail]"
		     : [fail] "=qm"(fail) : [desc] "m"(desc), [type] "r"(type) : "cc", "memory");
	vmx_insn(__func__, fail);
}

/*
 * The controls: what must be on (@min) and what is welcome (@opt), checked
 * against the allowed-0 (low half) and allowed-1 (high half) settings the
 * capability MSR reports (SDM A.3-A.5).
 */
static int adjust_controls(u32 min, u32 opt, u32 msr, u32 *out)
{
	u32 lo, hi, ctl;

	rdmsr(msr, lo, hi);
	ctl = ((min | opt) & hi) | lo;
	if (min & ~ctl)
		return -EIO;
	*out = ctl;
	return 0;
}

static int vmx_probe(void)
{
	u64 procbased, ept_cap;
	u32 procbased2;

	rdmsrl(MSR_IA32_VMX_PROCBASED_CTLS, procbased);
	if (!((procbased >> 32) & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS)) {
		pr_err("VT-x without secondary processor controls: no EPT, not loading\n");
		return -ENODEV;
	}
	rdmsrl(MSR_IA32_VMX_PROCBASED_CTLS2, procbased);
	procbased2 = procbased >> 32;
	if (!(procbased2 & SECONDARY_EXEC_ENABLE_EPT)) {
		pr_err("VT-x without EPT (extended page tables): not loading\n");
		return -ENODEV;
	}
	if (!(procbased2 & SECONDARY_EXEC_UNRESTRICTED_GUEST)) {
		pr_err("VT-x without unrestricted guest: not loading\n");
		return -ENODEV;
	}
	rdmsrl(MSR_IA32_VMX_EPT_VPID_CAP, ept_cap);
	if (!(ept_cap & VMX_EPT_PAGE_WALK_4_BIT) || !(ept_cap & VMX_EPTP_WB_BIT) ||
	    !(ept_cap & VMX_EPT_INVEPT_BIT)) {
		pr_err("VT-x EPT lacks 4-level walks, write-back structures or INVEPT: not loading\n");
		return -ENODEV;
	}
	pr_info("VT-x with EPT, unrestricted guest%s\n",
		(procbased2 & SECONDARY_EXEC_ENABLE_VPID) ? ", VPID" : "");
	return 0;
}

/* CR4.VMXE set means some other code entered VMX operation on this CPU. */
static bool vmx_in_use(void)
{
	return cr4_read_shadow() & X86_CR4_VMXE;
}

static int vmx_setup(void)
{
	u64 basic, cap, misc;
	bool true_ctls;
	int cpu, ret;

	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	rdmsrl(MSR_IA32_VMX_EPT_VPID_CAP, cap);
	vmx_conf.revision = BASIC_REVISION(basic);
	true_ctls = basic & BASIC_TRUE_CTLS;

	ret = adjust_controls(PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING |
			      PIN_BASED_VMX_PREEMPTION_TIMER, 0,
			      true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
					  MSR_IA32_VMX_PINBASED_CTLS, &vmx_conf.pin);
	ret = ret ?: adjust_controls(CPU_BASED_HLT_EXITING | CPU_BASED_CR3_LOAD_EXITING |
				     CPU_BASED_CR8_LOAD_EXITING | CPU_BASED_CR8_STORE_EXITING |
				     CPU_BASED_MOV_DR_EXITING | CPU_BASED_UNCOND_IO_EXITING |
				     CPU_BASED_USE_MSR_BITMAPS | CPU_BASED_MWAIT_EXITING |
				     CPU_BASED_MONITOR_EXITING | CPU_BASED_RDPMC_EXITING |
				     CPU_BASED_ACTIVATE_SECONDARY_CONTROLS, 0,
				     true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
						 MSR_IA32_VMX_PROCBASED_CTLS, &vmx_conf.cpu);
	ret = ret ?: adjust_controls(SECONDARY_EXEC_ENABLE_EPT |
				     SECONDARY_EXEC_UNRESTRICTED_GUEST,
				     SECONDARY_EXEC_ENABLE_VPID | SECONDARY_EXEC_WBINVD_EXITING,
				     MSR_IA32_VMX_PROCBASED_CTLS2, &vmx_conf.cpu2);
	ret = ret ?: adjust_controls(VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_LOAD_IA32_EFER, 0,
				     true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
						 MSR_IA32_VMX_EXIT_CTLS, &vmx_conf.exit);
	ret = ret ?: adjust_controls(VM_ENTRY_IA32E_MODE | VM_ENTRY_LOAD_IA32_EFER, 0,
				     true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
						 MSR_IA32_VMX_ENTRY_CTLS, &vmx_conf.entry);
	if (ret) {
		pr_err("VT-x lacks a VM-execution control the Denali ISA needs\n");
		return ret;
	}
	/* Interrupts stay pending across the exit and reach Linux when it enables them. */
	vmx_conf.exit &= ~VM_EXIT_ACK_INTR_ON_EXIT;
	/* VPIDs only with INVVPID to flush them, single-context or all-context. */
	vmx_conf.vpid = (vmx_conf.cpu2 & SECONDARY_EXEC_ENABLE_VPID) &&
			(cap & VPID_CAP_INVVPID) &&
			(cap & (VPID_CAP_INVVPID_SINGLE | VPID_CAP_INVVPID_ALL));
	if (!vmx_conf.vpid)
		vmx_conf.cpu2 &= ~SECONDARY_EXEC_ENABLE_VPID;
	/* The preemption timer counts down once every 2^rate TSC ticks (SDM 25.5.1). */
	rdmsrl(MSR_IA32_VMX_MISC, misc);
	vmx_conf.quantum_ticks = clamp_t(u64, ((u64)tsc_khz * max(denali_quantum_us, 10U) / 1000) >>
					 (misc & MISC_PREEMPTION_TIMER_RATE), 1000, U32_MAX);
	vmx_conf.invept_single = cap & EPT_CAP_INVEPT_SINGLE;
	vmx_conf.invept_global = cap & EPT_CAP_INVEPT_GLOBAL;
	vmx_conf.invvpid_single = cap & VPID_CAP_INVVPID_SINGLE;

	vmx_conf.msr_bitmap = (void *)__get_free_page(GFP_KERNEL);
	if (!vmx_conf.msr_bitmap)
		return -ENOMEM;
	memset(vmx_conf.msr_bitmap, 0xff, PAGE_SIZE);

	for_each_possible_cpu(cpu) {
		void *region = (void *)get_zeroed_page(GFP_KERNEL);

		INIT_LIST_HEAD(&per_cpu(loaded_vmcss, cpu));
		if (!region)
			goto err;
		*(u32 *)region = vmx_conf.revision;
		per_cpu(vmxon_region, cpu) = region;
	}
	return 0;
err:
	for_each_possible_cpu(cpu) {
		free_page((unsigned long)per_cpu(vmxon_region, cpu));
		per_cpu(vmxon_region, cpu) = NULL;
	}
	free_page((unsigned long)vmx_conf.msr_bitmap);
	return -ENOMEM;
}

static void vmx_unsetup(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		free_page((unsigned long)per_cpu(vmxon_region, cpu));
		per_cpu(vmxon_region, cpu) = NULL;
	}
	free_page((unsigned long)vmx_conf.msr_bitmap);
	ida_destroy(&vpid_ida);
}

/* Enter VMX operation on this CPU (SDM 24.7, 24.8). */
static int vmx_cpu_enable(void)
{
	u64 pa = __pa(this_cpu_read(vmxon_region));
	u64 feat, fixed0, fixed1;

	if (cr4_read_shadow() & X86_CR4_VMXE)
		return -EBUSY;
	rdmsrl(MSR_IA32_FEAT_CTL, feat);
	if (!(feat & FEAT_CTL_LOCKED) || !(feat & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX))
		return -ENODEV;
	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, fixed0);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, fixed1);
	if ((read_cr0() & fixed0) != fixed0 || (read_cr0() & ~fixed1))
		return -EIO;

	cr4_set_bits(X86_CR4_VMXE);
	if (__denali_vmxon(&pa)) {
		cr4_clear_bits(X86_CR4_VMXE);
		return -EIO;
	}
	this_cpu_write(vmx_on, true);
	/*
	 * Whoever used VMX here before may have left guest-physical
	 * translations of an EPT root that a VM's may reuse (as KVM does
	 * when it enables a CPU).
	 */
	if (vmx_conf.invept_global)
		ept_invalidate(VMX_EPT_EXTENT_GLOBAL, 0);
	return 0;
}

static void vmclear_local(struct vcpu_vmx *vmx)
{
	vmcs_clear(vmx->vmcs);
	if (this_cpu_read(current_vmcs) == vmx->vmcs)
		this_cpu_write(current_vmcs, NULL);
	list_del(&vmx->loaded);
	WRITE_ONCE(vmx->cpu, -1);
	vmx->launched = false;
}

static void vmclear_ipi(void *arg)
{
	struct vcpu_vmx *vmx = arg;

	if (READ_ONCE(vmx->cpu) == smp_processor_id())
		vmclear_local(vmx);
}

/* Make sure @vmx's VMCS is not active on any CPU (SDM 24.11.1). */
static void vmclear_anywhere(struct vcpu_vmx *vmx)
{
	int cpu = READ_ONCE(vmx->cpu);

	if (cpu < 0)
		return;
	if (smp_call_function_single(cpu, vmclear_ipi, vmx, 1)) {
		/* That CPU went offline; vmx_cpu_disable() cleared it there. */
		WARN_ON_ONCE(READ_ONCE(vmx->cpu) >= 0);
	}
}

/* Leave VMX operation on this CPU: clear every VMCS still active here first. */
static void vmx_cpu_disable(void)
{
	struct vcpu_vmx *vmx, *tmp;
	unsigned long flags;

	if (!this_cpu_read(vmx_on))
		return;
	local_irq_save(flags);
	list_for_each_entry_safe(vmx, tmp, this_cpu_ptr(&loaded_vmcss), loaded)
		vmclear_local(vmx);
	__denali_vmxoff();
	this_cpu_write(vmx_on, false);
	local_irq_restore(flags);
	cr4_clear_bits(X86_CR4_VMXE);
}

/* Crash or kexec, possibly in NMI context: VMXOFF, ignoring any fault. */
static void vmx_emergency_disable(void)
{
	if (!(__read_cr4() & X86_CR4_VMXE))
		return;
	__denali_vmxoff();
	cr4_clear_bits(X86_CR4_VMXE);
}

/* The host state a VM exit loads that differs between CPUs (SDM 26.5). */
static void write_host_cpu_state(void)
{
	struct desc_ptr gdt, idt;
	struct ldttss_desc *tss;
	u64 base, v;

	native_store_gdt(&gdt);
	store_idt(&idt);
	tss = (struct ldttss_desc *)(gdt.address + GDT_ENTRY_TSS * 8);
	base = tss->base0 | ((u64)tss->base1 << 16) | ((u64)tss->base2 << 24) |
	       ((u64)tss->base3 << 32);
	vmcs_writel(HOST_GDTR_BASE, gdt.address);
	vmcs_writel(HOST_IDTR_BASE, idt.address);
	vmcs_writel(HOST_TR_BASE, base);
	rdmsrl(MSR_GS_BASE, v);
	vmcs_writel(HOST_GS_BASE, v);
	rdmsrl(MSR_IA32_SYSENTER_ESP, v);
	vmcs_writel(HOST_IA32_SYSENTER_ESP, v);
	rdmsrl(MSR_IA32_SYSENTER_EIP, v);
	vmcs_writel(HOST_IA32_SYSENTER_EIP, v);
	rdmsrl(MSR_IA32_SYSENTER_CS, v);
	vmcs_write32(HOST_IA32_SYSENTER_CS, v);
}

/*
 * Make the VM's VMCS current on this CPU (preemption off). A VMCS active
 * on another CPU is cleared there first, so the VM's thread may migrate.
 */
static int vmx_vcpu_load(struct vcpu_vmx *vmx)
{
	int cpu = smp_processor_id();
	bool moved = vmx->cpu != cpu;
	int ret;

	if (moved) {
		vmx->host_debugctl_valid = false;
		vmx->vpid_stale = true;
		vmclear_anywhere(vmx);
		local_irq_disable();
		list_add(&vmx->loaded, this_cpu_ptr(&loaded_vmcss));
		WRITE_ONCE(vmx->cpu, cpu);
		local_irq_enable();
	}
	if (this_cpu_read(current_vmcs) != vmx->vmcs) {
		ret = vmcs_load_ptr(vmx->vmcs);
		if (ret)
			return ret;
		this_cpu_write(current_vmcs, vmx->vmcs);
	}
	if (moved)
		write_host_cpu_state();
	return 0;
}

static void write_segment(u32 sel_f, u32 base_f, u32 limit_f, u32 ar_f,
			  u16 sel, u32 ar)
{
	__vmcs_writel(sel_f, sel);
	__vmcs_writel(base_f, 0);
	__vmcs_writel(limit_f, 0xffffffff);
	__vmcs_writel(ar_f, ar);
}

/* The entry state of denali_guest.h, and the controls, in a fresh VMCS. */
static void write_vmcs(struct vcpu_vmx *vmx)
{
	struct denali_vm *vm = vmx->vcpu.vm;

	vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, vmx_conf.pin);
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, vmx_conf.cpu);
	vmcs_write32(SECONDARY_VM_EXEC_CONTROL,
		     vmx->vpid ? vmx_conf.cpu2 : vmx_conf.cpu2 & ~SECONDARY_EXEC_ENABLE_VPID);
	vmcs_write32(VM_EXIT_CONTROLS, vmx_conf.exit);
	vmcs_write32(VM_ENTRY_CONTROLS, vmx_conf.entry);
	vmcs_write32(EXCEPTION_BITMAP, 0);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write32(CR3_TARGET_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmcs_write64(MSR_BITMAP, __pa(vmx_conf.msr_bitmap));
	vmcs_write64(EPT_POINTER, vmx->eptp);
	if (vmx->vpid)
		vmcs_write16(VIRTUAL_PROCESSOR_ID, vmx->vpid);
	vmcs_write64(VMCS_LINK_POINTER, ~0ULL);

	/* Every CR0 and CR4 bit belongs to the host: any change exits. */
	vmcs_writel(CR0_GUEST_HOST_MASK, ~0UL);
	vmcs_writel(CR0_READ_SHADOW, DENALI_GUEST_CR0);
	vmcs_writel(CR4_GUEST_HOST_MASK, ~0UL);
	vmcs_writel(CR4_READ_SHADOW, DENALI_GUEST_CR4);
	vmcs_writel(GUEST_CR0, DENALI_GUEST_CR0);
	vmcs_writel(GUEST_CR3, DENALI_PT_GPA);
	vmcs_writel(GUEST_CR4, DENALI_GUEST_CR4 | X86_CR4_VMXE);
	vmcs_write64(GUEST_IA32_EFER, DENALI_GUEST_EFER);
	vmcs_writel(GUEST_DR7, DR7_RESET);
	vmcs_write64(GUEST_IA32_DEBUGCTL, 0);

	write_segment(GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT, GUEST_CS_AR_BYTES,
		      DENALI_SEL_CODE, DENALI_AR_CODE64);
	write_segment(GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT, GUEST_DS_AR_BYTES,
		      DENALI_SEL_DATA, DENALI_AR_DATA);
	write_segment(GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT, GUEST_ES_AR_BYTES,
		      DENALI_SEL_DATA, DENALI_AR_DATA);
	write_segment(GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT, GUEST_SS_AR_BYTES,
		      DENALI_SEL_DATA, DENALI_AR_DATA);
	write_segment(GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT, GUEST_FS_AR_BYTES,
		      DENALI_SEL_DATA, DENALI_AR_DATA);
	write_segment(GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT, GUEST_GS_AR_BYTES,
		      DENALI_SEL_DATA, DENALI_AR_DATA);
	vmcs_write16(GUEST_TR_SELECTOR, DENALI_SEL_TSS);
	vmcs_writel(GUEST_TR_BASE, DENALI_REGS_GPA + DENALI_REGS_TSS_OFF);
	vmcs_write32(GUEST_TR_LIMIT, DENALI_TSS_LIMIT);
	vmcs_write32(GUEST_TR_AR_BYTES, DENALI_AR_TSS64);
	vmcs_write16(GUEST_LDTR_SELECTOR, 0);
	vmcs_writel(GUEST_LDTR_BASE, 0);
	vmcs_write32(GUEST_LDTR_LIMIT, 0);
	vmcs_write32(GUEST_LDTR_AR_BYTES, VMX_AR_UNUSABLE_MASK);
	vmcs_writel(GUEST_GDTR_BASE, DENALI_REGS_GPA + DENALI_REGS_GDT_OFF);
	vmcs_write32(GUEST_GDTR_LIMIT, DENALI_GDT_LIMIT);
	vmcs_writel(GUEST_IDTR_BASE, 0);
	vmcs_write32(GUEST_IDTR_LIMIT, 0);
	vmcs_write32(GUEST_SYSENTER_CS, 0);
	vmcs_writel(GUEST_SYSENTER_ESP, 0);
	vmcs_writel(GUEST_SYSENTER_EIP, 0);
	vmcs_writel(GUEST_RSP, DENALI_STACK_TOP);
	vmcs_writel(GUEST_RIP, vm->entry);
	vmcs_writel(GUEST_RFLAGS, DENALI_GUEST_RFLAGS);
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS, 0);

	/* Host state that is the same on every CPU. */
	vmcs_writel(HOST_CR0, read_cr0());
	vmcs_write16(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write16(HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write16(HOST_DS_SELECTOR, 0);
	vmcs_write16(HOST_ES_SELECTOR, 0);
	vmcs_write16(HOST_FS_SELECTOR, 0);
	vmcs_write16(HOST_GS_SELECTOR, 0);
	vmcs_write16(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	vmcs_write64(HOST_IA32_EFER, native_read_msr(MSR_EFER));
	vmcs_writel(HOST_RIP, (unsigned long)denali_vmx_vmexit);
}

static struct denali_vcpu *vmx_vcpu_create(struct denali_vm *vm)
{
	struct vcpu_vmx *vmx;
	int ret;

	vmx = kzalloc(sizeof(*vmx), GFP_KERNEL_ACCOUNT);
	if (!vmx)
		return ERR_PTR(-ENOMEM);
	vmx->vcpu.vm = vm;
	vmx->vcpu.rip = vm->entry;
	vmx->vcpu.rflags = DENALI_GUEST_RFLAGS;
	vmx->vcpu.regs[DN_RSP] = DENALI_STACK_TOP;
	vmx->vcpu.cr3 = DENALI_PT_GPA;
	vmx->cpu = -1;
	vmx->loaded_cr3 = DENALI_PT_GPA;
	INIT_LIST_HEAD(&vmx->loaded);
	vmx->eptp = denali_npt_root(&vm->npt) | EPTP_WB_4LEVEL;
	vmx->vmcs = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vmx->vmcs) {
		ret = -ENOMEM;
		goto err;
	}
	*(u32 *)vmx->vmcs = vmx_conf.revision;
	if (vmx_conf.vpid) {
		ret = ida_alloc_range(&vpid_ida, 1, 0xffff, GFP_KERNEL);
		vmx->vpid = ret > 0 ? ret : 0;	/* none left: run without VPID */
	}

	preempt_disable();
	ret = vmcs_clear(vmx->vmcs);
	ret = ret ?: vmx_vcpu_load(vmx);
	if (!ret)
		write_vmcs(vmx);
	preempt_enable();
	if (ret)
		goto err;
	return &vmx->vcpu;
err:
	vmclear_anywhere(vmx);
	if (vmx->vpid)
		ida_free(&vpid_ida, vmx->vpid);
	free_page((unsigned long)vmx->vmcs);
	kfree(vmx);
	return ERR_PTR(ret);
}

static void vmx_vcpu_free(struct denali_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);

	vmclear_anywhere(vmx);
	if (vmx->vpid)
		ida_free(&vpid_ida, vmx->vpid);
	free_page((unsigned long)vmx->vmcs);
	kfree(vmx);
}

static void flush_ipi(void *arg)
{
	struct vcpu_vmx *vmx = arg;

	if (!this_cpu_read(vmx_on))
		return;
	if (vmx_conf.invept_single)
		ept_invalidate(VMX_EPT_EXTENT_CONTEXT, vmx->eptp);
	else
		ept_invalidate(VMX_EPT_EXTENT_GLOBAL, 0);
	if (vmx->vpid)
		vpid_invalidate(vmx_conf.invvpid_single ? VMX_VPID_EXTENT_SINGLE_CONTEXT :
			VMX_VPID_EXTENT_ALL_CONTEXT, vmx->vpid);
}

/* Every CPU forgets the VM's guest-physical and combined mappings. */
static void vmx_flush_vm(struct denali_vcpu *vcpu)
{
	on_each_cpu(flush_ipi, to_vmx(vcpu), 1);
}

#define RESUME			{ .set = 1, .reason = DN_EXIT_NONE }
#define HANDLE(r)		{ .set = 1, .reason = (r) }
#define KILL(c)			{ .set = 1, .reason = DN_EXIT_KILL, .crash = DENALI_CRASH_##c }

/*
 * The exit table, indexed by basic exit reason (SDM Appendix C). Anything
 * not listed kills the VM as unknown_exit; controls the module does not
 * enable cannot cause their exits, and are listed only where the same
 * cause has a name.
 */
static const struct {
	u8 set, reason, crash;
} vmx_exits[] = {
	[EXIT_REASON_EXCEPTION_NMI] = RESUME,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = RESUME,
	[EXIT_REASON_TRIPLE_FAULT] = KILL(TRIPLE_FAULT),
	[EXIT_REASON_CPUID] = HANDLE(DN_EXIT_CPUID),
	[EXIT_REASON_HLT] = HANDLE(DN_EXIT_HLT),
	[EXIT_REASON_INVD] = KILL(INVD),
	[EXIT_REASON_RDPMC] = KILL(PRIV_INSN),
	[EXIT_REASON_VMCALL] = HANDLE(DN_EXIT_HYPERCALL),
	[EXIT_REASON_VMCLEAR] = KILL(VIRT_INSN),
	[EXIT_REASON_VMLAUNCH] = KILL(VIRT_INSN),
	[EXIT_REASON_VMPTRLD] = KILL(VIRT_INSN),
	[EXIT_REASON_VMPTRST] = KILL(VIRT_INSN),
	[EXIT_REASON_VMREAD] = KILL(VIRT_INSN),
	[EXIT_REASON_VMRESUME] = KILL(VIRT_INSN),
	[EXIT_REASON_VMWRITE] = KILL(VIRT_INSN),
	[EXIT_REASON_VMOFF] = KILL(VIRT_INSN),
	[EXIT_REASON_VMON] = KILL(VIRT_INSN),
	[EXIT_REASON_CR_ACCESS] = KILL(CR_ACCESS),
	[EXIT_REASON_DR_ACCESS] = KILL(DR_ACCESS),
	[EXIT_REASON_IO_INSTRUCTION] = KILL(IO),
	[EXIT_REASON_MSR_READ] = HANDLE(DN_EXIT_RDMSR),
	[EXIT_REASON_MSR_WRITE] = KILL(MSR),
	[EXIT_REASON_INVALID_STATE] = KILL(INVALID_STATE),
	[EXIT_REASON_MSR_LOAD_FAIL] = KILL(INVALID_STATE),
	[EXIT_REASON_MWAIT_INSTRUCTION] = KILL(PRIV_INSN),
	[EXIT_REASON_MONITOR_INSTRUCTION] = KILL(PRIV_INSN),
	[EXIT_REASON_EPT_VIOLATION] = HANDLE(DN_EXIT_NPF),
	[EXIT_REASON_PREEMPTION_TIMER] = RESUME,
	[EXIT_REASON_INVEPT] = KILL(VIRT_INSN),
	[EXIT_REASON_INVVPID] = KILL(VIRT_INSN),
	[EXIT_REASON_WBINVD] = KILL(INVD),
	[EXIT_REASON_XSETBV] = KILL(XSETBV),
	[EXIT_REASON_VMFUNC] = KILL(VIRT_INSN),
	[EXIT_REASON_ENCLS] = KILL(PRIV_INSN),
	[EXIT_REASON_RDSEED] = KILL(PRIV_INSN),
	[EXIT_REASON_RDRAND] = KILL(PRIV_INSN),
	[EXIT_REASON_INVPCID] = KILL(PRIV_INSN),
	[EXIT_REASON_XSAVES] = KILL(PRIV_INSN),
	[EXIT_REASON_XRSTORS] = KILL(PRIV_INSN),
};

/**
 * denali_vmx_classify - what the exit table says about an exit reason
 * @exit_reason: the VM_EXIT_REASON field
 * @e: gets reason and crash
 *
 * A failed VM entry (bit 31) is invalid_state; a reason the table does not
 * list is unknown_exit. Hardware-free, so KUnit checks it.
 */
void denali_vmx_classify(u32 exit_reason, struct denali_exit *e)
{
	u32 basic = exit_reason & 0xffff;

	e->hw = exit_reason;
	e->reason = DN_EXIT_KILL;
	if (exit_reason & EXIT_REASON_ENTRY_FAIL) {
		e->crash = DENALI_CRASH_INVALID_STATE;
	} else if (basic >= ARRAY_SIZE(vmx_exits) || !vmx_exits[basic].set) {
		e->crash = DENALI_CRASH_UNKNOWN_EXIT;
	} else {
		e->reason = vmx_exits[basic].reason;
		e->crash = vmx_exits[basic].crash;
	}
}
EXPORT_SYMBOL_IF_KUNIT(denali_vmx_classify);

/*
 * The exit interrupted the delivery of an event (IDT-vectoring
 * information, SDM 27.2.4), say of an interrupt through a guest IDT or
 * stack page not yet backed: deliver it again on the next entry. Not
 * INTn, INT3, INTO or INT1: RIP still points at the instruction, which
 * raises them again when it runs again. (Every VM exit clears the valid
 * bit of the entry field, so nothing else is queued there.)
 */
static void requeue_event(void)
{
	u32 info = vmcs_read32(IDT_VECTORING_INFO_FIELD);
	u32 type = info & INTR_INFO_INTR_TYPE_MASK;

	if (!(info & INTR_INFO_VALID) || type == INTR_TYPE_SOFT_INTR ||
	    type == INTR_TYPE_SOFT_EXCEPTION || type == INTR_TYPE_PRIV_SW_EXCEPTION)
		return;
	/* Bits 30:12 are reserved in the entry field (NMI unblocking is not). */
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info & ~INTR_INFO_UNBLOCK_NMI);
	if (info & INTR_INFO_DELIVER_CODE_MASK)
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE,
			     vmcs_read32(IDT_VECTORING_ERROR_CODE));
}

/* Fill @vcpu->exit from the VMCS (preemption off, VMCS current). */
static void decode_exit(struct vcpu_vmx *vmx, u32 exit_reason)
{
	struct denali_exit *e = &vmx->vcpu.exit;

	denali_vmx_classify(exit_reason, e);
	e->qual = vmcs_readl(EXIT_QUALIFICATION);
	e->insn_len = vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
	if (e->reason == DN_EXIT_NPF) {
		e->gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
		e->write = e->qual & EPT_VIOLATION_ACC_WRITE;
	}
	if (e->reason != DN_EXIT_KILL)
		requeue_event();
}

/*
 * The scheduler asked for an interrupt at @vcpu->irq_vector: inject it as
 * an external interrupt if the guest can take one now (SDM 26.3.1.4: IF
 * set, no STI or MOV SS blocking) and no event is being redelivered.
 */
static void inject_irq(struct denali_vcpu *vcpu)
{
	u8 vector = vcpu->irq_vector;

	vcpu->irq_vector = 0;
	if (!vector)
		return;
	if (vmcs_read32(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID)
		return;
	if (!(vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF))
		return;
	if (vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) &
	    (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		return;
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, vector | INTR_TYPE_EXT_INTR | INTR_INFO_VALID);
	vcpu->irq_injected = true;
}

/*
 * One entry into the guest and back. Host state the VM exit does not
 * restore by itself is saved and put back around it: KERNEL_GS_BASE (the
 * guest may SWAPGS), DS/ES, DR7 and DEBUGCTL (an exit resets them), the
 * TSS and GDT limits (an exit sets them to their minimum and 0xffff).
 * DEBUGCTL is read once a quantum and when the VM moved to another CPU,
 * not at every entry (KVM reads it once per vCPU load): Linux changes it
 * only at context switches, and an RDMSR per exit is not free (Bochs,
 * which does not know the MSR, takes a #GP and logs a line every time).
 */
static int vmx_vcpu_run(struct denali_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	unsigned long dr7, host_kgs, fs_base;
	u32 exit_reason = 0, intr_info = 0;
	u16 ds, es;
	int fail, ret;

	WARN_ON_ONCE(!(current->flags & PF_KTHREAD));
	preempt_disable();
	/* This CPU is going offline and already left VMX operation. */
	if (!this_cpu_read(vmx_on)) {
		ret = -EAGAIN;
		goto out;
	}
	ret = vmx_vcpu_load(vmx);
	if (ret)
		goto out;
	if (vcpu->rip_dirty) {
		u32 shadow = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);

		vmcs_writel(GUEST_RIP, vcpu->rip);
		/* The host moved past an instruction: its STI or MOV SS shadow goes too. */
		if (shadow & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
			vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, shadow &
				     ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
		vcpu->rip_dirty = false;
	}
	if (vcpu->cr3_dirty) {
		vmcs_writel(GUEST_CR3, vcpu->cr3);
		vmx->loaded_cr3 = vcpu->cr3;
		vcpu->cr3_dirty = false;
	}
	/*
	 * Translations are tagged with the VPID (and the EPTP), not with
	 * CR3, and survive VM entries and exits: after the host changed the
	 * guest's tables, or on a CPU the VM left earlier, forget them here.
	 * Without a VPID every entry and exit flushes them anyway (SDM 28.3.3.1).
	 */
	if ((vcpu->tlb_flush || vmx->vpid_stale) && vmx->vpid)
		vpid_invalidate(vmx_conf.invvpid_single ? VMX_VPID_EXTENT_SINGLE_CONTEXT :
				VMX_VPID_EXTENT_ALL_CONTEXT, vmx->vpid);
	vcpu->tlb_flush = false;
	vmx->vpid_stale = false;
	inject_irq(vcpu);
	vmcs_write32(VMX_PREEMPTION_TIMER_VALUE, vmx_conf.quantum_ticks);
	vmcs_writel(HOST_CR3, __read_cr3());
	vmcs_writel(HOST_CR4, cr4_read_shadow());

	local_irq_disable();
	/* A kick before this point finds the flag; a later one is an IPI, which exits. */
	if (denali_vcpu_kicked(vcpu)) {
		local_irq_enable();
		ret = -EINTR;
		goto out;
	}
	/*
	 * CR2 is the guest's while it runs: its #PF handler reads it, and a
	 * redelivered #PF needs it. Another VM or the host may have changed
	 * it since this guest last ran (and must not see the guest's).
	 */
	if (native_read_cr2() != vmx->guest_cr2)
		native_write_cr2(vmx->guest_cr2);
	rdmsrl(MSR_FS_BASE, fs_base);
	vmcs_writel(HOST_FS_BASE, fs_base);
	savesegment(ds, ds);
	savesegment(es, es);
	get_debugreg(dr7, 7);
	if (vcpu->new_quantum || !vmx->host_debugctl_valid) {
		rdmsrl(MSR_IA32_DEBUGCTLMSR, vmx->host_debugctl);
		vmx->host_debugctl_valid = true;
		vcpu->new_quantum = false;
	}
	rdmsrl(MSR_KERNEL_GS_BASE, host_kgs);
	wrmsrl(MSR_KERNEL_GS_BASE, vmx->guest_kernel_gs_base);

	fail = __denali_vmx_enter(vcpu->regs, vmx->launched);
	vmx->guest_cr2 = native_read_cr2();

	rdmsrl(MSR_KERNEL_GS_BASE, vmx->guest_kernel_gs_base);
	wrmsrl(MSR_KERNEL_GS_BASE, host_kgs);
	if (vmx->host_debugctl)
		wrmsrl(MSR_IA32_DEBUGCTLMSR, vmx->host_debugctl);
	if (dr7 != DR7_RESET)
		set_debugreg(dr7, 7);
	if (ds)
		loadsegment(ds, ds);
	if (es)
		loadsegment(es, es);
	load_fixmap_gdt(smp_processor_id());
	invalidate_tss_limit();

	if (!fail) {
		vmx->launched = true;
		exit_reason = vmcs_read32(VM_EXIT_REASON);
		intr_info = vmcs_read32(VM_EXIT_INTR_INFO);
		/* An NMI that caused the exit was Linux's: raise it again for Linux. */
		if ((exit_reason & 0xffff) == EXIT_REASON_EXCEPTION_NMI &&
		    (intr_info & INTR_INFO_VALID) && INTR_INFO_TYPE(intr_info) == INTR_TYPE_NMI)
			apic->send_IPI_self(NMI_VECTOR);
	}
	local_irq_enable();

	if (fail) {
		pr_err_ratelimited("VM %s: VM entry failed, instruction error %u\n",
				   vcpu->vm->name, vmcs_read32(VM_INSTRUCTION_ERROR));
		ret = -EIO;
		goto out;
	}
	/* The guest cannot change its CR3 (every write exits): see svm.c's vmcb_intact(). */
	if (vmcs_readl(GUEST_CR3) != vmx->loaded_cr3) {
		pr_err("VM %s: VMCS holds state it was never given after exit: rip %lx cr3 %lx\n",
		       vcpu->vm->name, vmcs_readl(GUEST_RIP), vmcs_readl(GUEST_CR3));
		ret = -EIO;
		goto out;
	}
	vcpu->rip = vmcs_readl(GUEST_RIP);
	vcpu->rflags = vmcs_readl(GUEST_RFLAGS);
	vcpu->regs[DN_RSP] = vmcs_readl(GUEST_RSP);
	decode_exit(vmx, exit_reason);
	/* An exception other than an NMI would mean a bitmap bit we never set. */
	if ((exit_reason & 0xffff) == EXIT_REASON_EXCEPTION_NMI &&
	    INTR_INFO_TYPE(intr_info) != INTR_TYPE_NMI) {
		vcpu->exit.reason = DN_EXIT_KILL;
		vcpu->exit.crash = DENALI_CRASH_UNKNOWN_EXIT;
	}
out:
	preempt_enable();
	return ret;
}

const struct denali_arch_ops denali_vmx_ops = {
	.name = "vmx",
	.vendor = "VT-x",
	.npt_fmt = &denali_ept_fmt,
	.npt_tables_writable = false,
	.quantum_timer = true,
	.hypercall_insn = { 0x0f, 0x01, 0xc1 },		/* vmcall */
	.probe = vmx_probe,
	.in_use = vmx_in_use,
	.setup = vmx_setup,
	.unsetup = vmx_unsetup,
	.cpu_enable = vmx_cpu_enable,
	.cpu_disable = vmx_cpu_disable,
	.emergency_disable = vmx_emergency_disable,
	.vcpu_create = vmx_vcpu_create,
	.vcpu_free = vmx_vcpu_free,
	.vcpu_run = vmx_vcpu_run,
	.flush_vm = vmx_flush_vm,
};
