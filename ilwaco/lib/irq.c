/* Interrupts and exceptions: the IDT, the exception report, the interrupt's C half, driver handlers. */
#include "internal.h"

/* A 64-bit IDT gate descriptor (SDM Vol. 3A, 6.14.1). */
struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));

/* Present, DPL 0, type 0xe: a 64-bit interrupt gate, which clears IF on entry. */
#define GATE_INTERRUPT 0x8e

/*
 * The exceptions and DN_IRQ_VECTOR, the lowest vector the module allows:
 * 528 bytes rather than 4 KiB for all 256 vectors, so that the IDT
 * shares a page with the library's other variables; that is a page less
 * per VM. A stray vector beyond the limit is a #GP whose error code
 * names it (vector * 8 + 2), which the exception report shows.
 */
#define IDT_ENTRIES (DN_IRQ_VECTOR + 1)
static struct idt_gate idt[IDT_ENTRIES] __attribute__((aligned(16)));

void dn_irq_entry(void);
void dn_irq_handle(void);

__attribute__((noreturn)) void dn_exception(struct exc_frame *f);

/* Bits the interrupt handler took from the registers page, until dn_irq_take(). */
static uint32_t irq_bits;
static uint64_t irq_count;

static struct {
	dn_irq_handler_t fn;
	void *arg;
} handlers[32];
static uint32_t handled;

static void set_gate(unsigned int vector, uint64_t addr, unsigned int ist)
{
	struct idt_gate *g = &idt[vector];

	g->offset_lo = (uint16_t)addr;
	g->selector = DENALI_SEL_CODE;
	g->ist = (uint8_t)ist;
	g->type_attr = GATE_INTERRUPT;
	g->offset_mid = (uint16_t)(addr >> 16);
	g->offset_hi = (uint32_t)(addr >> 32);
	g->reserved = 0;
}

/* Called with interrupts off; the caller enables them. */
void dn_irq_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uintptr_t)idt };
	unsigned int v;

	for (v = 0; v < 32; v++)
		set_gate(v, dn_exc_stubs[v], 0);
	set_gate(DN_IRQ_VECTOR, (uintptr_t)dn_irq_entry, 0);
	__asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
	dn_regs()->irq_vector = DN_IRQ_VECTOR;
}

/*
 * With interrupts off, so that the gate is never seen half written. The
 * CPU reads gates from memory at each delivery: no reload is needed.
 */
void dn_irq_set_gate(unsigned int vector, uintptr_t addr, unsigned int ist)
{
	uint64_t rflags;

	if (vector >= IDT_ENTRIES)
		return;
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(rflags) : : "memory");
	set_gate(vector, addr, ist);
	__asm__ volatile("pushq %0; popfq" : : "r"(rflags) : "memory", "cc");
}

/*
 * The C half of dn_irq_entry, with interrupts off. The module ORs bits
 * into the page with a locked instruction between quanta; the exchange
 * takes all of them at once, so none can be lost or taken twice.
 */
void dn_irq_handle(void)
{
	uint32_t bits = __atomic_exchange_n(&dn_regs()->pending, 0, __ATOMIC_SEQ_CST);

	__atomic_fetch_or(&irq_bits, bits, __ATOMIC_SEQ_CST);
	__atomic_store_n(&irq_count, irq_count + 1, __ATOMIC_RELAXED);
}

/*
 * Every bit delivered and not yet taken: those the handler took and
 * those still in the page (the module does not inject while IF is clear,
 * so after IDLE they wait there). One instruction each, so an interrupt
 * between the two only moves bits from the page to irq_bits, where the
 * next call finds them.
 */
uint32_t dn_irq_take(void)
{
	uint32_t bits = __atomic_exchange_n(&dn_regs()->pending, 0, __ATOMIC_SEQ_CST);

	return bits | __atomic_exchange_n(&irq_bits, 0, __ATOMIC_SEQ_CST);
}

uint32_t dn_irq_peek(void)
{
	return __atomic_load_n(&irq_bits, __ATOMIC_SEQ_CST);
}

uint64_t dn_irq_count(void)
{
	return __atomic_load_n(&irq_count, __ATOMIC_RELAXED);
}

int dn_irq_register(uint32_t mask, dn_irq_handler_t fn, void *arg)
{
	unsigned int b;

	if (!mask)
		return DN_EINVAL;
	for (b = 0; b < 32 && fn; b++) {
		if ((mask & 1U << b) && handlers[b].fn && handlers[b].fn != fn)
			return DN_EBUSY;
	}
	for (b = 0; b < 32; b++) {
		if (!(mask & 1U << b))
			continue;
		handlers[b].fn = fn;
		handlers[b].arg = arg;
	}
	if (fn)
		handled |= mask;
	else
		handled &= ~mask;
	return 0;
}

/* Hands the bits that have a handler to it; returns the others (decided before any handler runs). */
uint32_t dn_irq_run_handlers(uint32_t bits)
{
	uint32_t mine = bits & handled, rest = bits & ~handled;
	unsigned int b;

	for (b = 0; mine; b++) {
		if (!(mine & 1U << b))
			continue;
		mine &= ~(1U << b);
		/* An earlier handler may have unregistered this one. */
		if (handlers[b].fn)
			handlers[b].fn(1U << b, handlers[b].arg);
	}
	return rest;
}

int dn_irq_have_handlers(void)
{
	return handled != 0;
}

/*
 * Any exception is fatal (but for the page faults of vm.c, which refills
 * its TLB in them): report it and halt. An exception while
 * reporting one (printf on a broken stack, say) halts without a word
 * rather than recursing into a triple fault.
 */
void dn_exception(struct exc_frame *f)
{
	uint64_t cr2;

	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	dn_exception_report(f, cr2);
}

/* CR2 comes from the caller, which read it before anything could fault again. */
void dn_exception_report(const struct exc_frame *f, uint64_t cr2)
{
	static int reporting;

	if (reporting++)
		dn_halt(DN_HALT_CRASH);
	printf("ilwaco: exception %lu error 0x%lx at rip 0x%lx cr2 0x%lx\n",
	       (unsigned long)f->vector, (unsigned long)f->error, (unsigned long)f->rip,
	       (unsigned long)cr2);
	printf("ilwaco: thread %d rsp 0x%lx rflags 0x%lx\n", dn_thread_self(),
	       (unsigned long)f->rsp, (unsigned long)f->rflags);
	dn_halt(DN_HALT_CRASH);
}
