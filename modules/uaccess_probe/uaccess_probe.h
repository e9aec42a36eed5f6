/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * uaccess_probe: the private interface between the uaccess_probe module
 * and its kselftests. Each ioctl performs exactly one user-copy primitive
 * between a user pointer and the module's kernel buffer, and reports the
 * primitive's own return value unchanged in @result. The ioctl itself
 * returns 0 when the primitive ran (whatever it returned), -EINVAL for a
 * bad argument (range outside the buffer, unknown size, non-zero reserved
 * field, a length the primitive would only warn about), -EFAULT when the
 * argument structure cannot be read, -ENOTTY for an unknown command.
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

/**
 * struct uaccess_probe_struct - one copy_struct_from_user()
 * @user_addr: user address of the struct (@src)
 * @offset: offset in the kernel buffer of the kernel struct (@dst)
 * @ksize: size of the kernel struct; offset + ksize inside the buffer
 * @usize: size of the user struct, any value (it is the primitive's to check)
 * @result: out: the primitive's return value (0, -E2BIG or -EFAULT)
 */
struct uaccess_probe_struct {
	__u64 user_addr;
	__u64 offset;
	__u64 ksize;
	__u64 usize;
	__s64 result;
};

/**
 * struct uaccess_probe_range - one primitive on a user range alone
 * @user_addr: start of the range
 * @len: its size, any value (it is the primitive's to check)
 * @result: out: the primitive's return value: check_zeroed_user()'s 1, 0
 *	or -EFAULT; access_ok()'s 1 (may be valid) or 0 (definitely invalid);
 *	copy_{from,to}_user_nofault()'s 0 or -EFAULT
 * @task_size: out: TASK_SIZE_MAX, the end of the user address space that
 *	access_ok() checks against
 */
struct uaccess_probe_range {
	__u64 user_addr;
	__u64 len;
	__s64 result;
	__u64 task_size;
};

/**
 * struct uaccess_probe_dup - one memdup_user() family call
 * @user_addr: user address of the source
 * @offset: offset in the kernel buffer where the duplicate is copied
 * @len: @len of memdup_user() (any value), memdup_user_nul() (below
 *	KMALLOC_MAX_SIZE) and vmemdup_user() (at most INT_MAX); @n of
 *	strndup_user() (1..LONG_MAX). memdup_user_nul() and vmemdup_user()
 *	allocate without __GFP_NOWARN, so a larger value is refused (-EINVAL)
 *	rather than made to warn; n <= 0 is refused because UML's
 *	strnlen_user() takes a negative count for a huge one
 * @copied: out: bytes of the duplicate copied to buf + @offset: @len
 *	(memdup_user, vmemdup_user), @len + 1 with the NUL (memdup_user_nul),
 *	strlen() + 1 (strndup_user); 0 on an error. At most the buffer from
 *	@offset on; the duplicate is freed right after
 * @result: out: 0, or the error of the ERR_PTR() the primitive returned
 */
struct uaccess_probe_dup {
	__u64 user_addr;
	__u64 offset;
	__u64 len;
	__u64 copied;
	__s64 result;
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

/* result = copy_struct_from_user(buf + offset, ksize, user_addr, usize) */
#define UACCESS_PROBE_COPY_STRUCT_FROM_USER \
	_IOWR(UACCESS_PROBE_IOC_MAGIC, 10, struct uaccess_probe_struct)
/* result = check_zeroed_user(user_addr, len) */
#define UACCESS_PROBE_CHECK_ZEROED_USER \
	_IOWR(UACCESS_PROBE_IOC_MAGIC, 11, struct uaccess_probe_range)
/* result = !!access_ok(user_addr, len) */
#define UACCESS_PROBE_ACCESS_OK	_IOWR(UACCESS_PROBE_IOC_MAGIC, 12, struct uaccess_probe_range)
/*
 * result = copy_from_user_nofault(buf, user_addr, len), and
 * copy_to_user_nofault(user_addr, buf, len): len at most the buffer size.
 */
#define UACCESS_PROBE_COPY_FROM_USER_NOFAULT \
	_IOWR(UACCESS_PROBE_IOC_MAGIC, 13, struct uaccess_probe_range)
#define UACCESS_PROBE_COPY_TO_USER_NOFAULT \
	_IOWR(UACCESS_PROBE_IOC_MAGIC, 14, struct uaccess_probe_range)
/* p = memdup_user(user_addr, len) etc.; see struct uaccess_probe_dup */
#define UACCESS_PROBE_MEMDUP_USER	_IOWR(UACCESS_PROBE_IOC_MAGIC, 15, struct uaccess_probe_dup)
#define UACCESS_PROBE_MEMDUP_USER_NUL	_IOWR(UACCESS_PROBE_IOC_MAGIC, 16, struct uaccess_probe_dup)
#define UACCESS_PROBE_VMEMDUP_USER	_IOWR(UACCESS_PROBE_IOC_MAGIC, 17, struct uaccess_probe_dup)
#define UACCESS_PROBE_STRNDUP_USER	_IOWR(UACCESS_PROBE_IOC_MAGIC, 18, struct uaccess_probe_dup)

#endif /* _UACCESS_PROBE_H */
