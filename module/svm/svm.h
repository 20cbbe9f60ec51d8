/* SPDX-License-Identifier: GPL-2.0 */
/* The AMD-V backend's assembly side (vmrun.S) and its hardware-free parts for KUnit. */
#ifndef _DENALI_SVM_H
#define _DENALI_SVM_H

#include <linux/types.h>

struct denali_exit;
struct denali_npt_fmt;

int __denali_svm_run(u64 vmcb_pa, unsigned long *regs, u64 host_pa);
int __denali_svm_clgi(void);
int __denali_svm_stgi(void);

/* The NPT entry format. */
extern const struct denali_npt_fmt denali_npt_fmt;

u16 denali_svm_seg_attrib(u32 vmx_ar);
int denali_svm_classify(u64 exit_code, u64 exit_info_1, struct denali_exit *e);

#endif /* _DENALI_SVM_H */
