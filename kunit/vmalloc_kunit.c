// SPDX-License-Identifier: GPL-2.0
/*
 * Contracts of vmalloc: sizes from one byte to 64 MiB, far past what
 * kmalloc can give, are vmalloc addresses, writable end to end, and every
 * page is reachable through vmalloc_to_page(); vzalloc zeroes memory that
 * was just dirtied; vfree(NULL) is a no-op; vmalloc_array and vcalloc
 * refuse an overflowing n * size; vmalloc_user is zeroed and page
 * aligned; vmap shows the bytes of the pages it maps.
 *
 * Page by page, each page is tagged with its index so that a mapping
 * that sends two virtual pages to the same struct page is caught.
 *
 * The documented edges have cases of their own: every allocator of the
 * family (vmalloc_node, vzalloc_node, __vmalloc with each supported gfp,
 * vmalloc_32, vmalloc_32_user, vmalloc_huge, vmalloc_array, vcalloc)
 * with vmalloc_to_page() and vmalloc_to_pfn() at the first and last byte
 * of every page; vmalloc(0); sizes past the total RAM and sizes that
 * overflow when rounded to pages; the non-blocking gfp flags where the
 * kernel supports them; kvfree_rcu() of vmalloc memory.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

#include "alloc_kunit.h"

#define DIRT		0xa5

struct vmalloc_case {
	const char *name;
	size_t size;
};

static const struct vmalloc_case vmalloc_cases[] = {
	{ "1", 1 },
	{ "page", PAGE_SIZE },
	{ "page+1", PAGE_SIZE + 1 },
	{ "1MiB", SZ_1M },
	{ "kmalloc_max+1", KMALLOC_MAX_SIZE + 1 },
	{ "16MiB", SZ_16M },
	{ "64MiB", SZ_64M },
};

static void vmalloc_desc(const struct vmalloc_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vmalloc, vmalloc_cases, vmalloc_desc);

/* The tag written at the start of page @i. */
static unsigned long page_tag(unsigned long i)
{
	return 0xa110c000UL ^ (i * 2654435761UL);
}

/*
 * Check that every page of [p, p + size) has a struct page whose linear
 * address shows the tag written through @p.
 */
static void check_pages(struct kunit *test, u8 *p, size_t size, const char *what)
{
	unsigned long i, nr = PFN_UP(size);

	for (i = 0; i < nr && size >= sizeof(unsigned long); i++) {
		if (size - i * PAGE_SIZE >= sizeof(unsigned long))
			*(unsigned long *)(p + i * PAGE_SIZE) = page_tag(i);
	}
	for (i = 0; i < nr; i++) {
		struct page *page = vmalloc_to_page(p + i * PAGE_SIZE);

		if (!page) {
			KUNIT_FAIL(test, "%s(%zu): vmalloc_to_page of page %lu is NULL", what,
				   size, i);
			return;
		}
		if (size - i * PAGE_SIZE >= sizeof(unsigned long) &&
		    *(unsigned long *)page_address(page) != page_tag(i)) {
			KUNIT_FAIL(test, "%s(%zu): page %lu via struct page: %#lx, expected %#lx",
				   what, size, i, *(unsigned long *)page_address(page),
				   page_tag(i));
			return;
		}
	}
}

/* Address, writability end to end, and the page behind every page. */
static void vmalloc_test_sizes(struct kunit *test)
{
	const struct vmalloc_case *c = test->param_value;
	size_t at;
	u8 *p;

	p = vmalloc(c->size);
	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "vmalloc(%zu) failed", c->size);
	alloc_kunit_defer_vfree(test, p);
	KUNIT_EXPECT_TRUE_MSG(test, is_vmalloc_addr(p), "vmalloc(%zu) = %p: not a vmalloc address",
			      c->size, p);
	KUNIT_EXPECT_TRUE_MSG(test, PAGE_ALIGNED(p), "vmalloc(%zu) = %p: not page aligned",
			      c->size, p);
	memset(p, DIRT, c->size);
	at = alloc_kunit_first_diff(p, DIRT, c->size);
	KUNIT_EXPECT_EQ_MSG(test, at, c->size, "vmalloc(%zu): byte %zu did not keep %#x", c->size,
			    at, DIRT);
	check_pages(test, p, c->size, "vmalloc");
}

