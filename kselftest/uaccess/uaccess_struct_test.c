// SPDX-License-Identifier: GPL-2.0
/*
 * copy_struct_from_user() and check_zeroed_user() (include/linux/uaccess.h,
 * lib/usercopy.c), access_ok() and copy_{from,to}_user_nofault()
 * (mm/maccess.c), seen from user space through /dev/uaccess_probe.
 *
 * User structs and ranges are placed so that they end right before a
 * PROT_NONE guard page, so a primitive that reads one byte too far
 * faults; the kernel buffer is preset to a known byte so that a test
 * sees which kernel bytes a primitive wrote.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "uaccess_util.h"

#define KERN_FILL	0xee
/* Kernel bytes checked past the kernel struct. */
#define TAIL	16UL
/* Pages mapped before the guard page. */
#define MAP_PAGES	3

/* The probe and MAP_PAGES pages that end at a PROT_NONE guard page. */
struct map_ctx {
	int fd;
	size_t ps;
	unsigned char *map, *edge, *kback;
};

static bool map_setup(struct __test_metadata *_metadata, struct map_ctx *c)
{
	if (!probe_setup_fd(_metadata, &c->fd))
		return false;
	c->ps = page_size();
	ASSERT_LE(2 * c->ps + TAIL, probe_buf_size());
	c->map = guard_map(MAP_PAGES);
	ASSERT_NE(MAP_FAILED, c->map);
	c->edge = c->map + MAP_PAGES * c->ps;
	c->kback = malloc(2 * c->ps + TAIL);
	ASSERT_NE(NULL, c->kback);
	return true;
}

static void map_teardown(struct map_ctx *c)
{
	if (c->fd < 0)
		return;
	guard_unmap(c->map, MAP_PAGES);
	free(c->kback);
	close(c->fd);
}

/*
 * copy_struct_from_user(dst, ksize, src, usize). The variant is ksize:
 * 1, a word, an odd size, and one that spans a page edge in the kernel.
 * The user struct always ends at the guard page.
 */
FIXTURE(cstruct) {
	struct map_ctx c;
};

FIXTURE_VARIANT(cstruct) {
	size_t ksize;
};

FIXTURE_VARIANT_ADD(cstruct, ksize_1) { .ksize = 1 };
FIXTURE_VARIANT_ADD(cstruct, ksize_8) { .ksize = 8 };
FIXTURE_VARIANT_ADD(cstruct, ksize_13) { .ksize = 13 };
FIXTURE_VARIANT_ADD(cstruct, ksize_4099) { .ksize = 4099 };

FIXTURE_SETUP(cstruct)
{
	if (!map_setup(_metadata, &self->c))
		return;
	ASSERT_LE(variant->ksize + 40, 2 * self->c.ps);
}

FIXTURE_TEARDOWN(cstruct)
{
	map_teardown(&self->c);
}

/*
 * A user struct of @usize bytes ending at the guard page: @pat pattern
 * bytes, then zeroes.
 */
static unsigned char *ustruct(struct map_ctx *c, size_t usize, size_t pat)
{
	unsigned char *u = c->edge - usize;
	size_t i;

	for (i = 0; i < usize; i++)
		u[i] = i < pat ? pattern_byte(i) : 0;
	return u;
}

/* Preset the kernel struct and TAIL bytes after it to KERN_FILL. */
#define KPRESET() ASSERT_EQ(0, probe_fill(self->c.fd, 0, variant->ksize + TAIL, KERN_FILL))
/* Read the kernel struct and TAIL bytes after it into kback. */
#define KREAD() ASSERT_EQ(0, probe_read(self->c.fd, self->c.kback, 0, variant->ksize + TAIL))

/* usize == ksize: copied verbatim, 0, nothing past ksize written. */
TEST_F(cstruct, usize_equal)
{
	size_t ks = variant->ksize;
	unsigned char *u = ustruct(&self->c, ks, ks);

	KPRESET();
	EXPECT_EQ(0, probe_struct(self->c.fd, u, 0, ks, ks));
	KREAD();
	EXPECT_EQ(0, memcmp(self->c.kback, u, ks)) TH_LOG("usize == ksize must copy verbatim");
	EXPECT_EQ(TAIL, first_not(self->c.kback + ks, TAIL, KERN_FILL))
		TH_LOG("copy_struct_from_user wrote past ksize");
}

