// SPDX-License-Identifier: GPL-2.0
/*
 * alloc_kunit: the allocator contract suites of allocsuite, registered in
 * one place so that the module runs them in a fixed order, and the helpers
 * they share.
 *
 * What the kernel prints is observed as mm/kfence/kfence_test.c does it: a
 * probe on the console tracepoint, running in the printing context (IRQs
 * included), looks at every printk record and keeps only the lines that
 * matter, the first line of each report a suite checks for: it counts
 * them by kind and keeps the first few for failure messages. Every case
 * starts from zero (the suites' .init); a case that checks twice reads
 * the count before and after. A negative check ("no WARNING was printed")
 * also fails when more lines of interest came than could be kept, so it
 * can never pass on a capture that was full.
 *
 * The might_sleep report is rate-limited to one per second
 * (__might_resched()'s prev_jiffy), which would blind a check that runs
 * within a second of another report; the probe remembers when it last
 * saw one, and alloc_kunit_might_sleep_ready() waits the rest of that
 * second out.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/umh.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>
#include <trace/events/printk.h>

#include "alloc_kunit.h"

/* How many lines of interest a case keeps, and how much of each. */
#define KEPT_LINES	8
#define KEPT_LINE_LEN	160

/* The first line of each watched report, as the runner matches it. */
static const char * const line_needles[ALLOC_NR_LINES] = {
	[ALLOC_LINE_MIGHT_SLEEP] = "BUG: " ALLOC_MIGHT_SLEEP_REPORT,
	[ALLOC_LINE_WARNING] = "WARNING: ",
	[ALLOC_LINE_FAULT] = "FAULT_INJECTION: forcing a failure",
	[ALLOC_LINE_ALLOC_FAILURE] = "page allocation failure: order:",
	[ALLOC_LINE_OOM] = "invoked oom-killer",
};

static struct {
	spinlock_t lock;	/* guards everything below, also against IRQs */
	unsigned int count[ALLOC_NR_LINES];
	unsigned int nkept;
	bool overflowed;	/* a line of interest came with no slot left */
	enum alloc_kunit_line kind[KEPT_LINES];
	char kept[KEPT_LINES][KEPT_LINE_LEN];
	bool might_sleep_seen;	/* not reset: the rate limit outlives a case */
	unsigned long might_sleep_jiffies;
} console_obs = {
	.lock = __SPIN_LOCK_UNLOCKED(console_obs.lock),
};

/* Suites that observe the console; the probe is registered while > 0. */
static int console_users;
static DEFINE_MUTEX(console_users_lock);

/*
 * Count and keep a record that is a line of interest; ignore the rest.
 * What is kept is the text after the needle (where the report points):
 * quoted in a failure message, a whole "BUG: ..." line would read as a
 * report of its own to the runner and to CI log scanners.
 */
static void probe_console(void *ignore, const char *buf, size_t len)
{
	const char *hit = NULL;
	unsigned long flags;
	size_t skip;
	int k;

	for (k = 0; k < ALLOC_NR_LINES; k++) {
		hit = strnstr(buf, line_needles[k], len);
		if (hit)
			break;
	}
	if (!hit)
		return;
	skip = hit - buf + strlen(line_needles[k]);

	spin_lock_irqsave(&console_obs.lock, flags);
	console_obs.count[k]++;
	if (k == ALLOC_LINE_MIGHT_SLEEP) {
		console_obs.might_sleep_seen = true;
		console_obs.might_sleep_jiffies = jiffies;
	}
	if (console_obs.nkept < KEPT_LINES) {
		/* @buf is not NUL-terminated: strscpy() adds the NUL. */
		strscpy(console_obs.kept[console_obs.nkept], buf + skip,
			min(len - skip + 1, sizeof(console_obs.kept[0])));
		console_obs.kind[console_obs.nkept++] = k;
	} else {
		console_obs.overflowed = true;
	}
	spin_unlock_irqrestore(&console_obs.lock, flags);
}

/**
 * alloc_kunit_console_start() - start observing the console
 *
 * For a suite's .suite_init; pair with alloc_kunit_console_stop().
 *
 * Return: 0, or the error of register_trace_console().
 */
