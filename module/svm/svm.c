// SPDX-License-Identifier: GPL-2.0
/* AMD-V backend: EFER.SVME per CPU, one VMCB per VM, NPT, ASIDs, the exit table. */
#include <linux/types.h>
#include <linux/slab.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/err.h>
#include <linux/mem_encrypt.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/cpufeature.h>
#include <asm/debugreg.h>
#include <asm/trapnr.h>
#include <asm/svm.h>
#include <asm/pgtable_64_types.h>
#include <kunit/visibility.h>

#include "core/arch.h"
#include "core/guest.h"
#include "core/npt.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "svm/svm.h"

/* VM_CR.SVMDIS: firmware disabled SVM (APM Vol. 2, 15.30.1). */
#define DENALI_VM_CR_SVMDIS	BIT_ULL(4)
/* DR7 after reset; the guest's stays so (every DR access exits). */
#define DR7_RESET		0x400UL
/* The permission maps (APM 15.10.1, 15.11): IOPM 12 KiB, MSRPM 8 KiB. */
#define IOPM_ORDER		2
#define MSRPM_ORDER		1
/* The guest's PAT: the power-on default, WB WT UC- UC twice (APM 7.8.2). */
#define GUEST_PAT		0x0007040600070406ULL
/* Nested page fault EXITINFO1 (APM 15.25): the access was a write. */
#define NPF_WRITE		BIT_ULL(1)
/* MSR intercept EXITINFO1 (APM 15.11): 0 RDMSR, 1 WRMSR. */
#define MSR_EXIT_WRITE		BIT_ULL(0)
/* VMX access rights (SDM 24.4.1): bit 16 marks an unusable segment. */
#define VMX_AR_UNUSABLE		BIT(16)
/* Longest x86 instruction, for a next_rip - rip that makes sense. */
#define MAX_INSN_LEN		15

/* NPT entries are ordinary x86 page-table entries: P, RW, US. */
const struct denali_npt_fmt denali_npt_fmt = {
	.name = "npt",
	.table = 0x7,
	.leaf_rw = 0x7,
	.leaf_ro = 0x5,
	.present = 0x1,
};
EXPORT_SYMBOL_IF_KUNIT(denali_npt_fmt);

/* Set up once. */
static struct {
	u32 nasids;			/* ASIDs 1 .. nasids - 1 are for guests */
	bool nrips;			/* the VMCB gets next_rip on instruction exits */
	void *iopm;			/* all ones: every IN/OUT exits */
	void *msrpm;			/* all ones: every RDMSR/WRMSR exits */
} svm_conf;

/**
 * struct svm_cpu - what a CPU needs to run guests
 * @hsave: the processor's host save area (MSR_VM_HSAVE_PA), one page
 * @host: the host state VMRUN leaves alone, VMSAVEd here around it
 * @on: EFER.SVME is set by us on this CPU
 * @asid_gen: the ASID generation of this CPU
 * @next_asid: the next ASID to hand out in this generation
 * @flush_all: the next VMRUN flushes every ASID's translations
 * @last_vmcb_pa: the VMCB of the last VMRUN here (diagnostics)
 *
 * ASIDs are handed out per CPU, as KVM does: a vCPU that comes to a CPU,
 * or finds that CPU in a newer generation than its ASID, takes the next
 * free ASID there. When none is left the CPU starts a new generation, and
 * its next VMRUN flushes all ASIDs (TLB_CONTROL 1, APM 15.16.1). So an
 * ASID is never used by two VMs on one CPU without a flush in between,
 * and a VM that moved away never comes back to the translations it left
 * behind. Enabling SVM on a CPU starts a new generation too, so nothing
 * left in its TLB by an earlier owner of SVM (another load of the module,
 * KVM) is ever used. This works with any number of VMs and ASIDs (QEMU
 * offers 16), needs no IPI, and makes @flush_vm nearly free.
 */
struct svm_cpu {
	void *hsave;
	void *host;
	bool on;
	u64 asid_gen;
	u32 next_asid;
	bool flush_all;
	u64 last_vmcb_pa;
};

static DEFINE_PER_CPU(struct svm_cpu, svm_cpu);

struct vcpu_svm {
	struct denali_vcpu vcpu;
	struct vmcb *vmcb;		/* one page */
	u64 vmcb_pa;
	u64 *npt_top;			/* 5-level hosts: the nested level-5 table */
	int asid_cpu;			/* where @asid is valid, -1 for nowhere */
	u64 asid_gen;
	u32 asid;
	u64 loaded_cr3;			/* the CR3 the module last put in the VMCB */
	int last_cpu;			/* where it last ran, -1 for nowhere */
	u64 last_exit;			/* its exit code there */
	u64 last_rip;			/* the guest RIP at that exit */
	u32 entry_inj;			/* the event injected at the last entry */
};

