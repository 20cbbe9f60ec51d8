/* Optional virtual memory: a page map of Ilwaco's own, run on Denali's software-loaded TLB. */
#include "internal.h"

/*
 * The page map: a directory of 1024 entries, each for 4 MiB of the 4 GiB
 * of virtual addresses, and leaves of 1024 page entries. Addresses and
 * memory are below 4 GiB, so an entry is 32 bits: a page entry is the
 * physical page, its DENALI_TLB_* flags and PME_VALID; an unmapped page
 * below a stack is PME_GUARD with the thread's number where the page
 * would be. A directory entry is 0, a leaf's address with DIR_LEAF, or
 * DIR_BLOCK with the entry of its first page: 1024 pages mapped in a
 * row with the same flags, which is how the default map covers memory
 * without a leaf per 4 MiB.
 *
 * Refills happen in the page fault handler (dn_vm_fault()), which the
 * CPU enters on a stack of its own, through pages that are always
 * loaded: the TLB's global entries ("pins").
 */
#define PAGE DN_VM_PAGE
#define LEAF_PAGES 1024
#define LEAF_SHIFT 22
#define DIR_ENTRIES 1024

#define PME_FLAGS ((uint32_t)DENALI_TLB_FLAGS)
#define PME_VALID 0x10U
#define PME_GUARD 0x20U
#define PME_ADDR 0xfffff000U
#define DIR_LEAF 0x40U
#define DIR_BLOCK 0x80U

/* The #PF error code (SDM Vol. 3A, 4.7). */
#define PF_WRITE DN_VM_PF_WRITE
#define PF_USER DN_VM_PF_USER
#define PF_RSVD 0x8
#define PF_FETCH DN_VM_PF_FETCH

#define VEC_DF 8
#define VEC_PF 14

#define RFLAGS_TF 0x100
#define RFLAGS_IF 0x200

/*
 * The 64-bit TSS the module puts at 0xe80 of the registers page; IST1
 * is its u64 at offset 0x24 (SDM Vol. 3A, 8.7). vm-entry.S moves it down
 * while a fault is handled, so that a fault inside the handler gets a
 * stack below the first one's.
 */
#define TSS_IST1 (DENALI_REGS_GPA + DENALI_REGS_TSS_OFF + 0x24)

/*
 * The handler's stack and the state it reads, together, so that two
 * global TLB entries cover both. vm-entry.S shifts IST1 by 2 KiB per
 * level: four levels fit above the state. Refills go one level deep (a
 * leaf of the map missed while looking up another page), the error
 * paths, which print, one or two more.
 */
#define FAULT_AREA_SIZE 8192
#define FAULT_DEPTH_MAX 3

/* The same address and instruction faulting this often in a row: the refill does not help. */
#define REPEAT_MAX 4

/* Above this many pages, dn_vm_unmap() flushes the whole TLB rather than page by page. */
#define FLUSH_ALL_PAGES 64

/* At most this many pages loaded as global entries. */
#define PIN_MAX 16

/* What vm-entry.S leaves on the handler's stack: registers, error code, CPU frame. */
struct vm_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/**
 * struct vm_hot - what the page fault handler reads and writes
 * @tramp: the trampoline it calls TLB_LOAD through (the executable alias)
 * @refills: entries it loaded
 * @last_va: the page of the last refill
 * @last_rip: the instruction that faulted on it
 * @repeats: refills in a row of that page at that instruction
 * @depth: faults being handled, nested
 * @on: the address space is on
 */
struct vm_hot {
	uintptr_t tramp;
	uint64_t refills;
	uint64_t last_va, last_rip;
	unsigned int repeats;
	unsigned int depth;
	int on;
};

static struct {
	struct vm_hot hot;
	uint8_t stack[FAULT_AREA_SIZE - sizeof(struct vm_hot)];
} area __attribute__((section(".bss.vm"), aligned(4096)));

static uint32_t dir[DIR_ENTRIES] __attribute__((section(".bss.vm"), aligned(4096)));
static uint32_t leaves[DN_VM_LEAVES][LEAF_PAGES] __attribute__((section(".bss.vm"), aligned(4096)));
static unsigned int leaves_used;

/*
 * The virtual page where page 0 is mapped a second time, executable. Its
 * own physical page holds a copy of the trampoline, at the same offset:
 * a hypercall that switches the address space (VMMU) returns through
 * the trampoline's ret in the other one, and finds it there too.
 */
static uint8_t tramp_page[PAGE] __attribute__((section(".bss.vm"), aligned(4096)));

