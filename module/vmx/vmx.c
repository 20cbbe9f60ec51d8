// SPDX-License-Identifier: GPL-2.0
/* VT-x backend: capability checks (VMX with EPT and unrestricted guest). */
#include <linux/types.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/vmx.h>
#include <asm/tlbflush.h>

#include "core/arch.h"

/*
 * The VMX capability MSRs report, in their high 32 bits, which control bits
 * may be 1 (SDM Vol. 3 Appendix A.3); EPT and VPID abilities are in
 * IA32_VMX_EPT_VPID_CAP (Appendix A.10).
 */
static int vmx_probe(void)
{
	u64 procbased, ept_cap;
	u32 procbased2;

	rdmsrl(MSR_IA32_VMX_PROCBASED_CTLS, procbased);
	if (!((procbased >> 32) & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS)) {
		pr_err("VT-x without secondary processor controls: no EPT, not loading\n");
		return -ENODEV;
	}
	rdmsrl(MSR_IA32_VMX_PROCBASED_CTLS2, procbased);
	procbased2 = procbased >> 32;
	if (!(procbased2 & SECONDARY_EXEC_ENABLE_EPT)) {
		pr_err("VT-x without EPT (extended page tables): not loading\n");
		return -ENODEV;
	}
	if (!(procbased2 & SECONDARY_EXEC_UNRESTRICTED_GUEST)) {
		pr_err("VT-x without unrestricted guest: not loading\n");
		return -ENODEV;
	}
	rdmsrl(MSR_IA32_VMX_EPT_VPID_CAP, ept_cap);
	if (!(ept_cap & VMX_EPT_PAGE_WALK_4_BIT) || !(ept_cap & VMX_EPTP_WB_BIT)) {
		pr_err("VT-x EPT lacks 4-level walks or write-back paging structures: not loading\n");
		return -ENODEV;
	}
	pr_info("VT-x with EPT, unrestricted guest%s\n",
		(procbased2 & SECONDARY_EXEC_ENABLE_VPID) ? ", VPID" : "");
	return 0;
}

/* CR4.VMXE set means some other code entered VMX operation on this CPU. */
static bool vmx_in_use(void)
{
	return cr4_read_shadow() & X86_CR4_VMXE;
}

const struct denali_arch_ops denali_vmx_ops = {
	.name = "vmx",
	.probe = vmx_probe,
	.in_use = vmx_in_use,
};
