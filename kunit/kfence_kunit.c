// SPDX-License-Identifier: GPL-2.0
/*
 * Contracts of slab objects that KFENCE sampled: an object KFENCE hands
 * out in place of a slab object keeps every promise of the API that
 * asked for it. __GFP_ZERO and kmem_cache_zalloc() zero it, ksize()
 * covers at least the request and at most the kmalloc bucket, every byte
 * up to ksize() is usable, krealloc() keeps its contents, and kfree() or
 * kmem_cache_free() take it back without a report.
 *
 * A sampled object is found as mm/kfence/kfence_test.c finds one:
 * allocate and free until is_kfence_address() says so, for at most a
 * hundred sample intervals (KFENCE hands out one object per interval, to
 * whichever allocation comes first). Where the kernel has no KFENCE, or
 * it is off at boot (kfence.sample_interval=0), the cases skip.
 */
#include <kunit/test.h>
#include <linux/jiffies.h>
#include <linux/kfence.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "alloc_kunit.h"

/* The longest wait for a sampled object: KFENCE may be slow to come. */
#define KFENCE_WAIT_INTERVALS	100

struct kfence_row {
	const char *name;
	size_t size;
};

/* Request sizes: off and on a class edge, up to one page (KFENCE's most). */
static const struct kfence_row kfence_rows[] = {
	{ "1", 1 }, { "8", 8 }, { "64", 64 }, { "100", 100 }, { "1000", 1000 },
	{ "2048", 2048 }, { "4000", 4000 },
};

static void kfence_desc(const struct kfence_row *r, char *desc)
{
	strscpy(desc, r->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kfence, kfence_rows, kfence_desc);

/* Skip unless KFENCE samples allocations on this boot. */
static void kfence_require(struct kunit *test)
{
	if (!IS_ENABLED(CONFIG_KFENCE))
		kunit_skip(test, "no KFENCE in this kernel (CONFIG_KFENCE is off)");
	if (!kfence_sample_interval)
		kunit_skip(test, "KFENCE is off on this boot (kfence.sample_interval=0)");
}

/*
 * One sampled object from @alloc (kmalloc or a cache), or NULL after
 * KFENCE_WAIT_INTERVALS sample intervals; every object that was not
 * sampled is freed at once.
 */
static void *kfence_sampled(struct kunit *test, struct kmem_cache *s, size_t size, gfp_t gfp)
{
	unsigned long end = jiffies +
		msecs_to_jiffies(KFENCE_WAIT_INTERVALS * (unsigned long)kfence_sample_interval);
	void *p;

	do {
		p = s ? kmem_cache_alloc(s, gfp) : kmalloc(size, gfp);
		KUNIT_ASSERT_NOT_NULL_MSG(test, p, "allocation of %zu bytes failed", size);
		if (is_kfence_address(p))
			return p;
		if (s)
			kmem_cache_free(s, p);
		else
			kfree(p);
		cond_resched();
	} while (time_before(jiffies, end));
	return NULL;
}

/* The first byte of @p[0..@n) that is not @c, or @n. */
static size_t kfence_first_not(const u8 *p, size_t n, u8 c)
{
	size_t i;

	for (i = 0; i < n && p[i] == c; i++)
		;
	return i;
}

/*
 * kmalloc(size, __GFP_ZERO) zeroes a sampled object; ksize() lies between
 * the request and the bucket, and all of it can be written; kfree()
 * takes it back (a report would fail the run).
 */
static void kfence_test_kmalloc(struct kunit *test)
{
	const struct kfence_row *r = test->param_value;
	size_t bucket = alloc_kunit_kmalloc_bucket(r->size), ks, at;
	u8 *p;

	kfence_require(test);
	p = kfence_sampled(test, NULL, r->size, GFP_KERNEL | __GFP_ZERO);
	if (!p)
		kunit_skip(test, "KFENCE sampled none of the allocations in %d intervals of %lu ms",
			   KFENCE_WAIT_INTERVALS, (unsigned long)kfence_sample_interval);
	at = kfence_first_not(p, r->size, 0);
	KUNIT_EXPECT_EQ_MSG(test, at, r->size,
			    "kmalloc(%zu, __GFP_ZERO) sampled by KFENCE: byte %zu is 0x%02x, expected 0",
			    r->size, at, at < r->size ? p[at] : 0);
	ks = ksize(p);
	KUNIT_EXPECT_TRUE_MSG(test, ks >= r->size && ks <= bucket,
			      "ksize() of a KFENCE object of %zu bytes = %zu, expected %zu..%zu",
			      r->size, ks, r->size, bucket);
	memset(p, 0xa5, ks);
	at = kfence_first_not(p, ks, 0xa5);
	KUNIT_EXPECT_EQ_MSG(test, at, ks, "byte %zu of the %zu ksize() bytes did not keep a write",
			    at, ks);
	kfree(p);
}

/* krealloc() of a sampled object keeps min(old, new) bytes, both ways. */
static void kfence_test_krealloc(struct kunit *test)
{
	const struct kfence_row *r = test->param_value;
	size_t sizes[] = { r->size * 2, r->size / 2 ?: 1 };
	u8 *p, *q;
	size_t i, at;

	kfence_require(test);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = kfence_sampled(test, NULL, r->size, GFP_KERNEL);
		if (!p)
			kunit_skip(test, "KFENCE sampled none of the allocations in %d intervals",
				   KFENCE_WAIT_INTERVALS);
		memset(p, 0x3c, r->size);
		q = krealloc(p, sizes[i], GFP_KERNEL);
		if (!q) {
			kfree(p);
			KUNIT_FAIL(test, "krealloc(KFENCE object of %zu, %zu) failed", r->size,
				   sizes[i]);
			return;
		}
		at = kfence_first_not(q, min(r->size, sizes[i]), 0x3c);
		KUNIT_EXPECT_EQ_MSG(test, at, min(r->size, sizes[i]),
				    "krealloc(KFENCE object of %zu, %zu) lost byte %zu", r->size,
				    sizes[i], at);
		kfree(q);
	}
}

