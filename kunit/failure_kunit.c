// SPDX-License-Identifier: GPL-2.0
/*
 * Real allocation failures: allocations that fail inside the page
 * allocator's slow path, not before it (fault injection returns NULL in
 * prepare_alloc_pages() and never reaches warn_alloc() or the OOM path).
 *
 * Two ways of making the page allocator say no, both without reclaim,
 * both short (a case holds memory for well under a second):
 *
 * - Fragmentation (struct fail_hold, frag_take()): every free block of
 *   order FAIL_ORDER and above is taken, split, and given back except
 *   its first page of every FAIL_ORDER-sized chunk. Free memory stays
 *   almost where it was (15/16 of it comes back), but no free block of
 *   FAIL_ORDER can form while those pages are held, so an allocation of
 *   that order without reclaim fails however much memory is free.
 *
 * - Exhaustion (hog_fill()): every free block of every order is taken
 *   with __GFP_HIGH and no reclaim, down to half the min watermark, below
 *   what any allocation without __GFP_HIGH may use (even after reclaim
 *   drains the per-CPU lists, which hold less than that half). The rest
 *   of the system is kept alive by a shrinker that gives the hog's pages
 *   to the reclaim of every other task, and by an OOM notifier that
 *   gives all of them back before the OOM killer could choose a victim.
 *   The reclaim of the tasks under test (the case, its NOFAIL kthread,
 *   and kswapd, which would otherwise refill what they are denied) takes
 *   back from the free lists whatever it freed: their reclaim cannot
 *   succeed, so the outcome does not depend on how much page cache the
 *   boot has.
 *
 * warn_alloc() prints at most one report per 10 s, for the whole kernel:
 * the module may provoke only one per boot, failure_test_order_reported,
 * the last case of this suite. Every other failing allocation here has
 * __GFP_NOWARN and must print nothing at all; they run first, so that a
 * kernel that ignores __GFP_NOWARN shows it on the first of them.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpuset.h>
#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/oom.h>
#include <linux/sched.h>
#include <linux/sched/debug.h>
#include <linux/sched/task.h>
#include <linux/shrinker.h>
#include <linux/spinlock.h>
#include <linux/swap.h>
#include <linux/vmstat.h>

#include "alloc_kunit.h"

/* The order that fragmentation makes impossible: costly, not on PCP lists. */
#define FAIL_ORDER		(PAGE_ALLOC_COSTLY_ORDER + 1)
/* Attempts of a failing allocation: each starts from a fresh hold. */
#define FAIL_ATTEMPTS		5
/* What the fragmentation takes with: the class of GFP_NOWAIT, no kswapd. */
#define FRAG_GFP		(GFP_NOWAIT & ~__GFP_KSWAPD_RECLAIM)
/* What the hog takes with: below min, no reclaim, no reserves beyond it. */
#define HOG_GFP			(__GFP_HIGH | __GFP_NOWARN | __GFP_NOMEMALLOC)
/* How long the NOFAIL case holds memory while the allocation retries. */
#define NOFAIL_HOLD_MS		300
/* NOFAIL attempts: kswapd often frees some pages before the first reclaim. */
#define NOFAIL_ATTEMPTS		10
/* How long a NOFAIL allocation may take once memory is given back. */
#define NOFAIL_AFTER_MS		5000

enum hold_mode {
	HOLD_NONE,
	HOLD_EXHAUST,		/* hog_fill(): nothing free */
	HOLD_FRAG,		/* frag_take(): no free block of FAIL_ORDER */
};

/*
 * The held blocks, one list for both ways of holding: the head page of
 * each block is on @blocks through its lru, its order in page_private.
 */
