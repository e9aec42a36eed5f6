// SPDX-License-Identifier: GPL-2.0
/*
 * alloc_torture: allocations hammered from every kind of context at once,
 * every object verified.
 *
 * Workers of seven kinds run together: self-rescheduling tasklets,
 * timer_list timers firing every jiffy, hrtimers in soft and hard mode
 * re-armed every hrtimer_us on their period's grid, BH work items (WQ_BH,
 * where the kernel has it), normal work items and kthreads. Every kind
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
 * of the other side (atomic to process context and back) and freed there.
 *
 * Pressure mode adds a kthread that holds pages down to the low
 * watermark; fault mode (failslab/fail_page_alloc, set up by the script)
 * makes failures expected. A failure is an error only when a GFP_KERNEL
 * allocation fails without either.
 *
 * The run ends by itself after @duration seconds; rmmod stops it at any
 * moment. Statistics, one "key: value" per line, are readable while it
 * runs in /sys/kernel/debug/alloc_torture/stats; at the end a KTAP report
 * with one test per worker kind goes to the kernel log.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/jhash.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/rbtree.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>
#include <linux/workqueue.h>

/* Compatibility with 6.1+, detected from the headers by the Makefile. */
#ifndef AT_HAVE_TIMER_CONTAINER_OF
#define timer_container_of(var, t, field) from_timer(var, t, field)
#endif
#ifndef AT_HAVE_TIMER_DELETE_SYNC
#define timer_delete_sync(t) del_timer_sync(t)
#endif

#define AT_MAGIC	0xa110c8ed
#define AT_MAX_REPORTS	8	/* verification messages per worker */
#define AT_LAT_BUCKETS	40	/* log2(ns) buckets, up to ~9 minutes */
#define AT_DIGEST_OPS	64	/* choices hashed into the seed digest */
#define AT_CACHE_SIZE	200	/* odd size: not a kmalloc class */
#define AT_MAX_WORKERS	8
#define AT_BUDGET_NS	(NSEC_PER_MSEC / 2)	/* per callback, but timers */
#define AT_DUTY_PCT	35	/* most a self-rescheduling softirq kind takes */
/*
 * Most all atomic workers together take, in percent of the CPUs' time:
 * the softirq workers share what timers and hrtimers (bounded by their
 * budgets) leave of it, so that on a slow (debug) kernel the
 * process-context workers and user space keep at least the rest.
 */
#define AT_ATOMIC_DUTY_PCT	85
/*
 * What one operation (a free, an allocation, its checks and fill) may
 * take when a timer's batch is checked against budget_us at load: twice
 * what it took on UML (6.12, lockdep) on a quiet 2-core host, 1.7 us (BH
 * work) to 2.4 us (tasklet) of busy time per operation. On a host shared
 * by 8 sessions (load average 10) it took 7 to 12 us of wall time: the
 * batch is also cut at run time once the budget is spent, so a slower
 * kernel or host does fewer operations per firing, never a longer firing.
 */
#define AT_OP_NS	5000
/* The workers of one timer kind take at most a quarter of their period. */
#define AT_TIMER_SHARE	4
/* timer_list period: one jiffy where HZ is 100, about 10 ms elsewhere. */
#define AT_TIMER_JIFFIES	(HZ / 100 ?: 1)
/* An unmerged cache of our own, so that failslab can target it alone. */
#ifdef SLAB_NO_MERGE
#define AT_CACHE_FLAGS	SLAB_NO_MERGE
#else
#define AT_CACHE_FLAGS	0
#endif

enum at_kind {
	AT_TASKLET, AT_TIMER, AT_HRT_SOFT, AT_HRT_HARD, AT_BH_WORK,
	AT_WORK, AT_KTHREAD, AT_NR_KINDS
};

static const char * const at_kind_name[AT_NR_KINDS] = {
	"tasklet", "timer", "hrtimer_soft", "hrtimer_hard", "bh_work",
	"work", "kthread",
};

/* Kinds up to AT_BH_WORK run in atomic context. */
static bool at_atomic_kind(enum at_kind kind)
{
	return kind <= AT_BH_WORK;
}

enum at_api { AT_KMALLOC, AT_KZALLOC, AT_CACHE, AT_PAGES, AT_VMALLOC, AT_NR_APIS };

static const char * const at_api_name[AT_NR_APIS] = {
	"kmalloc", "kzalloc", "kmem_cache", "alloc_pages", "vmalloc",
};

/* Module parameters: all read-only, validated in at_check_params(). */
static unsigned int duration = 5;
module_param(duration, uint, 0444);
MODULE_PARM_DESC(duration, "Seconds the run lasts (1..3600, default 5)");

static unsigned int nr_workers[AT_NR_KINDS] = { 1, 4, 4, 4, 1, 1, 1 };
module_param_named(tasklets, nr_workers[AT_TASKLET], uint, 0444);
MODULE_PARM_DESC(tasklets, "Self-rescheduling tasklets (0..8, default 1)");
module_param_named(timers, nr_workers[AT_TIMER], uint, 0444);
MODULE_PARM_DESC(timers, "timer_list timers firing every 10 ms or jiffy (0..8, default 4)");
module_param_named(hrtimers_soft, nr_workers[AT_HRT_SOFT], uint, 0444);
MODULE_PARM_DESC(hrtimers_soft, "hrtimers in HRTIMER_MODE_REL_SOFT (0..8, default 4)");
module_param_named(hrtimers_hard, nr_workers[AT_HRT_HARD], uint, 0444);
MODULE_PARM_DESC(hrtimers_hard, "hrtimers in HRTIMER_MODE_REL_HARD (0..8, default 4)");
module_param_named(bh_works, nr_workers[AT_BH_WORK], uint, 0444);
MODULE_PARM_DESC(bh_works, "Work items on a WQ_BH workqueue, skipped before 6.9 (0..8, default 1)");
module_param_named(works, nr_workers[AT_WORK], uint, 0444);
MODULE_PARM_DESC(works, "Work items on a normal workqueue (0..8, default 1)");
module_param_named(kthreads, nr_workers[AT_KTHREAD], uint, 0444);
MODULE_PARM_DESC(kthreads, "Kthreads allocating with GFP_KERNEL (0..8, default 1)");

static unsigned int batch = 32;
module_param(batch, uint, 0444);
MODULE_PARM_DESC(batch, "Allocations per tasklet, BH work, work or kthread callback (1..256, default 32)");

static unsigned int budget_us = 600;
module_param(budget_us, uint, 0444);
MODULE_PARM_DESC(budget_us, "Longest a timer or hrtimer firing may run, in microseconds; the workers of a kind take at most a quarter of their period together (10..100000, default 600)");

static unsigned int timer_batch = 50;
module_param(timer_batch, uint, 0444);
MODULE_PARM_DESC(timer_batch, "Allocations per timer_list firing, 5 us each must fit in budget_us (1..budget_us/5, default 50)");

static unsigned int hrtimer_batch = 100;
module_param(hrtimer_batch, uint, 0444);
MODULE_PARM_DESC(hrtimer_batch, "Allocations per hrtimer firing, 5 us each must fit in budget_us (1..budget_us/5, default 100)");

/*
 * 10 ms: what every kernel's hrtimers can do (without CONFIG_HIGH_RES_TIMERS,
 * as on UML, they expire on the tick, and HZ is at least 100).
 */
static unsigned int hrtimer_us = 10000;
module_param(hrtimer_us, uint, 0444);
MODULE_PARM_DESC(hrtimer_us, "hrtimer period in microseconds (the hrtimer resolution, 10000 on UML, ..1000000; default 10000)");

static unsigned int pool_size = 64;
module_param(pool_size, uint, 0444);
MODULE_PARM_DESC(pool_size, "Live objects each worker keeps (1..1024, default 64)");

static unsigned int size_dist;
module_param(size_dist, uint, 0444);
MODULE_PARM_DESC(size_dist, "Sizes: 0 mixed, 1 fixed, 2 uniform, 3 kmalloc class edges (0..3, default 0)");

static unsigned int fixed_size = 256;
module_param(fixed_size, uint, 0444);
MODULE_PARM_DESC(fixed_size, "Size of size_dist=1 (1..65536, default 256)");

static unsigned int min_size = 1;
module_param(min_size, uint, 0444);
MODULE_PARM_DESC(min_size, "Smallest size of size_dist=2 (1..65536, <= max_size, default 1)");

static unsigned int max_size = 8193;
module_param(max_size, uint, 0444);
MODULE_PARM_DESC(max_size, "Largest size of size_dist=2 (1..65536, default 8193)");

static unsigned int api_mask = 0x1f;
module_param(api_mask, uint, 0444);
MODULE_PARM_DESC(api_mask, "APIs: 1 kmalloc, 2 kzalloc, 4 kmem_cache, 8 alloc_pages, 16 vmalloc (1..31, default 31)");

static unsigned int page_order_max = 2;
module_param(page_order_max, uint, 0444);
MODULE_PARM_DESC(page_order_max, "Highest alloc_pages order (0..4, default 2)");

static unsigned int handoff_pct = 10;
module_param(handoff_pct, uint, 0444);
MODULE_PARM_DESC(handoff_pct, "Percent of objects freed by the other side, atomic <-> process (0..100, default 10)");

