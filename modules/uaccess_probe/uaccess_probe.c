// SPDX-License-Identifier: GPL-2.0
/*
 * uaccess_probe: a misc device through which user programs drive the
 * kernel's user-copy primitives one call at a time.
 *
 * The module owns one kernel buffer of @buf_size bytes. Every ioctl names
 * a range of it (offset, length), which is checked against the buffer
 * before anything is copied, and returns the primitive's own result in
 * the argument structure, so that user space sees exactly what
 * copy_to_user() and copy_from_user() returned. The ioctl argument itself
 * is read and written with copy_{from,to}_user too; a fault there is
 * -EFAULT from the ioctl.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "uaccess_probe.h"

static unsigned int buf_size = 64 * 1024;
module_param(buf_size, uint, 0444);
MODULE_PARM_DESC(buf_size,
		 "Kernel buffer size in bytes, a multiple of PAGE_SIZE, 1 page..4 MiB (default 64 KiB)");

static u8 *probe_buf;
static DEFINE_MUTEX(probe_lock);

/* Whether [offset, offset + len) lies inside the kernel buffer. */
static bool probe_range_ok(u64 offset, u64 len)
{
	return offset <= buf_size && len <= buf_size - offset;
}

static int probe_open(struct inode *inode, struct file *file)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return 0;
}

static long probe_xfer(unsigned int cmd, void __user *argp)
{
	struct uaccess_probe_xfer x;
	void __user *uptr;

	if (copy_from_user(&x, argp, sizeof(x)))
		return -EFAULT;
	if (!probe_range_ok(x.offset, x.len))
		return -EINVAL;
	uptr = u64_to_user_ptr(x.user_addr);
	if (cmd == UACCESS_PROBE_COPY_TO_USER)
		x.result = copy_to_user(uptr, probe_buf + x.offset, x.len);
	else
		x.result = copy_from_user(probe_buf + x.offset, uptr, x.len);
	if (copy_to_user(argp, &x, sizeof(x)))
		return -EFAULT;
	return 0;
}

static long probe_fill(void __user *argp)
{
	struct uaccess_probe_fill f;

	if (copy_from_user(&f, argp, sizeof(f)))
		return -EFAULT;
	if (!probe_range_ok(f.offset, f.len) || f.byte > 0xff || f.reserved)
		return -EINVAL;
	memset(probe_buf + f.offset, f.byte, f.len);
	return 0;
}

static long probe_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *argp = (void __user *)arg;
	long ret;

	mutex_lock(&probe_lock);
	switch (cmd) {
	case UACCESS_PROBE_COPY_TO_USER:
	case UACCESS_PROBE_COPY_FROM_USER:
		ret = probe_xfer(cmd, argp);
		break;
	case UACCESS_PROBE_FILL:
		ret = probe_fill(argp);
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&probe_lock);
	return ret;
}

static const struct file_operations probe_fops = {
	.owner = THIS_MODULE,
	.open = probe_open,
	.unlocked_ioctl = probe_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice probe_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "uaccess_probe",
	.fops = &probe_fops,
	.mode = 0600,
};

static int __init probe_init(void)
{
	int ret;

	if (buf_size < PAGE_SIZE || buf_size > SZ_4M || buf_size % PAGE_SIZE) {
		pr_err("buf_size=%u is invalid, expected a multiple of %lu from %lu to %u\n",
		       buf_size, PAGE_SIZE, PAGE_SIZE, SZ_4M);
		return -EINVAL;
	}
	probe_buf = vzalloc(buf_size);
	if (!probe_buf)
		return -ENOMEM;
	ret = misc_register(&probe_dev);
	if (ret)
		vfree(probe_buf);
	return ret;
}

static void __exit probe_exit(void)
{
	misc_deregister(&probe_dev);
	vfree(probe_buf);
}

module_init(probe_init);
module_exit(probe_exit);

MODULE_DESCRIPTION("Drive the kernel's user-copy primitives from user space");
MODULE_LICENSE("GPL");
MODULE_INFO(test, "Y");
