// SPDX-License-Identifier: GPL-2.0
/*
 * alloc_torture: allocations hammered from every kind of context at once,
 * on every CPU, every object verified.
 *
 * Workers of seven kinds run together on every CPU online at load:
 * self-rescheduling tasklets, timer_list timers firing every 10 ms (or jiffy),
 * hrtimers in soft and hard mode re-armed every hrtimer_us on their
 * period's grid, BH work items (WQ_BH, where the kernel has it), normal
 * work items and kthreads, each pinned or bound to its CPU. Every kind
 * does a bounded batch per firing, cut at a time budget (budget_us for
 * timers and hrtimers); several timers of a kind fire side by side, so
 * that interrupt contexts see thousands of allocations a second even
 * where hrtimers cannot fire more often than the tick. Atomic workers
 * allocate with GFP_ATOMIC or GFP_NOWAIT, process workers with GFP_KERNEL,
 * through kmalloc, kzalloc, kmem_cache_alloc, alloc_pages and (process
 * context only) vmalloc, with sizes that are fixed, uniform in a range,
 * or on and just past every kmalloc class edge.
 *
 * What is verified, per object: zeroed memory is zero when handed out,
 * kmalloc alignment holds, the allocation left the caller's context
 * (preempt count, irq state) as it was, the object overlaps no other live
 * object (an rbtree of every live range), and its header (owner, sequence
 * number, size) and fill pattern are intact when it is freed. Objects live
 * a random while in a bounded per-worker pool; some are handed to a worker
 * of the other side (atomic to process context and back) on the next CPU
 * and freed there: on SMP, the allocators' remote-free paths.
 *
 * With onoff_interval, the non-boot CPUs go offline and come back during
 * the run, as with torture's onoff; a CPU's workers quiesce while it is
 * away, keeping their objects, and start again when it comes back.
 *
 * Pressure mode adds a kthread that holds pages down to the low
 * watermark; fault mode (failslab/fail_page_alloc, set up by the script)
 * makes failures expected. A failure is an error only when a GFP_KERNEL
 * allocation fails without either.
 *
 * The run ends by itself after @duration seconds; rmmod stops it at any
 * moment. Statistics, one "key: value" per line, are readable while it
 * runs in /sys/kernel/debug/alloc_torture/stats; at the end a KTAP report
 * with one test per worker kind, one for cross-CPU frees and one for CPU
 * hotplug goes to the kernel log.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "alloc_torture.h"

/*
 * The sizes of the tight loops below, drawn from the seed up front: the
 * loops time the allocator, not the PRNG. Static, not on the stack (a
 * worker and 1 KiB of sizes overflow the frame limit in a KASAN build):
 * the loops run once, after the workers.
 */
static u32 at_loop_sizes[256];

static void at_draw_loop_sizes(void)
{
	static struct at_worker w;
	unsigned int i;

	memset(&w, 0, sizeof(w));
	w.kind = AT_KTHREAD;
	prandom_seed_state(&w.rnd, at.p.seed);
	for (i = 0; i < ARRAY_SIZE(at_loop_sizes); i++) {
		struct at_choice c;

		at_choose(&w, &c);
		at_loop_sizes[i] = c.size;
	}
}

/* A tight process-context kmalloc/kfree loop for @limit ns: its operations and time. */
static void at_tight_loop(u64 limit, unsigned long *ops, u64 *ns)
{
	u64 t0 = ktime_get_ns();
	unsigned int i;

	do {
		for (i = 0; i < ARRAY_SIZE(at_loop_sizes); i++)
			kfree(kmalloc(at_loop_sizes[i], GFP_KERNEL));
		*ops += ARRAY_SIZE(at_loop_sizes);
		*ns = ktime_get_ns() - t0;
		cond_resched();
	} while (*ns < limit);
}

/*
 * The rate floors (min_rate) are for the reference speed: UML on a quiet
 * 2-core host, where this loop does 2.8 to 3.4 million operations a
 * second (make bench's ceiling). A kernel or host that is slower (x86_64
 * under TCG: 5 to 10 times; any target on a host other sessions load)
 * gets floors scaled down by as much, measured right after the run with
 * the same loop, so that a floor still catches a context that stopped
 * and not a slow machine. Never above the reference: at most 1000 per mille.
 */
