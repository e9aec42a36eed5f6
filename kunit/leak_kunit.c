// SPDX-License-Identifier: GPL-2.0
/*
 * Every API that gives memory back gives all of it back: kfree of every
 * kmalloc class and of page-backed objects, krealloc (larger, smaller,
 * to 0), kvfree on its slab, page and vmalloc paths, vfree in process
 * context and from interrupt context (deferred), __free_pages while
 * someone else holds a reference on the block, free_pages_exact,
 * kmem_cache_free, kmem_cache_free_bulk and kmem_cache_destroy.
 *
 * Each API is a row of one ops table, {name, alloc, free} as in
 * kernel/locking/locktorture.c; each family is one parameterised case.
 * A row is measured by alloc_kunit_measure_leak() (suites.c): after a
 * warm-up cycle and a loop of cycles, the node's free pages (buddy plus
 * per-cpu lists) must not have fallen, and the pages held by the slab
 * allocator must not have risen, by more than LEAK_TOLERANCE pages.
 *
 * Noise, measured on the default UML (1 GiB, the whole module running):
 * see LEAK_TOLERANCE. Each row frees LEAK_BYTES in its loop (at most
 * LEAK_MAX_CYCLES, at least LEAK_MIN_CYCLES cycles), so it catches more
 * than LEAK_TOLERANCE pages lost per loop: one page per 1820 cycles at
 * the slab sizes up to 1 KiB, per 113 at 16 KiB + 1, per 2 at 4 MiB, and
 * losing every object it frees at every size (8 bytes: 32 pages). The
 * suite takes 0.35 to 0.52 s on UML, in the default and the init_on_alloc
 * boot alike (10 boots measured).
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "alloc_kunit.h"

/*
 * Noise, measured on the default UML (1 GiB, the whole module running,
 * 6 boots: 3 runs of `make check TIER=kunit`, each with its default and
 * init_on_alloc boot): every row measured 1 + 20 times per boot (1 + 4
 * for the interrupt rows, each polled until exactly back), 6864
 * measurements. Both counters came back exactly to the baseline in every
 * one, except on the vmalloc rows: vmalloc_area 0..5 pages (its first
 * loop of a boot fills the vmap_area pools) and the interrupt rows -3..2
 * (the deferred frees race the reading). The tolerance is one order-3
 * slab refill by another task, which covers that; a row fails only when
 * ALLOC_LEAK_ATTEMPTS attempts in a row exceed it.
 */
#define LEAK_TOLERANCE		8
/* Bytes a row frees in its loop (LEAK_MIN_CYCLES..LEAK_MAX_CYCLES). */
#define LEAK_BYTES		(16UL << 20)
#define LEAK_MIN_CYCLES		16
#define LEAK_MAX_CYCLES		16384
/* Objects per bulk call, per interrupt, per created cache. */
#define LEAK_BATCH		32
/* How long the deferred vfree()s from interrupt context may take. */
#define LEAK_SETTLE_MS		1000
#define LEAK_IRQ_TIMEOUT	HZ

enum leak_family {
	LEAK_KFREE,
	LEAK_KREALLOC,
	LEAK_KVFREE,
	LEAK_VFREE,
	LEAK_PAGES,
	LEAK_EXACT,
	LEAK_KMEM_CACHE,
};

struct leak_ctx;

/**
 * struct leak_ops - one API that frees, and how to allocate for it
 * @name: the row's name (the KUnit parameter)
 * @family: the case that runs the row
 * @alloc: allocate what one cycle frees, into the context; 0 or -errno
 * @free: free it through the API under test; 0 or -errno when the API
 *	broke a contract on the way (a NULL from krealloc, the wrong path)
 * @size: bytes one object takes (pages rows: PAGE_SIZE << @order)
 * @to: krealloc: the new size
 * @order: pages: the order of the block
 * @nr: objects per cycle (batches), 0 meaning 1
 * @cycles: cycles per attempt, 0 meaning from @size (leak_cycles())
 * @vmalloc: kvmalloc: the object must come from vmalloc
 * @pages_only: the loop allocates nothing from slab nor anything kmemleak
 *	tracks, so KASAN's quarantine cannot hold any of it
 * @hrtimer_mode: vfree in interrupt: HRTIMER_MODE_REL_HARD or _SOFT
 * @quiesce: run before each reading of the counters, or NULL
 * @settle_ms: how long to wait for deferred frees, or 0
 */
