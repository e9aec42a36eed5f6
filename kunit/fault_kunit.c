// SPDX-License-Identifier: GPL-2.0
/*
 * Contracts of allocation failure, forced with failslab and
 * fail_page_alloc: an injected atomic failure returns NULL at once and
 * without sleeping; __GFP_NOWARN failures are silent and others are not;
 * __GFP_NOFAIL is exempt from injection; __GFP_NORETRY and
 * __GFP_RETRY_MAYFAIL allocations are not, and return NULL; krealloc
 * keeps the original; kvmalloc falls back to vmalloc;
 * kmem_cache_alloc_bulk is all or nothing.
 *
 * The injection points (should_failslab(), should_fail_alloc_page()) run
 * before any reclaim, compaction or retry of the allocator: these cases
 * test what an injected failure does, not the retry policy of
 * __GFP_NORETRY, __GFP_RETRY_MAYFAIL or __GFP_NOFAIL under real memory
 * shortage, which UML cannot produce deterministically in a fast case;
 * the names say so.
 *
 * Injection is deterministic and confined to the test's own thread:
 * current->fail_nth (the /proc/<pid>/fail-nth counter) fails exactly the
 * next injection point, and for "every attempt fails" the attributes'
 * task-filter with current->make_it_fail. The debugfs knobs that the
 * defaults need changed (ignore-gfp-wait, min-order, probability, ...)
 * are the variables behind the files in /sys/kernel/debug/failslab/
 * and /sys/kernel/debug/fail_page_alloc/. Those files have no write_iter,
 * so kernel_write() refuses them; the test reaches each variable through
 * the debugfs inode (i_private is the pointer debugfs_create_*() was
 * given), saves every value it may touch before a case and restores them
 * all after it, whatever the outcome.
 *
 * What a failure prints is observed on the console tracepoint. An
 * injected failure prints "FAULT_INJECTION: forcing a failure." (unless
 * __GFP_NOWARN; at most 10 per 5 s, the attribute's ratelimit); it never
 * reaches warn_alloc(). That line is no kernel report, so it is not
 * framed as an expected one.
 */
#include <kunit/test.h>
#include <linux/debugfs.h>
#include <linux/fault-inject.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

#include "alloc_kunit.h"

/* "Promptly": an injected failure returns within two ticks (best of 3). */
#define PROMPT_NS	(20 * NSEC_PER_MSEC)
#define PROMPT_ATTEMPTS	3
#define FAULT_REPORT	"FAULT_INJECTION: forcing a failure"

/* The fields of a fault_attr the cases change. */
struct attr_saved {
	unsigned long probability, interval, verbose;
	int times, space;
	bool task_filter;
};

/* The knobs, found through debugfs, and their values before the case. */
struct fault_priv {
	struct fault_attr *slab, *page;
	bool *slab_ignore_wait, *page_ignore_wait;
	u32 *page_min_order;
	struct attr_saved slab_saved, page_saved;
	bool slab_ignore_wait_saved, page_ignore_wait_saved;
	u32 page_min_order_saved;
};

/* The variable behind /sys/kernel/debug/@dir/@name, or NULL. */
static void *knob(const char *dir, const char *name)
{
	struct dentry *d = debugfs_lookup(dir, NULL), *f;
	void *data = NULL;

	if (IS_ERR_OR_NULL(d))
		return NULL;
	f = debugfs_lookup(name, d);
	if (!IS_ERR_OR_NULL(f)) {
		data = d_inode(f)->i_private;
		dput(f);
	}
	dput(d);
	return data;
}

/* The fault_attr a fault-injection debugfs directory belongs to. */
static struct fault_attr *attr_of(const char *dir)
{
	unsigned long *prob = knob(dir, "probability");

	return prob ? container_of(prob, struct fault_attr, probability) : NULL;
}

static void attr_save(const struct fault_attr *a, struct attr_saved *s)
{
	s->probability = a->probability;
	s->interval = a->interval;
	s->verbose = a->verbose;
	s->times = atomic_read(&a->times);
	s->space = atomic_read(&a->space);
	s->task_filter = a->task_filter;
}