#define AT_REF_OPS_PER_S	2500000
#define AT_SPEED_NS		(50 * NSEC_PER_MSEC)

static void at_measure_speed(void)
{
	unsigned long ops = 0;
	u64 ns = 0;

	at_tight_loop(AT_SPEED_NS, &ops, &ns);
	at.speed_ops_per_s = div64_u64((u64)ops * NSEC_PER_SEC, ns ?: 1);
	at.rate_scale_pm = clamp_t(u64, div_u64((u64)at.speed_ops_per_s * 1000,
						AT_REF_OPS_PER_S), 1, 1000);
}

/* The process-context ceiling for make bench: tight kmalloc/kfree. */
static void at_measure_ceiling(void)
{
	u64 t0, limit = (u64)at.p.bench_ms * NSEC_PER_MSEC;
	unsigned int i;

	at_tight_loop(limit, &at.ceiling_ops, &at.ceiling_ns);
	t0 = ktime_get_ns();
	do {
		for (i = 0; i < ARRAY_SIZE(at_loop_sizes); i++) {
			u64 t1 = ktime_get_ns();
			void *p = kmalloc(at_loop_sizes[i], GFP_KERNEL);
			u64 t2 = ktime_get_ns();

			kfree(p);
			at.ceiling_free_ns += ktime_get_ns() - t2;
			at.ceiling_alloc_ns += t2 - t1;
		}
		at.ceiling_timed_ops += ARRAY_SIZE(at_loop_sizes);
		cond_resched();
	} while (ktime_get_ns() - t0 < limit);
}

/* Free what is left once every worker stopped, in process context; false on an error. */
static bool at_free_all(void)
{
	struct at_worker dummy = { .kind = AT_KTHREAD };
	unsigned int k, i, s;
	struct at_obj *obj;

	for (k = 0; k < AT_NR_KINDS; k++) {
		for (i = 0; i < at.nr[k]; i++) {
			struct at_worker *w = &at.workers[k][i];

			for (s = 0; s < at.p.pool_size; s++) {
				if (!w->pool[s])
					continue;
				at_release(w, w->pool[s]);
				w->pool[s] = NULL;
			}
		}
	}
	for (i = 0; i < at.nr_cpus; i++) {
		struct at_cpu *c = &at.cpus[i];

		if (!c->to_process.slot || !c->to_atomic.slot)
			continue;
		while ((obj = at_ring_pop(&c->to_process)) ||
		       (obj = at_ring_pop(&c->to_atomic)))
			at_release(&dummy, obj);
	}
	return !dummy.st.errors;
}

/* One KTAP test line, with its reason when skipped. */
static void at_ktap(unsigned int n, const char *name, const char *res, const char *skip)
{
	if (skip)
		pr_info("ok %u %s # SKIP %s\n", n, name, skip);
	else
		pr_info("%s %u %s\n", strcmp(res, "pass") ? "not ok" : "ok", n, name);
}

/* The KTAP report: one test per kind, cross-CPU frees, CPU hotplug; false on a failure. */
static bool at_report(void)
{
	unsigned int k, n = 0;
	bool pass = true;

	pr_info("KTAP version 1\n");
	pr_info("1..%d\n", AT_NR_KINDS + 2);
	for (k = 0; k < AT_NR_KINDS; k++) {
		const char *name = at_kinds[k]->name;
		const char *skip = at_skip_reason(k);
		struct at_stats st;
		const char *res;

		at_kind_stats(k, &st);
		res = at_kind_result(k, &st);
		if (!strcmp(res, "fail"))
			pass = false;
		pr_info("# %s: ops %lu verified %lu bytes %lu failures %lu unexpected %lu errors %lu handoffs %lu/%lu\n",
			name, st.ops, st.verified, st.bytes, st.failures,
			st.unexpected, st.errors, st.handoffs_out, st.handoffs_in);
		if (!skip)
			pr_info("# %s: verified allocations per worker: lowest %lu, minimum %lu; firings %lu, longest %llu us, budget %llu us\n",
				name, st.verified_min, at_min_verified(k),
				st.firings, div_u64(st.longest_ns, NSEC_PER_USEC),
				div_u64(at_kind_budget_ns(k), NSEC_PER_USEC));
		at_ktap(++n, name, res, skip);
	}
	pr_info("# cross_cpu: %lu objects freed on another CPU than the one that allocated them, %u CPUs\n",
		at_cross_cpu_frees(), at.nr_cpus);
	if (!strcmp(at_cross_cpu_result(), "fail"))
		pass = false;
	at_ktap(++n, "cross_cpu", at_cross_cpu_result(), at_cross_cpu_skip_reason());
	pr_info("# cpu_hotplug: onoff_interval %u ms, %lu offline/online cycles, %lu offline failures, %lu online failures\n",
		at.p.onoff_interval, at.onoff_cycles, at.offline_failures, at.online_failures);
	if (!strcmp(at_onoff_result(), "fail"))
		pass = false;
	at_ktap(++n, "cpu_hotplug", at_onoff_result(), at_onoff_skip_reason());
	return pass;
}

