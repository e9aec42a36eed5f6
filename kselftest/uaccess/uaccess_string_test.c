// SPDX-License-Identifier: GPL-2.0
/*
 * clear_user(), strncpy_from_user() and strnlen_user(), and the
 * fail_usercopy fault injection of the copy primitives, seen from user
 * space through /dev/uaccess_probe.
 *
 * Strings are placed so that they end (or fail to end) right before a
 * PROT_NONE guard page; the kernel buffer is preset to a known byte so
 * that a test sees which kernel bytes strncpy_from_user() wrote.
 * Contracts are those of lib/strncpy_from_user.c and lib/strnlen_user.c;
 * where UML's own versions (arch/um/kernel/skas/uaccess.c) differ, the
 * test reports an expected failure keyed by architecture and version.
 */
#include "kselftest_harness.h"
#include "uaccess_util.h"

#define KERN_FILL	0xee
/* Kernel bytes checked past the limit of strncpy_from_user(). */
#define TAIL	16UL

FIXTURE(string) {
	struct edge_ctx c;
	unsigned char back[256];
};

FIXTURE_SETUP(string)
{
	if (!edge_setup(_metadata, &self->c))
		return;
	ASSERT_EQ(0, probe_fill(self->c.fd, 0, sizeof(self->back), KERN_FILL));
}

FIXTURE_TEARDOWN(string)
{
	edge_teardown(&self->c);
}

/* strncpy_from_user() of a shorter string: its length, the string and its NUL. */
TEST_F(string, strncpy_from_user_nul_within_limit)
{
	char *s = string_at_edge(self->c.edge, 5, true);

	EXPECT_EQ(5, probe_xfer(self->c.fd, UACCESS_PROBE_STRNCPY_FROM_USER, s, 0, 64));
	ASSERT_EQ(0, probe_read(self->c.fd, self->back, 0, 64 + TAIL));
	EXPECT_EQ(0, memcmp(self->back, s, 6)) TH_LOG("the string and its NUL must be copied");
	EXPECT_EQ(TAIL, first_not(self->back + 64, TAIL, KERN_FILL))
		TH_LOG("strncpy_from_user wrote past its limit");
}

/* A string as long as the limit or longer: the limit, no NUL, nothing past it. */
TEST_F(string, strncpy_from_user_limit)
{
	char *s = string_at_edge(self->c.edge, 100, false);
	size_t count;

	for (count = 1; count <= 100; count += 33) {
		long long r = probe_xfer(self->c.fd, UACCESS_PROBE_STRNCPY_FROM_USER, s, 0, count);

		EXPECT_EQ((long long)count, r)
			TH_LOG("limit %zu: strncpy_from_user must return the limit", count);
		ASSERT_EQ(0, probe_read(self->c.fd, self->back, 0, count + TAIL));
		EXPECT_EQ(0, memcmp(self->back, s, count)) TH_LOG("limit %zu", count);
		EXPECT_EQ(TAIL, first_not(self->back + count, TAIL, KERN_FILL))
			TH_LOG("limit %zu: strncpy_from_user wrote past its limit", count);
	}
}

/* A limit of 0 copies nothing and returns 0. */
TEST_F(string, strncpy_from_user_zero_limit)
{
	char *s = string_at_edge(self->c.edge, 5, true);

	EXPECT_EQ(0, probe_xfer(self->c.fd, UACCESS_PROBE_STRNCPY_FROM_USER, s, 0, 0));
	ASSERT_EQ(0, probe_read(self->c.fd, self->back, 0, TAIL));
	EXPECT_EQ(TAIL, first_not(self->back, TAIL, KERN_FILL));
}

/* The NUL is the last mapped byte: no fault, the length comes back. */
TEST_F(string, strncpy_from_user_nul_before_fault)
{
	char *s = string_at_edge(self->c.edge, 3, true);

	EXPECT_EQ(3, probe_xfer(self->c.fd, UACCESS_PROBE_STRNCPY_FROM_USER, s, 0, 200));
}