static struct {
	spinlock_t lock;		/* guards blocks, held */
	struct list_head blocks;
	unsigned long held;		/* pages */
	bool eat;			/* protected reclaim takes back what it freed */
	enum hold_mode mode;		/* how what is held was taken */
	struct task_struct *owner;	/* the case that holds */
	struct task_struct *nofail_task;
	atomic_t oom_owner;		/* out_of_memory() calls, by caller */
	atomic_t oom_nofail;
	atomic_t oom_other;
	atomic_t nofail_reclaims;	/* shrinker counts by the NOFAIL kthread */
	atomic_long_t given;		/* pages given to other tasks' reclaim */
} hold = {
	.lock = __SPIN_LOCK_UNLOCKED(hold.lock),
	.blocks = LIST_HEAD_INIT(hold.blocks),
};

static struct shrinker *hold_shrinker;

static void hold_add(struct page *page, unsigned int order)
{
	set_page_private(page, order);
	spin_lock(&hold.lock);
	list_add(&page->lru, &hold.blocks);
	hold.held += 1UL << order;
	spin_unlock(&hold.lock);
}

/* Give back the most recent block: its size in pages, 0 if none is held. */
static unsigned long hold_free_one(void)
{
	struct page *page;
	unsigned int order;

	spin_lock(&hold.lock);
	page = list_first_entry_or_null(&hold.blocks, struct page, lru);
	if (page) {
		list_del(&page->lru);
		hold.held -= 1UL << page_private(page);
	}
	spin_unlock(&hold.lock);
	if (!page)
		return 0;
	order = page_private(page);
	set_page_private(page, 0);
	__free_pages(page, order);
	return 1UL << order;
}

static unsigned long hold_release(void)
{
	unsigned long n, freed = 0;

	WRITE_ONCE(hold.eat, false);
	while ((n = hold_free_one()))
		freed += n;
	return freed;
}

/* Take every free block, largest first, down to half the min watermark. */
static void hog_fill(void)
{
	int order = MAX_PAGE_ORDER;
	struct page *page;

	while (order >= 0) {
		page = alloc_pages(HOG_GFP, order);
		if (page)
			hold_add(page, order);
		else
			order--;
	}
}

/*
 * Split a block of @order (at least FAIL_ORDER), hold the first page of
 * each of its FAIL_ORDER chunks and give the rest back at once.
 */
static void frag_keep_first(struct page *page, unsigned int order)
{
	unsigned int i;

	split_page(page, order);
	for (i = 0; i < 1U << order; i++) {
		if (i % (1U << FAIL_ORDER))
			__free_page(page + i);
		else
			hold_add(page + i, 0);
	}
}

/*
 * Hold one page of every FAIL_ORDER chunk of every free block of that
 * order and above; the rest of each block goes back at once.
 */
static void frag_take(void)
{
	unsigned int order;
	struct page *page;

	for (order = MAX_PAGE_ORDER; order >= FAIL_ORDER; order--) {
		while ((page = alloc_pages(FRAG_GFP, order))) {
			frag_keep_first(page, order);
			cond_resched();
		}
	}
}

/*
 * From exhaustion to fragmentation without taking (and zeroing, with
 * init_on_alloc) memory again: every held block of FAIL_ORDER and above
 * keeps the first page of each chunk, smaller blocks go back whole; what
 * merges of those into FAIL_ORDER blocks frag_take() takes next. The
 * blocks are converted one at a time, oldest first, and stay on the hold
 * list until then: another task's reclaim or out_of_memory() in the
 * meantime still finds everything that is held (hold_free_one() gives
 * back the newest first), so that nobody is OOM-killed.
 */
static void hold_exhaust_to_frag(void)
{
	unsigned int order;
	unsigned long blocks = 0;
	struct page *page, *pos;

	WRITE_ONCE(hold.eat, false);
	spin_lock(&hold.lock);
	list_for_each_entry(pos, &hold.blocks, lru)
		blocks++;
	spin_unlock(&hold.lock);
	while (blocks--) {
		spin_lock(&hold.lock);
		page = list_empty(&hold.blocks) ? NULL :
		       list_last_entry(&hold.blocks, struct page, lru);
		if (page) {
			list_del(&page->lru);
			hold.held -= 1UL << page_private(page);
		}
		spin_unlock(&hold.lock);
		if (!page)
			break;		/* given back meanwhile */
		order = page_private(page);
		set_page_private(page, 0);
		if (order < FAIL_ORDER) {
			__free_pages(page, order);
			continue;
		}
		frag_keep_first(page, order);
		cond_resched();
	}
}