struct leak_ops {
	const char *name;
	enum leak_family family;
	int (*alloc)(struct leak_ctx *c);
	int (*free)(struct leak_ctx *c);
	size_t size;
	size_t to;
	unsigned int order;
	unsigned int nr;
	unsigned long cycles;
	bool vmalloc;
	bool pages_only;
	enum hrtimer_mode hrtimer_mode;
	void (*quiesce)(void);
	unsigned int settle_ms;
};

/* The state of one row's run. */
struct leak_ctx {
	const struct leak_ops *ops;
	struct kmem_cache *cache;
	void *obj;
	void *objs[LEAK_BATCH];
	struct hrtimer timer;
	struct completion done;
	bool all_in_interrupt;	/* every interrupt-context vfree() was */
	bool timer_ready;
};

/* kmalloc / kfree */
static int kmalloc_alloc(struct leak_ctx *c)
{
	c->obj = kmalloc(c->ops->size, GFP_KERNEL);
	return c->obj ? 0 : -ENOMEM;
}

static int kfree_free(struct leak_ctx *c)
{
	kfree(c->obj);
	return 0;
}

/* krealloc to ->to, then kfree of what it returned */
static int krealloc_free(struct leak_ctx *c)
{
	void *q = krealloc(c->obj, c->ops->to, GFP_KERNEL);

	if (!q) {
		kfree(c->obj);
		return -ENOMEM;
	}
	kfree(q);
	return 0;
}

/* krealloc to 0: it frees, and returns ZERO_SIZE_PTR */
static int krealloc0_free(struct leak_ctx *c)
{
	void *q = krealloc(c->obj, 0, GFP_KERNEL);

	if (q != ZERO_SIZE_PTR) {
		kfree(q);
		return -EINVAL;
	}
	return 0;
}

/* kvmalloc, from the path the row names / kvfree */
static int kvmalloc_alloc(struct leak_ctx *c)
{
	c->obj = kvmalloc(c->ops->size, GFP_KERNEL);
	if (!c->obj)
		return -ENOMEM;
	if (is_vmalloc_addr(c->obj) != c->ops->vmalloc) {
		kvfree(c->obj);
		return -EPROTO;
	}
	return 0;
}

static int kvfree_free(struct leak_ctx *c)
{
	kvfree(c->obj);
	return 0;
}

/* vmalloc / vfree in process context */
static int vmalloc_alloc(struct leak_ctx *c)
{
	c->obj = vmalloc(c->ops->size);
	return c->obj ? 0 : -ENOMEM;
}

static int vfree_free(struct leak_ctx *c)
{
	vfree(c->obj);
	return 0;
}

/* LEAK_BATCH vmalloc areas, for one interrupt to free */
static int vmalloc_batch_alloc(struct leak_ctx *c)
{
	int i;

	for (i = 0; i < LEAK_BATCH; i++) {
		c->objs[i] = vmalloc(c->ops->size);
		if (!c->objs[i]) {
			while (i--)
				vfree(c->objs[i]);
			return -ENOMEM;
		}
	}
	return 0;
}

/*
 * In interrupt context vfree() cannot free: it queues the area for a
 * worker (vfree_atomic()). Several in one interrupt, as a driver's
 * completion handler may do, so that the worker has a list to walk.
 */
static enum hrtimer_restart vfree_in_irq(struct hrtimer *t)
{
	struct leak_ctx *c = container_of(t, struct leak_ctx, timer);
	int i;

	c->all_in_interrupt &= in_interrupt() != 0;
	for (i = 0; i < LEAK_BATCH; i++)
		vfree(c->objs[i]);
	complete(&c->done);
	return HRTIMER_NORESTART;
}

static int vfree_irq_free(struct leak_ctx *c)
{
	int i;

	reinit_completion(&c->done);
	hrtimer_start(&c->timer, ns_to_ktime(10 * NSEC_PER_USEC), c->ops->hrtimer_mode);
	if (wait_for_completion_timeout(&c->done, LEAK_IRQ_TIMEOUT))
		return 0;
	/* Not run yet: free in process context; running: cancel waits for it. */
	if (hrtimer_cancel(&c->timer))
		for (i = 0; i < LEAK_BATCH; i++)
			vfree(c->objs[i]);
	return -ETIMEDOUT;
}

/* alloc_pages, non-compound, and a second reference (a speculative get) */
static int pages_ref_alloc(struct leak_ctx *c)
{
	struct page *page = alloc_pages(GFP_KERNEL, c->ops->order);

	if (!page)
		return -ENOMEM;
	get_page(page);
	c->obj = page;
	return 0;
}

