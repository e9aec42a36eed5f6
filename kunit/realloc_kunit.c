// SPDX-License-Identifier: GPL-2.0
/*
 * Contracts of reallocation: krealloc, vrealloc and kvrealloc.
 *
 * What their kernel-doc promises: the contents are preserved up to the
 * lesser of the old and new sizes; with __GFP_ZERO on every call, from
 * the first allocation on, __GFP_ZERO is honoured, so bytes that a grow
 * adds and bytes that a shrink gave up and a later grow took back read as
 * zero; realloc(NULL, n) allocates as kmalloc, vmalloc or kvmalloc do; a
 * size of 0 frees; a refused reallocation returns NULL and leaves the
 * object as it was.
 *
 * Each row is a walk of three sizes, from -> mid -> to, the first made by
 * realloc(NULL, from). The first allocation is filled with a pattern and
 * never written again until the walk ends, so after every step the bytes
 * below the smallest size so far must hold the pattern and, with
 * __GFP_ZERO, every byte from there up to the current size must be zero.
 * Before a step's bytes are read, every page of a vmalloc object is
 * checked to be mapped, so growing in place past the allocated pages
 * fails a check instead of faulting. Rows cover sizes within one page
 * and across page boundaries, every kmalloc class edge (class size - 1,
 * the size, + 1, slab- and page-backed), and kvrealloc's move from slab
 * to vmalloc.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "alloc_kunit.h"

#define DIRT		0xa5

/*
 * 6.12 added vrealloc() (a macro over vrealloc_noprof()) and changed
 * kvrealloc() to (p, size, gfp); older headers have neither.
 */
#ifdef vrealloc
#define HAVE_VREALLOC	1
#else
#define HAVE_VREALLOC	0
#endif
#define NO_VREALLOC	"kernel < 6.12: no vrealloc(), kvrealloc() takes (p, oldsize, newsize, gfp)"

/* A module calls vrealloc() through kvrealloc() (see call_vrealloc()). */
#ifdef MODULE
#define VREALLOC_VIA_KVREALLOC	1
#else
#define VREALLOC_VIA_KVREALLOC	0
#endif

/* Where a reallocated object may live. */
enum realloc_path { PATH_SLAB, PATH_VMALLOC, PATH_EITHER };

/* One reallocation API under test. */
struct realloc_ops {
	const char *name;
	void *(*realloc)(const void *p, size_t size, gfp_t gfp);
	void (*free)(const void *p);
	enum realloc_path path;
	bool needs_vrealloc;
};

static void *call_krealloc(const void *p, size_t size, gfp_t gfp)
{
	return krealloc(p, size, gfp);
}

#if HAVE_VREALLOC
/*
 * 6.12 does not export vrealloc(): a module reaches it as kvrealloc() of
 * a vmalloc address, which is vrealloc() itself (mm/util.c), and makes
 * the first allocation with __vmalloc(), what vrealloc(NULL, n) does.
 */
static void *call_vrealloc(const void *p, size_t size, gfp_t gfp)
{
#ifdef MODULE
	if (!p)
		return size ? __vmalloc(size, gfp) : NULL;
	return kvrealloc(p, size, gfp);
#else
	return vrealloc(p, size, gfp);
#endif
}

static void *call_kvrealloc(const void *p, size_t size, gfp_t gfp)
{
	return kvrealloc(p, size, gfp);
}
#else
static void *call_vrealloc(const void *p, size_t size, gfp_t gfp)
{
	return NULL;
}

static void *call_kvrealloc(const void *p, size_t size, gfp_t gfp)
{
	return NULL;
}
#endif

static const struct realloc_ops krealloc_ops = {
	.name = "krealloc", .realloc = call_krealloc, .free = kfree, .path = PATH_SLAB,
};

static const struct realloc_ops vrealloc_ops = {
	.name = "vrealloc", .realloc = call_vrealloc, .free = vfree, .path = PATH_VMALLOC,
	.needs_vrealloc = true,
};

static const struct realloc_ops kvrealloc_ops = {
	.name = "kvrealloc", .realloc = call_kvrealloc, .free = kvfree, .path = PATH_EITHER,
	.needs_vrealloc = true,
};