/**
 * at_finish() - stop every worker, free everything
 * @report: print the KTAP report (the run ended by itself)
 *
 * Once only; later calls return at once.
 */
void at_finish(bool report)
{
	bool pass = true;

	mutex_lock(&at.finish_lock);
	if (at.finished)
		goto out;
	WRITE_ONCE(at.stop, true);
	smp_mb();	/* workers see the stop before we wait for them */
	/* First the CPUs back online, then every CPU's workers stopped. */
	at_onoff_stop();
	at_cpus_stop();
	if (at.hog) {
		kthread_stop(at.hog);
		at.hog = NULL;
	}
	at_hog_shrinker_unregister();
	/* Everything is stopped: free what is left, in process context. */
	if (!at_free_all())
		pass = false;
	/* Measured with every worker stopped: the uncontended speed and ceiling. */
	if (report) {
		at_draw_loop_sizes();
		at_measure_speed();
		if (at.p.bench_ms)
			at_measure_ceiling();
	}
	if (atomic_long_read(&at.live) || atomic_long_read(&at.quarantined))
		pass = false;
	if (report) {
		if (!at_report())
			pass = false;
		if (atomic_long_read(&at.live) || atomic_long_read(&at.quarantined))
			pr_err("%ld objects still live, %ld quarantined after the run\n",
			       atomic_long_read(&at.live), atomic_long_read(&at.quarantined));
	}
	WRITE_ONCE(at.passed, pass);
	at.finished = true;
	smp_wmb();	/* the stats reader sees the results before done */
	WRITE_ONCE(at.done, true);
out:
	mutex_unlock(&at.finish_lock);
}

static void at_end_fn(struct work_struct *work)
{
	at_finish(true);
}

/* Free what setup took; every pointer may still be NULL. */
static void at_teardown(void)
{
	unsigned int k, i;

	for (k = 0; k < AT_NR_KINDS; k++) {
		if (!at.workers[k])
			continue;
		for (i = 0; i < at.nr[k]; i++)
			kfree(at.workers[k][i].pool);
		kfree(at.workers[k]);
		at.workers[k] = NULL;
		at.nr[k] = 0;
	}
	if (at.bh_wq)
		destroy_workqueue(at.bh_wq);
	if (at.wq)
		destroy_workqueue(at.wq);
	at.bh_wq = NULL;
	at.wq = NULL;
	kmem_cache_destroy(at.cache);
	at.cache = NULL;
	for (i = 0; at.cpus && i < at.nr_cpus; i++) {
		kfree(at.cpus[i].to_process.slot);
		kfree(at.cpus[i].to_atomic.slot);
	}
	kfree(at.cpus);
	at.cpus = NULL;
	kfree(at.cpu_of);
	at.cpu_of = NULL;
	kfree(at.handles);
	at.handles = NULL;
}