static void attr_restore(struct fault_attr *a, const struct attr_saved *s)
{
	a->probability = s->probability;
	a->interval = s->interval;
	a->verbose = s->verbose;
	atomic_set(&a->times, s->times);
	atomic_set(&a->space, s->space);
	a->task_filter = s->task_filter;
}

/* Deferred action: put every knob back and stop injecting into this task. */
static void fault_restore(void *data)
{
	struct fault_priv *f = data;

	current->fail_nth = 0;
	current->make_it_fail = 0;
	attr_restore(f->slab, &f->slab_saved);
	attr_restore(f->page, &f->page_saved);
	*f->slab_ignore_wait = f->slab_ignore_wait_saved;
	*f->page_ignore_wait = f->page_ignore_wait_saved;
	*f->page_min_order = f->page_min_order_saved;
}

/*
 * Find and save the knobs, restored when the case ends; quiet dumps
 * (verbose 0) unless a case wants them. Skips, with the reason, where
 * fault injection or its debugfs knobs are not built in.
 */
static struct fault_priv *fault_setup(struct kunit *test)
{
	struct fault_priv *f;

	ALLOC_TEST_REQUIRES(test, IS_ENABLED(CONFIG_FAILSLAB));
	ALLOC_TEST_REQUIRES(test, IS_ENABLED(CONFIG_FAIL_PAGE_ALLOC));
	ALLOC_TEST_REQUIRES(test, IS_ENABLED(CONFIG_FAULT_INJECTION_DEBUG_FS));
	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	f->slab = attr_of("failslab");
	f->page = attr_of("fail_page_alloc");
	f->slab_ignore_wait = knob("failslab", "ignore-gfp-wait");
	f->page_ignore_wait = knob("fail_page_alloc", "ignore-gfp-wait");
	f->page_min_order = knob("fail_page_alloc", "min-order");
	if (!f->slab || !f->page || !f->slab_ignore_wait || !f->page_ignore_wait ||
	    !f->page_min_order)
		kunit_skip(test, "no failslab/fail_page_alloc knobs (debugfs off or locked down)");
	attr_save(f->slab, &f->slab_saved);
	attr_save(f->page, &f->page_saved);
	f->slab_ignore_wait_saved = *f->slab_ignore_wait;
	f->page_ignore_wait_saved = *f->page_ignore_wait;
	f->page_min_order_saved = *f->page_min_order;
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, fault_restore, f));
	current->fail_nth = 0;
	f->slab->verbose = 0;
	f->page->verbose = 0;
	return f;
}

/* Let injection reach allocations that may sleep, and order 0. */
static void inject_everything(struct fault_priv *f)
{
	*f->slab_ignore_wait = false;
	*f->page_ignore_wait = false;
	*f->page_min_order = 0;
}

static struct kmem_cache *fault_cache;
/* Held around the atomic failures: static, as lockdep wants. */
static DEFINE_SPINLOCK(fault_lock);

enum fapi { F_KMALLOC, F_KMALLOC_LARGE, F_KMEM_CACHE, F_PAGES };

/* Allocate through @api; return the pointer (page address for pages). */
static void *fapi_alloc(enum fapi api, gfp_t gfp, unsigned int order)
{
	struct page *page;

	switch (api) {
	case F_KMALLOC:
		return kmalloc(64, gfp);
	case F_KMALLOC_LARGE:
		return kmalloc(SZ_64K, gfp);
	case F_KMEM_CACHE:
		return kmem_cache_alloc(fault_cache, gfp);
	case F_PAGES:
		page = alloc_pages(gfp, order);
		return page ? page_address(page) : NULL;
	}
	return NULL;
}

static void fapi_free(enum fapi api, void *p, unsigned int order)
{
	if (!p)
		return;
	if (api == F_KMEM_CACHE)
		kmem_cache_free(fault_cache, p);
	else if (api == F_PAGES)
		free_pages((unsigned long)p, order);
	else
		kfree(p);
}

struct fault_case {
	const char *name;
	enum fapi api;
	gfp_t gfp;
	unsigned int order;
	bool reported;		/* the failure prints something */
};

