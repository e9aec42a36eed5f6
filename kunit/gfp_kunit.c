// SPDX-License-Identifier: GPL-2.0
/*
 * Contracts of the GFP flags, each flag the old kmalloc documentation
 * lists, with what it promises in 6.12: which reclaim it allows, whether
 * it may block (gfpflags_allow_blocking()), the reserves it may touch,
 * its zone, and what the page allocator really uses for it.
 *
 * The flags are a table. What the page allocator does with a flag is
 * observed on its mm_page_alloc tracepoint, which reports the gfp it
 * allocated with: the scoped memalloc_noio/nofs contexts must strip
 * __GFP_IO/__GFP_FS there, and __get_free_pages must drop __GFP_HIGHMEM
 * (its result is a linear address). The tracepoint is not exported to
 * modules, so the probe is attached by name through
 * for_each_kernel_tracepoint().
 *
 * ZONE_DMA, ZONE_DMA32 and highmem do not exist on UML: the cases that
 * need them skip and say so. GFP_HIGHUSER and __GFP_DMA32 are tried on
 * the page allocator only, as kmalloc rejects them with a report.
 */
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>

#include "alloc_kunit.h"

/* The bits whose presence the table states for every flag. */
#define GFP_CHECKED	(__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM | __GFP_IO | \
			 __GFP_FS | __GFP_HIGH | __GFP_NOWARN | __GFP_HARDWALL | \
			 __GFP_HIGHMEM | __GFP_DMA | __GFP_DMA32 | __GFP_RETRY_MAYFAIL | \
			 __GFP_NOFAIL | __GFP_NORETRY)

enum gfp_zone_want { ZONE_ANY, ZONE_WANT_DMA, ZONE_WANT_DMA32, ZONE_MAYBE_HIGH };

struct gfp_case {
	const char *name;
	gfp_t gfp;
	gfp_t bits;		/* the GFP_CHECKED bits it must carry */
	bool blocking;		/* gfpflags_allow_blocking() */
	bool kmalloc_ok;	/* a legal kmalloc flag (not in GFP_SLAB_BUG_MASK) */
	enum gfp_zone_want zone;
};

#define RECLAIM		(__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define KERNEL_BITS	(RECLAIM | __GFP_IO | __GFP_FS)

/* Each flag with what include/linux/gfp_types.h promises for it today. */
static const struct gfp_case gfp_cases[] = {
	{ "GFP_KERNEL", GFP_KERNEL, KERNEL_BITS, true, true, ZONE_ANY },
	/* May use reserves (__GFP_HIGH), wakes kswapd, never reclaims itself. */
	{ "GFP_ATOMIC", GFP_ATOMIC, __GFP_HIGH | __GFP_KSWAPD_RECLAIM, false, true, ZONE_ANY },
	/* Since 2023 also quiet on failure. */
	{ "GFP_NOWAIT", GFP_NOWAIT, __GFP_KSWAPD_RECLAIM | __GFP_NOWARN, false, true, ZONE_ANY },
	{ "GFP_USER", GFP_USER, KERNEL_BITS | __GFP_HARDWALL, true, true, ZONE_ANY },
	{ "GFP_HIGHUSER", GFP_HIGHUSER, KERNEL_BITS | __GFP_HARDWALL | __GFP_HIGHMEM, true,
	  false, ZONE_MAYBE_HIGH },
	{ "GFP_NOIO", GFP_NOIO, RECLAIM, true, true, ZONE_ANY },
	{ "GFP_NOFS", GFP_NOFS, RECLAIM | __GFP_IO, true, true, ZONE_ANY },
	{ "GFP_DMA", GFP_KERNEL | GFP_DMA, KERNEL_BITS | __GFP_DMA, true, true, ZONE_WANT_DMA },
	{ "GFP_DMA32", GFP_KERNEL | GFP_DMA32, KERNEL_BITS | __GFP_DMA32, true, false,
	  ZONE_WANT_DMA32 },
	{ "__GFP_NOWARN", GFP_KERNEL | __GFP_NOWARN, KERNEL_BITS | __GFP_NOWARN, true, true,
	  ZONE_ANY },
	{ "__GFP_HIGH", GFP_KERNEL | __GFP_HIGH, KERNEL_BITS | __GFP_HIGH, true, true, ZONE_ANY },
	{ "__GFP_RETRY_MAYFAIL", GFP_KERNEL | __GFP_RETRY_MAYFAIL,
	  KERNEL_BITS | __GFP_RETRY_MAYFAIL, true, true, ZONE_ANY },
	{ "__GFP_NOFAIL", GFP_KERNEL | __GFP_NOFAIL, KERNEL_BITS | __GFP_NOFAIL, true, true,
	  ZONE_ANY },
	{ "__GFP_NORETRY", GFP_KERNEL | __GFP_NORETRY, KERNEL_BITS | __GFP_NORETRY, true, true,
	  ZONE_ANY },
};