/* The CPUs of the run: those online now, up to AT_MAX_CPUS; 0 or -ENOMEM. */
static int at_setup_cpus(void)
{
	unsigned int cpu, n = 0;

	at.cpu_of = at_setup_fault() ? NULL :
		kcalloc(nr_cpu_ids, sizeof(*at.cpu_of), GFP_KERNEL);
	at.cpus = at_setup_fault() ? NULL :
		kcalloc(min_t(unsigned int, num_online_cpus(), AT_MAX_CPUS),
			sizeof(*at.cpus), GFP_KERNEL);
	if (!at.cpu_of || !at.cpus)
		return -ENOMEM;
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct at_cpu *c = &at.cpus[n];

		if (n == min_t(unsigned int, num_online_cpus(), AT_MAX_CPUS))
			break;
		c->cpu = cpu;
		c->index = n++;
		at_cpu_init(c);
		at.cpu_of[cpu] = c;
	}
	cpus_read_unlock();
	at.nr_cpus = n;
	return 0;
}

/* Per CPU, a ring each way for the handed-over objects; 0 or -ENOMEM. */
static int at_setup_rings(void)
{
	unsigned int i;

	for (i = 0; i < at.nr_cpus; i++) {
		struct at_cpu *c = &at.cpus[i];

		c->to_process.slot = at_setup_fault() ? NULL :
			kcalloc(AT_RING_SLOTS, sizeof(*c->to_process.slot), GFP_KERNEL);
		c->to_atomic.slot = at_setup_fault() ? NULL :
			kcalloc(AT_RING_SLOTS, sizeof(*c->to_atomic.slot), GFP_KERNEL);
		if (!c->to_process.slot || !c->to_atomic.slot)
			return -ENOMEM;
		c->to_process.size = AT_RING_SLOTS;
		c->to_atomic.size = AT_RING_SLOTS;
	}
	return 0;
}

/* Every kind's workers, CPU by CPU (not started); 0 or -ENOMEM. */
static int at_setup_workers(void)
{
	unsigned int k, i;

	for (k = 0; k < AT_NR_KINDS; k++) {
		unsigned int per_cpu = at_skip_reason(k) ? 0 : at.p.nr_workers[k];
		unsigned int n = per_cpu * at.nr_cpus;

		if (!n)
			continue;
		at.workers[k] = at_setup_fault() ? NULL :
			kcalloc(n, sizeof(*at.workers[k]), GFP_KERNEL);
		if (!at.workers[k])
			return -ENOMEM;
		for (i = 0; i < n; i++) {
			/* Counted first: at_teardown frees a half-set-up worker too. */
			at.nr[k]++;
			if (at_setup_worker(&at.workers[k][i], k, i, &at.cpus[i / per_cpu]))
				return -ENOMEM;
		}
	}
	return 0;
}

/* One handle per pool or ring slot: a free slot always finds one. */
static int at_setup_handles(void)
{
	unsigned int k, i, nr = 2 * AT_RING_SLOTS * at.nr_cpus;

	for (k = 0; k < AT_NR_KINDS; k++)
		nr += at.nr[k] * at.p.pool_size;
	at.handles = at_setup_fault() ? NULL :
		kcalloc(nr, sizeof(*at.handles), GFP_KERNEL);
	if (!at.handles)
		return -ENOMEM;
	at.free_handles = NULL;
	for (i = 0; i < nr; i++) {
		at.handles[i].next_free = at.free_handles;
		at.free_handles = &at.handles[i];
	}
	return 0;
}

/* The pressure hog and its shrinker, when asked for; 0 or -ENOMEM. */
static int at_setup_hog(void)
{
	struct task_struct *t;

	if (!at.p.pressure)
		return 0;
	if (at_setup_fault() || at_hog_shrinker_register())
		return -ENOMEM;
	t = at_setup_fault() ? ERR_PTR(-ENOMEM) :
		kthread_create(at_hog_fn, NULL, "alloc_torture/hog");
	if (IS_ERR(t))
		return -ENOMEM;
	at.hog = t;
	return 0;
}

/* Start the run: its clock, its end, the hog, the hotplug kthread, the workers. */
static void at_start_run(void)
{
	/* The end work runs a jiffy after the workers stop re-arming. */
	at.start = jiffies;
	at.start_ns = ktime_get_ns();
	WRITE_ONCE(at.end, at.start + at.p.duration * HZ);
	queue_delayed_work(system_wq, &at.end_work, at.p.duration * HZ + 1);
	if (at.hog)
		wake_up_process(at.hog);
	at_cpus_start();
	if (at.onoff)
		wake_up_process(at.onoff);
}

