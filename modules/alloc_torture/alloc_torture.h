/* SPDX-License-Identifier: GPL-2.0 */
/*
 * alloc_torture: what the files of the module share. The shape is that of
 * kernel/locking/locktorture.c: one ops table per worker kind and per
 * allocation API, and one context struct (at) of run state.
 *
 *   main.c      load, start, finish (the KTAP report), unload
 *   params.c    module parameters, each with its range, validated at load
 *   objects.c   object header, fill, live-range tree, rings, verification
 *   apis.c      the allocation APIs' ops
 *   workers.c   the worker kinds' ops, per-CPU start/stop, CPU hotplug
 *   pressure.c  the memory hog and its shrinker
 *   stats.c     per-kind and per-CPU sums, the debugfs stats file
 */
#ifndef ALLOC_TORTURE_H
#define ALLOC_TORTURE_H

#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/rbtree.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/types.h>
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
#define AT_MAX_WORKERS	8	/* of one kind, per CPU */
#define AT_RING_SLOTS	256	/* per CPU and direction */
/* owner: kind << AT_OWNER_SHIFT | worker index (of every CPU's workers) */
#define AT_OWNER_SHIFT	12
#define AT_OWNER_ID(o)	((unsigned int)(o) & ((1U << AT_OWNER_SHIFT) - 1))
#define AT_MAX_CPUS	((1U << AT_OWNER_SHIFT) / AT_MAX_WORKERS)
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
/* The workers of one timer kind (on one CPU) take at most a quarter of their period. */
#define AT_TIMER_SHARE	4
/*
 * timer_list period: one jiffy where HZ is 100, at least 10 ms at any HZ
 * (12 ms at HZ=250, Debian's and x86_64's), so that the default four
 * timers' budgets fit a quarter of it.
 */
#define AT_TIMER_JIFFIES	DIV_ROUND_UP(HZ, 100)
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

enum at_api { AT_KMALLOC, AT_KZALLOC, AT_CACHE, AT_PAGES, AT_VMALLOC, AT_NR_APIS };

/* struct at_params - the module parameters (params.c), read-only once loaded */
struct at_params {
	unsigned int duration;
	unsigned int nr_workers[AT_NR_KINDS];
	unsigned int batch;
	unsigned int budget_us;
	unsigned int timer_batch;
	unsigned int hrtimer_batch;
	unsigned int hrtimer_us;
	unsigned int pool_size;
	unsigned int size_dist;
	unsigned int fixed_size;
	unsigned int min_size;
	unsigned int max_size;
	unsigned int api_mask;
	unsigned int page_order_max;
	unsigned int handoff_pct;
	unsigned int pressure;
	unsigned int faults;
	unsigned long seed;
	unsigned int verbose;
	unsigned int setup_fail;
	unsigned int bench_ms;
	unsigned int onoff_interval;
	unsigned int min_rate[AT_NR_KINDS];
	unsigned int nr_min_rate;
};

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
	int cpu;	/* where it was allocated */
	int from;	/* at.cpus index of the CPU that handed it over */
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
	unsigned long cross_cpu_frees;	/* handed over from another CPU */
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

struct at_cpu;

/* struct at_worker - one worker of one kind, bound to one CPU */
struct at_worker {
	enum at_kind kind;
	u16 owner;
	bool started;
	bool paused;	/* over its duty cycle: the kick timer restarts it */
	struct at_cpu *pcpu;
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

/*
 * struct at_cpu - one CPU the run uses (online at load): its rings, its
 * kick timer, and whether its workers run (false while it is offline)
 */
struct at_cpu {
	unsigned int cpu;
	unsigned int index;	/* in at.cpus */
	bool active;
	struct timer_list kick;
	struct at_ring to_process, to_atomic;
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

/**
 * struct at_kind_ops - what differs between the worker kinds
 * @name: the kind's name in the stats and the KTAP report
 * @atomic: whether the workers run in atomic context
 * @batch: the parameter giving the operations per firing
 * @timed: the firing's budget is budget_us (timers), else AT_BUDGET_NS
 * @skip: why the kind cannot run on this kernel, or NULL
 * @init: set a worker up (not started); 0 or -ENOMEM
 * @start: start a worker; called on its CPU, which is online
 * @stop: stop a worker and wait for it; may sleep, idempotent
 * @kick: restart a worker that paused for its duty cycle, or NULL
 */
struct at_kind_ops {
	const char *name;
	bool atomic;
	const unsigned int *batch;
	bool timed;
	const char *(*skip)(void);
	int (*init)(struct at_worker *w);
	void (*start)(struct at_worker *w);
	void (*stop)(struct at_worker *w);
	void (*kick)(struct at_worker *w);
};

/**
 * struct at_api_ops - one allocation API
 * @name: its name in the stats and messages
 * @alloc: allocate @size bytes (or 2^@order pages) with @gfp, zeroed when
 *	@zero; sets *@page for page allocations
 * @free: free an object it allocated
 * @size: the size it hands out for @size asked (or @order), or NULL when
 *	that is the size asked
 * @zeroes: 1 always zeroes, -1 never, 0 when asked
 * @atomic_ok: may be called and freed in atomic context
 * @kmalloc_align: kmalloc's documented alignment applies
 */
struct at_api_ops {
	const char *name;
	void *(*alloc)(u32 size, unsigned int order, gfp_t gfp, bool zero,
		       struct page **page);
	void (*free)(const struct at_obj *obj);
	u32 (*size)(u32 size, unsigned int order);
	int zeroes;
	bool atomic_ok;
	bool kmalloc_align;
};

/**
 * struct at_ctx - the run's state: everything the module shares
 * @p: the module parameters
 * @workers: each kind's workers, at.nr[kind] of them, CPU by CPU
 * @nr: workers actually set up, per kind
 * @cpus: the CPUs the run uses (online at load), nr_cpus of them
 * @cpu_of: index into @cpus by CPU number, or NULL
 * @lock: the live-object tree, the handle free list and every ring
 */
struct at_ctx {
	struct at_params p;
	struct at_worker *workers[AT_NR_KINDS];
	unsigned int nr[AT_NR_KINDS];
	struct at_cpu *cpus;
	unsigned int nr_cpus;
	struct at_cpu **cpu_of;
	struct kmem_cache *cache;
	struct workqueue_struct *wq;
	struct workqueue_struct *bh_wq;
	struct task_struct *hog;
	struct task_struct *onoff;
	struct dentry *dir;
	int hp_state;		/* the cpuhp state, or < 0 */

