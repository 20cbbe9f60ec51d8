/* SPDX-License-Identifier: GPL-2.0 */
/* The assembly side of the VT-x backend (vmenter.S). */
#ifndef _DENALI_VMENTER_H
#define _DENALI_VMENTER_H

#include <linux/types.h>

int __denali_vmx_enter(unsigned long *regs, bool launched);
int __denali_vmxon(u64 *pa);
int __denali_vmxoff(void);

/* Where a VM exit lands (HOST_RIP). */
extern const char denali_vmx_vmexit[];

#endif /* _DENALI_VMENTER_H */
