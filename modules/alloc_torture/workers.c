// SPDX-License-Identifier: GPL-2.0
/*
 * alloc_torture's workers: one ops table per kind (tasklet, timer,
 * hrtimer soft and hard, BH work, work, kthread), every kind on every CPU
 * of the run. A CPU's workers are started on that CPU and stopped by the
 * CPU hotplug callbacks (CPUHP_AP_ONLINE_DYN): when the CPU goes offline
 * they quiesce, keeping their objects, and start again when it comes
 * back. With onoff_interval, a kthread cycles the non-boot CPUs offline
 * and online as torture's onoff does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/sched.h>

#include "alloc_torture.h"

/**
 * at_setup_fault() - count a setup step
 *
 * Return: true when this step must fail (setup_fail).
 */
bool at_setup_fault(void)
{
	if (++at.setup_step != at.p.setup_fail)
		return false;
	at.failed_step = at.setup_step;
	return true;
}

/**
 * at_skip_reason() - why @kind does not run
 * @kind: a worker kind
 *
 * Return: the reason, or NULL when it runs.
 */
const char *at_skip_reason(enum at_kind kind)
{
	const char *why = at_kinds[kind]->skip ? at_kinds[kind]->skip() : NULL;

	if (why)
		return why;
	if (!at.p.nr_workers[kind])
		return "no workers of this kind (module parameter is 0)";
	return NULL;
}

/**
 * at_kind_budget_ns() - longest a firing of @kind's workers may run
 * @kind: a worker kind
 *
 * Return: the budget in ns; a firing ends at most one operation past it.
 */
u64 at_kind_budget_ns(enum at_kind kind)
{
	return at_kinds[kind]->timed ? (u64)at.p.budget_us * NSEC_PER_USEC : AT_BUDGET_NS;
}

/* Whether @w should re-arm itself: the run goes on and its CPU is online. */
static bool at_worker_running(const struct at_worker *w)
{
	return at_running() && READ_ONCE(w->pcpu->active);
}

/* Free some objects the other side handed over to @w's CPU, until @end_ns. */
static void at_drain_incoming(struct at_worker *w, unsigned int max, u64 end_ns)
{
	struct at_ring *ring = at_kinds[w->kind]->atomic ? &w->pcpu->to_atomic :
		&w->pcpu->to_process;
	struct at_obj *obj;

	while (max-- && ktime_get_ns() < end_ns && (obj = at_ring_pop(ring))) {
		w->st.handoffs_in++;
		/*
		 * Handed over on purpose by another CPU's worker, allocated on
		 * another CPU than this one: the allocator's remote-free path
		 * (a free that only a migration made remote does not count).
		 */
		if (obj->from != w->pcpu->index && obj->cpu != raw_smp_processor_id())
			w->st.cross_cpu_frees++;
		at_release(w, obj);
	}
}

/*
 * A worker's callback body: its kind's batch of operations and as many
 * frees of handed-over objects, timed, cut short once the kind's budget
 * is spent (a firing ends at most one operation past it) so that a slow
 * kernel (KASAN, debug objects) is not livelocked by callbacks longer
 * than their period. A quarter of the frees come first: on a slow kernel
 * (x86_64 under TCG) the batch alone spent the budget, the rings stayed
 * full and hardly any object was freed on another CPU.
 */
static void at_batch(struct at_worker *w)
{
	u64 budget_ns = at_kind_budget_ns(w->kind);
	unsigned int n = *at_kinds[w->kind]->batch;
	u64 t0 = ktime_get_ns(), ns;
	unsigned int i;

	at_drain_incoming(w, n / 4 + 1, t0 + budget_ns);
	for (i = 0; i < n && at_running(); i++) {
		if (ktime_get_ns() - t0 >= budget_ns) {
			w->st.cuts++;
			break;
		}
		at_op(w);
	}
	at_drain_incoming(w, n, t0 + budget_ns);
	ns = ktime_get_ns() - t0;
	w->st.busy_ns += ns;
	w->st.firings++;
	w->st.longest_ns = max(w->st.longest_ns, ns);
	atomic64_add(ns, &at.kind_busy[w->kind]);
}