/*
 * __free_pages() documents it: with another reference held, it frees
 * every page but the first, and the holder's put_page() frees that one.
 */
static int pages_ref_free(struct leak_ctx *c)
{
	struct page *page = c->obj;

	__free_pages(page, c->ops->order);
	put_page(page);
	return 0;
}

/* alloc_pages_exact / free_pages_exact */
static int exact_alloc(struct leak_ctx *c)
{
	c->obj = alloc_pages_exact(c->ops->size, GFP_KERNEL);
	return c->obj ? 0 : -ENOMEM;
}

static int exact_free(struct leak_ctx *c)
{
	free_pages_exact(c->obj, c->ops->size);
	return 0;
}

/* kmem_cache_alloc / kmem_cache_free, in the row's cache */
static int cache_alloc(struct leak_ctx *c)
{
	c->obj = kmem_cache_alloc(c->cache, GFP_KERNEL);
	return c->obj ? 0 : -ENOMEM;
}

static int cache_free(struct leak_ctx *c)
{
	kmem_cache_free(c->cache, c->obj);
	return 0;
}

/* kmem_cache_alloc_bulk / kmem_cache_free_bulk of LEAK_BATCH objects */
static int cache_bulk_alloc(struct leak_ctx *c)
{
	return kmem_cache_alloc_bulk(c->cache, GFP_KERNEL, LEAK_BATCH, c->objs) == LEAK_BATCH ?
	       0 : -ENOMEM;
}

static int cache_bulk_free(struct leak_ctx *c)
{
	kmem_cache_free_bulk(c->cache, LEAK_BATCH, c->objs);
	return 0;
}

/* kmem_cache_create and LEAK_BATCH objects in it (one slab's worth) */
static int cache_create_alloc(struct leak_ctx *c)
{
	struct kmem_cache *s = kmem_cache_create("alloc_leak_cycle", c->ops->size, 0,
						 SLAB_NO_MERGE, NULL);
	int i;

	if (!s)
		return -ENOMEM;
	for (i = 0; i < LEAK_BATCH; i++) {
		c->objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		if (!c->objs[i]) {
			while (i--)
				kmem_cache_free(s, c->objs[i]);
			kmem_cache_destroy(s);
			return -ENOMEM;
		}
	}
	c->obj = s;
	return 0;
}

/* kmem_cache_free of every object, then kmem_cache_destroy: slabs go */
static int cache_destroy_free(struct leak_ctx *c)
{
	struct kmem_cache *s = c->obj;
	int i;

	for (i = 0; i < LEAK_BATCH; i++)
		kmem_cache_free(s, c->objs[i]);
	kmem_cache_destroy(s);
	return 0;
}

/*
 * Freed vmap areas are purged lazily (their vmap_area objects wait on a
 * list); purge them before each reading. The pages are freed at once.
 */
static void purge_vmap(void)
{
	vm_unmap_aliases();
}

/* A destroyed cache's sysfs nodes are freed after a grace period. */
static void wait_rcu(void)
{
	rcu_barrier();
}

/*
 * Before each reading: the row's own quiesce, and with kmemleak, which
 * frees the metadata of every freed object after a grace period, an RCU
 * barrier.
 */
static void leak_quiesce(void *data)
{
	const struct leak_ctx *c = data;

	if (c->ops->quiesce)
		c->ops->quiesce();
	if (IS_ENABLED(CONFIG_DEBUG_KMEMLEAK) && c->ops->quiesce != wait_rcu)
		rcu_barrier();
}

#define KFREE_ROW(n, bytes) {						\
	.name = "kmalloc_" n, .family = LEAK_KFREE,			\
	.alloc = kmalloc_alloc, .free = kfree_free, .size = (bytes) }
#define KREALLOC_ROW(n, from, new) {					\
	.name = n, .family = LEAK_KREALLOC, .alloc = kmalloc_alloc,	\
	.free = krealloc_free, .size = (from), .to = (new) }
#define KREALLOC0_ROW(n, from) {					\
	.name = n, .family = LEAK_KREALLOC, .alloc = kmalloc_alloc,	\
	.free = krealloc0_free, .size = (from) }
#define KVFREE_ROW(n, bytes) {						\
	.name = n, .family = LEAK_KVFREE, .alloc = kvmalloc_alloc,	\
	.free = kvfree_free, .size = (bytes) }
#define PAGES_REF_ROW(n, o) {						\
	.name = n, .family = LEAK_PAGES, .alloc = pages_ref_alloc,	\
	.free = pages_ref_free, .order = (o), .pages_only = true }
