/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the uaccess kselftests: opening the probe device,
 * one-line wrappers around its ioctls, guard-page mappings, and the
 * table of known kernel deviations that turns a broken contract into an
 * expected failure (XFAIL) on the kernels where it is known.
 */
#ifndef _UACCESS_UTIL_H
#define _UACCESS_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "uaccess_probe.h"

/* Page size of the machine under test. */
static inline size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/*
 * Open the probe; returns the fd, or -1 with @why set to the reason to
 * skip (not root, module not loaded), or -2 on another error.
 */
static inline int probe_open(const char **why)
{
	int fd;

	if (geteuid() != 0) {
		*why = "needs root (CAP_SYS_ADMIN) to open " UACCESS_PROBE_DEVICE;
		return -1;
	}
	fd = open(UACCESS_PROBE_DEVICE, O_RDWR);
	if (fd < 0 && errno == ENOENT) {
		*why = UACCESS_PROBE_DEVICE " is missing: load uaccess_probe.ko";
		return -1;
	}
	if (fd < 0) {
		*why = strerror(errno);
		return -2;
	}
	return fd;
}

/* The module's buffer size, from its parameter; 0 if unreadable. */
static inline size_t probe_buf_size(void)
{
	unsigned long v = 0;
	FILE *f = fopen(UACCESS_PROBE_BUF_SIZE_PARAM, "r");

	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

/* Run one xfer ioctl; the primitive's result, or -errno of the ioctl. */
static inline long long probe_xfer(int fd, unsigned long cmd, const void *uptr, __u64 offset,
				   __u64 len)
{
	struct uaccess_probe_xfer x = {
		.user_addr = (uintptr_t)uptr,
		.offset = offset,
		.len = len,
		.result = LLONG_MIN,
	};

	if (ioctl(fd, cmd, &x))
		return -errno;
	return x.result;
}

/* get_user()/put_user() of @size bytes; result, or -errno of the ioctl. */
static inline long long probe_scalar(int fd, unsigned long cmd, const void *uptr,
				     __u64 offset, __u32 size)
{
	struct uaccess_probe_scalar s = {
		.user_addr = (uintptr_t)uptr,
		.offset = offset,
		.size = size,
		.result = LLONG_MIN,
	};

	if (ioctl(fd, cmd, &s))
		return -errno;
	return s.result;
}

/* memset() of the kernel buffer; 0 or -errno. */
static inline int probe_fill(int fd, __u64 offset, __u64 len, unsigned int byte)
{
	struct uaccess_probe_fill f = { .offset = offset, .len = len, .byte = byte };

	return ioctl(fd, UACCESS_PROBE_FILL, &f) ? -errno : 0;
}

/* Read back @len bytes of the kernel buffer; 0 or -errno. */
static inline int probe_read(int fd, void *dst, __u64 offset, __u64 len)
{
	return (int)probe_xfer(fd, UACCESS_PROBE_READ, dst, offset, len);
}

/*
 * Map @pages read-write pages followed by one PROT_NONE guard page;
 * returns the first page, or MAP_FAILED. Unmap with guard_unmap().
 */
static inline unsigned char *guard_map(size_t pages)
{
	size_t ps = page_size();
	unsigned char *p = mmap(NULL, (pages + 1) * ps, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return p;
	if (mprotect(p + pages * ps, ps, PROT_NONE)) {
		munmap(p, (pages + 1) * ps);
		return MAP_FAILED;
	}
	return p;
}

static inline void guard_unmap(unsigned char *p, size_t pages)
{
	munmap(p, (pages + 1) * page_size());
}

/* The byte a pattern gives at index @i: never 0, so strings end only where asked. */
static inline unsigned char pattern_byte(size_t i)
{
	return (unsigned char)(i * 13 % 251 + 1);
}

/* Index of the first byte of @p[0..len) that is not @byte, or @len. */
static inline size_t first_not(const unsigned char *p, size_t len, unsigned char byte)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != byte)
			break;
	return i;
}

/*
 * Known kernel deviations. The key is the architecture and the kernel's
 * major.minor version. UML reports the host's machine in uname -m
 * (x86_64), so UML is recognized by its /proc/cpuinfo, which only UML
 * fills with "vendor_id : User Mode Linux" (arch/um/kernel/um_arch.c).
 */
static inline bool kernel_is_uml(void)
{
	char line[256];
	bool uml = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return false;
	while (!uml && fgets(line, sizeof(line), f))
		uml = !!strstr(line, "User Mode Linux");
	fclose(f);
	return uml;
}

/* Whether the running kernel is @arch ("um" or uname -m) at version @ver ("6.12"). */
static inline bool kernel_is(const char *arch, const char *ver)
{
	struct utsname u;
	size_t n = strlen(ver);

	if (uname(&u))
		return false;
	/* "6.12" matches 6.12, 6.12.117 and 6.12-rc1, not 6.120. */
	if (strncmp(u.release, ver, n) || !strchr(".-", u.release[n]))
		return false;
	if (!strcmp(arch, "um"))
		return kernel_is_uml();
	return !kernel_is_uml() && !strcmp(u.machine, arch);
}

/*
 * Report the outcome of a contract that a known deviation breaks on
 * @arch @ver: on those kernels a broken contract is XFAIL and a kept
 * one is XPASS (the deviation is gone), both with @reason; elsewhere
 * the contract is an ordinary expectation. Use as the last statement of
 * a test, with @ok the contract's truth.
 */
#define EXPECT_CONTRACT(ok, arch, ver, why, fmt, ...) do {			\
	bool __ok = (ok);							\
	const char *__arch = (arch), *__ver = (ver);				\
										\
	if (!kernel_is(__arch, __ver)) {					\
		EXPECT_TRUE(__ok) TH_LOG(fmt, ##__VA_ARGS__);			\
	} else if (_metadata->exit_code == KSFT_PASS) {				\
		snprintf(_metadata->results->reason,				\
			 sizeof(_metadata->results->reason),			\
			 "known deviation on %s %s: %s", __arch, __ver, why);	\
		_metadata->exit_code = __ok ? KSFT_XPASS : KSFT_XFAIL;		\
		if (__ok)							\
			TH_LOG("contract holds: the known deviation is gone");	\
	}									\
} while (0)

#endif /* _UACCESS_UTIL_H */