static struct vcpu_svm *to_svm(struct denali_vcpu *vcpu)
{
	return container_of(vcpu, struct vcpu_svm, vcpu);
}

static u64 sme_pa(void *p)
{
	return __sme_set(__pa(p));
}

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
	if (cpuid_ebx(SVM_CPUID_FUNC) < 2) {
		pr_err("AMD-V with no ASID left for guests: not loading\n");
		return -ENODEV;
	}
	pr_info("AMD-V with %d-level nested paging, %u ASIDs%s\n",
		pgtable_l5_enabled() ? 5 : 4, cpuid_ebx(SVM_CPUID_FUNC),
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

static void free_cpu_pages(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct svm_cpu *sc = per_cpu_ptr(&svm_cpu, cpu);

		free_page((unsigned long)sc->hsave);
		free_page((unsigned long)sc->host);
		sc->hsave = NULL;
		sc->host = NULL;
	}
}

static void *alloc_map(unsigned int order)
{
	struct page *page = alloc_pages(GFP_KERNEL, order);

	if (!page)
		return NULL;
	/* Set bits intercept; bits past the last port or MSR are ignored. */
	memset(page_address(page), 0xff, PAGE_SIZE << order);
	return page_address(page);
}

static void free_map(void *map, unsigned int order)
{
	if (map)
		free_pages((unsigned long)map, order);
}

static int svm_setup(void)
{
	int cpu;

	svm_conf.nasids = cpuid_ebx(SVM_CPUID_FUNC);
	svm_conf.nrips = boot_cpu_has(X86_FEATURE_NRIPS);
	svm_conf.iopm = alloc_map(IOPM_ORDER);
	svm_conf.msrpm = alloc_map(MSRPM_ORDER);
	if (!svm_conf.iopm || !svm_conf.msrpm)
		goto err;

	for_each_possible_cpu(cpu) {
		struct svm_cpu *sc = per_cpu_ptr(&svm_cpu, cpu);
		struct page *hsave, *host;

		hsave = alloc_pages_node(cpu_to_node(cpu), GFP_KERNEL | __GFP_ZERO, 0);
		host = alloc_pages_node(cpu_to_node(cpu), GFP_KERNEL | __GFP_ZERO, 0);
		sc->hsave = hsave ? page_address(hsave) : NULL;
		sc->host = host ? page_address(host) : NULL;
		if (!hsave || !host)
			goto err;
	}
	return 0;
err:
	free_cpu_pages();
	free_map(svm_conf.msrpm, MSRPM_ORDER);
	free_map(svm_conf.iopm, IOPM_ORDER);
	svm_conf.msrpm = NULL;
	svm_conf.iopm = NULL;
	return -ENOMEM;
}

static void svm_unsetup(void)
{
	free_cpu_pages();
	free_map(svm_conf.msrpm, MSRPM_ORDER);
	free_map(svm_conf.iopm, IOPM_ORDER);
	svm_conf.msrpm = NULL;
	svm_conf.iopm = NULL;
}

/* Set EFER.SVME and the host save area on this CPU (APM 15.4, 15.30.4). */
static int svm_cpu_enable(void)
{
	struct svm_cpu *sc = this_cpu_ptr(&svm_cpu);
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME)
		return -EBUSY;
	if (wrmsrl_safe(MSR_EFER, efer | EFER_SVME))
		return -EIO;
	wrmsrl(MSR_VM_HSAVE_PA, sme_pa(sc->hsave));
	/* A new generation: the first VMRUN here flushes every ASID. */
	sc->asid_gen++;
	sc->next_asid = svm_conf.nasids;
	WRITE_ONCE(sc->on, true);
	return 0;
}

/*
 * Leave SVM on this CPU. Unlike a VMCS, a VMCB holds no state the CPU
 * must write back first: the module never sets VMCB clean bits, so no
 * CPU ever reuses what it cached of one (APM 15.15), and a VMCB may run
 * on any CPU next.
 */
static void svm_cpu_disable(void)
{
	struct svm_cpu *sc = this_cpu_ptr(&svm_cpu);
	unsigned long flags;
	u64 efer;

	if (!sc->on)
		return;
	local_irq_save(flags);
	WRITE_ONCE(sc->on, false);
	/* GIF is set outside vcpu_run; make sure, or INIT and NMI stay blocked. */
	WARN_ON_ONCE(__denali_svm_stgi());
	wrmsrl(MSR_VM_HSAVE_PA, 0);
	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer & ~EFER_SVME);
	local_irq_restore(flags);
}

/*
 * Crash or kexec, possibly in NMI context: set GIF (the next kernel wants
 * its NMIs and INITs) and clear EFER.SVME, ignoring any fault.
 */
