// SPDX-License-Identifier: GPL-2.0
/*
 * alloc_torture's module parameters. Each numeric one is written once,
 * with AT_PARAM(): its name, its range and what it does; the range is
 * checked when the value is set (the load fails, naming the parameter,
 * the value and the range) and is added to the description. What
 * depends on the kernel or on other parameters is checked at load by
 * at_check_params().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/stringify.h>
#include <linux/sysfs.h>

#include "alloc_torture.h"

/**
 * struct at_param - a numeric parameter's place and range
 * @val: where its value is
 * @min: the smallest value accepted
 * @max: the largest value accepted
 */
struct at_param {
	unsigned int *val;
	unsigned int min, max;
};

/*
 * As kernel/params.c param_set_uint_minmax(): a value out of the range
 * fails the load, and the error names the parameter (@kp->name), the
 * value and the range. Defaults are the at initializer's.
 */
static int at_param_set(const char *arg, const struct kernel_param *kp)
{
	const struct at_param *p = kp->arg;
	unsigned int v;
	int ret = kstrtouint(arg, 0, &v);

	if (ret) {
		pr_err("%s=%s is not a number, expected %u..%u\n", kp->name, arg, p->min, p->max);
		return ret;
	}
	if (v < p->min || v > p->max) {
		pr_err("%s=%u is out of range, expected %u..%u\n", kp->name, v, p->min, p->max);
		return -EINVAL;
	}
	*p->val = v;
	return 0;
}

static int at_param_get(char *buf, const struct kernel_param *kp)
{
	const struct at_param *p = kp->arg;

	return sysfs_emit(buf, "%u\n", *p->val);
}

static const struct kernel_param_ops at_param_ops = {
	.set = at_param_set,
	.get = at_param_get,
};

/*
 * AT_PARAM(name, field of at.p, min, max, what): one parameter, its
 * range, and its description with the range added (MODULE_PARM_DESC
 * spelled out, so that each argument is used once).
 */
