// SPDX-License-Identifier: GPL-2.0
/* What the Denali virtual ISA does with each kind of VM exit, for both backends. */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/uio.h>
#include <linux/nospec.h>
#include <linux/io.h>
#include <asm/processor.h>
#include <asm/msr-index.h>
#include <asm/tsc.h>
#include <linux/denali_guest.h>
#include <kunit/visibility.h>

#include "core/disk.h"
#include "core/guest.h"
#include "core/nic.h"
#include "core/run.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "core/vtlb.h"

static const char *const crash_names[__DENALI_CRASH_MAX] = {
	[DENALI_CRASH_NONE] = "none",
	[DENALI_CRASH_TRIPLE_FAULT] = "triple_fault",
	[DENALI_CRASH_IO] = "io",
	[DENALI_CRASH_MSR] = "msr",
	[DENALI_CRASH_CPUID] = "cpuid",
	[DENALI_CRASH_INVD] = "invd",
	[DENALI_CRASH_XSETBV] = "xsetbv",
	[DENALI_CRASH_VIRT_INSN] = "virt_insn",
	[DENALI_CRASH_HLT_IF0] = "hlt_if0",
	[DENALI_CRASH_MEMORY] = "memory",
	[DENALI_CRASH_PAGE_TABLES] = "page_tables",
	[DENALI_CRASH_CR_ACCESS] = "cr_access",
	[DENALI_CRASH_DR_ACCESS] = "dr_access",
	[DENALI_CRASH_BAD_HYPERCALL] = "bad_hypercall",
	[DENALI_CRASH_PRIV_INSN] = "priv_insn",
	[DENALI_CRASH_INVALID_STATE] = "invalid_state",
	[DENALI_CRASH_UNKNOWN_EXIT] = "unknown_exit",
	[DENALI_CRASH_NO_MEMORY] = "no_memory",
	[DENALI_CRASH_BAD_ARGUMENT] = "bad_argument",
};

const char *denali_crash_name(u32 reason)
{
	return reason < __DENALI_CRASH_MAX && crash_names[reason] ?
	       crash_names[reason] : "unknown";
}
EXPORT_SYMBOL_IF_KUNIT(denali_crash_name);

/*
 * The guest did something the Denali ISA does not allow: it dies, with the
 * reason and where it was, and nothing else is affected. Returns
 * DN_RUN_END.
 */
static int kill(struct denali_vcpu *vcpu, u32 reason)
{
	struct denali_vm *vm = vcpu->vm;

	vm->crash_reason = reason;
	vm->crash_rip = vcpu->rip;
	vm->crash_info = vcpu->exit.hw;
	/* The CPU too: an emulator's flaw on one CPU shows as kills there only. */
	pr_info_ratelimited("VM %s (id %u) killed: %s at rip 0x%llx (exit 0x%llx, info 0x%llx) on CPU %d\n",
			    vm->name, vm->id, denali_crash_name(reason), vcpu->rip,
			    vcpu->exit.hw, vcpu->exit.qual, raw_smp_processor_id());
	denali_run_set_state(vm, DENALI_VM_STATE_CRASHED);
	return DN_RUN_END;
}

static void skip_insn(struct denali_vcpu *vcpu)
{
	vcpu->rip += vcpu->exit.insn_len;
	vcpu->rip_dirty = true;
}

/*
 * IDLE for @timeout_ns (DENALI_IDLE_FOREVER: until an interrupt). It does
 * not sleep at all when an interrupt bit is pending already. Bits still
 * in the module go to the registers page now, where the guest looks for
 * them (with an interrupt, if it has them enabled, as after HLT), and the
 * guest goes on. Bits it left untaken in its page mean it idles without
 * looking: then it sleeps for one quantum at most (or until a new bit),
 * so a guest that ignores its interrupts and idles in a loop costs an
 * exit per quantum, not a storm of them. A timeout of 0 only gives up
 * the rest of the quantum.
 */