static void svm_emergency_disable(void)
{
	u64 efer;

	if (rdmsrl_safe(MSR_EFER, &efer) || !(efer & EFER_SVME))
		return;
	__denali_svm_stgi();
	wrmsrl_safe(MSR_VM_HSAVE_PA, 0);
	wrmsrl_safe(MSR_EFER, efer & ~EFER_SVME);
	this_cpu_write(svm_cpu.on, false);
}

/**
 * denali_svm_seg_attrib - VMX access rights in the VMCB's segment format
 * @vmx_ar: type 3:0, S 4, DPL 6:5, P 7, AVL 12, L 13, D/B 14, G 15,
 *	unusable 16 (SDM Vol. 3 24.4.1)
 *
 * The VMCB keeps the same bits with 15:12 moved down to 11:8 (APM Vol. 2
 * 15.5.1, the descriptor's attribute bits without the limit nibble). It
 * has no unusable bit: such a segment is simply not present. Returns the
 * VMCB attrib value.
 */
u16 denali_svm_seg_attrib(u32 vmx_ar)
{
	if (vmx_ar & VMX_AR_UNUSABLE)
		return 0;
	return (vmx_ar & 0xff) | ((vmx_ar >> 4) & 0xf00);
}
EXPORT_SYMBOL_IF_KUNIT(denali_svm_seg_attrib);

static void set_seg(struct vmcb_seg *seg, u16 sel, u32 ar, u64 base, u32 limit)
{
	seg->selector = sel;
	seg->attrib = denali_svm_seg_attrib(ar);
	seg->base = base;
	seg->limit = limit;
}

static void set_intercept(struct vmcb_control_area *c, unsigned int bit)
{
	c->intercepts[bit / 32] |= BIT(bit % 32);
}

/*
 * The intercepts beyond CR, DR and exceptions (APM 15.7-15.14): host
 * events, the instructions the Denali ISA handles or forbids. Which crash
 * reason each gets is in the exit table below.
 */
static const u8 svm_intercepts[] = {
	INTERCEPT_INTR, INTERCEPT_NMI, INTERCEPT_SMI, INTERCEPT_INIT,
	INTERCEPT_SELECTIVE_CR0, INTERCEPT_RDPMC, INTERCEPT_CPUID, INTERCEPT_INVD,
	INTERCEPT_HLT, INTERCEPT_INVLPGA, INTERCEPT_IOIO_PROT, INTERCEPT_MSR_PROT,
	INTERCEPT_TASK_SWITCH, INTERCEPT_FERR_FREEZE, INTERCEPT_SHUTDOWN,
	INTERCEPT_VMRUN, INTERCEPT_VMMCALL, INTERCEPT_VMLOAD, INTERCEPT_VMSAVE,
	INTERCEPT_STGI, INTERCEPT_CLGI, INTERCEPT_SKINIT, INTERCEPT_RDTSCP,
	INTERCEPT_WBINVD, INTERCEPT_MONITOR, INTERCEPT_MWAIT, INTERCEPT_MWAIT_COND,
	INTERCEPT_XSETBV, INTERCEPT_RDPRU,
};

/*
 * CR accesses that exit: every write but CR2's (the guest may not change
 * CR0, CR3, CR4 or CR8; CR2 is its own), and reads of CR8, as on VT-x.
 */
#define CR_INTERCEPTS	((GENMASK(31, 16) & ~BIT(INTERCEPT_CR0_WRITE + 2)) | \
			 BIT(INTERCEPT_CR8_READ))
/*
 * Exceptions that exit, to be raised again in the guest: #DB and #AC,
 * because a guest can make their delivery raise them again without end,
 * inside the CPU, and hang the host (CVE-2015-8104, CVE-2015-5307);
 * intercepted, each one is an exit, and the host keeps its CPU.
 */
#define EXC_INTERCEPTS	(BIT(X86_TRAP_DB) | BIT(X86_TRAP_AC))

