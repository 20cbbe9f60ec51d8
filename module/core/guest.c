// SPDX-License-Identifier: GPL-2.0
/* The guest-visible machine both backends build: layout, entry state, shared tables. */
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/string.h>
#include <linux/io.h>

#include "core/guest.h"
#include "core/disk.h"
#include "core/nic.h"
#include "core/npt.h"
#include "core/vm.h"
#include "core/vtlb.h"

/*
 * One set of guest page tables for every VM: virtual 0-4 GiB maps 1:1 to
 * guest-physical with 2 MiB pages, accessed and dirty bits preset so the
 * CPU never needs to write them. They live at guest-physical DENALI_PT_GPA,
 * above any VM's memory, where no guest virtual address reaches them; and
 * the guest cannot load another CR3. The nested tables that map them are
 * shared too (one level-2 table and one level-1 table), hung into every
 * VM's tree, so a VM pays nothing for its address space.
 */
static struct page *guest_pt;		/* DENALI_PT_PAGES contiguous pages */
static struct page *nested_pd, *nested_pt;

#define PTE_P		BIT_ULL(0)
#define PTE_RW		BIT_ULL(1)
#define PTE_A		BIT_ULL(5)
#define PTE_D		BIT_ULL(6)
#define PTE_PS		BIT_ULL(7)

static void build_guest_tables(u64 *t)
{
	u64 *pml4 = t, *pdpt = t + 512, *pd = t + 2 * 512;
	int i;

	pml4[0] = (DENALI_PT_GPA + PAGE_SIZE) | PTE_P | PTE_RW | PTE_A;
	for (i = 0; i < 4; i++)
		pdpt[i] = (DENALI_PT_GPA + (2 + i) * PAGE_SIZE) | PTE_P | PTE_RW | PTE_A;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((u64)i << 21) | PTE_P | PTE_RW | PTE_A | PTE_D | PTE_PS;
}

/**
 * denali_guest_init - build the shared tables for the chosen backend
 * @fmt: the backend's nested entry format
 * @tables_writable: map the guest tables writable in the nested tables
 *	(AMD-V wants that for its nested walks; on VT-x they are read-only)
 */
int denali_guest_init(const struct denali_npt_fmt *fmt, bool tables_writable)
{
	u64 *pd, *pt;
	int i;

	guest_pt = alloc_pages(GFP_KERNEL | __GFP_ZERO, get_order(DENALI_PT_PAGES * PAGE_SIZE));
	nested_pd = alloc_page(GFP_KERNEL | __GFP_ZERO);
	nested_pt = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!guest_pt || !nested_pd || !nested_pt) {
		denali_guest_exit();
		return -ENOMEM;
	}
	build_guest_tables(page_address(guest_pt));

	pd = page_address(nested_pd);
	pt = page_address(nested_pt);
	pd[0] = page_to_phys(nested_pt) | fmt->table;
	for (i = 0; i < DENALI_PT_PAGES; i++)
		pt[i] = page_to_phys(guest_pt + i) |
			(tables_writable ? fmt->leaf_rw : fmt->leaf_ro);
	return 0;
}

void denali_guest_exit(void)
{
	if (guest_pt)
		__free_pages(guest_pt, get_order(DENALI_PT_PAGES * PAGE_SIZE));
	if (nested_pd)
		__free_page(nested_pd);
	if (nested_pt)
		__free_page(nested_pt);
	guest_pt = NULL;
	nested_pd = NULL;
	nested_pt = NULL;
}

/* The shared tables, and the window of the virtual MMU's own tables. */
bool denali_gpa_is_page_tables(u64 gpa)
{
	return (gpa >= DENALI_PT_GPA && gpa - DENALI_PT_GPA < DENALI_PT_PAGES * PAGE_SIZE) ||
	       denali_gpa_is_vtlb(gpa);
}

/* A GDT descriptor for a 64-bit TSS of 104 bytes at @base: 16 bytes. */
static void put_tss_desc(u64 *d, u64 base)
{
	d[0] = DENALI_TSS_LIMIT | ((base & 0xffffff) << 16) |
	       ((u64)DENALI_AR_TSS64 << 40) | (((base >> 24) & 0xff) << 56);
	d[1] = base >> 32;
}

