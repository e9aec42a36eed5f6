// SPDX-License-Identifier: GPL-2.0
/*
 * Contracts of the kmalloc family: kmalloc, kzalloc, kcalloc,
 * kmalloc_array, kmemdup, kstrdup, kstrndup, krealloc and the kvmalloc
 * variants, and the promises their kernel-doc makes at the edges (class
 * boundaries, 0, KMALLOC_MAX_SIZE, sizes that overflow when rounded,
 * ksize, kmalloc_size_roundup, kfree_sensitive). Reallocation walks are
 * in realloc_kunit.c.
 *
 * Each size class is a row of a table (slab classes, class edges, and
 * page-backed sizes up to KMALLOC_MAX_SIZE). Zeroing is checked on memory
 * of the same size that was just dirtied and freed, so that a missing
 * memset cannot hide behind fresh pages; it is checked whether or not the
 * kernel runs with init_on_alloc, and the init_on_alloc promise itself is
 * checked when it is on. Every object is freed through a deferred action,
 * so nothing leaks when an assertion ends a case early.
 */
#include <kunit/test.h>
#include <linux/align.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/vmalloc.h>
#include <trace/events/kmem.h>

#include "alloc_kunit.h"

/* Rounds of dirty, free, allocate per size: enough to recycle the dirt. */
#define KZALLOC_ROUNDS	8
#define DIRT		0xa5

struct kmalloc_size_case {
	const char *name;
	size_t size;
};

/* Slab classes, class edges and page-backed sizes up to KMALLOC_MAX_SIZE. */
static const struct kmalloc_size_case kmalloc_size_cases[] = {
	{ "1", 1 },
	{ "8", 8 },
	{ "16", 16 },
	{ "32", 32 },
	{ "64", 64 },
	{ "96", 96 },
	{ "128", 128 },
	{ "192", 192 },
	{ "256", 256 },
	{ "512", 512 },
	{ "1000", 1000 },
	{ "1024", 1024 },
	{ "2048", 2048 },
	{ "4096", 4096 },
	{ "cache_max", KMALLOC_MAX_CACHE_SIZE },
	{ "cache_max+1", KMALLOC_MAX_CACHE_SIZE + 1 },
	{ "64KiB", 64 * 1024 },
	{ "1MiB+1", SZ_1M + 1 },
	{ "max", KMALLOC_MAX_SIZE },
};

static void kmalloc_size_desc(const struct kmalloc_size_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kmalloc_size, kmalloc_size_cases, kmalloc_size_desc);

/* The allocation under test of a zeroing case. */
typedef void *(*zalloc_fn)(size_t size, gfp_t gfp);

static void *call_kmalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp);
}

static void *call_kzalloc(size_t size, gfp_t gfp)
{
	return kzalloc(size, gfp);
}

/*
 * Allocate @size bytes with @alloc(@size, @gfp) after dirtying and
 * freeing an object of the same size, and check every requested byte is
 * zero, KZALLOC_ROUNDS times; @what names the call in messages.
 */