struct realloc_case {
	const char *name;
	size_t from, mid, to;
};

/*
 * Check that @p can hold @size bytes: ksize() for kmalloc memory, every
 * page mapped for vmalloc memory, and the allocator the API promises.
 */
static bool check_usable(struct kunit *test, const struct realloc_ops *ops,
			 const struct realloc_case *c, int step, const u8 *p, size_t size)
{
	bool vm = is_vmalloc_addr(p), want_vm = ops->path == PATH_VMALLOC;
	size_t off;

	if (ops->path != PATH_EITHER && vm != want_vm) {
		KUNIT_FAIL(test, "%s %s step %d (%zu bytes) = %p: is_vmalloc_addr %d, expected %d",
			   ops->name, c->name, step, size, p, vm, want_vm);
		return false;
	}
	if (!vm) {
		if (ksize(p) >= size)
			return true;
		KUNIT_FAIL(test, "%s %s step %d: ksize %zu < the %zu bytes asked for",
			   ops->name, c->name, step, ksize(p), size);
		return false;
	}
	for (off = 0; off < size; off += PAGE_SIZE) {
		if (!vmalloc_to_page(p + off)) {
			KUNIT_FAIL(test,
				   "%s %s step %d (%zu bytes): page %zu (byte %zu) is not mapped",
				   ops->name, c->name, step, size, off / PAGE_SIZE, off);
			return false;
		}
	}
	return true;
}

/*
 * Walk @c with @ops: realloc(NULL, from), fill, realloc to mid, then to
 * to, checking after each step the pattern below the smallest size so
 * far and, with @zero, that every byte above it is zero.
 */
static void realloc_walk(struct kunit *test, const struct realloc_ops *ops,
			 const struct realloc_case *c, bool zero)
{
	gfp_t gfp = GFP_KERNEL | (zero ? __GFP_ZERO : 0);
	size_t sizes[] = { c->from, c->mid, c->to };
	size_t low = c->from, at;
	u8 *p = NULL, *q;
	int step;

	if (ops->needs_vrealloc && !HAVE_VREALLOC)
		kunit_skip(test, NO_VREALLOC);
	for (step = 0; step < ARRAY_SIZE(sizes); step++) {
		size_t size = sizes[step];

		q = ops->realloc(p, size, gfp);
		if (!q) {
			KUNIT_FAIL(test, "%s %s step %d: %s(%p, %zu) failed", ops->name, c->name,
				   step, ops->name, p, size);
			break;
		}
		p = q;
		if (!check_usable(test, ops, c, step, p, size))
			break;
		if (!step) {
			alloc_kunit_fill_pattern(p, size);
			continue;
		}
		at = alloc_kunit_check_pattern(p, min(low, size));
		if (at != min(low, size)) {
			KUNIT_FAIL(test,
				   "%s %s step %d (%zu bytes): byte %zu is %#x, expected %#x (contents kept up to min(old, new))",
				   ops->name, c->name, step, size, at, p[at],
				   alloc_kunit_pattern_byte(at));
			break;
		}
		if (zero && size > low) {
			at = alloc_kunit_first_diff(p + low, 0, size - low);
			if (at != size - low) {
				KUNIT_FAIL(test,
					   "%s %s step %d (%zu bytes, __GFP_ZERO on every call): byte %zu is %#x, expected 0 (%s)",
					   ops->name, c->name, step, size, low + at, p[low + at],
					   low + at < c->from ?
					   "given up by a shrink, then grown back" : "grown");
				break;
			}
		}
		low = min(low, size);
	}
	/* The last size is usable end to end. */
	if (step == ARRAY_SIZE(sizes))
		memset(p, DIRT, c->to);
	ops->free(p);
}

