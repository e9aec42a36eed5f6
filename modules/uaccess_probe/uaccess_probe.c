// SPDX-License-Identifier: GPL-2.0
/*
 * uaccess_probe: a misc device through which user programs drive the
 * kernel's user-copy primitives one call at a time.
 *
 * The module owns one kernel buffer of @buf_size bytes. Every ioctl names
 * a range of it (offset, length), which is checked against the buffer
 * before anything is copied, performs exactly one primitive
 * (copy_to_user, copy_from_user, get_user, put_user, clear_user,
 * strncpy_from_user, strnlen_user, copy_struct_from_user,
 * check_zeroed_user, access_ok, copy_{from,to}_user_nofault, memdup_user,
 * memdup_user_nul, vmemdup_user, strndup_user) and returns the
 * primitive's own result
 * in the argument structure, so that user space sees exactly what the
 * primitive returned; fill and read-back ioctls let it see which bytes
 * moved. The ioctl argument is read with copy_from_user(); a fault there
 * is -EFAULT from the ioctl. read() and write() use the buffer as a
 * normal memory-backed driver does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "uaccess_probe.h"

static unsigned int buf_size = 64 * 1024;
module_param(buf_size, uint, 0444);
MODULE_PARM_DESC(buf_size,
		 "Kernel buffer size in bytes, a multiple of PAGE_SIZE, 1 page..4 MiB (default 64 KiB)");

static u8 *probe_buf;
/* Serializes every access to probe_buf: ioctls, read() and write(). */
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

/*
 * Hand the primitive's result back with put_user(), which fail_usercopy
 * never injects (unlike copy_to_user()), so that a fault injected with
 * fail-nth hits the primitive under test and not this write-back.
 */
static long probe_put_result(s64 __user *resultp, s64 result)
{
	return put_user(result, resultp) ? -EFAULT : 0;
}

/* One string, copy or clear primitive, as the ioctl @cmd names it. */
static long probe_xfer(unsigned int cmd, struct uaccess_probe_xfer __user *argp)
{
	struct uaccess_probe_xfer x;
	void __user *uptr;
	u8 *kptr;

	if (copy_from_user(&x, argp, sizeof(x)))
		return -EFAULT;
	if (!probe_range_ok(x.offset, x.len))
		return -EINVAL;
	/* These two never touch the kernel buffer: no offset to give. */
	if ((cmd == UACCESS_PROBE_CLEAR_USER || cmd == UACCESS_PROBE_STRNLEN_USER) && x.offset)
		return -EINVAL;
	uptr = u64_to_user_ptr(x.user_addr);
	kptr = probe_buf + x.offset;

	switch (cmd) {
	case UACCESS_PROBE_COPY_TO_USER:
		x.result = copy_to_user(uptr, kptr, x.len);
		break;
	case UACCESS_PROBE_COPY_FROM_USER:
		x.result = copy_from_user(kptr, uptr, x.len);
		break;
	case UACCESS_PROBE_READ:
		/* The read-back of the tests: all or nothing. */
		return copy_to_user(uptr, kptr, x.len) ? -EFAULT : 0;
	case UACCESS_PROBE_CLEAR_USER:
		x.result = clear_user(uptr, x.len);
		break;
	case UACCESS_PROBE_STRNCPY_FROM_USER:
		x.result = strncpy_from_user(kptr, uptr, x.len);
		break;
	case UACCESS_PROBE_STRNLEN_USER:
		x.result = strnlen_user(uptr, x.len);
		break;
	}
	return probe_put_result(&argp->result, x.result);
}

/* The kernel-side value of get_user()/put_user(), one member per size. */
union probe_scalar_val {
	u8 b;
	u16 h;
	u32 w;
	u64 d;
};

/*
 * get_user() into a variable preset from the buffer, stored back whatever
 * get_user() returned: the test sees what it left in the variable on a
 * fault. Every member starts at offset 0, so the memcpy()s of @size bytes
 * are exact on either endianness.
 */
static long probe_get_user(u32 size, void __user *uptr, u8 *kptr)
{
	union probe_scalar_val v;
	long ret;

	memcpy(&v, kptr, size);
	switch (size) {
	case 1:
		ret = get_user(v.b, (u8 __user *)uptr);
		break;
	case 2:
		ret = get_user(v.h, (u16 __user *)uptr);
		break;
	case 4:
		ret = get_user(v.w, (u32 __user *)uptr);
		break;
	default:
		ret = get_user(v.d, (u64 __user *)uptr);
		break;
	}
	memcpy(kptr, &v, size);
	return ret;
}