static int __init at_init(void)
{
	struct at_params *p = &at.p;
	unsigned int i;
	int ret = at_check_params();

	if (ret)
		return ret;
	if (!p->seed)
		p->seed = get_random_u64() ?: 1;
	at_init_edges();
	INIT_DELAYED_WORK(&at.end_work, at_end_fn);
	ret = -ENOMEM;

	at.cache = at_setup_fault() ? NULL :
		kmem_cache_create("alloc_torture", AT_CACHE_SIZE, 0, AT_CACHE_FLAGS, NULL);
	if (!at.cache)
		goto fail;
	/* Per CPU (not WQ_UNBOUND): work is queued on its worker's CPU. */
	at.wq = at_setup_fault() ? NULL : alloc_workqueue("alloc_torture", 0, 0);
	if (!at.wq)
		goto fail;
#ifdef AT_HAVE_WQ_BH
	if (p->nr_workers[AT_BH_WORK]) {
		at.bh_wq = at_setup_fault() ? NULL : alloc_workqueue("alloc_torture_bh", WQ_BH, 0);
		if (!at.bh_wq)
			goto fail;
	}
#endif
	if (at_setup_cpus() || at_setup_workers() || at_setup_rings() ||
	    at_setup_handles() || at_setup_hog())
		goto fail;
	ret = at_cpus_register();
	if (ret)
		goto fail;
	ret = at_onoff_create();
	if (ret)
		goto fail;
	at_debugfs_init();

	if (p->verbose)
		pr_info("start: duration=%u seed=%lu size_dist=%u api_mask=%#x pool_size=%u batch=%u timer_batch=%u hrtimer_batch=%u hrtimer_us=%u budget_us=%u pressure=%u faults=%u workers=%u/%u/%u/%u/%u/%u/%u cpus=%u onoff_interval=%u\n",
			p->duration, p->seed, p->size_dist, p->api_mask, p->pool_size,
			p->batch, p->timer_batch, p->hrtimer_batch, p->hrtimer_us,
			p->budget_us, p->pressure, p->faults,
			at.nr[AT_TASKLET], at.nr[AT_TIMER], at.nr[AT_HRT_SOFT],
			at.nr[AT_HRT_HARD], at.nr[AT_BH_WORK], at.nr[AT_WORK],
			at.nr[AT_KTHREAD], at.nr_cpus, p->onoff_interval);
	at_start_run();
	return 0;

fail:
	/* The script checks that the step it asked for is the one that failed. */
	if (at.failed_step)
		pr_err("setup step %u failed (setup_fail): unwinding\n", at.failed_step);
	else
		pr_err("setup failed at or after step %u: unwinding\n", at.setup_step);
	/* Nothing was started: kthreads created but never woken are stopped. */
	for (i = 0; i < at.nr[AT_KTHREAD]; i++)
		if (at.workers[AT_KTHREAD][i].task)
			kthread_stop(at.workers[AT_KTHREAD][i].task);
	if (at.hog)
		kthread_stop(at.hog);
	at.hog = NULL;
	at_onoff_stop();
	if (at.hp_state >= 0)
		cpuhp_remove_state_nocalls(at.hp_state);
	at.hp_state = -1;
	at_hog_shrinker_unregister();
	at_teardown();
	return ret;
}

static void __exit at_exit(void)
{
	bool was_done = READ_ONCE(at.done);

	debugfs_remove_recursive(at.dir);
	cancel_delayed_work_sync(&at.end_work);
	/* Stopped early: no KTAP, but every object is still checked and freed. */
	at_finish(false);
	if (atomic_long_read(&at.live) || atomic_long_read(&at.quarantined))
		pr_err("unload: %ld objects still live, %ld quarantined\n",
		       atomic_long_read(&at.live), atomic_long_read(&at.quarantined));
	else if (at.p.verbose)
		pr_info("unload: %s, every object freed\n",
			was_done ? "run was over" : "run stopped early");
	at_teardown();
}

module_init(at_init);
module_exit(at_exit);

MODULE_DESCRIPTION("Allocation stress from every context at once, every object verified");
MODULE_LICENSE("GPL");
MODULE_INFO(test, "Y");