/* The entry state of denali_guest.h, and the controls, in a fresh VMCB. */
static void init_vmcb(struct vcpu_svm *svm)
{
	struct vmcb_control_area *c = &svm->vmcb->control;
	struct vmcb_save_area *s = &svm->vmcb->save;
	struct denali_vm *vm = svm->vcpu.vm;
	unsigned int i;

	c->intercepts[INTERCEPT_CR] = CR_INTERCEPTS;
	c->intercepts[INTERCEPT_DR] = ~0U;
	c->intercepts[INTERCEPT_EXCEPTION] = EXC_INTERCEPTS;
	for (i = 0; i < ARRAY_SIZE(svm_intercepts); i++)
		set_intercept(c, svm_intercepts[i]);
	c->iopm_base_pa = sme_pa(svm_conf.iopm);
	c->msrpm_base_pa = sme_pa(svm_conf.msrpm);
	/*
	 * V_INTR_MASKING: the guest's RFLAGS.IF masks only virtual
	 * interrupts; physical ones follow the host's IF, so a guest with
	 * interrupts off still exits on every host interrupt (APM 15.21.1).
	 */
	c->int_ctl = V_INTR_MASKING_MASK;
	c->nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	c->nested_cr3 = svm->npt_top ? sme_pa(svm->npt_top) :
				       __sme_set(denali_npt_root(&vm->npt));
	c->tlb_ctl = TLB_CONTROL_DO_NOTHING;
	c->clean = 0;

	set_seg(&s->cs, DENALI_SEL_CODE, DENALI_AR_CODE64, 0, 0xffffffff);
	set_seg(&s->ds, DENALI_SEL_DATA, DENALI_AR_DATA, 0, 0xffffffff);
	set_seg(&s->es, DENALI_SEL_DATA, DENALI_AR_DATA, 0, 0xffffffff);
	set_seg(&s->ss, DENALI_SEL_DATA, DENALI_AR_DATA, 0, 0xffffffff);
	set_seg(&s->fs, DENALI_SEL_DATA, DENALI_AR_DATA, 0, 0xffffffff);
	set_seg(&s->gs, DENALI_SEL_DATA, DENALI_AR_DATA, 0, 0xffffffff);
	set_seg(&s->tr, DENALI_SEL_TSS, DENALI_AR_TSS64,
		DENALI_REGS_GPA + DENALI_REGS_TSS_OFF, DENALI_TSS_LIMIT);
	set_seg(&s->ldtr, 0, VMX_AR_UNUSABLE, 0, 0);
	s->gdtr.base = DENALI_REGS_GPA + DENALI_REGS_GDT_OFF;
	s->gdtr.limit = DENALI_GDT_LIMIT;
	s->idtr.base = 0;
	s->idtr.limit = 0;
	s->cpl = 0;
	/* EFER.SVME must be set in the guest's EFER too (APM 15.5.1). */
	s->efer = DENALI_GUEST_EFER | EFER_SVME;
	s->cr0 = DENALI_GUEST_CR0;
	s->cr3 = DENALI_PT_GPA;
	s->cr4 = DENALI_GUEST_CR4;
	s->dr6 = DR6_RESERVED;
	s->dr7 = DR7_RESET;
	s->rflags = DENALI_GUEST_RFLAGS;
	s->rip = vm->entry;
	s->rsp = DENALI_STACK_TOP;
	s->rax = 0;
	s->g_pat = GUEST_PAT;
}

static struct denali_vcpu *svm_vcpu_create(struct denali_vm *vm)
{
	struct vcpu_svm *svm;

	BUILD_BUG_ON(sizeof(struct vmcb) > PAGE_SIZE);
	svm = kzalloc(sizeof(*svm), GFP_KERNEL_ACCOUNT);
	if (!svm)
		return ERR_PTR(-ENOMEM);
	svm->vcpu.vm = vm;
	svm->vcpu.rip = vm->entry;
	svm->vcpu.rflags = DENALI_GUEST_RFLAGS;
	svm->vcpu.regs[DN_RSP] = DENALI_STACK_TOP;
	svm->vcpu.cr3 = DENALI_PT_GPA;
	svm->asid_cpu = -1;
	svm->last_cpu = -1;
	svm->loaded_cr3 = DENALI_PT_GPA;
	svm->vmcb = (struct vmcb *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!svm->vmcb) {
		kfree(svm);
		return ERR_PTR(-ENOMEM);
	}
	svm->vmcb_pa = sme_pa(svm->vmcb);
	/*
	 * The nested walk has as many levels as the host's own paging (APM
	 * 15.25): with 5-level paging (CR4.LA57), put a level-5 table on
	 * top of the 4-level tree; its first entry covers every guest-physical
	 * address a Denali guest can reach.
	 */
	if (pgtable_l5_enabled()) {
		svm->npt_top = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
		if (!svm->npt_top) {
			free_page((unsigned long)svm->vmcb);
			kfree(svm);
			return ERR_PTR(-ENOMEM);
		}
		svm->npt_top[0] = __sme_set(denali_npt_root(&vm->npt)) | denali_npt_fmt.table;
	}
	init_vmcb(svm);
	return &svm->vcpu;
}

static void svm_vcpu_free(struct denali_vcpu *vcpu)
{
	struct vcpu_svm *svm = to_svm(vcpu);

	free_page((unsigned long)svm->npt_top);
	free_page((unsigned long)svm->vmcb);
	kfree(svm);
}