static uintptr_t pins[PIN_MAX];
static unsigned int npins;

/* The map is built and the handler installed. */
static int ready;

/* ilwaco.ld */
extern char __text_start[], __rodata_start[], __data_start[], _end[];
extern char __vm_fault_text_start[], __vm_fault_text_end[];

/* Interrupts the handler delivered itself (replay_irq()). */
static uint64_t replays;

/* entry.S, vm-entry.S */
void dn_irq_entry(void);
void dn_vm_pf_entry(void);
extern const char dn_vm_probe_read_at[], dn_vm_probe_write_load[], dn_vm_probe_write_at[];
extern const char dn_vm_probe_exec_ret[], dn_vm_probe_done[];

void dn_vm_fault(struct vm_frame *f, uint64_t cr2);

static uint64_t mem_size(void)
{
	uint64_t mem = dn_regs()->mem_size;

	return mem < DENALI_TLB_VA_LIMIT ? mem : DENALI_TLB_VA_LIMIT;
}

/* An address in page 0, hidden from GCC as dn_regs() does. */
static uintptr_t page0(uintptr_t off)
{
	__asm__("" : "+r"(off));
	return off;
}

/* The handler's path: inlined into dn_vm_fault(), so that all of it lies in .text.vmfault. */
#define FAULT_PATH static inline __attribute__((always_inline))

FAULT_PATH uint32_t lookup(uint64_t va)
{
	uint32_t d = dir[va >> LEAF_SHIFT];
	uint32_t i = (uint32_t)(va / PAGE) % LEAF_PAGES;

	if (d & DIR_LEAF)
		return ((uint32_t *)(uintptr_t)(d & PME_ADDR))[i];
	if (d & DIR_BLOCK)
		return (d & ~DIR_BLOCK) + i * (uint32_t)PAGE;
	return 0;
}

/* Whether the map allows the access a fault with @error tried. */
FAULT_PATH int allows(uint32_t e, uint64_t error)
{
	if (!(e & PME_VALID) || (error & PF_RSVD))
		return 0;
	if ((error & PF_WRITE) && !(e & DENALI_TLB_W))
		return 0;
	if ((error & PF_FETCH) && !(e & DENALI_TLB_X))
		return 0;
	return !(error & PF_USER) || (e & DENALI_TLB_USER);
}

FAULT_PATH long tlb_load(uintptr_t tramp, uint64_t va, uint32_t e)
{
	long ret;

	__asm__ volatile("call *%[tramp]"
			 : "=a"(ret)
			 : "a"(DENALI_HC_TLB_LOAD), "D"(va), "S"((uint64_t)(e & PME_ADDR)),
			   "d"((uint64_t)(e & PME_FLAGS)), [tramp] "r"(tramp)
			 : "memory", "cc");
	return ret;
}

/* Too deep to trust even printf's stack: halt without a word. */
FAULT_PATH __attribute__((noreturn)) void halt_now(uintptr_t tramp)
{
	for (;;)
		__asm__ volatile("call *%[tramp]"
				 :
				 : "a"(DENALI_HC_HALT), "D"(DN_HALT_CRASH), [tramp] "r"(tramp)
				 : "memory", "cc");
}

/* A refill that keeps coming back: the loaded entry does not take. */
FAULT_PATH int repeated(struct vm_hot *h, uint64_t va, uint64_t rip)
{
	if (va == h->last_va && rip == h->last_rip)
		return ++h->repeats > REPEAT_MAX;
	h->last_va = va;
	h->last_rip = rip;
	h->repeats = 0;
	return 0;
}

static __attribute__((noinline)) void fault_slow(struct vm_frame *f, uint64_t cr2, uint32_t e,
						 long ret);
static __attribute__((noinline)) void replay_irq(struct vm_frame *f);

/*
 * The C half of the page fault handler (vm-entry.S), with interrupts
 * off, on the handler's stack. A refill touches only global pages but
 * for the leaf it reads, whose miss is handled one level deeper.
 */
__attribute__((section(".text.vmfault"))) void dn_vm_fault(struct vm_frame *f, uint64_t cr2)
{
	struct vm_hot *h = &area.hot;
	uint64_t va = cr2 & ~(PAGE - 1);
	uint32_t e = 0;
	long ret = 0;

	if (++h->depth > FAULT_DEPTH_MAX)
		halt_now(h->tramp);
	if (h->on && cr2 < DENALI_TLB_VA_LIMIT) {
		e = lookup(va);
		if (allows(e, f->error) && !repeated(h, va, f->rip)) {
			ret = tlb_load(h->tramp, va, e);
			if (!ret) {
				h->refills++;
				if ((f->rflags & RFLAGS_IF) && dn_regs()->pending)
					replay_irq(f);
				h->depth--;
				return;
			}
		}
	}
	fault_slow(f, cr2, e, ret);
	h->depth--;
}

