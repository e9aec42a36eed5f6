// SPDX-License-Identifier: GPL-2.0
/*
 * Contracts of allocation contexts: GFP_ATOMIC and GFP_NOWAIT allocations
 * (kmalloc, kmem_cache_alloc, alloc_pages) succeed with a spinlock held
 * and interrupts off, with preemption off, in softirq (a tasklet and the
 * BH workqueue) and in hardirq (an hrtimer in HARD mode), and leave no
 * "sleeping function called from invalid context" report
 * (CONFIG_DEBUG_ATOMIC_SLEEP).
 *
 * Each (context, gfp) pair is a row of a table; the code runs in the
 * context, which it checks it is really in, allocates with all three
 * APIs, frees, and the test counts the reports on the console. The last
 * case is the control: a GFP_KERNEL allocation with preemption off must
 * produce the report, so the absence of one above means something. The
 * report is rate-limited to one per second: every case first waits out
 * the second after the last report seen (alloc_kunit_might_sleep_ready(),
 * which costs nothing on a kernel that keeps the contract), and the
 * control runs last in the module, so that no check follows it.
 */
#include <kunit/test.h>
#include <linux/bottom_half.h>
#include <linux/completion.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "alloc_kunit.h"

/* Longest wait for a callback; on UML a tick is 10 ms. */
#define CALLBACK_TIMEOUT	(2 * HZ)

enum ctx_kind { CTX_SPINLOCK_IRQ, CTX_PREEMPT_OFF, CTX_TASKLET, CTX_BH_WORK, CTX_HARDIRQ };

static const char * const ctx_names[] = {
	[CTX_SPINLOCK_IRQ] = "spinlock held, irqs off",
	[CTX_PREEMPT_OFF] = "preemption off",
	[CTX_TASKLET] = "softirq (tasklet)",
	[CTX_BH_WORK] = "softirq (BH workqueue)",
	[CTX_HARDIRQ] = "hardirq (hrtimer, HARD mode)",
};

struct context_case {
	const char *name;
	enum ctx_kind ctx;
	gfp_t gfp;
};

static const struct context_case context_cases[] = {
	{ "spinlock_irq_GFP_ATOMIC", CTX_SPINLOCK_IRQ, GFP_ATOMIC },
	{ "spinlock_irq_GFP_NOWAIT", CTX_SPINLOCK_IRQ, GFP_NOWAIT },
	{ "preempt_off_GFP_ATOMIC", CTX_PREEMPT_OFF, GFP_ATOMIC },
	{ "preempt_off_GFP_NOWAIT", CTX_PREEMPT_OFF, GFP_NOWAIT },
	{ "tasklet_GFP_ATOMIC", CTX_TASKLET, GFP_ATOMIC },
	{ "tasklet_GFP_NOWAIT", CTX_TASKLET, GFP_NOWAIT },
	{ "bh_work_GFP_ATOMIC", CTX_BH_WORK, GFP_ATOMIC },
	{ "bh_work_GFP_NOWAIT", CTX_BH_WORK, GFP_NOWAIT },
	{ "hardirq_GFP_ATOMIC", CTX_HARDIRQ, GFP_ATOMIC },
	{ "hardirq_GFP_NOWAIT", CTX_HARDIRQ, GFP_NOWAIT },
};