static unsigned int pressure;
module_param(pressure, uint, 0444);
MODULE_PARM_DESC(pressure, "1: a kthread holds memory down to the low watermark (0..1, default 0)");

static unsigned int faults;
module_param(faults, uint, 0444);
MODULE_PARM_DESC(faults, "1: failslab/fail_page_alloc are armed, failures expected (0..1, default 0)");

static unsigned long seed;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "PRNG seed, same seed same choices (0 = random, printed; default 0)");

static unsigned int verbose = 1;
module_param(verbose, uint, 0444);
MODULE_PARM_DESC(verbose, "0 errors and KTAP only, 1 start and summary, 2 every failure (0..2, default 1)");

static unsigned int setup_fail;
module_param(setup_fail, uint, 0444);
MODULE_PARM_DESC(setup_fail, "Fail the Nth setup step with -ENOMEM, to test unwinding (0 = never, 0..64)");

static unsigned int bench_ms;
module_param(bench_ms, uint, 0444);
MODULE_PARM_DESC(bench_ms, "At the end, time a process-context kmalloc/kfree loop this long (0..10000, default 0)");

/*
 * Without pressure or fault injection, each kind must hand out at least
 * min_rate * duration allocations that succeeded and passed every check
 * (each of its workers its share), or it fails: a context whose
 * allocations fail, or whose timers stopped firing, verifies nothing.
 * The floors, per second of run for the whole kind, are for the default
 * parameters. On UML, on a 2-core host shared by 8 sessions (load average
 * 4.5 to 7), the lowest of seven runs (3 make bench, 4 make check: the
 * lowest worker's count times the workers) were: tasklet 9,500/s, timer
 * 8,300, soft hrtimer 16,000, hard hrtimer 27,900, BH work 14,000, work
 * 4,800, kthread 4,800. The floors are about five times below, so that a
 * stress kernel sharing the host with another tier still passes: 2,000,
 * 1,500, 3,000, 5,000, 2,500, 800 and 800 (before: 10 per worker each).
 * One value applies to every kind (min_rate=0: no minimum); seven, in the
 * order of the kinds, one each.
 */
static unsigned int min_rate[AT_NR_KINDS] = { 2000, 1500, 3000, 5000, 2500, 800, 800 };
static unsigned int at_nr_min_rate;
module_param_array(min_rate, uint, &at_nr_min_rate, 0444);
MODULE_PARM_DESC(min_rate, "Verified allocations per second each kind must reach, without pressure or faults: one value for all, or tasklet,timer,hrtimer_soft,hrtimer_hard,bh_work,work,kthread (0..1000000 each, 0 = no minimum)");

/* struct at_hdr - start of every object large enough to hold it */
struct at_hdr {
	u32 magic;
	u16 owner;
	u8 api;
	u8 order;
	u32 size;
	u32 fill;
	u64 seq;
};

/* struct at_obj - a live object: the handle pools and rings pass around */
struct at_obj {
	struct rb_node node;
	struct at_obj *next_free;
	void *ptr;
	struct page *page;
	u64 seq;
	u32 size;
	u16 owner;
	u8 api;
	u8 order;
};

/* struct at_stats - what one worker did; written by that worker only */
struct at_stats {
	unsigned long ops;		/* attempts, failed ones included */
	unsigned long verified;		/* succeeded and passed every check */
	unsigned long verified_min;	/* in a sum: the lowest worker's */
	unsigned long bytes;
	unsigned long failures;
	unsigned long unexpected;
	unsigned long errors;
	unsigned long frees;
	unsigned long handoffs_out;
	unsigned long handoffs_in;
	u64 alloc_ns;
	u64 free_ns;
	u64 busy_ns;
	unsigned long firings;		/* callbacks (batches) run */
	unsigned long cuts;		/* batches the budget cut short */
	unsigned long overruns;		/* hrtimer periods missed */
	u64 longest_ns;			/* longest firing; in a sum: the max */
	unsigned long api_ops[AT_NR_APIS];
	u64 api_ns[AT_NR_APIS];
	unsigned long api_frees[AT_NR_APIS];
	u64 api_free_ns[AT_NR_APIS];
	unsigned long lat[AT_LAT_BUCKETS];
	u32 digest;
};

/* struct at_worker - one worker of one kind */
struct at_worker {
	enum at_kind kind;
	u16 owner;
	bool started;
	bool paused;	/* over its duty cycle: the kick timer restarts it */
	struct rnd_state rnd;
	u64 seq;
	struct at_obj **pool;
	struct at_stats st;
	struct tasklet_struct tasklet;
	struct timer_list timer;
	struct hrtimer hrt;
	struct work_struct work;
	struct task_struct *task;
};

/* struct at_ring - objects waiting to be freed by the other side */
struct at_ring {
	struct at_obj **slot;
	unsigned int head, count, size;
};

/* struct at_choice - everything one operation draws from the PRNG */
struct at_choice {
	u32 size;
	u8 api;
	u8 order;
	bool nowait;
	bool zero;
	unsigned int slot;
	bool handoff;
};

static struct at_worker *at_workers[AT_NR_KINDS];
static unsigned int at_nr[AT_NR_KINDS];	/* workers actually set up */
static struct kmem_cache *at_cache;
static struct workqueue_struct *at_wq;
static struct workqueue_struct *at_bh_wq;
static struct task_struct *at_hog;
static struct dentry *at_dir;

/* at_lock: the live-object tree, the handle free list and both rings. */
static DEFINE_SPINLOCK(at_lock);
static struct rb_root at_tree = RB_ROOT;
static struct at_obj *at_handles;
static struct at_obj *at_free_handles;
static struct at_ring at_to_process, at_to_atomic;
static atomic_long_t at_live = ATOMIC_LONG_INIT(0);
static atomic_long_t at_quarantined = ATOMIC_LONG_INIT(0);
static atomic64_t at_kind_busy[AT_NR_KINDS];	/* busy_ns of each kind's workers */

static unsigned long at_end;		/* jiffies when workers stop */
static unsigned long at_start;
static u64 at_start_ns;
static struct timer_list at_kick_timer;
static bool at_stop;
static bool at_done;
static bool at_passed;
static DEFINE_MUTEX(at_finish_lock);
static bool at_finished;
static struct delayed_work at_end_work;
static unsigned int at_setup_step;	/* steps this load went through */
static unsigned int at_failed_step;	/* the one setup_fail made fail */
static u32 at_edges[2 * (KMALLOC_SHIFT_HIGH + 3)];
static unsigned int at_nr_edges;

/* Pressure hog state: the list and counts under at_hog_lock (hog, shrinker). */
static DEFINE_SPINLOCK(at_hog_lock);
static LIST_HEAD(at_hog_pages);
static unsigned long at_hog_held, at_hog_max, at_free_min_seen = ULONG_MAX;
static atomic_long_t at_hog_shrunk = ATOMIC_LONG_INIT(0);
static unsigned long at_wmark_low, at_wmark_min, at_highatomic;
static struct shrinker *at_hog_shrinker;
#ifndef AT_HAVE_SHRINKER_ALLOC
static struct shrinker at_hog_shrinker_old;
#endif

/*
 * Process-context ceiling measured at the end (bench_ms): a tight loop,
 * and the same loop with each call timed as the workers time theirs.
 */
static unsigned long at_ceiling_ops, at_ceiling_timed_ops;
static u64 at_ceiling_ns, at_ceiling_alloc_ns, at_ceiling_free_ns;

/* True while workers should keep going. */
static bool at_running(void)
{
	return !READ_ONCE(at_stop) && time_before(jiffies, READ_ONCE(at_end));
}

/* Setup step counter: true when this step must fail (setup_fail). */
static bool at_setup_fault(void)
{
	if (++at_setup_step != setup_fail)
		return false;
	at_failed_step = at_setup_step;
	return true;
}

/* The minimum of verified allocations per worker of @kind; 0 when none applies. */
static unsigned long at_min_verified(enum at_kind kind)
{
	if (pressure || faults || !at_nr[kind])
		return 0;
	return DIV_ROUND_UP((unsigned long)min_rate[kind] * duration, at_nr[kind]);
}

/* The shortest hrtimer period this kernel can do, in microseconds. */
static unsigned int at_hrtimer_us_min(void)
{
	return max_t(unsigned int, 1, DIV_ROUND_UP(hrtimer_resolution, NSEC_PER_USEC));
}

/* The largest timer or hrtimer batch that fits in budget_us at AT_OP_NS each. */
static unsigned int at_batch_max(void)
{
	return div_u64((u64)budget_us * NSEC_PER_USEC, AT_OP_NS);
}

/* The fill byte of an object: differs between neighbours, never a poison. */
static u8 at_fill(u64 seq, u16 owner)
{
	u8 b = 0x80 | ((seq ^ owner) & 0x3f);

	return (b == 0xa5 || b == 0xbb) ? b + 1 : b;
}

/* Count an error and say what it was, a few times per worker. */
static __printf(2, 3) void at_error(struct at_worker *w, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (++w->st.errors > AT_MAX_REPORTS)
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("%s/%u: %pV\n", at_kind_name[w->kind], w->owner & 0xff, &vaf);
	va_end(args);
}

