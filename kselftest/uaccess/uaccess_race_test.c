// SPDX-License-Identifier: GPL-2.0
/*
 * User copies racing with munmap()/mmap() of the user buffer.
 *
 * A thread unmaps and maps again (MAP_FIXED, fresh zero pages) the two
 * pages of the user buffer while the test thread copies to and from it
 * through /dev/uaccess_probe and read()/write(), in lockstep: half the
 * copies begin as the buffer goes or a fresh one comes (with several
 * CPUs the two run side by side), half after. The race must be seen to
 * happen (remaps, copies stopped by a fault, pages of a fresh mapping
 * faulted in by a copy, whole copies, each above a stated minimum), and
 * every result must be a success or a clean fault: a count of bytes not
 * copied between 0 and the length, or EFAULT; never a byte written
 * outside the user buffer (the sentinel pages around it) or outside the
 * kernel range (guard bytes), never an oops (the runner reports any).
 */
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "uaccess_util.h"

/*
 * Copies per test: 3,000 under UML; 2,000 elsewhere, where QEMU TCG
 * runs a copy ten times slower. Measured on x86_64 TCG with 2 vCPUs at
 * 1,500 copies (the lowest of the four tests): 750 remaps, 773 faulted
 * copies, 549 whole ones, 1009 fresh pages, under twice RACE_MIN_FRESH;
 * 2,000 keeps each count at twice its minimum or more.
 */
#define ITERATIONS_UML	3000
#define ITERATIONS_TCG	2000
#define ITERATIONS	race_iterations()

/* The copies each test makes on this kernel (printed once by the setup). */
static int race_iterations(void)
{
	static int n;

	if (!n)
		n = kernel_is_uml() ? ITERATIONS_UML : ITERATIONS_TCG;
	return n;
}

#define GUARD		64UL
#define KERN_FILL	0x5a

/* What the remapper thread works on. */
struct remap_ctl {
	unsigned char *target;
	size_t len;
	atomic_bool stop;
	atomic_ulong remaps;
	atomic_uint copies;	/* futex: copies ended so far */
	atomic_uint steps;	/* futex: steps of the remapper begun so far */
	atomic_uint done;	/* futex: steps of the remapper ended so far */
};

FIXTURE(race) {
	int fd;
	size_t ps, len;
	unsigned char *map, *target;
	pthread_t remapper;
	struct remap_ctl ctl;
	bool started;
	long minflt;	/* the test thread's minor faults before the race */
};

/*
 * Minor page faults of the calling thread so far, -1 on error. The test
 * thread never touches the target pages itself, so its faults during
 * the race are the ones the copies took on pages of a fresh mapping.
 */
static long thread_minflt(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_THREAD, &ru) ? -1 : ru.ru_minflt;
}

/*
 * Remapper and copies go in lockstep: each step of the remapper (an
 * munmap() or an mmap(), in turn) waits for the copy before it to end;
 * of the copies after each kind of step, half wait for the step to begin
 * (with several CPUs they run beside it, and mostly win), half for it to
 * end (a copy after an munmap() must fault, one after an mmap() faults
 * in fresh pages and goes through whole). A remapper that never waits
 * leaves the buffer unmapped most of the time with several CPUs and
 * takes its fresh mappings away before a copy touches them; one that
 * waits only for copies falls behind them; copies that never wait for
 * the step to end mostly win the race: how many copies see each state
 * then depends on the scheduler and the host's load (on x86_64 under
 * TCG, 2 CPUs: 16 to 62 remaps in 3000 copies; with copies that only
 * waited for a step to begin, 284 of the 1500 after an munmap() faulted).
 */