static int idle(struct denali_vcpu *vcpu, u64 timeout_ns)
{
	struct denali_vm *vm = vcpu->vm;
	u64 now;

	if (!timeout_ns)
		return DN_RUN_YIELD;
	if (atomic_read(&vm->sched.pending)) {
		denali_sched_deliver(vm);
		return DN_RUN_CONTINUE;
	}
	now = ktime_get_ns();
	if (READ_ONCE(vm->regs->pending))
		timeout_ns = min_t(u64, timeout_ns, denali_sched_quantum_ns());
	vm->sched.idle_req = timeout_ns == DENALI_IDLE_FOREVER ? KTIME_MAX :
			     denali_sched_deadline(now, timeout_ns);
	return DN_RUN_IDLE;
}

/* Hypercalls: arguments in RDI, RSI, RDX, R10, R8; the result in RAX. */

static int hc_halt(struct denali_vcpu *vcpu)
{
	vcpu->vm->exit_code = (u32)vcpu->regs[DN_RDI];
	denali_run_set_state(vcpu->vm, DENALI_VM_STATE_HALTED);
	return DN_RUN_END;
}

static int hc_idle(struct denali_vcpu *vcpu)
{
	vcpu->regs[DN_RAX] = 0;
	return idle(vcpu, vcpu->regs[DN_RDI]);
}

/* ALARM(deadline_ns): on the registers page clock, which is ktime's. */
static int hc_alarm(struct denali_vcpu *vcpu)
{
	u64 deadline = vcpu->regs[DN_RDI];

	denali_sched_set_alarm(vcpu->vm, min_t(u64, deadline, KTIME_MAX - 1));
	vcpu->regs[DN_RAX] = 0;
	return DN_RUN_CONTINUE;
}

static int hc_console_write(struct denali_vcpu *vcpu)
{
	struct denali_vm *vm = vcpu->vm;
	u64 gpa = vcpu->regs[DN_RDI], len = vcpu->regs[DN_RSI];
	u64 n = min_t(u64, len, DENALI_CONSOLE_WRITE_MAX), done;
	char buf[256];

	if (!denali_gpa_range_ok(vm->mem.size, gpa, len))
		return kill(vcpu, DENALI_CRASH_BAD_ARGUMENT);
	for (done = 0; done < n;) {
		struct kvec kv = { .iov_base = buf, .iov_len = min_t(u64, n - done, sizeof(buf)) };
		struct iov_iter iter;
		ssize_t got;

		iov_iter_kvec(&iter, ITER_DEST, &kv, 1, kv.iov_len);
		got = denali_mem_rw_iter(&vm->mem, gpa + done, &iter, false);
		if (got <= 0 || denali_console_write(&vm->console, buf, got))
			return kill(vcpu, DENALI_CRASH_NO_MEMORY);
		done += got;
	}
	vcpu->regs[DN_RAX] = n;
	return DN_RUN_CONTINUE;
}

/* CONSOLE_READ(gpa, len): keyboard input, as much as waits and fits; 0 if none. */
static int hc_console_read(struct denali_vcpu *vcpu)
{
	struct denali_vm *vm = vcpu->vm;
	u64 gpa = vcpu->regs[DN_RDI], len = vcpu->regs[DN_RSI];
	struct kvec kv;
	struct iov_iter iter;
	char buf[256];
	size_t n;

	if (!denali_gpa_range_ok(vm->mem.size, gpa, len))
		return kill(vcpu, DENALI_CRASH_BAD_ARGUMENT);
	n = denali_console_input_take(&vm->console, buf, min_t(u64, len, sizeof(buf)));
	if (n) {
		kv.iov_base = buf;
		kv.iov_len = n;
		iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, n);
		if (denali_mem_rw_iter(&vm->mem, gpa, &iter, true) != n)
			return kill(vcpu, DENALI_CRASH_NO_MEMORY);
	}
	vcpu->regs[DN_RAX] = n;
	return DN_RUN_CONTINUE;
}

/*
 * NET_SEND(nic, gpa, len) and NET_RECV(nic, gpa, len): the frame's range
 * must lie in guest memory, whatever the NIC; core/nic.c does the rest.
 */