/*
 * Called once the VM's thread is gone. Its translations stay tagged with
 * ASIDs that no other VM gets on those CPUs before their next full flush
 * (see struct svm_cpu), so they can never be used again: nothing to do on
 * any CPU. Were the VM to run again, it would take a fresh ASID.
 */
static void svm_flush_vm(struct denali_vcpu *vcpu)
{
	to_svm(vcpu)->asid_cpu = -1;
}

/* Give @svm an ASID that is valid on this CPU (interrupts off). */
static void assign_asid(struct vcpu_svm *svm, struct svm_cpu *sc, int cpu)
{
	if (svm->asid_cpu == cpu && svm->asid_gen == sc->asid_gen)
		return;
	if (sc->next_asid >= svm_conf.nasids) {
		sc->asid_gen++;
		sc->next_asid = 1;
		sc->flush_all = true;
	}
	svm->asid = sc->next_asid++;
	svm->asid_gen = sc->asid_gen;
	svm->asid_cpu = cpu;
}

#define RESUME			{ .set = 1, .reason = DN_EXIT_NONE }
#define HANDLE(r)		{ .set = 1, .reason = (r) }
#define KILL(c)			{ .set = 1, .reason = DN_EXIT_KILL, .crash = DENALI_CRASH_##c }
/* Resume with exception @v raised in the guest. */
#define RAISE(v)		{ .set = 1, .reason = DN_EXIT_NONE, .raise = (v) + 1 }

/*
 * The exit table, indexed by exit code (APM Vol. 2 Appendix C). Anything
 * not listed kills the VM as unknown_exit, among them task switches and
 * FERR_FREEZE, which a 64-bit guest with CR0.NE cannot cause. The crash
 * reasons are those of the same causes on VT-x. RDTSCP and RDPRU raise
 * #UD, as on VT-x, where the guest does not have them either. XSETBV
 * raises #UD before its intercept is checked while CR4.OSXSAVE is clear,
 * as the guest must keep it: a triple fault without an IDT, as on VT-x.
 * Its entry is for a CPU that checks in the other order.
 */
static const struct {
	u8 set, reason, crash;
	u8 raise;			/* 1 + exception vector to raise, or 0 */
} svm_exits[SVM_EXIT_NPF + 1] = {
	[SVM_EXIT_READ_CR8] = KILL(CR_ACCESS),
	[SVM_EXIT_WRITE_CR0 ... SVM_EXIT_WRITE_CR0 + 15] = KILL(CR_ACCESS),
	[SVM_EXIT_READ_DR0 ... SVM_EXIT_WRITE_DR0 + 15] = KILL(DR_ACCESS),
	[SVM_EXIT_EXCP_BASE + X86_TRAP_DB] = RAISE(X86_TRAP_DB),
	[SVM_EXIT_EXCP_BASE + X86_TRAP_AC] = RAISE(X86_TRAP_AC),
	[SVM_EXIT_INTR] = RESUME,
	[SVM_EXIT_NMI] = RESUME,
	[SVM_EXIT_SMI] = RESUME,
	[SVM_EXIT_INIT] = RESUME,
	[SVM_EXIT_CR0_SEL_WRITE] = KILL(CR_ACCESS),
	[SVM_EXIT_RDPMC] = KILL(PRIV_INSN),
	[SVM_EXIT_CPUID] = HANDLE(DN_EXIT_CPUID),
	[SVM_EXIT_INVD] = KILL(INVD),
	[SVM_EXIT_HLT] = HANDLE(DN_EXIT_HLT),
	[SVM_EXIT_INVLPGA] = KILL(VIRT_INSN),
	[SVM_EXIT_IOIO] = KILL(IO),
	[SVM_EXIT_MSR] = HANDLE(DN_EXIT_RDMSR),	/* WRMSR: see below */
	[SVM_EXIT_SHUTDOWN] = KILL(TRIPLE_FAULT),
	[SVM_EXIT_VMRUN] = KILL(VIRT_INSN),
	[SVM_EXIT_VMMCALL] = HANDLE(DN_EXIT_HYPERCALL),
	[SVM_EXIT_VMLOAD] = KILL(VIRT_INSN),
	[SVM_EXIT_VMSAVE] = KILL(VIRT_INSN),
	[SVM_EXIT_STGI] = KILL(VIRT_INSN),
	[SVM_EXIT_CLGI] = KILL(VIRT_INSN),
	[SVM_EXIT_SKINIT] = KILL(VIRT_INSN),
	[SVM_EXIT_RDTSCP] = RAISE(X86_TRAP_UD),
	[SVM_EXIT_WBINVD] = KILL(INVD),
	[SVM_EXIT_MONITOR] = KILL(PRIV_INSN),
	[SVM_EXIT_MWAIT] = KILL(PRIV_INSN),
	[SVM_EXIT_MWAIT_COND] = KILL(PRIV_INSN),
	[SVM_EXIT_XSETBV] = KILL(XSETBV),
	[SVM_EXIT_RDPRU] = RAISE(X86_TRAP_UD),
	[SVM_EXIT_NPF] = HANDLE(DN_EXIT_NPF),
};