/* vzalloc zeroes every page, also of memory that was just dirtied. */
static void vzalloc_test_zeroed(struct kunit *test)
{
	const struct vmalloc_case *c = test->param_value;
	size_t at;
	u8 *p;

	p = vmalloc(c->size);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, DIRT, c->size);
	vfree(p);
	p = vzalloc(c->size);
	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "vzalloc(%zu) failed", c->size);
	alloc_kunit_defer_vfree(test, p);
	at = alloc_kunit_first_diff(p, 0, c->size);
	KUNIT_EXPECT_EQ_MSG(test, at, c->size,
			    "vzalloc(%zu): byte %zu (page %zu) is %#x, expected 0",
			    c->size, at, at / PAGE_SIZE, alloc_kunit_byte(p, at, c->size));
}

/* vfree(NULL) is a no-op; array allocators refuse an overflow. */
static void vmalloc_test_edges(struct kunit *test)
{
	void *p;

	vfree(NULL);
	p = vmalloc_array(2, SIZE_MAX / 2 + 1);
	KUNIT_EXPECT_NULL_MSG(test, p, "vmalloc_array(2, SIZE_MAX / 2 + 1) = %p, expected NULL",
			      p);
	vfree(p);
	p = vcalloc(SIZE_MAX / 16 + 1, 16);
	KUNIT_EXPECT_NULL_MSG(test, p, "vcalloc(SIZE_MAX / 16 + 1, 16) = %p, expected NULL", p);
	vfree(p);
	p = vcalloc(100, 40);
	KUNIT_ASSERT_NOT_NULL(test, p);
	alloc_kunit_defer_vfree(test, p);
	KUNIT_EXPECT_EQ_MSG(test, alloc_kunit_first_diff(p, 0, 4000), 4000,
			    "vcalloc(100, 40) is not zeroed");
}

/*
 * vmalloc_user: zeroed and page aligned, ready to be mapped to users. The
 * whole last page goes to user space, so it must be zero past the size
 * too; that tail is read through the page's linear address, because
 * KASAN_VMALLOC rightly poisons it in the vmalloc mapping.
 */
static void vmalloc_user_test_zeroed(struct kunit *test)
{
	size_t size = 3 * PAGE_SIZE + 100, at, tail = PAGE_ALIGN(size) - size;
	u8 *p, *last;

	p = vmalloc(size);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, DIRT, size);
	vfree(p);
	p = vmalloc_user(size);
	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "vmalloc_user(%zu) failed", size);
	alloc_kunit_defer_vfree(test, p);
	KUNIT_EXPECT_TRUE_MSG(test, PAGE_ALIGNED(p), "vmalloc_user = %p: not page aligned", p);
	at = alloc_kunit_first_diff(p, 0, size);
	KUNIT_EXPECT_EQ_MSG(test, at, size, "vmalloc_user(%zu): byte %zu is %#x, expected 0",
			    size, at, alloc_kunit_byte(p, at, size));
	last = page_address(vmalloc_to_page(p + size)) + offset_in_page(size);
	at = alloc_kunit_first_diff(last, 0, tail);
	KUNIT_EXPECT_EQ_MSG(test, at, tail,
			    "vmalloc_user(%zu): byte %zu past the size is %#x, expected 0 (last page)",
			    size, size + at, alloc_kunit_byte(last, at, tail));
}

#define VMAP_PAGES	5

struct vmap_ctx {
	struct page *pages[VMAP_PAGES];
	void *addr;
};

/* Deferred action: unmap, then free the pages of a struct vmap_ctx. */
static void vmap_release(void *data)
{
	struct vmap_ctx *v = data;
	int i;

	if (v->addr)
		vunmap(v->addr);
	for (i = 0; i < VMAP_PAGES; i++)
		if (v->pages[i])
			__free_page(v->pages[i]);
}