static void realloc_case_desc(const struct realloc_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

/*
 * krealloc at every kmalloc class edge, from the shared edge table:
 * shrink to half and grow back (in place: the bucket still holds it), and
 * give up one byte and grow one past the start (across the class at a
 * class size). The walk is built from the size row in the case.
 */
static void krealloc_edge_walk(struct kunit *test, size_t mid, size_t to)
{
	const struct alloc_kunit_size_row *r = test->param_value;
	struct realloc_case c = { .name = r->name, .from = r->size, .mid = mid, .to = to };

	/*
	 * With slub_debug red zones, kzalloc zeroes only the requested bytes
	 * and 6.12's krealloc takes the whole bucket for its own (zeroing and
	 * copying the red zone): upstream fixed this after 6.12.
	 */
	if (r->size <= KMALLOC_MAX_CACHE_SIZE && r->size < kmalloc_size_roundup(r->size) &&
	    (IS_ENABLED(CONFIG_SLUB_DEBUG_ON) || alloc_kunit_kmalloc_redzoned(r->size)))
		kunit_skip(test, "6.12 krealloc writes the slub_debug red zone past %zu bytes",
			   r->size);
	realloc_walk(test, &krealloc_ops, &c, true);
}

/* Shrink to half, grow back to the start: the bytes given up read 0. */
static void krealloc_test_shrink_grow_zeroed(struct kunit *test)
{
	const struct alloc_kunit_size_row *r = test->param_value;

	krealloc_edge_walk(test, max_t(size_t, r->size / 2, 1), r->size);
}

/* Give up the last byte, then grow one byte past the start. */
static void krealloc_test_shrink_grow_past(struct kunit *test)
{
	const struct alloc_kunit_size_row *r = test->param_value;

	krealloc_edge_walk(test, max_t(size_t, r->size - 1, 1),
			   min_t(size_t, r->size + 1, KMALLOC_MAX_SIZE));
}

#define P	PAGE_SIZE

/* Within one page, across page boundaries, past the allocated pages. */
static const struct realloc_case vrealloc_cases[] = {
	{ "1->page-1->page", 1, P - 1, P },
	{ "page-1->1->page-1", P - 1, 1, P - 1 },
	{ "page->page+1->2pages", P, P + 1, 2 * P },
	{ "page+1->page->page+1", P + 1, P, P + 1 },
	{ "3pages->page+1->3pages", 3 * P, P + 1, 3 * P },
	{ "3pages+1->page-1->3pages+1", 3 * P + 1, P - 1, 3 * P + 1 },
	{ "2pages+1->1->4pages", 2 * P + 1, 1, 4 * P },
	{ "page+1->3pages->page", P + 1, 3 * P, P },
	{ "16pages->16pages-1->16pages", 16 * P, 16 * P - 1, 16 * P },
	{ "1->1->1", 1, 1, 1 },
	{ "kmalloc_max+1->page->kmalloc_max+1", KMALLOC_MAX_SIZE + 1, P, KMALLOC_MAX_SIZE + 1 },
};

KUNIT_ARRAY_PARAM(vrealloc, vrealloc_cases, realloc_case_desc);

/*
 * Slab, page-backed and vmalloc objects, and kvrealloc's moves between
 * them: a grow past KMALLOC_MAX_SIZE moves a kmalloc object to vmalloc; a
 * vmalloc object stays vmalloc when it shrinks (6.12 shrinks in place).
 */
static const struct realloc_case kvrealloc_cases[] = {
	{ "100->50->100", 100, 50, 100 },
	{ "8->4096->1", 8, 4096, 1 },
	{ "page->cache_max+1->page", P, KMALLOC_MAX_CACHE_SIZE + 1, P },
	{ "64KiB->100->64KiB", SZ_64K, 100, SZ_64K },
	{ "3000->kmalloc_max+page->3000", 3000, KMALLOC_MAX_SIZE + P, 3000 },
	{ "1->kmalloc_max+1->page+1", 1, KMALLOC_MAX_SIZE + 1, P + 1 },
	{ "cache_max+1->kmalloc_max+1->cache_max", KMALLOC_MAX_CACHE_SIZE + 1,
	  KMALLOC_MAX_SIZE + 1, KMALLOC_MAX_CACHE_SIZE },
	{ "kmalloc_max+1->2pages->kmalloc_max+1", KMALLOC_MAX_SIZE + 1, 2 * P,
	  KMALLOC_MAX_SIZE + 1 },
	{ "kmalloc_max+1->page-1->8MiB", KMALLOC_MAX_SIZE + 1, P - 1, SZ_8M },
};

KUNIT_ARRAY_PARAM(kvrealloc, kvrealloc_cases, realloc_case_desc);

/* vrealloc keeps min(old, new) bytes (no __GFP_ZERO). */
static void vrealloc_test_keeps_min(struct kunit *test)
{
	realloc_walk(test, &vrealloc_ops, test->param_value, false);
}

/* With __GFP_ZERO on every call, bytes grown or given up and regained are 0. */
static void vrealloc_test_shrink_grow_zeroed(struct kunit *test)
{
	realloc_walk(test, &vrealloc_ops, test->param_value, true);
}

static void kvrealloc_test_keeps_min(struct kunit *test)
{
	realloc_walk(test, &kvrealloc_ops, test->param_value, false);
}

static void kvrealloc_test_shrink_grow_zeroed(struct kunit *test)
{
	const struct realloc_case *c = test->param_value;

	/*
	 * A kmalloc object below its bucket size, in a cache with slub_debug
	 * red zones: 6.12's kvrealloc copies ksize() bytes into the new
	 * object, the red zone past the request included (mm/util.c).
	 */
	if (c->from <= KMALLOC_MAX_CACHE_SIZE && c->from < kmalloc_size_roundup(c->from) &&
	    c->mid > c->from &&
	    (IS_ENABLED(CONFIG_SLUB_DEBUG_ON) || alloc_kunit_kmalloc_redzoned(c->from)))
		kunit_skip(test, "6.12 kvrealloc copies ksize() bytes, red zone past %zu included",
			   c->from);
	realloc_walk(test, &kvrealloc_ops, c, true);
}

/*
 * A reallocation that must be refused (@size) returns NULL, prints
 * nothing with __GFP_NOWARN, and leaves @p (filled with @len bytes of
 * pattern) as it was; @p is freed here.
 */
static void check_refused(struct kunit *test, const struct realloc_ops *ops, u8 *p,
			  size_t len, size_t size, const char *what)
{
	unsigned int warnings = alloc_kunit_console_count(ALLOC_LINE_WARNING);
	u8 *q;
	size_t at;

	alloc_kunit_fill_pattern(p, len);
	q = ops->realloc(p, size, GFP_KERNEL | __GFP_NOWARN);
	KUNIT_EXPECT_NULL_MSG(test, q, "%s(p, %s = %zu) = %p, expected NULL", ops->name, what,
			      size, q);
	if (q) {
		ops->free(q);
		return;
	}
	at = alloc_kunit_check_pattern(p, len);
	KUNIT_EXPECT_EQ_MSG(test, at, len, "refused %s(p, %s) changed byte %zu of the original",
			    ops->name, what, at);
	ALLOC_EXPECT_NO_LINE(test, ALLOC_LINE_WARNING, warnings,
			     "refused %s(p, %s, __GFP_NOWARN) printed a warning", ops->name, what);
	ops->free(p);
}

/* More than all of RAM: vmalloc refuses it before trying. */
static size_t beyond_ram(void)
{
	return (totalram_pages() + 1) << PAGE_SHIFT;
}

/* vrealloc(NULL, n) is vmalloc(n); vrealloc(NULL, 0) is NULL. */
static void vrealloc_test_null(struct kunit *test)
{
	u8 *p, *q;

	ALLOC_TEST_REQUIRES(test, HAVE_VREALLOC);
	if (VREALLOC_VIA_KVREALLOC)
		kunit_skip(test,
			   "6.12 does not export vrealloc(): a module cannot call vrealloc(NULL, n)");
	p = call_vrealloc(NULL, 100, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "vrealloc(NULL, 100) failed: expected vmalloc(100)");
	KUNIT_EXPECT_TRUE_MSG(test, is_vmalloc_addr(p) && PAGE_ALIGNED(p),
			      "vrealloc(NULL, 100) = %p: expected a page-aligned vmalloc address",
			      p);
	vfree(p);
	q = call_vrealloc(NULL, 0, GFP_KERNEL);
	KUNIT_EXPECT_NULL_MSG(test, q, "vrealloc(NULL, 0) = %p, expected NULL", q);
}

/* vrealloc(p, 0) frees p and returns NULL; a refused size keeps p. */
static void vrealloc_test_edges(struct kunit *test)
{
	u8 *p, *q;

	ALLOC_TEST_REQUIRES(test, HAVE_VREALLOC);
	p = vmalloc(100);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, DIRT, 100);
	q = call_vrealloc(p, 0, GFP_KERNEL);
	KUNIT_EXPECT_NULL_MSG(test, q, "vrealloc(p, 0) = %p, expected NULL (and p freed)", q);

	p = vmalloc(3 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, p);
	check_refused(test, &vrealloc_ops, p, 3 * PAGE_SIZE, beyond_ram(), "more than RAM");
}