/*
 * Whether a self-rescheduling softirq worker may go again at once. Above
 * its kind's duty cycle it waits for its CPU's kick timer instead:
 * softirqs that are always pending run at every interrupt exit, and on a
 * slow (debug) kernel they would starve every task, user space included.
 * A kind's share is AT_DUTY_PCT, and at most an even split with the other
 * softirq kind of what the timers leave of AT_ATOMIC_DUTY_PCT (a time
 * interrupts took inside a batch counts twice: on the safe side). The
 * kernel runs BH work before tasklets, for up to 2 ms a round: a kind
 * more than 2% of the time ahead of the other waits too, so that a slow
 * host starves neither. Times are of every CPU together.
 */
static bool at_may_resched(struct at_worker *w)
{
	u64 elapsed = (ktime_get_ns() - at.start_ns) * num_online_cpus();
	u64 timers = atomic64_read(&at.kind_busy[AT_TIMER]) +
		atomic64_read(&at.kind_busy[AT_HRT_SOFT]) +
		atomic64_read(&at.kind_busy[AT_HRT_HARD]);
	u64 left = div_u64(elapsed * AT_ATOMIC_DUTY_PCT, 100);
	u64 mine = atomic64_read(&at.kind_busy[w->kind]);
	bool both = at.nr[AT_TASKLET] && at.nr[AT_BH_WORK];
	u64 other = atomic64_read(&at.kind_busy[w->kind == AT_TASKLET ?
						AT_BH_WORK : AT_TASKLET]);

	left = left > timers ? left - timers : 0;
	if (both)
		left /= 2;
	if (mine <= min(left, div_u64(elapsed * AT_DUTY_PCT, 100)) &&
	    (!both || mine <= other + elapsed / 50))
		return true;
	WRITE_ONCE(w->paused, true);
	return false;
}

/* --- tasklet: self-rescheduling, on the CPU that scheduled it ----------- */

static void at_tasklet_fn(struct tasklet_struct *t)
{
	struct at_worker *w = from_tasklet(w, t, tasklet);

	at_batch(w);
	if (at_worker_running(w) && at_may_resched(w))
		tasklet_schedule(&w->tasklet);
}

static int at_tasklet_init(struct at_worker *w)
{
	tasklet_setup(&w->tasklet, at_tasklet_fn);
	return 0;
}

static void at_tasklet_start(struct at_worker *w)
{
	tasklet_schedule(&w->tasklet);
}

static void at_tasklet_stop(struct at_worker *w)
{
	tasklet_kill(&w->tasklet);
}

static const struct at_kind_ops at_tasklet_ops = {
	.name = "tasklet",
	.atomic = true,
	.batch = &at.p.batch,
	.init = at_tasklet_init,
	.start = at_tasklet_start,
	.stop = at_tasklet_stop,
	.kick = at_tasklet_start,
};

/* --- timer_list: pinned to its CPU, every AT_TIMER_JIFFIES ------------- */

static void at_timer_fn(struct timer_list *t)
{
	struct at_worker *w = timer_container_of(w, t, timer);

	at_batch(w);
	if (at_worker_running(w))
		mod_timer(&w->timer, jiffies + AT_TIMER_JIFFIES);
}

static int at_timer_init(struct at_worker *w)
{
	timer_setup(&w->timer, at_timer_fn, TIMER_PINNED);
	return 0;
}

static void at_timer_start(struct at_worker *w)
{
	/* Pinned, armed on this CPU: it stays here. */
	mod_timer(&w->timer, jiffies + 1);
}

static void at_timer_stop(struct at_worker *w)
{
	/* Twice: a callback running the first time may re-arm. */
	timer_delete_sync(&w->timer);
	timer_delete_sync(&w->timer);
}

static const struct at_kind_ops at_timer_ops = {
	.name = "timer",
	.atomic = true,
	.batch = &at.p.timer_batch,
	.timed = true,
	.init = at_timer_init,
	.start = at_timer_start,
	.stop = at_timer_stop,
};