static void gfp_desc(const struct gfp_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(gfp, gfp_cases, gfp_desc);

/* What the mm_page_alloc probe saw of the armed task's last allocation. */
static struct {
	struct task_struct *task;	/* only this task's allocations count */
	struct page *page;
	gfp_t gfp;
	unsigned int order;
} seen;

static struct tracepoint *mm_page_alloc_tp;

/* mm_page_alloc probe: record the armed task's allocation. */
static void probe_page_alloc(void *ignore, struct page *page, unsigned int order,
			     gfp_t gfp, int migratetype)
{
	if (READ_ONCE(seen.task) != current || in_interrupt())
		return;
	seen.page = page;
	seen.gfp = gfp;
	seen.order = order;
}

/* for_each_kernel_tracepoint() callback: find mm_page_alloc. */
static void find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "mm_page_alloc"))
		mm_page_alloc_tp = tp;
}

/* Start recording the current task's page allocations. */
static void seen_arm(void)
{
	seen.page = NULL;
	seen.gfp = 0;
	WRITE_ONCE(seen.task, current);
}

static void seen_disarm(void)
{
	WRITE_ONCE(seen.task, NULL);
}

/*
 * A table of facts, not a behaviour: the bits each flag is made of and
 * gfpflags_allow_blocking() of it are compile-time constants of
 * include/linux/gfp_types.h and gfp.h, checked here so that a kernel that
 * redefines a flag is noticed (and the table documents them). What the
 * allocator does with each flag is tested by gfp_test_page,
 * gfp_test_kmalloc and the alloc_context and alloc_fault suites.
 */
static void gfp_test_composition_facts(struct kunit *test)
{
	const struct gfp_case *c = test->param_value;

	KUNIT_EXPECT_EQ_MSG(test, (__force unsigned long)(c->gfp & GFP_CHECKED),
			    (__force unsigned long)c->bits,
			    "%s is %pGg, expected exactly %pGg among the checked bits", c->name,
			    &c->gfp, &c->bits);
	KUNIT_EXPECT_EQ_MSG(test, gfpflags_allow_blocking(c->gfp), c->blocking,
			    "gfpflags_allow_blocking(%s) = %d, expected %d (true only with direct reclaim)",
			    c->name, gfpflags_allow_blocking(c->gfp), c->blocking);
}

/*
 * An order-0 page with each flag: in the zone the flag asks for, and on
 * 64-bit in the linear map even with __GFP_HIGHMEM. The page allocator
 * must allocate with the caller's bits.
 */
