// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module for the debug test kernel: makes each kernel checker
 * report once, on demand, so that the test harness can prove it sees them.
 *
 * Write a word to /sys/kernel/debug/denali_checkers/trigger:
 *   kasan     read one byte past a kmalloc'd buffer (KASAN slab-out-of-bounds)
 *   ubsan     index an array past its end (UBSAN array-index-out-of-bounds)
 *   lockdep   take two mutexes in both orders (lockdep circular dependency)
 *   kmemleak  lose the only pointer to a kmalloc'd buffer (kmemleak leak)
 *   warn      WARN_ON_ONCE(1)
 *
 * Never loaded by anything but the checkers test case, never shipped.
 */
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/uaccess.h>

static struct dentry *dir;
static DEFINE_MUTEX(lock_a);
static DEFINE_MUTEX(lock_b);
/* Where the leaked pointer went: a value kmemleak does not see as a pointer. */
static unsigned long leaked_cookie;
static int ubsan_index = 4;

static noinline void do_kasan(void)
{
	char *buf = kmalloc(24, GFP_KERNEL);
	/* The compiler must not see through it. */
	size_t off = READ_ONCE(ubsan_index) + 20;

	if (!buf)
		return;
	pr_info("reading byte %zu of a 24-byte buffer\n", off);
	OPTIMIZER_HIDE_VAR(buf);
	pr_info("it holds %d\n", READ_ONCE(buf[off]));
	kfree(buf);
}

static noinline void do_ubsan(void)
{
	/* The element past the array is still inside the struct: UBSAN alone reports it. */
	struct {
		int arr[4];
		int after;
	} s = { { 1, 2, 3, 4 }, 5 };
	int i = READ_ONCE(ubsan_index);

	pr_info("reading element %d of a 4-element array\n", i);
	pr_info("it holds %d\n", s.arr[i]);
}

static noinline void do_lockdep(void)
{
	mutex_lock(&lock_a);
	mutex_lock(&lock_b);
	mutex_unlock(&lock_b);
	mutex_unlock(&lock_a);
	/* The other order, on the same thread: no deadlock, but an inversion. */
	mutex_lock(&lock_b);
	mutex_lock(&lock_a);
	mutex_unlock(&lock_a);
	mutex_unlock(&lock_b);
}

static noinline void do_kmemleak(void)
{
	void *p = kmalloc(128, GFP_KERNEL);

	/* Keep a scrambled copy only, so no scanned word points at it. */
	WRITE_ONCE(leaked_cookie, (unsigned long)p ^ 0x5a5a5a5a5a5a5a5aUL);
	pr_info("leaked 128 bytes\n");
}

static ssize_t trigger_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char word[16];

	if (len >= sizeof(word))
		return -EINVAL;
	if (copy_from_user(word, ubuf, len))
		return -EFAULT;
	word[len] = '\0';
	strim(word);
	if (!strcmp(word, "kasan"))
		do_kasan();
	else if (!strcmp(word, "ubsan"))
		do_ubsan();
	else if (!strcmp(word, "lockdep"))
		do_lockdep();
	else if (!strcmp(word, "kmemleak"))
		do_kmemleak();
	else if (!strcmp(word, "warn"))
		WARN_ON_ONCE(1);
	else
		return -EINVAL;
	return len;
}

static const struct file_operations trigger_fops = {
	.owner = THIS_MODULE,
	.write = trigger_write,
	.llseek = noop_llseek,
};

static int __init checkers_init(void)
{
	dir = debugfs_create_dir("denali_checkers", NULL);
	debugfs_create_file("trigger", 0200, dir, NULL, &trigger_fops);
	return 0;
}

static void __exit checkers_exit(void)
{
	debugfs_remove_recursive(dir);
}

module_init(checkers_init);
module_exit(checkers_exit);
MODULE_DESCRIPTION("Denali tests: deliberate reports for each kernel checker");
MODULE_LICENSE("GPL");