static int hc_net(struct denali_vcpu *vcpu,
		  int (*fn)(struct denali_vm *vm, u64 nr, u64 gpa, u64 len, u64 *rax))
{
	struct denali_vm *vm = vcpu->vm;
	u64 gpa = vcpu->regs[DN_RSI], len = vcpu->regs[DN_RDX], rax = 0;

	if (!denali_gpa_range_ok(vm->mem.size, gpa, len))
		return kill(vcpu, DENALI_CRASH_BAD_ARGUMENT);
	if (fn(vm, vcpu->regs[DN_RDI], gpa, len, &rax))
		return kill(vcpu, DENALI_CRASH_NO_MEMORY);
	vcpu->regs[DN_RAX] = rax;
	return DN_RUN_CONTINUE;
}

static int hc_net_send(struct denali_vcpu *vcpu)
{
	return hc_net(vcpu, denali_nic_send);
}

static int hc_net_recv(struct denali_vcpu *vcpu)
{
	return hc_net(vcpu, denali_nic_recv);
}

/*
 * DISK_READ/WRITE(disk, block, gpa, tag) and DISK_FLUSH(disk, tag): queued
 * for core/disk.c's workqueue. Unlike the calls above, a gpa outside guest
 * memory does not kill: the guest ABI makes it that request's error
 * (-DENALI_EFAULT in its completion), like a block past the end.
 */
static int hc_disk_rw(struct denali_vcpu *vcpu, u32 op)
{
	unsigned long *r = vcpu->regs;

	r[DN_RAX] = denali_disk_submit(vcpu->vm, op, r[DN_RDI], r[DN_RSI],
				       r[DN_RDX], r[DN_R10]);
	return DN_RUN_CONTINUE;
}

static int hc_disk_read(struct denali_vcpu *vcpu)
{
	return hc_disk_rw(vcpu, DENALI_HC_DISK_READ);
}

static int hc_disk_write(struct denali_vcpu *vcpu)
{
	return hc_disk_rw(vcpu, DENALI_HC_DISK_WRITE);
}

static int hc_disk_flush(struct denali_vcpu *vcpu)
{
	unsigned long *r = vcpu->regs;

	r[DN_RAX] = denali_disk_submit(vcpu->vm, DENALI_HC_DISK_FLUSH, r[DN_RDI],
				       0, 0, r[DN_RSI]);
	return DN_RUN_CONTINUE;
}

/*
 * The virtual MMU (core/vtlb.c). A call that changed or removed a
 * translation the CPU may cache has the backend flush the VM's
 * guest-virtual translations before the guest runs again; while the
 * shared map is in use, VMMU_ON's flush covers them. Errors go back to
 * the guest: nothing here kills.
 */
static int vtlb_done(struct denali_vcpu *vcpu, int ret, bool stale)
{
	struct denali_vtlb *t = &vcpu->vm->vtlb;
	u64 cr3 = denali_vtlb_cr3(t);

	if (cr3 != vcpu->cr3) {
		vcpu->cr3 = cr3;
		vcpu->cr3_dirty = true;
	}
	if (stale && t->on)
		vcpu->tlb_flush = true;
	vcpu->regs[DN_RAX] = ret;
	return DN_RUN_CONTINUE;
}

static int hc_vmmu(struct denali_vcpu *vcpu)
{
	bool stale = false;
	int ret = denali_vtlb_mode(&vcpu->vm->vtlb, vcpu->regs[DN_RDI], &stale);

	/* Off again: the CPU may hold translations of the tables just left. */
	if (stale)
		vcpu->tlb_flush = true;
	return vtlb_done(vcpu, ret, stale);
}

static int hc_tlb_load(struct denali_vcpu *vcpu)
{
	unsigned long *r = vcpu->regs;
	bool stale = false;
	int ret = denali_vtlb_load(&vcpu->vm->vtlb, r[DN_RDI], r[DN_RSI], r[DN_RDX], &stale);

	return vtlb_done(vcpu, ret, stale);
}

static int hc_tlb_flush(struct denali_vcpu *vcpu)
{
	bool stale = false;
	int ret = denali_vtlb_flush(&vcpu->vm->vtlb, vcpu->regs[DN_RDI], &stale);

	return vtlb_done(vcpu, ret, stale);
}

static int hc_tlb_flush_all(struct denali_vcpu *vcpu)
{
	bool stale = false;
	int ret = denali_vtlb_flush_all(&vcpu->vm->vtlb, vcpu->regs[DN_RDI], &stale);

	return vtlb_done(vcpu, ret, stale);
}

