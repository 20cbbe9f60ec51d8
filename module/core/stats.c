// SPDX-License-Identifier: GPL-2.0
/* Per-VM counters and the module-wide totals. */
#include <linux/spinlock.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "core/stats.h"
#include "core/vm.h"

/* Counters of destroyed VMs, so the totals never go backwards. */
static DEFINE_SPINLOCK(retired_lock);
static struct denali_vm_stats retired;

#define STATS_WORDS (sizeof(struct denali_vm_stats) / sizeof(u64))

/* A snapshot of @vm's counters, each read once (the worker may be counting). */
void denali_vm_stats_read(struct denali_vm *vm, struct denali_vm_stats *st)
{
	const u64 *src = (const u64 *)&vm->stats;
	u64 *dst = (u64 *)st;
	size_t i;

	for (i = 0; i < STATS_WORDS; i++)
		dst[i] = READ_ONCE(src[i]);
	/* Raised from any context: counted atomically by the scheduler. */
	st->irqs_raised = atomic64_read(&vm->sched.raised);
}

/* @sum += @st, field by field. */
void denali_stats_add(struct denali_vm_stats *sum, const struct denali_vm_stats *st)
{
	const u64 *src = (const u64 *)st;
	u64 *dst = (u64 *)sum;
	size_t i;

	for (i = 0; i < STATS_WORDS; i++)
		dst[i] += src[i];
}
EXPORT_SYMBOL_IF_KUNIT(denali_stats_add);

/* @vm is being destroyed and will not count any more: keep its counts. */
void denali_stats_retire(struct denali_vm *vm)
{
	struct denali_vm_stats st;

	denali_vm_stats_read(vm, &st);
	spin_lock(&retired_lock);
	denali_stats_add(&retired, &st);
	spin_unlock(&retired_lock);
}

/* The module-wide totals: every VM that exists plus every destroyed one. */
void denali_stats_total(struct denali_vm_stats *st)
{
	struct denali_vm_stats one;
	struct denali_vm *vm;
	u32 id = 0;

	spin_lock(&retired_lock);
	*st = retired;
	spin_unlock(&retired_lock);
	while ((vm = denali_vm_get_next(&id))) {
		denali_vm_stats_read(vm, &one);
		denali_stats_add(st, &one);
		denali_vm_put(vm);
		if (id == U32_MAX)
			break;
		id++;
	}
}