static void check_zeroed_after_dirt(struct kunit *test, size_t size, zalloc_fn alloc,
				    gfp_t gfp, const char *what)
{
	int round;

	for (round = 0; round < KZALLOC_ROUNDS; round++) {
		u8 *dirty, *p;
		size_t at;

		dirty = kmalloc(size, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL_MSG(test, dirty, "kmalloc(%zu) failed", size);
		memset(dirty, DIRT, size);
		kfree(dirty);

		p = alloc(size, gfp);
		KUNIT_ASSERT_NOT_NULL_MSG(test, p, "%s(%zu) failed", what, size);
		at = alloc_kunit_first_diff(p, 0, size);
		KUNIT_EXPECT_EQ_MSG(test, at, size,
				    "%s(%zu) round %d: byte %zu is %#x, expected 0",
				    what, size, round, at, alloc_kunit_byte(p, at, size));
		kfree(p);
		if (at != size)
			return;
	}
}

/* kzalloc() itself: the inline that adds __GFP_ZERO is what is tested. */
static void kzalloc_test_zeroed(struct kunit *test)
{
	const struct kmalloc_size_case *c = test->param_value;

	check_zeroed_after_dirt(test, c->size, call_kzalloc, GFP_KERNEL, "kzalloc");
}

/* kmalloc(GFP_KERNEL | __GFP_ZERO) spelled out, as drivers do. */
static void kmalloc_test_gfp_zero(struct kunit *test)
{
	const struct kmalloc_size_case *c = test->param_value;

	check_zeroed_after_dirt(test, c->size, call_kmalloc, GFP_KERNEL | __GFP_ZERO,
				"kmalloc(__GFP_ZERO)");
}

/*
 * With init_on_alloc (a boot choice: init_on_alloc=1 or
 * CONFIG_INIT_ON_ALLOC_DEFAULT_ON), even a plain kmalloc() without
 * __GFP_ZERO is zeroed, at every size, slab-backed and page-backed. The
 * kunit tier runs a second time in a boot with init_on_alloc=1, where
 * this case is the one that checks it; every other boot skips it.
 */
static void kmalloc_test_init_on_alloc(struct kunit *test)
{
	int i;

	if (!want_init_on_alloc(GFP_KERNEL))
		kunit_skip(test, "boot has init_on_alloc=0");
	for (i = 0; i < ARRAY_SIZE(kmalloc_size_cases) && test->status == KUNIT_SUCCESS; i++)
		check_zeroed_after_dirt(test, kmalloc_size_cases[i].size, call_kmalloc, GFP_KERNEL,
					"kmalloc(GFP_KERNEL) with init_on_alloc=1");
}

/*
 * Size, alignment and placement promises of one size class. Writing the
 * whole ksize() is only allowed when the caller asked for
 * kmalloc_size_roundup() bytes (ksize() itself no longer widens the
 * object for KASAN in 6.12), so that is what this case allocates second.
 */
static void kmalloc_test_size_class(struct kunit *test)
{
	const struct kmalloc_size_case *c = test->param_value;
	size_t size = c->size, ks, round, align, i;
	u8 *p, *q;

	p = kmalloc(size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "kmalloc(%zu) failed", size);
	alloc_kunit_defer_kfree(test, p);
	ks = ksize(p);
	KUNIT_EXPECT_GE_MSG(test, ks, size, "ksize(kmalloc(%zu)) is %zu, expected >= the size",
			    size, ks);

	/* ARCH_KMALLOC_MINALIGN always; a power of two is aligned to itself. */
	align = is_power_of_2(size) ? max_t(size_t, size, ARCH_KMALLOC_MINALIGN) :
		ARCH_KMALLOC_MINALIGN;
	KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED((unsigned long)p, align),
			      "kmalloc(%zu): address %% %zu = %lu, expected 0 (alignment)", size,
			      align, (unsigned long)p & (align - 1));

	KUNIT_EXPECT_TRUE_MSG(test, virt_addr_valid(p),
			      "kmalloc(%zu) = %p is not in the linear map", size, p);
	KUNIT_EXPECT_FALSE_MSG(test, is_vmalloc_addr(p),
			       "kmalloc(%zu) = %p is a vmalloc address", size, p);
	/*
	 * Physically contiguous: each page follows the previous one (__pa,
	 * as UML has no virt_to_phys()).
	 */
	for (i = PAGE_SIZE - offset_in_page(p); i < size; i += PAGE_SIZE) {
		unsigned long want = __pa(p) + i, got = __pa(p + i);

		if (got != want) {
			KUNIT_FAIL(test,
				   "kmalloc(%zu): byte %zu at phys %#lx, expected %#lx (not contiguous)",
				   size, i, got, want);
			break;
		}
	}

	round = kmalloc_size_roundup(size);
	q = kmalloc(round, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL_MSG(test, q, "kmalloc(%zu) failed", round);
	alloc_kunit_defer_kfree(test, q);
	ks = ksize(q);
	KUNIT_EXPECT_EQ_MSG(test, ks, round,
			    "ksize(kmalloc(kmalloc_size_roundup(%zu) = %zu)) is %zu, expected equal",
			    size, round, ks);
	memset(q, DIRT, ks);
	i = alloc_kunit_first_diff(q, DIRT, ks);
	KUNIT_EXPECT_EQ_MSG(test, i, ks, "kmalloc(%zu): byte %zu of ksize %zu did not keep %#x",
			    round, i, ks, DIRT);
}

/* The edges: 0 bytes, NULL and ZERO_SIZE_PTR frees, one byte too many. */
static void kmalloc_test_edges(struct kunit *test)
{
	void *p;

	p = kmalloc(0, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ_MSG(test, p, ZERO_SIZE_PTR, "kmalloc(0) = %p, expected ZERO_SIZE_PTR",
				p);
	if (!ZERO_OR_NULL_PTR(p))
		kfree(p);
	/* No-ops: a crash or a report here fails the run. */
	kfree(NULL);
	kfree(ZERO_SIZE_PTR);

	/* __GFP_NOWARN: the order-limit WARN_ON_ONCE must not fire here. */
	alloc_kunit_rearm_warn_once();
	p = kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL | __GFP_NOWARN);
	KUNIT_EXPECT_NULL_MSG(test, p, "kmalloc(KMALLOC_MAX_SIZE + 1 = %lu) = %p, expected NULL",
			      KMALLOC_MAX_SIZE + 1, p);
	kfree(p);
	ALLOC_EXPECT_NO_LINE(test, ALLOC_LINE_WARNING, 0,
			     "kmalloc(KMALLOC_MAX_SIZE + 1, __GFP_NOWARN) printed a warning");
}

static void kcalloc_test_zeroed(struct kunit *test)
{
	const struct kmalloc_size_case *c = test->param_value;
	size_t n = 3, size = DIV_ROUND_UP(c->size, 3), at;
	u8 *dirty, *p;

	if (n * size > KMALLOC_MAX_SIZE)
		size = KMALLOC_MAX_SIZE / n;
	dirty = kmalloc_array(n, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL_MSG(test, dirty, "kmalloc_array(%zu, %zu) failed", n, size);
	memset(dirty, DIRT, n * size);
	kfree(dirty);
	p = kcalloc(n, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "kcalloc(%zu, %zu) failed", n, size);
	alloc_kunit_defer_kfree(test, p);
	at = alloc_kunit_first_diff(p, 0, n * size);
	KUNIT_EXPECT_EQ_MSG(test, at, n * size, "kcalloc(%zu, %zu): byte %zu is %#x, expected 0",
			    n, size, at, alloc_kunit_byte(p, at, n * size));
}

struct overflow_case {
	const char *name;
	size_t n, size;
};

/* n * size wraps around SIZE_MAX (or exceeds it by one byte). */
static const struct overflow_case overflow_cases[] = {
	{ "2x(SIZE_MAX/2+1)", 2, SIZE_MAX / 2 + 1 },
	{ "(SIZE_MAX/8+1)x8", SIZE_MAX / 8 + 1, 8 },
	{ "SIZE_MAXxSIZE_MAX", SIZE_MAX, SIZE_MAX },
	{ "65536x(2^48)", 65536, (size_t)1 << 48 },
};

static void overflow_desc(const struct overflow_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(overflow, overflow_cases, overflow_desc);

/* krealloc_array refuses an overflowing n * size and keeps the original. */
static void krealloc_array_test_overflow(struct kunit *test, const struct overflow_case *c)
{
	u8 *p, *q;
	size_t at;

	p = kmalloc(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	alloc_kunit_defer_kfree(test, p);
	memset(p, DIRT, 64);
	q = krealloc_array(p, c->n, c->size, GFP_KERNEL);
	KUNIT_EXPECT_NULL_MSG(test, q, "krealloc_array(p, %zu, %zu) = %p, expected NULL (overflow)",
			      c->n, c->size, q);
	if (q && q != p) {
		kunit_remove_action(test, alloc_kunit_kfree_action, p);
		alloc_kunit_defer_kfree(test, q);
		return;
	}
	at = alloc_kunit_first_diff(p, DIRT, 64);
	KUNIT_EXPECT_EQ_MSG(test, at, 64, "refused krealloc_array changed byte %zu of the original",
			    at);
}

/* Array allocators refuse an n * size that overflows, silently. */
static void kmalloc_array_test_overflow(struct kunit *test)
{
	const struct overflow_case *c = test->param_value;
	gfp_t gfp = GFP_KERNEL;
	void *p;

	p = kmalloc_array(c->n, c->size, gfp);
	KUNIT_EXPECT_NULL_MSG(test, p, "kmalloc_array(%zu, %zu) = %p, expected NULL (overflow)",
			      c->n, c->size, p);
	kfree(p);
	p = kcalloc(c->n, c->size, gfp);
	KUNIT_EXPECT_NULL_MSG(test, p, "kcalloc(%zu, %zu) = %p, expected NULL (overflow)",
			      c->n, c->size, p);
	kfree(p);
	p = kvmalloc_array(c->n, c->size, gfp);
	KUNIT_EXPECT_NULL_MSG(test, p, "kvmalloc_array(%zu, %zu) = %p, expected NULL (overflow)",
			      c->n, c->size, p);
	kvfree(p);
	p = kvcalloc(c->n, c->size, gfp);
	KUNIT_EXPECT_NULL_MSG(test, p, "kvcalloc(%zu, %zu) = %p, expected NULL (overflow)",
			      c->n, c->size, p);
	kvfree(p);
#ifdef kmemdup
	/*
	 * kmemdup_array (6.9; kmemdup is a macro from 6.10 on) saturates
	 * n * size: a size kmalloc refuses.
	 */
	p = kmemdup_array(overflow_cases, c->n, c->size, gfp | __GFP_NOWARN);
	KUNIT_EXPECT_NULL_MSG(test, p, "kmemdup_array(%zu, %zu) = %p, expected NULL (overflow)",
			      c->n, c->size, p);
	kfree(p);
#endif
	krealloc_array_test_overflow(test, c);
}

/* kmemdup, kstrdup and kstrndup copy exactly what they are given. */
static void kmemdup_test_exact_copy(struct kunit *test)
{
	static const char text[] = "allocsuite kstrdup";
	u8 src[300];
	char *s;
	u8 *p;
	size_t i;

	for (i = 0; i < sizeof(src); i++)
		src[i] = i * 7 + 1;
	p = kmemdup(src, sizeof(src), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	alloc_kunit_defer_kfree(test, p);
	KUNIT_EXPECT_PTR_NE(test, (void *)p, (void *)src);
	KUNIT_EXPECT_MEMEQ_MSG(test, p, src, sizeof(src), "kmemdup(%zu bytes) copy differs",
			       sizeof(src));

	s = kstrdup(text, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	alloc_kunit_defer_kfree(test, s);
	KUNIT_EXPECT_STREQ_MSG(test, s, text, "kstrdup copy differs");
	KUNIT_EXPECT_NULL_MSG(test, kstrdup(NULL, GFP_KERNEL), "kstrdup(NULL) must be NULL");

	s = kstrndup(text, 10, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	alloc_kunit_defer_kfree(test, s);
	KUNIT_EXPECT_STREQ_MSG(test, s, "allocsuite", "kstrndup(\"%s\", 10) copy differs", text);

	s = kstrndup(text, 1000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	alloc_kunit_defer_kfree(test, s);
	KUNIT_EXPECT_STREQ_MSG(test, s, text, "kstrndup(\"%s\", 1000) copy differs", text);
}

struct krealloc_case {
	const char *name;
	size_t from, to;
};

/* Within a class, across classes, into and out of page-backed sizes. */
static const struct krealloc_case krealloc_cases[] = {
	{ "8->8", 8, 8 },
	{ "8->16", 8, 16 },
	{ "100->120", 100, 120 },
	{ "100->5000", 100, 5000 },
	{ "5000->100", 5000, 100 },
	{ "4096->cache_max+1", 4096, KMALLOC_MAX_CACHE_SIZE + 1 },
	{ "cache_max+1->64KiB", KMALLOC_MAX_CACHE_SIZE + 1, SZ_64K },
	{ "64KiB->300", SZ_64K, 300 },
	{ "1->max", 1, KMALLOC_MAX_SIZE },
};

static void krealloc_desc(const struct krealloc_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(krealloc, krealloc_cases, krealloc_desc);

/* The rows of krealloc_cases that grow the object. */
static const void *krealloc_grow_gen_params(const void *prev, char *desc)
{
	const struct krealloc_case *c = prev;

	do {
		c = krealloc_gen_params(c, desc);
	} while (c && c->to <= c->from);
	return c;
}

/* The byte the pattern puts at offset @i. */
static u8 pattern_byte(size_t i)
{
	return (i * 31 + 7) & 0xff;
}

/* Fill @p with the pattern; return the first offset < @len that differs. */
static void fill_pattern(u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = pattern_byte(i);
}

static size_t check_pattern(const u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != pattern_byte(i))
			return i;
	return len;
}

/* krealloc keeps min(old, new) bytes. */
static void krealloc_test_keeps_contents(struct kunit *test)
{
	const struct krealloc_case *c = test->param_value;
	size_t keep = min(c->from, c->to), at;
	u8 *p, *q;

	p = kmalloc(c->from, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	fill_pattern(p, c->from);
	q = krealloc(p, c->to, GFP_KERNEL);
	if (!q)
		kfree(p);
	KUNIT_ASSERT_NOT_NULL_MSG(test, q, "krealloc(%zu -> %zu) failed", c->from, c->to);
	alloc_kunit_defer_kfree(test, q);
	KUNIT_EXPECT_GE_MSG(test, ksize(q), c->to, "krealloc(%zu -> %zu): ksize %zu too small",
			    c->from, c->to, ksize(q));
	at = check_pattern(q, keep);
	KUNIT_EXPECT_EQ_MSG(test, at, keep,
			    "krealloc(%zu -> %zu): byte %zu is %#x, expected %#x (keeps min(old, new))",
			    c->from, c->to, at, alloc_kunit_byte(q, at, keep), pattern_byte(at));
	/* The new size is usable end to end. */
	memset(q, DIRT, c->to);
}

/*
 * krealloc with __GFP_ZERO zeroes the grown part, when every allocation
 * of the object used __GFP_ZERO (the only case the kernel promises).
 */
static void krealloc_test_gfp_zero_grows_zeroed(struct kunit *test)
{
	const struct krealloc_case *c = test->param_value;
	size_t at;
	u8 *p, *q;

	/*
	 * With slub_debug red zones and user tracking (CONFIG_SLUB_DEBUG_ON,
	 * or a boot with slub_debug=ZU, such as the kunit tier's slub_debug
	 * boot), a kmalloc cache fills the bytes between the requested size
	 * and ksize with the red zone (init_object(), slub_debug_orig_size()),
	 * kzalloc zeroes only the requested bytes, and 6.12's krealloc, which
	 * works from ksize(), keeps or copies that red zone into the grown
	 * part (worked on upstream after 6.12).
	 */
	if (c->from <= KMALLOC_MAX_CACHE_SIZE && c->from < kmalloc_size_roundup(c->from) &&
	    (IS_ENABLED(CONFIG_SLUB_DEBUG_ON) || alloc_kunit_kmalloc_redzoned(c->from)))
		kunit_skip(test,
			   "slub_debug red-zones kmalloc-%zu past %zu bytes and 6.12 krealloc copies that red zone",
			   kmalloc_size_roundup(c->from), c->from);
	p = kzalloc(c->from, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	fill_pattern(p, c->from);
	q = krealloc(p, c->to, GFP_KERNEL | __GFP_ZERO);
	if (!q)
		kfree(p);
	KUNIT_ASSERT_NOT_NULL_MSG(test, q, "krealloc(%zu -> %zu) failed", c->from, c->to);
	alloc_kunit_defer_kfree(test, q);
	at = check_pattern(q, c->from);
	KUNIT_EXPECT_EQ_MSG(test, at, c->from,
			    "krealloc(%zu -> %zu, __GFP_ZERO): kept byte %zu differs",
			    c->from, c->to, at);
	at = alloc_kunit_first_diff(q + c->from, 0, c->to - c->from);
	KUNIT_EXPECT_EQ_MSG(test, at, c->to - c->from,
			    "krealloc(%zu -> %zu, __GFP_ZERO): grown byte %zu is %#x, expected 0",
			    c->from, c->to, c->from + at,
			    alloc_kunit_byte(q + c->from, at, c->to - c->from));
}

/* krealloc(NULL, n) allocates, krealloc(p, 0) frees, and failure keeps p. */
static void krealloc_test_edges(struct kunit *test)
{
	u8 *p, *q;
	size_t at;

	p = krealloc(NULL, 100, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "krealloc(NULL, 100) failed: expected kmalloc(100)");
	KUNIT_EXPECT_GE(test, ksize(p), 100);
	q = krealloc(p, 0, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ_MSG(test, (void *)q, ZERO_SIZE_PTR,
				"krealloc(p, 0) = %p, expected ZERO_SIZE_PTR (and p freed)", q);

	/* A request the allocator must refuse: NULL, and p still valid. */
	p = kmalloc(100, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	alloc_kunit_defer_kfree(test, p);
	fill_pattern(p, 100);
	q = krealloc(p, KMALLOC_MAX_SIZE + 1, GFP_KERNEL | __GFP_NOWARN);
	KUNIT_EXPECT_NULL_MSG(test, q, "krealloc(p, KMALLOC_MAX_SIZE + 1) = %p, expected NULL", q);
	if (q && q != p) {
		kunit_remove_action(test, alloc_kunit_kfree_action, p);
		alloc_kunit_defer_kfree(test, q);
		return;
	}
	at = check_pattern(p, 100);
	KUNIT_EXPECT_EQ_MSG(test, at, 100, "failed krealloc changed byte %zu of the original", at);
}

/*
 * kmalloc_size_roundup(n) is "the number of bytes that would be available
 * in a kmalloc() allocation of n bytes": the bucket, at every class edge,
 * slab- and page-backed. ksize() of that allocation lies between n and
 * the bucket (KFENCE objects report the requested size), and the address
 * is aligned as kmalloc()'s kernel-doc promises: ARCH_KMALLOC_MINALIGN,
 * and the largest power-of-two divisor of n.
 */
static void kmalloc_test_class_edges(struct kunit *test)
{
	const struct alloc_kunit_size_row *r = test->param_value;
	size_t size = r->size, bucket = alloc_kunit_kmalloc_bucket(size);
	size_t round = kmalloc_size_roundup(size), align, ks;
	void *p;

	KUNIT_EXPECT_EQ_MSG(test, round, bucket,
			    "kmalloc_size_roundup(%zu) = %zu, expected the bucket %zu", size,
			    round, bucket);
	p = kmalloc(size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "kmalloc(%zu) failed", size);
	alloc_kunit_defer_kfree(test, p);
	ks = ksize(p);
	KUNIT_EXPECT_TRUE_MSG(test, ks >= size && ks <= bucket,
			      "ksize(kmalloc(%zu)) = %zu, expected %zu..%zu (the bucket)", size, ks,
			      size, bucket);
	align = max_t(size_t, size & -size, ARCH_KMALLOC_MINALIGN);
	KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED((unsigned long)p, align),
			      "kmalloc(%zu) = %p: address %% %zu = %lu, expected 0 (largest power-of-two divisor)",
			      size, p, align, (unsigned long)p & (align - 1));
}

/* kmalloc_size_roundup() never rounds down, also where rounding overflows. */
static void check_roundup_not_down(struct kunit *test, size_t size, const char *what)
{
	size_t round = kmalloc_size_roundup(size);

	KUNIT_EXPECT_GE_MSG(test, round, size,
			    "kmalloc_size_roundup(%s = %zu) = %zu: rounded down (wrapped)", what,
			    size, round);
}

static void doc_roundup_zero(struct kunit *test)
{
	KUNIT_EXPECT_EQ_MSG(test, kmalloc_size_roundup(0), 0,
			    "kmalloc_size_roundup(0): kmalloc(0) has 0 bytes available");
}

/* The kernel-doc's own example: "a 126 byte request would be rounded up ... 128 bytes". */
static void doc_roundup_126(struct kunit *test)
{
	KUNIT_EXPECT_EQ_MSG(test, kmalloc_size_roundup(126), 128, "kmalloc_size_roundup(126)");
}

static void doc_roundup_max(struct kunit *test)
{
	KUNIT_EXPECT_EQ_MSG(test, kmalloc_size_roundup(KMALLOC_MAX_SIZE), KMALLOC_MAX_SIZE,
			    "kmalloc_size_roundup(KMALLOC_MAX_SIZE)");
	check_roundup_not_down(test, KMALLOC_MAX_SIZE + 1, "KMALLOC_MAX_SIZE + 1");
}

static void doc_roundup_overflow(struct kunit *test)
{
	check_roundup_not_down(test, SIZE_MAX, "SIZE_MAX");
	check_roundup_not_down(test, SIZE_MAX - PAGE_SIZE + 2, "SIZE_MAX - PAGE_SIZE + 2");
	check_roundup_not_down(test, SIZE_MAX / 2 + 1, "SIZE_MAX / 2 + 1");
}

static void doc_ksize_null(struct kunit *test)
{
	void *zero = kmalloc(0, GFP_KERNEL);

	KUNIT_EXPECT_EQ_MSG(test, ksize(NULL), 0, "ksize(NULL)");
	KUNIT_EXPECT_EQ_MSG(test, ksize(ZERO_SIZE_PTR), 0, "ksize(ZERO_SIZE_PTR)");
	KUNIT_EXPECT_EQ_MSG(test, ksize(zero), 0, "ksize(kmalloc(0) = %p)", zero);
	kfree(zero);
}

/* krealloc(NULL, n) is exactly kmalloc(n), n = 0 included. */
static void doc_krealloc_null(struct kunit *test)
{
	void *p = krealloc(NULL, 0, GFP_KERNEL);

	KUNIT_EXPECT_PTR_EQ_MSG(test, p, ZERO_SIZE_PTR,
				"krealloc(NULL, 0) = %p, expected kmalloc(0) = ZERO_SIZE_PTR", p);
	if (!ZERO_OR_NULL_PTR(p))
		kfree(p);
	p = krealloc(ZERO_SIZE_PTR, 40, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "krealloc(ZERO_SIZE_PTR, 40) failed");
	alloc_kunit_defer_kfree(test, p);
	KUNIT_EXPECT_FALSE_MSG(test, ZERO_OR_NULL_PTR(p),
			       "krealloc(ZERO_SIZE_PTR, 40) = %p, expected a real object", p);
	KUNIT_EXPECT_GE_MSG(test, ksize(p), 40, "krealloc(ZERO_SIZE_PTR, 40): ksize");
}

/* An array of 0 elements, or of 0-byte elements, is kmalloc(0). */
static void doc_array_zero(struct kunit *test)
{
	void *p;

	p = kcalloc(0, 16, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ_MSG(test, p, ZERO_SIZE_PTR, "kcalloc(0, 16) = %p", p);
	kfree(p);
	p = kmalloc_array(SIZE_MAX, 0, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ_MSG(test, p, ZERO_SIZE_PTR,
				"kmalloc_array(SIZE_MAX, 0) = %p: 0 bytes do not overflow", p);
	kfree(p);
}

/* Duplicating 0 bytes; kmemdup_nul and kstrndup always terminate. */
static void doc_dup_zero(struct kunit *test)
{
	static const char text[] = "allocsuite";
	char *s;
	void *p;

	p = kmemdup(text, 0, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ_MSG(test, p, ZERO_SIZE_PTR, "kmemdup(src, 0) = %p", p);
	kfree(p);
	s = kmemdup_nul(text, 0, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	alloc_kunit_defer_kfree(test, s);
	KUNIT_EXPECT_STREQ_MSG(test, s, "", "kmemdup_nul(src, 0)");
	s = kmemdup_nul(text, 4, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	alloc_kunit_defer_kfree(test, s);
	KUNIT_EXPECT_STREQ_MSG(test, s, "allo", "kmemdup_nul(src, 4)");
	s = kstrndup(text, 0, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	alloc_kunit_defer_kfree(test, s);
	KUNIT_EXPECT_STREQ_MSG(test, s, "", "kstrndup(src, 0)");
	KUNIT_EXPECT_NULL_MSG(test, kstrndup(NULL, 4, GFP_KERNEL), "kstrndup(NULL, 4)");
}

/* kfree_sensitive(NULL) does nothing (a report here fails the run). */
static void doc_kfree_sensitive_null(struct kunit *test)
{
	kfree_sensitive(NULL);
	kfree_sensitive(ZERO_SIZE_PTR);
}

#ifdef kmalloc_flex
/* A flexible structure whose counter can count to 255 only. */
struct flex_u8 {
	u8 count;
	u32 items[] __counted_by(count);
};
#endif

/* kmalloc_objs and kmalloc_flex return NULL when the size overflows. */
static void doc_objs_overflow(struct kunit *test)
{
#ifdef kmalloc_flex
	u64 *objs = kmalloc_objs(*objs, SIZE_MAX / 4, GFP_KERNEL | __GFP_NOWARN);
	struct flex_u8 *f;

	KUNIT_EXPECT_NULL_MSG(test, objs, "kmalloc_objs(u64, SIZE_MAX / 4) = %p, expected NULL",
			      objs);
	kfree(objs);
	f = kmalloc_flex(*f, items, SIZE_MAX / 2, GFP_KERNEL | __GFP_NOWARN);
	KUNIT_EXPECT_NULL_MSG(test, f, "kmalloc_flex(items, SIZE_MAX / 2) = %p, expected NULL", f);
	kfree(f);
#else
	kunit_skip(test, "the kernel has no kmalloc_objs()/kmalloc_flex()");
#endif
}

/*
 * kmalloc_flex's kernel-doc: "If @FAM has been annotated with
 * __counted_by(), the allocation will immediately fail if @COUNT is
 * larger than what the type of the struct's counter variable can
 * represent": 255 fits a u8 counter, 256 does not.
 */
static void doc_flex_counter(struct kunit *test)
{
#ifdef kmalloc_flex
	struct flex_u8 *f;

	if (!IS_ENABLED(CONFIG_CC_HAS_COUNTED_BY))
		kunit_skip(test, "the compiler has no __counted_by: no annotation to honour");
	f = kmalloc_flex(*f, items, 255, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL_MSG(test, f, "kmalloc_flex(items, 255) with a u8 counter failed");
	kfree(f);
	f = kmalloc_flex(*f, items, 256, GFP_KERNEL | __GFP_NOWARN);
	KUNIT_EXPECT_NULL_MSG(test, f,
			      "kmalloc_flex(items, 256) with a __counted_by u8 counter = %p, expected NULL",
			      f);
	kfree(f);
#else
	kunit_skip(test, "the kernel has no kmalloc_flex()");
#endif
}

struct kmalloc_doc_case {
	const char *name;
	void (*check)(struct kunit *test);
};

/* One row per documented promise at an edge; README names the source. */
static const struct kmalloc_doc_case kmalloc_doc_cases[] = {
	{ "kmalloc_size_roundup(0)", doc_roundup_zero },
	{ "kmalloc_size_roundup(126)", doc_roundup_126 },
	{ "kmalloc_size_roundup(KMALLOC_MAX_SIZE)", doc_roundup_max },
	{ "kmalloc_size_roundup(overflow)", doc_roundup_overflow },
	{ "ksize(NULL)", doc_ksize_null },
	{ "krealloc(NULL)", doc_krealloc_null },
	{ "array_of_0", doc_array_zero },
	{ "dup_0_bytes", doc_dup_zero },
	{ "kfree_sensitive(NULL)", doc_kfree_sensitive_null },
	{ "kmalloc_objs(overflow)", doc_objs_overflow },
	{ "kmalloc_flex(counter)", doc_flex_counter },
};

static void kmalloc_doc_desc(const struct kmalloc_doc_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kmalloc_doc, kmalloc_doc_cases, kmalloc_doc_desc);

static void kmalloc_test_documented_edges(struct kunit *test)
{
	const struct kmalloc_doc_case *c = test->param_value;

	c->check(test);
}

/*
 * kfree_sensitive() is seen from a probe on the kfree tracepoint, which
 * kfree() hits before it frees: the object must be zero in every byte of
 * its ksize() then (its kernel-doc: "zeroes the whole allocated buffer").
 */
static struct {
	const void *target;	/* the object watched, or NULL */
	size_t len;		/* its ksize() */
	size_t first_nonzero;	/* what the probe saw */
	int hits;
} kfree_watch;

static void probe_kfree(void *ignore, unsigned long call_site, const void *ptr)
{
	if (!ptr || ptr != READ_ONCE(kfree_watch.target))
		return;
	/* Before the free: no one else can be given the object yet. */
	WRITE_ONCE(kfree_watch.target, NULL);
	kfree_watch.first_nonzero = alloc_kunit_first_diff(ptr, 0, kfree_watch.len);
	kfree_watch.hits++;
}

/* Deferred action: the probe goes, and no CPU still runs it. */
static void kfree_probe_release(void *ignore)
{
	unregister_trace_kfree(probe_kfree, NULL);
	tracepoint_synchronize_unregister();
}

static void kfree_sensitive_test_zeroed(struct kunit *test)
{
	const struct kmalloc_size_case *c = test->param_value;
	size_t size = kmalloc_size_roundup(c->size), ks;
	u8 *p;

	KUNIT_ASSERT_EQ(test, 0, register_trace_kfree(probe_kfree, NULL));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, kfree_probe_release, NULL));
	p = kmalloc(size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "kmalloc(%zu) failed", size);
	ks = ksize(p);
	memset(p, DIRT, ks);
	kfree_watch.len = ks;
	kfree_watch.hits = 0;
	WRITE_ONCE(kfree_watch.target, p);
	kfree_sensitive(p);
	WRITE_ONCE(kfree_watch.target, NULL);
	KUNIT_ASSERT_EQ_MSG(test, kfree_watch.hits, 1,
			    "kfree_sensitive(kmalloc(%zu)) reached kfree() %d times, expected once",
			    size, kfree_watch.hits);
	KUNIT_EXPECT_EQ_MSG(test, kfree_watch.first_nonzero, ks,
			    "kfree_sensitive(kmalloc(%zu)): byte %zu of ksize %zu was not zero when freed",
			    size, kfree_watch.first_nonzero, ks);
}

enum kv_path { KV_SLAB, KV_VMALLOC, KV_EITHER };

struct kvmalloc_case {
	const char *name;
	size_t size;
	enum kv_path path;
};

/*
 * Small sizes come from kmalloc, sizes above KMALLOC_MAX_SIZE from
 * vmalloc. KMALLOC_MAX_SIZE itself is an order-10 kmalloc that kvmalloc
 * tries with __GFP_NORETRY, which fragmentation may legitimately defeat:
 * either path is right there.
 */
static const struct kvmalloc_case kvmalloc_cases[] = {
	{ "64", 64, KV_SLAB },
	{ "page", PAGE_SIZE, KV_SLAB },
	{ "cache_max+1", KMALLOC_MAX_CACHE_SIZE + 1, KV_SLAB },
	{ "max", KMALLOC_MAX_SIZE, KV_EITHER },
	{ "max+1", KMALLOC_MAX_SIZE + 1, KV_VMALLOC },
	{ "8MiB", SZ_8M, KV_VMALLOC },
};

/* Check that @p came from the allocator the table promises. */
static void check_kv_path(struct kunit *test, const struct kvmalloc_case *c,
			  const void *p, const char *what)
{
	if (c->path == KV_EITHER)
		return;
	KUNIT_EXPECT_EQ_MSG(test, is_vmalloc_addr(p), c->path == KV_VMALLOC,
			    "%s(%zu) = %p: is_vmalloc_addr %d, expected %d", what,
			    c->size, p, is_vmalloc_addr(p), c->path == KV_VMALLOC);
}

static void kvmalloc_desc(const struct kvmalloc_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kvmalloc, kvmalloc_cases, kvmalloc_desc);

/* kvmalloc picks slab or vmalloc by size; kvzalloc zeroes on both paths. */
static void kvmalloc_test_path(struct kunit *test)
{
	const struct kvmalloc_case *c = test->param_value;
	u8 *p;
	size_t at;
	int round;

	for (round = 0; round < 2; round++) {
		p = kvmalloc(c->size, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL_MSG(test, p, "kvmalloc(%zu) failed", c->size);
		check_kv_path(test, c, p, "kvmalloc");
		memset(p, DIRT, c->size);
		kvfree(p);

		p = kvzalloc(c->size, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL_MSG(test, p, "kvzalloc(%zu) failed", c->size);
		alloc_kunit_defer_kvfree(test, p);
		check_kv_path(test, c, p, "kvzalloc");
		at = alloc_kunit_first_diff(p, 0, c->size);
		KUNIT_EXPECT_EQ_MSG(test, at, c->size,
				    "kvzalloc(%zu) (%s): byte %zu is %#x, expected 0", c->size,
				    is_vmalloc_addr(p) ? "vmalloc" : "slab", at,
				    alloc_kunit_byte(p, at, c->size));
	}
}

/* kvmalloc refuses sizes above INT_MAX (quietly, with __GFP_NOWARN). */
static void kvmalloc_test_int_max(struct kunit *test)
{
	void *p = kvmalloc((size_t)INT_MAX + 1, GFP_KERNEL | __GFP_NOWARN);

	KUNIT_EXPECT_NULL_MSG(test, p, "kvmalloc(INT_MAX + 1) = %p, expected NULL", p);
	kvfree(p);
	kvfree(NULL);
}

static struct kunit_case alloc_kmalloc_cases[] = {
	KUNIT_CASE_PARAM(kzalloc_test_zeroed, kmalloc_size_gen_params),
	KUNIT_CASE_PARAM(kmalloc_test_gfp_zero, kmalloc_size_gen_params),
	KUNIT_CASE(kmalloc_test_init_on_alloc),
	KUNIT_CASE_PARAM(kmalloc_test_size_class, kmalloc_size_gen_params),
	KUNIT_CASE(kmalloc_test_edges),
	KUNIT_CASE_PARAM(kcalloc_test_zeroed, kmalloc_size_gen_params),
	KUNIT_CASE_PARAM(kmalloc_array_test_overflow, overflow_gen_params),
	KUNIT_CASE(kmemdup_test_exact_copy),
	KUNIT_CASE_PARAM(krealloc_test_keeps_contents, krealloc_gen_params),
	KUNIT_CASE_PARAM(krealloc_test_gfp_zero_grows_zeroed, krealloc_grow_gen_params),
	KUNIT_CASE(krealloc_test_edges),
	KUNIT_CASE_PARAM(kvmalloc_test_path, kvmalloc_gen_params),
	KUNIT_CASE(kvmalloc_test_int_max),
	KUNIT_CASE_PARAM(kmalloc_test_class_edges, alloc_kunit_kmalloc_edges_gen_params),
	KUNIT_CASE_PARAM(kmalloc_test_documented_edges, kmalloc_doc_gen_params),
	KUNIT_CASE_PARAM(kfree_sensitive_test_zeroed, kmalloc_size_gen_params),
	{}
};

static int alloc_kmalloc_suite_init(struct kunit_suite *suite)
{
	return alloc_kunit_console_start();
}

static void alloc_kmalloc_suite_exit(struct kunit_suite *suite)
{
	alloc_kunit_console_stop();
}

struct kunit_suite alloc_kmalloc_suite = {
	.name = "alloc_kmalloc",
	.suite_init = alloc_kmalloc_suite_init,
	.suite_exit = alloc_kmalloc_suite_exit,
	.init = alloc_kunit_console_init,
	.test_cases = alloc_kmalloc_cases,
};
