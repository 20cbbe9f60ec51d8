/* SPDX-License-Identifier: GPL-2.0 */
/* The backend ops table: VT-x (vmx/) and AMD-V (svm/) behind one interface. */
#ifndef _DENALI_ARCH_H
#define _DENALI_ARCH_H

#include <linux/types.h>

/**
 * struct denali_arch_ops - what a hardware backend provides
 * @name: "vmx" or "svm", as shown to users
 * @probe: check, on the boot CPU, that the CPU has everything the backend
 *	needs (and that firmware left it enabled). On failure, print one
 *	pr_err line saying what is missing and return a negative errno.
 * @in_use: on the calling CPU, whether another hypervisor already owns
 *	the extension (VMX operation or EFER.SVME entered by someone else).
 */
struct denali_arch_ops {
	const char *name;
	int (*probe)(void);
	bool (*in_use)(void);
};

extern const struct denali_arch_ops denali_vmx_ops;
extern const struct denali_arch_ops denali_svm_ops;

/* The backend chosen at load. */
extern const struct denali_arch_ops *denali_arch;

int denali_arch_init(void);
void denali_arch_exit(void);

#endif /* _DENALI_ARCH_H */
