// SPDX-License-Identifier: GPL-2.0
/*
 * User copies racing with munmap()/mmap() of the user buffer.
 *
 * A thread unmaps and maps again (MAP_FIXED, fresh zero pages) the two
 * pages of the user buffer while the test thread copies to and from it
 * through /dev/uaccess_probe and read()/write(). Every result must be a
 * success or a clean fault: a count of bytes not copied between 0 and the
 * length, or EFAULT; never a byte written outside the user buffer (the
 * sentinel pages around it) or outside the kernel range (guard bytes),
 * never an oops (the runner reports any).
 */
#include <pthread.h>
#include <stdatomic.h>

#include "kselftest_harness.h"
#include "uaccess_util.h"

#define ITERATIONS	3000
#define GUARD		64UL
#define KERN_FILL	0x5a

/* What the remapper thread works on. */
struct remap_ctl {
	unsigned char *target;
	size_t len;
	atomic_bool stop;
	atomic_ulong remaps;
};

FIXTURE(race) {
	int fd;
	size_t ps, len;
	unsigned char *map, *target;
	pthread_t remapper;
	struct remap_ctl ctl;
	bool started;
};

/* Unmap and map again the target pages until told to stop. */
static void *remap_loop(void *arg)
{
	struct remap_ctl *ctl = arg;

	while (!atomic_load(&ctl->stop)) {
		munmap(ctl->target, ctl->len);
		sched_yield();
		if (mmap(ctl->target, ctl->len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
			break;
		atomic_fetch_add(&ctl->remaps, 1);
		sched_yield();
	}
	return NULL;
}

FIXTURE_SETUP(race)
{
	const char *why = "";

	self->fd = probe_open(&why);
	if (self->fd == -1)
		SKIP(return, "%s", why);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", UACCESS_PROBE_DEVICE, why);
	self->ps = page_size();
	self->len = 2 * self->ps;
	ASSERT_LE(self->len + 2 * GUARD, probe_buf_size());
	/* sentinel page, two target pages, sentinel page */
	self->map = mmap(NULL, 4 * self->ps, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, self->map);
	memset(self->map, 0x11, self->ps);
	memset(self->map + 3 * self->ps, 0x22, self->ps);
	self->target = self->map + self->ps;
	ASSERT_EQ(0, probe_fill(self->fd, 0, self->len + 2 * GUARD, KERN_FILL));
	self->ctl.target = self->target;
	self->ctl.len = self->len;
	atomic_init(&self->ctl.stop, false);
	atomic_init(&self->ctl.remaps, 0);
	ASSERT_EQ(0, pthread_create(&self->remapper, NULL, remap_loop, &self->ctl));
	self->started = true;
}

FIXTURE_TEARDOWN(race)
{
	if (self->fd < 0)
		return;
	if (self->started) {
		atomic_store(&self->ctl.stop, true);
		pthread_join(self->remapper, NULL);
	}
	munmap(self->map, 4 * self->ps);
	close(self->fd);
}

/*
 * Stop the remapper, then check the sentinel pages around the user
 * buffer and the guard bytes around the kernel range.
 */
#define RACE_CHECK(faults) do {							\
	unsigned char __kb[GUARD];						\
										\
	atomic_store(&self->ctl.stop, true);					\
	pthread_join(self->remapper, NULL);					\
	self->started = false;							\
	TH_LOG("%lu remaps, %lu copies stopped by a fault",			\
	       atomic_load(&self->ctl.remaps), faults);				\
	EXPECT_EQ(self->ps, first_not(self->map, self->ps, 0x11))		\
		TH_LOG("the page before the user buffer was written");		\
	EXPECT_EQ(self->ps, first_not(self->map + 3 * self->ps, self->ps, 0x22))	\
		TH_LOG("the page after the user buffer was written");		\
	ASSERT_EQ(0, probe_read(self->fd, __kb, 0, GUARD));			\
	EXPECT_EQ(GUARD, first_not(__kb, GUARD, KERN_FILL))			\
		TH_LOG("a copy wrote before its kernel range");			\
	ASSERT_EQ(0, probe_read(self->fd, __kb, GUARD + self->len, GUARD));	\
	EXPECT_EQ(GUARD, first_not(__kb, GUARD, KERN_FILL))			\
		TH_LOG("a copy wrote past its kernel range");			\
} while (0)

/* Whether @r is a valid count of bytes not copied out of @len. */
static bool count_ok(long long r, size_t len)
{
	return r >= 0 && (unsigned long long)r <= len;
}

TEST_F(race, copy_to_user)
{
	unsigned long faults = 0;
	int i;

	for (i = 0; i < ITERATIONS; i++) {
		long long r;

		r = probe_xfer(self->fd, UACCESS_PROBE_COPY_TO_USER, self->target, GUARD,
			       self->len);

		ASSERT_TRUE(count_ok(r, self->len))
			TH_LOG("iteration %d: result %lld", i, r);
		faults += r != 0;
	}
	RACE_CHECK(faults);
}

TEST_F(race, copy_from_user)
{
	unsigned long faults = 0;
	int i;

	for (i = 0; i < ITERATIONS; i++) {
		long long r = probe_xfer(self->fd, UACCESS_PROBE_COPY_FROM_USER, self->target,
				       GUARD, self->len);

		ASSERT_TRUE(count_ok(r, self->len))
			TH_LOG("iteration %d: result %lld", i, r);
		faults += r != 0;
	}
	RACE_CHECK(faults);
}

TEST_F(race, clear_user)
{
	unsigned long faults = 0;
	int i;

	for (i = 0; i < ITERATIONS; i++) {
		long long r;

		r = probe_xfer(self->fd, UACCESS_PROBE_CLEAR_USER, self->target, 0, self->len);

		ASSERT_TRUE(count_ok(r, self->len))
			TH_LOG("iteration %d: result %lld", i, r);
		faults += r != 0;
	}
	RACE_CHECK(faults);
}

/* read() and write(): a count up to the length, or EFAULT. */
TEST_F(race, read_write)
{
	unsigned long faults = 0;
	int i;

	for (i = 0; i < ITERATIONS; i++) {
		ssize_t r = i % 2 ? pread(self->fd, self->target, self->len, GUARD)
				  : pwrite(self->fd, self->target, self->len, GUARD);

		ASSERT_TRUE(r < 0 ? errno == EFAULT : r <= (ssize_t)self->len)
			TH_LOG("iteration %d: %zd (%s)", i, r, r < 0 ? strerror(errno) : "count");
		faults += r != (ssize_t)self->len;
	}
	RACE_CHECK(faults);
}

TEST_HARNESS_MAIN