/*
 * The module's interrupt, which the CPU could not deliver: an interrupt
 * whose frame would go on a stack page that is not loaded becomes this
 * page fault, and is lost (the module injects again at its next quantum,
 * when the page may be gone again). With interrupts enabled where the
 * fault struck and bits waiting, the handler delivers it itself, as the
 * CPU would have: the 64-bit frame on the interrupted stack, aligned
 * (SDM Vol. 3A, 6.14.2), interrupts off, on to dn_irq_entry, whose
 * iretq resumes the faulting instruction. Early or twice is harmless:
 * dn_irq_handle() takes whatever bits are there. Writing the frame may
 * fault, one level deeper, like any refill.
 */
static void replay_irq(struct vm_frame *f)
{
	uint64_t *frame = (uint64_t *)(uintptr_t)((f->rsp & ~15ULL) - 5 * sizeof(uint64_t));

	if (dn_regs()->irq_vector != DN_IRQ_VECTOR)
		return;
	frame[0] = f->rip;
	frame[1] = f->cs;
	frame[2] = f->rflags;
	frame[3] = f->rsp;
	frame[4] = f->ss;
	f->rsp = (uintptr_t)frame;
	f->rip = (uintptr_t)dn_irq_entry;
	f->rflags &= ~(RFLAGS_IF | RFLAGS_TF);
	replays++;
}

/* A probe's access faulted: resume where the probe returns, with the error code. */
static int probe_fixup(struct vm_frame *f, uint64_t cr2)
{
	uintptr_t rip = f->rip;

	if (rip == (uintptr_t)dn_vm_probe_read_at || rip == (uintptr_t)dn_vm_probe_write_load ||
	    rip == (uintptr_t)dn_vm_probe_write_at) {
		f->rip = (uintptr_t)dn_vm_probe_done;
		f->rax = DN_VM_FAULTED | f->error;
		return 1;
	}
	/*
	 * A fetch at the probed address itself, by the call in
	 * dn_vm_probe_exec(): its return address is on the stack, which the
	 * call has just written, so reading it cannot fault.
	 */
	if ((f->error & PF_FETCH) && cr2 == rip &&
	    *(const uint64_t *)(uintptr_t)f->rsp == (uintptr_t)dn_vm_probe_exec_ret) {
		f->rsp += 8;
		f->rip = (uintptr_t)dn_vm_probe_done;
		f->rax = DN_VM_FAULTED | f->error;
		return 1;
	}
	return 0;
}

/*
 * A fault the map does not explain (or whose refill failed): a probe's,
 * a guard page's, or the program's bug. Returns only for a probe. Out of
 * .text.vmfault: it may fault itself, one level deeper, and be refilled.
 */
static __attribute__((noinline)) void fault_slow(struct vm_frame *f, uint64_t cr2, uint32_t e,
						 long ret)
{
	struct exc_frame x = { VEC_PF, f->error, f->rip, f->cs, f->rflags, f->rsp, f->ss };

	if (probe_fixup(f, cr2))
		return;
	if (area.hot.on && (e & PME_GUARD) && !(e & PME_VALID)) {
		printf("ilwaco: stack overflow in thread %u (guard page at 0x%lx)\n",
		       (unsigned int)(e >> 12), (unsigned long)(cr2 & ~(PAGE - 1)));
		dn_halt(DN_HALT_CRASH);
	}
	if (ret)
		printf("ilwaco: TLB_LOAD of 0x%lx failed: %ld\n", (unsigned long)cr2, ret);
	else if (area.hot.repeats > REPEAT_MAX)
		printf("ilwaco: refills of 0x%lx do not stop its faults\n", (unsigned long)cr2);
	dn_exception_report(&x, cr2);
}

