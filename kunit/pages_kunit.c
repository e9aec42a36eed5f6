// SPDX-License-Identifier: GPL-2.0
/*
 * Contracts of the page allocator: alloc_pages, __get_free_pages,
 * __get_free_page, get_zeroed_page, alloc_pages_exact, and their frees.
 *
 * Every order from 0 to MAX_PAGE_ORDER is a row of a table. A block is
 * page aligned and naturally aligned to its order (by pfn), and its
 * struct page and linear address map back to each other. Zeroing is
 * checked on blocks of the same order that were just dirtied and freed.
 *
 * Leaks are observed on the node's free pages (NR_FREE_PAGES plus the
 * per-cpu lists, alloc_kunit_measure_leak() in suites.c): after a series
 * of allocations and frees the count must come back to its baseline, so
 * that a free of the wrong order (which leaves pages neither free nor
 * owned) shows up. See measure_leak() for why that is not flaky.
 *
 * The documented edges have cases of their own: the bulk allocator
 * (counts 0, 1, 2, past a per-cpu batch, arrays already partly or wholly
 * populated, the list and node variants), free_pages(0), split_page()
 * and alloc_pages_exact() at the largest size and one byte past it, and
 * the page fragment cache.
 */
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/vmstat.h>
#ifdef AK_HAVE_PAGE_FRAG_CACHE_H
#include <linux/page_frag_cache.h>
#endif

#include "alloc_kunit.h"

#define DIRT		0xa5

struct order_case {
	const char *name;
	unsigned int order;
};

static const struct order_case order_cases[] = {
	{ "order_0", 0 }, { "order_1", 1 }, { "order_2", 2 }, { "order_3", 3 },
	{ "order_4", 4 }, { "order_5", 5 }, { "order_6", 6 }, { "order_7", 7 },
	{ "order_8", 8 }, { "order_9", 9 }, { "order_10", 10 },
};

/* The table must reach MAX_PAGE_ORDER, whatever the architecture says. */
static_assert(ARRAY_SIZE(order_cases) >= MAX_PAGE_ORDER + 1);

static void order_desc(const struct order_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

/* Only the orders this kernel has (MAX_PAGE_ORDER may be below 10). */
static const void *order_gen_params(const void *prev, char *desc)
{
	const struct order_case *c = prev ? (const struct order_case *)prev + 1 :
					    order_cases;

	if (c >= order_cases + ARRAY_SIZE(order_cases) || c->order > MAX_PAGE_ORDER)
		return NULL;
	order_desc(c, desc);
	return c;
}

/* Layout of a block of every order, through both allocation APIs. */
static void pages_test_block(struct kunit *test)
{
	const struct order_case *c = test->param_value;
	unsigned int order = c->order;
	unsigned long pfn, addr, nr = 1UL << order;
	struct page *page;
	void *va;

	page = alloc_pages(GFP_KERNEL, order);
	KUNIT_ASSERT_NOT_NULL_MSG(test, page, "alloc_pages(GFP_KERNEL, %u) failed", order);
	alloc_kunit_defer_free_pages(test, page, order);
	pfn = page_to_pfn(page);
	KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED(pfn, nr),
			      "alloc_pages order %u: pfn %#lx is not a multiple of %lu", order,
			      pfn, nr);
	va = page_address(page);
	KUNIT_ASSERT_NOT_NULL_MSG(test, va, "order %u: page_address is NULL", order);
	KUNIT_EXPECT_TRUE_MSG(test, PAGE_ALIGNED(va), "order %u: page_address %p not page aligned",
			      order, va);
	KUNIT_EXPECT_PTR_EQ_MSG(test, virt_to_page(va), page,
				"order %u: virt_to_page(page_address(page)) is not the page",
				order);
	KUNIT_EXPECT_EQ_MSG(test, page_to_pfn(virt_to_page(va + (nr - 1) * PAGE_SIZE)),
			    pfn + nr - 1, "order %u: the last page is not pfn %#lx", order,
			    pfn + nr - 1);
	memset(va, DIRT, nr * PAGE_SIZE);

	addr = __get_free_pages(GFP_KERNEL, order);
	KUNIT_ASSERT_NE_MSG(test, addr, 0, "__get_free_pages(GFP_KERNEL, %u) failed", order);
	alloc_kunit_defer_free_pages(test, virt_to_page((void *)addr), order);
	KUNIT_EXPECT_TRUE_MSG(test, PAGE_ALIGNED(addr), "__get_free_pages order %u: %#lx unaligned",
			      order, addr);
	KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED(page_to_pfn(virt_to_page((void *)addr)), nr),
			      "__get_free_pages order %u: pfn %#lx is not a multiple of %lu",
			      order, page_to_pfn(virt_to_page((void *)addr)), nr);
	KUNIT_EXPECT_EQ_MSG(test, (unsigned long)page_address(virt_to_page((void *)addr)), addr,
			    "order %u: page_address(virt_to_page(%#lx)) differs", order, addr);
	memset((void *)addr, DIRT, nr * PAGE_SIZE);
}