int alloc_kunit_console_start(void)
{
	int ret = 0;

	mutex_lock(&console_users_lock);
	if (!console_users)
		ret = register_trace_console(probe_console, NULL);
	if (!ret)
		console_users++;
	mutex_unlock(&console_users_lock);
	return ret;
}

/**
 * alloc_kunit_console_stop() - stop observing the console
 *
 * The last user unregisters the probe and waits until no CPU runs it.
 */
void alloc_kunit_console_stop(void)
{
	mutex_lock(&console_users_lock);
	if (console_users && !--console_users) {
		unregister_trace_console(probe_console, NULL);
		tracepoint_synchronize_unregister();
	}
	mutex_unlock(&console_users_lock);
}

/**
 * alloc_kunit_console_init() - forget what the console printed so far
 * @test: the case about to run
 *
 * The .init of every suite that observes the console.
 *
 * Return: 0.
 */
int alloc_kunit_console_init(struct kunit *test)
{
	unsigned long flags;

	spin_lock_irqsave(&console_obs.lock, flags);
	memset(console_obs.count, 0, sizeof(console_obs.count));
	console_obs.nkept = 0;
	console_obs.overflowed = false;
	spin_unlock_irqrestore(&console_obs.lock, flags);
	return 0;
}

/**
 * alloc_kunit_console_count() - lines of a kind printed in this case
 * @line: the kind
 *
 * Return: how many records of @line the console printed since the case
 * began.
 */
unsigned int alloc_kunit_console_count(enum alloc_kunit_line line)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&console_obs.lock, flags);
	n = console_obs.count[line];
	spin_unlock_irqrestore(&console_obs.lock, flags);
	return n;
}

/**
 * alloc_kunit_console_overflowed() - did lines of interest go unkept
 *
 * Return: true when more lines of interest came in this case than the
 * capture keeps.
 */
bool alloc_kunit_console_overflowed(void)
{
	unsigned long flags;
	bool full;

	spin_lock_irqsave(&console_obs.lock, flags);
	full = console_obs.overflowed;
	spin_unlock_irqrestore(&console_obs.lock, flags);
	return full;
}

/**
 * alloc_kunit_console_last() - where the last kept line of a kind points
 * @line: the kind
 * @buf: where to copy it
 * @size: the size of @buf
 *
 * Return: @buf, holding the text after the report's first words (" at
 * mm/slub.c:4133", "CPU: 0 PID: 1 at ...") or "" when none was kept.
 */
const char *alloc_kunit_console_last(enum alloc_kunit_line line, char *buf, size_t size)
{
	unsigned long flags;
	unsigned int i;

	buf[0] = '\0';
	spin_lock_irqsave(&console_obs.lock, flags);
	for (i = 0; i < console_obs.nkept; i++)
		if (console_obs.kind[i] == line)
			strscpy(buf, console_obs.kept[i], size);
	spin_unlock_irqrestore(&console_obs.lock, flags);
	return buf;
}

/**
 * alloc_kunit_might_sleep_ready() - wait until a might_sleep report can print
 *
 * __might_resched() prints at most one report per second. Before code
 * whose might_sleep report a case checks for (or against), wait out the
 * second that follows the last report the probe saw.
 */
void alloc_kunit_might_sleep_ready(void)
{
	unsigned long flags, until;
	bool seen;

	spin_lock_irqsave(&console_obs.lock, flags);
	seen = console_obs.might_sleep_seen;
	until = console_obs.might_sleep_jiffies + HZ + 1;
	spin_unlock_irqrestore(&console_obs.lock, flags);
	while (seen && time_before(jiffies, until))
		schedule_timeout_uninterruptible(until - jiffies);
}

/**
 * alloc_kunit_expect_report_begin() - the next kernel reports are on purpose
 * @kind: the runner's name of the report kind (ALLOC_REPORT_*)
 * @count: exactly how many reports of @kind the code until
 *	alloc_kunit_expect_report_end() provokes, at least 1
 *
 * The runner fails the run when the window holds a report of another
 * kind, more or fewer than @count of @kind, or is still open at the
 * case's result line: close it before anything that can end the case.
 * The case itself must still check that the report it provoked did
 * appear.
 */
void alloc_kunit_expect_report_begin(const char *kind, unsigned int count)
{
	pr_info("allocsuite: expected report begin kind=%s count=%u\n", kind, count);
}