/* Draw one operation's choices: the same seed gives the same sequence. */
static void at_choose(struct at_worker *w, struct at_choice *c)
{
	/*
	 * Every operation draws the same number of values whatever happens
	 * (failures, handoffs), so the sequence depends on the seed only.
	 */
	u32 r = prandom_u32_state(&w->rnd);
	unsigned int dist = size_dist;
	unsigned int api;

	if (!dist)
		dist = 1 + r % 3;
	switch (dist) {
	case 1:
		c->size = fixed_size;
		break;
	case 2:
		c->size = min_size + prandom_u32_state(&w->rnd) % (max_size - min_size + 1);
		break;
	default:
		c->size = at_edges[prandom_u32_state(&w->rnd) % at_nr_edges];
		break;
	}
	/* Pick among the enabled APIs, in a fixed order. */
	api = prandom_u32_state(&w->rnd) % hweight32(api_mask);
	for (c->api = 0; c->api < AT_NR_APIS; c->api++)
		if ((api_mask & BIT(c->api)) && !api--)
			break;
	r = prandom_u32_state(&w->rnd);
	c->order = (r & 0xff) % (page_order_max + 1);
	c->nowait = r & 0x100;
	c->zero = r & 0x200;
	c->slot = prandom_u32_state(&w->rnd) % pool_size;
	c->handoff = prandom_u32_state(&w->rnd) % 100 < handoff_pct;
	if (w->seq < AT_DIGEST_OPS)
		w->st.digest = jhash_3words(c->size, c->api | c->order << 8,
					    c->slot, w->st.digest);
}

/* Record an allocation's latency in the log2 histogram. */
static void at_latency(struct at_worker *w, u8 api, u64 ns)
{
	w->st.lat[min_t(unsigned int, fls64(ns), AT_LAT_BUCKETS - 1)]++;
	w->st.alloc_ns += ns;
	w->st.api_ops[api]++;
	w->st.api_ns[api] += ns;
}

/*
 * Insert @obj into the live tree; returns the live object it overlaps,
 * or NULL. Called with at_lock held.
 */
static struct at_obj *at_tree_insert(struct at_obj *obj)
{
	struct rb_node **link = &at_tree.rb_node, *parent = NULL;
	unsigned long start = (unsigned long)obj->ptr, end = start + obj->size;

	/* Live ranges never overlap, so ordering by start address is total. */
	while (*link) {
		struct at_obj *o = rb_entry(*link, struct at_obj, node);
		unsigned long ostart = (unsigned long)o->ptr;

		parent = *link;
		if (end <= ostart)
			link = &(*link)->rb_left;
		else if (start >= ostart + o->size)
			link = &(*link)->rb_right;
		else
			return o;
	}
	rb_link_node(&obj->node, parent, link);
	rb_insert_color(&obj->node, &at_tree);
	return NULL;
}

/* Push @obj to @ring; false when the ring is full. Takes at_lock. */
static bool at_ring_push(struct at_ring *ring, struct at_obj *obj)
{
	unsigned long flags;
	bool ok = false;

	spin_lock_irqsave(&at_lock, flags);
	if (ring->count < ring->size) {
		ring->slot[(ring->head + ring->count++) % ring->size] = obj;
		ok = true;
	}
	spin_unlock_irqrestore(&at_lock, flags);
	return ok;
}

/* Pop the oldest object of @ring, or NULL. Takes at_lock. */
static struct at_obj *at_ring_pop(struct at_ring *ring)
{
	struct at_obj *obj = NULL;
	unsigned long flags;

	spin_lock_irqsave(&at_lock, flags);
	if (ring->count) {
		obj = ring->slot[ring->head];
		ring->head = (ring->head + 1) % ring->size;
		ring->count--;
	}
	spin_unlock_irqrestore(&at_lock, flags);
	return obj;
}

/* Check an object's header and fill before it is freed. */
static void at_verify(struct at_worker *w, struct at_obj *obj)
{
	const u8 *p = obj->ptr, *bad;
	u8 fill = at_fill(obj->seq, obj->owner);
	size_t off = 0;

	if (obj->size >= sizeof(struct at_hdr)) {
		const struct at_hdr *h = obj->ptr;

		if (h->magic != AT_MAGIC || h->owner != obj->owner || h->api != obj->api ||
		    h->size != obj->size || h->seq != obj->seq || h->fill != fill) {
			at_error(w,
				 "%s object %p size %u of %s/%u seq %llu: header overwritten (magic %#x owner %#x seq %llu size %u)",
				 at_api_name[obj->api], obj->ptr, obj->size,
				 at_kind_name[obj->owner >> 8], obj->owner & 0xff,
				 obj->seq, h->magic, h->owner, h->seq, h->size);
			return;
		}
		off = sizeof(struct at_hdr);
	}
	bad = memchr_inv(p + off, fill, obj->size - off);
	if (bad)
		at_error(w,
			 "%s object %p size %u of %s/%u seq %llu: byte %td is %#x, expected fill %#x",
			 at_api_name[obj->api], obj->ptr, obj->size,
			 at_kind_name[obj->owner >> 8], obj->owner & 0xff,
			 obj->seq, bad - p, *bad, fill);
}

/* Verify, untrack and free one object, with the API that allocated it. */
static void at_release(struct at_worker *w, struct at_obj *obj)
{
	struct at_obj copy = *obj;
	unsigned long flags;
	u64 t0, ns;

	/* Checked while still tracked: the verdict names its owner. */
	at_verify(w, obj);
	/* Untrack before freeing: the memory may be handed out at once. */
	spin_lock_irqsave(&at_lock, flags);
	rb_erase(&obj->node, &at_tree);
	obj->next_free = at_free_handles;
	at_free_handles = obj;
	spin_unlock_irqrestore(&at_lock, flags);
	atomic_long_dec(&at_live);

	t0 = ktime_get_ns();
	switch (copy.api) {
	case AT_KMALLOC:
	case AT_KZALLOC:
		kfree(copy.ptr);
		break;
	case AT_CACHE:
		kmem_cache_free(at_cache, copy.ptr);
		break;
	case AT_PAGES:
		__free_pages(copy.page, copy.order);
		break;
	case AT_VMALLOC:
		vfree(copy.ptr);
		break;
	}
	ns = ktime_get_ns() - t0;
	w->st.free_ns += ns;
	w->st.frees++;
	w->st.api_free_ns[copy.api] += ns;
	w->st.api_frees[copy.api]++;
}

/* Allocate one object as @c says, verify it and track it; NULL on failure. */
static struct at_obj *at_alloc(struct at_worker *w, const struct at_choice *c)
{
	bool atomic = at_atomic_kind(w->kind);
	unsigned long errors = w->st.errors;
	unsigned int pc = preempt_count();
	bool irqs = irqs_disabled();
	struct at_obj *obj, *other;
	struct page *page = NULL;
	u8 api = c->api;
	bool zero = c->zero;
	unsigned long flags;
	u32 size = c->size;
	void *p = NULL;
	gfp_t gfp;
	u64 t0;

	if (atomic) {
		gfp = (c->nowait ? GFP_NOWAIT : GFP_ATOMIC) | __GFP_NOWARN;
		/* vfree() must not run in atomic context: no vmalloc here. */
		if (api == AT_VMALLOC)
			api = AT_KMALLOC;
	} else {
		gfp = GFP_KERNEL | __GFP_NOWARN;
		/* Under pressure, fail rather than wake the OOM killer. */
		if (pressure)
			gfp |= __GFP_NORETRY;
	}
	/* kmalloc() is the one API that never zeroes. */
	if (api == AT_KZALLOC)
		zero = true;
	else if (api == AT_KMALLOC)
		zero = false;
	if (api == AT_CACHE)
		size = AT_CACHE_SIZE;
	else if (api == AT_PAGES)
		size = PAGE_SIZE << c->order;

	t0 = ktime_get_ns();
	switch (api) {
	case AT_KMALLOC:
		p = kmalloc(size, gfp);
		break;
	case AT_KZALLOC:
		p = kzalloc(size, gfp);
		break;
	case AT_CACHE:
		p = kmem_cache_alloc(at_cache, gfp | (zero ? __GFP_ZERO : 0));
		break;
	case AT_PAGES:
		page = alloc_pages(gfp | (zero ? __GFP_ZERO : 0), c->order);
		p = page ? page_address(page) : NULL;
		break;
	case AT_VMALLOC:
		/* vmalloc knows __GFP_RETRY_MAYFAIL (no OOM killer), not NORETRY. */
		p = __vmalloc(size, (gfp & ~__GFP_NORETRY) | (zero ? __GFP_ZERO : 0) |
			      (pressure ? __GFP_RETRY_MAYFAIL : 0));
		break;
	}
	at_latency(w, api, ktime_get_ns() - t0);
	w->st.ops++;