/*
 * usize < ksize (0, 1, half, ksize - 1): the usize bytes are copied and
 * the kernel's trailing ksize - usize bytes are zero-filled.
 */
TEST_F(cstruct, usize_smaller_zero_fills)
{
	size_t ks = variant->ksize;
	size_t sizes[] = { 0, 1, ks / 2, ks - 1 }, i, z;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t us = sizes[i];
		unsigned char *u = ustruct(&self->c, us, us);

		if (us >= ks)
			continue;
		KPRESET();
		EXPECT_EQ(0, probe_struct(self->c.fd, u, 0, ks, us))
			TH_LOG("usize %zu < ksize %zu must succeed", us, ks);
		KREAD();
		EXPECT_EQ(0, memcmp(self->c.kback, u, us))
			TH_LOG("usize %zu < ksize %zu: the user bytes must be copied", us, ks);
		z = first_not(self->c.kback + us, ks - us, 0);
		EXPECT_EQ(ks - us, z)
			TH_LOG("usize %zu < ksize %zu: byte %zu is %#x: %s", us, ks, us + z,
			       self->c.kback[us + z], "the kernel tail must be zero-filled");
		EXPECT_EQ(TAIL, first_not(self->c.kback + ks, TAIL, KERN_FILL))
			TH_LOG("usize %zu: copy_struct_from_user wrote past ksize", us);
	}
}

/* usize > ksize with an all-zero tail: 0, ksize bytes copied, nothing past ksize. */
TEST_F(cstruct, usize_larger_zero_tail)
{
	size_t ks = variant->ksize;
	size_t extra[] = { 1, 7, 8, 9, 4096 + 5 }, i;

	for (i = 0; i < ARRAY_SIZE(extra); i++) {
		size_t us = ks + extra[i];
		unsigned char *u = ustruct(&self->c, us, ks);

		KPRESET();
		EXPECT_EQ(0, probe_struct(self->c.fd, u, 0, ks, us))
			TH_LOG("usize %zu > ksize %zu with a zero tail must succeed", us, ks);
		KREAD();
		EXPECT_EQ(0, memcmp(self->c.kback, u, ks)) TH_LOG("usize %zu", us);
		EXPECT_EQ(TAIL, first_not(self->c.kback + ks, TAIL, KERN_FILL))
			TH_LOG("usize %zu: copy_struct_from_user wrote past ksize", us);
	}
}

/*
 * usize > ksize with one non-zero byte anywhere in the tail (its first
 * byte, its last, every byte of tails of 1..17 bytes): -E2BIG, nothing
 * past ksize written.
 */
TEST_F(cstruct, usize_larger_nonzero_tail)
{
	size_t ks = variant->ksize, extra, j;

	for (extra = 1; extra <= 17; extra++) {
		size_t us = ks + extra;

		for (j = 0; j < extra; j++) {
			unsigned char *u = ustruct(&self->c, us, ks);
			long long r;

			u[ks + j] = 0x80;
			KPRESET();
			r = probe_struct(self->c.fd, u, 0, ks, us);
			EXPECT_EQ(-E2BIG, r)
				TH_LOG("ksize %zu usize %zu, tail byte %zu non-zero: %s, got %lld",
				       ks, us, j, "must be -E2BIG", r);
			KREAD();
			EXPECT_EQ(TAIL, first_not(self->c.kback + ks, TAIL, KERN_FILL))
				TH_LOG("usize %zu: copy_struct_from_user wrote past ksize", us);
		}
	}
}

/*
 * The user struct runs into the guard page: a zero tail that faults
 * (1 byte or a page of it unmapped), or a struct no bigger than ksize
 * whose last byte is unmapped: -EFAULT.
 */
TEST_F(cstruct, unmapped_efault)
{
	size_t ks = variant->ksize;
	unsigned char *u = ustruct(&self->c, ks + 3, ks);

	EXPECT_EQ(-EFAULT, probe_struct(self->c.fd, u, 0, ks, ks + 3 + 1))
		TH_LOG("a zero tail with its last byte unmapped must give -EFAULT");
	EXPECT_EQ(-EFAULT, probe_struct(self->c.fd, u, 0, ks, ks + 3 + self->c.ps))
		TH_LOG("a zero tail running a page into the guard must give -EFAULT");
	u = ustruct(&self->c, ks, ks);
	EXPECT_EQ(-EFAULT, probe_struct(self->c.fd, u + 1, 0, ks, ks))
		TH_LOG("usize == ksize with the last byte unmapped must give -EFAULT");
	if (ks > 1)
		EXPECT_EQ(-EFAULT, probe_struct(self->c.fd, u + 2, 0, ks, ks - 1))
			TH_LOG("usize < ksize with the last byte unmapped must give -EFAULT");
}

