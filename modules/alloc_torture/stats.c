// SPDX-License-Identifier: GPL-2.0
/*
 * alloc_torture's statistics: sums per kind and per CPU, the verdicts,
 * and the debugfs stats file, one "key: value" per line, readable while
 * the run goes on.
 */
#include <linux/debugfs.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/math64.h>
#include <linux/seq_file.h>

#include "alloc_torture.h"

/**
 * at_min_verified() - the minimum of verified allocations per worker of @kind
 * @kind: a worker kind
 *
 * The floor is scaled by rate_scale_pm, the speed of this kernel on this
 * host against the reference (main.c), once measured after the run.
 *
 * Return: its share of min_rate * duration, 0 when no minimum applies.
 */
unsigned long at_min_verified(enum at_kind kind)
{
	u64 floor;

	if (at.p.pressure || at.p.faults || !at.nr[kind])
		return 0;
	floor = (u64)at.p.min_rate[kind] * at.p.duration * at.rate_scale_pm;
	return DIV_ROUND_UP_ULL(floor, 1000ULL * at.nr[kind]);
}

/* Add @st to @sum (verified_min and longest_ns are the min and the max). */
static void at_stats_add(struct at_stats *sum, const struct at_stats *st)
{
	unsigned int j;

	sum->ops += st->ops;
	sum->verified += st->verified;
	sum->verified_min = min(sum->verified_min, st->verified);
	sum->bytes += st->bytes;
	sum->failures += st->failures;
	sum->unexpected += st->unexpected;
	sum->errors += st->errors;
	sum->frees += st->frees;
	sum->cross_cpu_frees += st->cross_cpu_frees;
	sum->handoffs_out += st->handoffs_out;
	sum->handoffs_in += st->handoffs_in;
	sum->alloc_ns += st->alloc_ns;
	sum->free_ns += st->free_ns;
	sum->busy_ns += st->busy_ns;
	sum->firings += st->firings;
	sum->cuts += st->cuts;
	sum->overruns += st->overruns;
	sum->longest_ns = max(sum->longest_ns, st->longest_ns);
	for (j = 0; j < AT_NR_APIS; j++) {
		sum->api_ops[j] += st->api_ops[j];
		sum->api_ns[j] += st->api_ns[j];
		sum->api_frees[j] += st->api_frees[j];
		sum->api_free_ns[j] += st->api_free_ns[j];
	}
	for (j = 0; j < AT_LAT_BUCKETS; j++)
		sum->lat[j] += st->lat[j];
}

/**
 * at_kind_stats() - the sum of the stats of every worker of @kind
 * @kind: a worker kind
 * @sum: the sum; its digest is the first worker's
 */
void at_kind_stats(enum at_kind kind, struct at_stats *sum)
{
	unsigned int i;

	memset(sum, 0, sizeof(*sum));
	sum->verified_min = at.nr[kind] ? ULONG_MAX : 0;
	for (i = 0; i < at.nr[kind]; i++)
		at_stats_add(sum, &at.workers[kind][i].st);
	if (at.nr[kind])
		sum->digest = at.workers[kind][0].st.digest;
}

/**
 * at_kind_result() - the verdict of @kind once the run is over
 * @kind: a worker kind
 * @st: its sum
 *
 * Return: "pass", "fail" or "skip".
 */
const char *at_kind_result(enum at_kind kind, const struct at_stats *st)
{
	if (at_skip_reason(kind))
		return "skip";
	if (st->errors || st->unexpected || !st->verified)
		return "fail";
	return st->verified_min < at_min_verified(kind) ? "fail" : "pass";
}

/**
 * at_cross_cpu_frees() - objects freed on another CPU than their own
 *
 * Return: the count over every worker.
 */
unsigned long at_cross_cpu_frees(void)
{
	unsigned long n = 0;
	unsigned int k, i;

	for (k = 0; k < AT_NR_KINDS; k++)
		for (i = 0; i < at.nr[k]; i++)
			n += at.workers[k][i].st.cross_cpu_frees;
	return n;
}

/**
 * at_cross_cpu_skip_reason() - why no cross-CPU free is expected
 *
 * Return: the reason, or NULL when there must be some.
 */
const char *at_cross_cpu_skip_reason(void)
{
	if (at.nr_cpus < 2)
		return "one CPU online: every object is freed on the CPU that allocated it";
	if (!at.p.handoff_pct)
		return "handoff_pct=0: no object is handed to another CPU";
	return NULL;
}

/**
 * at_cross_cpu_result() - whether objects were freed on another CPU
 *
 * Return: "pass", "fail" or "skip".
 */
const char *at_cross_cpu_result(void)
{
	if (at_cross_cpu_skip_reason())
		return "skip";
	return at_cross_cpu_frees() ? "pass" : "fail";
}

