/* Ilwaco internals shared between library files; applications use ilwaco.h only. */
#ifndef ILWACO_INTERNAL_H
#define ILWACO_INTERNAL_H

#include <ilwaco.h>

/* The module injects its interrupt only while RFLAGS.IF is set. */
static inline void irq_disable(void)
{
	__asm__ volatile("cli" : : : "memory");
}

static inline void irq_enable(void)
{
	__asm__ volatile("sti" : : : "memory");
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" : : : "memory");
}

/* hypercall.c: the page whose trampoline dn_hypercall() calls (vm.c moves it). */
extern uintptr_t dn_hypercall_page;

/* irq.c */
void dn_irq_init(void);
uint32_t dn_irq_take(void);
uint32_t dn_irq_run_handlers(uint32_t bits);
int dn_irq_have_handlers(void);
/* Points IDT gate @vector at @addr, on interrupt stack @ist of the TSS (0: none). */
void dn_irq_set_gate(unsigned int vector, uintptr_t addr, unsigned int ist);

/* An exception as entry.S leaves it on the stack for dn_exception(). */
struct exc_frame {
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* The exception report: prints the exception and the thread, halts with DN_HALT_CRASH. */
__attribute__((noreturn)) void dn_exception_report(const struct exc_frame *f, uint64_t cr2);

/* entry.S: the exception stubs by vector. */
extern const uint64_t dn_exc_stubs[32];

/* sched.c */
void dn_sched_init(void);
/* The unused page below thread @tid's stack (thread 0: the boot stack), 0 if none. */
uintptr_t dn_sched_stack_guard(int tid);
struct dn_thread *dn_sched_current(void);
int dn_sched_block(struct dn_waitq *q, uint64_t deadline_ns);
struct dn_thread *dn_sched_wake_one(struct dn_waitq *q);

/* switch.S: saves the callee-saved registers and RSP in *save_rsp, resumes at @rsp. */
void dn_switch(uint64_t *save_rsp, uint64_t rsp);

/* rt.c: called by start.S, never returns. */
__attribute__((noreturn)) void dn_rt_start(void);

#endif /* ILWACO_INTERNAL_H */