static int (*const hypercalls[__DENALI_HC_MAX])(struct denali_vcpu *vcpu) = {
	[DENALI_HC_HALT] = hc_halt,
	[DENALI_HC_IDLE] = hc_idle,
	[DENALI_HC_CONSOLE_WRITE] = hc_console_write,
	[DENALI_HC_CONSOLE_READ] = hc_console_read,
	[DENALI_HC_ALARM] = hc_alarm,
	[DENALI_HC_NET_SEND] = hc_net_send,
	[DENALI_HC_NET_RECV] = hc_net_recv,
	[DENALI_HC_DISK_READ] = hc_disk_read,
	[DENALI_HC_DISK_WRITE] = hc_disk_write,
	[DENALI_HC_DISK_FLUSH] = hc_disk_flush,
	[DENALI_HC_VMMU] = hc_vmmu,
	[DENALI_HC_TLB_LOAD] = hc_tlb_load,
	[DENALI_HC_TLB_FLUSH] = hc_tlb_flush,
	[DENALI_HC_TLB_FLUSH_ALL] = hc_tlb_flush_all,
};

static int handle_hypercall(struct denali_vcpu *vcpu)
{
	u64 nr = vcpu->regs[DN_RAX];
	int (*fn)(struct denali_vcpu *vcpu);
	int res;

	if (nr >= __DENALI_HC_MAX)
		return kill(vcpu, DENALI_CRASH_BAD_HYPERCALL);
	nr = array_index_nospec(nr, __DENALI_HC_MAX);
	fn = hypercalls[nr];
	if (!fn)
		return kill(vcpu, DENALI_CRASH_BAD_HYPERCALL);
	vcpu->vm->stats.hypercalls[nr]++;
	res = fn(vcpu);
	if (res != DN_RUN_END)
		skip_insn(vcpu);
	return res;
}

/*
 * A nested page fault inside guest memory is the guest touching a page for
 * the first time: back it with a zeroed page and map it. Anywhere else the
 * guest reached for memory it does not have.
 */
static int handle_npf(struct denali_vcpu *vcpu)
{
	struct denali_vm *vm = vcpu->vm;
	u64 gpa = vcpu->exit.gpa & PAGE_MASK;
	struct page *page;
	int ret;

	if (denali_gpa_is_page_tables(gpa))
		return kill(vcpu, DENALI_CRASH_PAGE_TABLES);
	if (!denali_gpa_range_ok(vm->mem.size, gpa, PAGE_SIZE))
		return kill(vcpu, DENALI_CRASH_MEMORY);
	/* Already mapped: a fault here is not a first touch. */
	if (denali_npt_lookup(&vm->npt, gpa))
		return kill(vcpu, DENALI_CRASH_MEMORY);
	page = denali_mem_page(&vm->mem, gpa >> PAGE_SHIFT, true);
	if (IS_ERR(page))
		return kill(vcpu, DENALI_CRASH_NO_MEMORY);
	ret = denali_npt_map(&vm->npt, gpa, page_to_phys(page), true);
	if (ret)
		return kill(vcpu, ret == -ENOMEM ? DENALI_CRASH_NO_MEMORY : DENALI_CRASH_MEMORY);
	return DN_RUN_CONTINUE;
}

/*
 * CPUID: the defined leaf set is 0, 1, 0x80000000 and 0x80000001, with
 * the vendor and family of the host and only the features a Denali guest
 * can use (no FPU, no SSE, no APIC, no MSRs beyond the allow-list).
 */
/* PSE, TSC, PAE, CX8, CMOV */
#define CPUID1_EDX_ALLOWED	(BIT(3) | BIT(4) | BIT(6) | BIT(8) | BIT(15))
#define CPUID1_ECX_HYPERVISOR	BIT(31)
#define CPUIDX1_EDX_NX		BIT(20)
#define CPUIDX1_EDX_LM		BIT(29)