static void fault_desc(const struct fault_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

static const struct fault_case atomic_cases[] = {
	{ "kmalloc_GFP_ATOMIC", F_KMALLOC, GFP_ATOMIC },
	{ "kmalloc_GFP_NOWAIT", F_KMALLOC, GFP_NOWAIT },
	{ "kmalloc_large_GFP_ATOMIC", F_KMALLOC_LARGE, GFP_ATOMIC },
	{ "kmem_cache_GFP_ATOMIC", F_KMEM_CACHE, GFP_ATOMIC },
	{ "kmem_cache_GFP_NOWAIT", F_KMEM_CACHE, GFP_NOWAIT },
	{ "pages_order0_GFP_ATOMIC", F_PAGES, GFP_ATOMIC, 0 },
	{ "pages_order1_GFP_ATOMIC", F_PAGES, GFP_ATOMIC, 1 },
	{ "pages_order3_GFP_NOWAIT", F_PAGES, GFP_NOWAIT, 3 },
};

KUNIT_ARRAY_PARAM(atomic, atomic_cases, fault_desc);

/*
 * An injected GFP_ATOMIC/GFP_NOWAIT failure returns NULL at once, with a
 * spinlock held and IRQs off, and without a might_sleep report. The
 * failure is injected before the slow path, so this is the atomic
 * contract of the path to the injection point, not of reclaim.
 */
static void fault_test_atomic_injected_no_sleep(struct kunit *test)
{
	const struct fault_case *c = test->param_value;
	struct fault_priv *f = fault_setup(test);
	unsigned long flags, switches;
	unsigned int left = 0;
	s64 ns = S64_MAX;
	unsigned int reports;
	int attempt;
	void *p = NULL;

	*f->page_min_order = 0;
	alloc_kunit_might_sleep_ready();
	reports = alloc_kunit_console_count(ALLOC_LINE_MIGHT_SLEEP);
	switches = current->nvcsw + current->nivcsw;
	/*
	 * UML's clock is the host's: a host that deschedules the kernel
	 * makes one window look long, so the fastest of a few counts.
	 */
	for (attempt = 0; attempt < PROMPT_ATTEMPTS && ns >= PROMPT_NS && !p && !left;
	     attempt++) {
		ktime_t t0;

		spin_lock_irqsave(&fault_lock, flags);
		t0 = ktime_get();
		current->fail_nth = 1;
		p = fapi_alloc(c->api, c->gfp, c->order);
		left = current->fail_nth;
		current->fail_nth = 0;
		ns = min(ns, ktime_to_ns(ktime_sub(ktime_get(), t0)));
		spin_unlock_irqrestore(&fault_lock, flags);
		fapi_free(c->api, p, c->order);
	}

	KUNIT_EXPECT_EQ_MSG(test, left, 0, "%s: the allocation reached no injection point",
			    c->name);
	KUNIT_EXPECT_NULL_MSG(test, p, "%s under injected failure = %p, expected NULL", c->name,
			      p);
	KUNIT_EXPECT_LT_MSG(test, ns, PROMPT_NS, "%s: an injected failure took %lld ns", c->name,
			    ns);
	KUNIT_EXPECT_EQ_MSG(test, current->nvcsw + current->nivcsw, switches,
			    "%s: the task was switched out during an atomic failure", c->name);
	ALLOC_EXPECT_NO_LINE(test, ALLOC_LINE_MIGHT_SLEEP, reports,
			     "%s: an atomic failure produced a might_sleep report", c->name);
}

static const struct fault_case nowarn_cases[] = {
	{ "kmalloc_GFP_ATOMIC", F_KMALLOC, GFP_ATOMIC, 0, true },
	{ "kmalloc_GFP_ATOMIC_NOWARN", F_KMALLOC, GFP_ATOMIC | __GFP_NOWARN, 0, false },
	{ "kmem_cache_GFP_NOWAIT", F_KMEM_CACHE, GFP_NOWAIT, 0, false },
	{ "pages_order1_GFP_ATOMIC", F_PAGES, GFP_ATOMIC, 1, true },
	{ "pages_order1_GFP_ATOMIC_NOWARN", F_PAGES, GFP_ATOMIC | __GFP_NOWARN, 1, false },
	{ "kmalloc_large_GFP_ATOMIC", F_KMALLOC_LARGE, GFP_ATOMIC, 0, true },
	{ "kmalloc_large_GFP_ATOMIC_NOWARN", F_KMALLOC_LARGE, GFP_ATOMIC | __GFP_NOWARN, 0, false },
};

KUNIT_ARRAY_PARAM(nowarn, nowarn_cases, fault_desc);

/* A failure with __GFP_NOWARN prints nothing; one without it does. */
static void fault_test_nowarn(struct kunit *test)
{
	const struct fault_case *c = test->param_value;
	struct fault_priv *f = fault_setup(test);
	unsigned int seen;
	void *p;

	/* The default verbosity: a message and a stack dump per failure. */
	f->slab->verbose = 2;
	f->page->verbose = 2;
	current->fail_nth = 1;
	p = fapi_alloc(c->api, c->gfp, c->order);
	current->fail_nth = 0;
	fapi_free(c->api, p, c->order);
	KUNIT_EXPECT_NULL_MSG(test, p, "%s under injected failure = %p, expected NULL", c->name,
			      p);
	if (!c->reported) {
		ALLOC_EXPECT_NO_LINE(test, ALLOC_LINE_FAULT, 0,
				     "%s: a __GFP_NOWARN failure printed \"%s\"", c->name,
				     FAULT_REPORT);
		return;
	}
	seen = alloc_kunit_console_count(ALLOC_LINE_FAULT);
	KUNIT_EXPECT_EQ_MSG(test, seen, 1,
			    "%s failure: \"%s\" printed %u times, expected once (no __GFP_NOWARN)",
			    c->name, FAULT_REPORT, seen);
}

/*
 * The real (not injected) order-limit failure warns once per boot, and
 * never with __GFP_NOWARN. The warning is re-armed first through
 * /sys/kernel/debug/clear_warn_once when a shell can reach it; in a
 * fresh boot without user space (kunit.py) this case is the first
 * offender anyway.
 */
static void fault_test_order_limit_warns(struct kunit *test)
{
	struct page *quiet, *loud;
	unsigned int before, loud_warnings;

	alloc_kunit_rearm_warn_once();
	before = alloc_kunit_console_count(ALLOC_LINE_WARNING);
	quiet = alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_PAGE_ORDER + 1);
	ALLOC_EXPECT_NO_LINE(test, ALLOC_LINE_WARNING, before,
			     "alloc_pages(__GFP_NOWARN, MAX_PAGE_ORDER + 1) printed a WARNING");
	before = alloc_kunit_console_count(ALLOC_LINE_WARNING);
	alloc_kunit_expect_report_begin(ALLOC_REPORT_WARNING, 1);
	loud = alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1);
	alloc_kunit_expect_report_end();
	loud_warnings = alloc_kunit_console_count(ALLOC_LINE_WARNING) - before;
	KUNIT_EXPECT_NULL(test, quiet);
	KUNIT_EXPECT_NULL(test, loud);
	KUNIT_EXPECT_EQ_MSG(test, loud_warnings, 1,
			    "alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1) printed %u WARNINGs, expected 1",
			    loud_warnings);
}