/* vmap of separately allocated pages shows their bytes, both ways. */
static void vmap_test_same_bytes(struct kunit *test)
{
	struct vmap_ctx *v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);
	unsigned long i;
	u8 *p;

	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, vmap_release, v));
	for (i = 0; i < VMAP_PAGES; i++) {
		v->pages[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, v->pages[i]);
		memset(page_address(v->pages[i]), 0x10 + i, PAGE_SIZE);
	}
	v->addr = vmap(v->pages, VMAP_PAGES, VM_MAP, PAGE_KERNEL);
	KUNIT_ASSERT_NOT_NULL_MSG(test, v->addr, "vmap of %d pages failed", VMAP_PAGES);
	p = v->addr;
	KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(p));
	for (i = 0; i < VMAP_PAGES; i++) {
		size_t at = alloc_kunit_first_diff(p + i * PAGE_SIZE, 0x10 + i, PAGE_SIZE);

		KUNIT_EXPECT_EQ_MSG(test, at, PAGE_SIZE,
				    "vmap page %lu byte %zu is %#x, expected %#lx", i, at,
				    alloc_kunit_byte(p + i * PAGE_SIZE, at, PAGE_SIZE), 0x10 + i);
		KUNIT_EXPECT_PTR_EQ_MSG(test, vmalloc_to_page(p + i * PAGE_SIZE), v->pages[i],
					"vmalloc_to_page of vmap page %lu is not the page mapped",
					i);
	}
	/* Writes through the mapping land in the pages. */
	memset(p + 2 * PAGE_SIZE, 0x77, PAGE_SIZE);
	KUNIT_EXPECT_EQ_MSG(test,
			    alloc_kunit_first_diff(page_address(v->pages[2]), 0x77, PAGE_SIZE),
			    PAGE_SIZE, "a write through vmap did not reach page 2");
}

enum vfamily {
	V_VMALLOC, V_VZALLOC, V_NODE, V_ZNODE, V_GFP, V_32, V_32_USER, V_USER, V_HUGE,
	V_ARRAY, V_VCALLOC,
};

struct vfamily_case {
	const char *name;
	enum vfamily fn;
	size_t size;
	gfp_t gfp;		/* for __vmalloc and vmalloc_huge */
	bool zeroed;		/* documented to zero */
};

static const struct vfamily_case vfamily_cases[] = {
	{ "vmalloc_node_1", V_NODE, 1, 0, false },
	{ "vmalloc_node_3pages+1", V_NODE, 3 * PAGE_SIZE + 1, 0, false },
	{ "vzalloc_node_3pages+1", V_ZNODE, 3 * PAGE_SIZE + 1, 0, true },
	{ "__vmalloc_kernel_page", V_GFP, PAGE_SIZE, GFP_KERNEL, false },
	{ "__vmalloc_zero_3pages+1", V_GFP, 3 * PAGE_SIZE + 1, GFP_KERNEL | __GFP_ZERO, true },
	{ "__vmalloc_nofs_3pages+1", V_GFP, 3 * PAGE_SIZE + 1, GFP_NOFS | __GFP_ZERO, true },
	{ "__vmalloc_noio_3pages+1", V_GFP, 3 * PAGE_SIZE + 1, GFP_NOIO | __GFP_ZERO, true },
	{ "vmalloc_32_1", V_32, 1, 0, false },
	{ "vmalloc_32_3pages+1", V_32, 3 * PAGE_SIZE + 1, 0, false },
	{ "vmalloc_32_user_3pages+1", V_32_USER, 3 * PAGE_SIZE + 1, 0, true },
	{ "vmalloc_user_1", V_USER, 1, 0, true },
	{ "vmalloc_huge_1", V_HUGE, 1, GFP_KERNEL, false },
	{ "vmalloc_huge_pmd+1", V_HUGE, PMD_SIZE + 1, GFP_KERNEL | __GFP_ZERO, true },
	{ "vmalloc_array_3x1000", V_ARRAY, 3000, 0, false },
	{ "vcalloc_1x1", V_VCALLOC, 1, 0, true },
	{ "vcalloc_5x1000", V_VCALLOC, 5000, 0, true },
};