/* The string runs into the guard page before any NUL: -EFAULT. */
TEST_F(string, strncpy_from_user_fault_before_nul)
{
	size_t len;

	for (len = 0; len < 20; len += 7) {
		char *s = string_at_edge(self->c.edge, len, false);

		EXPECT_EQ(-EFAULT, probe_xfer(self->c.fd, UACCESS_PROBE_STRNCPY_FROM_USER, s, 0,
					      64)) TH_LOG("%zu bytes before the fault", len);
		ASSERT_EQ(0, probe_read(self->c.fd, self->back, 64, TAIL));
		EXPECT_EQ(TAIL, first_not(self->back, TAIL, KERN_FILL));
	}
}

/* strnlen_user() counts the NUL. */
TEST_F(string, strnlen_user_counts_nul)
{
	char *s = string_at_edge(self->c.edge, 5, true);

	EXPECT_EQ(6, probe_xfer(self->c.fd, UACCESS_PROBE_STRNLEN_USER, s, 0, 64));
	EXPECT_EQ(6, probe_xfer(self->c.fd, UACCESS_PROBE_STRNLEN_USER, s, 0, 6))
		TH_LOG("a NUL at the limit is inside it");
}

/* No NUL within n: more than n. */
TEST_F(string, strnlen_user_no_nul_within_limit)
{
	char *s = string_at_edge(self->c.edge, 100, false);
	long long r = probe_xfer(self->c.fd, UACCESS_PROBE_STRNLEN_USER, s, 0, 50);

	EXPECT_LT(50, r) TH_LOG("strnlen_user must return more than n without a NUL");
}

/* A fault before any NUL: 0. */
TEST_F(string, strnlen_user_fault)
{
	char *s = string_at_edge(self->c.edge, 10, false);

	EXPECT_EQ(0, probe_xfer(self->c.fd, UACCESS_PROBE_STRNLEN_USER, s, 0, 64))
		TH_LOG("strnlen_user must return 0 on a fault");
}

/*
 * strnlen_user(p, 0): lib/strnlen_user.c returns 0 for a count <= 0;
 * UML's strnlen_user() walks zero bytes and returns 0 + 1.
 */
TEST_F(string, strnlen_user_zero_limit)
{
	struct contract c = { .what = "strnlen_user(p, 0) returns 0" };
	char *s = string_at_edge(self->c.edge, 5, true);
	struct outcome want = { .result = 0 }, got = {
		.result = probe_xfer(self->c.fd, UACCESS_PROBE_STRNLEN_USER, s, 0, 0),
	};

	CONTRACT_CHECK(&c, "", &want, &got);
	CONTRACT_END(&c);
}

/* clear_user() zeroes exactly the bytes asked, at any alignment. */
TEST_F(string, clear_user_exact)
{
	unsigned char *u = self->c.map + 64;
	size_t start, len;

	for (start = 0; start < 16; start++) {
		for (len = 0; len < 40; len += 13) {
			memset(u - 16, 0xcc, 100);
			EXPECT_EQ(0, probe_xfer(self->c.fd, UACCESS_PROBE_CLEAR_USER, u + start, 0,
						len));
			EXPECT_EQ(16 + start, first_not(u - 16, 16 + start, 0xcc));
			EXPECT_EQ(len, first_not(u + start, len, 0))
				TH_LOG("start %zu len %zu: not cleared", start, len);
			EXPECT_EQ(16UL, first_not(u + start + len, 16, 0xcc))
				TH_LOG("start %zu len %zu: cleared past the end", start, len);
		}
	}
}

/*
 * fail_usercopy, armed per task with fail-nth: the n-th fault injection
 * point this task reaches fails. The probe reads its argument with
 * copy_from_user() (point 1) and hands the result back with put_user(),
 * which is not an injection point, so fail-nth = 2 hits the primitive.
 * fail-nth stays open from setup to teardown: closing a file between
 * arming and the ioctl would free it through call_rcu(), and with
 * DEBUG_OBJECTS that refills the debug object pool with non-sleeping
 * allocations, which are failslab injection points and would consume
 * the count.
 */
FIXTURE(inject) {
	int fd, nth;
	unsigned char buf[64], back[64];
};

#define FAIL_USERCOPY_DIR "/sys/kernel/debug/fail_usercopy"