static void gfp_test_page(struct kunit *test)
{
	const struct gfp_case *c = test->param_value;
	struct page *page;
	gfp_t used, want;

	if (c->zone == ZONE_WANT_DMA)
		ALLOC_TEST_REQUIRES(test, IS_ENABLED(CONFIG_ZONE_DMA));
	if (c->zone == ZONE_WANT_DMA32)
		ALLOC_TEST_REQUIRES(test, IS_ENABLED(CONFIG_ZONE_DMA32));

	seen_arm();
	page = alloc_pages(c->gfp, 0);
	seen_disarm();
	KUNIT_ASSERT_NOT_NULL_MSG(test, page, "alloc_pages(%s, 0) failed", c->name);
	alloc_kunit_defer_free_pages(test, page, 0);

	KUNIT_EXPECT_PTR_EQ_MSG(test, seen.page, page,
				"mm_page_alloc did not report the page allocated with %s", c->name);
	/* With cpusets in use the fast path adds __GFP_HARDWALL: ignore it. */
	used = seen.gfp & GFP_CHECKED & ~__GFP_HARDWALL;
	want = c->bits & ~__GFP_HARDWALL;
	KUNIT_EXPECT_EQ_MSG(test, (__force unsigned long)used, (__force unsigned long)want,
			    "alloc_pages(%s) allocated with %pGg, expected %pGg", c->name, &used,
			    &want);

	switch (c->zone) {
	case ZONE_WANT_DMA:
#ifdef CONFIG_ZONE_DMA
		KUNIT_EXPECT_EQ_MSG(test, page_zonenum(page), ZONE_DMA,
				    "alloc_pages(%s) came from zone %d, expected ZONE_DMA", c->name,
				    page_zonenum(page));
#endif
		break;
	case ZONE_WANT_DMA32:
#ifdef CONFIG_ZONE_DMA32
		KUNIT_EXPECT_LE_MSG(test, page_zonenum(page), ZONE_DMA32,
				    "alloc_pages(%s) came from zone %d, expected ZONE_DMA32 or below",
				    c->name, page_zonenum(page));
#endif
		break;
	case ZONE_MAYBE_HIGH:
		if (IS_ENABLED(CONFIG_HIGHMEM))
			break;
		KUNIT_EXPECT_NOT_NULL_MSG(test, page_address(page),
					  "alloc_pages(%s): no highmem, yet no linear address",
					  c->name);
		KUNIT_EXPECT_TRUE_MSG(test, virt_addr_valid(page_address(page)),
				      "alloc_pages(%s): address not in the linear map", c->name);
		break;
	default:
		KUNIT_EXPECT_NOT_NULL(test, page_address(page));
		break;
	}
}

/* kmalloc with every flag kmalloc accepts (not __GFP_HIGHMEM, __GFP_DMA32). */
static void gfp_test_kmalloc(struct kunit *test)
{
	const struct gfp_case *c = test->param_value;
	size_t sizes[] = { 64, 3000, 3 * PAGE_SIZE };
	int i;

	if (!c->kmalloc_ok)
		kunit_skip(test, "%s is in GFP_SLAB_BUG_MASK: kmalloc reports \"Unexpected gfp\"",
			   c->name);
	if (c->zone == ZONE_WANT_DMA)
		ALLOC_TEST_REQUIRES(test, IS_ENABLED(CONFIG_ZONE_DMA));
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		void *p = kmalloc(sizes[i], c->gfp);

		KUNIT_ASSERT_NOT_NULL_MSG(test, p, "kmalloc(%zu, %s) failed", sizes[i], c->name);
		alloc_kunit_defer_kfree(test, p);
		KUNIT_EXPECT_TRUE_MSG(test, virt_addr_valid(p), "kmalloc(%zu, %s) = %p not linear",
				      sizes[i], c->name, p);
#ifdef CONFIG_ZONE_DMA
		if (c->zone == ZONE_WANT_DMA)
			KUNIT_EXPECT_EQ_MSG(test, page_zonenum(virt_to_page(p)), ZONE_DMA,
					    "kmalloc(%zu, GFP_DMA) not in ZONE_DMA", sizes[i]);
#endif
	}
}

/* __get_free_pages drops __GFP_HIGHMEM: it returns a linear address. */
static void gfp_test_get_free_pages_highuser(struct kunit *test)
{
	unsigned long addr;
	gfp_t used;

	seen_arm();
	addr = __get_free_pages(GFP_HIGHUSER, 1);
	seen_disarm();
	KUNIT_ASSERT_NE_MSG(test, addr, 0, "__get_free_pages(GFP_HIGHUSER, 1) failed");
	alloc_kunit_defer_free_pages(test, virt_to_page((void *)addr), 1);
	KUNIT_EXPECT_TRUE(test, virt_addr_valid((void *)addr));
	KUNIT_EXPECT_PTR_EQ_MSG(test, seen.page, virt_to_page((void *)addr),
				"mm_page_alloc did not report the block");
	used = seen.gfp;
	KUNIT_EXPECT_FALSE_MSG(test, used & __GFP_HIGHMEM,
			       "__get_free_pages(GFP_HIGHUSER) allocated with %pGg: __GFP_HIGHMEM must be dropped",
			       &used);
}

struct scope_case {
	const char *name;
	bool noio;		/* memalloc_noio_save() rather than nofs */
	gfp_t stripped;		/* bits the scope removes from GFP_KERNEL */
};