static void vfamily_desc(const struct vfamily_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vfamily, vfamily_cases, vfamily_desc);

/* Array rows: @size bytes as elements of 1000 bytes, or one element. */
static size_t array_n(size_t size)
{
	return size < 1000 ? 1 : size / 1000;
}

static size_t array_elem(size_t size)
{
	return size < 1000 ? size : 1000;
}

static void *vfamily_alloc(const struct vfamily_case *c)
{
	switch (c->fn) {
	case V_VMALLOC:
		return vmalloc(c->size);
	case V_VZALLOC:
		return vzalloc(c->size);
	case V_NODE:
		return vmalloc_node(c->size, numa_node_id());
	case V_ZNODE:
		return vzalloc_node(c->size, numa_node_id());
	case V_GFP:
		return __vmalloc(c->size, c->gfp);
	case V_32:
		return vmalloc_32(c->size);
	case V_32_USER:
		return vmalloc_32_user(c->size);
	case V_USER:
		return vmalloc_user(c->size);
	case V_HUGE:
		return vmalloc_huge(c->size, c->gfp);
	case V_ARRAY:
		return vmalloc_array(array_n(c->size), array_elem(c->size));
	case V_VCALLOC:
		return vcalloc(array_n(c->size), array_elem(c->size));
	}
	return NULL;
}

/*
 * vmalloc_to_pfn() and vmalloc_to_page() of the first and the last byte
 * of each page name the page that holds the tag written through @p, read
 * back through the linear map: a pfn one page off, or a page that two
 * virtual pages share, shows up.
 */
static void check_pfns(struct kunit *test, u8 *p, size_t size, const char *what)
{
	unsigned long i, nr = PFN_UP(size);

	if (size < sizeof(unsigned long))
		return;
	for (i = 0; i < nr; i++)
		if (size - i * PAGE_SIZE >= sizeof(unsigned long))
			*(unsigned long *)(p + i * PAGE_SIZE) = page_tag(i);
	for (i = 0; i < nr; i++) {
		u8 *first = p + i * PAGE_SIZE, *last = first + PAGE_SIZE - 1;
		unsigned long pfn = vmalloc_to_pfn(first);

		if (size - i * PAGE_SIZE < sizeof(unsigned long))
			break;
		if (!pfn_valid(pfn) ||
		    *(unsigned long *)page_address(pfn_to_page(pfn)) != page_tag(i)) {
			KUNIT_FAIL(test,
				   "%s(%zu): vmalloc_to_pfn of page %lu = %#lx, whose page does not hold the tag written to it",
				   what, size, i, pfn);
			return;
		}
		if (vmalloc_to_pfn(last) != pfn ||
		    vmalloc_to_page(last) != pfn_to_page(pfn) ||
		    vmalloc_to_page(first) != pfn_to_page(pfn)) {
			KUNIT_FAIL(test,
				   "%s(%zu): page %lu: vmalloc_to_pfn %#lx/%#lx and vmalloc_to_page of its first and last byte disagree",
				   what, size, i, pfn, vmalloc_to_pfn(last));
			return;
		}
	}
}

/*
 * Each allocator of the family: a page-aligned vmalloc address, writable
 * to the size asked, every page reachable through vmalloc_to_page() and
 * vmalloc_to_pfn(); zeroed where documented (on memory just dirtied);
 * vmalloc_32 pages below 4 GiB where a DMA32 zone exists. A
 * vmalloc_huge() that could use huge pages (not UML) has the same
 * contract.
 */
