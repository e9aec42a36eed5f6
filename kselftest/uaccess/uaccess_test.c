// SPDX-License-Identifier: GPL-2.0
/*
 * User-copy contracts seen from user space, through /dev/uaccess_probe.
 *
 * Each ioctl of the probe performs exactly one copy primitive between a
 * user buffer and the module's kernel buffer and returns the primitive's
 * result, so a test sees both what the primitive said and which bytes
 * really moved.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "uaccess_probe.h"

FIXTURE(probe) {
	int fd;
};

FIXTURE_SETUP(probe)
{
	if (geteuid() != 0)
		SKIP(return, "needs root to open " UACCESS_PROBE_DEVICE);
	self->fd = open(UACCESS_PROBE_DEVICE, O_RDWR);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, UACCESS_PROBE_DEVICE " is missing: load uaccess_probe.ko");
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", UACCESS_PROBE_DEVICE, strerror(errno));
}

FIXTURE_TEARDOWN(probe)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* Run one copy ioctl; returns the primitive's result (bytes not copied). */
static int64_t probe_copy(int fd, unsigned long cmd, void *uptr, uint64_t offset, uint64_t len)
{
	struct uaccess_probe_xfer x = {
		.user_addr = (uintptr_t)uptr,
		.offset = offset,
		.len = len,
		.result = -1,
	};

	if (ioctl(fd, cmd, &x))
		return -errno;
	return x.result;
}

/* copy_from_user() then copy_to_user() give back every byte unchanged. */
TEST_F(probe, round_trip)
{
	unsigned char out[256], in[256];
	size_t i;

	for (i = 0; i < sizeof(out); i++)
		out[i] = (unsigned char)(i * 7 + 1);
	memset(in, 0, sizeof(in));

	EXPECT_EQ(0, probe_copy(self->fd, UACCESS_PROBE_COPY_FROM_USER, out, 0, sizeof(out)))
		TH_LOG("copy_from_user of %zu bytes did not copy them all", sizeof(out));
	EXPECT_EQ(0, probe_copy(self->fd, UACCESS_PROBE_COPY_TO_USER, in, 0, sizeof(in)))
		TH_LOG("copy_to_user of %zu bytes did not copy them all", sizeof(in));
	for (i = 0; i < sizeof(in); i++) {
		EXPECT_EQ(out[i], in[i]) {
			TH_LOG("byte %zu came back as %#x, expected %#x", i, in[i], out[i]);
			break;
		}
	}
}

/*
 * copy_from_user() from a buffer that runs into a PROT_NONE page returns
 * the number of bytes it could not copy, copies every byte before the
 * fault, and zeroes the rest of the destination.
 */
TEST_F(probe, copy_from_user_fault_boundary)
{
	const size_t before = 100, len = 300;
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *map, *src, back[300];
	struct uaccess_probe_fill fill = { .offset = 0, .len = len, .byte = 0xee };
	size_t i;

	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, mprotect(map + page, page, PROT_NONE));
	src = map + page - before;
	for (i = 0; i < before; i++)
		src[i] = (unsigned char)(i + 1);
	ASSERT_EQ(0, ioctl(self->fd, UACCESS_PROBE_FILL, &fill));

	EXPECT_EQ((int64_t)(len - before), probe_copy(self->fd, UACCESS_PROBE_COPY_FROM_USER, src, 0, len))
		TH_LOG("copy_from_user must return the %zu bytes past the fault as not copied",
		       len - before);

	memset(back, 0xcc, sizeof(back));
	ASSERT_EQ(0, probe_copy(self->fd, UACCESS_PROBE_COPY_TO_USER, back, 0, len));
	for (i = 0; i < len; i++) {
		unsigned char want = i < before ? src[i] : 0;

		EXPECT_EQ(want, back[i]) {
			TH_LOG("kernel byte %zu is %#x, expected %#x (%s)", i, back[i], want,
			       i < before ? "copied before the fault" : "zeroed after the fault");
			break;
		}
	}
	munmap(map, 2 * page);
}

TEST_HARNESS_MAIN
