// SPDX-License-Identifier: GPL-2.0
/*
 * copy_to_user() / copy_from_user() and the read()/write() of a driver,
 * seen from user space through /dev/uaccess_probe.
 *
 * Each ioctl of the probe performs exactly one copy primitive between a
 * user buffer and the module's kernel buffer and returns the primitive's
 * result, so a test sees both what the primitive said and, through the
 * probe's fill and read-back ioctls, which bytes really moved. Guard
 * bytes on both sides of every range (user and kernel) catch a copy that
 * writes past its end. Faults come from PROT_NONE guard pages, read-only
 * mappings and addresses that no user mapping can hold.
 */
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "uaccess_util.h"

/* Bytes of guard checked on each side of a copied range. */
#define GUARD	((size_t)16)
#define USER_FILL	0xcc
#define KERN_FILL	0x5a

FIXTURE(probe) {
	int fd;
};

FIXTURE_SETUP(probe)
{
	if (!probe_setup_fd(_metadata, &self->fd))
		return;
}

FIXTURE_TEARDOWN(probe)
{
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * Round trips: copy_from_user() of a pattern into the kernel buffer, then
 * copy_to_user() back into a clean user buffer. The variant is the start
 * of the user range: its alignment (0..15 bytes past a page start) or its
 * distance to the next page edge; the kernel range starts at the same
 * alignment. Lengths: every length 0 .. 4 pages + 1 when @every_length,
 * otherwise 0..64 and every length whose end lies within 16 bytes of a
 * page edge, which is where a page-at-a-time copy changes pages. Where
 * the kernel is not UML (QEMU TCG: a round trip costs ten times more),
 * every length runs at alignments 0 and 7 only (@every_length_tcg), the
 * others of the five take the page-edge lengths; the test says so.
 */
/* The probe and the buffers of the round trips. */
struct rt_ctx {
	int fd;
	size_t ps;
	unsigned char *src, *dst, *kback;
};

FIXTURE(round_trip) {
	struct rt_ctx c;
};

FIXTURE_VARIANT(round_trip) {
	/* Start in the page: >= 0 from the page start, < 0 from its end. */
	int start;
	bool every_length;
	/* every_length also where the kernel is not UML */
	bool every_length_tcg;
};

FIXTURE_VARIANT_ADD(round_trip, align_0) {
	.start = 0, .every_length = true, .every_length_tcg = true };
FIXTURE_VARIANT_ADD(round_trip, align_1) { .start = 1, .every_length = true };
FIXTURE_VARIANT_ADD(round_trip, align_2) { .start = 2, .every_length = false };
FIXTURE_VARIANT_ADD(round_trip, align_3) { .start = 3, .every_length = false };
FIXTURE_VARIANT_ADD(round_trip, align_4) { .start = 4, .every_length = false };
FIXTURE_VARIANT_ADD(round_trip, align_5) { .start = 5, .every_length = false };
FIXTURE_VARIANT_ADD(round_trip, align_6) { .start = 6, .every_length = false };
FIXTURE_VARIANT_ADD(round_trip, align_7) {
	.start = 7, .every_length = true, .every_length_tcg = true };
FIXTURE_VARIANT_ADD(round_trip, align_8) { .start = 8, .every_length = true };
FIXTURE_VARIANT_ADD(round_trip, align_9) { .start = 9, .every_length = false };
FIXTURE_VARIANT_ADD(round_trip, align_10) { .start = 10, .every_length = false };
FIXTURE_VARIANT_ADD(round_trip, align_11) { .start = 11, .every_length = false };
FIXTURE_VARIANT_ADD(round_trip, align_12) { .start = 12, .every_length = false };
FIXTURE_VARIANT_ADD(round_trip, align_13) { .start = 13, .every_length = false };
FIXTURE_VARIANT_ADD(round_trip, align_14) { .start = 14, .every_length = false };
FIXTURE_VARIANT_ADD(round_trip, align_15) { .start = 15, .every_length = true };
FIXTURE_VARIANT_ADD(round_trip, page_end_minus_1) { .start = -1 };
FIXTURE_VARIANT_ADD(round_trip, page_end_minus_7) { .start = -7 };
FIXTURE_VARIANT_ADD(round_trip, page_end_minus_8) { .start = -8 };
FIXTURE_VARIANT_ADD(round_trip, page_end_minus_15) { .start = -15 };
FIXTURE_VARIANT_ADD(round_trip, page_end_minus_16) { .start = -16 };

/* User ranges live in 7-page mappings, a page of slack before the start. */
#define RT_PAGES	7

FIXTURE_SETUP(round_trip)
{
	size_t i;

	if (!probe_setup_fd(_metadata, &self->c.fd))
		return;
	self->c.ps = page_size();
	ASSERT_LE(RT_PAGES * self->c.ps, probe_buf_size())
		TH_LOG("the probe's buffer must hold %d pages", RT_PAGES);
	self->c.src = mmap(NULL, RT_PAGES * self->c.ps, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	self->c.dst = mmap(NULL, RT_PAGES * self->c.ps, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	self->c.kback = malloc(RT_PAGES * self->c.ps);
	ASSERT_NE(MAP_FAILED, self->c.src);
	ASSERT_NE(MAP_FAILED, self->c.dst);
	ASSERT_NE(NULL, self->c.kback);
	for (i = 0; i < RT_PAGES * self->c.ps; i++)
		self->c.src[i] = pattern_byte(i);
}

FIXTURE_TEARDOWN(round_trip)
{
	if (self->c.fd < 0)
		return;
	munmap(self->c.src, RT_PAGES * self->c.ps);
	munmap(self->c.dst, RT_PAGES * self->c.ps);
	free(self->c.kback);
	close(self->c.fd);
}

/* Whether a round trip of @len bytes from @start is worth running. */
static bool rt_length_matters(size_t ps, size_t start, size_t len)
{
	size_t end = (start + len) % ps;

	return len <= 64 || end <= GUARD || end >= ps - GUARD;
}

/*
 * One round trip of @len bytes; false (and a log line) on the first
 * broken contract.
 */
static bool rt_one(struct __test_metadata *_metadata, struct rt_ctx *self, size_t start,
		   size_t len)
{
	unsigned char *usrc = self->src + self->ps + start;
	unsigned char *udst = self->dst + self->ps + start;
	size_t koff = start;	/* kernel range at the same alignment, after GUARD bytes */
	long long r;
	size_t i;

	if (probe_fill(self->fd, koff, len + 2 * GUARD, KERN_FILL))
		return false;
	r = probe_xfer(self->fd, UACCESS_PROBE_COPY_FROM_USER, usrc, koff + GUARD, len);
	if (r) {
		TH_LOG("copy_from_user(start %zu, len %zu) returned %lld, expected 0",
		       start, len, (long long)r);
		return false;
	}
	memset(udst - GUARD, USER_FILL, len + 2 * GUARD);
	r = probe_xfer(self->fd, UACCESS_PROBE_COPY_TO_USER, udst, koff + GUARD, len);
	if (r) {
		TH_LOG("copy_to_user(start %zu, len %zu) returned %lld, expected 0",
		       start, len, (long long)r);
		return false;
	}
	i = first_not(udst - GUARD, GUARD, USER_FILL);
	if (i == GUARD && memcmp(udst, usrc, len) == 0)
		i = first_not(udst + len, GUARD, USER_FILL) + GUARD + len;
	if (i != len + 2 * GUARD) {
		TH_LOG("start %zu len %zu: user byte %zd (relative to start) is wrong",
		       start, len, (ssize_t)i - GUARD);
		return false;
	}
	if (probe_read(self->fd, self->kback, koff, len + 2 * GUARD))
		return false;
	if (first_not(self->kback, GUARD, KERN_FILL) != GUARD ||
	    first_not(self->kback + GUARD + len, GUARD, KERN_FILL) != GUARD) {
		TH_LOG("start %zu len %zu: copy_from_user wrote outside its kernel range",
		       start, len);
		return false;
	}
	return true;
}

/* Every byte goes in and comes back unchanged, nothing else is written. */
TEST_F(round_trip, every_length)
{
	size_t start = variant->start >= 0 ? (size_t)variant->start
					   : self->c.ps + variant->start;
	bool every = variant->every_length && (variant->every_length_tcg || kernel_is_uml());
	size_t len, runs = 0;

	if (every != variant->every_length)
		TH_LOG("not UML: page-edge lengths only (every length under UML)");
	for (len = 0; len <= 4 * self->c.ps + 1; len++) {
		if (!every && !rt_length_matters(self->c.ps, start, len))
			continue;
		runs++;
		if (!rt_one(_metadata, &self->c, start, len)) {
			EXPECT_TRUE(false) TH_LOG("round trip broken at length %zu", len);
			break;
		}
	}
	TH_LOG("%zu lengths from start %zu", runs, start);
}

/*
 * Fault boundaries: a user range that runs into a PROT_NONE guard page
 * after @before bytes, @len bytes long.
 */
FIXTURE(fault) {
	int fd;
	size_t ps, before, len;
	unsigned char *map, *edge, *kback;
};

FIXTURE_VARIANT(fault) {
	/* Mapped bytes before the guard page: pages * PAGE_SIZE + bytes. */
	unsigned int before_pages, before_bytes;
	/* Bytes asked past the guard page's start. */
	unsigned int after;
};

FIXTURE_VARIANT_ADD(fault, at_edge) {
	.before_pages = 0, .before_bytes = 0, .after = 64 };
FIXTURE_VARIANT_ADD(fault, before_1) {
	.before_pages = 0, .before_bytes = 1, .after = 1 };
FIXTURE_VARIANT_ADD(fault, before_7) {
	.before_pages = 0, .before_bytes = 7, .after = 9 };
FIXTURE_VARIANT_ADD(fault, before_8) {
	.before_pages = 0, .before_bytes = 8, .after = 8 };
FIXTURE_VARIANT_ADD(fault, before_15) {
	.before_pages = 0, .before_bytes = 15, .after = 100 };
FIXTURE_VARIANT_ADD(fault, before_100) {
	.before_pages = 0, .before_bytes = 100, .after = 200 };
FIXTURE_VARIANT_ADD(fault, before_1_page) {
	.before_pages = 1, .before_bytes = 0, .after = 1 };
FIXTURE_VARIANT_ADD(fault, before_1_page_plus_3) {
	.before_pages = 1, .before_bytes = 3, .after = 4096 };
FIXTURE_VARIANT_ADD(fault, before_3_pages_plus_1) {
	.before_pages = 3, .before_bytes = 1, .after = 17 };

#define FAULT_MAP_PAGES	4

FIXTURE_SETUP(fault)
{
	size_t i;

	if (!probe_setup_fd(_metadata, &self->fd))
		return;
	self->ps = page_size();
	self->before = variant->before_pages * self->ps + variant->before_bytes;
	self->len = self->before + variant->after;
	ASSERT_LE(self->len + GUARD, probe_buf_size());
	self->map = guard_map(FAULT_MAP_PAGES);
	ASSERT_NE(MAP_FAILED, self->map);
	self->edge = self->map + FAULT_MAP_PAGES * self->ps;
	for (i = 0; i < self->before; i++)
		self->edge[(ssize_t)i - (ssize_t)self->before] = pattern_byte(i);
	self->kback = malloc(self->len + GUARD);
	ASSERT_NE(NULL, self->kback);
	ASSERT_EQ(0, probe_fill(self->fd, 0, self->len + GUARD, 0xee));
}

FIXTURE_TEARDOWN(fault)
{
	if (self->fd < 0)
		return;
	guard_unmap(self->map, FAULT_MAP_PAGES);
	free(self->kback);
	close(self->fd);
}

/* The user range that ends in the guard page. */
#define FAULT_START	(self->edge - self->before)

/* copy_from_user() returns exactly the bytes past the fault and copied the rest. */
TEST_F(fault, copy_from_user_fault_boundary)
{
	long long r = probe_xfer(self->fd, UACCESS_PROBE_COPY_FROM_USER, FAULT_START, 0,
			       self->len);

	EXPECT_EQ((long long)(self->len - self->before), r)
		TH_LOG("copy_from_user of %zu bytes, %zu before the fault: wrong count not copied",
		       self->len, self->before);
	ASSERT_EQ(0, probe_read(self->fd, self->kback, 0, self->len + GUARD));
	EXPECT_EQ(0, memcmp(self->kback, FAULT_START, self->before))
		TH_LOG("a byte before the fault was not copied");
	EXPECT_EQ(GUARD, first_not(self->kback + self->len, GUARD, 0xee))
		TH_LOG("copy_from_user wrote past its kernel range");
}

/* copy_from_user() zeroes the part of the kernel range it could not fill. */
TEST_F(fault, copy_from_user_zeroes_tail)
{
	size_t tail = self->len - self->before, i;

	probe_xfer(self->fd, UACCESS_PROBE_COPY_FROM_USER, FAULT_START, 0, self->len);
	ASSERT_EQ(0, probe_read(self->fd, self->kback, 0, self->len));
	i = first_not(self->kback + self->before, tail, 0);
	EXPECT_EQ(tail, i)
		TH_LOG("kernel byte %zu of %zu is %#x: the uncopied tail must be zeroed",
		       self->before + i, self->len, self->kback[self->before + i]);
}

/* copy_to_user() returns exactly the bytes past the fault and copied the rest. */
TEST_F(fault, copy_to_user_fault_boundary)
{
	unsigned char *start = FAULT_START;
	long long r;

	ASSERT_EQ(0, probe_xfer(self->fd, UACCESS_PROBE_COPY_FROM_USER, start, 0, self->before));
	memset(start, USER_FILL, self->before);
	r = probe_xfer(self->fd, UACCESS_PROBE_COPY_TO_USER, start, 0, self->len);
	EXPECT_EQ((long long)(self->len - self->before), r)
		TH_LOG("copy_to_user of %zu bytes, %zu before the fault: wrong count not copied",
		       self->len, self->before);
	ASSERT_EQ(0, probe_read(self->fd, self->kback, 0, self->before));
	EXPECT_EQ(0, memcmp(start, self->kback, self->before))
		TH_LOG("a byte before the fault was not copied");
}

/* clear_user() returns the bytes it could not clear, and cleared the rest. */
TEST_F(fault, clear_user_fault_boundary)
{
	unsigned char *start = FAULT_START;
	long long r = probe_xfer(self->fd, UACCESS_PROBE_CLEAR_USER, start, 0, self->len);

	EXPECT_EQ((long long)(self->len - self->before), r)
		TH_LOG("clear_user of %zu bytes, %zu before the fault: wrong count not cleared",
		       self->len, self->before);
	EXPECT_EQ(self->before, first_not(start, self->before, 0))
		TH_LOG("a byte before the fault was not cleared");
}

/* read() stops at the fault: a short count, or EFAULT when nothing moved. */
TEST_F(fault, read_fault_boundary)
{
	unsigned char *start = FAULT_START;
	ssize_t r;

	ASSERT_EQ(0, probe_xfer(self->fd, UACCESS_PROBE_COPY_FROM_USER, start, 0, self->before));
	memset(start, USER_FILL, self->before);
	r = pread(self->fd, start, self->len, 0);
	if (self->before) {
		EXPECT_EQ((ssize_t)self->before, r)
			TH_LOG("read of %zu bytes, %zu before the fault: %s", self->len,
			       self->before, r < 0 ? strerror(errno) : "wrong count");
		ASSERT_EQ(0, probe_read(self->fd, self->kback, 0, self->before));
		EXPECT_EQ(0, memcmp(start, self->kback, self->before));
	} else {
		EXPECT_EQ(-1, r);
		EXPECT_EQ(EFAULT, errno);
	}
}

/* write() stops at the fault; the file position moves by what was written. */
TEST_F(fault, write_fault_boundary)
{
	ssize_t r;

	ASSERT_EQ(0, lseek(self->fd, 0, SEEK_SET));
	r = write(self->fd, FAULT_START, self->len);
	if (self->before) {
		EXPECT_EQ((ssize_t)self->before, r)
			TH_LOG("write of %zu bytes, %zu before the fault: %s", self->len,
			       self->before, r < 0 ? strerror(errno) : "wrong count");
		EXPECT_EQ((off_t)self->before, lseek(self->fd, 0, SEEK_CUR));
	} else {
		EXPECT_EQ(-1, r);
		EXPECT_EQ(EFAULT, errno);
		EXPECT_EQ(0, lseek(self->fd, 0, SEEK_CUR));
	}
	ASSERT_EQ(0, probe_read(self->fd, self->kback, 0, self->len + GUARD));
	EXPECT_EQ(0, memcmp(self->kback, FAULT_START, self->before))
		TH_LOG("a byte before the fault was not written");
	EXPECT_EQ(GUARD, first_not(self->kback + self->len, GUARD, 0xee))
		TH_LOG("write() changed the buffer past its range");
}

/*
 * Addresses that no user mapping holds: every primitive faults on them
 * without touching anything (and without an oops, which the runner
 * would report).
 */
FIXTURE(bad_addr) {
	int fd;
	unsigned char kback[64 + GUARD];
};

/* NULL and 16 are below TASK_SIZE, the others past it (access_ok() refuses them). */
FIXTURE_VARIANT(bad_addr) {
	__u64 addr;
};

FIXTURE_VARIANT_ADD(bad_addr, null) { .addr = 0 };
FIXTURE_VARIANT_ADD(bad_addr, zero_size_ptr) { .addr = 16 };
FIXTURE_VARIANT_ADD(bad_addr, kernel_direct_map) { .addr = 0xffff888000000000ULL };
FIXTURE_VARIANT_ADD(bad_addr, kernel_text) { .addr = 0xffffffff81000000ULL };
FIXTURE_VARIANT_ADD(bad_addr, top_page) { .addr = 0xfffffffffffff000ULL };
FIXTURE_VARIANT_ADD(bad_addr, noncanonical_low) { .addr = 0x0000800000000000ULL };
FIXTURE_VARIANT_ADD(bad_addr, noncanonical_high) { .addr = 0x8000000000000000ULL };

FIXTURE_SETUP(bad_addr)
{
	if (!probe_setup_fd(_metadata, &self->fd))
		return;
	if (sizeof(void *) < 8 && (variant->addr >> 32))
		SKIP(return, "a 64-bit address on a 32-bit user space");
	ASSERT_EQ(0, probe_fill(self->fd, 0, sizeof(self->kback), 0xee));
}

FIXTURE_TEARDOWN(bad_addr)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* The user pointer of the variant. */
#define BAD_PTR ((void *)(uintptr_t)variant->addr)

TEST_F(bad_addr, copy_to_user)
{
	EXPECT_EQ(64, probe_xfer(self->fd, UACCESS_PROBE_COPY_TO_USER, BAD_PTR, 0, 64))
		TH_LOG("copy_to_user(%#llx) must copy nothing",
		       (unsigned long long)variant->addr);
}

TEST_F(bad_addr, copy_from_user)
{
	EXPECT_EQ(64, probe_xfer(self->fd, UACCESS_PROBE_COPY_FROM_USER, BAD_PTR, 0, 64))
		TH_LOG("copy_from_user(%#llx) must copy nothing",
		       (unsigned long long)variant->addr);
	ASSERT_EQ(0, probe_read(self->fd, self->kback, 0, sizeof(self->kback)));
	EXPECT_EQ(64UL, first_not(self->kback, 64, 0)) TH_LOG("the destination must be zeroed");
	EXPECT_EQ(GUARD, first_not(self->kback + 64, GUARD, 0xee));
}

TEST_F(bad_addr, clear_user)
{
	EXPECT_EQ(64, probe_xfer(self->fd, UACCESS_PROBE_CLEAR_USER, BAD_PTR, 0, 64));
}

TEST_F(bad_addr, get_put_user)
{
	unsigned int size;

	for (size = 1; size <= 8; size *= 2) {
		EXPECT_EQ(-EFAULT, probe_scalar(self->fd, UACCESS_PROBE_GET_USER, BAD_PTR, 0, size))
			TH_LOG("get_user of %u bytes", size);
		EXPECT_EQ(-EFAULT, probe_scalar(self->fd, UACCESS_PROBE_PUT_USER, BAD_PTR, 0, size))
			TH_LOG("put_user of %u bytes", size);
	}
	ASSERT_EQ(0, probe_read(self->fd, self->kback, 0, sizeof(self->kback)));
	EXPECT_EQ(8UL, first_not(self->kback, 8, 0)) TH_LOG("get_user must zero its variable");
	EXPECT_EQ(GUARD + 56, first_not(self->kback + 8, GUARD + 56, 0xee));
}

TEST_F(bad_addr, strncpy_from_user)
{
	EXPECT_EQ(-EFAULT, probe_xfer(self->fd, UACCESS_PROBE_STRNCPY_FROM_USER, BAD_PTR, 0, 64));
	ASSERT_EQ(0, probe_read(self->fd, self->kback, 64, GUARD));
	EXPECT_EQ(GUARD, first_not(self->kback, GUARD, 0xee))
		TH_LOG("strncpy_from_user wrote past its limit");
}

/*
 * strnlen_user() returns 0 on a fault (lib/strnlen_user.c). UML's own
 * strnlen_user() returns -EFAULT when access_ok() refuses the address
 * (the addresses past TASK_SIZE): a known deviation.
 */
TEST_F(bad_addr, strnlen_user)
{
	struct contract c = { .what = "strnlen_user() returns 0 on a fault" };
	struct outcome want = { .result = 0 }, got = {
		.result = probe_xfer(self->fd, UACCESS_PROBE_STRNLEN_USER, BAD_PTR, 0, 64),
	};

	CONTRACT_CHECK(&c, "", &want, &got);
	CONTRACT_END(&c);
}

TEST_F(bad_addr, read_write)
{
	EXPECT_EQ(-1, pread(self->fd, BAD_PTR, 64, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, pwrite(self->fd, BAD_PTR, 64, 0));
	EXPECT_EQ(EFAULT, errno);
}

/* A read-only mapping: writes into it fault, reads from it work. */
TEST_F(probe, read_only_mapping)
{
	size_t ps = page_size();
	unsigned char *ro = mmap(NULL, ps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, ro);
	ASSERT_EQ(0, probe_fill(self->fd, 0, ps, 0xab));
	EXPECT_EQ(64, probe_xfer(self->fd, UACCESS_PROBE_COPY_TO_USER, ro, 0, 64));
	EXPECT_EQ(64, probe_xfer(self->fd, UACCESS_PROBE_CLEAR_USER, ro, 0, 64));
	EXPECT_EQ(-EFAULT, probe_scalar(self->fd, UACCESS_PROBE_PUT_USER, ro, 0, 8));
	EXPECT_EQ(-1, pread(self->fd, ro, 64, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(ps, first_not(ro, ps, 0)) TH_LOG("the read-only page was written");
	/* Reading from it is fine: it reads as zeroes. */
	EXPECT_EQ(0, probe_xfer(self->fd, UACCESS_PROBE_COPY_FROM_USER, ro, 0, 64));
	munmap(ro, ps);
}

/*
 * Bad arguments: a range outside the buffer (huge lengths and offsets
 * included, and offset + len overflowing), an unknown size, a reserved
 * field or an offset where none is taken give -EINVAL; an unknown
 * command gives -ENOTTY; the buffer is untouched.
 */
TEST_F(probe, bad_arguments)
{
	size_t size = probe_buf_size();
	unsigned char buf[64], back[64];
	struct uaccess_probe_scalar s = { .user_addr = (uintptr_t)buf, .size = 4, .reserved = 1 };
	struct uaccess_probe_fill f = { .len = 1, .byte = 0x100 };

	ASSERT_LT(0UL, size);
	memset(buf, 0x11, sizeof(buf));
	ASSERT_EQ(0, probe_fill(self->fd, 0, 64, 0x77));
	ASSERT_EQ(0, probe_fill(self->fd, size - 64, 64, 0x77));
	EXPECT_EQ(-EINVAL, probe_xfer(self->fd, UACCESS_PROBE_COPY_FROM_USER, buf, 0, size + 1));
	EXPECT_EQ(-EINVAL, probe_xfer(self->fd, UACCESS_PROBE_COPY_FROM_USER, buf, size, 1));
	EXPECT_EQ(-EINVAL, probe_xfer(self->fd, UACCESS_PROBE_COPY_TO_USER, buf, 16, -8ULL));
	EXPECT_EQ(-EINVAL, probe_xfer(self->fd, UACCESS_PROBE_COPY_TO_USER, buf, ULLONG_MAX, 2));
	EXPECT_EQ(-EINVAL, probe_xfer(self->fd, UACCESS_PROBE_CLEAR_USER, buf, 0, ULLONG_MAX));
	EXPECT_EQ(-EINVAL, probe_xfer(self->fd, UACCESS_PROBE_CLEAR_USER, buf, 1, 1));
	EXPECT_EQ(-EINVAL, probe_xfer(self->fd, UACCESS_PROBE_STRNLEN_USER, buf, 1, 1));
	EXPECT_EQ(-EINVAL, probe_xfer(self->fd, UACCESS_PROBE_STRNCPY_FROM_USER, buf, size - 1, 2));
	EXPECT_EQ(-EINVAL, probe_xfer(self->fd, UACCESS_PROBE_READ, buf, size - 63, 64));
	EXPECT_EQ(-EINVAL, probe_scalar(self->fd, UACCESS_PROBE_GET_USER, buf, 0, 3));
	EXPECT_EQ(-EINVAL, probe_scalar(self->fd, UACCESS_PROBE_GET_USER, buf, 0, 16));
	EXPECT_EQ(-EINVAL, probe_scalar(self->fd, UACCESS_PROBE_GET_USER, buf, size - 4, 8));
	EXPECT_EQ(-1, ioctl(self->fd, UACCESS_PROBE_PUT_USER, &s));
	EXPECT_EQ(EINVAL, errno) TH_LOG("a non-zero reserved field must be refused");
	EXPECT_EQ(-1, ioctl(self->fd, UACCESS_PROBE_FILL, &f));
	EXPECT_EQ(EINVAL, errno) TH_LOG("fill byte 0x100 must be refused");
	EXPECT_EQ(-EINVAL, probe_fill(self->fd, size, 1, 0));
	EXPECT_EQ(-1, ioctl(self->fd, _IO(UACCESS_PROBE_IOC_MAGIC, 99), 0));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, UACCESS_PROBE_COPY_TO_USER, NULL));
	EXPECT_EQ(EFAULT, errno) TH_LOG("an unreadable argument must give EFAULT");
	ASSERT_EQ(0, probe_read(self->fd, back, 0, 64));
	EXPECT_EQ(64UL, first_not(back, 64, 0x77));
	ASSERT_EQ(0, probe_read(self->fd, back, size - 64, 64));
	EXPECT_EQ(64UL, first_not(back, 64, 0x77));
}

/*
 * read() and write() as a file: the position moves by the bytes copied,
 * nothing moves at or past the end, seeking past the end is refused,
 * and a huge count stops at the end of the buffer.
 */
TEST_F(probe, read_write_file)
{
	size_t size = probe_buf_size(), i;
	unsigned char out[300], in[300];
	unsigned char *big;

	for (i = 0; i < sizeof(out); i++)
		out[i] = pattern_byte(i);
	ASSERT_EQ(100, lseek(self->fd, 100, SEEK_SET));
	EXPECT_EQ((ssize_t)sizeof(out), write(self->fd, out, sizeof(out)));
	EXPECT_EQ((off_t)(100 + sizeof(out)), lseek(self->fd, 0, SEEK_CUR));
	EXPECT_EQ((ssize_t)sizeof(in), pread(self->fd, in, sizeof(in), 100));
	EXPECT_EQ(0, memcmp(in, out, sizeof(in))) TH_LOG("read() did not return what write() put");
	ASSERT_EQ(0, probe_read(self->fd, in, 100, sizeof(in)));
	EXPECT_EQ(0, memcmp(in, out, sizeof(in))) TH_LOG("write() did not fill the buffer");

	ASSERT_EQ((off_t)size - 10, lseek(self->fd, -10, SEEK_END));
	EXPECT_EQ(10, read(self->fd, in, sizeof(in))) TH_LOG("read() must stop at the end");
	EXPECT_EQ(0, read(self->fd, in, sizeof(in)));
	EXPECT_EQ(0, write(self->fd, out, sizeof(out))) TH_LOG("write() at the end writes nothing");
	EXPECT_EQ(-1, lseek(self->fd, size + 1, SEEK_SET));
	EXPECT_EQ(EINVAL, errno);

	big = guard_map(size / page_size());
	ASSERT_NE(MAP_FAILED, big);
	EXPECT_EQ((ssize_t)size, pread(self->fd, big, 1 << 30, 0))
		TH_LOG("a 1 GiB read() stops at the end of the buffer");
	EXPECT_EQ((ssize_t)size, pwrite(self->fd, big, 1 << 30, 0));
	/* A count past the end of the user address space fails access_ok(). */
	EXPECT_EQ(-1, pread(self->fd, big, SSIZE_MAX, 0));
	EXPECT_EQ(EFAULT, errno);
	guard_unmap(big, size / page_size());
}

/* Drop CAP_SYS_ADMIN from the effective set; 0 on success. */
static int drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	return syscall(SYS_capset, &hdr, data) ? -1 : 0;
}

/* In a child: become uid/gid 65534 if @unprivileged, else drop only CAP_SYS_ADMIN; open. */
static int open_in_child(bool unprivileged)
{
	int status, fd;
	pid_t pid = fork();

	if (pid == 0) {
		if (unprivileged && (setgroups(0, NULL) || setgid(65534) || setuid(65534)))
			_exit(100);
		if (!unprivileged && drop_cap_sys_admin())
			_exit(101);
		fd = open(UACCESS_PROBE_DEVICE, O_RDWR);
		_exit(fd < 0 ? errno : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * The device is mode 0600 (root only) and open() checks CAP_SYS_ADMIN:
 * an unprivileged user gets EACCES from the mode, root without
 * CAP_SYS_ADMIN gets EPERM from the driver.
 */
TEST_F(probe, device_access)
{
	struct stat st;

	ASSERT_EQ(0, stat(UACCESS_PROBE_DEVICE, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600U, st.st_mode & 07777) TH_LOG("mode %o", st.st_mode & 07777);
	EXPECT_EQ(EACCES, open_in_child(true)) TH_LOG("uid 65534 must get EACCES");
	EXPECT_EQ(EPERM, open_in_child(false)) TH_LOG("root without CAP_SYS_ADMIN must get EPERM");
}

TEST_HARNESS_MAIN
