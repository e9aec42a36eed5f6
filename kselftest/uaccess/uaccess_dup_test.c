// SPDX-License-Identifier: GPL-2.0
/*
 * memdup_user(), memdup_user_nul(), vmemdup_user() and strndup_user()
 * (mm/util.c), seen from user space through /dev/uaccess_probe.
 *
 * The probe makes the duplicate, copies it (and the NUL the primitive
 * adds, where it adds one) into its kernel buffer, frees it and reports
 * the error of the ERR_PTR() the primitive returned. Sources end right
 * before a PROT_NONE guard page, so a primitive that reads one byte too
 * far faults.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "uaccess_util.h"

#define KERN_FILL	0xee
#define MAP_PAGES	4

FIXTURE(dup) {
	size_t ps;
	unsigned char *map, *edge, *kback;
	int fd;
};

/* The primitive: memdup_user_nul() adds a NUL after the len bytes. */
FIXTURE_VARIANT(dup) {
	unsigned long cmd;
	bool nul;
};

FIXTURE_VARIANT_ADD(dup, memdup_user) { .cmd = UACCESS_PROBE_MEMDUP_USER };
FIXTURE_VARIANT_ADD(dup, memdup_user_nul) { .cmd = UACCESS_PROBE_MEMDUP_USER_NUL, .nul = true };
FIXTURE_VARIANT_ADD(dup, vmemdup_user) { .cmd = UACCESS_PROBE_VMEMDUP_USER };

FIXTURE_SETUP(dup)
{
	if (!probe_setup_fd(_metadata, &self->fd))
		return;
	self->ps = page_size();
	ASSERT_LE(3 * self->ps + 1, probe_buf_size());
	self->map = guard_map(MAP_PAGES);
	ASSERT_NE(MAP_FAILED, self->map);
	self->edge = self->map + MAP_PAGES * self->ps;
	self->kback = malloc(3 * self->ps + 1);
	ASSERT_NE(NULL, self->kback);
}

FIXTURE_TEARDOWN(dup)
{
	if (self->fd < 0)
		return;
	guard_unmap(self->map, MAP_PAGES);
	free(self->kback);
	close(self->fd);
}

/*
 * Every length from 0 to 17, around a page and around 3 pages, from a
 * source ending at the guard page: no error, the duplicate holds exactly
 * the source (and, for memdup_user_nul, a NUL after it).
 */
TEST_F(dup, lengths)
{
	size_t ps = self->ps, lens[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
					 16, 17, ps - 1, ps, ps + 1, 3 * ps - 1, 3 * ps };
	struct uaccess_probe_dup d;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		size_t len = lens[i], want = len + variant->nul;
		unsigned char *src = self->edge - len;

		for (j = 0; j < len; j++)
			src[j] = pattern_byte(j + i);
		ASSERT_EQ(0, probe_fill(self->fd, 0, want, KERN_FILL));
		ASSERT_EQ(0, probe_dup(self->fd, variant->cmd, src, 0, len, &d));
		EXPECT_EQ(0, d.result) TH_LOG("len %zu: must not fail, got %lld", len, d.result);
		if (d.result)
			continue;
		EXPECT_EQ(want, d.copied) TH_LOG("len %zu", len);
		ASSERT_EQ(0, probe_read(self->fd, self->kback, 0, want));
		EXPECT_EQ(0, memcmp(self->kback, src, len))
			TH_LOG("len %zu: the duplicate differs from the source", len);
		if (variant->nul)
			EXPECT_EQ(0, self->kback[len])
				TH_LOG("len %zu: %s, byte %zu is %#x", len,
				       "memdup_user_nul must NUL-terminate", len, self->kback[len]);
	}
}

/*
 * A source that reaches into the guard page by one byte or more, starts
 * in it, or is a kernel address: ERR_PTR(-EFAULT).
 */