#define EXACT_ROW(n, bytes) {						\
	.name = n, .family = LEAK_EXACT, .alloc = exact_alloc,		\
	.free = exact_free, .size = (bytes), .pages_only = true }

static const struct leak_ops leak_ops_table[] = {
	/* every kmalloc class, the edges past a class, page-backed sizes */
	KFREE_ROW("8", 8), KFREE_ROW("9", 9), KFREE_ROW("16", 16), KFREE_ROW("32", 32),
	KFREE_ROW("64", 64), KFREE_ROW("65", 65), KFREE_ROW("96", 96), KFREE_ROW("97", 97),
	KFREE_ROW("128", 128), KFREE_ROW("192", 192), KFREE_ROW("193", 193),
	KFREE_ROW("256", 256), KFREE_ROW("512", 512), KFREE_ROW("1024", 1024),
	KFREE_ROW("2048", 2048), KFREE_ROW("4096", 4096), KFREE_ROW("4097", 4097),
	KFREE_ROW("8192", KMALLOC_MAX_CACHE_SIZE),
	KFREE_ROW("8193", KMALLOC_MAX_CACHE_SIZE + 1),
	KFREE_ROW("16385", 4 * PAGE_SIZE + 1),
	KFREE_ROW("65536", 16 * PAGE_SIZE),
	KFREE_ROW("131073", 32 * PAGE_SIZE + 1),
	KFREE_ROW("max", KMALLOC_MAX_SIZE),

	KREALLOC_ROW("grow_class_edge", 64, 65),
	KREALLOC_ROW("grow_2048_4096", 2048, 4096),
	KREALLOC_ROW("grow_slab_to_pages", KMALLOC_MAX_CACHE_SIZE, KMALLOC_MAX_CACHE_SIZE + 1),
	KREALLOC_ROW("grow_pages_to_pages", 4 * PAGE_SIZE, 16 * PAGE_SIZE),
	KREALLOC_ROW("shrink_slab", 4096, 100),
	KREALLOC_ROW("shrink_pages", 16 * PAGE_SIZE, 4 * PAGE_SIZE),
	KREALLOC_ROW("shrink_pages_to_slab_size", 4 * PAGE_SIZE, 64),
	KREALLOC0_ROW("to_0_slab", 256),
	KREALLOC0_ROW("to_0_pages", 4 * PAGE_SIZE),

	KVFREE_ROW("slab", 512),
	KVFREE_ROW("pages", 3 * PAGE_SIZE),
	{ .name = "vmalloc", .family = LEAK_KVFREE, .alloc = kvmalloc_alloc,
	  .free = kvfree_free, .size = KMALLOC_MAX_SIZE + PAGE_SIZE, .vmalloc = true,
	  .cycles = 2, .quiesce = purge_vmap },
	{ .name = "vmalloc_area", .family = LEAK_KVFREE, .alloc = vmalloc_alloc,
	  .free = kvfree_free, .size = 4 * PAGE_SIZE, .cycles = 512, .quiesce = purge_vmap },

	{ .name = "process", .family = LEAK_VFREE, .alloc = vmalloc_alloc,
	  .free = vfree_free, .size = 4 * PAGE_SIZE, .cycles = 512, .quiesce = purge_vmap },
	{ .name = "hardirq", .family = LEAK_VFREE, .alloc = vmalloc_batch_alloc,
	  .free = vfree_irq_free, .size = 4 * PAGE_SIZE, .nr = LEAK_BATCH, .cycles = 4,
	  .hrtimer_mode = HRTIMER_MODE_REL_HARD, .quiesce = purge_vmap,
	  .settle_ms = LEAK_SETTLE_MS },
	{ .name = "softirq", .family = LEAK_VFREE, .alloc = vmalloc_batch_alloc,
	  .free = vfree_irq_free, .size = 4 * PAGE_SIZE, .nr = LEAK_BATCH, .cycles = 4,
	  .hrtimer_mode = HRTIMER_MODE_REL_SOFT, .quiesce = purge_vmap,
	  .settle_ms = LEAK_SETTLE_MS },

	PAGES_REF_ROW("ref_order_0", 0), PAGES_REF_ROW("ref_order_1", 1),
	PAGES_REF_ROW("ref_order_2", 2), PAGES_REF_ROW("ref_order_3", 3),
	PAGES_REF_ROW("ref_order_4", 4), PAGES_REF_ROW("ref_order_5", 5),
	PAGES_REF_ROW("ref_order_6", 6), PAGES_REF_ROW("ref_order_7", 7),
	PAGES_REF_ROW("ref_order_8", 8), PAGES_REF_ROW("ref_order_9", 9),
	PAGES_REF_ROW("ref_order_10", 10),

	EXACT_ROW("3pages", 3 * PAGE_SIZE),
	EXACT_ROW("6pages+1", 6 * PAGE_SIZE + 1),
	EXACT_ROW("1000pages", 1000 * PAGE_SIZE),

	{ .name = "free", .family = LEAK_KMEM_CACHE, .alloc = cache_alloc,
	  .free = cache_free, .size = 512 },
	/* memory-allocation.rst: cache objects may go to kfree and kvfree */
	{ .name = "kfree", .family = LEAK_KMEM_CACHE, .alloc = cache_alloc,
	  .free = kfree_free, .size = 512 },
	{ .name = "kvfree", .family = LEAK_KMEM_CACHE, .alloc = cache_alloc,
	  .free = kvfree_free, .size = 512 },
	{ .name = "free_bulk", .family = LEAK_KMEM_CACHE, .alloc = cache_bulk_alloc,
	  .free = cache_bulk_free, .size = 512, .nr = LEAK_BATCH },
	{ .name = "destroy", .family = LEAK_KMEM_CACHE, .alloc = cache_create_alloc,
	  .free = cache_destroy_free, .size = 2048, .nr = LEAK_BATCH, .cycles = 32,
	  .quiesce = wait_rcu },
};

