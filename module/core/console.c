// SPDX-License-Identifier: GPL-2.0
/* The VM console: guest output and keyboard input, through a console descriptor. */
#include <linux/slab.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/anon_inodes.h>
#include <linux/poll.h>
#include <linux/uaccess.h>
#include <linux/module.h>
#include <linux/denali.h>
#include <linux/denali_guest.h>
#include <kunit/visibility.h>

#include "core/console.h"
#include "core/vm.h"

#define RING DENALI_CONSOLE_RING

void denali_console_init(struct denali_console *con)
{
	spin_lock_init(&con->lock);
	init_waitqueue_head(&con->wait);
	con->buf = NULL;
	con->head = 0;
	con->tail = 0;
	con->dropped = 0;
	con->in_buf = NULL;
	con->in_head = 0;
	con->in_tail = 0;
}
EXPORT_SYMBOL_IF_KUNIT(denali_console_init);

void denali_console_free(struct denali_console *con)
{
	kfree(con->buf);
	con->buf = NULL;
	kfree(con->in_buf);
	con->in_buf = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(denali_console_free);

/**
 * denali_console_write - append guest output, dropping the oldest on overflow
 * @con: the console
 * @data: bytes (already copied out of guest memory)
 * @len: how many
 *
 * Never blocks the VM: a console nobody reads keeps its last RING bytes.
 * The ring costs nothing until the guest first writes. Returns 0 or -ENOMEM.
 */
int denali_console_write(struct denali_console *con, const void *data, size_t len)
{
	const u8 *p = data;
	u8 *fresh = NULL;

	if (!len)
		return 0;
	if (!READ_ONCE(con->buf)) {
		fresh = kmalloc(RING, GFP_KERNEL_ACCOUNT);
		if (!fresh)
			return -ENOMEM;
	}

	spin_lock(&con->lock);
	if (!con->buf) {
		con->buf = fresh;
		fresh = NULL;
	}
	if (len > RING) {
		/* Only the last RING bytes can survive; the rest count as dropped below. */
		con->head += len - RING;
		p += len - RING;
		len = RING;
	}
	while (len) {
		size_t off = con->head % RING;
		size_t n = min_t(size_t, len, RING - off);

		memcpy(con->buf + off, p, n);
		con->head += n;
		p += n;
		len -= n;
	}
	if (con->head - con->tail > RING) {
		con->dropped += con->head - con->tail - RING;
		con->tail = con->head - RING;
	}
	spin_unlock(&con->lock);
	kfree(fresh);
	wake_up_interruptible(&con->wait);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(denali_console_write);

/*
 * Copies up to @len bytes out of a ring of @size bytes, from *@tail up to
 * @head, and advances *@tail; under the console's lock. Returns how many.
 */
static size_t ring_take(const u8 *ring, size_t size, u64 *tail, u64 head,
			u8 *out, size_t len)
{
	size_t done = 0;

	while (done < len && *tail < head) {
		size_t off = *tail % size;
		size_t n = min3(len - done, size - off, (size_t)(head - *tail));

		memcpy(out + done, ring + off, n);
		*tail += n;
		done += n;
	}
	return done;
}

/* Takes up to @len bytes of output, oldest first; returns how many. */
size_t denali_console_read(struct denali_console *con, void *data, size_t len)
{
	size_t done;

	spin_lock(&con->lock);
	done = ring_take(con->buf, RING, &con->tail, con->head, data, len);
	spin_unlock(&con->lock);
	return done;
}
EXPORT_SYMBOL_IF_KUNIT(denali_console_read);

#define IN_RING DENALI_CONSOLE_IN_RING

/**
 * denali_console_input - queue keyboard input for the guest
 * @con: the console
 * @data: bytes (already copied from the writer)
 * @len: how many
 *
 * Takes what fits in the input ring. Returns the bytes taken (0 when
 * the ring is full) or -ENOMEM.
 */
ssize_t denali_console_input(struct denali_console *con, const void *data, size_t len)
{
	const u8 *p = data;
	u8 *fresh = NULL;
	size_t done = 0;

	if (!READ_ONCE(con->in_buf)) {
		fresh = kmalloc(IN_RING, GFP_KERNEL_ACCOUNT);
		if (!fresh)
			return -ENOMEM;
	}
	spin_lock(&con->lock);
	if (!con->in_buf) {
		con->in_buf = fresh;
		fresh = NULL;
	}
	while (done < len && con->in_head - con->in_tail < IN_RING) {
		size_t off = con->in_head % IN_RING;
		size_t n = min3(len - done, (size_t)(IN_RING - off),
				(size_t)(IN_RING - (con->in_head - con->in_tail)));

		memcpy(con->in_buf + off, p + done, n);
		con->in_head += n;
		done += n;
	}
	spin_unlock(&con->lock);
	kfree(fresh);
	return done;
}
EXPORT_SYMBOL_IF_KUNIT(denali_console_input);

/* The guest takes up to @len bytes of input (CONSOLE_READ); returns how many. */
size_t denali_console_input_take(struct denali_console *con, void *data, size_t len)
{
	size_t done;

	spin_lock(&con->lock);
	done = ring_take(con->in_buf, IN_RING, &con->in_tail, con->in_head, data, len);
	spin_unlock(&con->lock);
	if (done)
		wake_up_interruptible(&con->wait);
	return done;
}
EXPORT_SYMBOL_IF_KUNIT(denali_console_input_take);

static bool console_input_room(struct denali_console *con)
{
	return READ_ONCE(con->in_head) - READ_ONCE(con->in_tail) < IN_RING;
}

/* The VM stopped running: readers see the end of the output. */
void denali_console_wake(struct denali_console *con)
{
	wake_up_interruptible_all(&con->wait);
}

static bool console_ended(struct denali_vm *vm)
{
	u32 state = READ_ONCE(vm->state);

	return state != DENALI_VM_STATE_CREATED && state != DENALI_VM_STATE_RUNNING;
}

static bool console_empty(struct denali_console *con)
{
	return READ_ONCE(con->head) == READ_ONCE(con->tail);
}

static ssize_t console_fd_read(struct file *file, char __user *ubuf, size_t len,
			       loff_t *ppos)
{
	struct denali_vm *vm = file->private_data;
	struct denali_console *con = &vm->console;
	char tmp[256];
	size_t n;

	for (;;) {
		if (!console_empty(con))
			break;
		if (console_ended(vm) || READ_ONCE(vm->dead))
			return 0;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(con->wait, !console_empty(con) ||
					     console_ended(vm) || READ_ONCE(vm->dead)))
			return -ERESTARTSYS;
	}
	n = denali_console_read(con, tmp, min(len, sizeof(tmp)));
	if (copy_to_user(ubuf, tmp, n))
		return -EFAULT;
	return n;
}

/*
 * Keyboard input: queued for the guest, which the CONSOLE interrupt tells.
 * Blocks while the queue is full; fails with EPIPE once the VM has ended.
 */
static ssize_t console_fd_write(struct file *file, const char __user *ubuf, size_t len,
				loff_t *ppos)
{
	struct denali_vm *vm = file->private_data;
	struct denali_console *con = &vm->console;
	char tmp[256];
	ssize_t n;

	if (!len)
		return 0;
	len = min(len, sizeof(tmp));
	if (copy_from_user(tmp, ubuf, len))
		return -EFAULT;
	for (;;) {
		if (console_ended(vm) || READ_ONCE(vm->dead))
			return -EPIPE;
		n = denali_console_input(con, tmp, len);
		if (n)
			break;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(con->wait, console_input_room(con) ||
					     console_ended(vm) || READ_ONCE(vm->dead)))
			return -ERESTARTSYS;
	}
	if (n > 0)
		denali_sched_raise(vm, DENALI_IRQ_CONSOLE);
	return n;
}

static __poll_t console_fd_poll(struct file *file, poll_table *wait)
{
	struct denali_vm *vm = file->private_data;
	bool ended = console_ended(vm) || READ_ONCE(vm->dead);
	__poll_t mask = 0;

	poll_wait(file, &vm->console.wait, wait);
	if (!console_empty(&vm->console) || ended)
		mask |= EPOLLIN | EPOLLRDNORM;
	/* Once the VM has ended a write does not block: it fails with EPIPE. */
	if (ended || console_input_room(&vm->console))
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

static int console_fd_release(struct inode *inode, struct file *file)
{
	denali_vm_put(file->private_data);
	return 0;
}

static const struct file_operations console_fops = {
	.owner = THIS_MODULE,
	.read = console_fd_read,
	.write = console_fd_write,
	.poll = console_fd_poll,
	.release = console_fd_release,
	.llseek = noop_llseek,
};

/* A new console descriptor for @vm; it holds a reference to the VM. */
int denali_console_open(struct denali_vm *vm)
{
	int fd;

	kref_get(&vm->ref);
	fd = anon_inode_getfd("denali-console", &console_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		denali_vm_put(vm);
	return fd;
}
