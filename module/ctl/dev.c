// SPDX-License-Identifier: GPL-2.0
/* /dev/denali and VM file descriptors: what netlink cannot carry. */
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/anon_inodes.h>
#include <linux/uio.h>
#include <linux/uaccess.h>
#include <linux/denali.h>
#include <linux/denali_guest.h>

#include "core/disk.h"
#include "core/vm.h"
#include "ctl/dev.h"

/*
 * pread()/pwrite() on a VM descriptor access guest-physical memory at the
 * file offset. The low megabyte belongs to the module (registers page and
 * what later lives there), so the supervisor may read it but not write it.
 */
static ssize_t vm_rw(struct kiocb *iocb, struct iov_iter *iter, bool write)
{
	struct denali_vm *vm = iocb->ki_filp->private_data;
	u64 gpa = iocb->ki_pos;
	ssize_t ret;

	if (write && iov_iter_count(iter) && gpa < DENALI_GUEST_LOAD_MIN)
		return -EINVAL;

	down_read(&vm->lock);
	if (vm->dead)
		ret = -ENODEV;
	else
		ret = denali_mem_rw_iter(&vm->mem, gpa, iter, write);
	up_read(&vm->lock);

	if (ret > 0)
		iocb->ki_pos += ret;
	return ret;
}

static ssize_t vm_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	return vm_rw(iocb, to, false);
}

static ssize_t vm_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	return vm_rw(iocb, from, true);
}

static int vm_release(struct inode *inode, struct file *file)
{
	denali_vm_put(file->private_data);
	return 0;
}

/*
 * DENALI_VM_IOC_DISK_ATTACH: the descriptor passed is the supervisor's, as
 * with LOOP_SET_FD; the module takes its own reference and never opens a
 * path. core/disk.c checks the rest.
 */
static long ioctl_disk_attach(struct denali_vm *vm, void __user *argp)
{
	struct denali_disk_attach req;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	return denali_disk_attach(vm, &req);
}

static long vm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct denali_vm *vm = file->private_data;

	switch (cmd) {
	case DENALI_VM_IOC_CONSOLE:
		return denali_console_open(vm);
	case DENALI_VM_IOC_DISK_ATTACH:
		return ioctl_disk_attach(vm, (void __user *)arg);
	case DENALI_VM_IOC_DISK_DETACH:
		return denali_disk_detach(vm, arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations vm_fops = {
	.owner = THIS_MODULE,
	.read_iter = vm_read_iter,
	.write_iter = vm_write_iter,
	.unlocked_ioctl = vm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = vm_release,
};

static long ioctl_vm_open(void __user *argp)
{
	struct denali_vm_open req;
	struct denali_vm *vm;
	struct file *file;
	int fd;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags)
		return -EINVAL;
	vm = denali_vm_get_by_id(req.id);
	if (!vm)
		return -ENOENT;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		goto err_put;
	file = anon_inode_getfile("denali-vm", &vm_fops, vm, O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		fd = PTR_ERR(file);
		goto err_put;
	}
	/* Anonymous files are not positional by default; these are. */
	file->f_mode |= FMODE_PREAD | FMODE_PWRITE;
	fd_install(fd, file);
	return fd;

err_put:
	denali_vm_put(vm);
	return fd;
}

static long denali_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case DENALI_IOC_API_VERSION:
		return DENALI_API_VERSION;
	case DENALI_IOC_VM_OPEN:
		return ioctl_vm_open((void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations denali_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = denali_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice denali_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "denali",
	.fops = &denali_fops,
	.mode = 0600,
};

int __init denali_dev_init(void)
{
	return misc_register(&denali_misc);
}

void denali_dev_exit(void)
{
	misc_deregister(&denali_misc);
}