/* --- hrtimers, soft and hard: pinned, on their period's grid ----------- */

static enum hrtimer_restart at_hrtimer_fn(struct hrtimer *t)
{
	struct at_worker *w = container_of(t, struct at_worker, hrt);
	u64 n;

	at_batch(w);
	if (!at_worker_running(w))
		return HRTIMER_NORESTART;
	/*
	 * On the period's grid, the next point after now: a late firing skips
	 * (and counts) the periods it missed rather than firing back to back.
	 * Low-resolution hrtimers (UML) expire on the tick: once a period.
	 */
	n = hrtimer_forward_now(t, ns_to_ktime((u64)at.p.hrtimer_us * NSEC_PER_USEC));
	if (n > 1)
		w->st.overruns += n - 1;
	return HRTIMER_RESTART;
}

static enum hrtimer_mode at_hrtimer_mode(const struct at_worker *w)
{
	return w->kind == AT_HRT_HARD ? HRTIMER_MODE_REL_HARD : HRTIMER_MODE_REL_SOFT;
}

static int at_hrtimer_init(struct at_worker *w)
{
#ifdef AT_HAVE_HRTIMER_SETUP
	hrtimer_setup(&w->hrt, at_hrtimer_fn, CLOCK_MONOTONIC, at_hrtimer_mode(w));
#else
	hrtimer_init(&w->hrt, CLOCK_MONOTONIC, at_hrtimer_mode(w));
	w->hrt.function = at_hrtimer_fn;
#endif
	return 0;
}

static void at_hrtimer_start(struct at_worker *w)
{
	/* Started on this CPU and pinned: its re-arms stay here. */
	hrtimer_start(&w->hrt, ns_to_ktime((u64)at.p.hrtimer_us * NSEC_PER_USEC),
		      at_hrtimer_mode(w) | HRTIMER_MODE_PINNED);
}

static void at_hrtimer_stop(struct at_worker *w)
{
	hrtimer_cancel(&w->hrt);
}

static const struct at_kind_ops at_hrt_soft_ops = {
	.name = "hrtimer_soft",
	.atomic = true,
	.batch = &at.p.hrtimer_batch,
	.timed = true,
	.init = at_hrtimer_init,
	.start = at_hrtimer_start,
	.stop = at_hrtimer_stop,
};

static const struct at_kind_ops at_hrt_hard_ops = {
	.name = "hrtimer_hard",
	.atomic = true,
	.batch = &at.p.hrtimer_batch,
	.timed = true,
	.init = at_hrtimer_init,
	.start = at_hrtimer_start,
	.stop = at_hrtimer_stop,
};

/* --- work items, BH (WQ_BH) and normal: queued on their CPU ------------ */

static struct workqueue_struct *at_work_wq(const struct at_worker *w)
{
	return w->kind == AT_BH_WORK ? at.bh_wq : at.wq;
}

static void at_work_fn(struct work_struct *work)
{
	struct at_worker *w = container_of(work, struct at_worker, work);

	at_batch(w);
	if (at_worker_running(w) && (w->kind != AT_BH_WORK || at_may_resched(w)))
		queue_work_on(w->pcpu->cpu, at_work_wq(w), &w->work);
}

static int at_bh_work_init(struct at_worker *w)
{
	/* Its own INIT_WORK site: a lockdep class used in softirq only. */
	INIT_WORK(&w->work, at_work_fn);
	return 0;
}

static int at_work_init(struct at_worker *w)
{
	INIT_WORK(&w->work, at_work_fn);
	return 0;
}

static void at_work_start(struct at_worker *w)
{
	queue_work_on(w->pcpu->cpu, at_work_wq(w), &w->work);
}

static void at_work_stop(struct at_worker *w)
{
	cancel_work_sync(&w->work);
}

static const char *at_bh_work_skip(void)
{
#ifndef AT_HAVE_WQ_BH
	return "this kernel has no WQ_BH workqueues (6.9+)";
#else
	return NULL;
#endif
}