TEST_F(dup, fault)
{
	struct { const char *what; uintptr_t src; size_t len; } cases[] = {
		{ "last byte unmapped", (uintptr_t)self->edge - 7, 8 },
		{ "a page past the edge", (uintptr_t)self->edge - 1, self->ps + 1 },
		{ "3 pages, last byte unmapped", (uintptr_t)self->edge - 3 * self->ps + 1,
		  3 * self->ps },
		{ "in the guard page", (uintptr_t)self->edge, 1 },
		{ "kernel address", 0xffffffff81000000ULL, 16 },
		{ "NULL", 0, 16 },
	};
	struct uaccess_probe_dup d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT_EQ(0, probe_dup(self->fd, variant->cmd, (void *)cases[i].src, 0,
				       cases[i].len, &d));
		EXPECT_EQ(-EFAULT, d.result)
			TH_LOG("%s (%zu bytes): must be ERR_PTR(-EFAULT), got %lld", cases[i].what,
			       cases[i].len, d.result);
		EXPECT_EQ(0ULL, d.copied);
	}
}

/*
 * memdup_user() of a length no kmalloc() can serve (past the largest
 * order, 2 GiB, the whole address space): ERR_PTR(-ENOMEM), quietly
 * (__GFP_NOWARN: a warning would fail the run). The other two allocate
 * without __GFP_NOWARN, so the probe refuses those lengths for them.
 */
TEST_F(dup, too_big)
{
	__u64 lens[] = { 1ULL << 31, (1ULL << 31) + 1, 1ULL << 40, ULLONG_MAX };
	struct uaccess_probe_dup d;
	size_t i;

	if (variant->cmd != UACCESS_PROBE_MEMDUP_USER) {
		EXPECT_EQ(-EINVAL, probe_dup(self->fd, variant->cmd, self->map, 0, ULLONG_MAX, &d))
			TH_LOG("the probe must refuse a length that would warn");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		ASSERT_EQ(0, probe_dup(self->fd, variant->cmd, self->map, 0, lens[i], &d));
		EXPECT_EQ(-ENOMEM, d.result)
			TH_LOG("memdup_user(%#llx bytes) must be ERR_PTR(-ENOMEM), got %lld",
			       (unsigned long long)lens[i], d.result);
	}
}

/*
 * strndup_user(s, n): n counts the NUL. A string of fewer than n bytes
 * is duplicated with its NUL; one of n bytes or more (no NUL within n)
 * is ERR_PTR(-EINVAL); a fault before the NUL is ERR_PTR(-EFAULT).
 */
FIXTURE(strndup) {
	struct edge_ctx c;
	unsigned char back[64];
};

FIXTURE_SETUP(strndup)
{
	if (!edge_setup(_metadata, &self->c))
		return;
}

FIXTURE_TEARDOWN(strndup)
{
	edge_teardown(&self->c);
}

/* One strndup_user(); the ioctl must run. */
#define STRNDUP(s, n, d) \
	ASSERT_EQ(0, probe_dup(self->c.fd, UACCESS_PROBE_STRNDUP_USER, (s), 0, (n), (d)))

/*
 * Strings shorter than n, at n = length + 1 (the NUL is the last byte
 * allowed), a larger n, and n = LONG_MAX (far past INT_MAX): duplicated
 * with the NUL.
 */
TEST_F(strndup, within_limit)
{
	size_t lens[] = { 0, 1, 7, 8, 40 }, i, j;
	__u64 ns[3];
	struct uaccess_probe_dup d;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		char *s = string_at_edge(self->c.edge, lens[i], true);

		ns[0] = lens[i] + 1;
		ns[1] = 64;
		ns[2] = LONG_MAX;
		for (j = 0; j < ARRAY_SIZE(ns); j++) {
			ASSERT_EQ(0, probe_fill(self->c.fd, 0, sizeof(self->back), KERN_FILL));
			STRNDUP(s, ns[j], &d);
			EXPECT_EQ(0, d.result)
				TH_LOG("a string of %zu bytes, n %llu: %s, got %lld", lens[i],
				       (unsigned long long)ns[j], "must be duplicated", d.result);
			EXPECT_EQ(lens[i] + 1, d.copied)
				TH_LOG("a string of %zu bytes, n %llu: %llu bytes copied, %s",
				       lens[i], (unsigned long long)ns[j],
				       (unsigned long long)d.copied, "the string and its NUL");
			ASSERT_EQ(0, probe_read(self->c.fd, self->back, 0, lens[i] + 1));
			EXPECT_EQ(0, memcmp(self->back, s, lens[i] + 1))
				TH_LOG("a string of %zu bytes: the duplicate and its NUL differ",
				       lens[i]);
		}
	}
}