/* Zeroed allocation of every order, on blocks that were just dirtied. */
static void pages_test_zeroed(struct kunit *test)
{
	const struct order_case *c = test->param_value;
	unsigned int order = c->order;
	size_t len = PAGE_SIZE << order, at;
	struct page *page;
	unsigned long addr;
	int round;

	for (round = 0; round < 2; round++) {
		addr = __get_free_pages(GFP_KERNEL, order);
		KUNIT_ASSERT_NE(test, addr, 0);
		memset((void *)addr, DIRT, len);
		free_pages(addr, order);

		page = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
		KUNIT_ASSERT_NOT_NULL(test, page);
		at = alloc_kunit_first_diff(page_address(page), 0, len);
		KUNIT_EXPECT_EQ_MSG(test, at, len,
				    "alloc_pages(__GFP_ZERO, %u): byte %zu is %#x, expected 0",
				    order, at, alloc_kunit_byte(page_address(page), at, len));
		memset(page_address(page), DIRT, len);
		__free_pages(page, order);
		if (at != len)
			return;

		addr = order ? __get_free_pages(GFP_KERNEL | __GFP_ZERO, order) :
			       get_zeroed_page(GFP_KERNEL);
		KUNIT_ASSERT_NE(test, addr, 0);
		at = alloc_kunit_first_diff((void *)addr, 0, len);
		KUNIT_EXPECT_EQ_MSG(test, at, len, "%s order %u: byte %zu is %#x, expected 0",
				    order ? "__get_free_pages(__GFP_ZERO)" : "get_zeroed_page",
				    order, at, alloc_kunit_byte((void *)addr, at, len));
		free_pages(addr, order);
		if (at != len)
			return;
	}
}

/*
 * Leak measurement: alloc_kunit_measure_leak() (suites.c) counts the
 * node's free pages, buddy lists plus per-cpu lists, before and after a
 * loop of cycles, after a warm-up cycle, up to ALLOC_LEAK_ATTEMPTS times.
 *
 * Noise, measured on the default UML (1 GiB, the whole module running,
 * 7 boots, 3 of them `make check TIER=kunit`): 40 runs of LEAK_CYCLES
 * cycles for every order 0..10 and both APIs, and for __get_free_page
 * and get_zeroed_page (6720 measurements), the count came back exactly
 * to its baseline every time (spread 0 pages). What is left is other
 * tasks allocating while the loop runs (a slab refill is up to 8 pages,
 * order 3), so the tolerance is two such refills, and a case fails only
 * when every attempt exceeds it.
 *
 * Every order runs the same LEAK_CYCLES cycles (an order-10 cycle costs
 * no more than an order-0 one: nothing is touched), so the smallest leak
 * caught is the same at every order 0..MAX_PAGE_ORDER: more than
 * LEAK_TOLERANCE pages per LEAK_CYCLES cycles, 17 pages per 1024 cycles,
 * that is one page lost every 60 cycles or more often. A free one order
 * too small loses at least one page per cycle, 1024 pages.
 */