/**
 * denali_svm_classify - what the exit table says about an exit
 * @exit_code: the VMCB's EXITCODE, all 64 bits
 * @exit_info_1: EXITINFO1 (for MSR exits: 1 for WRMSR, 0 for RDMSR)
 * @e: gets hw, reason and crash
 *
 * VMEXIT_INVALID (-1: VMRUN refused the guest state) is invalid_state; a
 * code the table does not list is unknown_exit. Hardware-free, so KUnit
 * checks it. Returns the exception vector to raise in the guest before it
 * resumes, or -1.
 */
int denali_svm_classify(u64 exit_code, u64 exit_info_1, struct denali_exit *e)
{
	e->hw = exit_code;
	e->reason = DN_EXIT_KILL;
	e->crash = DENALI_CRASH_NONE;
	if (exit_code == (u64)SVM_EXIT_ERR) {
		e->crash = DENALI_CRASH_INVALID_STATE;
		return -1;
	}
	if (exit_code >= ARRAY_SIZE(svm_exits) || !svm_exits[exit_code].set) {
		e->crash = DENALI_CRASH_UNKNOWN_EXIT;
		return -1;
	}
	if (exit_code == SVM_EXIT_MSR && (exit_info_1 & MSR_EXIT_WRITE)) {
		e->crash = DENALI_CRASH_MSR;
		return -1;
	}
	e->reason = svm_exits[exit_code].reason;
	e->crash = svm_exits[exit_code].crash;
	return (int)svm_exits[exit_code].raise - 1;
}
EXPORT_SYMBOL_IF_KUNIT(denali_svm_classify);

/*
 * Length of the instruction that exited, for the exits the core skips:
 * from next_rip where the CPU saves it (NRIPS, APM 15.7.1), else the
 * length of the instruction without prefixes (QEMU's TCG has no NRIPS).
 */
static u32 insn_len(struct vcpu_svm *svm, u64 exit_code)
{
	u64 rip = svm->vmcb->save.rip, next = svm->vmcb->control.next_rip;

	if (svm_conf.nrips && next > rip && next - rip <= MAX_INSN_LEN)
		return next - rip;
	switch (exit_code) {
	case SVM_EXIT_VMMCALL:		/* 0f 01 d9 */
		return 3;
	case SVM_EXIT_CPUID:		/* 0f a2 */
	case SVM_EXIT_MSR:		/* 0f 32 */
		return 2;
	case SVM_EXIT_HLT:		/* f4 */
		return 1;
	default:
		return 0;
	}
}

/* Raise exception @vector in the guest on the next VMRUN (APM 15.20). */
static void raise_exception(struct vcpu_svm *svm, int vector)
{
	struct vmcb_control_area *c = &svm->vmcb->control;

	c->event_inj = vector | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID;
	c->event_inj_err = 0;
	/* #AC pushes an error code, always 0; #DB and #UD none. */
	if (vector == X86_TRAP_AC)
		c->event_inj |= SVM_EVTINJ_VALID_ERR;
}

/*
 * The exit interrupted the delivery of an event (EXITINTINFO, APM 15.7.2),
 * say of an exception through a guest IDT page not yet backed: deliver it
 * again on the next VMRUN. Not INTn, INT3 or INTO: RIP still points at the
 * instruction, which raises them again when it runs again.
 */
static void requeue_event(struct vcpu_svm *svm)
{
	struct vmcb_control_area *c = &svm->vmcb->control;
	u32 info = c->exit_int_info;
	u32 type = info & SVM_EXITINTINFO_TYPE_MASK;
	u32 vector = info & SVM_EXITINTINFO_VEC_MASK;

	if (!(info & SVM_EXITINTINFO_VALID) || type == SVM_EXITINTINFO_TYPE_SOFT)
		return;
	if (type == SVM_EXITINTINFO_TYPE_EXEPT &&
	    (vector == X86_TRAP_BP || vector == X86_TRAP_OF))
		return;
	c->event_inj = info;
	c->event_inj_err = c->exit_int_info_err;
}

/*
 * The scheduler asked for an interrupt at @vcpu->irq_vector: inject it if
 * the guest can take one now (IF set, no interrupt shadow) and no event is
 * queued already (APM 15.20: EVENTINJ does not check either).
 */
