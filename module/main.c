// SPDX-License-Identifier: GPL-2.0
/* Module init and exit for Denali: sequencing only. */
#include <linux/module.h>

#include "core/arch.h"
#include "core/disk.h"
#include "core/nic.h"
#include "core/sched.h"
#include "core/vm.h"
#include "ctl/netlink.h"
#include "ctl/dev.h"

static int __init denali_init(void)
{
	int ret;

	ret = denali_arch_init();
	if (ret)
		return ret;
	ret = denali_sched_init();
	if (ret)
		goto err_sched;
	ret = denali_nic_init();
	if (ret)
		goto err_nic;
	ret = denali_disk_init();
	if (ret)
		goto err_disk;
	ret = denali_vm_registry_init();
	if (ret)
		goto err_registry;
	ret = denali_nl_init();
	if (ret)
		goto err_nl;
	ret = denali_dev_init();
	if (ret)
		goto err_dev;
	pr_info("loaded (%s backend, version %s)\n", denali_arch->name,
		DENALI_VERSION);
	return 0;

err_dev:
	denali_nl_exit();
err_nl:
	denali_vm_registry_exit();
err_registry:
	denali_disk_exit();
err_disk:
	denali_nic_exit();
err_nic:
	denali_sched_exit();
err_sched:
	denali_arch_exit();
	return ret;
}

static void __exit denali_exit(void)
{
	denali_dev_exit();
	denali_vm_registry_exit();
	denali_nl_exit();
	denali_disk_exit();
	denali_nic_exit();
	denali_sched_exit();
	denali_arch_exit();
	pr_info("unloaded\n");
}

module_init(denali_init);
module_exit(denali_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Denali isolation kernel: many tiny VMs on VT-x and AMD-V");
MODULE_AUTHOR("Denali for Linux developers");
MODULE_VERSION(DENALI_VERSION);
