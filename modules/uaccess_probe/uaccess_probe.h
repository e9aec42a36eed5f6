/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * uaccess_probe: the private interface between the uaccess_probe module
 * and its kselftests. Each ioctl performs exactly one user-copy primitive
 * between a user pointer and the module's kernel buffer, and reports the
 * primitive's own return value unchanged in @result. The ioctl itself
 * returns 0 when the primitive ran (whatever it returned), -EINVAL for a
 * bad argument (range outside the buffer, unknown size, non-zero reserved
 * field), -EFAULT when the argument structure cannot be read, -ENOTTY for
 * an unknown command.
 *
 * read() and write() on the device copy between the buffer (at the file
 * position) and user memory as a normal driver does.
 */
#ifndef _UACCESS_PROBE_H
#define _UACCESS_PROBE_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define UACCESS_PROBE_DEVICE	"/dev/uaccess_probe"
/* Where the module shows its buffer size (module parameter buf_size). */
#define UACCESS_PROBE_BUF_SIZE_PARAM "/sys/module/uaccess_probe/parameters/buf_size"

/**
 * struct uaccess_probe_xfer - one primitive between user memory and the buffer
 * @user_addr: user address the primitive works on
 * @offset: offset in the kernel buffer (0 for clear_user and strnlen_user)
 * @len: length, count or limit handed to the primitive; at most the
 *	buffer size, and offset + len inside the buffer
 * @result: out: the primitive's return value (bytes not copied or
 *	cleared, string length, or -EFAULT)
 */
struct uaccess_probe_xfer {
	__u64 user_addr;
	__u64 offset;
	__u64 len;
	__s64 result;
};

/**
 * struct uaccess_probe_scalar - one get_user() or put_user()
 * @user_addr: user address of the value
 * @offset: offset in the kernel buffer of the kernel-side value; get_user()
 *	reads into a variable preset from these bytes and stores the variable
 *	back there whatever it returned, so the test sees what it left behind
 * @size: 1, 2, 4 or 8 bytes
 * @reserved: must be 0
 * @result: out: the primitive's return value (0 or -EFAULT)
 */
struct uaccess_probe_scalar {
	__u64 user_addr;
	__u64 offset;
	__u32 size;
	__u32 reserved;
	__s64 result;
};

/**
 * struct uaccess_probe_fill - set a range of the kernel buffer to one byte
 * @offset: offset in the kernel buffer
 * @len: number of bytes
 * @byte: the value, 0..255
 * @reserved: must be 0
 */
struct uaccess_probe_fill {
	__u64 offset;
	__u64 len;
	__u32 byte;
	__u32 reserved;
};

#define UACCESS_PROBE_IOC_MAGIC		'U'
/* result = copy_to_user(user_addr, buf + offset, len) */
#define UACCESS_PROBE_COPY_TO_USER	_IOWR(UACCESS_PROBE_IOC_MAGIC, 1, struct uaccess_probe_xfer)
/* result = copy_from_user(buf + offset, user_addr, len) */
#define UACCESS_PROBE_COPY_FROM_USER	_IOWR(UACCESS_PROBE_IOC_MAGIC, 2, struct uaccess_probe_xfer)
/* memset(buf + offset, byte, len), no user copy involved */
#define UACCESS_PROBE_FILL		_IOW(UACCESS_PROBE_IOC_MAGIC, 3, struct uaccess_probe_fill)
/*
 * Read-back for tests: copy_to_user(user_addr, buf + offset, len) into
 * a buffer that must be fully mapped: -EFAULT from the ioctl otherwise.
 */
#define UACCESS_PROBE_READ		_IOWR(UACCESS_PROBE_IOC_MAGIC, 4, struct uaccess_probe_xfer)
/* result = get_user(<size-byte variable>, user_addr) */
#define UACCESS_PROBE_GET_USER \
	_IOWR(UACCESS_PROBE_IOC_MAGIC, 5, struct uaccess_probe_scalar)
/* result = put_user(<size bytes at buf + offset>, user_addr) */
#define UACCESS_PROBE_PUT_USER \
	_IOWR(UACCESS_PROBE_IOC_MAGIC, 6, struct uaccess_probe_scalar)
/* result = clear_user(user_addr, len); offset must be 0 */
#define UACCESS_PROBE_CLEAR_USER	_IOWR(UACCESS_PROBE_IOC_MAGIC, 7, struct uaccess_probe_xfer)
/* result = strncpy_from_user(buf + offset, user_addr, len) */
#define UACCESS_PROBE_STRNCPY_FROM_USER	_IOWR(UACCESS_PROBE_IOC_MAGIC, 8, struct uaccess_probe_xfer)
/* result = strnlen_user(user_addr, len); offset must be 0 */
#define UACCESS_PROBE_STRNLEN_USER	_IOWR(UACCESS_PROBE_IOC_MAGIC, 9, struct uaccess_probe_xfer)

#endif /* _UACCESS_PROBE_H */