static void inject_irq(struct vcpu_svm *svm)
{
	struct vmcb_control_area *c = &svm->vmcb->control;
	u8 vector = svm->vcpu.irq_vector;

	svm->vcpu.irq_vector = 0;
	if (!vector || (c->event_inj & SVM_EVTINJ_VALID))
		return;
	if (!(svm->vmcb->save.rflags & X86_EFLAGS_IF) ||
	    (c->int_state & SVM_INTERRUPT_SHADOW_MASK))
		return;
	c->event_inj = vector | SVM_EVTINJ_TYPE_INTR | SVM_EVTINJ_VALID;
	c->event_inj_err = 0;
	svm->vcpu.irq_injected = true;
}

/* Fill @vcpu->exit from the VMCB and queue what the guest gets next. */
static void decode_exit(struct vcpu_svm *svm)
{
	struct vmcb_control_area *c = &svm->vmcb->control;
	struct denali_exit *e = &svm->vcpu.exit;
	u64 code = (u64)c->exit_code_hi << 32 | c->exit_code;
	int vector;

	vector = denali_svm_classify(code, c->exit_info_1, e);
	e->qual = c->exit_info_1;
	e->insn_len = insn_len(svm, code);
	e->gpa = 0;
	e->write = false;
	if (e->reason == DN_EXIT_NPF) {
		e->gpa = c->exit_info_2;
		e->write = c->exit_info_1 & NPF_WRITE;
	}

	c->event_inj = 0;
	c->event_inj_err = 0;
	if (e->reason == DN_EXIT_KILL)
		return;
	/*
	 * A new exception replaces the event it interrupted: #DB and #AC are
	 * benign, so the CPU would deliver them one after the other (SDM
	 * Vol. 3 6.15, table 6-5), and a fault comes back by itself.
	 */
	if (vector >= 0)
		raise_exception(svm, vector);
	else
		requeue_event(svm);
}

/*
 * The fields of the save area that only the module sets: the guest can
 * change none of them (every CR write exits). Anything else there is
 * state the VMCB was never given.
 */
static bool vmcb_intact(struct vcpu_svm *svm)
{
	const struct vmcb_save_area *s = &svm->vmcb->save;

	return s->efer == (DENALI_GUEST_EFER | EFER_SVME) && s->cr0 == DENALI_GUEST_CR0 &&
	       s->cr4 == DENALI_GUEST_CR4 && s->cr3 == svm->loaded_cr3;
}

static void vmcb_report(struct vcpu_svm *svm, const char *when)
{
	const struct vmcb_save_area *s = &svm->vmcb->save;
	const struct vmcb_control_area *c = &svm->vmcb->control;
	int cpu;

	pr_err("VM %s: VMCB %llx holds state it was never given %s on CPU %d: rip %llx cr3 %llx efer %llx cr0 %llx cr4 %llx rsp %llx exit %llx info %llx %llx int %x, entered with event %x; last ran on CPU %d exit %llx rip %llx\n",
	       svm->vcpu.vm->name, svm->vmcb_pa, when, smp_processor_id(), s->rip, s->cr3, s->efer,
	       s->cr0, s->cr4, s->rsp, (u64)c->exit_code, c->exit_info_1, c->exit_info_2,
	       c->exit_int_info, svm->entry_inj, svm->last_cpu, svm->last_exit, svm->last_rip);
	for_each_online_cpu(cpu)
		pr_err("  CPU %d last VMRUN of VMCB %llx\n", cpu,
		       READ_ONCE(per_cpu_ptr(&svm_cpu, cpu)->last_vmcb_pa));
}

/*
 * One entry into the guest and back. Preemption is off throughout and
 * interrupts from before CLGI to after STGI, so the per-CPU state stays
 * ours; a host interrupt or NMI that made the guest exit is taken by
 * Linux right at STGI. Host state VMRUN does not switch is saved and put
 * back around it: FS, GS, TR, LDTR and the syscall MSRs by VMSAVE/VMLOAD
 * (vmrun.S), DR7 (the guest runs with its own, 0x400), DR6 after a guest
 * #DB, and DEBUGCTL (the guest runs with 0; without LBR virtualization the
 * CPU leaves the host's in place). SPEC_CTRL needs nothing: the guest
 * cannot write it (every WRMSR exits), and with V_SPEC_CTRL the CPU
 * switches it itself. The guest cannot use the FPU (CR0.EM, no
 * CR4.OSXSAVE), so its registers stay the host's.
 */