/* The tasks whose reclaim must not succeed while the hog holds memory. */
static bool hold_protected(void)
{
	return current == READ_ONCE(hold.owner) || current == READ_ONCE(hold.nofail_task) ||
	       current_is_kswapd();
}

static unsigned long hold_count(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long held = READ_ONCE(hold.held);

	if (current == READ_ONCE(hold.nofail_task))
		atomic_inc(&hold.nofail_reclaims);
	if (hold_protected() && READ_ONCE(hold.eat))
		return max(held, 1UL);
	return held ?: SHRINK_EMPTY;
}

/*
 * Other tasks get the hog's pages; a protected task's reclaim gets
 * nothing, and what it reclaimed elsewhere goes to the hog.
 */
static unsigned long hold_scan(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long freed = 0, n;

	if (hold_protected()) {
		if (READ_ONCE(hold.eat))
			hog_fill();
		return SHRINK_STOP;
	}
	while (freed < sc->nr_to_scan && (n = hold_free_one()))
		freed += n;
	atomic_long_add(freed, &hold.given);
	return freed ?: SHRINK_STOP;
}

/*
 * out_of_memory() calls this first: count the call, and unless it comes
 * from the NOFAIL kthread (GFP_NOFS: out_of_memory() kills nothing for
 * it), give everything back so that nobody is killed.
 */
static int hold_oom_notify(struct notifier_block *nb, unsigned long unused, void *parm)
{
	unsigned long *freed = parm;

	if (current == READ_ONCE(hold.nofail_task)) {
		atomic_inc(&hold.oom_nofail);
		return NOTIFY_OK;
	}
	atomic_inc(current == READ_ONCE(hold.owner) ? &hold.oom_owner : &hold.oom_other);
	*freed += hold_release();
	return NOTIFY_OK;
}

static struct notifier_block hold_oom_nb = {
	.notifier_call = hold_oom_notify,
};

/* The case ended: memory stays held for the next case of the same mode. */
static void hold_case_end(void *unused)
{
	WRITE_ONCE(hold.eat, false);
	WRITE_ONCE(hold.owner, NULL);
}

/*
 * Hold memory for @test in @mode. Taking (and, in the init_on_alloc
 * boot, zeroing) all of memory costs most of a case, so what is held
 * stays held for the next case of the same mode, and exhaustion turns
 * into fragmentation in place; the suite's exit gives it all back. Between cases
 * nothing is protected: every task's reclaim gets the hog's pages.
 */
static void hold_begin(struct kunit *test, enum hold_mode mode)
{
	if (hold.mode == HOLD_EXHAUST && mode == HOLD_FRAG)
		hold_exhaust_to_frag();
	else if (hold.mode != mode)
		hold_release();
	hold.mode = mode;
	atomic_set(&hold.oom_owner, 0);
	atomic_set(&hold.oom_nofail, 0);
	atomic_set(&hold.oom_other, 0);
	atomic_set(&hold.nofail_reclaims, 0);
	atomic_long_set(&hold.given, 0);
	WRITE_ONCE(hold.owner, current);
	WRITE_ONCE(hold.eat, mode == HOLD_EXHAUST);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, hold_case_end, NULL));
}

/* Take what is free again, as @mode does. */
static void hold_top_up(enum hold_mode mode)
{
	if (mode == HOLD_EXHAUST)
		hog_fill();
	else
		frag_take();
}

/* Lines that no failing allocation of this suite may print but one. */
static const enum alloc_kunit_line quiet_lines[] = {
	ALLOC_LINE_ALLOC_FAILURE, ALLOC_LINE_OOM, ALLOC_LINE_WARNING,
};