/**
 * alloc_kunit_expect_report_end() - reports count again from here
 */
void alloc_kunit_expect_report_end(void)
{
	pr_info("allocsuite: expected report end\n");
}

/**
 * alloc_kunit_slab_errors() - count slab errors instead of reporting them
 * @test: the running test
 *
 * Adds the "slab_errors" named resource that mm/slub.c looks for (as
 * lib/slub_kunit.c does): until the case ends, every slab error of this
 * task (objects remaining at kmem_cache_destroy(), a corrupted object) is
 * counted in the returned int instead of printed. SLUB counts them only
 * with CONFIG_SLUB_DEBUG.
 *
 * Return: the counter, zero for now.
 */
int *alloc_kunit_slab_errors(struct kunit *test)
{
	struct kunit_resource *res = kunit_kzalloc(test, sizeof(*res), GFP_KERNEL);
	int *errors = kunit_kzalloc(test, sizeof(*errors), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, res);
	KUNIT_ASSERT_NOT_NULL(test, errors);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_named_resource(test, NULL, NULL, res, "slab_errors",
							  errors));
	return errors;
}

/**
 * alloc_kunit_kfree_action() - kfree() as a KUnit deferred action
 * @p: what to free
 *
 * Exported to the suites so that they can cancel a deferred kfree with
 * kunit_remove_action() when the object changed hands.
 */
void alloc_kunit_kfree_action(void *p)
{
	kfree(p);
}

/**
 * alloc_kunit_rearm_warn_once() - re-arm every WARN_ON_ONCE of the kernel
 *
 * The order-limit warning of the page allocator fires once per boot,
 * whoever triggers it first: a test that checks that a call does not
 * warn (or does) re-arms it first, through debugfs clear_warn_once, which
 * has no in-kernel interface; so a shell does it, when one can. Without
 * user space (kunit.py) the suites run first in the boot anyway.
 */
void alloc_kunit_rearm_warn_once(void)
{
	char *argv[4], *envp[2];

	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = "f=/sys/kernel/debug/clear_warn_once; [ -w $f ] && echo 1 > $f";
	argv[3] = NULL;
	envp[0] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	envp[1] = NULL;
	call_usermodehelper(argv[0], argv, envp, UMH_WAIT_PROC);
}

#ifdef CONFIG_SLUB_DEBUG
/* mm/slab.h, exported for lib/slub_kunit.c: slabs seen (and checked). */
long validate_slab_cache(struct kmem_cache *s);
#endif

/**
 * alloc_kunit_destroy_empty() - destroy a cache that must hold no object
 * @test: the running test
 * @s: the cache, created with ALLOC_SLAB_TRACKED among its flags
 * @what: names the cache in messages
 *
 * With SLUB_DEBUG the emptiness is observed, not read from the console:
 * kmem_cache_shrink() discards the empty slabs, validate_slab_cache()
 * counts (and checks) those left, which hold objects (SLAB_STORE_USER
 * puts full slabs on a list too), and the slab_errors resource counts
 * what SLUB finds at validation and kmem_cache_destroy(). Without
 * SLUB_DEBUG only the "still has objects" WARNING of
 * kmem_cache_destroy() is left to count.
 */
void alloc_kunit_destroy_empty(struct kunit *test, struct kmem_cache *s, const char *what)
{
#ifdef CONFIG_SLUB_DEBUG
	int *errors = alloc_kunit_slab_errors(test);
	long slabs;

	kmem_cache_shrink(s);
	slabs = validate_slab_cache(s);
	kmem_cache_destroy(s);
	KUNIT_EXPECT_EQ_MSG(test, slabs, 0,
			    "%s: %ld slabs still hold objects (validate_slab_cache() after kmem_cache_shrink())",
			    what, slabs);
	KUNIT_EXPECT_EQ_MSG(test, *errors, 0, "%s: SLUB counted %d slab errors (slab_errors)",
			    what, *errors);
#else
	unsigned int warnings = alloc_kunit_console_count(ALLOC_LINE_WARNING);

	kmem_cache_destroy(s);
	ALLOC_EXPECT_NO_LINE(test, ALLOC_LINE_WARNING, warnings,
			     "%s: kmem_cache_destroy() warned (still has objects)", what);
#endif
}