	/* Failed or not, the allocation must not have changed our context. */
	if (preempt_count() != pc || irqs_disabled() != irqs)
		at_error(w,
			 "%s(%u) changed the context: preempt_count %#x -> %#x, irqs_disabled %d -> %d",
			 at_api_name[api], size, pc, preempt_count(), irqs, irqs_disabled());
	if (!p) {
		w->st.failures++;
		if (!atomic && !pressure && !faults) {
			w->st.unexpected++;
			pr_err("%s/%u: %s(%u, GFP_KERNEL) failed with neither pressure nor fault injection\n",
			       at_kind_name[w->kind], w->owner & 0xff, at_api_name[api], size);
		} else if (verbose >= 2) {
			pr_info_ratelimited("%s/%u: %s(%u) failed (expected in this mode)\n",
					    at_kind_name[w->kind], w->owner & 0xff,
					    at_api_name[api], size);
		}
		return NULL;
	}
	w->st.bytes += size;

	/* Zeroing is checked before anything of ours is written to it. */
	if (zero) {
		const u8 *bad = memchr_inv(p, 0, size);

		if (bad)
			at_error(w,
				 "%s(%u, %s%s) byte %td is %#x, expected 0",
				 at_api_name[api], size, atomic ? "GFP_ATOMIC" : "GFP_KERNEL",
				 api == AT_KZALLOC ? "" : " | __GFP_ZERO",
				 bad - (const u8 *)p, *bad);
	}
	/* Documented: power-of-two sizes are aligned to their size. */
	if ((api == AT_KMALLOC || api == AT_KZALLOC) &&
	    !IS_ALIGNED((unsigned long)p, is_power_of_2(size) ?
			min_t(unsigned long, size, PAGE_SIZE) : ARCH_KMALLOC_MINALIGN))
		at_error(w,
			 "kmalloc(%u) returned %p, %lu bytes past the documented alignment",
			 size, p, (unsigned long)p & (is_power_of_2(size) ?
			 min_t(unsigned long, size, PAGE_SIZE) - 1 : ARCH_KMALLOC_MINALIGN - 1));

	/* Handles come from a fixed array: no allocation of our own here. */
	spin_lock_irqsave(&at_lock, flags);
	obj = at_free_handles;
	if (obj)
		at_free_handles = obj->next_free;
	spin_unlock_irqrestore(&at_lock, flags);
	if (WARN_ON_ONCE(!obj))	/* handles == slots: cannot happen */
		goto quarantine;
	obj->ptr = p;
	obj->page = page;
	obj->size = size;
	obj->api = api;
	obj->order = c->order;
	obj->owner = w->owner;
	obj->seq = w->seq;

	spin_lock_irqsave(&at_lock, flags);
	other = at_tree_insert(obj);
	if (other) {
		obj->next_free = at_free_handles;
		at_free_handles = obj;
	}
	spin_unlock_irqrestore(&at_lock, flags);
	if (other) {
		/* Freeing either copy would corrupt the allocator: keep both. */
		at_error(w,
			 "%s(%u) returned %p, %ld bytes into live %s object %p size %u of %s/%u seq %llu",
			 at_api_name[api], size, p, (long)(p - other->ptr),
			 at_api_name[other->api], other->ptr, other->size,
			 at_kind_name[other->owner >> 8], other->owner & 0xff, other->seq);
		goto quarantine;
	}
	atomic_long_inc(&at_live);

	if (size >= sizeof(struct at_hdr)) {
		struct at_hdr *h = p;

		h->magic = AT_MAGIC;
		h->owner = obj->owner;
		h->api = api;
		h->order = c->order;
		h->size = size;
		h->seq = obj->seq;
		h->fill = at_fill(obj->seq, obj->owner);
		memset(h + 1, h->fill, size - sizeof(*h));
	} else {
		memset(p, at_fill(obj->seq, obj->owner), size);
	}
	/* Handed out and checked: context, zeroing, alignment, no overlap. */
	if (w->st.errors == errors)
		w->st.verified++;
	return obj;

quarantine:
	atomic_long_inc(&at_quarantined);
	return NULL;
}

/* Free some objects the other side handed over, until @end_ns. */
static void at_drain_incoming(struct at_worker *w, unsigned int max, u64 end_ns)
{
	struct at_ring *ring = at_atomic_kind(w->kind) ? &at_to_atomic : &at_to_process;
	struct at_obj *obj;

	while (max-- && ktime_get_ns() < end_ns && (obj = at_ring_pop(ring))) {
		w->st.handoffs_in++;
		at_release(w, obj);
	}
}

/* One operation: retire a random slot's object, allocate a new one. */
static void at_op(struct at_worker *w)
{
	struct at_choice c;
	struct at_obj *old;

	/* A random slot: objects live a geometric, seed-given while. */
	at_choose(w, &c);
	old = w->pool[c.slot];
	if (old) {
		struct at_ring *ring = at_atomic_kind(w->kind) ? &at_to_process : &at_to_atomic;

		w->pool[c.slot] = NULL;
		/* vmalloc objects never go to atomic context. */
		if (c.handoff && old->api != AT_VMALLOC && at_ring_push(ring, old))
			w->st.handoffs_out++;
		else
			at_release(w, old);
	}
	w->pool[c.slot] = at_alloc(w, &c);
	w->seq++;
}

/*
 * A worker's callback body: @n operations and as many frees of handed-over
 * objects, timed, cut short once @budget_ns is spent (a firing ends at
 * most one operation past it) so that a slow kernel (KASAN, debug
 * objects) is not livelocked by callbacks longer than their period.
 */
static void at_batch(struct at_worker *w, unsigned int n, u64 budget_ns)
{
	u64 t0 = ktime_get_ns(), ns;
	unsigned int i;

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
	atomic64_add(ns, &at_kind_busy[w->kind]);
}

/*
 * Whether a self-rescheduling softirq worker may go again at once. Above
 * its kind's duty cycle it waits for the kick timer instead: softirqs
 * that are always pending run at every interrupt exit, and on a slow
 * (debug) kernel they would starve every task, user space included. A
 * kind's share is AT_DUTY_PCT, and at most an even split with the other
 * softirq kind of what the timers leave of AT_ATOMIC_DUTY_PCT (a time
 * interrupts took inside a batch counts twice: on the safe side). The
 * kernel runs BH work before tasklets, for up to 2 ms a round: a kind
 * more than 2% of the time ahead of the other waits too, so that a slow
 * host starves neither.
 */