/* The leaf for @va's 4 MiB, made (from a block, or empty) if @make; NULL if none or none left. */
static uint32_t *leaf_of(uint64_t va, int make)
{
	uint32_t *d = &dir[va >> LEAF_SHIFT], *leaf;
	uint32_t i;

	if (*d & DIR_LEAF)
		return (uint32_t *)(uintptr_t)(*d & PME_ADDR);
	if (!make || leaves_used == DN_VM_LEAVES)
		return NULL;
	leaf = leaves[leaves_used++];
	for (i = 0; i < LEAF_PAGES; i++)
		leaf[i] = *d & DIR_BLOCK ? (*d & ~DIR_BLOCK) + i * (uint32_t)PAGE : 0;
	/* Filled first: a fault meanwhile still finds the old entry, and the same translations. */
	__atomic_store_n(d, (uint32_t)(uintptr_t)leaf | DIR_LEAF, __ATOMIC_RELEASE);
	return leaf;
}

/* Leaves a change of @npages pages from @va needs that are not there yet. */
static unsigned int leaves_needed(uint64_t va, size_t npages)
{
	uint64_t d, first = va >> LEAF_SHIFT, last = (va + npages * PAGE - 1) >> LEAF_SHIFT;
	unsigned int n = 0;

	for (d = first; d <= last; d++)
		n += !(dir[d] & DIR_LEAF);
	return n;
}

/* Sets @va's page entry; the leaf must be there. Returns the old entry. */
static uint32_t set_pme(uint64_t va, uint32_t e)
{
	uint32_t *slot = &leaf_of(va, 0)[(va / PAGE) % LEAF_PAGES];
	uint32_t old = *slot;

	__atomic_store_n(slot, e, __ATOMIC_RELEASE);
	return old;
}

static long hc_tlb_load(uint64_t va, uint32_t e)
{
	return dn_hypercall(DENALI_HC_TLB_LOAD, (long)va, (long)(e & PME_ADDR), e & PME_FLAGS, 0,
			    0);
}

static void hc_tlb_flush(uint64_t va)
{
	dn_hypercall(DENALI_HC_TLB_FLUSH, (long)va, 0, 0, 0, 0);
}

/*
 * After @va's entry went from @old to @e: the TLB must not keep a
 * translation the map no longer has. A global page is loaded at once.
 */
static int sync_tlb(uint64_t va, uint32_t old, uint32_t e, int flush)
{
	long ret;

	if (!ready || old == e)
		return 0;
	if (e & DENALI_TLB_GLOBAL) {
		ret = hc_tlb_load(va, e);
		return ret ? (int)ret : 0;
	}
	if ((old & PME_VALID) && (flush || (old & DENALI_TLB_GLOBAL)))
		hc_tlb_flush(va);
	return 0;
}

/* Sets the entries of @npages pages from @va: @e for the first, then the next physical pages. */
static int set_range(uint64_t va, size_t npages, uint32_t e, int phys_step)
{
	unsigned int flush_each = npages <= FLUSH_ALL_PAGES, need_flush_all = 0;
	size_t i;
	int ret = 0;

	if (!npages)
		return 0;
	if (leaves_needed(va, npages) > DN_VM_LEAVES - leaves_used)
		return DN_ENOMEM;
	for (i = 0; i < npages; i++, va += PAGE) {
		uint32_t old;

		/* Unmapping where nothing was mapped: no leaf to make. */
		if (!e && !dir[va >> LEAF_SHIFT])
			continue;
		leaf_of(va, 1);
		old = set_pme(va, e);
		if (sync_tlb(va, old, e, flush_each) && !ret)
			ret = DN_ENOSPC;
		need_flush_all |= (old & PME_VALID) && old != e;
		if (phys_step)
			e += PAGE;
	}
	if (ready && !flush_each && need_flush_all)
		dn_hypercall(DENALI_HC_TLB_FLUSH_ALL, 0, 0, 0, 0, 0);
	return ret;
}

static int range_ok(uintptr_t va, size_t npages)
{
	return !(va % PAGE) && npages <= DENALI_TLB_VA_LIMIT / PAGE &&
	       va <= DENALI_TLB_VA_LIMIT - npages * PAGE;
}

int dn_vm_map(uintptr_t va, uint64_t pa, size_t npages, unsigned int flags)
{
	if (!ready || !range_ok(va, npages) || (pa % PAGE) || (flags & ~PME_FLAGS))
		return DN_EINVAL;
	if (pa > mem_size() || npages > (mem_size() - pa) / PAGE)
		return DN_EFAULT;
	return set_range(va, npages, (uint32_t)pa | flags | PME_VALID, 1);
}

int dn_vm_unmap(uintptr_t va, size_t npages)
{
	if (!ready || !range_ok(va, npages))
		return DN_EINVAL;
	return set_range(va, npages, 0, 0);
}