/**
 * alloc_kunit_slab_attr() - read a yes/no attribute of a slab cache
 * @cache: the cache's name (an alias of a merged cache is a link to it)
 * @attr: the attribute: red_zone, poison, sanity_checks, store_user...
 *
 * SLUB keeps a cache's debug flags in struct kmem_cache, which modules
 * cannot see; its sysfs directory (Documentation/ABI/testing/
 * sysfs-kernel-slab) shows each flag as 0 or 1. This reads
 * /sys/kernel/slab/@cache/@attr, which needs sysfs mounted (user space
 * loaded the module), so a caller skips with the reason on an error.
 *
 * Return: 1 or 0 as the file says, or a negative errno.
 */
int alloc_kunit_slab_attr(const char *cache, const char *attr)
{
	char path[128], buf[8] = "";
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/%s", cache, attr);
	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_read(f, buf, sizeof(buf) - 1, &pos);
	filp_close(f, NULL);
	if (n <= 0)
		return n < 0 ? n : -ENODATA;
	return buf[0] == '1';
}

/**
 * alloc_kunit_kmalloc_cache_name() - the name of the cache kmalloc() uses
 * @size: a slab size, at most KMALLOC_MAX_CACHE_SIZE
 * @buf: where to write the name
 * @len: the size of @buf
 *
 * The GFP_KERNEL class of @size as mm/slab_common.c names it
 * ("kmalloc-96", "kmalloc-1k").
 *
 * Return: @buf.
 */
char *alloc_kunit_kmalloc_cache_name(size_t size, char *buf, size_t len)
{
	size_t class = kmalloc_size_roundup(size);

	if (class >= SZ_1K && !(class % SZ_1K))
		snprintf(buf, len, "kmalloc-%zuk", class / SZ_1K);
	else
		snprintf(buf, len, "kmalloc-%zu", class);
	return buf;
}

/**
 * alloc_kunit_kmalloc_redzoned() - does kmalloc red-zone past the request
 * @size: a requested size
 *
 * With red zones and user tracking (slub_debug=ZU, by boot or by
 * CONFIG_SLUB_DEBUG_ON) a kmalloc cache remembers each object's requested
 * size and fills the rest of the object, up to ksize(), with the red zone
 * byte (mm/slub.c init_object(), slub_debug_orig_size()).
 *
 * Return: true when the cache kmalloc(@size) uses does that.
 */
bool alloc_kunit_kmalloc_redzoned(size_t size)
{
	char name[32];

	if (size > KMALLOC_MAX_CACHE_SIZE)
		return false;
	alloc_kunit_kmalloc_cache_name(size, name, sizeof(name));
	return alloc_kunit_slab_attr(name, "red_zone") == 1 &&
	       alloc_kunit_slab_attr(name, "store_user") == 1;
}

/*
 * Leak accounting.
 *
 * What a loop of frees gave back is read on two counters of this node:
 * its free pages (NR_FREE_PAGES of every zone, the buddy lists, plus the
 * pages parked on every CPU's per-cpu lists, which NR_FREE_PAGES does not
 * see and which modules cannot drain: without them a loop of order-0
 * frees "loses" up to a pcp high mark of pages that are still free) and
 * the pages the slab allocator holds (NR_SLAB_RECLAIMABLE_B +
 * NR_SLAB_UNRECLAIMABLE_B, kept in pages although named in bytes). Both
 * are read with the per-cpu deltas of the vmstat counters folded in, so
 * that an SMP kernel's unflushed deltas are not read as a leak.
 */

/**
 * alloc_kunit_free_pages() - the free pages of this node
 *
 * Return: NR_FREE_PAGES of this node's populated zones plus the pages on
 * every online CPU's per-cpu lists of those zones.
 */
long alloc_kunit_free_pages(void)
{
	pg_data_t *pgdat = NODE_DATA(numa_node_id());
	long n = 0;
	int z, cpu;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];

		if (!populated_zone(zone))
			continue;
		n += zone_page_state_snapshot(zone, NR_FREE_PAGES);
		for_each_online_cpu(cpu)
			n += READ_ONCE(per_cpu_ptr(zone->per_cpu_pageset, cpu)->count);
	}
	return n;
}