/*
 * A usize that wraps the address space past src (SIZE_MAX, 2^63): the
 * tail cannot be read, -EFAULT, not a copy. With the tail starting at
 * the last byte of a word, lib/usercopy.c check_zeroed_user() adds that
 * alignment to the size (size += align, line 54) and wraps it to a few
 * bytes, so for ksize 1 copy_struct_from_user() returns 0 on 6.12 (all
 * architectures; measured on UML and x86_64): a known deviation.
 */
TEST_F(cstruct, usize_overflow)
{
	struct contract c = {
		.what = "copy_struct_from_user() with a usize that wraps is -EFAULT",
	};
	size_t ks = variant->ksize;
	unsigned char *u = ustruct(&self->c, ks, ks), *v;
	struct outcome want = { .result = -EFAULT }, got;

	KPRESET();
	got = (struct outcome){ .result = probe_struct(self->c.fd, u, 0, ks, ULLONG_MAX) };
	CONTRACT_CHECK(&c, "aligned tail, usize max", &want, &got);
	got = (struct outcome){ .result = probe_struct(self->c.fd, u, 0, ks, 1ULL << 63) };
	CONTRACT_CHECK(&c, "aligned tail, usize 2^63", &want, &got);
	/* The tail starts at the last byte of a word. */
	v = self->c.map + 64 + (7 + 8 - ks % 8) % 8;
	memset(v, 0, ks + 16);
	got = (struct outcome){ .result = probe_struct(self->c.fd, v, 0, ks, ULLONG_MAX) };
	CONTRACT_CHECK(&c, "unaligned tail, usize max", &want, &got);
	KREAD();
	EXPECT_EQ(TAIL, first_not(self->c.kback + ks, TAIL, KERN_FILL));
	CONTRACT_END(&c);
}

/*
 * check_zeroed_user(from, size): 1 when every byte is zero, 0 when one is
 * not, -EFAULT when the range cannot be read. The variant is the start
 * alignment within a word: the head and tail of the range are partial
 * words that the primitive masks.
 */
FIXTURE(zeroed) {
	struct map_ctx c;
};

FIXTURE_VARIANT(zeroed) {
	size_t align;
};

FIXTURE_VARIANT_ADD(zeroed, align_0) { .align = 0 };
FIXTURE_VARIANT_ADD(zeroed, align_1) { .align = 1 };
FIXTURE_VARIANT_ADD(zeroed, align_2) { .align = 2 };
FIXTURE_VARIANT_ADD(zeroed, align_3) { .align = 3 };
FIXTURE_VARIANT_ADD(zeroed, align_4) { .align = 4 };
FIXTURE_VARIANT_ADD(zeroed, align_5) { .align = 5 };
FIXTURE_VARIANT_ADD(zeroed, align_6) { .align = 6 };
FIXTURE_VARIANT_ADD(zeroed, align_7) { .align = 7 };

FIXTURE_SETUP(zeroed)
{
	if (!map_setup(_metadata, &self->c))
		return;
}

FIXTURE_TEARDOWN(zeroed)
{
	map_teardown(&self->c);
}

#define CZU(p, n) \
	probe_range(self->c.fd, UACCESS_PROBE_CHECK_ZEROED_USER, (uintptr_t)(p), (n), NULL)

/* The sizes tried: every size up to 3 words, a page and around it. */
static const size_t zeroed_sizes[] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 23, 24, 25, 63, 64, 65,
	4095, 4096, 4097,
};

/*
 * All zero, with non-zero bytes right before and after the range (in the
 * words the primitive reads and masks): 1. Size 0 gives 1.
 */
TEST_F(zeroed, all_zero)
{
	unsigned char *p = self->c.map + 64 + variant->align;
	size_t i, n;

	EXPECT_EQ(1, CZU(p, 0)) TH_LOG("size 0 must give 1");
	for (i = 0; i < ARRAY_SIZE(zeroed_sizes); i++) {
		n = zeroed_sizes[i];
		memset(p - 16, 0xff, n + 32);
		memset(p, 0, n);
		EXPECT_EQ(1, CZU(p, n))
			TH_LOG("align %zu size %zu all zero: must give 1 (%s)", variant->align, n,
			       "the bytes around the range are not in it");
	}
}