/**
 * at_onoff_result() - whether CPUs went offline and came back
 *
 * Every object is verified by the worker kinds' own results.
 *
 * Return: "pass", "fail" (no full cycle, or a CPU that did not come
 * back) or "skip".
 */
const char *at_onoff_result(void)
{
	if (at_onoff_skip_reason())
		return "skip";
	return READ_ONCE(at.onoff_cycles) && !READ_ONCE(at.online_failures) ? "pass" : "fail";
}

static void at_show_kind(struct seq_file *m, enum at_kind k, bool done)
{
	const char *name = at_kinds[k]->name;
	struct at_stats st;
	unsigned int j;

	at_kind_stats(k, &st);
	seq_printf(m, "%s_workers: %u\n", name, at_skip_reason(k) ? 0 : at.nr[k]);
	seq_printf(m, "%s_ops: %lu\n", name, st.ops);
	seq_printf(m, "%s_verified: %lu\n", name, st.verified);
	seq_printf(m, "%s_verified_min_worker: %lu\n", name, st.verified_min);
	seq_printf(m, "%s_bytes: %lu\n", name, st.bytes);
	seq_printf(m, "%s_failures: %lu\n", name, st.failures);
	seq_printf(m, "%s_unexpected_failures: %lu\n", name, st.unexpected);
	seq_printf(m, "%s_errors: %lu\n", name, st.errors);
	seq_printf(m, "%s_frees: %lu\n", name, st.frees);
	seq_printf(m, "%s_cross_cpu_frees: %lu\n", name, st.cross_cpu_frees);
	seq_printf(m, "%s_handoffs_out: %lu\n", name, st.handoffs_out);
	seq_printf(m, "%s_handoffs_in: %lu\n", name, st.handoffs_in);
	seq_printf(m, "%s_alloc_ns: %llu\n", name, st.alloc_ns);
	seq_printf(m, "%s_free_ns: %llu\n", name, st.free_ns);
	seq_printf(m, "%s_busy_ns: %llu\n", name, st.busy_ns);
	seq_printf(m, "%s_min_rate: %u\n", name, at.p.min_rate[k]);
	seq_printf(m, "%s_min_verified_per_worker: %lu\n", name, at_min_verified(k));
	seq_printf(m, "%s_batch: %u\n", name, *at_kinds[k]->batch);
	seq_printf(m, "%s_budget_ns: %llu\n", name, at_kind_budget_ns(k));
	seq_printf(m, "%s_firings: %lu\n", name, st.firings);
	seq_printf(m, "%s_longest_firing_ns: %llu\n", name, st.longest_ns);
	seq_printf(m, "%s_budget_cuts: %lu\n", name, st.cuts);
	seq_printf(m, "%s_overruns: %lu\n", name, st.overruns);
	for (j = 0; j < AT_NR_APIS; j++) {
		const char *api = at_apis[j]->name;

		seq_printf(m, "%s_%s_ops: %lu\n", name, api, st.api_ops[j]);
		seq_printf(m, "%s_%s_ns: %llu\n", name, api, st.api_ns[j]);
		seq_printf(m, "%s_%s_frees: %lu\n", name, api, st.api_frees[j]);
		seq_printf(m, "%s_%s_free_ns: %llu\n", name, api, st.api_free_ns[j]);
	}
	for (j = 0; j < AT_LAT_BUCKETS; j++)
		if (st.lat[j])
			seq_printf(m, "%s_lat_log2ns_%u: %lu\n", name, j, st.lat[j]);
	/* Only a complete digest can be compared between runs. */
	if (at.nr[k] && at.workers[k][0].seq >= AT_DIGEST_OPS)
		seq_printf(m, "%s_digest: %08x\n", name, st.digest);
	else
		seq_printf(m, "%s_digest: incomplete\n", name);
	if (done) {
		seq_printf(m, "%s_result: %s\n", name, at_kind_result(k, &st));
		if (at_skip_reason(k))
			seq_printf(m, "%s_skip_reason: %s\n", name, at_skip_reason(k));
	}
}

/* Per CPU of the run: what its workers did, in all and per kind. */
static void at_show_cpu(struct seq_file *m, const struct at_cpu *c)
{
	struct at_stats sum = { .verified_min = ULONG_MAX };
	unsigned int k, i;

	for (k = 0; k < AT_NR_KINDS; k++) {
		unsigned long verified = 0;

		for (i = 0; i < at.nr[k]; i++) {
			const struct at_worker *w = &at.workers[k][i];

			if (w->pcpu != c)
				continue;
			at_stats_add(&sum, &w->st);
			verified += w->st.verified;
		}
		seq_printf(m, "cpu%u_%s_verified: %lu\n", c->cpu, at_kinds[k]->name, verified);
	}
	seq_printf(m, "cpu%u_allocs: %lu\n", c->cpu, sum.ops - sum.failures);
	seq_printf(m, "cpu%u_verified: %lu\n", c->cpu, sum.verified);
	seq_printf(m, "cpu%u_frees: %lu\n", c->cpu, sum.frees);
	seq_printf(m, "cpu%u_cross_cpu_frees: %lu\n", c->cpu, sum.cross_cpu_frees);
	seq_printf(m, "cpu%u_online: %u\n", c->cpu, cpu_online(c->cpu));
}