/* The table must reach MAX_PAGE_ORDER, whatever the architecture says. */
static_assert(MAX_PAGE_ORDER <= 10);

/*
 * Cycles of a row: enough that losing every byte it frees is LEAK_BYTES
 * (64 pages), within LEAK_MIN_CYCLES..LEAK_MAX_CYCLES.
 */
static unsigned long leak_cycles(const struct leak_ops *ops)
{
	size_t bytes = (ops->family == LEAK_PAGES ? PAGE_SIZE << ops->order : ops->size) *
		       (ops->nr ?: 1);

	if (ops->cycles)
		return ops->cycles;
	return clamp_t(unsigned long, LEAK_BYTES / bytes, LEAK_MIN_CYCLES, LEAK_MAX_CYCLES);
}

/* The rows of @family, and of the orders this kernel has. */
static const void *leak_gen_params(enum leak_family family, const void *prev, char *desc)
{
	const struct leak_ops *ops = prev ? (const struct leak_ops *)prev + 1 : leak_ops_table;

	for (; ops < leak_ops_table + ARRAY_SIZE(leak_ops_table); ops++) {
		if (ops->family != family || ops->order > MAX_PAGE_ORDER)
			continue;
		strscpy(desc, ops->name, KUNIT_PARAM_DESC_SIZE);
		return ops;
	}
	return NULL;
}

/* One alloc/free cycle of a struct leak_ctx's row. */
static int leak_cycle(void *data)
{
	struct leak_ctx *c = data;
	int err = c->ops->alloc(c);

	return err ?: c->ops->free(c);
}

static const char *leak_err_what(int err)
{
	switch (err) {
	case -ENOMEM:
		return "an allocation failed";
	case -EINVAL:
		return "krealloc(p, 0) did not return ZERO_SIZE_PTR";
	case -EPROTO:
		return "kvmalloc took the other path";
	case -ETIMEDOUT:
		return "the hrtimer that frees never ran";
	}
	return "error";
}