static const struct at_kind_ops at_bh_work_ops = {
	.name = "bh_work",
	.atomic = true,
	.batch = &at.p.batch,
	.skip = at_bh_work_skip,
	.init = at_bh_work_init,
	.start = at_work_start,
	.stop = at_work_stop,
	.kick = at_work_start,
};

static const struct at_kind_ops at_work_ops = {
	.name = "work",
	.batch = &at.p.batch,
	.init = at_work_init,
	.start = at_work_start,
	.stop = at_work_stop,
};

/* --- kthreads: bound to their CPU, stopped when it goes offline -------- */

/* Must not return before kthread_stop(), which holds no task reference. */
static int at_kthread_fn(void *data)
{
	struct at_worker *w = data;

	while (!kthread_should_stop()) {
		if (at_worker_running(w)) {
			at_batch(w);
			cond_resched();
		} else {
			schedule_timeout_interruptible(HZ / 10);
		}
	}
	return 0;
}

static struct task_struct *at_kthread_create(struct at_worker *w)
{
	struct task_struct *t = kthread_create(at_kthread_fn, w, "alloc_torture/%u:%u",
					       w->pcpu->cpu, AT_OWNER_ID(w->owner));

	if (!IS_ERR(t))
		kthread_bind(t, w->pcpu->cpu);
	return t;
}

static int at_kthread_init(struct at_worker *w)
{
	struct task_struct *t = at_setup_fault() ? ERR_PTR(-ENOMEM) : at_kthread_create(w);

	if (IS_ERR(t))
		return PTR_ERR(t);
	w->task = t;
	return 0;
}

static void at_kthread_start(struct at_worker *w)
{
	/* Stopped when its CPU went offline: a new one, bound to it. */
	if (!w->task) {
		struct task_struct *t = at_kthread_create(w);

		if (IS_ERR(t)) {
			at_error(w, "no kthread for CPU %u after it came online: %ld",
				 w->pcpu->cpu, PTR_ERR(t));
			return;
		}
		w->task = t;
	}
	wake_up_process(w->task);
}

static void at_kthread_stop(struct at_worker *w)
{
	if (w->task)
		kthread_stop(w->task);
	w->task = NULL;
}

static const struct at_kind_ops at_kthread_ops = {
	.name = "kthread",
	.batch = &at.p.batch,
	.init = at_kthread_init,
	.start = at_kthread_start,
	.stop = at_kthread_stop,
};

const struct at_kind_ops *const at_kinds[AT_NR_KINDS] = {
	[AT_TASKLET] = &at_tasklet_ops,
	[AT_TIMER] = &at_timer_ops,
	[AT_HRT_SOFT] = &at_hrt_soft_ops,
	[AT_HRT_HARD] = &at_hrt_hard_ops,
	[AT_BH_WORK] = &at_bh_work_ops,
	[AT_WORK] = &at_work_ops,
	[AT_KTHREAD] = &at_kthread_ops,
};

/**
 * at_setup_worker() - set up one worker, not started
 * @w: the worker
 * @kind: its kind
 * @id: its index among the workers of its kind
 * @pcpu: the CPU it runs on
 *
 * Return: 0, or -ENOMEM on a setup failure.
 */
int at_setup_worker(struct at_worker *w, enum at_kind kind, unsigned int id,
		    struct at_cpu *pcpu)
{
	w->kind = kind;
	w->owner = kind << AT_OWNER_SHIFT | id;
	w->pcpu = pcpu;
	prandom_seed_state(&w->rnd, at.p.seed ^ ((u64)w->owner * GOLDEN_RATIO_64));
	w->pool = at_setup_fault() ? NULL :
		kcalloc(at.p.pool_size, sizeof(*w->pool), GFP_KERNEL);
	if (!w->pool)
		return -ENOMEM;
	return at_kinds[kind]->init(w);
}

