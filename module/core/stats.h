/* SPDX-License-Identifier: GPL-2.0 */
/* Per-VM counters and the module-wide totals. */
#ifndef _DENALI_STATS_H
#define _DENALI_STATS_H

#include <linux/types.h>
#include <linux/denali.h>
#include <linux/denali_guest.h>

struct denali_vm;

/**
 * struct denali_vm_stats - what a VM did, counted
 * @quanta: quanta the VM was given
 * @run_ns: nanoseconds those quanta lasted
 * @irqs_raised: interrupt bits raised for it
 * @irqs_injected: interrupts injected at its vector
 * @irq_batches: quanta that delivered pending bits to its registers page
 * @idles: IDLE hypercalls and HLTs that put it to sleep
 * @wake_timeout: sleeps ended by their timeout
 * @wake_irq: sleeps ended by an interrupt
 * @exits: VM exits by enum denali_exit_kind
 * @hypercalls: hypercalls by number
 *
 * Each field has one writer at a time (the VM's worker, or the raiser
 * under the worker's lock for @irqs_raised); readers take a snapshot with
 * denali_vm_stats_read(), field by field.
 */
struct denali_vm_stats {
	u64 quanta;
	u64 run_ns;
	u64 irqs_raised;
	u64 irqs_injected;
	u64 irq_batches;
	u64 idles;
	u64 wake_timeout;
	u64 wake_irq;
	u64 exits[__DENALI_EXIT_MAX];
	u64 hypercalls[__DENALI_HC_MAX];
};

void denali_vm_stats_read(struct denali_vm *vm, struct denali_vm_stats *st);
void denali_stats_add(struct denali_vm_stats *sum, const struct denali_vm_stats *st);
void denali_stats_retire(struct denali_vm *vm);
void denali_stats_total(struct denali_vm_stats *st);

#endif /* _DENALI_STATS_H */
