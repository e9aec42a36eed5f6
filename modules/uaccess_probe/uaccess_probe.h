/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * uaccess_probe: the private interface between the uaccess_probe module
 * and its kselftests. Each ioctl performs exactly one user-copy primitive
 * between a user pointer and the module's kernel buffer, and reports the
 * primitive's own return value unchanged.
 */
#ifndef _UACCESS_PROBE_H
#define _UACCESS_PROBE_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define UACCESS_PROBE_DEVICE	"/dev/uaccess_probe"

/**
 * struct uaccess_probe_xfer - one copy between user memory and the buffer
 * @user_addr: user address to copy to or from
 * @offset: offset in the kernel buffer
 * @len: number of bytes
 * @result: out: the primitive's return value (bytes not copied)
 */
struct uaccess_probe_xfer {
	__u64 user_addr;
	__u64 offset;
	__u64 len;
	__s64 result;
};

/**
 * struct uaccess_probe_fill - set a range of the kernel buffer to one byte
 * @offset: offset in the kernel buffer
 * @len: number of bytes
 * @byte: the value, 0..255
 */
struct uaccess_probe_fill {
	__u64 offset;
	__u64 len;
	__u32 byte;
	__u32 reserved;
};

#define UACCESS_PROBE_IOC_MAGIC		'U'
/* copy_to_user(user_addr, buf + offset, len) */
#define UACCESS_PROBE_COPY_TO_USER	_IOWR(UACCESS_PROBE_IOC_MAGIC, 1, struct uaccess_probe_xfer)
/* copy_from_user(buf + offset, user_addr, len) */
#define UACCESS_PROBE_COPY_FROM_USER	_IOWR(UACCESS_PROBE_IOC_MAGIC, 2, struct uaccess_probe_xfer)
/* memset(buf + offset, byte, len), no user copy involved */
#define UACCESS_PROBE_FILL		_IOW(UACCESS_PROBE_IOC_MAGIC, 3, struct uaccess_probe_fill)

#endif /* _UACCESS_PROBE_H */