/*
 * __GFP_NOFAIL is exempt from injection: it never returns NULL while
 * every injected attempt of this task fails (a plain allocation in the
 * same window proves that). Its retry loop under real shortage is not
 * reached: the injection hooks return before it, so the name says what
 * is checked.
 */
static void fault_test_nofail_exempt_from_injection(struct kunit *test)
{
	struct fault_priv *f = fault_setup(test);
	struct fault_attr *attrs[] = { f->slab, f->page };
	struct page *page0, *page1;
	void *plain, *p;
	int i;

	inject_everything(f);
	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		attrs[i]->probability = 100;
		attrs[i]->interval = 1;
		atomic_set(&attrs[i]->times, -1);
		atomic_set(&attrs[i]->space, 0);
		attrs[i]->task_filter = true;
	}
	current->make_it_fail = 1;
	plain = kmalloc(64, GFP_KERNEL);
	p = kmalloc(64, GFP_KERNEL | __GFP_NOFAIL);
	page0 = alloc_pages(GFP_KERNEL | __GFP_NOFAIL, 0);
	page1 = alloc_pages(GFP_KERNEL | __GFP_NOFAIL, 1);
	current->make_it_fail = 0;
	kfree(plain);
	kfree(p);
	if (page0)
		__free_pages(page0, 0);
	if (page1)
		__free_pages(page1, 1);
	KUNIT_EXPECT_NULL_MSG(test, plain, "injection is not active: kmalloc(GFP_KERNEL) = %p",
			      plain);
	KUNIT_EXPECT_NOT_NULL_MSG(test, p, "kmalloc(GFP_KERNEL | __GFP_NOFAIL) returned NULL");
	KUNIT_EXPECT_NOT_NULL_MSG(test, page0, "alloc_pages(__GFP_NOFAIL, 0) returned NULL");
	KUNIT_EXPECT_NOT_NULL_MSG(test, page1, "alloc_pages(__GFP_NOFAIL, 1) returned NULL");
}

