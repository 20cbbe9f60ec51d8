/* SPDX-License-Identifier: GPL-2.0 */
/* The guest-visible machine both backends build: layout, entry state, shared tables. */
#ifndef _DENALI_GUEST_H
#define _DENALI_GUEST_H

#include <linux/types.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>
#include <linux/denali_guest.h>

struct denali_vm;
struct denali_npt_fmt;

/* The shared identity page tables: PML4, PDPT and four PDs of 2 MiB pages. */
#define DENALI_PT_PAGES		6

/*
 * Entry state (see denali_guest.h). The guest may not change CR0, CR3 or
 * CR4: every bit is intercepted, so what it reads is what it got.
 * CR0.EM keeps it off the FPU and SSE, whose host state it would clobber.
 */
#define DENALI_GUEST_CR0	(X86_CR0_PE | X86_CR0_EM | X86_CR0_ET | X86_CR0_NE | \
				 X86_CR0_WP | X86_CR0_PG)
#define DENALI_GUEST_CR4	X86_CR4_PAE
#define DENALI_GUEST_EFER	(EFER_LME | EFER_LMA | EFER_NX)
#define DENALI_GUEST_RFLAGS	X86_EFLAGS_FIXED

/* Segment access rights of the entry state, in the VMX format (SDM 24.4.1). */
#define DENALI_AR_CODE64	0xa09b	/* P, DPL 0, code exec/read accessed, L, G */
#define DENALI_AR_DATA		0xc093	/* P, DPL 0, data read/write accessed, D/B, G */
#define DENALI_AR_TSS64		0x008b	/* P, busy 64-bit TSS */
#define DENALI_GDT_LIMIT	0x27	/* null, code, data, 16-byte TSS */
#define DENALI_TSS_LIMIT	0x67

int denali_guest_init(const struct denali_npt_fmt *fmt, bool tables_writable);
void denali_guest_exit(void);
int denali_guest_setup(struct denali_vm *vm, const u8 hypercall_insn[3]);
bool denali_gpa_is_page_tables(u64 gpa);

#endif /* _DENALI_GUEST_H */