/* The workers of kind @k on CPU @c: at.workers[k][*first .. *first + n). */
static unsigned int at_cpu_workers(const struct at_cpu *c, enum at_kind k,
				   unsigned int *first)
{
	unsigned int n = at.nr[k] / at.nr_cpus;

	*first = c->index * n;
	return n;
}

/* Every jiffy: restart the softirq workers of this CPU that paused for their duty cycle. */
static void at_kick_fn(struct timer_list *t)
{
	struct at_cpu *c = timer_container_of(c, t, kick);
	unsigned int k, i, first, n;

	if (!at_running() || !READ_ONCE(c->active))
		return;
	for (k = 0; k < AT_NR_KINDS; k++) {
		if (!at_kinds[k]->kick)
			continue;
		n = at_cpu_workers(c, k, &first);
		for (i = first; i < first + n; i++) {
			struct at_worker *w = &at.workers[k][i];

			if (READ_ONCE(w->paused)) {
				WRITE_ONCE(w->paused, false);
				at_kinds[k]->kick(w);
			}
		}
	}
	mod_timer(&c->kick, jiffies + 1);
}

/**
 * at_cpu_init() - set up a CPU of the run: its kick timer, pinned to it
 * @c: the CPU
 */
void at_cpu_init(struct at_cpu *c)
{
	timer_setup(&c->kick, at_kick_fn, TIMER_PINNED);
}

/* Start CPU @c's workers; runs on that CPU, which is online. */
static void at_cpu_start(struct at_cpu *c)
{
	unsigned int k, i, first, n;

	WRITE_ONCE(c->active, true);
	mod_timer(&c->kick, jiffies + 1);
	for (k = 0; k < AT_NR_KINDS; k++) {
		n = at_cpu_workers(c, k, &first);
		for (i = first; i < first + n; i++) {
			struct at_worker *w = &at.workers[k][i];

			w->started = true;
			at_kinds[k]->start(w);
		}
	}
}

/* Stop CPU @c's workers and wait for them; their objects stay in their pools. */
static void at_cpu_stop(struct at_cpu *c)
{
	unsigned int k, i, first, n;

	WRITE_ONCE(c->active, false);
	smp_mb();	/* workers see it before we wait for them */
	/* First the kick timer: it restarts tasklets and BH work. */
	timer_delete_sync(&c->kick);
	timer_delete_sync(&c->kick);
	for (k = 0; k < AT_NR_KINDS; k++) {
		n = at_cpu_workers(c, k, &first);
		for (i = first; i < first + n; i++) {
			struct at_worker *w = &at.workers[k][i];

			at_kinds[k]->stop(w);
			w->started = false;
			w->paused = false;
		}
	}
}

static long at_cpu_start_fn(void *data)
{
	at_cpu_start(data);
	return 0;
}

/* cpuhp: a CPU of the run came (back) online; runs on it. */
static int at_cpu_online(unsigned int cpu)
{
	struct at_cpu *c = at.cpu_of[cpu];

	if (c && READ_ONCE(at.started) && at_running())
		at_cpu_start(c);
	return 0;
}

/* cpuhp: a CPU of the run goes offline; its workers quiesce. */
static int at_cpu_offline(unsigned int cpu)
{
	struct at_cpu *c = at.cpu_of[cpu];

	if (c)
		at_cpu_stop(c);
	return 0;
}

/**
 * at_cpus_register() - register the CPU hotplug callbacks, calling none
 *
 * Return: 0, or a negative errno.
 */
int at_cpus_register(void)
{
	int ret = at_setup_fault() ? -ENOMEM :
		cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "alloc_torture:online",
					  at_cpu_online, at_cpu_offline);

	if (ret < 0)
		return ret;
	at.hp_state = ret;
	return 0;
}

/**
 * at_cpus_start() - start the workers of every online CPU, each on its CPU
 *
 * With CPU hotplug held off, so that none goes or comes meanwhile.
 */
void at_cpus_start(void)
{
	unsigned int i;

	cpus_read_lock();
	WRITE_ONCE(at.started, true);
	for (i = 0; i < at.nr_cpus; i++)
		if (cpu_online(at.cpus[i].cpu))
			work_on_cpu(at.cpus[i].cpu, at_cpu_start_fn, &at.cpus[i]);
	cpus_read_unlock();
}