static int at_stats_show(struct seq_file *m, void *v)
{
	bool done = READ_ONCE(at.done);
	const struct at_params *p = &at.p;
	unsigned int k, i;

	smp_rmb();	/* the results are final once done is seen */
	seq_printf(m, "state: %s\n", done ? "done" : "running");
	seq_printf(m, "seed: %lu\n", p->seed);
	seq_printf(m, "elapsed_ms: %u\n", jiffies_to_msecs(jiffies - at.start));
	seq_printf(m, "run_ms: %u\n", jiffies_to_msecs(READ_ONCE(at.end) - at.start));
	seq_printf(m, "setup_steps: %u\n", at.setup_step);
	seq_printf(m, "hrtimer_interval_us: %u\n", p->hrtimer_us);
	seq_printf(m, "hrtimer_resolution_ns: %u\n", hrtimer_resolution);
	seq_printf(m, "hrtimer_us_min: %u\n", at_hrtimer_us_min());
	seq_printf(m, "timer_period_ns: %lu\n", AT_TIMER_JIFFIES * TICK_NSEC);
	seq_printf(m, "budget_us: %u\n", p->budget_us);
	seq_printf(m, "batch_max: %u\n", at_batch_max());
	seq_printf(m, "live_objects: %ld\n", atomic_long_read(&at.live));
	seq_printf(m, "quarantined_objects: %ld\n", atomic_long_read(&at.quarantined));
	seq_printf(m, "cpus: %u\n", at.nr_cpus);
	seq_printf(m, "speed_ops_per_s: %lu\n", at.speed_ops_per_s);
	seq_printf(m, "rate_scale_permille: %u\n", at.rate_scale_pm);
	for (k = 0; k < AT_NR_KINDS; k++)
		at_show_kind(m, k, done);
	for (i = 0; i < at.nr_cpus; i++)
		at_show_cpu(m, &at.cpus[i]);
	seq_printf(m, "cross_cpu_frees: %lu\n", at_cross_cpu_frees());
	seq_printf(m, "onoff_interval_ms: %u\n", p->onoff_interval);
	seq_printf(m, "onoff_cycles: %lu\n", READ_ONCE(at.onoff_cycles));
	seq_printf(m, "offline_failures: %lu\n", READ_ONCE(at.offline_failures));
	seq_printf(m, "online_failures: %lu\n", READ_ONCE(at.online_failures));
	if (done) {
		seq_printf(m, "cross_cpu_result: %s\n", at_cross_cpu_result());
		if (at_cross_cpu_skip_reason())
			seq_printf(m, "cross_cpu_skip_reason: %s\n", at_cross_cpu_skip_reason());
		seq_printf(m, "cpu_hotplug_result: %s\n", at_onoff_result());
		if (at_onoff_skip_reason())
			seq_printf(m, "cpu_hotplug_skip_reason: %s\n", at_onoff_skip_reason());
	}
	if (p->pressure) {
		seq_printf(m, "wmark_low_pages: %lu\n", at.wmark_low);
		seq_printf(m, "wmark_min_pages: %lu\n", at.wmark_min);
		seq_printf(m, "highatomic_pages: %lu\n", at.highatomic);
		seq_printf(m, "lowmem_reserve_pages: %lu\n", at.lowmem_reserve);
		seq_printf(m, "free_pages_min_seen: %lu\n", at.free_min_seen);
		seq_printf(m, "hog_pages_max: %lu\n", at.hog_max);
		seq_printf(m, "hog_pages_held: %lu\n", at.hog_held);
		seq_printf(m, "hog_pages_shrunk: %ld\n", atomic_long_read(&at.hog_shrunk));
	}
	if (done && p->bench_ms) {
		seq_printf(m, "ceiling_ops: %lu\n", at.ceiling_ops);
		seq_printf(m, "ceiling_ns: %llu\n", at.ceiling_ns);
		seq_printf(m, "ceiling_timed_ops: %lu\n", at.ceiling_timed_ops);
		seq_printf(m, "ceiling_timed_alloc_ns: %llu\n", at.ceiling_alloc_ns);
		seq_printf(m, "ceiling_timed_free_ns: %llu\n", at.ceiling_free_ns);
	}
	if (done)
		seq_printf(m, "result: %s\n", READ_ONCE(at.passed) ? "pass" : "fail");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(at_stats);

/**
 * at_debugfs_init() - create /sys/kernel/debug/alloc_torture/stats
 *
 * Failures are not fatal: the stats are then just not there.
 */
void at_debugfs_init(void)
{
	at.dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("stats", 0444, at.dir, NULL, &at_stats_fops);
}