#define LEAK_CYCLES		1024
#define LEAK_TOLERANCE		16
/* alloc_pages_exact: enough calls that one lost page per 16 calls shows. */
#define EXACT_CYCLES		(16 * (LEAK_TOLERANCE + 1))

struct leak_ops {
	const char *name;
	void *(*alloc)(unsigned int order);
	void (*free)(void *p, unsigned int order);
};

/* alloc_pages / __free_pages */
static void *ap_alloc(unsigned int order)
{
	return alloc_pages(GFP_KERNEL, order);
}

static void ap_free(void *p, unsigned int order)
{
	__free_pages(p, order);
}

/* __get_free_pages / free_pages */
static void *gfp_alloc(unsigned int order)
{
	return (void *)__get_free_pages(GFP_KERNEL, order);
}

static void gfp_free(void *p, unsigned int order)
{
	free_pages((unsigned long)p, order);
}

/* __get_free_page / free_page: both order 0 by contract */
static void *gfp1_alloc(unsigned int order)
{
	return (void *)__get_free_page(GFP_KERNEL);
}

static void gfp1_free(void *p, unsigned int order)
{
	free_page((unsigned long)p);
}

/* get_zeroed_page / free_page */
static void *gzp_alloc(unsigned int order)
{
	return (void *)get_zeroed_page(GFP_KERNEL);
}

struct leak_arg {
	const struct leak_ops *ops;
	unsigned int order;
};

/* One alloc/free cycle of a struct leak_arg. */
static int leak_cycle(void *data)
{
	const struct leak_arg *a = data;
	void *p = a->ops->alloc(a->order);

	if (!p)
		return -ENOMEM;
	a->ops->free(p, a->order);
	return 0;
}

/*
 * The smallest drop of the free page count (pages) that @cycles cycles
 * of @order through @ops left in ALLOC_LEAK_ATTEMPTS attempts, or
 * LEAK_FAILED when an allocation failed. The drop can be below 0: with
 * several CPUs, another CPU may free pages meanwhile (that is no leak).
 */
#define LEAK_FAILED	LONG_MIN

static long measure_leak(const struct leak_ops *ops, unsigned int order, unsigned long cycles)
{
	struct leak_arg a = { .ops = ops, .order = order };
	struct alloc_kunit_leak m = {
		.cycle = leak_cycle,
		.arg = &a,
		.cycles = cycles,
		.tolerance = LEAK_TOLERANCE,
	};

	return alloc_kunit_measure_leak(&m) ? LEAK_FAILED : m.free_drop;
}

static const struct leak_ops leak_ops_by_order[] = {
	{ "alloc_pages/__free_pages", ap_alloc, ap_free },
	{ "__get_free_pages/free_pages", gfp_alloc, gfp_free },
};

/*
 * After freeing, the free page count returns to its baseline: catches a
 * leak of more than LEAK_TOLERANCE pages per LEAK_CYCLES cycles at every
 * order (see above).
 */
static void pages_test_free_count(struct kunit *test)
{
	const struct order_case *c = test->param_value;
	unsigned long cycles = LEAK_CYCLES;
	int i;

	for (i = 0; i < ARRAY_SIZE(leak_ops_by_order); i++) {
		const struct leak_ops *ops = &leak_ops_by_order[i];
		long drop = measure_leak(ops, c->order, cycles);

		KUNIT_ASSERT_NE_MSG(test, drop, LEAK_FAILED, "%s order %u: allocation failed",
				    ops->name, c->order);
		KUNIT_EXPECT_LE_MSG(test, drop, LEAK_TOLERANCE,
				    "%s order %u: %lu cycles left the free page count %ld pages below its baseline (tolerance %d, measured noise 0): a leak or a free of the wrong order",
				    ops->name, c->order, cycles, drop, LEAK_TOLERANCE);
	}
}

/*
 * __get_free_page and get_zeroed_page hand out order 0: freed with
 * free_page(), nothing is left behind.
 */