static const struct fault_case retry_cases[] = {
	{ "kmalloc_NORETRY", F_KMALLOC, GFP_KERNEL | __GFP_NORETRY },
	{ "kmalloc_RETRY_MAYFAIL", F_KMALLOC, GFP_KERNEL | __GFP_RETRY_MAYFAIL },
	{ "kmalloc_large_NORETRY", F_KMALLOC_LARGE, GFP_KERNEL | __GFP_NORETRY },
	{ "kmalloc_large_RETRY_MAYFAIL", F_KMALLOC_LARGE, GFP_KERNEL | __GFP_RETRY_MAYFAIL },
	{ "pages_order0_NORETRY", F_PAGES, GFP_KERNEL | __GFP_NORETRY, 0 },
	{ "pages_order0_RETRY_MAYFAIL", F_PAGES, GFP_KERNEL | __GFP_RETRY_MAYFAIL, 0 },
	{ "pages_order3_NORETRY", F_PAGES, GFP_KERNEL | __GFP_NORETRY, 3 },
	{ "pages_order3_RETRY_MAYFAIL", F_PAGES, GFP_KERNEL | __GFP_RETRY_MAYFAIL, 3 },
};

KUNIT_ARRAY_PARAM(retry, retry_cases, fault_desc);

/*
 * __GFP_NORETRY and __GFP_RETRY_MAYFAIL allocations are open to
 * injection and return its NULL (nothing in kmalloc retries past it).
 * Their reclaim and retry policy is after the injection point, not
 * exercised here.
 */
static void fault_test_retry_flags_injected_null(struct kunit *test)
{
	const struct fault_case *c = test->param_value;
	struct fault_priv *f = fault_setup(test);
	void *p;

	inject_everything(f);
	current->fail_nth = 1;
	p = fapi_alloc(c->api, c->gfp, c->order);
	current->fail_nth = 0;
	fapi_free(c->api, p, c->order);
	KUNIT_EXPECT_NULL_MSG(test, p, "%s under injected failure = %p, expected NULL", c->name,
			      p);
}

struct krealloc_fault_case {
	const char *name;
	size_t from, to;
	gfp_t gfp;
};

static const struct krealloc_fault_case krealloc_fault_cases[] = {
	{ "100->5000_GFP_ATOMIC", 100, 5000, GFP_ATOMIC },
	{ "100->64KiB_GFP_ATOMIC", 100, SZ_64K, GFP_ATOMIC },
	{ "100->5000_GFP_KERNEL", 100, 5000, GFP_KERNEL },
	{ "5000->64KiB_GFP_KERNEL", 5000, SZ_64K, GFP_KERNEL },
};