static const struct scope_case scope_cases[] = {
	{ "memalloc_noio", true, __GFP_IO | __GFP_FS },
	{ "memalloc_nofs", false, __GFP_FS },
};

static void scope_desc(const struct scope_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(scope, scope_cases, scope_desc);

/*
 * Inside a memalloc_noio/nofs scope, current_gfp_context() strips the
 * bits, and the page allocator allocates with them stripped; after the
 * restore both are back.
 */
static void gfp_test_scope(struct kunit *test)
{
	const struct scope_case *c = test->param_value;
	unsigned int flags;
	struct page *page;
	gfp_t ctx, used, want = GFP_KERNEL & ~c->stripped;

	flags = c->noio ? memalloc_noio_save() : memalloc_nofs_save();
	ctx = current_gfp_context(GFP_KERNEL);
	seen_arm();
	page = alloc_pages(GFP_KERNEL, 0);
	seen_disarm();
	if (c->noio)
		memalloc_noio_restore(flags);
	else
		memalloc_nofs_restore(flags);
	KUNIT_ASSERT_NOT_NULL_MSG(test, page, "alloc_pages(GFP_KERNEL) inside %s failed", c->name);
	alloc_kunit_defer_free_pages(test, page, 0);

	KUNIT_EXPECT_EQ_MSG(test, (__force unsigned long)ctx, (__force unsigned long)want,
			    "current_gfp_context(GFP_KERNEL) in %s scope = %pGg, expected %pGg",
			    c->name, &ctx, &want);
	KUNIT_EXPECT_PTR_EQ(test, seen.page, page);
	used = seen.gfp & (__GFP_IO | __GFP_FS | __GFP_DIRECT_RECLAIM);
	want &= __GFP_IO | __GFP_FS | __GFP_DIRECT_RECLAIM;
	KUNIT_EXPECT_EQ_MSG(test, (__force unsigned long)used, (__force unsigned long)want,
			    "alloc_pages(GFP_KERNEL) in %s scope allocated with %pGg, expected %pGg",
			    c->name, &used, &want);

	ctx = current_gfp_context(GFP_KERNEL);
	KUNIT_EXPECT_EQ_MSG(test, (__force unsigned long)ctx, (__force unsigned long)GFP_KERNEL,
			    "after the %s restore current_gfp_context(GFP_KERNEL) = %pGg", c->name,
			    &ctx);
}

/* Nested scopes: the inner restore keeps the outer scope in force. */
static void gfp_test_scope_nesting(struct kunit *test)
{
	unsigned int outer, inner;
	gfp_t ctx;

	outer = memalloc_noio_save();
	inner = memalloc_nofs_save();
	memalloc_nofs_restore(inner);
	ctx = current_gfp_context(GFP_KERNEL);
	memalloc_noio_restore(outer);
	KUNIT_EXPECT_FALSE_MSG(test, ctx & (__GFP_IO | __GFP_FS),
			       "after an inner nofs restore the outer noio scope is gone: %pGg",
			       &ctx);
}

static int alloc_gfp_suite_init(struct kunit_suite *suite)
{
	for_each_kernel_tracepoint(find_tp, NULL);
	if (!mm_page_alloc_tp)
		return -ENOENT;
	return tracepoint_probe_register(mm_page_alloc_tp, probe_page_alloc, NULL);
}

static void alloc_gfp_suite_exit(struct kunit_suite *suite)
{
	tracepoint_probe_unregister(mm_page_alloc_tp, probe_page_alloc, NULL);
	tracepoint_synchronize_unregister();
}

static struct kunit_case alloc_gfp_cases[] = {
	KUNIT_CASE_PARAM(gfp_test_composition_facts, gfp_gen_params),
	KUNIT_CASE_PARAM(gfp_test_page, gfp_gen_params),
	KUNIT_CASE_PARAM(gfp_test_kmalloc, gfp_gen_params),
	KUNIT_CASE(gfp_test_get_free_pages_highuser),
	KUNIT_CASE_PARAM(gfp_test_scope, scope_gen_params),
	KUNIT_CASE(gfp_test_scope_nesting),
	{}
};

struct kunit_suite alloc_gfp_suite = {
	.name = "alloc_gfp",
	.suite_init = alloc_gfp_suite_init,
	.suite_exit = alloc_gfp_suite_exit,
	.test_cases = alloc_gfp_cases,
};