/* One non-zero byte at any position of the range (every position up to 65 bytes): 0. */
TEST_F(zeroed, one_nonzero)
{
	unsigned char *p = self->c.map + 64 + variant->align;
	size_t i, j, n;
	long long r;

	for (i = 0; i < ARRAY_SIZE(zeroed_sizes); i++) {
		n = zeroed_sizes[i];
		memset(p, 0, n);
		for (j = 0; j < n; j++) {
			if (n > 65 && j > 16 && j < n - 16)
				continue;
			p[j] = 1 << (j % 8);
			r = CZU(p, n);
			EXPECT_EQ(0, r)
				TH_LOG("align %zu size %zu, byte %zu non-zero: %s, got %lld",
				       variant->align, n, j, "must give 0", r);
			p[j] = 0;
		}
	}
}

/*
 * At the guard page: a range ending right before it reads fine (1, or 0
 * with its last byte non-zero); one that reaches into it, or starts in
 * it, gives -EFAULT; size 0 there gives 1.
 */
TEST_F(zeroed, page_edge)
{
	size_t n = 16 - variant->align;	/* starts at the variant's alignment */
	unsigned char *p = self->c.edge - n;

	memset(p, 0, n);
	EXPECT_EQ(1, CZU(p, n)) TH_LOG("a zero range ending at the guard page must give 1");
	p[n - 1] = 1;
	EXPECT_EQ(0, CZU(p, n)) TH_LOG("its last byte non-zero must give 0");
	p[n - 1] = 0;
	EXPECT_EQ(-EFAULT, CZU(p, n + 1)) TH_LOG("one byte into the guard page must give -EFAULT");
	EXPECT_EQ(-EFAULT, CZU(p, n + self->c.ps));
	EXPECT_EQ(-EFAULT, CZU(self->c.edge + variant->align, 1))
		TH_LOG("a range in the guard page must give -EFAULT");
	EXPECT_EQ(1, CZU(self->c.edge + variant->align, 0))
		TH_LOG("size 0 must give 1 without reading");
}

/* A kernel address: -EFAULT. */
TEST_F(zeroed, kernel_addr)
{
	EXPECT_EQ(-EFAULT, probe_range(self->c.fd, UACCESS_PROBE_CHECK_ZEROED_USER,
				       0xffffffff81000000ULL + variant->align, 8, NULL));
}

/*
 * A size that wraps the address space (SIZE_MAX, 2^63), or ends at its
 * top (SIZE_MAX - 7): -EFAULT. lib/usercopy.c check_zeroed_user() adds the start's alignment
 * to the size (line 54) before access_ok(), and SIZE_MAX + align wraps to
 * align - 1: at alignments 1..7 it checks no byte at all and returns 1 on
 * 6.12 (all architectures; measured on UML and x86_64), a known deviation.
 */
TEST_F(zeroed, size_overflow)
{
	struct contract c = { .what = "check_zeroed_user() with a size that wraps is -EFAULT" };
	unsigned char *p = self->c.map + 64 + variant->align;
	struct outcome want = { .result = -EFAULT }, got;

	memset(p, 0, 64);
	got = (struct outcome){ .result = CZU(p, ULLONG_MAX) };
	CONTRACT_CHECK(&c, "size max", &want, &got);
	got = (struct outcome){ .result = CZU(p, 1ULL << 63) };
	CONTRACT_CHECK(&c, "size 2^63", &want, &got);
	got = (struct outcome){ .result = CZU(p, ULLONG_MAX - 7) };
	CONTRACT_CHECK(&c, "size max - 7", &want, &got);
	CONTRACT_END(&c);
}

/*
 * access_ok(addr, size): true when the range may be valid user memory,
 * false when it is definitely not. The generic __access_ok()
 * (include/asm-generic/access_ok.h, "catch all possible overflows"),
 * which x86-64 matches for sizes it does not know at build time: true
 * iff addr + size <= TASK_SIZE_MAX without wrapping, so an empty range is
 * valid anywhere up to TASK_SIZE_MAX and a range may end exactly there.
 * Sizes are above a page, where x86-64 checks the end too.
 */
FIXTURE(access) {
	int fd;
	__u64 task_size, ps;
};