/* put_user() of the @size-byte value stored in the buffer at @kptr. */
static long probe_put_user(u32 size, void __user *uptr, const u8 *kptr)
{
	union probe_scalar_val v;

	memcpy(&v, kptr, size);
	switch (size) {
	case 1:
		return put_user(v.b, (u8 __user *)uptr);
	case 2:
		return put_user(v.h, (u16 __user *)uptr);
	case 4:
		return put_user(v.w, (u32 __user *)uptr);
	default:
		return put_user(v.d, (u64 __user *)uptr);
	}
}

/* One get_user() or put_user() of 1, 2, 4 or 8 bytes. */
static long probe_scalar(unsigned int cmd, struct uaccess_probe_scalar __user *argp)
{
	struct uaccess_probe_scalar s;
	void __user *uptr;
	u8 *kptr;

	if (copy_from_user(&s, argp, sizeof(s)))
		return -EFAULT;
	if (s.reserved || !probe_range_ok(s.offset, s.size))
		return -EINVAL;
	if (s.size != 1 && s.size != 2 && s.size != 4 && s.size != 8)
		return -EINVAL;
	uptr = u64_to_user_ptr(s.user_addr);
	kptr = probe_buf + s.offset;
	if (cmd == UACCESS_PROBE_GET_USER)
		s.result = probe_get_user(s.size, uptr, kptr);
	else
		s.result = probe_put_user(s.size, uptr, kptr);
	return probe_put_result(&argp->result, s.result);
}

static long probe_fill(struct uaccess_probe_fill __user *argp)
{
	struct uaccess_probe_fill f;

	if (copy_from_user(&f, argp, sizeof(f)))
		return -EFAULT;
	if (!probe_range_ok(f.offset, f.len) || f.byte > 0xff || f.reserved)
		return -EINVAL;
	memset(probe_buf + f.offset, f.byte, f.len);
	return 0;
}

/* copy_struct_from_user() of a kernel struct of ksize bytes at buf + offset. */
static long probe_struct(struct uaccess_probe_struct __user *argp)
{
	struct uaccess_probe_struct st;

	if (copy_from_user(&st, argp, sizeof(st)))
		return -EFAULT;
	if (!probe_range_ok(st.offset, st.ksize))
		return -EINVAL;
	st.result = copy_struct_from_user(probe_buf + st.offset, st.ksize,
					  u64_to_user_ptr(st.user_addr), st.usize);
	return probe_put_result(&argp->result, st.result);
}

/*
 * A primitive on a user range alone: check_zeroed_user(), access_ok(),
 * or a nofault copy between the range and the start of the buffer.
 */
static long probe_range(unsigned int cmd, struct uaccess_probe_range __user *argp)
{
	struct uaccess_probe_range r;
	void __user *uptr;

	if (copy_from_user(&r, argp, sizeof(r)))
		return -EFAULT;
	if ((cmd == UACCESS_PROBE_COPY_FROM_USER_NOFAULT ||
	     cmd == UACCESS_PROBE_COPY_TO_USER_NOFAULT) && !probe_range_ok(0, r.len))
		return -EINVAL;
	uptr = u64_to_user_ptr(r.user_addr);

	switch (cmd) {
	case UACCESS_PROBE_CHECK_ZEROED_USER:
		r.result = check_zeroed_user(uptr, r.len);
		break;
	case UACCESS_PROBE_ACCESS_OK:
		r.result = !!access_ok(uptr, r.len);
		break;
	case UACCESS_PROBE_COPY_FROM_USER_NOFAULT:
		r.result = copy_from_user_nofault(probe_buf, uptr, r.len);
		break;
	case UACCESS_PROBE_COPY_TO_USER_NOFAULT:
		r.result = copy_to_user_nofault(uptr, probe_buf, r.len);
		break;
	}
	if (put_user((u64)TASK_SIZE_MAX, &argp->task_size))
		return -EFAULT;
	return probe_put_result(&argp->result, r.result);
}

/*
 * One memdup_user() family call. The duplicate (with its NUL where the
 * primitive adds one) is copied to the buffer, as far as it fits, and
 * freed as the primitive says: kvfree() for vmemdup_user(), kfree()
 * otherwise. copied and result are written back with put_user().
 */