/* A node counter of @pgdat with every CPU's pending delta folded in. */
static long node_stat_snapshot(pg_data_t *pgdat, enum node_stat_item item)
{
	long x = atomic_long_read(&pgdat->vm_stat[item]);
#ifdef CONFIG_SMP
	int cpu;

	for_each_online_cpu(cpu)
		x += READ_ONCE(per_cpu_ptr(pgdat->per_cpu_nodestats, cpu)->vm_node_stat_diff[item]);
#endif
	return x;
}

/**
 * alloc_kunit_slab_pages() - the pages the slab allocator holds on this node
 *
 * Return: NR_SLAB_RECLAIMABLE_B + NR_SLAB_UNRECLAIMABLE_B of this node,
 * in pages (slabs are accounted whole; the _B counters are kept in pages).
 */
long alloc_kunit_slab_pages(void)
{
	pg_data_t *pgdat = NODE_DATA(numa_node_id());

	return node_stat_snapshot(pgdat, NR_SLAB_RECLAIMABLE_B) +
	       node_stat_snapshot(pgdat, NR_SLAB_UNRECLAIMABLE_B);
}

/* Read both counters after @m's loop, as its last reading (settled). */
static void leak_read(struct alloc_kunit_leak *m, long free_before, long slab_before,
		      long *drop, long *rise)
{
	if (m->quiesce)
		m->quiesce(m->arg);
	*drop = free_before - alloc_kunit_free_pages();
	*rise = alloc_kunit_slab_pages() - slab_before;
}

/**
 * alloc_kunit_measure_leak() - run alloc/free cycles and see what stayed
 * @m: what to run (@m->cycle, @m->arg, @m->cycles, @m->tolerance,
 *	optionally @m->quiesce and @m->settle_ms); the results are written
 *	to @m->free_drop, @m->slab_rise and @m->attempts
 *
 * One attempt: a warm-up cycle (so that per-cpu and slab refills happen
 * before the baseline), both counters read, @m->cycles cycles, both
 * counters read again. When @m->quiesce is set it runs before every
 * reading (a purge of lazily freed vmap areas, an RCU barrier), so that
 * memory that is free but parked elsewhere is counted at both ends alike.
 * When @m->settle_ms is non-zero and the loop stayed above the tolerance,
 * the counters are polled every millisecond for up to that long: frees
 * that the kernel defers to a worker (vfree() in interrupt context) are
 * waited for, boundedly, and a free that never happens still fails.
 *
 * Other tasks allocate while the loop runs, so an attempt that ends above
 * the tolerance is retried, up to ALLOC_LEAK_ATTEMPTS attempts; the
 * attempt reported is the one with the smallest excess. A real leak shows
 * in every attempt: retrying absorbs a refill by someone else, never a
 * loss that the loop itself causes. An excess of more than
 * ALLOC_LEAK_NO_RETRY times the tolerance is no refill: it is reported at
 * once rather than lost again.
 *
 * Return: 0, or the first error a cycle returned (the measurement is then
 * not valid).
 */
int alloc_kunit_measure_leak(struct alloc_kunit_leak *m)
{
	long best = LONG_MAX;
	int attempt, err;

	m->free_drop = LONG_MAX;
	m->slab_rise = LONG_MAX;
	for (attempt = 0; attempt < ALLOC_LEAK_ATTEMPTS && best > m->tolerance; attempt++) {
		unsigned long i, deadline;
		long free_before, slab_before, drop, rise;

		err = m->cycle(m->arg);
		if (err)
			return err;
		if (m->quiesce)
			m->quiesce(m->arg);
		free_before = alloc_kunit_free_pages();
		slab_before = alloc_kunit_slab_pages();
		for (i = 0; i < m->cycles; i++) {
			err = m->cycle(m->arg);
			if (err)
				return err;
		}
		leak_read(m, free_before, slab_before, &drop, &rise);
		deadline = jiffies + msecs_to_jiffies(m->settle_ms);
		while (max(drop, rise) > m->tolerance && m->settle_ms &&
		       time_before(jiffies, deadline)) {
			usleep_range(1000, 2000);
			leak_read(m, free_before, slab_before, &drop, &rise);
		}
		m->attempts = attempt + 1;
		if (max(drop, rise) < best) {
			best = max(drop, rise);
			m->free_drop = drop;
			m->slab_rise = rise;
		}
		if (best > ALLOC_LEAK_NO_RETRY * max(m->tolerance, 1L))
			break;
	}
	return 0;
}