static void quiet_snapshot(unsigned int *since)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(quiet_lines); i++)
		since[i] = alloc_kunit_console_count(quiet_lines[i]);
}

static void expect_quiet(struct kunit *test, const unsigned int *since, const char *what)
{
	static const char * const names[] = {
		"page allocation failure", "OOM killer", "WARNING",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(quiet_lines); i++)
		ALLOC_EXPECT_NO_LINE(test, quiet_lines[i], since[i], "%s printed a %s report",
				     what, names[i]);
}

struct fail_case {
	const char *name;
	gfp_t gfp;
	unsigned int order;
	enum hold_mode mode;
};

/* Nothing free that the gfp may use: exhaustion. */
static const struct fail_case exhausted_cases[] = {
	{ "nowait", GFP_NOWAIT, 0, HOLD_EXHAUST },
	{ "no_reclaim_order1", __GFP_NOWARN | __GFP_NOMEMALLOC, 1, HOLD_EXHAUST },
	{ "noretry", GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, 0, HOLD_EXHAUST },
	{ "noretry_costly", GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, FAIL_ORDER, HOLD_EXHAUST },
	{ "nofs_noretry_order1", GFP_NOFS | __GFP_NORETRY | __GFP_NOWARN, 1, HOLD_EXHAUST },
	{ "retry_mayfail", GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN, 0, HOLD_EXHAUST },
};

KUNIT_ARRAY_PARAM_DESC(exhausted, exhausted_cases, name);

/* No free block of FAIL_ORDER: fragmentation, no reclaim. */
static const struct fail_case frag_cases[] = {
	{ "nowait", GFP_NOWAIT, FAIL_ORDER, HOLD_FRAG },
	{ "no_reclaim", __GFP_NOWARN | __GFP_COMP, FAIL_ORDER, HOLD_FRAG },
};

KUNIT_ARRAY_PARAM_DESC(frag, frag_cases, name);

/*
 * Hold memory, then try: at most FAIL_ATTEMPTS times, each from a fresh
 * hold (kswapd, or a free elsewhere, may have made room in between).
 * Return: how many attempts returned NULL (0 or 1); *tries the attempts.
 */
static unsigned int fail_attempts(const struct fail_case *c, unsigned int *tries)
{
	struct page *page;

	for (*tries = 1; *tries <= FAIL_ATTEMPTS; ++*tries) {
		hold_top_up(c->mode);
		page = alloc_pages(c->gfp, c->order);
		if (!page)
			return 1;
		__free_pages(page, c->order);
	}
	*tries = FAIL_ATTEMPTS;
	return 0;
}

/*
 * With __GFP_NOWARN a real failure returns NULL and prints nothing, and
 * neither __GFP_NORETRY nor __GFP_RETRY_MAYFAIL calls the OOM killer:
 * out_of_memory() is not even entered (the notifier counts its calls).
 */
static void nowarn_check(struct kunit *test)
{
	const struct fail_case *c = test->param_value;
	unsigned int since[ARRAY_SIZE(quiet_lines)], failed, tries;
	char what[96];

	snprintf(what, sizeof(what), "alloc_pages(%pGg, %u) with %s held", &c->gfp, c->order,
		 c->mode == HOLD_EXHAUST ? "all free memory" : "every FAIL_ORDER chunk");
	hold_begin(test, c->mode);
	quiet_snapshot(since);
	failed = fail_attempts(c, &tries);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&hold.oom_owner), 0,
			    "%s entered out_of_memory() (the OOM killer)", what);
	kunit_info(test, "%s: failed on attempt %u; %ld pages given to other tasks' reclaim\n",
		   what, tries, atomic_long_read(&hold.given));
	KUNIT_EXPECT_EQ_MSG(test, failed, 1, "%s succeeded %u times out of %u", what, tries,
			    tries);
	expect_quiet(test, since, what);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&hold.oom_other), 0,
			    "another task entered out_of_memory() while the hog held memory");
}

