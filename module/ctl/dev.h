/* SPDX-License-Identifier: GPL-2.0 */
/* /dev/denali and VM file descriptors. */
#ifndef _DENALI_DEV_H
#define _DENALI_DEV_H

int denali_dev_init(void);
void denali_dev_exit(void);

#endif /* _DENALI_DEV_H */