static void vmalloc_test_family(struct kunit *test)
{
	const struct vfamily_case *c = test->param_value;
	size_t at;
	u8 *p;

	if (c->zeroed) {
		p = vmalloc(c->size);
		KUNIT_ASSERT_NOT_NULL(test, p);
		memset(p, DIRT, c->size);
		vfree(p);
	}
	p = vfamily_alloc(c);
	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "%s: allocation of %zu bytes failed", c->name, c->size);
	alloc_kunit_defer_vfree(test, p);
	KUNIT_EXPECT_TRUE_MSG(test, is_vmalloc_addr(p), "%s = %p: not a vmalloc address", c->name,
			      p);
	KUNIT_EXPECT_TRUE_MSG(test, PAGE_ALIGNED(p), "%s = %p: not page aligned", c->name, p);
	if (c->zeroed) {
		at = alloc_kunit_first_diff(p, 0, c->size);
		KUNIT_EXPECT_EQ_MSG(test, at, c->size, "%s(%zu): byte %zu is %#x, expected 0",
				    c->name, c->size, at, alloc_kunit_byte(p, at, c->size));
	}
	memset(p, DIRT, c->size);
	KUNIT_EXPECT_EQ_MSG(test, alloc_kunit_first_diff(p, DIRT, c->size), c->size,
			    "%s(%zu): did not keep what was written", c->name, c->size);
	check_pfns(test, p, c->size, c->name);
	if ((c->fn == V_32 || c->fn == V_32_USER) && IS_ENABLED(CONFIG_ZONE_DMA32) &&
	    IS_ENABLED(CONFIG_64BIT)) {
		unsigned long i;

		for (i = 0; i < PFN_UP(c->size); i++)
			KUNIT_EXPECT_LT_MSG(test, PFN_PHYS(vmalloc_to_pfn(p + i * PAGE_SIZE)),
					    (phys_addr_t)SZ_4G,
					    "%s: page %lu is above 4 GiB", c->name, i);
	}
}

/*
 * Sizes vmalloc must refuse with NULL: more bytes than the RAM has
 * pages ("exceeds total pages"), and sizes that wrap to a few pages or
 * to 0 when rounded up to a page (a vmalloc that mapped the rounded
 * size would map too little). With __GFP_NOWARN the refusal prints no
 * WARNING (helper F's "alloc failure" kind would let the rows without
 * __GFP_NOWARN check the "vmalloc error" report).
 */
static void vmalloc_test_size_limits(struct kunit *test)
{
	const unsigned long sizes[] = {
		SIZE_MAX, SIZE_MAX - PAGE_SIZE + 2, SIZE_MAX - 2 * PAGE_SIZE + 1,
		(totalram_pages() + 1) << PAGE_SHIFT, ULONG_MAX / 2 + 1,
	};
	unsigned int warnings = alloc_kunit_console_count(ALLOC_LINE_WARNING);
	int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		void *p = __vmalloc(sizes[i], GFP_KERNEL | __GFP_NOWARN);

		KUNIT_EXPECT_NULL_MSG(test, p, "__vmalloc(%#lx) = %p, expected NULL", sizes[i], p);
		vfree(p);
		p = __vmalloc(sizes[i], GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
		KUNIT_EXPECT_NULL_MSG(test, p, "__vmalloc(%#lx, __GFP_ZERO) = %p, expected NULL",
				      sizes[i], p);
		vfree(p);
	}
	ALLOC_EXPECT_NO_LINE(test, ALLOC_LINE_WARNING, warnings,
			     "refused vmalloc sizes with __GFP_NOWARN warned");
}

/*
 * vmalloc(0) is refused with NULL, no mapping. 6.12 also warns
 * (mm/vmalloc.c __vmalloc_node_range_noprof: "if (WARN_ON_ONCE(!size))
 * return NULL;"): the WARN_ON_ONCE is re-armed and the one WARNING it
 * prints declared in an expected-report window.
 */
static void vmalloc_test_zero_size(struct kunit *test)
{
	unsigned int warnings;
	void *p;

	alloc_kunit_rearm_warn_once();
	warnings = alloc_kunit_console_count(ALLOC_LINE_WARNING);
	alloc_kunit_expect_report_begin(ALLOC_REPORT_WARNING, 1);
	p = vmalloc(0);
	alloc_kunit_expect_report_end();
	KUNIT_EXPECT_NULL_MSG(test, p, "vmalloc(0) = %p, expected NULL", p);
	vfree(p);
	KUNIT_EXPECT_EQ_MSG(test, alloc_kunit_console_count(ALLOC_LINE_WARNING) - warnings, 1,
			    "vmalloc(0) printed %u WARNINGs, expected the one of WARN_ON_ONCE(!size)",
			    alloc_kunit_console_count(ALLOC_LINE_WARNING) - warnings);
}