static void pages_test_single_page_order0(struct kunit *test)
{
	static const struct leak_ops ops[] = {
		{ "__get_free_page/free_page", gfp1_alloc, gfp1_free },
		{ "get_zeroed_page/free_page", gzp_alloc, gfp1_free },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		long drop = measure_leak(&ops[i], 0, LEAK_CYCLES);

		KUNIT_ASSERT_NE_MSG(test, drop, LEAK_FAILED, "%s: allocation failed", ops[i].name);
		KUNIT_EXPECT_LE_MSG(test, drop, LEAK_TOLERANCE,
				    "%s: free page count %ld pages below its baseline after %d cycles (tolerance %d): not order 0",
				    ops[i].name, drop, LEAK_CYCLES, LEAK_TOLERANCE);
	}
}

/* Above MAX_PAGE_ORDER: NULL, and with __GFP_NOWARN not a word. */
static void pages_test_order_limit(struct kunit *test)
{
	struct page *page;
	unsigned long addr;

	alloc_kunit_rearm_warn_once();
	page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_PAGE_ORDER + 1);
	addr = __get_free_pages(GFP_KERNEL | __GFP_NOWARN, MAX_PAGE_ORDER + 1);
	KUNIT_EXPECT_NULL_MSG(test, page,
			      "alloc_pages(order %d = MAX_PAGE_ORDER + 1) = %p, expected NULL",
			      MAX_PAGE_ORDER + 1, page);
	if (page)
		__free_pages(page, MAX_PAGE_ORDER + 1);
	KUNIT_EXPECT_EQ_MSG(test, addr, 0,
			    "__get_free_pages(order %d = MAX_PAGE_ORDER + 1) = %#lx, expected 0",
			    MAX_PAGE_ORDER + 1, addr);
	if (addr)
		free_pages(addr, MAX_PAGE_ORDER + 1);
	ALLOC_EXPECT_NO_LINE(test, ALLOC_LINE_WARNING, 0,
			     "an order above MAX_PAGE_ORDER with __GFP_NOWARN printed a warning");
}

struct exact_case {
	const char *name;
	size_t size;
};

static const struct exact_case exact_cases[] = {
	{ "1", 1 },
	{ "page", PAGE_SIZE },
	{ "3pages", 3 * PAGE_SIZE },
	{ "5pages+1", 5 * PAGE_SIZE + 1 },
	{ "513pages", 513 * PAGE_SIZE },
};