int dn_vm_protect(uintptr_t va, size_t npages, unsigned int flags)
{
	size_t i;
	int ret = 0, r;

	if (!ready || !range_ok(va, npages) || (flags & ~PME_FLAGS))
		return DN_EINVAL;
	for (i = 0; i < npages; i++) {
		if (!(lookup(va + i * PAGE) & PME_VALID))
			return DN_ENOENT;
	}
	for (i = 0; i < npages; i++, va += PAGE) {
		uint32_t old = lookup(va);

		r = set_range(va, 1, (old & PME_ADDR) | flags | PME_VALID, 0);
		if (r && !ret)
			ret = r;
	}
	return ret;
}

int dn_vm_lookup(uintptr_t va, uint64_t *pa, unsigned int *flags)
{
	uint32_t e = va < DENALI_TLB_VA_LIMIT ? lookup(va & ~(PAGE - 1)) : 0;

	if (!(e & PME_VALID))
		return DN_ENOENT;
	*pa = (e & PME_ADDR) | (va % PAGE);
	*flags = e & PME_FLAGS;
	return 0;
}

/* Identity-maps [@start, @end) with @flags, a block for each whole, aligned 4 MiB. */
static int map_identity(uint64_t start, uint64_t end, unsigned int flags)
{
	const uint64_t block = (uint64_t)LEAF_PAGES * PAGE;
	uint64_t va = start, n;
	int ret;

	while (va < end) {
		if (!(va % block) && end - va >= block && !dir[va >> LEAF_SHIFT]) {
			dir[va >> LEAF_SHIFT] = (uint32_t)va | flags | PME_VALID | DIR_BLOCK;
			va += block;
			continue;
		}
		n = (block - va % block) / PAGE;
		if (n > (end - va) / PAGE)
			n = (end - va) / PAGE;
		ret = set_range(va, n, (uint32_t)va | flags | PME_VALID, 1);
		if (ret)
			return ret;
		va += n * PAGE;
	}
	return 0;
}

/* Marks the page at @va as thread @tid's guard page. */
static int set_guard(uintptr_t va, int tid)
{
	if (!leaf_of(va, 1))
		return DN_ENOMEM;
	set_pme(va, PME_GUARD | (uint32_t)tid << 12);
	return 0;
}

/*
 * The default map (see ilwaco.h): page 0, the boot stack, the image by
 * section, the guard pages, the trampoline's alias, the rest of memory.
 */
static int build_map(void)
{
	uint64_t mem = mem_size();
	int ret, tid;

	ret = map_identity(0, PAGE, DN_VM_W);
	ret = ret ?: map_identity(PAGE, (uintptr_t)__text_start, DN_VM_W);
	ret = ret ?: map_identity((uintptr_t)__text_start, (uintptr_t)__rodata_start, DN_VM_X);
	ret = ret ?: map_identity((uintptr_t)__rodata_start, (uintptr_t)__data_start, 0);
	ret = ret ?: map_identity((uintptr_t)__data_start, (uintptr_t)_end, DN_VM_W);
	ret = ret ?: map_identity((uintptr_t)_end, mem, DN_VM_W);
	for (tid = 0; !ret && tid < DN_THREAD_MAX; tid++) {
		if (dn_sched_stack_guard(tid))
			ret = set_guard(dn_sched_stack_guard(tid), tid);
	}
	ret = ret ?: set_range((uintptr_t)tramp_page, 1, DENALI_REGS_GPA | DN_VM_X | PME_VALID, 0);
	return ret;
}

/* Pins [@start, @end): its pages become global entries (loaded by load_pins()). */
static int pin_range(uintptr_t start, uintptr_t end)
{
	uintptr_t va;
	uint32_t e;

	for (va = start & ~(PAGE - 1); va < end; va += PAGE) {
		e = lookup(va);
		if (!(e & PME_VALID) || npins == PIN_MAX)
			return DN_ENOMEM;
		if (e & DENALI_TLB_GLOBAL)
			continue;
		set_pme(va, e | DENALI_TLB_GLOBAL);
		pins[npins++] = va;
	}
	return 0;
}

/*
 * What the CPU and the handler reach while a fault is handled: page 0
 * (GDT, TSS, the registers), the trampoline's alias, the IDT, the
 * handler's code, stack and state, the directory, and the leaves that
 * map the leaves (so that a leaf's own miss is refilled without another).
 */