/* Non-blocking vmalloc: GFP_NOWAIT and GFP_ATOMIC (kunit/Makefile decides). */
static const gfp_t nonblock_gfps[] = { GFP_NOWAIT, GFP_ATOMIC };

static void nonblock_desc(const gfp_t *gfp, char *desc)
{
	strscpy(desc, *gfp == GFP_NOWAIT ? "GFP_NOWAIT" : "GFP_ATOMIC", KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(nonblock, nonblock_gfps, nonblock_desc);

static DEFINE_SPINLOCK(nonblock_lock);

/*
 * __vmalloc() with GFP_NOWAIT or GFP_ATOMIC under a spinlock (supported
 * upstream since 2025, Linux 6.19): memory of one byte and of 3 pages + 1
 * is handed out without a might_sleep report, zeroed with __GFP_ZERO.
 * Before that the kernel-doc says "GFP_NOWAIT is not supported" (6.12
 * mm/vmalloc.c:3815): skipped with that reason.
 */
static void vmalloc_test_nonblocking(struct kunit *test)
{
	static const size_t sizes[] = { 1, 3 * PAGE_SIZE + 1 };
	const gfp_t *gfp = test->param_value;
	unsigned int sleeps;
	void *p[ARRAY_SIZE(sizes)];
	int i;

#ifndef AK_HAVE_VMALLOC_NONBLOCK
	kunit_skip(test,
		   "vmalloc supports GFP_NOWAIT/GFP_ATOMIC only from Linux 6.19 (before, its kernel-doc: __GFP_DIRECT_RECLAIM is required)");
#endif
	alloc_kunit_might_sleep_ready();
	sleeps = alloc_kunit_console_count(ALLOC_LINE_MIGHT_SLEEP);
	spin_lock(&nonblock_lock);
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		p[i] = __vmalloc(sizes[i], *gfp | __GFP_ZERO | __GFP_NOWARN);
	spin_unlock(&nonblock_lock);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		KUNIT_EXPECT_NOT_NULL_MSG(test, p[i],
					  "__vmalloc(%zu) with a non-blocking gfp failed",
					  sizes[i]);
		if (!p[i])
			continue;
		KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(p[i]));
		KUNIT_EXPECT_EQ_MSG(test, alloc_kunit_first_diff(p[i], 0, sizes[i]), sizes[i],
				    "__vmalloc(%zu, __GFP_ZERO) is not zeroed", sizes[i]);
		vfree(p[i]);
	}
	ALLOC_EXPECT_NO_LINE(test, ALLOC_LINE_MIGHT_SLEEP, sleeps,
			     "a non-blocking __vmalloc under a spinlock might sleep");
}

struct rcu_vobj {
	struct rcu_head rcu;
	u8 data[3 * PAGE_SIZE];
};

/*
 * kvfree_rcu() and kvfree_rcu_mightsleep() of vmalloc memory free it
 * after a grace period: once kvfree_rcu_barrier() (6.12 on) returns, a
 * reference taken on every page of the area is the only one left.
 */
#define RCU_VOBJ_PAGES PFN_UP(sizeof(struct rcu_vobj))

#ifdef AK_HAVE_KVFREE_RCU_BARRIER
/* Is every page of both areas down to the test's own reference? */
static bool kvfree_rcu_pages_freed(struct page *pages[2][RCU_VOBJ_PAGES])
{
	int k, i;

	for (k = 0; k < 2; k++)
		for (i = 0; i < RCU_VOBJ_PAGES; i++)
			if (page_ref_count(pages[k][i]) != 1)
				return false;
	return true;
}
#endif