static int handle_cpuid(struct denali_vcpu *vcpu)
{
	u32 leaf = vcpu->regs[DN_RAX], a, b, c, d;

	switch (leaf) {
	case 0:
	case 0x80000000:
		cpuid(leaf, &a, &b, &c, &d);
		a = leaf ? 0x80000001 : 1;
		break;
	case 1:
		cpuid(1, &a, &b, &c, &d);
		b = 0;
		c = CPUID1_ECX_HYPERVISOR;
		d &= CPUID1_EDX_ALLOWED;
		break;
	case 0x80000001:
		a = 0;
		b = 0;
		c = 0;
		d = CPUIDX1_EDX_LM | CPUIDX1_EDX_NX;
		break;
	default:
		return kill(vcpu, DENALI_CRASH_CPUID);
	}
	vcpu->regs[DN_RAX] = a;
	vcpu->regs[DN_RBX] = b;
	vcpu->regs[DN_RCX] = c;
	vcpu->regs[DN_RDX] = d;
	skip_insn(vcpu);
	return DN_RUN_CONTINUE;
}

/* RDMSR allow-list: the TSC and EFER (as the guest sees it). WRMSR: none. */
static int handle_rdmsr(struct denali_vcpu *vcpu)
{
	u64 val;

	switch ((u32)vcpu->regs[DN_RCX]) {
	case MSR_IA32_TSC:
		val = rdtsc();
		break;
	case MSR_EFER:
		val = DENALI_GUEST_EFER;
		break;
	default:
		return kill(vcpu, DENALI_CRASH_MSR);
	}
	vcpu->regs[DN_RAX] = (u32)val;
	vcpu->regs[DN_RDX] = val >> 32;
	skip_insn(vcpu);
	return DN_RUN_CONTINUE;
}

/* What kind of exit, as counted for users (enum denali_exit_kind). */
static u32 exit_kind(u32 reason)
{
	BUILD_BUG_ON(DN_EXIT_NONE + 1 != DENALI_EXIT_EXTERNAL);
	BUILD_BUG_ON(DN_EXIT_HYPERCALL + 1 != DENALI_EXIT_HYPERCALL);
	BUILD_BUG_ON(DN_EXIT_HLT + 1 != DENALI_EXIT_HLT);
	BUILD_BUG_ON(DN_EXIT_NPF + 1 != DENALI_EXIT_NPF);
	BUILD_BUG_ON(DN_EXIT_CPUID + 1 != DENALI_EXIT_CPUID);
	BUILD_BUG_ON(DN_EXIT_RDMSR + 1 != DENALI_EXIT_RDMSR);
	BUILD_BUG_ON(DN_EXIT_KILL + 1 != DENALI_EXIT_KILL);
	return reason <= DN_EXIT_KILL ? reason + 1 : DENALI_EXIT_KILL;
}

/**
 * denali_handle_exit - apply the Denali ISA to the last exit
 * @vcpu: the vCPU, with @vcpu->exit filled by the backend
 *
 * Runs in the VM's worker, preemptible. Returns enum denali_run_result:
 * DN_RUN_CONTINUE to enter the guest again, DN_RUN_END when the VM's run
 * is over (halted or killed; state recorded), DN_RUN_IDLE to sleep until
 * vm->sched.idle_req or an interrupt, DN_RUN_YIELD to end the quantum.
 */
int denali_handle_exit(struct denali_vcpu *vcpu)
{
	vcpu->vm->stats.exits[exit_kind(vcpu->exit.reason)]++;
	switch (vcpu->exit.reason) {
	case DN_EXIT_NONE:
		return DN_RUN_CONTINUE;
	case DN_EXIT_HYPERCALL:
		return handle_hypercall(vcpu);
	case DN_EXIT_HLT:
		/* HLT with interrupts off would wait forever: not in the ISA. */
		if (!(vcpu->rflags & X86_EFLAGS_IF))
			return kill(vcpu, DENALI_CRASH_HLT_IF0);
		skip_insn(vcpu);
		return idle(vcpu, DENALI_IDLE_FOREVER);
	case DN_EXIT_NPF:
		return handle_npf(vcpu);
	case DN_EXIT_CPUID:
		return handle_cpuid(vcpu);
	case DN_EXIT_RDMSR:
		return handle_rdmsr(vcpu);
	case DN_EXIT_KILL:
		return kill(vcpu, vcpu->exit.crash);
	default:
		return kill(vcpu, DENALI_CRASH_UNKNOWN_EXIT);
	}
}
EXPORT_SYMBOL_IF_KUNIT(denali_handle_exit);
