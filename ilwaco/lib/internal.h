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

/* irq.c */
void dn_irq_init(void);
uint32_t dn_irq_take(void);
uint32_t dn_irq_run_handlers(uint32_t bits);
int dn_irq_have_handlers(void);

/* sched.c */
void dn_sched_init(void);
struct dn_thread *dn_sched_current(void);
int dn_sched_block(struct dn_waitq *q, uint64_t deadline_ns);
struct dn_thread *dn_sched_wake_one(struct dn_waitq *q);

/* switch.S: saves the callee-saved registers and RSP in *save_rsp, resumes at @rsp. */
void dn_switch(uint64_t *save_rsp, uint64_t rsp);

/* rt.c: called by start.S, never returns. */
__attribute__((noreturn)) void dn_rt_start(void);

#endif /* ILWACO_INTERNAL_H */
