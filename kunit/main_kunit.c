// SPDX-License-Identifier: GPL-2.0
/* The denali-kunit module: KUnit suites for denali.ko's hardware-free logic. */
#include <linux/module.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for the Denali module");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