static void context_desc(const struct context_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(context, context_cases, context_desc);

enum api { API_KMALLOC, API_KMEM_CACHE, API_PAGES, NR_APIS };

static const char * const api_names[] = {
	[API_KMALLOC] = "kmalloc(200)",
	[API_KMEM_CACHE] = "kmem_cache_alloc",
	[API_PAGES] = "alloc_pages(order 1)",
};

/* One run of the allocations in a context, and what it found there. */
struct ctx_run {
	const struct context_case *c;
	bool allocated[NR_APIS];
	bool in_context;	/* the context checks held when the code ran */
	struct completion done;
	struct tasklet_struct tasklet;
	struct work_struct work;
	struct hrtimer timer;
};

static struct kmem_cache *ctx_cache;
static DEFINE_SPINLOCK(ctx_lock);

/* Allocate and free with every API, recording which allocations worked. */
static void do_allocs(struct ctx_run *r)
{
	struct page *page;
	void *p;

	p = kmalloc(200, r->c->gfp);
	r->allocated[API_KMALLOC] = p;
	kfree(p);
	p = kmem_cache_alloc(ctx_cache, r->c->gfp);
	r->allocated[API_KMEM_CACHE] = p;
	if (p)
		kmem_cache_free(ctx_cache, p);
	page = alloc_pages(r->c->gfp, 1);
	r->allocated[API_PAGES] = page;
	if (page)
		__free_pages(page, 1);
}

static void run_tasklet(struct tasklet_struct *t)
{
	struct ctx_run *r = from_tasklet(r, t, tasklet);

	r->in_context = in_serving_softirq() && !in_hardirq();
	do_allocs(r);
	complete(&r->done);
}

static void run_bh_work(struct work_struct *w)
{
	struct ctx_run *r = container_of(w, struct ctx_run, work);

	r->in_context = in_serving_softirq() && !in_hardirq();
	do_allocs(r);
	complete(&r->done);
}

static enum hrtimer_restart run_hrtimer(struct hrtimer *t)
{
	struct ctx_run *r = container_of(t, struct ctx_run, timer);

	r->in_context = in_hardirq() && irqs_disabled();
	do_allocs(r);
	complete(&r->done);
	return HRTIMER_NORESTART;
}

/* Run do_allocs() in the context of row @r->c; false on a timeout. */
static bool run_in_context(struct ctx_run *r)
{
	unsigned long flags;

	init_completion(&r->done);
	switch (r->c->ctx) {
	case CTX_SPINLOCK_IRQ:
		spin_lock_irqsave(&ctx_lock, flags);
		r->in_context = irqs_disabled() && !preemptible();
		do_allocs(r);
		spin_unlock_irqrestore(&ctx_lock, flags);
		return true;
	case CTX_PREEMPT_OFF:
		preempt_disable();
		r->in_context = !preemptible() && !irqs_disabled();
		do_allocs(r);
		preempt_enable();
		return true;
	case CTX_TASKLET:
		tasklet_setup(&r->tasklet, run_tasklet);
		tasklet_schedule(&r->tasklet);
		if (!wait_for_completion_timeout(&r->done, CALLBACK_TIMEOUT)) {
			tasklet_kill(&r->tasklet);
			return false;
		}
		tasklet_kill(&r->tasklet);
		return true;
	case CTX_BH_WORK:
		INIT_WORK(&r->work, run_bh_work);
		queue_work(system_bh_wq, &r->work);
		if (!wait_for_completion_timeout(&r->done, CALLBACK_TIMEOUT)) {
			cancel_work_sync(&r->work);
			return false;
		}
		flush_work(&r->work);
		return true;
	case CTX_HARDIRQ:
		hrtimer_init(&r->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
		r->timer.function = run_hrtimer;
		hrtimer_start(&r->timer, ns_to_ktime(100 * NSEC_PER_USEC), HRTIMER_MODE_REL_HARD);
		if (!wait_for_completion_timeout(&r->done, CALLBACK_TIMEOUT)) {
			hrtimer_cancel(&r->timer);
			return false;
		}
		hrtimer_cancel(&r->timer);
		return true;
	}
	return false;
}

/* GFP_ATOMIC and GFP_NOWAIT work in every atomic context, silently. */
static void context_test_atomic_alloc(struct kunit *test)
{
	const struct context_case *c = test->param_value;
	struct ctx_run *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	unsigned int reports;
	int api;

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->c = c;
	alloc_kunit_might_sleep_ready();
	reports = alloc_kunit_console_count(ALLOC_LINE_MIGHT_SLEEP);
	KUNIT_ASSERT_TRUE_MSG(test, run_in_context(r), "%s: the callback never ran",
			      ctx_names[c->ctx]);
	KUNIT_EXPECT_TRUE_MSG(test, r->in_context, "the code did not run in %s",
			      ctx_names[c->ctx]);
	for (api = 0; api < NR_APIS; api++)
		KUNIT_EXPECT_TRUE_MSG(test, r->allocated[api], "%s with %s in %s returned NULL",
				      api_names[api], c->name, ctx_names[c->ctx]);
	ALLOC_EXPECT_NO_LINE(test, ALLOC_LINE_MIGHT_SLEEP, reports,
			     "%s allocations in %s produced a might_sleep report", c->name,
			     ctx_names[c->ctx]);
}

/*
 * The control: GFP_KERNEL with preemption off is reported. Without this
 * report, the silence checked above would prove nothing.
 */
static void context_test_gfp_kernel_caught(struct kunit *test)
{
	unsigned int seen;
	void *p;

	ALLOC_TEST_REQUIRES(test, IS_ENABLED(CONFIG_DEBUG_ATOMIC_SLEEP));
	alloc_kunit_might_sleep_ready();
	alloc_kunit_expect_report_begin(ALLOC_REPORT_MIGHT_SLEEP, 1);
	preempt_disable();
	p = kmalloc(64, GFP_KERNEL);
	preempt_enable();
	alloc_kunit_expect_report_end();
	kfree(p);
	seen = alloc_kunit_console_count(ALLOC_LINE_MIGHT_SLEEP);
	KUNIT_EXPECT_EQ_MSG(test, seen, 1,
			    "kmalloc(GFP_KERNEL) with preemption off printed %u \"%s\" reports, expected 1",
			    seen, ALLOC_MIGHT_SLEEP_REPORT);
}

static int alloc_context_suite_init(struct kunit_suite *suite)
{
	int ret;

	ctx_cache = kmem_cache_create("alloc_kunit_context", 96, 0, 0, NULL);
	if (!ctx_cache)
		return -ENOMEM;
	ret = alloc_kunit_console_start();
	if (ret)
		kmem_cache_destroy(ctx_cache);
	return ret;
}

static void alloc_context_suite_exit(struct kunit_suite *suite)
{
	alloc_kunit_console_stop();
	kmem_cache_destroy(ctx_cache);
}

static struct kunit_case alloc_context_cases[] = {
	KUNIT_CASE_PARAM(context_test_atomic_alloc, context_gen_params),
	/* Last (and its suite last): no might_sleep check runs after its report. */
	KUNIT_CASE(context_test_gfp_kernel_caught),
	{}
};

struct kunit_suite alloc_context_suite = {
	.name = "alloc_context",
	.suite_init = alloc_context_suite_init,
	.suite_exit = alloc_context_suite_exit,
	.init = alloc_kunit_console_init,
	.test_cases = alloc_context_cases,
};