/* Nothing free for the gfp of the row; the first case of the suite. */
static void failure_test_nowarn_exhausted(struct kunit *test)
{
	nowarn_check(test);
}

/* The same when only the order is impossible: a fragmented memory. */
static void failure_test_nowarn_frag(struct kunit *test)
{
	nowarn_check(test);
}

struct nofail_ctx {
	gfp_t gfp;
	unsigned int order;
	struct page *page;
	unsigned long jiffies;		/* when it returned */
	struct completion done;
};

/* The NOFAIL allocation runs here: it may block, the case must not. */
static int nofail_fn(void *data)
{
	struct nofail_ctx *ctx = data;

	ctx->page = alloc_pages(ctx->gfp, ctx->order);
	ctx->jiffies = jiffies;	/* made relative by nofail_once() */
	WRITE_ONCE(hold.nofail_task, NULL);
	complete(&ctx->done);
	return 0;
}

static const struct fail_case nofail_cases[] = {
	{ "nofs_order0", GFP_NOFS | __GFP_NOFAIL, 0, HOLD_EXHAUST },
	{ "nofs_order1", GFP_NOFS | __GFP_NOFAIL, 1, HOLD_EXHAUST },
};

KUNIT_ARRAY_PARAM_DESC(nofail, nofail_cases, name);

/*
 * One NOFAIL allocation with all memory held: *reclaims is how often its
 * reclaim reached the shrinker before it returned or NOFAIL_HOLD_MS
 * passed (then memory is given back). Return: false if it did not return
 * NOFAIL_AFTER_MS after that (ctx is static: the kthread may outlive the
 * case without writing freed memory).
 */
static bool nofail_once(struct kunit *test, struct nofail_ctx *ctx, unsigned int *reclaims,
			bool *while_held)
{
	struct task_struct *t;
	unsigned long start;
	bool done;

	ctx->page = NULL;
	init_completion(&ctx->done);
	t = kthread_create(nofail_fn, ctx, "alloc_fail_nofail");
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(t), "kthread_create: %d", PTR_ERR_OR_ZERO(t));
	get_task_struct(t);
	WRITE_ONCE(hold.eat, true);
	atomic_set(&hold.nofail_reclaims, 0);
	WRITE_ONCE(hold.nofail_task, t);
	hog_fill();
	start = jiffies;
	wake_up_process(t);
	*while_held = wait_for_completion_timeout(&ctx->done, msecs_to_jiffies(NOFAIL_HOLD_MS));
	*reclaims = atomic_read(&hold.nofail_reclaims);
	if (!*while_held)
		hold_release();
	done = *while_held || wait_for_completion_timeout(&ctx->done,
							   msecs_to_jiffies(NOFAIL_AFTER_MS));
	if (!done)
		sched_show_task(t);
	put_task_struct(t);
	ctx->jiffies -= start;
	return done;
}

/*
 * __GFP_NOFAIL never returns NULL: with all free memory held and its own
 * reclaim futile, the allocation keeps retrying (its reclaim is counted
 * by the hog's shrinker) until it gets a page, from the reserves that
 * __alloc_pages_may_oom() opens to it (GFP_NOFS: out_of_memory() kills
 * nothing) or once the hog gives memory back, and it kills nothing. If
 * memory appeared before its first reclaim (a free elsewhere), that is
 * no retry: another attempt, at most NOFAIL_ATTEMPTS.
 */