/*
 * A string of exactly n bytes before its NUL, or longer: no room for the
 * NUL within n, ERR_PTR(-EINVAL), whether its NUL is just past n or far.
 */
TEST_F(strndup, too_long)
{
	size_t ns[] = { 1, 2, 7, 8, 9, 40 }, i;
	struct uaccess_probe_dup d;

	for (i = 0; i < ARRAY_SIZE(ns); i++) {
		char *s = string_at_edge(self->c.edge, ns[i], true);

		STRNDUP(s, ns[i], &d);
		EXPECT_EQ(-EINVAL, d.result)
			TH_LOG("a string of exactly n = %zu bytes %s, got %lld (%llu bytes)",
			       ns[i], "must be ERR_PTR(-EINVAL)", d.result,
			       (unsigned long long)d.copied);
		s = string_at_edge(self->c.edge, ns[i] + 30, true);
		STRNDUP(s, ns[i], &d);
		EXPECT_EQ(-EINVAL, d.result)
			TH_LOG("a string of %zu bytes, n = %zu must be ERR_PTR(-EINVAL), got %lld",
			       ns[i] + 30, ns[i], d.result);
	}
}

/*
 * A string that runs into the guard page before its NUL (0, 1, 9 bytes
 * mapped): ERR_PTR(-EFAULT); its NUL as the last mapped byte is fine.
 */
TEST_F(strndup, fault)
{
	size_t lens[] = { 0, 1, 9 }, i;
	struct uaccess_probe_dup d;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		char *s = string_at_edge(self->c.edge, lens[i], false);

		STRNDUP(s, 64, &d);
		EXPECT_EQ(-EFAULT, d.result)
			TH_LOG("%zu bytes before the fault, no NUL: %s, got %lld", lens[i],
			       "must be ERR_PTR(-EFAULT)", d.result);
	}
	STRNDUP(string_at_edge(self->c.edge, 9, true), 64, &d);
	EXPECT_EQ(0, d.result) TH_LOG("a NUL as the last mapped byte must not fault");
}

/*
 * An address no user mapping holds: ERR_PTR(-EFAULT) (strnlen_user()
 * gives 0). On UML 6.12 strnlen_user() gives -EFAULT for an address
 * access_ok() refuses, which strndup_user() takes for a length: the
 * known deviation is recorded exactly.
 */
TEST_F(strndup, bad_addr)
{
	struct contract c = { .what = "strndup_user() of a bad address is ERR_PTR(-EFAULT)" };
	struct { const char *kase; uintptr_t addr; } cases[] = {
		{ "null", 0 },
		{ "kernel", 0xffffffff81000000ULL },
	};
	struct uaccess_probe_dup d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct outcome want = { .result = -EFAULT }, got;

		STRNDUP((void *)cases[i].addr, 64, &d);
		got = (struct outcome){ .result = d.result };
		CONTRACT_CHECK(&c, cases[i].kase, &want, &got);
	}
	CONTRACT_END(&c);
}

/* The probe refuses n = 0 and n > LONG_MAX (strndup_user() takes a long). */
TEST_F(strndup, probe_bad_arguments)
{
	struct uaccess_probe_dup d;

	EXPECT_EQ(-EINVAL, probe_dup(self->c.fd, UACCESS_PROBE_STRNDUP_USER, self->c.map, 0, 0,
				     &d));
	EXPECT_EQ(-EINVAL, probe_dup(self->c.fd, UACCESS_PROBE_STRNDUP_USER, self->c.map, 0,
				     1ULL << 63, &d));
	EXPECT_EQ(-EINVAL, probe_dup(self->c.fd, UACCESS_PROBE_MEMDUP_USER, self->c.map,
				     probe_buf_size() + 1, 1, &d));
}

TEST_HARNESS_MAIN