FIXTURE_SETUP(access)
{
	if (!probe_setup_fd(_metadata, &self->fd))
		return;
	self->ps = page_size();
	ASSERT_LE(0, probe_range(self->fd, UACCESS_PROBE_ACCESS_OK, 0, 0, &self->task_size));
	ASSERT_LT(4 * self->ps, self->task_size);
	TH_LOG("TASK_SIZE_MAX %#llx", (unsigned long long)self->task_size);
}

FIXTURE_TEARDOWN(access)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* One access_ok() case, named for the known-deviation table. */
static void access_case(struct __test_metadata *_metadata, const void *variant,
			struct contract *c, int fd, const char *kase, __u64 addr, __u64 size,
			long long want)
{
	struct outcome w = { .result = want }, g = {
		.result = probe_range(fd, UACCESS_PROBE_ACCESS_OK, addr, size, NULL),
	};

	contract_check(_metadata, variant, c, kase, &w, &g);
}

#define ACCESS_CASE(c, kase, addr, size, want) \
	access_case(_metadata, variant, (c), self->fd, (kase), (addr), (size), (want))

/* Size 0 is valid at any user address, NULL included. */
TEST_F(access, size_zero)
{
	struct contract c = { .what = "access_ok(addr, 0) is true below TASK_SIZE_MAX" };

	ACCESS_CASE(&c, "null", 0, 0, 1);
	ACCESS_CASE(&c, "user", (uintptr_t)&c, 0, 1);
	ACCESS_CASE(&c, "last byte", self->task_size - 1, 0, 1);
	CONTRACT_END(&c);
}

/* A range that ends exactly at TASK_SIZE_MAX is valid; so is the whole user space. */
TEST_F(access, end_at_task_size)
{
	struct contract c = {
		.what = "access_ok() is true for a range that ends at TASK_SIZE_MAX",
	};

	ACCESS_CASE(&c, "two pages", self->task_size - 2 * self->ps, 2 * self->ps, 1);
	ACCESS_CASE(&c, "whole", 0, self->task_size, 1);
	ACCESS_CASE(&c, "empty at the end", self->task_size, 0, 1);
	CONTRACT_END(&c);
}

/* One byte past TASK_SIZE_MAX is definitely invalid. */
TEST_F(access, past_task_size)
{
	struct contract c = { .what = "access_ok() is false past TASK_SIZE_MAX" };

	ACCESS_CASE(&c, "two pages + 1", self->task_size - 2 * self->ps, 2 * self->ps + 1, 0);
	ACCESS_CASE(&c, "whole + 1", 0, self->task_size + 1, 0);
	ACCESS_CASE(&c, "page at the end", self->task_size, self->ps + 1, 0);
	ACCESS_CASE(&c, "empty past the end", self->task_size + self->ps, 0, 0);
	CONTRACT_END(&c);
}

/* A range whose end wraps around the address space is definitely invalid. */
TEST_F(access, wrap_around)
{
	struct contract c = { .what = "access_ok() is false when addr + size wraps" };
	__u64 user = (uintptr_t)&c;

	ACCESS_CASE(&c, "size max", self->ps, ULLONG_MAX, 0);
	ACCESS_CASE(&c, "end 0", user, -user, 0);
	ACCESS_CASE(&c, "end small", user, -user + 2 * self->ps, 0);
	ACCESS_CASE(&c, "from the top", -self->ps, 2 * self->ps, 0);
	CONTRACT_END(&c);
}

/*
 * copy_from_user_nofault() and copy_to_user_nofault(): 0 when the whole
 * range was copied, -EFAULT when a fault happened, which they handle
 * without taking it: a page never touched is not faulted in (the fault
 * would sleep), it gives -EFAULT and stays out of memory.
 */
FIXTURE(nofault) {
	struct map_ctx c;
};

FIXTURE_SETUP(nofault)
{
	if (!map_setup(_metadata, &self->c))
		return;
}

FIXTURE_TEARDOWN(nofault)
{
	map_teardown(&self->c);
}