static void exact_desc(const struct exact_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(exact, exact_cases, exact_desc);

struct exact_arg {
	size_t size;
};

/* One alloc_pages_exact/free_pages_exact cycle. */
static int exact_cycle(void *data)
{
	const struct exact_arg *a = data;
	void *p = alloc_pages_exact(a->size, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	free_pages_exact(p, a->size);
	return 0;
}

/*
 * alloc_pages_exact: page aligned, zeroed with __GFP_ZERO, in the linear
 * map; free_pages_exact gives every page back.
 */
static void pages_test_exact(struct kunit *test)
{
	const struct exact_case *c = test->param_value;
	struct exact_arg a;
	struct alloc_kunit_leak m = {
		.cycle = exact_cycle,
		.arg = &a,
		.cycles = EXACT_CYCLES,
		.tolerance = LEAK_TOLERANCE,
	};
	size_t at;
	u8 *p;

	p = alloc_pages_exact(c->size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "alloc_pages_exact(%zu) failed", c->size);
	memset(p, DIRT, c->size);
	free_pages_exact(p, c->size);

	p = alloc_pages_exact(c->size, GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "alloc_pages_exact(%zu, __GFP_ZERO) failed", c->size);
	/* Whole pages are handed out: read to the page end on purpose. */
	OPTIMIZER_HIDE_VAR(p);
	KUNIT_EXPECT_TRUE_MSG(test, PAGE_ALIGNED(p),
			      "alloc_pages_exact(%zu) = %p, not page aligned", c->size, p);
	KUNIT_EXPECT_TRUE(test, virt_addr_valid(p));
	at = alloc_kunit_first_diff(p, 0, PAGE_ALIGN(c->size));
	KUNIT_EXPECT_EQ_MSG(test, at, PAGE_ALIGN(c->size),
			    "alloc_pages_exact(%zu, __GFP_ZERO): byte %zu is %#x, expected 0",
			    c->size, at, alloc_kunit_byte(p, at, PAGE_ALIGN(c->size)));
	memset(p, DIRT, PAGE_ALIGN(c->size));
	free_pages_exact(p, c->size);

	/*
	 * Same bounded retry and tolerance as measure_leak(), and as many
	 * calls at every size that one page lost per 16 calls is caught (a
	 * lost tail page per call is 272 pages).
	 */
	a.size = c->size;
	KUNIT_ASSERT_EQ_MSG(test, alloc_kunit_measure_leak(&m), 0,
			    "alloc_pages_exact(%zu) failed", c->size);
	KUNIT_EXPECT_LE_MSG(test, m.free_drop, LEAK_TOLERANCE,
			    "alloc_pages_exact/free_pages_exact(%zu) x%lu: free page count %ld pages below its baseline (tolerance %d)",
			    c->size, m.cycles, m.free_drop, LEAK_TOLERANCE);
}

/* The array bulk allocator under the name of the kernel under test. */
#ifdef AK_HAVE_BULK_ARRAY
#define bulk_array(gfp, nr, array)		alloc_pages_bulk_array(gfp, nr, array)
#define bulk_array_node(gfp, nid, nr, array)	alloc_pages_bulk_array_node(gfp, nid, nr, array)
#else
#define bulk_array(gfp, nr, array)		alloc_pages_bulk(gfp, nr, array)
#define bulk_array_node(gfp, nid, nr, array)	alloc_pages_bulk_node(gfp, nid, nr, array)
#endif

enum bulk_api { BULK_ARRAY, BULK_ARRAY_NODE, BULK_LIST };

struct bulk_case {
	const char *name;
	enum bulk_api api;
	unsigned int nr;
	unsigned int filled_from, filled_to;	/* entries populated before the call */
	gfp_t gfp;
};

#define BULK_MAX	600

static const struct bulk_case bulk_cases[] = {
	{ "array_0", BULK_ARRAY, 0, 0, 0, GFP_KERNEL },
	{ "array_1", BULK_ARRAY, 1, 0, 0, GFP_KERNEL },
	{ "array_2", BULK_ARRAY, 2, 0, 0, GFP_KERNEL },
	{ "array_64", BULK_ARRAY, 64, 0, 0, GFP_KERNEL },
	{ "array_600", BULK_ARRAY, BULK_MAX, 0, 0, GFP_KERNEL },
	{ "array_prefix_filled", BULK_ARRAY, 32, 0, 8, GFP_KERNEL },
	{ "array_hole_filled", BULK_ARRAY, 32, 5, 6, GFP_KERNEL },
	{ "array_last_empty", BULK_ARRAY, 32, 0, 31, GFP_KERNEL },
	{ "array_full", BULK_ARRAY, 16, 0, 16, GFP_KERNEL },
	{ "array_zero", BULK_ARRAY, 64, 0, 0, GFP_KERNEL | __GFP_ZERO },
	{ "array_node_64", BULK_ARRAY_NODE, 64, 0, 0, GFP_KERNEL },
	{ "list_1", BULK_LIST, 1, 0, 0, GFP_KERNEL },
	{ "list_64", BULK_LIST, 64, 0, 0, GFP_KERNEL },
};

static void bulk_desc(const struct bulk_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bulk, bulk_cases, bulk_desc);

struct bulk_ctx {
	struct page *pages[BULK_MAX + 1];
	struct page *pre[BULK_MAX];	/* populated before the call, then all seen */
	struct list_head list;
};

/* Deferred action: free every page a bulk case holds. */
static void bulk_release(void *data)
{
	struct bulk_ctx *b = data;
	struct page *page, *next;
	int i;

	for (i = 0; i <= BULK_MAX; i++)
		if (b->pages[i])
			__free_page(b->pages[i]);
	list_for_each_entry_safe(page, next, &b->list, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
}

/* A page handed out by the bulk allocator: order 0, one reference. */
static void check_bulk_page(struct kunit *test, const struct bulk_case *c, unsigned int i,
			    struct page *page)
{
	KUNIT_EXPECT_EQ_MSG(test, page_ref_count(page), 1,
			    "%s: page %u has %d references, expected 1", c->name, i,
			    page_ref_count(page));
	KUNIT_EXPECT_FALSE_MSG(test, PageCompound(page),
			       "%s: page %u is compound, expected order 0", c->name, i);
	if (c->gfp & __GFP_ZERO) {
		size_t at = alloc_kunit_first_diff(page_address(page), 0, PAGE_SIZE);

		KUNIT_EXPECT_EQ_MSG(test, at, PAGE_SIZE,
				    "%s: __GFP_ZERO page %u byte %zu is %#x, expected 0", c->name,
				    i, at, alloc_kunit_byte(page_address(page), at, PAGE_SIZE));
	}
}

/*
 * The bulk allocator (kernel-doc of __alloc_pages_bulk): it returns "the
 * number of pages on the list or array"; in an array it populates only
 * NULL entries, up to nr_pages, and counts the entries already
 * populated. So the first ret entries hold pages, the entries past ret
 * are untouched, entries populated before the call keep their page, and
 * every page is distinct, order 0 and referenced once. Without memory
 * pressure (a 1 GiB UML) every row fills all nr entries: the kernel-doc
 * allows fewer, and a shortfall fails with the count.
 */
static void pages_test_bulk(struct kunit *test)
{
	const struct bulk_case *c = test->param_value;
	struct bulk_ctx *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct page *page, **pre;
	unsigned long ret = 0, i, j, n = 0;

	KUNIT_ASSERT_NOT_NULL(test, b);
	pre = b->pre;
	INIT_LIST_HEAD(&b->list);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, bulk_release, b));
	for (i = c->filled_from; i < c->filled_to; i++) {
		pre[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, pre[i]);
		b->pages[i] = pre[i];
	}
	switch (c->api) {
	case BULK_ARRAY:
		ret = bulk_array(c->gfp, c->nr, b->pages);
		break;
	case BULK_ARRAY_NODE:
		ret = bulk_array_node(c->gfp, numa_node_id(), c->nr, b->pages);
		break;
	case BULK_LIST:
#ifdef AK_HAVE_BULK_LIST
		ret = alloc_pages_bulk_list(c->gfp, c->nr, &b->list);
#else
		kunit_skip(test, "alloc_pages_bulk_list() was removed in Linux 6.14");
#endif
		break;
	}
	KUNIT_EXPECT_EQ_MSG(test, ret, c->nr, "%s: bulk allocation of %u pages returned %lu",
			    c->name, c->nr, ret);
	KUNIT_ASSERT_LE_MSG(test, ret, c->nr, "%s: returned %lu, more than nr_pages %u", c->name,
			    ret, c->nr);
	if (c->api == BULK_LIST) {
		list_for_each_entry(page, &b->list, lru) {
			if (n < BULK_MAX)
				pre[n] = page;
			check_bulk_page(test, c, n++, page);
		}
		KUNIT_EXPECT_EQ_MSG(test, n, ret, "%s: returned %lu, but the list holds %lu pages",
				    c->name, ret, n);
	} else {
		for (i = 0; i < ret; i++) {
			if (!b->pages[i]) {
				KUNIT_FAIL(test, "%s: returned %lu, but entry %lu is NULL", c->name,
					   ret, i);
				continue;
			}
			if (i >= c->filled_from && i < c->filled_to)
				KUNIT_EXPECT_PTR_EQ_MSG(test, b->pages[i], pre[i],
							"%s: populated entry %lu was replaced",
							c->name, i);
			else
				check_bulk_page(test, c, i, b->pages[i]);
		}
		for (i = ret, j = 0; i <= BULK_MAX; i++) {
			if (!b->pages[i] || (i >= c->filled_from && i < c->filled_to))
				continue;
			if (!j++)
				n = i;
		}
		if (j)
			KUNIT_FAIL(test,
				   "%s: returned %lu, but entry %lu holds a page (%lu entries past the count do)",
				   c->name, ret, n, j);
		n = min_t(unsigned long, ret, BULK_MAX);
		memcpy(pre, b->pages, n * sizeof(*pre));
	}
	/* Distinct pages: sort-free check against a pfn tag in each page. */
	for (i = 0; i < n; i++)
		if (pre[i])
			*(unsigned long *)page_address(pre[i]) = i;
	for (i = 0; i < n; i++)
		if (pre[i] && *(unsigned long *)page_address(pre[i]) != i) {
			j = *(unsigned long *)page_address(pre[i]);
			KUNIT_FAIL(test, "%s: entries %lu and %lu hold the same page", c->name,
				   i, j);
			break;
		}
}

/*
 * free_pages(0, order) is a no-op (mm/page_alloc.c: "if (addr != 0)");
 * alloc_page() is order 0; split_page() of a non-compound block leaves
 * 2^order pages referenced once each, freed one by one; the largest
 * alloc_pages_exact() (PAGE_SIZE << MAX_PAGE_ORDER) is page aligned and
 * zeroed with __GFP_ZERO, and one byte more is refused with NULL, and
 * with __GFP_NOWARN silently.
 */
static void pages_test_edges(struct kunit *test)
{
	static const unsigned int split_orders[] = { 1, 3, MAX_PAGE_ORDER };
	size_t max = PAGE_SIZE << MAX_PAGE_ORDER, at;
	unsigned int warnings, k;
	struct page *page;
	unsigned long i;
	void *p;

	free_pages(0, 0);
	free_pages(0, MAX_PAGE_ORDER);
	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_FALSE_MSG(test, PageCompound(page), "alloc_page() gave a compound page");
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	__free_page(page);

	for (k = 0; k < ARRAY_SIZE(split_orders); k++) {
		unsigned int order = split_orders[k];

		page = alloc_pages(GFP_KERNEL, order);
		KUNIT_ASSERT_NOT_NULL(test, page);
		split_page(page, order);
		for (i = 0; i < (1UL << order); i++)
			KUNIT_EXPECT_EQ_MSG(test, page_ref_count(page + i), 1,
					    "split_page(order %u): page %lu has %d references, expected 1",
					    order, i, page_ref_count(page + i));
		for (i = 0; i < (1UL << order); i++)
			__free_page(page + i);
	}

	p = alloc_pages_exact(max, GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL_MSG(test, p,
				  "alloc_pages_exact(%zu = PAGE_SIZE << MAX_PAGE_ORDER) failed",
				  max);
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(p));
	at = alloc_kunit_first_diff(p, 0, max);
	KUNIT_EXPECT_EQ_MSG(test, at, max, "alloc_pages_exact(%zu, __GFP_ZERO): byte %zu is %#x",
			    max, at, alloc_kunit_byte(p, at, max));
	free_pages_exact(p, max);

	alloc_kunit_rearm_warn_once();
	warnings = alloc_kunit_console_count(ALLOC_LINE_WARNING);
	p = alloc_pages_exact(max + 1, GFP_KERNEL | __GFP_NOWARN);
	KUNIT_EXPECT_NULL_MSG(test, p,
			      "alloc_pages_exact(%zu = (PAGE_SIZE << MAX_PAGE_ORDER) + 1) = %p, expected NULL",
			      max + 1, p);
	if (p)
		free_pages_exact(p, max + 1);
	ALLOC_EXPECT_NO_LINE(test, ALLOC_LINE_WARNING, warnings,
			     "alloc_pages_exact(max + 1, __GFP_NOWARN) warned");
}

struct frag_case {
	const char *name;
	unsigned int fragsz;
	unsigned int align;	/* 0: page_frag_alloc(), else page_frag_alloc_align() */
};

static const struct frag_case frag_cases[] = {
	{ "1", 1, 0 }, { "64_align64", 64, 64 }, { "100_align256", 100, 256 },
	{ "page", PAGE_SIZE, 0 }, { "page+1", PAGE_SIZE + 1, 0 },
	{ "cache_max", PAGE_FRAG_CACHE_MAX_SIZE, 0 },
};

static void frag_desc(const struct frag_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(frag, frag_cases, frag_desc);

#define FRAG_MAX	256

/*
 * The page fragment cache: fragments of 1 byte to PAGE_FRAG_CACHE_MAX_SIZE
 * (enough of them to use up three cache pages) are writable, aligned as
 * page_frag_alloc_align() asks, and never overlap; once every fragment
 * is given back with page_frag_free() and the cache drained, its first
 * page is free again (a reference taken on it is the only one left).
 */
static void pages_test_frag(struct kunit *test)
{
	const struct frag_case *c = test->param_value;
	unsigned int nr = clamp_t(unsigned int, 3 * PAGE_FRAG_CACHE_MAX_SIZE / c->fragsz, 4,
				  FRAG_MAX);
	struct page_frag_cache nc = {};
	struct page *first;
	unsigned int i;
	u8 **p;

	p = kunit_kcalloc(test, nr, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < nr; i++) {
		p[i] = c->align ? page_frag_alloc_align(&nc, c->fragsz, GFP_KERNEL, c->align) :
				  page_frag_alloc(&nc, c->fragsz, GFP_KERNEL);
		KUNIT_EXPECT_NOT_NULL_MSG(test, p[i], "%s: fragment %u of %u bytes is NULL",
					  c->name, i, c->fragsz);
		if (!p[i])
			break;
		if (c->align)
			KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED((unsigned long)p[i], c->align),
					      "%s: fragment %u at %p is not %u-aligned", c->name, i,
					      p[i], c->align);
		memset(p[i], i & 0xff, c->fragsz);
	}
	nr = i;
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_EQ_MSG(test, alloc_kunit_first_diff(p[i], i & 0xff, c->fragsz),
				    c->fragsz, "%s: fragment %u was overwritten: fragments overlap",
				    c->name, i);
	if (!nr)
		return;
	first = virt_to_head_page(p[0]);
	get_page(first);
	for (i = 0; i < nr; i++)
		page_frag_free(p[i]);
	page_frag_cache_drain(&nc);
	KUNIT_EXPECT_EQ_MSG(test, page_ref_count(first), 1,
			    "%s: after every fragment was freed and the cache drained, its first page has %d references, expected 1 (ours)",
			    c->name, page_ref_count(first));
	put_page(first);
}

static int alloc_pages_suite_init(struct kunit_suite *suite)
{
	return alloc_kunit_console_start();
}

static void alloc_pages_suite_exit(struct kunit_suite *suite)
{
	alloc_kunit_console_stop();
}

static struct kunit_case alloc_pages_cases[] = {
	KUNIT_CASE_PARAM(pages_test_block, order_gen_params),
	KUNIT_CASE_PARAM(pages_test_zeroed, order_gen_params),
	KUNIT_CASE_PARAM(pages_test_free_count, order_gen_params),
	KUNIT_CASE(pages_test_single_page_order0),
	KUNIT_CASE(pages_test_order_limit),
	KUNIT_CASE_PARAM(pages_test_exact, exact_gen_params),
	KUNIT_CASE_PARAM(pages_test_bulk, bulk_gen_params),
	KUNIT_CASE(pages_test_edges),
	KUNIT_CASE_PARAM(pages_test_frag, frag_gen_params),
	{}
};

struct kunit_suite alloc_pages_suite = {
	.name = "alloc_pages",
	.suite_init = alloc_pages_suite_init,
	.suite_exit = alloc_pages_suite_exit,
	.init = alloc_kunit_console_init,
	.test_cases = alloc_pages_cases,
};