static void krealloc_fault_desc(const struct krealloc_fault_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(krealloc_fault, krealloc_fault_cases, krealloc_fault_desc);

/* A failed krealloc returns NULL and leaves the original intact. */
static void fault_test_krealloc_keeps_original(struct kunit *test)
{
	const struct krealloc_fault_case *c = test->param_value;
	struct fault_priv *f = fault_setup(test);
	size_t i;
	u8 *p, *q;

	inject_everything(f);
	p = kmalloc(c->from, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	alloc_kunit_defer_kfree(test, p);
	for (i = 0; i < c->from; i++)
		p[i] = i ^ 0x3c;
	current->fail_nth = 1;
	q = krealloc(p, c->to, c->gfp);
	current->fail_nth = 0;
	KUNIT_EXPECT_NULL_MSG(test, q, "krealloc(%zu -> %zu) under injected failure = %p", c->from,
			      c->to, q);
	if (q) {
		/* krealloc freed p: hand the deferred kfree to q. */
		kunit_remove_action(test, alloc_kunit_kfree_action, p);
		alloc_kunit_defer_kfree(test, q);
		return;
	}
	for (i = 0; i < c->from; i++) {
		if (p[i] != (u8)(i ^ 0x3c)) {
			KUNIT_FAIL(test,
				   "failed krealloc(%zu -> %zu): old byte %zu is %#x, expected %#x",
				   c->from, c->to, i, p[i], (u8)(i ^ 0x3c));
			break;
		}
	}
	KUNIT_EXPECT_GE(test, ksize(p), c->from);
}

enum kv_want { KV_FALLBACK, KV_NULL };

struct kvmalloc_fault_case {
	const char *name;
	size_t size;
	gfp_t gfp;
	bool zero;
	enum kv_want want;
};

static const struct kvmalloc_fault_case kvmalloc_fault_cases[] = {
	/* kmalloc fails in slab (failslab) or in the page allocator. */
	{ "8KiB_slab", 2 * PAGE_SIZE, GFP_KERNEL, false, KV_FALLBACK },
	{ "64KiB_pages", SZ_64K, GFP_KERNEL, false, KV_FALLBACK },
	{ "kvzalloc_8KiB", 2 * PAGE_SIZE, GFP_KERNEL, true, KV_FALLBACK },
	{ "kvzalloc_64KiB", SZ_64K, GFP_KERNEL, true, KV_FALLBACK },
	/* No fallback for a page or less, nor for a gfp that cannot sleep. */
	{ "page_no_fallback", PAGE_SIZE, GFP_KERNEL, false, KV_NULL },
	{ "64KiB_GFP_ATOMIC_no_fallback", SZ_64K, GFP_ATOMIC, false, KV_NULL },
};

static void kvmalloc_fault_desc(const struct kvmalloc_fault_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kvmalloc_fault, kvmalloc_fault_cases, kvmalloc_fault_desc);

/* When its kmalloc fails, kvmalloc falls back to (zeroed) vmalloc. */
static void fault_test_kvmalloc_fallback(struct kunit *test)
{
	const struct kvmalloc_fault_case *c = test->param_value;
	struct fault_priv *f = fault_setup(test);
	unsigned int left;
	size_t at;
	u8 *dirty, *p;

	inject_everything(f);
	/* Dirty vmalloc memory, so that a missing zeroing shows. */
	dirty = vmalloc(c->size);
	KUNIT_ASSERT_NOT_NULL(test, dirty);
	memset(dirty, 0xa5, c->size);
	vfree(dirty);

	current->fail_nth = 1;
	p = c->zero ? kvzalloc(c->size, c->gfp) : kvmalloc(c->size, c->gfp);
	left = current->fail_nth;
	current->fail_nth = 0;
	if (p)
		alloc_kunit_defer_kvfree(test, p);
	KUNIT_EXPECT_EQ_MSG(test, left, 0, "%s: kvmalloc reached no injection point", c->name);
	if (c->want == KV_NULL) {
		KUNIT_EXPECT_NULL_MSG(test, p, "%s: kvmalloc(%zu) fell back to %p, expected NULL",
				      c->name, c->size, p);
		return;
	}
	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "%s: kvmalloc(%zu) returned NULL: no vmalloc fallback",
				  c->name, c->size);
	KUNIT_EXPECT_TRUE_MSG(test, is_vmalloc_addr(p),
			      "%s: kvmalloc(%zu) = %p after a failed kmalloc: not vmalloc",
			      c->name, c->size, p);
	if (c->zero) {
		at = alloc_kunit_first_diff(p, 0, c->size);
		KUNIT_EXPECT_EQ_MSG(test, at, c->size,
				    "%s: kvzalloc fallback byte %zu is %#x, expected 0", c->name,
				    at, alloc_kunit_byte(p, at, c->size));
	}
}

#define BULK_OBJS	512
#define BULK_OBJ_SIZE	256

/*
 * kmem_cache_alloc_bulk is all or nothing: when a new slab cannot be had
 * half-way, it returns 0 and gives back what it took. Fail at the very
 * start (failslab, fail_nth) and half-way: fail_page_alloc's space budget
 * (counted in pages) lets the first 32 KiB of slabs through (at least one slab of any order
 * SLUB picks for 256-byte objects, and fewer than BULK_OBJS objects),
 * then fails every slab page of this task. Whether anything was kept is
 * seen when the cache is destroyed: alloc_kunit_destroy_empty() counts
 * the slabs that still hold objects.
 */
static void fault_test_bulk_all_or_nothing(struct kunit *test)
{
	struct fault_priv *f = fault_setup(test);
	struct kmem_cache *s;
	int got_start, got_half;
	void **objs;

	objs = kunit_kcalloc(test, BULK_OBJS, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	s = kmem_cache_create("alloc_kunit_bulk", BULK_OBJ_SIZE, 0,
			      SLAB_NO_MERGE | ALLOC_SLAB_TRACKED, NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	inject_everything(f);

	current->fail_nth = 1;
	got_start = kmem_cache_alloc_bulk(s, GFP_KERNEL, BULK_OBJS, objs);
	current->fail_nth = 0;
	if (got_start)
		kmem_cache_free_bulk(s, got_start, objs);

	f->page->probability = 100;
	f->page->interval = 1;
	atomic_set(&f->page->times, -1);
	atomic_set(&f->page->space, (SZ_32K >> PAGE_SHIFT) + 1);
	f->page->task_filter = true;
	current->make_it_fail = 1;
	got_half = kmem_cache_alloc_bulk(s, GFP_KERNEL, BULK_OBJS, objs);
	current->make_it_fail = 0;
	f->page->probability = 0;
	if (got_half)
		kmem_cache_free_bulk(s, got_half, objs);

	alloc_kunit_destroy_empty(test, s, "a cache after failed kmem_cache_alloc_bulk");
	KUNIT_EXPECT_EQ_MSG(test, got_start, 0,
			    "kmem_cache_alloc_bulk(%d) failing at the start returned %d, expected 0",
			    BULK_OBJS, got_start);
	KUNIT_EXPECT_EQ_MSG(test, got_half, 0,
			    "kmem_cache_alloc_bulk(%d) failing half-way returned %d, expected 0",
			    BULK_OBJS, got_half);
}

static int alloc_fault_suite_init(struct kunit_suite *suite)
{
	int ret;

	fault_cache = kmem_cache_create("alloc_kunit_fault", 128, 0, 0, NULL);
	if (!fault_cache)
		return -ENOMEM;
	ret = alloc_kunit_console_start();
	if (ret)
		kmem_cache_destroy(fault_cache);
	return ret;
}

static void alloc_fault_suite_exit(struct kunit_suite *suite)
{
	alloc_kunit_console_stop();
	kmem_cache_destroy(fault_cache);
}

static struct kunit_case alloc_fault_cases[] = {
	KUNIT_CASE_PARAM(fault_test_atomic_injected_no_sleep, atomic_gen_params),
	KUNIT_CASE_PARAM(fault_test_nowarn, nowarn_gen_params),
	KUNIT_CASE(fault_test_order_limit_warns),
	KUNIT_CASE(fault_test_nofail_exempt_from_injection),
	KUNIT_CASE_PARAM(fault_test_retry_flags_injected_null, retry_gen_params),
	KUNIT_CASE_PARAM(fault_test_krealloc_keeps_original, krealloc_fault_gen_params),
	KUNIT_CASE_PARAM(fault_test_kvmalloc_fallback, kvmalloc_fault_gen_params),
	KUNIT_CASE(fault_test_bulk_all_or_nothing),
	{}
};

struct kunit_suite alloc_fault_suite = {
	.name = "alloc_fault",
	.suite_init = alloc_fault_suite_init,
	.suite_exit = alloc_fault_suite_exit,
	.init = alloc_kunit_console_init,
	.test_cases = alloc_fault_cases,
};