#define NOFAULT(cmd, p, n) \
	probe_range(self->c.fd, UACCESS_PROBE_COPY_##cmd##_USER_NOFAULT, (uintptr_t)(p), (n), NULL)

/* Whether the page at @p is in memory (mincore). */
static int page_resident(void *p)
{
	unsigned char vec = 0;

	if (mincore(p, page_size(), &vec))
		return -1;
	return vec & 1;
}

/* A mapped range moves whole: 0; size 0 anywhere: 0. */
TEST_F(nofault, copy_mapped)
{
	unsigned char *u = self->c.edge - 100;
	size_t i;

	for (i = 0; i < 100; i++)
		u[i] = pattern_byte(i);
	ASSERT_EQ(0, probe_fill(self->c.fd, 0, 100 + TAIL, KERN_FILL));
	EXPECT_EQ(0, NOFAULT(FROM, u, 100));
	ASSERT_EQ(0, probe_read(self->c.fd, self->c.kback, 0, 100 + TAIL));
	EXPECT_EQ(0, memcmp(self->c.kback, u, 100)) TH_LOG("copy_from_user_nofault must copy");
	EXPECT_EQ(TAIL, first_not(self->c.kback + 100, TAIL, KERN_FILL));
	memset(u - TAIL, 0xcc, 100 + TAIL);
	EXPECT_EQ(0, NOFAULT(TO, u, 100));
	EXPECT_EQ(0, memcmp(self->c.kback, u, 100)) TH_LOG("copy_to_user_nofault must copy");
	EXPECT_EQ(TAIL, first_not(u - TAIL, TAIL, 0xcc));
	EXPECT_EQ(0, NOFAULT(FROM, self->c.edge, 0));
	EXPECT_EQ(0, NOFAULT(TO, self->c.edge, 0));
}

/* An unmapped page, a range straddling into it, a kernel address: -EFAULT. */
TEST_F(nofault, unmapped_efault)
{
	EXPECT_EQ(-EFAULT, NOFAULT(FROM, self->c.edge, 8));
	EXPECT_EQ(-EFAULT, NOFAULT(TO, self->c.edge, 8));
	EXPECT_EQ(-EFAULT, NOFAULT(FROM, self->c.edge - 8, 16))
		TH_LOG("a range straddling into the guard page must give -EFAULT");
	EXPECT_EQ(-EFAULT, NOFAULT(TO, self->c.edge - 8, 16));
	EXPECT_EQ(-EFAULT, NOFAULT(FROM, 0xffffffff81000000ULL, 8));
	EXPECT_EQ(-EFAULT, NOFAULT(TO, 0xffffffff81000000ULL, 8));
}

/* A page never touched: -EFAULT, and it is still not in memory. */
TEST_F(nofault, untouched_page_not_faulted_in)
{
	size_t ps = self->c.ps;
	unsigned char *p = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, page_resident(p));
	ASSERT_EQ(0, page_resident(p + ps));
	EXPECT_EQ(-EFAULT, NOFAULT(FROM, p, 8))
		TH_LOG("copy_from_user_nofault from a page never touched must give -EFAULT");
	EXPECT_EQ(0, page_resident(p)) TH_LOG("copy_from_user_nofault faulted the page in");
	EXPECT_EQ(-EFAULT, NOFAULT(TO, p + ps, 8))
		TH_LOG("copy_to_user_nofault to a page never touched must give -EFAULT");
	EXPECT_EQ(0, page_resident(p + ps)) TH_LOG("copy_to_user_nofault faulted the page in");
	munmap(p, 2 * ps);
}

/* A read-only page, in memory: copy_to_user_nofault gives -EFAULT and leaves it. */
TEST_F(nofault, read_only)
{
	size_t ps = self->c.ps;
	unsigned char *ro = mmap(NULL, ps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
				 -1, 0);

	ASSERT_NE(MAP_FAILED, ro);
	ASSERT_EQ(0, probe_fill(self->c.fd, 0, 64, 0xab));
	EXPECT_EQ(-EFAULT, NOFAULT(TO, ro, 64));
	EXPECT_EQ(ps, first_not(ro, ps, 0)) TH_LOG("the read-only page was written");
	EXPECT_EQ(0, NOFAULT(FROM, ro, 64)) TH_LOG("reading a read-only page in memory works");
	munmap(ro, ps);
}

/* The probe refuses what it must: offsets and lengths past its buffer. */
TEST_F(nofault, probe_bad_arguments)
{
	size_t size = probe_buf_size();

	EXPECT_EQ(-EINVAL, NOFAULT(FROM, self->c.map, size + 1));
	EXPECT_EQ(-EINVAL, NOFAULT(TO, self->c.map, ULLONG_MAX));
	EXPECT_EQ(-EINVAL, probe_struct(self->c.fd, self->c.map, size, 1, 1));
	EXPECT_EQ(-EINVAL, probe_struct(self->c.fd, self->c.map, 8, -4ULL, 1));
}

TEST_HARNESS_MAIN