/**
 * at_cpus_stop() - stop every worker and wait for them
 *
 * The callbacks stop the online CPUs' workers; then every worker is
 * stopped again, which does nothing to one stopped already (its CPU
 * offline) and stops the kthreads that were never started.
 */
void at_cpus_stop(void)
{
	unsigned int k, i;

	if (at.hp_state >= 0)
		cpuhp_remove_state(at.hp_state);
	at.hp_state = -1;
	for (i = 0; i < at.nr_cpus; i++) {
		timer_delete_sync(&at.cpus[i].kick);
		WRITE_ONCE(at.cpus[i].active, false);
	}
	for (k = 0; k < AT_NR_KINDS; k++) {
		for (i = 0; i < at.nr[k]; i++) {
			at_kinds[k]->stop(&at.workers[k][i]);
			at.workers[k][i].started = false;
		}
	}
}

/* --- CPU hotplug: torture's onoff ---------------------------------------- */

/**
 * at_onoff_skip_reason() - why CPU hotplug is not exercised
 *
 * Return: the reason, or NULL when it is.
 */
const char *at_onoff_skip_reason(void)
{
	if (!IS_ENABLED(CONFIG_HOTPLUG_CPU))
		return "this kernel has no CONFIG_HOTPLUG_CPU";
	if (at.nr_cpus < 2)
		return "one CPU online: no non-boot CPU to take offline";
	if (!at.p.onoff_interval)
		return "onoff_interval=0: CPU hotplug off";
	return NULL;
}

/* Sleep @ms, or less when told to stop. */
static void at_onoff_sleep(unsigned int ms)
{
	if (!kthread_should_stop())
		schedule_timeout_interruptible(msecs_to_jiffies(ms));
}

/*
 * Every onoff_interval ms, the next CPU of the run but the first takes a
 * turn offline for onoff_interval ms, then comes back: a CPU taken
 * offline is always brought back, even when the run is being stopped.
 */
static int at_onoff_fn(void *data)
{
	unsigned int ms = at.p.onoff_interval, next = 0;

	while (!kthread_should_stop()) {
		struct at_cpu *c;
		int ret;

		at_onoff_sleep(ms);
		if (kthread_should_stop() || !at_running())
			continue;
		next = next % (at.nr_cpus - 1) + 1;
		c = &at.cpus[next];
		if (!cpu_online(c->cpu) || !cpu_is_hotpluggable(c->cpu))
			continue;
		ret = remove_cpu(c->cpu);
		if (ret) {
			WRITE_ONCE(at.offline_failures, at.offline_failures + 1);
			if (at.p.verbose)
				pr_info("onoff: offlining CPU %u failed: %d\n", c->cpu, ret);
			continue;
		}
		at_onoff_sleep(ms);
		ret = add_cpu(c->cpu);
		if (ret) {
			WRITE_ONCE(at.online_failures, at.online_failures + 1);
			pr_err("onoff: onlining CPU %u failed: %d\n", c->cpu, ret);
			continue;
		}
		WRITE_ONCE(at.onoff_cycles, at.onoff_cycles + 1);
	}
	return 0;
}

/**
 * at_onoff_create() - create the CPU hotplug kthread, when asked for
 *
 * Return: 0, or -ENOMEM on a setup failure.
 */
int at_onoff_create(void)
{
	struct task_struct *t;

	if (at_onoff_skip_reason())
		return 0;
	t = at_setup_fault() ? ERR_PTR(-ENOMEM) :
		kthread_create(at_onoff_fn, NULL, "alloc_torture/onoff");
	if (IS_ERR(t))
		return PTR_ERR(t);
	at.onoff = t;
	return 0;
}

/**
 * at_onoff_stop() - stop the CPU hotplug kthread, its CPU back online
 */
void at_onoff_stop(void)
{
	if (at.onoff)
		kthread_stop(at.onoff);
	at.onoff = NULL;
}