/*
 * kmem_cache_zalloc() zeroes a sampled object of a cache; ksize() covers
 * the object size; kmem_cache_free() takes it back.
 */
static void kfence_test_cache_zalloc(struct kunit *test)
{
	const struct kfence_row *r = test->param_value;
	struct kmem_cache *s;
	size_t at;
	u8 *p;

	kfence_require(test);
	s = kmem_cache_create("alloc_kunit_kfence", r->size, 0, 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	p = kfence_sampled(test, s, r->size, GFP_KERNEL | __GFP_ZERO);
	if (p) {
		at = kfence_first_not(p, r->size, 0);
		KUNIT_EXPECT_EQ_MSG(test, at, r->size,
				    "kmem_cache_zalloc(%zu-byte cache) sampled by KFENCE: byte %zu is not 0",
				    r->size, at);
		KUNIT_EXPECT_GE_MSG(test, ksize(p), r->size,
				    "ksize() of a KFENCE object of a %zu-byte cache", r->size);
		kmem_cache_free(s, p);
	}
	kmem_cache_destroy(s);
	if (!p)
		kunit_skip(test, "KFENCE sampled none of the cache's objects in %d intervals",
			   KFENCE_WAIT_INTERVALS);
}

static struct kunit_case alloc_kfence_cases[] = {
	KUNIT_CASE_PARAM(kfence_test_kmalloc, kfence_gen_params),
	KUNIT_CASE_PARAM(kfence_test_krealloc, kfence_gen_params),
	KUNIT_CASE_PARAM(kfence_test_cache_zalloc, kfence_gen_params),
	{}
};

struct kunit_suite alloc_kfence_suite = {
	.name = "alloc_kfence",
	.test_cases = alloc_kfence_cases,
};