static bool at_may_resched(struct at_worker *w)
{
	u64 elapsed = (ktime_get_ns() - at_start_ns) * num_online_cpus();
	u64 timers = atomic64_read(&at_kind_busy[AT_TIMER]) +
		atomic64_read(&at_kind_busy[AT_HRT_SOFT]) +
		atomic64_read(&at_kind_busy[AT_HRT_HARD]);
	u64 left = div_u64(elapsed * AT_ATOMIC_DUTY_PCT, 100);
	u64 mine = atomic64_read(&at_kind_busy[w->kind]);
	bool both = at_nr[AT_TASKLET] && at_nr[AT_BH_WORK];
	u64 other = atomic64_read(&at_kind_busy[w->kind == AT_TASKLET ?
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

static void at_tasklet_fn(struct tasklet_struct *t)
{
	struct at_worker *w = from_tasklet(w, t, tasklet);

	at_batch(w, batch, AT_BUDGET_NS);
	if (at_running() && at_may_resched(w))
		tasklet_schedule(&w->tasklet);
}

static void at_timer_fn(struct timer_list *t)
{
	struct at_worker *w = timer_container_of(w, t, timer);

	at_batch(w, timer_batch, (u64)budget_us * NSEC_PER_USEC);
	if (at_running())
		mod_timer(&w->timer, jiffies + AT_TIMER_JIFFIES);
}

static enum hrtimer_restart at_hrtimer_fn(struct hrtimer *t)
{
	struct at_worker *w = container_of(t, struct at_worker, hrt);
	u64 n;

	at_batch(w, hrtimer_batch, (u64)budget_us * NSEC_PER_USEC);
	if (!at_running())
		return HRTIMER_NORESTART;
	/*
	 * On the period's grid, the next point after now: a late firing skips
	 * (and counts) the periods it missed rather than firing back to back.
	 * Low-resolution hrtimers (UML) expire on the tick: once a period.
	 */
	n = hrtimer_forward_now(t, ns_to_ktime((u64)hrtimer_us * NSEC_PER_USEC));
	if (n > 1)
		w->st.overruns += n - 1;
	return HRTIMER_RESTART;
}

static void at_work_fn(struct work_struct *work)
{
	struct at_worker *w = container_of(work, struct at_worker, work);

	at_batch(w, batch, AT_BUDGET_NS);
	if (at_running() && (w->kind != AT_BH_WORK || at_may_resched(w)))
		queue_work(w->kind == AT_BH_WORK ? at_bh_wq : at_wq, &w->work);
}

/* Every jiffy: restart the softirq workers that paused for their duty cycle. */
static void at_kick_fn(struct timer_list *t)
{
	unsigned int i;

	if (!at_running())
		return;
	for (i = 0; i < at_nr[AT_TASKLET]; i++) {
		struct at_worker *w = &at_workers[AT_TASKLET][i];

		if (READ_ONCE(w->paused)) {
			WRITE_ONCE(w->paused, false);
			tasklet_schedule(&w->tasklet);
		}
	}
	for (i = 0; i < at_nr[AT_BH_WORK]; i++) {
		struct at_worker *w = &at_workers[AT_BH_WORK][i];

		if (READ_ONCE(w->paused)) {
			WRITE_ONCE(w->paused, false);
			queue_work(at_bh_wq, &w->work);
		}
	}
	mod_timer(&at_kick_timer, jiffies + 1);
}

/* Must not return before kthread_stop(), which holds no task reference. */
static int at_kthread_fn(void *data)
{
	struct at_worker *w = data;

	while (!kthread_should_stop()) {
		if (at_running()) {
			at_batch(w, batch, AT_BUDGET_NS);
			cond_resched();
		} else {
			schedule_timeout_interruptible(HZ / 10);
		}
	}
	return 0;
}

/* Sum of the low and min watermarks of every populated zone, in pages. */
static void at_watermarks(void)
{
	int nid, z;

	at_wmark_low = 0;
	at_wmark_min = 0;
	at_highatomic = 0;
	for_each_online_node(nid) {
		for (z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];

			if (!populated_zone(zone))
				continue;
			at_wmark_low += low_wmark_pages(zone);
			at_wmark_min += min_wmark_pages(zone);
			/* Not usable by GFP_KERNEL: the watermark checks subtract it. */
			at_highatomic += READ_ONCE(zone->nr_reserved_highatomic);
		}
	}
}

/* Give back the hog's most recent chunk: its size in pages, 0 if none. */
static unsigned long at_hog_free_one(void)
{
	struct page *page;
	unsigned int order;

	spin_lock(&at_hog_lock);
	page = list_first_entry_or_null(&at_hog_pages, struct page, lru);
	if (page) {
		list_del(&page->lru);
		at_hog_held -= 1UL << page_private(page);
	}
	spin_unlock(&at_hog_lock);
	if (!page)
		return 0;
	order = page_private(page);
	set_page_private(page, 0);
	__free_pages(page, order);
	return 1UL << order;
}

/* What the hog leaves free at least: low watermark over the high-atomic reserve. */
static unsigned long at_hog_floor(void)
{
	/* Watermark boosts move the watermarks: read them every time. */
	at_watermarks();
	return at_highatomic + at_wmark_low;
}

/*
 * Reclaim gives the hog's pages back first: a task that enters direct
 * reclaim (user space faulting a page in, say) while the workers' atomic
 * allocations or a watermark boost took free memory below min would
 * otherwise find nothing to reclaim and call the OOM killer before the
 * hog looks again, a jiffy later.
 */
static unsigned long at_hog_count(struct shrinker *shrinker, struct shrink_control *sc)
{
	return READ_ONCE(at_hog_held) ?: SHRINK_EMPTY;
}

static unsigned long at_hog_scan(struct shrinker *shrinker, struct shrink_control *sc)
{
	unsigned long freed = 0, n;

	while (freed < sc->nr_to_scan && (n = at_hog_free_one()))
		freed += n;
	atomic_long_add(freed, &at_hog_shrunk);
	return freed ?: SHRINK_STOP;
}

/* Register the hog's shrinker (shrinker_alloc from 6.7, before it in place). */
static int at_hog_shrinker_register(void)
{
	struct shrinker *s;

#ifdef AT_HAVE_SHRINKER_ALLOC
	s = shrinker_alloc(0, "alloc_torture-hog");
	if (!s)
		return -ENOMEM;
#else
	s = &at_hog_shrinker_old;
#endif
	s->count_objects = at_hog_count;
	s->scan_objects = at_hog_scan;
	s->seeks = DEFAULT_SEEKS;
#ifdef AT_HAVE_SHRINKER_ALLOC
	shrinker_register(s);
#else
	if (register_shrinker(s, "alloc_torture-hog"))
		return -ENOMEM;
#endif
	at_hog_shrinker = s;
	return 0;
}

static void at_hog_shrinker_unregister(void)
{
	if (!at_hog_shrinker)
		return;
#ifdef AT_HAVE_SHRINKER_ALLOC
	shrinker_free(at_hog_shrinker);
#else
	unregister_shrinker(at_hog_shrinker);
#endif
	at_hog_shrinker = NULL;
}

/*
 * Pressure: hold free memory just above the low watermark (on top of the
 * high-atomic reserve, with one low-min gap of slack), so that the
 * workers' allocations run near their failure paths while GFP_KERNEL
 * callers (user space included) still find pages above min. Lower is
 * not safe on UML: with the hog halfway between min and low, or an
 * eighth of the way, the OOM killer took the script. Checked every jiffy;
 * in between, reclaim takes the hog's pages through its shrinker.
 */
static int at_hog_fn(void *data)
{
	while (!kthread_should_stop()) {
		unsigned long free = global_zone_page_state(NR_FREE_PAGES);
		unsigned long floor, target;
		unsigned int n, cap = 9;

		floor = at_hog_floor();
		target = floor + (at_wmark_low - at_wmark_min);

		at_free_min_seen = min(at_free_min_seen, free);
		for (n = 0; n < 4096 && at_running() && free > target; n++) {
			unsigned int order = min_t(unsigned int, cap, ilog2(free - target));
			struct page *page;

			page = alloc_pages(__GFP_NOWARN | __GFP_NORETRY | __GFP_NOMEMALLOC, order);
			if (!page) {
				/* Free memory may be fragmented: smaller blocks next. */
				if (!order)
					break;
				cap = order - 1;
				continue;
			}
			set_page_private(page, order);
			spin_lock(&at_hog_lock);
			list_add(&page->lru, &at_hog_pages);
			at_hog_held += 1UL << order;
			at_hog_max = max(at_hog_max, at_hog_held);
			spin_unlock(&at_hog_lock);
			free = global_zone_page_state(NR_FREE_PAGES);
		}
		at_free_min_seen = min(at_free_min_seen, free);
		while ((!at_running() || global_zone_page_state(NR_FREE_PAGES) < at_hog_floor()) &&
		       at_hog_free_one())
			;
		schedule_timeout_interruptible(1);
	}
	while (at_hog_free_one())
		;
	return 0;
}

/* The process-context ceiling for make bench: tight kmalloc/kfree. */
static void at_measure_ceiling(void)
{
	/*
	 * Static, not on the stack (a worker and 1 KiB of sizes overflow the
	 * frame limit in a KASAN build): this runs once, after the workers.
	 */
	static struct at_worker w;
	static u32 sizes[256];
	u64 t0, limit = (u64)bench_ms * NSEC_PER_MSEC;
	unsigned int i;

	memset(&w, 0, sizeof(w));
	w.kind = AT_KTHREAD;
	prandom_seed_state(&w.rnd, seed);
	/* Sizes drawn up front: the loop times the allocator, not the PRNG. */
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct at_choice c;

		at_choose(&w, &c);
		sizes[i] = c.size;
	}
	t0 = ktime_get_ns();
	do {
		for (i = 0; i < ARRAY_SIZE(sizes); i++)
			kfree(kmalloc(sizes[i], GFP_KERNEL));
		at_ceiling_ops += ARRAY_SIZE(sizes);
		at_ceiling_ns = ktime_get_ns() - t0;
		cond_resched();
	} while (at_ceiling_ns < limit);
	t0 = ktime_get_ns();
	do {
		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			u64 t1 = ktime_get_ns();
			void *p = kmalloc(sizes[i], GFP_KERNEL);
			u64 t2 = ktime_get_ns();

			kfree(p);
			at_ceiling_free_ns += ktime_get_ns() - t2;
			at_ceiling_alloc_ns += t2 - t1;
		}
		at_ceiling_timed_ops += ARRAY_SIZE(sizes);
		cond_resched();
	} while (ktime_get_ns() - t0 < limit);
}

/* Operations per firing of @kind's workers. */
static unsigned int at_kind_batch(enum at_kind kind)
{
	if (kind == AT_TIMER)
		return timer_batch;
	if (kind == AT_HRT_SOFT || kind == AT_HRT_HARD)
		return hrtimer_batch;
	return batch;
}

/* Longest a firing of @kind's workers may run (one operation past it at most). */
static u64 at_kind_budget_ns(enum at_kind kind)
{
	if (kind == AT_TIMER || kind == AT_HRT_SOFT || kind == AT_HRT_HARD)
		return (u64)budget_us * NSEC_PER_USEC;
	return AT_BUDGET_NS;
}