/* Wait, asleep on the futex @word, until it is above @n or the race stops. */
static void wait_above(struct remap_ctl *ctl, atomic_uint *word, unsigned int n)
{
	unsigned int v;

	while (!atomic_load(&ctl->stop) && (v = atomic_load(word)) <= n)
		syscall(SYS_futex, (unsigned int *)word, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
}

/* Count one more on the futex @word and wake its waiter. */
static void bump(atomic_uint *word)
{
	atomic_fetch_add(word, 1);
	syscall(SYS_futex, (unsigned int *)word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* Stop the remapper and wait for it. */
static void remapper_stop(struct remap_ctl *ctl, pthread_t thread)
{
	atomic_store(&ctl->stop, true);
	bump(&ctl->copies);
	pthread_join(thread, NULL);
}

/* Unmap and map again the target pages until told to stop, a copy between each step. */
static void *remap_loop(void *arg)
{
	struct remap_ctl *ctl = arg;
	unsigned int steps = 0;

	while (!atomic_load(&ctl->stop)) {
		wait_above(ctl, &ctl->copies, steps);
		bump(&ctl->steps);
		if (steps++ % 2 == 0) {
			munmap(ctl->target, ctl->len);
		} else {
			if (mmap(ctl->target, ctl->len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
				break;
			atomic_fetch_add(&ctl->remaps, 1);
		}
		bump(&ctl->done);
	}
	/* A copy waiting for the next step must not wait for ever. */
	atomic_store(&ctl->stop, true);
	bump(&ctl->steps);
	bump(&ctl->done);
	return NULL;
}

/*
 * After copy @i of the test thread: count it, then wait for the
 * remapper's next step to begin (i % 4 = 0, 1) or to end (2, 3).
 */
static void copy_ended(struct remap_ctl *ctl, int i)
{
	bump(&ctl->copies);
	wait_above(ctl, i % 4 < 2 ? &ctl->steps : &ctl->done, i);
}

FIXTURE_SETUP(race)
{
	if (!probe_setup_fd(_metadata, &self->fd))
		return;
	self->ps = page_size();
	self->len = 2 * self->ps;
	TH_LOG("%d copies (%s)", ITERATIONS,
	       kernel_is_uml() ? "UML" : "not UML: shaped for QEMU TCG, 3000 under UML");
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
	atomic_init(&self->ctl.copies, 0);
	atomic_init(&self->ctl.steps, 0);
	atomic_init(&self->ctl.done, 0);
	self->minflt = thread_minflt();
	ASSERT_LE(0, self->minflt);
	ASSERT_EQ(0, pthread_create(&self->remapper, NULL, remap_loop, &self->ctl));
	self->started = true;
}

FIXTURE_TEARDOWN(race)
{
	if (self->fd < 0)
		return;
	if (self->started)
		remapper_stop(&self->ctl, self->remapper);
	munmap(self->map, 4 * self->ps);
	close(self->fd);
}

/*
 * What shows that the race happened, in each test: the remapper replaced
 * the buffer at least RACE_MIN_REMAPS times; at least RACE_MIN_FAULTS
 * copies found it unmapped and stopped at a fault; the copies faulted in
 * at least RACE_MIN_FRESH pages of a fresh mapping; at least
 * RACE_MIN_WHOLE copies went through whole. On one CPU without kernel
 * preemption (UML) each step lands between two copies; with several CPUs
 * it runs beside the next copy. Measured on UML 6.12 over three boots
 * (the lowest of the four tests): 1458 remaps, 1444 faulted copies and
 * 1473 whole ones of 3,000, 2746 fresh pages; the minimums are about a
 * fifth of that.
 */
#define RACE_MIN_REMAPS	300UL
#define RACE_MIN_FAULTS	300UL
#define RACE_MIN_FRESH	600UL
#define RACE_MIN_WHOLE	300UL

/*
 * Stop the remapper, check that the race happened, then check the
 * sentinel pages around the user buffer and the guard bytes around the
 * kernel range.
 */
#define RACE_CHECK(faults) do {							\
	unsigned long __faults = (faults), __remaps, __fresh;			\
	unsigned char __kb[GUARD];						\
										\
	__fresh = thread_minflt() - self->minflt;				\
	remapper_stop(&self->ctl, self->remapper);				\
	self->started = false;							\
	__remaps = atomic_load(&self->ctl.remaps);				\
	TH_LOG("%lu remaps, %lu copies stopped by a fault, %lu whole, "	\
	       "%lu pages of a fresh mapping faulted in by a copy",		\
	       __remaps, __faults, (unsigned long)ITERATIONS - __faults, __fresh);		\
	EXPECT_LE(RACE_MIN_REMAPS, __remaps)					\
		TH_LOG("the race did not happen: too few remaps");		\
	EXPECT_LE(RACE_MIN_FAULTS, __faults)					\
		TH_LOG("the race did not happen: too few copies found the buffer unmapped"); \
	EXPECT_LE(RACE_MIN_FRESH, __fresh)					\
		TH_LOG("the race did not happen: too few copies found a fresh mapping"); \
	EXPECT_LE(RACE_MIN_WHOLE, (unsigned long)ITERATIONS - __faults)			\
		TH_LOG("too few copies went through whole");			\
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
		copy_ended(&self->ctl, i);
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
		copy_ended(&self->ctl, i);
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
		copy_ended(&self->ctl, i);
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
		copy_ended(&self->ctl, i);
	}
	RACE_CHECK(faults);
}

TEST_HARNESS_MAIN