/**
 * denali_guest_setup - what the module puts into a VM before it first runs
 * @vm: the VM, not yet started
 * @hypercall_insn: the backend's 3-byte hypercall instruction
 *
 * Writes the registers page (ABI version, memory size, clock, command
 * line, initial GDT and TSS, the hypercall trampoline) and hangs the shared tables into the
 * VM's nested tree.
 */
int denali_guest_setup(struct denali_vm *vm, const u8 hypercall_insn[3])
{
	struct denali_regs *regs;
	struct page *page;
	u8 *p;
	int ret;

	ret = denali_npt_link(&vm->npt, DENALI_PT_GPA, page_to_phys(nested_pd));
	if (ret)
		return ret;

	page = denali_mem_page(&vm->mem, DENALI_REGS_GPA >> PAGE_SHIFT, true);
	if (IS_ERR(page))
		return PTR_ERR(page);
	p = kmap_local_page(page);
	memset(p, 0, PAGE_SIZE);
	regs = (struct denali_regs *)p;
	regs->abi_version = DENALI_GUEST_ABI_VERSION;
	regs->mem_size = vm->mem.size;
	denali_sched_regs_setup(regs);
	BUILD_BUG_ON(sizeof(regs->cmdline) != sizeof(vm->cmdline));
	BUILD_BUG_ON(sizeof(*regs) > DENALI_REGS_GDT_OFF);
	/* The layout Documentation/guest-abi.rst promises. */
	BUILD_BUG_ON(offsetof(struct denali_regs, time_ns) != 32);
	BUILD_BUG_ON(offsetof(struct denali_regs, pending) != 48);
	BUILD_BUG_ON(offsetof(struct denali_regs, irq_vector) != 52);
	BUILD_BUG_ON(offsetof(struct denali_regs, cmdline) != 64);
	memcpy(regs->cmdline, vm->cmdline, sizeof(regs->cmdline));
	BUILD_BUG_ON(offsetof(struct denali_regs, nic_count) != 576);
	BUILD_BUG_ON(offsetof(struct denali_regs, nic) != 584);
	BUILD_BUG_ON(sizeof(struct denali_regs_nic) != 8);
	denali_nic_regs_update(vm, regs);
	BUILD_BUG_ON(offsetof(struct denali_regs, disk_count) != 648);
	BUILD_BUG_ON(offsetof(struct denali_regs, disk) != 656);
	BUILD_BUG_ON(offsetof(struct denali_regs, cq_head) != 784);
	BUILD_BUG_ON(offsetof(struct denali_regs, cq_tail) != 788);
	BUILD_BUG_ON(offsetof(struct denali_regs, cq) != 800);
	BUILD_BUG_ON(sizeof(struct denali_regs_disk) != 16);
	BUILD_BUG_ON(sizeof(struct denali_disk_cqe) != 16);
	denali_disk_regs_update(vm, regs);
	BUILD_BUG_ON(offsetof(struct denali_regs, tlb_size) != 2848);
	regs->tlb_size = vm->vtlb.size;
	((u64 *)(p + DENALI_REGS_GDT_OFF))[1] = 0x00af9b000000ffffULL;
	((u64 *)(p + DENALI_REGS_GDT_OFF))[2] = 0x00cf93000000ffffULL;
	put_tss_desc((u64 *)(p + DENALI_REGS_GDT_OFF) + 3,
		     DENALI_REGS_GPA + DENALI_REGS_TSS_OFF);
	/* I/O map base past the TSS limit: no I/O permission bitmap. */
	*(u16 *)(p + DENALI_REGS_TSS_OFF + 102) = DENALI_TSS_LIMIT + 1;
	memcpy(p + DENALI_REGS_TRAMPOLINE_OFF, hypercall_insn, 3);
	p[DENALI_REGS_TRAMPOLINE_OFF + 3] = 0xc3;	/* ret */
	kunmap_local(p);
	/* The module keeps it mapped (all of RAM is, on x86-64) while the VM runs. */
	vm->regs = page_address(page);
	return 0;
}