static int svm_vcpu_run(struct denali_vcpu *vcpu)
{
	struct vcpu_svm *svm = to_svm(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	struct svm_cpu *sc;
	unsigned long dr7;
	u64 debugctl;
	int fail, ret = 0;

	WARN_ON_ONCE(!(current->flags & PF_KTHREAD));
	preempt_disable();
	sc = this_cpu_ptr(&svm_cpu);
	/* This CPU is going offline and already left SVM. */
	if (!READ_ONCE(sc->on)) {
		ret = -EAGAIN;
		goto out;
	}
	if (!vmcb_intact(svm)) {
		vmcb_report(svm, "before entry");
		ret = -EIO;
		goto out;
	}
	if (vcpu->rip_dirty) {
		/* The host moved past an instruction: its STI or MOV SS shadow goes too. */
		vmcb->save.rip = vcpu->rip;
		vmcb->control.int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
		vcpu->rip_dirty = false;
	}
	vmcb->save.rax = vcpu->regs[DN_RAX];
	if (vcpu->cr3_dirty) {
		/* No VMCB clean bits are ever set: VMRUN reloads CR3. */
		vmcb->save.cr3 = vcpu->cr3;
		svm->loaded_cr3 = vcpu->cr3;
		vcpu->cr3_dirty = false;
	}
	/*
	 * The host changed the guest's tables. With FlushByAsid the VMRUN
	 * below flushes this ASID (TLB_CONTROL 3); without, a fresh ASID
	 * leaves the old translations behind, tagged with an ASID this VM no
	 * longer has (see struct svm_cpu). A VM that moves takes a fresh
	 * ASID anyway.
	 */
	if (vcpu->tlb_flush && !boot_cpu_has(X86_FEATURE_FLUSHBYASID)) {
		svm->asid_cpu = -1;
		vcpu->tlb_flush = false;
	}
	inject_irq(svm);

	local_irq_disable();
	/* A kick before this point finds the flag; a later one is an IPI, which exits. */
	if (denali_vcpu_kicked(vcpu)) {
		local_irq_enable();
		ret = -EINTR;
		goto out;
	}
	if (WARN_ON_ONCE(__denali_svm_clgi())) {
		local_irq_enable();
		ret = -EIO;
		goto out;
	}
	assign_asid(svm, sc, smp_processor_id());
	vmcb->control.asid = svm->asid;
	vmcb->control.tlb_ctl = sc->flush_all ? TLB_CONTROL_FLUSH_ALL_ASID :
				vcpu->tlb_flush ? TLB_CONTROL_FLUSH_ASID :
						  TLB_CONTROL_DO_NOTHING;
	vcpu->tlb_flush = false;
	svm->entry_inj = vmcb->control.event_inj;
	get_debugreg(dr7, 7);
	rdmsrl(MSR_IA32_DEBUGCTLMSR, debugctl);
	if (debugctl)
		wrmsrl(MSR_IA32_DEBUGCTLMSR, 0);
	/* AMD's DIV0 erratum: leave no host quotient for the guest to see. */
	amd_clear_divider();

	/*
	 * IF = 1 for VMRUN (see vmrun.S); GIF = 0 holds every interrupt
	 * until STGI, so the raw variants leave lockdep's view (off) true.
	 */
	raw_local_irq_enable();
	WRITE_ONCE(sc->last_vmcb_pa, svm->vmcb_pa);
	fail = __denali_svm_run(svm->vmcb_pa, vcpu->regs, sme_pa(sc->host));
	raw_local_irq_disable();

	if (debugctl)
		wrmsrl(MSR_IA32_DEBUGCTLMSR, debugctl);
	if (dr7 != DR7_RESET)
		set_debugreg(dr7, 7);
	if (!fail && vmcb->control.exit_code == SVM_EXIT_EXCP_BASE + X86_TRAP_DB) {
		/* The guest's #DB set bits in DR6: the host's own #DB must not see them. */
		set_debugreg(DR6_RESERVED, 6);
		vmcb->save.dr6 = DR6_RESERVED;
	}
	if (!fail && vmcb->control.exit_code != (u32)SVM_EXIT_ERR)
		sc->flush_all = false;
	WARN_ON_ONCE(__denali_svm_stgi());
	local_irq_enable();

	if (fail) {
		pr_err_ratelimited("VM %s: VMRUN faulted\n", vcpu->vm->name);
		ret = -EIO;
		goto out;
	}
	if (!vmcb_intact(svm)) {
		vmcb_report(svm, "after exit");
		ret = -EIO;
		goto out;
	}
	svm->last_cpu = smp_processor_id();
	svm->last_exit = vmcb->control.exit_code;
	svm->last_rip = vmcb->save.rip;
	vcpu->rip = vmcb->save.rip;
	vcpu->rflags = vmcb->save.rflags;
	vcpu->regs[DN_RSP] = vmcb->save.rsp;
	vcpu->regs[DN_RAX] = vmcb->save.rax;
	decode_exit(svm);
out:
	preempt_enable();
	return ret;
}

const struct denali_arch_ops denali_svm_ops = {
	.name = "svm",
	.vendor = "AMD-V",
	.npt_fmt = &denali_npt_fmt,
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
