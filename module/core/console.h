/* SPDX-License-Identifier: GPL-2.0 */
/* The VM console: a ring of guest output, read through a console descriptor. */
#ifndef _DENALI_CONSOLE_H
#define _DENALI_CONSOLE_H

#include <linux/types.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

/**
 * struct denali_console - one VM's console output
 * @lock: protects the ring
 * @buf: DENALI_CONSOLE_RING bytes, allocated on the first write
 * @head: bytes ever written
 * @tail: bytes ever consumed (or dropped); @head - @tail are readable
 * @dropped: bytes overwritten before anyone read them
 * @in_buf: DENALI_CONSOLE_IN_RING bytes of keyboard input for the guest,
 *	allocated on the first write
 * @in_head: input bytes ever queued
 * @in_tail: input bytes ever taken by the guest
 * @wait: readers waiting for output, writers for room, either for the
 *	end of the VM
 */
struct denali_console {
	spinlock_t lock;		/* protects both rings */
	u8 *buf;
	u64 head, tail;
	u64 dropped;
	u8 *in_buf;
	u64 in_head, in_tail;
	wait_queue_head_t wait;
};

struct denali_vm;

void denali_console_init(struct denali_console *con);
void denali_console_free(struct denali_console *con);
int denali_console_write(struct denali_console *con, const void *data, size_t len);
size_t denali_console_read(struct denali_console *con, void *data, size_t len);
ssize_t denali_console_input(struct denali_console *con, const void *data, size_t len);
size_t denali_console_input_take(struct denali_console *con, void *data, size_t len);
void denali_console_wake(struct denali_console *con);
int denali_console_open(struct denali_vm *vm);

#endif /* _DENALI_CONSOLE_H */