static void vmalloc_test_kvfree_rcu(struct kunit *test)
{
	struct page *pages[2][RCU_VOBJ_PAGES];
	struct rcu_vobj *p[2];
	unsigned long deadline;
	int k, i;

#ifndef AK_HAVE_KVFREE_RCU_BARRIER
	kunit_skip(test, "kvfree_rcu_barrier() exists from Linux 6.12 on");
#else
	for (k = 0; k < 2; k++) {
		p[k] = vmalloc(sizeof(*p[k]));
		KUNIT_ASSERT_NOT_NULL(test, p[k]);
		for (i = 0; i < ARRAY_SIZE(pages[k]); i++) {
			pages[k][i] = vmalloc_to_page((u8 *)p[k] + i * PAGE_SIZE);
			get_page(pages[k][i]);
		}
	}
	kvfree_rcu(p[0], rcu);
	kvfree_rcu_mightsleep(p[1]);
	kvfree_rcu_barrier();
	/*
	 * A callback that runs in softirq (Tiny RCU, or Tree RCU without
	 * rcu_nocbs) frees with vfree() there, which defers the free to a work
	 * item (vfree_atomic()): wait for it, at most a second.
	 */
	deadline = jiffies + HZ;
	while (!kvfree_rcu_pages_freed(pages) && time_before(jiffies, deadline))
		usleep_range(1000, 2000);
	for (k = 0; k < 2; k++)
		for (i = 0; i < ARRAY_SIZE(pages[k]); i++) {
			KUNIT_EXPECT_EQ_MSG(test, page_ref_count(pages[k][i]), 1,
					    "%s: page %d still has %d references after kvfree_rcu_barrier(), expected 1 (ours): not freed",
					    k ? "kvfree_rcu_mightsleep" : "kvfree_rcu", i,
					    page_ref_count(pages[k][i]));
			put_page(pages[k][i]);
		}
#endif
}

/* vmap() of one page maps it; vunmap(NULL) is a no-op. */
static void vmap_test_edges(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	u8 *p;

	KUNIT_ASSERT_NOT_NULL(test, page);
	alloc_kunit_defer_free_pages(test, page, 0);
	vunmap(NULL);
	p = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "vmap of 1 page failed");
	KUNIT_EXPECT_PTR_EQ(test, vmalloc_to_page(p + PAGE_SIZE - 1), page);
	KUNIT_EXPECT_EQ(test, vmalloc_to_pfn(p), page_to_pfn(page));
	p[PAGE_SIZE - 1] = 0x42;
	KUNIT_EXPECT_EQ_MSG(test, ((u8 *)page_address(page))[PAGE_SIZE - 1], 0x42,
			    "a write to the last byte of a 1-page vmap did not reach the page");
	vunmap(p);
}

static int alloc_vmalloc_suite_init(struct kunit_suite *suite)
{
	return alloc_kunit_console_start();
}

static void alloc_vmalloc_suite_exit(struct kunit_suite *suite)
{
	alloc_kunit_console_stop();
}

static struct kunit_case alloc_vmalloc_cases[] = {
	KUNIT_CASE_PARAM(vmalloc_test_sizes, vmalloc_gen_params),
	KUNIT_CASE_PARAM(vzalloc_test_zeroed, vmalloc_gen_params),
	KUNIT_CASE(vmalloc_test_edges),
	KUNIT_CASE(vmalloc_user_test_zeroed),
	KUNIT_CASE(vmap_test_same_bytes),
	KUNIT_CASE_PARAM(vmalloc_test_family, vfamily_gen_params),
	KUNIT_CASE(vmalloc_test_size_limits),
	KUNIT_CASE(vmalloc_test_zero_size),
	KUNIT_CASE_PARAM(vmalloc_test_nonblocking, nonblock_gen_params),
	KUNIT_CASE(vmalloc_test_kvfree_rcu),
	KUNIT_CASE(vmap_test_edges),
	{}
};

struct kunit_suite alloc_vmalloc_suite = {
	.name = "alloc_vmalloc",
	.suite_init = alloc_vmalloc_suite_init,
	.suite_exit = alloc_vmalloc_suite_exit,
	.init = alloc_kunit_console_init,
	.test_cases = alloc_vmalloc_cases,
};