FIXTURE_SETUP(inject)
{
	char path[64];

	self->nth = -1;
	if (!probe_setup_fd(_metadata, &self->fd))
		return;
	snprintf(path, sizeof(path), "/proc/self/task/%d/fail-nth", gettid());
	self->nth = open(path, O_WRONLY);
	if (self->nth < 0)
		SKIP(return, "%s: %s: needs CONFIG_FAULT_INJECTION", path, strerror(errno));
	if (access(FAIL_USERCOPY_DIR, F_OK))
		SKIP(return, "%s missing: needs CONFIG_FAULT_INJECTION_USERCOPY, %s",
		     FAIL_USERCOPY_DIR, "CONFIG_FAULT_INJECTION_DEBUG_FS and debugfs mounted");
	memset(self->buf, 'a', sizeof(self->buf));
	self->buf[10] = '\0';
	ASSERT_EQ(0, probe_fill(self->fd, 0, sizeof(self->back), KERN_FILL));
}

/*
 * Disarm fail-nth. A primitive that has no injection point leaves it
 * armed, and the next user copy of this task would fail, the write of
 * "0" to fail-nth itself included (it consumes the injection), hence two
 * writes.
 */
static void disarm_fail_nth(int nth)
{
	if (pwrite(nth, "0", 1, 0) != 1 && pwrite(nth, "0", 1, 0) != 1)
		fprintf(stderr, "# cannot disarm fail-nth: %s\n", strerror(errno));
}

FIXTURE_TEARDOWN(inject)
{
	if (self->nth >= 0) {
		disarm_fail_nth(self->nth);
		close(self->nth);
	}
	if (self->fd >= 0)
		close(self->fd);
}

/* Arm fail-nth to fail the @n-th injection point from now; 0 on success. */
static int arm_fail_nth(int nth, int n)
{
	char v[16];
	int len = snprintf(v, sizeof(v), "%d", n);

	return pwrite(nth, v, len, 0) == len ? 0 : -1;
}

/* An injected copy_from_user() copies nothing, says so, and zeroes the destination. */
TEST_F(inject, copy_from_user)
{
	long long r;

	ASSERT_EQ(0, arm_fail_nth(self->nth, 2));
	r = probe_xfer(self->fd, UACCESS_PROBE_COPY_FROM_USER, self->buf, 0, 32);
	disarm_fail_nth(self->nth);
	EXPECT_EQ(32, r) TH_LOG("an injected copy_from_user must copy nothing");
	ASSERT_EQ(0, probe_read(self->fd, self->back, 0, sizeof(self->back)));
	EXPECT_EQ(32UL, first_not(self->back, 32, 0)) TH_LOG("the destination must be zeroed");
	EXPECT_EQ(32UL, first_not(self->back + 32, 32, KERN_FILL));
}

/* An injected copy_to_user() copies nothing and says so. */
TEST_F(inject, copy_to_user)
{
	long long r;

	ASSERT_EQ(0, arm_fail_nth(self->nth, 2));
	r = probe_xfer(self->fd, UACCESS_PROBE_COPY_TO_USER, self->buf, 0, 32);
	disarm_fail_nth(self->nth);
	EXPECT_EQ(32, r) TH_LOG("an injected copy_to_user must copy nothing");
	EXPECT_EQ(10UL, first_not(self->buf, 10, 'a')) TH_LOG("the user buffer was written");
}

/*
 * An injected strncpy_from_user() returns -EFAULT and copies nothing
 * (lib/strncpy_from_user.c calls should_fail_usercopy() first); UML's own
 * version has no injection point: a known deviation.
 */
TEST_F(inject, strncpy_from_user)
{
	struct contract c = {
		.what = "an injected strncpy_from_user() returns -EFAULT and copies nothing",
	};
	struct outcome want = { .result = -EFAULT, .nbytes = 34 }, got = { .nbytes = 34 };

	memset(want.bytes, KERN_FILL, want.nbytes);
	ASSERT_EQ(0, arm_fail_nth(self->nth, 2));
	got.result = probe_xfer(self->fd, UACCESS_PROBE_STRNCPY_FROM_USER, self->buf, 0, 32);
	disarm_fail_nth(self->nth);
	ASSERT_EQ(0, probe_read(self->fd, got.bytes, 0, got.nbytes));
	CONTRACT_CHECK(&c, "", &want, &got);
	CONTRACT_END(&c);
}

TEST_HARNESS_MAIN