KUNIT_DEFINE_ACTION_WRAPPER(kvfree_action, kvfree, const void *);
KUNIT_DEFINE_ACTION_WRAPPER(vfree_action, vfree, const void *);

/**
 * alloc_kunit_defer_kfree() - kfree(@p) when the test ends, however it ends
 * @test: the running test
 * @p: what to free; the test fails here if that cannot be arranged
 */
void alloc_kunit_defer_kfree(struct kunit *test, const void *p)
{
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, alloc_kunit_kfree_action, (void *)p));
}

/**
 * alloc_kunit_defer_kvfree() - kvfree(@p) when the test ends
 * @test: the running test
 * @p: what to free
 */
void alloc_kunit_defer_kvfree(struct kunit *test, const void *p)
{
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, kvfree_action, (void *)p));
}

/**
 * alloc_kunit_defer_vfree() - vfree(@p) when the test ends
 * @test: the running test
 * @p: what to free
 */
void alloc_kunit_defer_vfree(struct kunit *test, const void *p)
{
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, vfree_action, (void *)p));
}

struct deferred_pages {
	struct page *page;
	unsigned int order;
};

/* Deferred action: __free_pages() of a struct deferred_pages. */
static void free_pages_action(void *data)
{
	struct deferred_pages *d = data;

	__free_pages(d->page, d->order);
}

/**
 * alloc_kunit_defer_free_pages() - __free_pages(@page, @order) at the end
 * @test: the running test
 * @page: the first page of the block
 * @order: its order
 */
void alloc_kunit_defer_free_pages(struct kunit *test, struct page *page,
				  unsigned int order)
{
	struct deferred_pages *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);

	if (!d)
		__free_pages(page, order);
	KUNIT_ASSERT_NOT_NULL(test, d);
	d->page = page;
	d->order = order;
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, free_pages_action, d));
}

/*
 * Every kmalloc class edge, a class size - 1, the size and + 1: the class
 * sizes of the kmalloc caches (96 and 192 exist when KMALLOC_MIN_SIZE
 * allows them), then page-backed sizes, which get PAGE_SIZE << get_order().
 */
const struct alloc_kunit_size_row alloc_kunit_kmalloc_edges[] = {
	{ "1", 1 },
	{ "8-1", 8 - 1 },
	{ "8", 8 },
	{ "8+1", 8 + 1 },
	{ "16-1", 16 - 1 },
	{ "16", 16 },
	{ "16+1", 16 + 1 },
	{ "32-1", 32 - 1 },
	{ "32", 32 },
	{ "32+1", 32 + 1 },
	{ "64-1", 64 - 1 },
	{ "64", 64 },
	{ "64+1", 64 + 1 },
	{ "96-1", 96 - 1 },
	{ "96", 96 },
	{ "96+1", 96 + 1 },
	{ "128-1", 128 - 1 },
	{ "128", 128 },
	{ "128+1", 128 + 1 },
	{ "192-1", 192 - 1 },
	{ "192", 192 },
	{ "192+1", 192 + 1 },
	{ "256-1", 256 - 1 },
	{ "256", 256 },
	{ "256+1", 256 + 1 },
	{ "512-1", 512 - 1 },
	{ "512", 512 },
	{ "512+1", 512 + 1 },
	{ "1024-1", 1024 - 1 },
	{ "1024", 1024 },
	{ "1024+1", 1024 + 1 },
	{ "2048-1", 2048 - 1 },
	{ "2048", 2048 },
	{ "2048+1", 2048 + 1 },
	{ "4096-1", 4096 - 1 },
	{ "4096", 4096 },
	{ "4096+1", 4096 + 1 },
	{ "cache_max-1", KMALLOC_MAX_CACHE_SIZE - 1 },
	{ "cache_max", KMALLOC_MAX_CACHE_SIZE },
	{ "cache_max+1", KMALLOC_MAX_CACHE_SIZE + 1 },
	{ "cache_max*2-1", KMALLOC_MAX_CACHE_SIZE * 2 - 1 },
	{ "cache_max*2", KMALLOC_MAX_CACHE_SIZE * 2 },
	{ "cache_max*2+1", KMALLOC_MAX_CACHE_SIZE * 2 + 1 },
	{ "cache_max*4-1", KMALLOC_MAX_CACHE_SIZE * 4 - 1 },
	{ "cache_max*4", KMALLOC_MAX_CACHE_SIZE * 4 },
	{ "cache_max*4+1", KMALLOC_MAX_CACHE_SIZE * 4 + 1 },
	{ "cache_max*16-1", KMALLOC_MAX_CACHE_SIZE * 16 - 1 },
	{ "cache_max*16", KMALLOC_MAX_CACHE_SIZE * 16 },
	{ "cache_max*16+1", KMALLOC_MAX_CACHE_SIZE * 16 + 1 },
	{ "max/4-1", KMALLOC_MAX_SIZE / 4 - 1 },
	{ "max/4", KMALLOC_MAX_SIZE / 4 },
	{ "max/4+1", KMALLOC_MAX_SIZE / 4 + 1 },
	{ "max/2-1", KMALLOC_MAX_SIZE / 2 - 1 },
	{ "max/2", KMALLOC_MAX_SIZE / 2 },
	{ "max/2+1", KMALLOC_MAX_SIZE / 2 + 1 },
	{ "max-1", KMALLOC_MAX_SIZE - 1 },
	{ "max", KMALLOC_MAX_SIZE },
};