static void failure_test_nofail(struct kunit *test)
{
	static struct nofail_ctx ctx;
	const struct fail_case *c = test->param_value;
	unsigned int since[ARRAY_SIZE(quiet_lines)], reclaims = 0, tries;
	bool while_held = false, retried = false;
	u8 *va;

	hold_begin(test, HOLD_EXHAUST);
	quiet_snapshot(since);
	ctx.gfp = c->gfp;
	ctx.order = c->order;
	for (tries = 1; tries <= NOFAIL_ATTEMPTS && !retried; tries++) {
		if (!nofail_once(test, &ctx, &reclaims, &while_held)) {
			KUNIT_FAIL(test,
				   "alloc_pages(%pGg, %u) did not return %u ms after memory was given back",
				   &c->gfp, c->order, NOFAIL_AFTER_MS);
			return;
		}
		kunit_info(test, "%pGg order %u, attempt %u: returned after %u ms (%s), %u reclaim passes while held, %d out_of_memory() calls\n",
			   &c->gfp, c->order, tries, jiffies_to_msecs(ctx.jiffies),
			   while_held ? "while held" : "after the release", reclaims,
			   atomic_read(&hold.oom_nofail));
		KUNIT_ASSERT_NOT_NULL_MSG(test, ctx.page,
					  "alloc_pages(%pGg, %u) returned NULL after %u ms with memory held",
					  &c->gfp, c->order, jiffies_to_msecs(ctx.jiffies));
		KUNIT_EXPECT_EQ_MSG(test, page_ref_count(ctx.page), 1,
				    "the NOFAIL page's refcount");
		va = page_address(ctx.page);
		memset(va, 0x5a, PAGE_SIZE << c->order);
		KUNIT_EXPECT_EQ_MSG(test, alloc_kunit_first_diff(va, 0x5a, PAGE_SIZE << c->order),
				    PAGE_SIZE << c->order,
				    "the NOFAIL block does not hold what was written");
		__free_pages(ctx.page, c->order);
		/* Retrying: reclaim again and again, or still blocked at the release. */
		retried = reclaims >= 2 || !while_held;
	}
	KUNIT_EXPECT_TRUE_MSG(test, retried,
			      "alloc_pages(%pGg, %u) never retried its reclaim while memory was held (%u attempts)",
			      &c->gfp, c->order, NOFAIL_ATTEMPTS);
	expect_quiet(test, since, "a __GFP_NOFAIL allocation");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&hold.oom_other), 0,
			    "another task entered out_of_memory() while the hog held memory");
}

/*
 * Without __GFP_NOWARN, a real failure is reported exactly once, as
 * warn_alloc() words it: "page allocation failure: order:<order>,
 * mode:<gfp>(<flag names>)", with the order and the gfp of the call
 * (here GFP_NOWAIT without its __GFP_NOWARN, and __GFP_COMP). The only
 * reported failure of the boot (warn_alloc() is rate-limited).
 */