static int pin_handler(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr;
	uintptr_t first = (uintptr_t)leaves[0], last = (uintptr_t)leaves[DN_VM_LEAVES - 1];
	int ret;

	__asm__ volatile("sidt %0" : "=m"(idtr));
	ret = pin_range(0, PAGE);
	ret = ret ?: pin_range((uintptr_t)tramp_page, (uintptr_t)tramp_page + PAGE);
	ret = ret ?: pin_range(idtr.base, idtr.base + idtr.limit + 1);
	ret = ret ?: pin_range((uintptr_t)__vm_fault_text_start, (uintptr_t)__vm_fault_text_end);
	ret = ret ?: pin_range((uintptr_t)&area, (uintptr_t)&area + sizeof(area));
	ret = ret ?: pin_range((uintptr_t)dir, (uintptr_t)dir + sizeof(dir));
	ret = ret ?: pin_range((uintptr_t)leaf_of(first, 1), (uintptr_t)leaf_of(first, 1) + 1);
	ret = ret ?: pin_range((uintptr_t)leaf_of(last, 1), (uintptr_t)leaf_of(last, 1) + 1);
	return ret;
}

/*
 * Loads the pinned pages' entries (again: they may have been flushed
 * meanwhile); pages the program has since unmapped or unpinned are left.
 */
static int load_pins(void)
{
	unsigned int i;
	uint32_t e;
	long ret;

	for (i = 0; i < npins; i++) {
		e = lookup(pins[i]);
		if (!(e & PME_VALID) || !(e & DENALI_TLB_GLOBAL))
			continue;
		ret = hc_tlb_load(pins[i], e);
		if (ret)
			break;
	}
	if (i == npins)
		return 0;
	/* Too small a TLB: take back what was loaded, for the program's own use. */
	while (i--)
		hc_tlb_flush(pins[i]);
	return ret == -DENALI_ENOSPC ? DN_ENOSPC : DN_EINVAL;
}

/*
 * The handler: the trampoline's copy and alias, a stack of its own for
 * #PF (and #DF, which a fault while delivering one would be), so that a
 * fault on a guard page, with the stack pointer in it, can be handled.
 */
static void install_handler(void)
{
	memcpy(tramp_page + DENALI_REGS_TRAMPOLINE_OFF,
	       (const void *)page0(DENALI_REGS_TRAMPOLINE_OFF), 16);
	area.hot.tramp = (uintptr_t)tramp_page + DENALI_REGS_TRAMPOLINE_OFF;
	dn_hypercall_page = (uintptr_t)tramp_page;
	*(volatile uint64_t *)page0(TSS_IST1) = (uintptr_t)&area + sizeof(area);
	dn_irq_set_gate(VEC_PF, (uintptr_t)dn_vm_pf_entry, 1);
	dn_irq_set_gate(VEC_DF, dn_exc_stubs[VEC_DF], 1);
}

/* Whether the runtime's IDT is loaded: bare guests have none, and a fault would kill them. */
static int have_idt(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr;

	__asm__ volatile("sidt %0" : "=m"(idtr));
	return idtr.limit >= (VEC_PF + 1) * 16 - 1;
}

static int setup(void)
{
	volatile struct denali_regs *r = dn_regs();
	int ret;

	if (r->abi_version < 5 || !r->tlb_size)
		return DN_ENODEV;
	if (!have_idt())
		return DN_EINVAL;
	ret = build_map();
	ret = ret ?: pin_handler();
	if (ret)
		return ret;
	install_handler();
	ready = 1;
	return 0;
}

int dn_vm_enable(void)
{
	int ret;

	if (area.hot.on)
		return 0;
	if (!ready) {
		ret = setup();
		if (ret)
			return ret;
	}
	ret = load_pins();
	if (ret)
		return ret;
	area.hot.on = 1;
	ret = (int)dn_hypercall(DENALI_HC_VMMU, DENALI_VMMU_ON, 0, 0, 0, 0);
	if (ret)
		area.hot.on = 0;
	return ret;
}

int dn_vm_disable(void)
{
	int ret;

	if (!area.hot.on)
		return 0;
	ret = (int)dn_hypercall(DENALI_HC_VMMU, DENALI_VMMU_OFF, 0, 0, 0, 0);
	if (!ret)
		area.hot.on = 0;
	return ret;
}

int dn_vm_enabled(void)
{
	return area.hot.on;
}

uint64_t dn_vm_refills(void)
{
	return area.hot.refills;
}

unsigned int dn_vm_pinned(void)
{
	return npins;
}

uint64_t dn_vm_irq_replays(void)
{
	return replays;
}