const size_t alloc_kunit_nr_kmalloc_edges = ARRAY_SIZE(alloc_kunit_kmalloc_edges);

/**
 * alloc_kunit_kmalloc_edges_gen_params() - KUnit generator over the edges
 * @prev: the previous row, or NULL for the first
 * @desc: where the row's name goes
 *
 * Return: the next row of alloc_kunit_kmalloc_edges, or NULL at the end.
 */
const void *alloc_kunit_kmalloc_edges_gen_params(const void *prev, char *desc)
{
	const struct alloc_kunit_size_row *r = prev;

	r = r ? r + 1 : alloc_kunit_kmalloc_edges;
	if (r >= alloc_kunit_kmalloc_edges + alloc_kunit_nr_kmalloc_edges)
		return NULL;
	strscpy(desc, r->name, KUNIT_PARAM_DESC_SIZE);
	return r;
}

/**
 * alloc_kunit_kmalloc_bucket() - the bytes a kmalloc(@size) really has
 * @size: 1 to KMALLOC_MAX_SIZE
 *
 * Worked out from the class sizes above, independently of the kernel's
 * size_index and kmalloc_size_roundup(), so that a test can compare them.
 *
 * Return: the smallest class size >= @size (slab-backed), or the size of
 * the page block that holds @size (page-backed).
 */
size_t alloc_kunit_kmalloc_bucket(size_t size)
{
	size_t bucket = KMALLOC_MIN_SIZE;

	if (size > KMALLOC_MAX_CACHE_SIZE)
		return PAGE_SIZE << get_order(size);
	if (KMALLOC_MIN_SIZE <= 32 && size > 64 && size <= 96)
		return 96;
	if (KMALLOC_MIN_SIZE <= 64 && size > 128 && size <= 192)
		return 192;
	while (bucket < size)
		bucket *= 2;
	return bucket;
}

/*
 * The suites of a boot mode first: in their own boot they check what the
 * mode promises before anything else runs, so that a kernel that breaks
 * the mode (and, say, hands out dirty page tables) is named by them
 * before it crashes elsewhere. alloc_failure next to last: it provokes
 * the boot's one rate-limited allocation failure report. alloc_context
 * last: its control case provokes the one expected might_sleep report,
 * which silences the next second of them; nothing that checks for their
 * absence runs after it.
 */
kunit_test_suites(&alloc_init_on_free_suite, &alloc_slub_debug_suite,
		  &alloc_kmalloc_suite, &alloc_kmem_cache_suite, &alloc_pages_suite,
		  &alloc_leak_suite, &alloc_vmalloc_suite, &alloc_realloc_suite,
		  &alloc_gfp_suite, &alloc_kfence_suite, &alloc_fault_suite,
		  &alloc_failure_suite, &alloc_context_suite);

MODULE_DESCRIPTION("KUnit contracts of the kernel memory allocation APIs");
MODULE_LICENSE("GPL");