	spinlock_t lock;	/* see @lock above */
	struct rb_root tree;
	struct at_obj *handles;
	struct at_obj *free_handles;
	atomic_long_t live;
	atomic_long_t quarantined;
	atomic64_t kind_busy[AT_NR_KINDS];	/* busy_ns of each kind's workers */

	unsigned long end;	/* jiffies when workers stop */
	unsigned long start;
	u64 start_ns;
	bool started;
	bool stop;
	bool done;
	bool passed;
	struct mutex finish_lock;	/* at_finish() runs once */
	bool finished;
	struct delayed_work end_work;
	unsigned int setup_step;	/* steps this load went through */
	unsigned int failed_step;	/* the one setup_fail made fail */
	u32 edges[2 * (KMALLOC_SHIFT_HIGH + 3)];
	unsigned int nr_edges;

	/* CPU hotplug (onoff_interval) */
	unsigned long onoff_cycles;
	unsigned long offline_failures;
	unsigned long online_failures;
	unsigned long offline_ns_max;

	/* Pressure hog: the list and counts under hog_lock (hog, shrinker). */
	spinlock_t hog_lock;
	struct list_head hog_pages;
	unsigned long hog_held, hog_max, free_min_seen;
	atomic_long_t hog_shrunk;
	unsigned long wmark_low, wmark_min, highatomic, lowmem_reserve;
	struct shrinker *hog_shrinker;

	/*
	 * Process-context ceiling measured at the end (bench_ms): a tight loop,
	 * and the same loop with each call timed as the workers time theirs.
	 */
	unsigned long ceiling_ops, ceiling_timed_ops;
	u64 ceiling_ns, ceiling_alloc_ns, ceiling_free_ns;

	/* The speed measured after the run, and the rate floors' scale from it. */
	unsigned long speed_ops_per_s;
	unsigned int rate_scale_pm;
};

extern struct at_ctx at;
extern const struct at_kind_ops *const at_kinds[AT_NR_KINDS];
extern const struct at_api_ops *const at_apis[AT_NR_APIS];

/* params.c */
int at_check_params(void);
unsigned int at_hrtimer_us_min(void);
unsigned int at_batch_max(void);

/* objects.c */
bool at_running(void);
void at_init_edges(void);
void at_choose(struct at_worker *w, struct at_choice *c);
void at_op(struct at_worker *w);
void at_release(struct at_worker *w, struct at_obj *obj);
struct at_obj *at_ring_pop(struct at_ring *ring);
__printf(2, 3) void at_error(struct at_worker *w, const char *fmt, ...);

/* workers.c */
void at_cpu_init(struct at_cpu *c);
bool at_setup_fault(void);
int at_setup_worker(struct at_worker *w, enum at_kind kind, unsigned int id,
		    struct at_cpu *pcpu);
int at_cpus_register(void);
void at_cpus_start(void);
void at_cpus_stop(void);
const char *at_skip_reason(enum at_kind kind);
u64 at_kind_budget_ns(enum at_kind kind);
const char *at_onoff_skip_reason(void);
int at_onoff_create(void);
void at_onoff_stop(void);

/* pressure.c */
int at_hog_shrinker_register(void);
void at_hog_shrinker_unregister(void);
int at_hog_fn(void *data);

/* stats.c */
void at_kind_stats(enum at_kind kind, struct at_stats *sum);
unsigned long at_min_verified(enum at_kind kind);
const char *at_kind_result(enum at_kind kind, const struct at_stats *st);
unsigned long at_cross_cpu_frees(void);
const char *at_cross_cpu_skip_reason(void);
const char *at_cross_cpu_result(void);
const char *at_onoff_result(void);
void at_debugfs_init(void);

/* main.c */
void at_finish(bool report);

#endif /* ALLOC_TORTURE_H */