#define AT_PARAM(name, field, lo, hi, what)				\
	static struct at_param at_param_##name = { &at.p.field, lo, hi }; \
	module_param_cb(name, &at_param_ops, &at_param_##name, 0444);	\
	__MODULE_INFO(parm, at_parm_##name, #name ":" what		\
		      " (" __stringify(lo) ".." __stringify(hi) ")")

AT_PARAM(duration, duration, 1, 3600, "Seconds the run lasts, default 5");
AT_PARAM(tasklets, nr_workers[AT_TASKLET], 0, AT_MAX_WORKERS,
	 "Self-rescheduling tasklets per CPU, default 1");
AT_PARAM(timers, nr_workers[AT_TIMER], 0, AT_MAX_WORKERS,
	 "timer_list timers per CPU firing every jiffy or the jiffies of 10 ms, default 4");
AT_PARAM(hrtimers_soft, nr_workers[AT_HRT_SOFT], 0, AT_MAX_WORKERS,
	 "hrtimers per CPU in HRTIMER_MODE_REL_PINNED_SOFT, default 4");
AT_PARAM(hrtimers_hard, nr_workers[AT_HRT_HARD], 0, AT_MAX_WORKERS,
	 "hrtimers per CPU in HRTIMER_MODE_REL_PINNED_HARD, default 4");
AT_PARAM(bh_works, nr_workers[AT_BH_WORK], 0, AT_MAX_WORKERS,
	 "Work items per CPU on a WQ_BH workqueue, skipped before 6.9, default 1");
AT_PARAM(works, nr_workers[AT_WORK], 0, AT_MAX_WORKERS,
	 "Work items per CPU on a normal per-CPU workqueue, default 1");
AT_PARAM(kthreads, nr_workers[AT_KTHREAD], 0, AT_MAX_WORKERS,
	 "Kthreads per CPU, bound to it, allocating with GFP_KERNEL, default 1");
AT_PARAM(batch, batch, 1, 256,
	 "Allocations per tasklet, BH work, work or kthread callback, default 32");
AT_PARAM(budget_us, budget_us, 10, 100000,
	 "Longest a timer or hrtimer firing may run, in microseconds; the workers of a kind on a CPU take at most a quarter of their period together; default 600");
AT_PARAM(pool_size, pool_size, 1, 1024, "Live objects each worker keeps, default 64");
AT_PARAM(size_dist, size_dist, 0, 3,
	 "Sizes: 0 mixed, 1 fixed, 2 uniform, 3 kmalloc class edges; default 0");
AT_PARAM(fixed_size, fixed_size, 1, 65536, "Size of size_dist=1, default 256");
AT_PARAM(min_size, min_size, 1, 65536, "Smallest size of size_dist=2, <= max_size, default 1");
AT_PARAM(max_size, max_size, 1, 65536, "Largest size of size_dist=2, default 8193");
AT_PARAM(api_mask, api_mask, 1, 31,
	 "APIs: 1 kmalloc, 2 kzalloc, 4 kmem_cache, 8 alloc_pages, 16 vmalloc; default 31");
AT_PARAM(page_order_max, page_order_max, 0, 4, "Highest alloc_pages order, default 2");
AT_PARAM(handoff_pct, handoff_pct, 0, 100,
	 "Percent of objects freed by the other side (atomic <-> process) on the next CPU, default 10");
AT_PARAM(pressure, pressure, 0, 1,
	 "1: a kthread holds memory down to the low watermark; default 0");
AT_PARAM(faults, faults, 0, 1,
	 "1: failslab/fail_page_alloc are armed, failures expected; default 0");
AT_PARAM(verbose, verbose, 0, 2,
	 "0 errors and KTAP only, 1 start and summary, 2 every failure; default 1");
AT_PARAM(setup_fail, setup_fail, 0, 64,
	 "Fail the Nth setup step with -ENOMEM, to test unwinding; 0 = never");
AT_PARAM(bench_ms, bench_ms, 0, 10000,
	 "At the end, time a process-context kmalloc/kfree loop this long; default 0");
AT_PARAM(onoff_interval, onoff_interval, 0, 60000,
	 "Milliseconds between CPU hotplug steps (a non-boot CPU offline, then online again), as torture's onoff_interval; 0 = off (default)");

struct at_ctx at = {
	.p = {
		.duration = 5,
		.nr_workers = { 1, 4, 4, 4, 1, 1, 1 },
		.batch = 32,
		.budget_us = 600,
		.timer_batch = 50,
		.hrtimer_batch = 100,
		/*
		 * 10 ms: what every kernel's hrtimers can do (without
		 * CONFIG_HIGH_RES_TIMERS, as on UML, they expire on the tick,
		 * and HZ is at least 100).
		 */
		.hrtimer_us = 10000,
		.pool_size = 64,
		.fixed_size = 256,
		.min_size = 1,
		.max_size = 8193,
		.api_mask = 0x1f,
		.page_order_max = 2,
		.handoff_pct = 10,
		.verbose = 1,
		/*
		 * Without pressure or fault injection, each kind must hand
		 * out at least min_rate * duration allocations that succeeded
		 * and passed every check (each of its workers its share), or
		 * it fails: a context whose allocations fail, or whose timers
		 * stopped firing, verifies nothing. The floors, per second of
		 * run for the whole kind, are for the default parameters. On
		 * UML, on a 2-core host shared by 8 sessions (load average 4.5
		 * to 7), the lowest of seven runs (3 make bench, 4 make check:
		 * the lowest worker's count times the workers) were: tasklet
		 * 9,500/s, timer 8,300, soft hrtimer 16,000, hard hrtimer
		 * 27,900, BH work 14,000, work 4,800, kthread 4,800. The floors
		 * are about five times below, so that a stress kernel sharing
		 * the host with another tier still passes: 2,000, 1,500,
		 * 3,000, 5,000, 2,500, 800 and 800. They are for the whole
		 * kind, whatever the number of CPUs.
		 */
		.min_rate = { 2000, 1500, 3000, 5000, 2500, 800, 800 },
	},
	.lock = __SPIN_LOCK_UNLOCKED(at.lock),
	.tree = RB_ROOT,
	.live = ATOMIC_LONG_INIT(0),
	.quarantined = ATOMIC_LONG_INIT(0),
	.hp_state = -1,
	.rate_scale_pm = 1000,
	.finish_lock = __MUTEX_INITIALIZER(at.finish_lock),
	.hog_lock = __SPIN_LOCK_UNLOCKED(at.hog_lock),
	.hog_pages = LIST_HEAD_INIT(at.hog_pages),
	.free_min_seen = ULONG_MAX,
	.hog_shrunk = ATOMIC_LONG_INIT(0),
};

/* Parameters whose range depends on the kernel or on other parameters. */
module_param_named(timer_batch, at.p.timer_batch, uint, 0444);
MODULE_PARM_DESC(timer_batch, "Allocations per timer_list firing, 5 us each must fit in budget_us (1..budget_us/5, default 50)");
module_param_named(hrtimer_batch, at.p.hrtimer_batch, uint, 0444);
MODULE_PARM_DESC(hrtimer_batch, "Allocations per hrtimer firing, 5 us each must fit in budget_us (1..budget_us/5, default 100)");
module_param_named(hrtimer_us, at.p.hrtimer_us, uint, 0444);
MODULE_PARM_DESC(hrtimer_us, "hrtimer period in microseconds (the hrtimer resolution, 10000 on UML, ..1000000; default 10000)");
module_param_named(seed, at.p.seed, ulong, 0444);
MODULE_PARM_DESC(seed, "PRNG seed, same seed same choices (0 = random, printed; default 0)");
module_param_array_named(min_rate, at.p.min_rate, uint, &at.p.nr_min_rate, 0444);
MODULE_PARM_DESC(min_rate, "Verified allocations per second each kind must reach, without pressure or faults: one value for all, or tasklet,timer,hrtimer_soft,hrtimer_hard,bh_work,work,kthread (0..1000000 each, 0 = no minimum)");

/**
 * at_hrtimer_us_min() - the shortest hrtimer period this kernel can do
 *
 * Return: the hrtimer resolution in microseconds, at least 1.
 */
unsigned int at_hrtimer_us_min(void)
{
	return max_t(unsigned int, 1, DIV_ROUND_UP(hrtimer_resolution, NSEC_PER_USEC));
}

/**
 * at_batch_max() - the largest timer or hrtimer batch that fits budget_us
 *
 * Return: budget_us over AT_OP_NS, what one operation may take.
 */
unsigned int at_batch_max(void)
{
	return div_u64((u64)at.p.budget_us * NSEC_PER_USEC, AT_OP_NS);
}

/**
 * at_check_params() - reject any parameter out of range
 *
 * The error names the parameter, its value and the range expected.
 *
 * Return: 0, or -EINVAL.
 */
int at_check_params(void)
{
	const struct {
		const char *name;
		unsigned int val;
	} batches[] = {
		{ "timer_batch", at.p.timer_batch },
		{ "hrtimer_batch", at.p.hrtimer_batch },
	};
	unsigned int batch_max = at_batch_max();
	unsigned int i, k, total = 0, hrt_min = at_hrtimer_us_min();
	u64 period_us = AT_TIMER_JIFFIES * TICK_NSEC / NSEC_PER_USEC;
	struct at_params *p = &at.p;

	/* One value for every kind, or one per kind. */
	if (p->nr_min_rate == 1)
		for (k = 1; k < AT_NR_KINDS; k++)
			p->min_rate[k] = p->min_rate[0];
	for (k = 0; k < AT_NR_KINDS; k++) {
		if (p->min_rate[k] > 1000000) {
			pr_err("min_rate=%u is out of range (%s), expected 0..1000000\n",
			       p->min_rate[k], at_kinds[k]->name);
			return -EINVAL;
		}
	}
	/* What the timer can do: its resolution (the tick without high-res timers). */
	if (p->hrtimer_us < hrt_min || p->hrtimer_us > 1000000) {
		pr_err("hrtimer_us=%u is out of range, expected %u..1000000 (the hrtimer resolution of this kernel is %u ns%s)\n",
		       p->hrtimer_us, hrt_min, hrtimer_resolution,
		       IS_ENABLED(CONFIG_HIGH_RES_TIMERS) ? "" :
		       ", without CONFIG_HIGH_RES_TIMERS: hrtimers expire on the tick");
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(batches); i++) {
		if (batches[i].val < 1 || batches[i].val > batch_max) {
			pr_err("%s=%u is out of range, expected 1..%u: %u operations at up to %lu us each would exceed budget_us=%u\n",
			       batches[i].name, batches[i].val, batch_max,
			       batches[i].val, AT_OP_NS / NSEC_PER_USEC, p->budget_us);
			return -EINVAL;
		}
	}
	/* The workers of one timer kind on a CPU fire together: their budgets add up. */
	for (k = AT_TIMER; k <= AT_HRT_HARD; k++) {
		u64 us = k == AT_TIMER ? period_us : p->hrtimer_us;
		unsigned int n = p->nr_workers[k];

		if ((u64)n * p->budget_us * AT_TIMER_SHARE > us) {
			pr_err("budget_us=%u is out of range, expected 10..%llu: %u %s workers would take up to %llu us of each %llu us period, over a quarter\n",
			       p->budget_us, div_u64(us, AT_TIMER_SHARE * n), n,
			       at_kinds[k]->name, (u64)n * p->budget_us, us);
			return -EINVAL;
		}
	}
	if (p->min_size > p->max_size) {
		pr_err("min_size=%u is above max_size=%u, expected min_size <= max_size\n",
		       p->min_size, p->max_size);
		return -EINVAL;
	}
	for (k = 0; k < AT_NR_KINDS; k++)
		total += at_skip_reason(k) ? 0 : p->nr_workers[k];
	if (!total) {
		pr_err("every worker count is 0 (tasklets, timers, ...), expected at least one worker\n");
		return -EINVAL;
	}
	return 0;
}