/* Run the row of @test, and check that both counters came back. */
static void leak_run(struct kunit *test)
{
	const struct leak_ops *ops = test->param_value;
	struct leak_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct alloc_kunit_leak m = {
		.cycle = leak_cycle,
		.quiesce = leak_quiesce,
		.cycles = leak_cycles(ops),
		.tolerance = LEAK_TOLERANCE,
		.settle_ms = ops->settle_ms,
	};
	int *slab_errors = NULL;
	int err;

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->ops = ops;
	c->all_in_interrupt = true;
	m.arg = c;
	init_completion(&c->done);
	if (ops->free == vfree_irq_free) {
		hrtimer_init(&c->timer, CLOCK_MONOTONIC, ops->hrtimer_mode);
		c->timer.function = vfree_in_irq;
		c->timer_ready = true;
	}
	if (ops->family == LEAK_KMEM_CACHE) {
		/* a destroy that finds objects counts them (slab_errors), silently */
		slab_errors = alloc_kunit_slab_errors(test);
		if (ops->alloc != cache_create_alloc) {
			c->cache = kmem_cache_create("alloc_leak", ops->size, 0, 0, NULL);
			KUNIT_ASSERT_NOT_NULL(test, c->cache);
		}
	}

	err = alloc_kunit_measure_leak(&m);
	if (c->timer_ready)
		hrtimer_cancel(&c->timer);
	kmem_cache_destroy(c->cache);

	if (slab_errors)
		KUNIT_EXPECT_EQ_MSG(test, *slab_errors, 0,
				    "%s: kmem_cache_destroy() found objects still allocated (%d slab errors)",
				    ops->name, *slab_errors);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "%s: a cycle failed: %s (%d)", ops->name,
			    leak_err_what(err), err);
	if (c->timer_ready)
		KUNIT_EXPECT_TRUE_MSG(test, c->all_in_interrupt,
				      "%s: the hrtimer callback did not run in interrupt context",
				      ops->name);
	/*
	 * Generic KASAN keeps freed slab objects (kmemleak's metadata too) in
	 * its quarantine, up to 1/32 of memory, and releases them in batches:
	 * no slab row can come back to its baseline. The loop has still run
	 * for kmemleak, whose scan after the tests checks it.
	 */
	if (IS_ENABLED(CONFIG_KASAN_GENERIC) && !ops->pages_only) {
		kunit_info(test, "%s: KASAN quarantine: free pages -%ld, slab +%ld, not checked\n",
			   ops->name, m.free_drop, m.slab_rise);
		return;
	}
	KUNIT_EXPECT_LE_MSG(test, m.free_drop, LEAK_TOLERANCE,
			    "%s: %lu cycles left the node's free pages %ld below the baseline (tolerance %d, %d attempts): memory was not given back",
			    ops->name, m.cycles, m.free_drop, LEAK_TOLERANCE, m.attempts);
	KUNIT_EXPECT_LE_MSG(test, m.slab_rise, LEAK_TOLERANCE,
			    "%s: %lu cycles left the slab allocator holding %ld pages more than at the baseline (tolerance %d, %d attempts): objects or slabs were not given back",
			    ops->name, m.cycles, m.slab_rise, LEAK_TOLERANCE, m.attempts);
}

/* One parameterised case per family: the rows of @family in the table. */
#define LEAK_CASE(fn, family)						\
static const void *fn##_gen_params(const void *prev, char *desc)	\
{									\
	return leak_gen_params(family, prev, desc);			\
}									\
static void fn(struct kunit *test)					\
{									\
	leak_run(test);							\
}

/* kfree of every kmalloc class and of page-backed objects */
LEAK_CASE(leak_test_kfree, LEAK_KFREE)
/* krealloc to a larger size, a smaller one and 0, then kfree */
LEAK_CASE(leak_test_krealloc, LEAK_KREALLOC)
/* kvfree of kvmalloc's slab, page-backed and vmalloc objects */
LEAK_CASE(leak_test_kvfree, LEAK_KVFREE)
/* vfree in process context, and in hardirq and softirq (deferred) */
LEAK_CASE(leak_test_vfree, LEAK_VFREE)
/* __free_pages of every order with a second reference, then put_page */
LEAK_CASE(leak_test_free_pages_ref, LEAK_PAGES)
/* free_pages_exact */
LEAK_CASE(leak_test_free_pages_exact, LEAK_EXACT)
/* kmem_cache_free (and kfree, kvfree), kmem_cache_free_bulk, destroy */
LEAK_CASE(leak_test_kmem_cache, LEAK_KMEM_CACHE)

static struct kunit_case alloc_leak_cases[] = {
	KUNIT_CASE_PARAM(leak_test_kfree, leak_test_kfree_gen_params),
	KUNIT_CASE_PARAM(leak_test_krealloc, leak_test_krealloc_gen_params),
	KUNIT_CASE_PARAM(leak_test_kvfree, leak_test_kvfree_gen_params),
	KUNIT_CASE_PARAM(leak_test_vfree, leak_test_vfree_gen_params),
	KUNIT_CASE_PARAM(leak_test_free_pages_ref, leak_test_free_pages_ref_gen_params),
	KUNIT_CASE_PARAM(leak_test_free_pages_exact, leak_test_free_pages_exact_gen_params),
	KUNIT_CASE_PARAM(leak_test_kmem_cache, leak_test_kmem_cache_gen_params),
	{}
};

struct kunit_suite alloc_leak_suite = {
	.name = "alloc_leak",
	.test_cases = alloc_leak_cases,
};
