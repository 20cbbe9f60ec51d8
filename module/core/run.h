/* SPDX-License-Identifier: GPL-2.0 */
/* Running a VM: start, stop, teardown, and how a run ends. */
#ifndef _DENALI_RUN_H
#define _DENALI_RUN_H

#include <linux/types.h>

struct denali_vm;

int denali_run_start(struct denali_vm *vm, const char **why);
int denali_run_stop(struct denali_vm *vm, const char **why);
void denali_run_close(struct denali_vm *vm);
void denali_run_teardown(struct denali_vm *vm);
void denali_run_set_state(struct denali_vm *vm, u32 state);

#endif /* _DENALI_RUN_H */