static void failure_test_order_reported(struct kunit *test)
{
	const gfp_t gfp = (GFP_NOWAIT & ~__GFP_NOWARN) | __GFP_COMP;
	const struct fail_case c = { "reported", gfp, FAIL_ORDER, HOLD_FRAG };
	unsigned int failed, tries, n, order = ~0U, mode = 0, before[2];
	int fields;
	gfp_t want = gfp | (cpusets_enabled() ? __GFP_HARDWALL : 0);
	char line[160], names[96], want_names[96];
	const char *open, *close;

	hold_begin(test, HOLD_FRAG);
	before[0] = alloc_kunit_console_count(ALLOC_LINE_OOM);
	before[1] = alloc_kunit_console_count(ALLOC_LINE_WARNING);
	n = alloc_kunit_console_count(ALLOC_LINE_ALLOC_FAILURE);
	alloc_kunit_expect_report_begin(ALLOC_REPORT_ALLOC_FAILURE, 1);
	failed = fail_attempts(&c, &tries);
	alloc_kunit_expect_report_end();
	hold_release();
	hold.mode = HOLD_NONE;
	n = alloc_kunit_console_count(ALLOC_LINE_ALLOC_FAILURE) - n;
	KUNIT_ASSERT_EQ_MSG(test, failed, 1,
			    "alloc_pages(%pGg, %u) with every FAIL_ORDER chunk held succeeded %u times",
			    &gfp, FAIL_ORDER, tries);
	KUNIT_ASSERT_EQ_MSG(test, n, 1,
			    "alloc_pages(%pGg, %u) failed: %u \"page allocation failure\" reports, expected 1 (warn_alloc() prints 1 per 10 s: another in this boot?)",
			    &gfp, FAIL_ORDER, n);
	alloc_kunit_console_last(ALLOC_LINE_ALLOC_FAILURE, line, sizeof(line));
	fields = sscanf(line, "%u, mode:%x", &order, &mode);
	KUNIT_EXPECT_EQ_MSG(test, fields, 2,
			    "the report does not read \"order:<N>, mode:<gfp>\": \"order:%s\"",
			    line);
	KUNIT_EXPECT_EQ_MSG(test, order, FAIL_ORDER, "the report's order: \"order:%s\"", line);
	KUNIT_EXPECT_EQ_MSG(test, mode, (__force unsigned int)want,
			    "the report's mode, expected %#x: \"order:%s\"",
			    (__force unsigned int)want, line);
	open = strchr(line, '(');
	close = open ? strchr(open, ')') : NULL;
	KUNIT_ASSERT_TRUE_MSG(test, open && close,
			      "the report has no (flag names): \"order:%s\"", line);
	strscpy(names, open + 1, min_t(size_t, close - open, sizeof(names)));
	snprintf(want_names, sizeof(want_names), "%pGg", &want);
	KUNIT_EXPECT_STREQ_MSG(test, names, want_names, "the report's flag names: \"order:%s\"",
			       line);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(names, "__GFP_KSWAPD_RECLAIM"),
				  "the report's flag names: \"%s\"", names);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(names, "__GFP_COMP"),
				  "the report's flag names: \"%s\"", names);
	KUNIT_EXPECT_NULL_MSG(test, strstr(names, "NOWARN"), "the report's flag names: \"%s\"",
			      names);
	ALLOC_EXPECT_NO_LINE(test, ALLOC_LINE_OOM, before[0], "the failure invoked the OOM killer");
	ALLOC_EXPECT_NO_LINE(test, ALLOC_LINE_WARNING, before[1], "the failure printed a WARNING");
}

static int alloc_failure_suite_init(struct kunit_suite *suite)
{
	int ret;

	hold_shrinker = shrinker_alloc(0, "alloc_kunit-failure");
	if (!hold_shrinker)
		return -ENOMEM;
	hold_shrinker->count_objects = hold_count;
	hold_shrinker->scan_objects = hold_scan;
	hold_shrinker->seeks = DEFAULT_SEEKS;
	hold_shrinker->batch = 1;
	shrinker_register(hold_shrinker);
	ret = register_oom_notifier(&hold_oom_nb);
	if (!ret)
		ret = alloc_kunit_console_start();
	if (ret) {
		unregister_oom_notifier(&hold_oom_nb);
		shrinker_free(hold_shrinker);
	}
	return ret;
}

static void alloc_failure_suite_exit(struct kunit_suite *suite)
{
	alloc_kunit_console_stop();
	unregister_oom_notifier(&hold_oom_nb);
	shrinker_free(hold_shrinker);
	hold_release();
	hold.mode = HOLD_NONE;
}

/*
 * Exhaustion first, then fragmentation, so that each is taken once;
 * failure_test_order_reported last: nothing may warn_alloc() after it.
 */
static struct kunit_case alloc_failure_cases[] = {
	KUNIT_CASE_PARAM(failure_test_nowarn_exhausted, exhausted_gen_params),
	KUNIT_CASE_PARAM(failure_test_nofail, nofail_gen_params),
	KUNIT_CASE_PARAM(failure_test_nowarn_frag, frag_gen_params),
	KUNIT_CASE(failure_test_order_reported),
	{}
};

struct kunit_suite alloc_failure_suite = {
	.name = "alloc_failure",
	.init = alloc_kunit_console_init,
	.suite_init = alloc_failure_suite_init,
	.suite_exit = alloc_failure_suite_exit,
	.test_cases = alloc_failure_cases,
};