/* Sum of the stats of every worker of @kind. */
static void at_kind_stats(enum at_kind kind, struct at_stats *sum)
{
	unsigned int i, j;

	memset(sum, 0, sizeof(*sum));
	sum->verified_min = at_nr[kind] ? ULONG_MAX : 0;
	for (i = 0; i < at_nr[kind]; i++) {
		const struct at_stats *st = &at_workers[kind][i].st;

		sum->ops += st->ops;
		sum->verified += st->verified;
		sum->verified_min = min(sum->verified_min, st->verified);
		sum->bytes += st->bytes;
		sum->failures += st->failures;
		sum->unexpected += st->unexpected;
		sum->errors += st->errors;
		sum->frees += st->frees;
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
	if (at_nr[kind])
		sum->digest = at_workers[kind][0].st.digest;
}

/* Why @kind does not run, or NULL when it does. */
static const char *at_skip_reason(enum at_kind kind)
{
#ifndef AT_HAVE_WQ_BH
	if (kind == AT_BH_WORK)
		return "this kernel has no WQ_BH workqueues (6.9+)";
#endif
	if (!nr_workers[kind])
		return "no workers of this kind (module parameter is 0)";
	return NULL;
}

/* "pass", "fail" or "skip" for @kind, once the run is over. */
static const char *at_kind_result(enum at_kind kind, const struct at_stats *st)
{
	if (at_skip_reason(kind))
		return "skip";
	if (st->errors || st->unexpected || !st->verified)
		return "fail";
	return st->verified_min < at_min_verified(kind) ? "fail" : "pass";
}

/* Stop every worker, free everything; with @report, print the KTAP. */
static void at_finish(bool report)
{
	unsigned int k, i, n = 0;
	struct at_obj *obj;
	bool pass = true;

	mutex_lock(&at_finish_lock);
	if (at_finished)
		goto out;
	WRITE_ONCE(at_stop, true);
	smp_mb();	/* workers see the stop before we wait for them */
	/* First the kick timer: it restarts tasklets and BH work. */
	timer_delete_sync(&at_kick_timer);
	timer_delete_sync(&at_kick_timer);
	for (k = 0; k < AT_NR_KINDS; k++) {
		for (i = 0; i < at_nr[k]; i++) {
			struct at_worker *w = &at_workers[k][i];

			if (!w->started && k != AT_KTHREAD)
				continue;
			switch (k) {
			case AT_TASKLET:
				tasklet_kill(&w->tasklet);
				break;
			case AT_TIMER:
				/* Twice: a callback running the first time may re-arm. */
				timer_delete_sync(&w->timer);
				timer_delete_sync(&w->timer);
				break;
			case AT_HRT_SOFT:
			case AT_HRT_HARD:
				hrtimer_cancel(&w->hrt);
				break;
			case AT_BH_WORK:
			case AT_WORK:
				cancel_work_sync(&w->work);
				break;
			case AT_KTHREAD:
				if (w->task)
					kthread_stop(w->task);
				w->task = NULL;
				break;
			}
			w->started = false;
		}
	}
	if (at_hog) {
		kthread_stop(at_hog);
		at_hog = NULL;
	}
	at_hog_shrinker_unregister();
	/* Everything is stopped: free what is left, in process context. */
	for (k = 0; k < AT_NR_KINDS; k++) {
		for (i = 0; i < at_nr[k]; i++) {
			struct at_worker *w = &at_workers[k][i];
			unsigned int s;

			for (s = 0; s < pool_size; s++) {
				if (!w->pool[s])
					continue;
				at_release(w, w->pool[s]);
				w->pool[s] = NULL;
			}
		}
	}
	if (at_to_process.slot && at_to_atomic.slot) {
		struct at_worker dummy = { .kind = AT_KTHREAD };

		while ((obj = at_ring_pop(&at_to_process)) ||
		       (obj = at_ring_pop(&at_to_atomic)))
			at_release(&dummy, obj);
		if (dummy.st.errors)
			pass = false;
	}
	/* Measured with every worker stopped: the uncontended ceiling. */
	if (report && bench_ms)
		at_measure_ceiling();
	if (atomic_long_read(&at_live) || atomic_long_read(&at_quarantined))
		pass = false;
	if (report) {
		pr_info("KTAP version 1\n");
		pr_info("1..%d\n", AT_NR_KINDS);
		for (k = 0; k < AT_NR_KINDS; k++) {
			const char *skip = at_skip_reason(k);
			struct at_stats st;
			const char *res;

			at_kind_stats(k, &st);
			res = at_kind_result(k, &st);
			if (!strcmp(res, "fail"))
				pass = false;
			pr_info("# %s: ops %lu verified %lu bytes %lu failures %lu unexpected %lu errors %lu handoffs %lu/%lu\n",
				at_kind_name[k], st.ops, st.verified, st.bytes, st.failures,
				st.unexpected, st.errors, st.handoffs_out, st.handoffs_in);
			if (!skip)
				pr_info("# %s: verified allocations per worker: lowest %lu, minimum %lu; firings %lu, longest %llu us, budget %llu us\n",
					at_kind_name[k], st.verified_min, at_min_verified(k),
					st.firings, div_u64(st.longest_ns, NSEC_PER_USEC),
					div_u64(at_kind_budget_ns(k), NSEC_PER_USEC));
			if (skip)
				pr_info("ok %u %s # SKIP %s\n", ++n, at_kind_name[k], skip);
			else
				pr_info("%s %u %s\n", strcmp(res, "pass") ? "not ok" : "ok",
					++n, at_kind_name[k]);
		}
		if (atomic_long_read(&at_live) || atomic_long_read(&at_quarantined))
			pr_err("%ld objects still live, %ld quarantined after the run\n",
			       atomic_long_read(&at_live), atomic_long_read(&at_quarantined));
	}
	WRITE_ONCE(at_passed, pass);
	at_finished = true;
	smp_wmb();	/* the stats reader sees the results before done */
	WRITE_ONCE(at_done, true);
out:
	mutex_unlock(&at_finish_lock);
}

static void at_end_fn(struct work_struct *work)
{
	at_finish(true);
}

static void at_show_kind(struct seq_file *m, enum at_kind k, bool done)
{
	const char *name = at_kind_name[k];
	struct at_stats st;
	unsigned int j;

	at_kind_stats(k, &st);
	seq_printf(m, "%s_workers: %u\n", name, at_skip_reason(k) ? 0 : at_nr[k]);
	seq_printf(m, "%s_ops: %lu\n", name, st.ops);
	seq_printf(m, "%s_verified: %lu\n", name, st.verified);
	seq_printf(m, "%s_verified_min_worker: %lu\n", name, st.verified_min);
	seq_printf(m, "%s_bytes: %lu\n", name, st.bytes);
	seq_printf(m, "%s_failures: %lu\n", name, st.failures);
	seq_printf(m, "%s_unexpected_failures: %lu\n", name, st.unexpected);
	seq_printf(m, "%s_errors: %lu\n", name, st.errors);
	seq_printf(m, "%s_frees: %lu\n", name, st.frees);
	seq_printf(m, "%s_handoffs_out: %lu\n", name, st.handoffs_out);
	seq_printf(m, "%s_handoffs_in: %lu\n", name, st.handoffs_in);
	seq_printf(m, "%s_alloc_ns: %llu\n", name, st.alloc_ns);
	seq_printf(m, "%s_free_ns: %llu\n", name, st.free_ns);
	seq_printf(m, "%s_busy_ns: %llu\n", name, st.busy_ns);
	seq_printf(m, "%s_min_rate: %u\n", name, min_rate[k]);
	seq_printf(m, "%s_min_verified_per_worker: %lu\n", name, at_min_verified(k));
	seq_printf(m, "%s_batch: %u\n", name, at_kind_batch(k));
	seq_printf(m, "%s_budget_ns: %llu\n", name, at_kind_budget_ns(k));
	seq_printf(m, "%s_firings: %lu\n", name, st.firings);
	seq_printf(m, "%s_longest_firing_ns: %llu\n", name, st.longest_ns);
	seq_printf(m, "%s_budget_cuts: %lu\n", name, st.cuts);
	seq_printf(m, "%s_overruns: %lu\n", name, st.overruns);
	for (j = 0; j < AT_NR_APIS; j++) {
		seq_printf(m, "%s_%s_ops: %lu\n", name, at_api_name[j], st.api_ops[j]);
		seq_printf(m, "%s_%s_ns: %llu\n", name, at_api_name[j], st.api_ns[j]);
		seq_printf(m, "%s_%s_frees: %lu\n", name, at_api_name[j], st.api_frees[j]);
		seq_printf(m, "%s_%s_free_ns: %llu\n", name, at_api_name[j],
			   st.api_free_ns[j]);
	}
	for (j = 0; j < AT_LAT_BUCKETS; j++)
		if (st.lat[j])
			seq_printf(m, "%s_lat_log2ns_%u: %lu\n", name, j, st.lat[j]);
	/* Only a complete digest can be compared between runs. */
	if (at_nr[k] && at_workers[k][0].seq >= AT_DIGEST_OPS)
		seq_printf(m, "%s_digest: %08x\n", name, st.digest);
	else
		seq_printf(m, "%s_digest: incomplete\n", name);
	if (done) {
		seq_printf(m, "%s_result: %s\n", name, at_kind_result(k, &st));
		if (at_skip_reason(k))
			seq_printf(m, "%s_skip_reason: %s\n", name, at_skip_reason(k));
	}
}

static int at_stats_show(struct seq_file *m, void *v)
{
	bool done = READ_ONCE(at_done);
	unsigned int k;

	smp_rmb();	/* the results are final once done is seen */
	seq_printf(m, "state: %s\n", done ? "done" : "running");
	seq_printf(m, "seed: %lu\n", seed);
	seq_printf(m, "elapsed_ms: %u\n", jiffies_to_msecs(jiffies - at_start));
	seq_printf(m, "run_ms: %u\n", jiffies_to_msecs(READ_ONCE(at_end) - at_start));
	seq_printf(m, "setup_steps: %u\n", at_setup_step);
	seq_printf(m, "hrtimer_interval_us: %u\n", hrtimer_us);
	seq_printf(m, "hrtimer_resolution_ns: %u\n", hrtimer_resolution);
	seq_printf(m, "hrtimer_us_min: %u\n", at_hrtimer_us_min());
	seq_printf(m, "timer_period_ns: %lu\n", AT_TIMER_JIFFIES * TICK_NSEC);
	seq_printf(m, "budget_us: %u\n", budget_us);
	seq_printf(m, "batch_max: %u\n", at_batch_max());
	seq_printf(m, "live_objects: %ld\n", atomic_long_read(&at_live));
	seq_printf(m, "quarantined_objects: %ld\n", atomic_long_read(&at_quarantined));
	for (k = 0; k < AT_NR_KINDS; k++)
		at_show_kind(m, k, done);
	if (pressure) {
		seq_printf(m, "wmark_low_pages: %lu\n", at_wmark_low);
		seq_printf(m, "wmark_min_pages: %lu\n", at_wmark_min);
		seq_printf(m, "highatomic_pages: %lu\n", at_highatomic);
		seq_printf(m, "free_pages_min_seen: %lu\n", at_free_min_seen);
		seq_printf(m, "hog_pages_max: %lu\n", at_hog_max);
		seq_printf(m, "hog_pages_held: %lu\n", at_hog_held);
		seq_printf(m, "hog_pages_shrunk: %ld\n", atomic_long_read(&at_hog_shrunk));
	}
	if (done && bench_ms) {
		seq_printf(m, "ceiling_ops: %lu\n", at_ceiling_ops);
		seq_printf(m, "ceiling_ns: %llu\n", at_ceiling_ns);
		seq_printf(m, "ceiling_timed_ops: %lu\n", at_ceiling_timed_ops);
		seq_printf(m, "ceiling_timed_alloc_ns: %llu\n", at_ceiling_alloc_ns);
		seq_printf(m, "ceiling_timed_free_ns: %llu\n", at_ceiling_free_ns);
	}
	if (done)
		seq_printf(m, "result: %s\n", READ_ONCE(at_passed) ? "pass" : "fail");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(at_stats);

/* struct at_param - a numeric parameter and its accepted range */
struct at_param {
	const char *name;
	const unsigned int *val;
	unsigned int min, max;
};

/* Reject any parameter out of range, naming it and the range. */
static int at_check_params(void)
{
	const struct at_param params[] = {
		{ "duration", &duration, 1, 3600 },
		{ "tasklets", &nr_workers[AT_TASKLET], 0, AT_MAX_WORKERS },
		{ "timers", &nr_workers[AT_TIMER], 0, AT_MAX_WORKERS },
		{ "hrtimers_soft", &nr_workers[AT_HRT_SOFT], 0, AT_MAX_WORKERS },
		{ "hrtimers_hard", &nr_workers[AT_HRT_HARD], 0, AT_MAX_WORKERS },
		{ "bh_works", &nr_workers[AT_BH_WORK], 0, AT_MAX_WORKERS },
		{ "works", &nr_workers[AT_WORK], 0, AT_MAX_WORKERS },
		{ "kthreads", &nr_workers[AT_KTHREAD], 0, AT_MAX_WORKERS },
		{ "batch", &batch, 1, 256 },
		{ "budget_us", &budget_us, 10, 100000 },
		{ "pool_size", &pool_size, 1, 1024 },
		{ "size_dist", &size_dist, 0, 3 },
		{ "fixed_size", &fixed_size, 1, 65536 },
		{ "min_size", &min_size, 1, 65536 },
		{ "max_size", &max_size, 1, 65536 },
		{ "api_mask", &api_mask, 1, 31 },
		{ "page_order_max", &page_order_max, 0, 4 },
		{ "handoff_pct", &handoff_pct, 0, 100 },
		{ "pressure", &pressure, 0, 1 },
		{ "faults", &faults, 0, 1 },
		{ "verbose", &verbose, 0, 2 },
		{ "setup_fail", &setup_fail, 0, 64 },
		{ "bench_ms", &bench_ms, 0, 10000 },
	};
	const struct at_param batches[] = {
		{ "timer_batch", &timer_batch, 1, at_batch_max() },
		{ "hrtimer_batch", &hrtimer_batch, 1, at_batch_max() },
	};
	unsigned int i, k, total = 0, hrt_min = at_hrtimer_us_min();
	u64 period_us = AT_TIMER_JIFFIES * TICK_NSEC / NSEC_PER_USEC;

	for (i = 0; i < ARRAY_SIZE(params); i++) {
		if (*params[i].val < params[i].min || *params[i].val > params[i].max) {
			pr_err("%s=%u is out of range, expected %u..%u\n", params[i].name,
			       *params[i].val, params[i].min, params[i].max);
			return -EINVAL;
		}
	}
	/* One value for every kind, or one per kind. */
	if (at_nr_min_rate == 1)
		for (k = 1; k < AT_NR_KINDS; k++)
			min_rate[k] = min_rate[0];
	for (k = 0; k < AT_NR_KINDS; k++) {
		if (min_rate[k] > 1000000) {
			pr_err("min_rate=%u is out of range (%s), expected 0..1000000\n",
			       min_rate[k], at_kind_name[k]);
			return -EINVAL;
		}
	}
	/* What the timer can do: its resolution (the tick without high-res timers). */
	if (hrtimer_us < hrt_min || hrtimer_us > 1000000) {
		pr_err("hrtimer_us=%u is out of range, expected %u..1000000 (the hrtimer resolution of this kernel is %u ns%s)\n",
		       hrtimer_us, hrt_min, hrtimer_resolution,
		       IS_ENABLED(CONFIG_HIGH_RES_TIMERS) ? "" :
		       ", without CONFIG_HIGH_RES_TIMERS: hrtimers expire on the tick");
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(batches); i++) {
		if (*batches[i].val < 1 || *batches[i].val > batches[i].max) {
			pr_err("%s=%u is out of range, expected 1..%u: %u operations at up to %lu us each would exceed budget_us=%u\n",
			       batches[i].name, *batches[i].val, batches[i].max,
			       *batches[i].val, AT_OP_NS / NSEC_PER_USEC, budget_us);
			return -EINVAL;
		}
	}
	/* The workers of one timer kind fire together: their budgets add up. */
	for (k = AT_TIMER; k <= AT_HRT_HARD; k++) {
		u64 us = k == AT_TIMER ? period_us : hrtimer_us;

		if ((u64)nr_workers[k] * budget_us * AT_TIMER_SHARE > us) {
			pr_err("budget_us=%u is out of range, expected 10..%llu: %u %s workers would take up to %llu us of each %llu us period, over a quarter\n",
			       budget_us, div_u64(us, AT_TIMER_SHARE * nr_workers[k]),
			       nr_workers[k], at_kind_name[k],
			       (u64)nr_workers[k] * budget_us, us);
			return -EINVAL;
		}
	}
	if (min_size > max_size) {
		pr_err("min_size=%u is above max_size=%u, expected min_size <= max_size\n",
		       min_size, max_size);
		return -EINVAL;
	}
	for (k = 0; k < AT_NR_KINDS; k++)
		total += at_skip_reason(k) ? 0 : nr_workers[k];
	if (!total) {
		pr_err("every worker count is 0 (tasklets, timers, ...), expected at least one worker\n");
		return -EINVAL;
	}
	return 0;
}

/* The kmalloc class sizes and each size + 1, up to KMALLOC_MAX_CACHE_SIZE + 1. */
static void at_init_edges(void)
{
	unsigned int shift;

	at_nr_edges = 0;
	for (shift = KMALLOC_SHIFT_LOW; shift <= KMALLOC_SHIFT_HIGH; shift++) {
		at_edges[at_nr_edges++] = 1U << shift;
		at_edges[at_nr_edges++] = (1U << shift) + 1;
		/* The 96 and 192 classes exist when KMALLOC_MIN_SIZE allows. */
		if ((shift == 6 && KMALLOC_MIN_SIZE <= 32) ||
		    (shift == 7 && KMALLOC_MIN_SIZE <= 64)) {
			at_edges[at_nr_edges++] = 3U << (shift - 1);
			at_edges[at_nr_edges++] = (3U << (shift - 1)) + 1;
		}
	}
}

/* Set up one worker (not started); false on a setup failure. */
static bool at_setup_worker(struct at_worker *w, enum at_kind kind, unsigned int id)
{
	w->kind = kind;
	w->owner = kind << 8 | id;
	prandom_seed_state(&w->rnd, seed ^ ((u64)w->owner * 0x9e3779b97f4a7c15ULL));
	w->pool = at_setup_fault() ? NULL : kcalloc(pool_size, sizeof(*w->pool), GFP_KERNEL);
	if (!w->pool)
		return false;
	switch (kind) {
	case AT_TASKLET:
		tasklet_setup(&w->tasklet, at_tasklet_fn);
		break;
	case AT_TIMER:
		timer_setup(&w->timer, at_timer_fn, 0);
		break;
	case AT_HRT_SOFT:
	case AT_HRT_HARD:
#ifdef AT_HAVE_HRTIMER_SETUP
		hrtimer_setup(&w->hrt, at_hrtimer_fn, CLOCK_MONOTONIC,
			      kind == AT_HRT_HARD ? HRTIMER_MODE_REL_HARD : HRTIMER_MODE_REL_SOFT);
#else
		hrtimer_init(&w->hrt, CLOCK_MONOTONIC,
			     kind == AT_HRT_HARD ? HRTIMER_MODE_REL_HARD : HRTIMER_MODE_REL_SOFT);
		w->hrt.function = at_hrtimer_fn;
#endif
		break;
	case AT_BH_WORK:
		/* Its own INIT_WORK site: a lockdep class used in softirq only. */
		INIT_WORK(&w->work, at_work_fn);
		break;
	case AT_WORK:
		INIT_WORK(&w->work, at_work_fn);
		break;
	case AT_KTHREAD:
		w->task = at_setup_fault() ? ERR_PTR(-ENOMEM) :
			kthread_create(at_kthread_fn, w, "alloc_torture/%u", id);
		if (IS_ERR(w->task)) {
			w->task = NULL;
			return false;
		}
		break;
	default:
		break;
	}
	return true;
}

/* Start every worker at once, after all setup succeeded. */
static void at_start_workers(void)
{
	u64 period = (u64)hrtimer_us * NSEC_PER_USEC;
	unsigned int k, i;

	/* The end work runs a jiffy after the workers stop re-arming. */
	at_start = jiffies;
	at_start_ns = ktime_get_ns();
	WRITE_ONCE(at_end, at_start + duration * HZ);
	mod_timer(&at_kick_timer, jiffies + 1);
	queue_delayed_work(system_wq, &at_end_work, duration * HZ + 1);
	if (at_hog)
		wake_up_process(at_hog);
	for (k = 0; k < AT_NR_KINDS; k++) {
		for (i = 0; i < at_nr[k]; i++) {
			struct at_worker *w = &at_workers[k][i];

			w->started = true;
			switch (k) {
			case AT_TASKLET:
				tasklet_schedule(&w->tasklet);
				break;
			case AT_TIMER:
				mod_timer(&w->timer, jiffies + 1);
				break;
			case AT_HRT_SOFT:
				hrtimer_start(&w->hrt, ns_to_ktime(period), HRTIMER_MODE_REL_SOFT);
				break;
			case AT_HRT_HARD:
				hrtimer_start(&w->hrt, ns_to_ktime(period), HRTIMER_MODE_REL_HARD);
				break;
			case AT_BH_WORK:
				queue_work(at_bh_wq, &w->work);
				break;
			case AT_WORK:
				queue_work(at_wq, &w->work);
				break;
			case AT_KTHREAD:
				wake_up_process(w->task);
				break;
			}
		}
	}
}

/* Free what setup took; every pointer may still be NULL. */
static void at_teardown(void)
{
	unsigned int k, i;

	for (k = 0; k < AT_NR_KINDS; k++) {
		if (!at_workers[k])
			continue;
		for (i = 0; i < at_nr[k]; i++)
			kfree(at_workers[k][i].pool);
		kfree(at_workers[k]);
		at_workers[k] = NULL;
		at_nr[k] = 0;
	}
	if (at_bh_wq)
		destroy_workqueue(at_bh_wq);
	if (at_wq)
		destroy_workqueue(at_wq);
	at_bh_wq = NULL;
	at_wq = NULL;
	kmem_cache_destroy(at_cache);
	at_cache = NULL;
	kfree(at_to_process.slot);
	kfree(at_to_atomic.slot);
	at_to_process.slot = NULL;
	at_to_atomic.slot = NULL;
	kfree(at_handles);
	at_handles = NULL;
}

static int __init at_init(void)
{
	unsigned int k, i, nr_handles, ring = 256;
	int ret = at_check_params();

	if (ret)
		return ret;
	if (!seed)
		seed = get_random_u64() ?: 1;
	at_init_edges();
	INIT_DELAYED_WORK(&at_end_work, at_end_fn);
	timer_setup(&at_kick_timer, at_kick_fn, 0);
	ret = -ENOMEM;

	at_cache = at_setup_fault() ? NULL :
		kmem_cache_create("alloc_torture", AT_CACHE_SIZE, 0, AT_CACHE_FLAGS, NULL);
	if (!at_cache)
		goto fail;
	at_wq = at_setup_fault() ? NULL : alloc_workqueue("alloc_torture", 0, 0);
	if (!at_wq)
		goto fail;
#ifdef AT_HAVE_WQ_BH
	if (nr_workers[AT_BH_WORK]) {
		at_bh_wq = at_setup_fault() ? NULL : alloc_workqueue("alloc_torture_bh", WQ_BH, 0);
		if (!at_bh_wq)
			goto fail;
	}
#endif
	/* Rings hold handles too: count their slots with the pools'. */
	nr_handles = 2 * ring;
	for (k = 0; k < AT_NR_KINDS; k++) {
		unsigned int n = at_skip_reason(k) ? 0 : nr_workers[k];

		if (!n)
			continue;
		at_workers[k] = at_setup_fault() ? NULL :
			kcalloc(n, sizeof(*at_workers[k]), GFP_KERNEL);
		if (!at_workers[k])
			goto fail;
		for (i = 0; i < n; i++) {
			/* Counted first: at_teardown frees a half-set-up worker too. */
			at_nr[k]++;
			if (!at_setup_worker(&at_workers[k][i], k, i))
				goto fail;
		}
		nr_handles += n * pool_size;
	}
	/* One handle per pool or ring slot: a free slot always finds one. */
	at_handles = at_setup_fault() ? NULL :
		kcalloc(nr_handles, sizeof(*at_handles), GFP_KERNEL);
	at_to_process.slot = at_setup_fault() ? NULL :
		kcalloc(ring, sizeof(*at_to_process.slot), GFP_KERNEL);
	at_to_atomic.slot = at_setup_fault() ? NULL :
		kcalloc(ring, sizeof(*at_to_atomic.slot), GFP_KERNEL);
	if (!at_handles || !at_to_process.slot || !at_to_atomic.slot)
		goto fail;
	at_to_process.size = ring;
	at_to_atomic.size = ring;
	at_free_handles = NULL;
	for (i = 0; i < nr_handles; i++) {
		at_handles[i].next_free = at_free_handles;
		at_free_handles = &at_handles[i];
	}
	if (pressure) {
		if (at_setup_fault() || at_hog_shrinker_register())
			goto fail;
		at_hog = at_setup_fault() ? ERR_PTR(-ENOMEM) :
			kthread_create(at_hog_fn, NULL, "alloc_torture/hog");
		if (IS_ERR(at_hog)) {
			at_hog = NULL;
			goto fail;
		}
	}
	/* debugfs failures are not fatal: the stats are then just not there. */
	at_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("stats", 0444, at_dir, NULL, &at_stats_fops);

	if (verbose)
		pr_info("start: duration=%u seed=%lu size_dist=%u api_mask=%#x pool_size=%u batch=%u timer_batch=%u hrtimer_batch=%u hrtimer_us=%u budget_us=%u pressure=%u faults=%u workers=%u/%u/%u/%u/%u/%u/%u\n",
			duration, seed, size_dist, api_mask, pool_size, batch, timer_batch,
			hrtimer_batch, hrtimer_us, budget_us, pressure, faults,
			at_nr[AT_TASKLET], at_nr[AT_TIMER], at_nr[AT_HRT_SOFT],
			at_nr[AT_HRT_HARD], at_nr[AT_BH_WORK], at_nr[AT_WORK],
			at_nr[AT_KTHREAD]);
	at_start_workers();
	return 0;

fail:
	/* The script checks that the step it asked for is the one that failed. */
	if (at_failed_step)
		pr_err("setup step %u failed (setup_fail): unwinding\n", at_failed_step);
	else
		pr_err("setup failed at or after step %u: unwinding\n", at_setup_step);
	/* Nothing was started: kthreads created but never woken are stopped. */
	for (i = 0; i < at_nr[AT_KTHREAD]; i++)
		if (at_workers[AT_KTHREAD][i].task)
			kthread_stop(at_workers[AT_KTHREAD][i].task);
	if (at_hog)
		kthread_stop(at_hog);
	at_hog = NULL;
	at_hog_shrinker_unregister();
	at_teardown();
	return ret;
}

static void __exit at_exit(void)
{
	bool was_done = READ_ONCE(at_done);

	debugfs_remove_recursive(at_dir);
	cancel_delayed_work_sync(&at_end_work);
	/* Stopped early: no KTAP, but every object is still checked and freed. */
	at_finish(false);
	if (atomic_long_read(&at_live) || atomic_long_read(&at_quarantined))
		pr_err("unload: %ld objects still live, %ld quarantined\n",
		       atomic_long_read(&at_live), atomic_long_read(&at_quarantined));
	else if (verbose)
		pr_info("unload: %s, every object freed\n",
			was_done ? "run was over" : "run stopped early");
	at_teardown();
}

module_init(at_init);
module_exit(at_exit);

MODULE_DESCRIPTION("Allocation stress from every context at once, every object verified");
MODULE_LICENSE("GPL");
MODULE_INFO(test, "Y");