/*
 * kvrealloc(NULL, n) is kvmalloc(n): kmalloc for small sizes, vmalloc
 * past KMALLOC_MAX_SIZE; size 0 frees on both paths; refused sizes
 * (above INT_MAX for a kmalloc object, more than RAM for a vmalloc one)
 * keep the original.
 */
static void kvrealloc_test_edges(struct kunit *test)
{
	u8 *p, *q;

	ALLOC_TEST_REQUIRES(test, HAVE_VREALLOC);
	p = call_kvrealloc(NULL, 100, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "kvrealloc(NULL, 100) failed");
	KUNIT_EXPECT_FALSE_MSG(test, is_vmalloc_addr(p),
			       "kvrealloc(NULL, 100) = %p: expected kmalloc memory, as kvmalloc",
			       p);
	q = call_kvrealloc(p, 0, GFP_KERNEL);
	KUNIT_EXPECT_TRUE_MSG(test, ZERO_OR_NULL_PTR(q),
			      "kvrealloc(kmalloc'ed p, 0) = %p, expected p freed", q);

	p = call_kvrealloc(NULL, KMALLOC_MAX_SIZE + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "kvrealloc(NULL, KMALLOC_MAX_SIZE + 1) failed");
	KUNIT_EXPECT_TRUE_MSG(test, is_vmalloc_addr(p),
			      "kvrealloc(NULL, KMALLOC_MAX_SIZE + 1) = %p: expected vmalloc, as kvmalloc",
			      p);
	q = call_kvrealloc(p, 0, GFP_KERNEL);
	KUNIT_EXPECT_TRUE_MSG(test, ZERO_OR_NULL_PTR(q),
			      "kvrealloc(vmalloc'ed p, 0) = %p, expected p freed", q);

	p = kvmalloc(100, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	check_refused(test, &kvrealloc_ops, p, 100, (size_t)INT_MAX + 1, "INT_MAX + 1");
	p = kvmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	check_refused(test, &kvrealloc_ops, p, 100, beyond_ram(), "more than RAM");
}

static struct kunit_case alloc_realloc_cases[] = {
	KUNIT_CASE_PARAM(krealloc_test_shrink_grow_zeroed, alloc_kunit_kmalloc_edges_gen_params),
	KUNIT_CASE_PARAM(krealloc_test_shrink_grow_past, alloc_kunit_kmalloc_edges_gen_params),
	KUNIT_CASE_PARAM(vrealloc_test_keeps_min, vrealloc_gen_params),
	KUNIT_CASE_PARAM(vrealloc_test_shrink_grow_zeroed, vrealloc_gen_params),
	KUNIT_CASE(vrealloc_test_null),
	KUNIT_CASE(vrealloc_test_edges),
	KUNIT_CASE_PARAM(kvrealloc_test_keeps_min, kvrealloc_gen_params),
	KUNIT_CASE_PARAM(kvrealloc_test_shrink_grow_zeroed, kvrealloc_gen_params),
	KUNIT_CASE(kvrealloc_test_edges),
	{}
};

static int alloc_realloc_suite_init(struct kunit_suite *suite)
{
	return alloc_kunit_console_start();
}

static void alloc_realloc_suite_exit(struct kunit_suite *suite)
{
	alloc_kunit_console_stop();
}

struct kunit_suite alloc_realloc_suite = {
	.name = "alloc_realloc",
	.suite_init = alloc_realloc_suite_init,
	.suite_exit = alloc_realloc_suite_exit,
	.init = alloc_kunit_console_init,
	.test_cases = alloc_realloc_cases,
};