static long probe_dup(unsigned int cmd, struct uaccess_probe_dup __user *argp)
{
	struct uaccess_probe_dup d;
	const void __user *uptr;
	size_t len;
	void *p;

	if (copy_from_user(&d, argp, sizeof(d)))
		return -EFAULT;
	if (d.offset > buf_size)
		return -EINVAL;
	if ((cmd == UACCESS_PROBE_MEMDUP_USER_NUL && d.len >= KMALLOC_MAX_SIZE) ||
	    (cmd == UACCESS_PROBE_VMEMDUP_USER && d.len > INT_MAX) ||
	    (cmd == UACCESS_PROBE_STRNDUP_USER && (!d.len || d.len > LONG_MAX)))
		return -EINVAL;
	uptr = u64_to_user_ptr(d.user_addr);

	switch (cmd) {
	case UACCESS_PROBE_MEMDUP_USER:
		p = memdup_user(uptr, d.len);
		len = d.len;
		break;
	case UACCESS_PROBE_MEMDUP_USER_NUL:
		p = memdup_user_nul(uptr, d.len);
		len = d.len + 1;
		break;
	case UACCESS_PROBE_VMEMDUP_USER:
		p = vmemdup_user(uptr, d.len);
		len = d.len;
		break;
	default:
		p = strndup_user(uptr, d.len);
		len = IS_ERR(p) ? 0 : strlen(p) + 1;
		break;
	}
	if (IS_ERR(p)) {
		d.result = PTR_ERR(p);
		d.copied = 0;
	} else {
		d.result = 0;
		d.copied = min_t(u64, len, buf_size - d.offset);
		memcpy(probe_buf + d.offset, p, d.copied);
		if (cmd == UACCESS_PROBE_VMEMDUP_USER)
			kvfree(p);
		else
			kfree(p);
	}
	if (put_user(d.copied, &argp->copied))
		return -EFAULT;
	return probe_put_result(&argp->result, d.result);
}

static long probe_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *argp = (void __user *)arg;
	long ret;

	mutex_lock(&probe_lock);
	switch (cmd) {
	case UACCESS_PROBE_COPY_TO_USER:
	case UACCESS_PROBE_COPY_FROM_USER:
	case UACCESS_PROBE_READ:
	case UACCESS_PROBE_CLEAR_USER:
	case UACCESS_PROBE_STRNCPY_FROM_USER:
	case UACCESS_PROBE_STRNLEN_USER:
		ret = probe_xfer(cmd, argp);
		break;
	case UACCESS_PROBE_GET_USER:
	case UACCESS_PROBE_PUT_USER:
		ret = probe_scalar(cmd, argp);
		break;
	case UACCESS_PROBE_FILL:
		ret = probe_fill(argp);
		break;
	case UACCESS_PROBE_COPY_STRUCT_FROM_USER:
		ret = probe_struct(argp);
		break;
	case UACCESS_PROBE_CHECK_ZEROED_USER:
	case UACCESS_PROBE_ACCESS_OK:
	case UACCESS_PROBE_COPY_FROM_USER_NOFAULT:
	case UACCESS_PROBE_COPY_TO_USER_NOFAULT:
		ret = probe_range(cmd, argp);
		break;
	case UACCESS_PROBE_MEMDUP_USER:
	case UACCESS_PROBE_MEMDUP_USER_NUL:
	case UACCESS_PROBE_VMEMDUP_USER:
	case UACCESS_PROBE_STRNDUP_USER:
		ret = probe_dup(cmd, argp);
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&probe_lock);
	return ret;
}

/*
 * read() and write() as a memory-backed driver does them, through
 * simple_{read_from,write_to}_buffer(): copy_to_user()/copy_from_user()
 * at the file position, a short count when the copy stopped at a fault,
 * -EFAULT when nothing was copied, 0 at or past the end of the buffer.
 */
static ssize_t probe_read(struct file *file, char __user *ubuf, size_t count, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&probe_lock);
	ret = simple_read_from_buffer(ubuf, count, ppos, probe_buf, buf_size);
	mutex_unlock(&probe_lock);
	return ret;
}

static ssize_t probe_write(struct file *file, const char __user *ubuf, size_t count,
			   loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&probe_lock);
	ret = simple_write_to_buffer(probe_buf, buf_size, ppos, ubuf, count);
	mutex_unlock(&probe_lock);
	return ret;
}

static loff_t probe_llseek(struct file *file, loff_t offset, int whence)
{
	return fixed_size_llseek(file, offset, whence, buf_size);
}

static const struct file_operations probe_fops = {
	.owner = THIS_MODULE,
	.open = probe_open,
	.read = probe_read,
	.write = probe_write,
	.llseek = probe_llseek,
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
