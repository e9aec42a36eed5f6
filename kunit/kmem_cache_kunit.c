// SPDX-License-Identifier: GPL-2.0
/*
 * Contracts of kmem_cache: a cache created with a size, an alignment, a
 * constructor and SLAB_HWCACHE_ALIGN hands out objects that honour the
 * alignment and on which the constructor has run; kmem_cache_zalloc
 * zeroes; kmem_cache_alloc_bulk fills the whole array; destroying an
 * empty cache prints nothing.
 *
 * Each cache is a row of a table. Objects come from enough slabs (several
 * pages' worth) that a new slab is started during the case. Whether the
 * destroy was clean is observed on the console, where SLUB reports the
 * objects a destroyed cache still held.
 */
#include <kunit/test.h>
#include <linux/cache.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "alloc_kunit.h"

/* Objects per case: a few slabs' worth for every row of the table. */
#define NR_OBJS		96
/* What the constructor writes at both ends of every object. */
#define CTOR_MAGIC	0x5a

struct kmem_cache_case {
	const char *name;
	const char *cache;
	unsigned int size;
	unsigned int align;
	slab_flags_t flags;
	bool ctor;
};

static const struct kmem_cache_case kmem_cache_cases[] = {
	{ "24", "alloc_kunit_24", 24, 0, 0, false },
	{ "100_align64", "alloc_kunit_100_align64", 100, 64, 0, false },
	{ "100_hwcache", "alloc_kunit_100_hwcache", 100, 0, SLAB_HWCACHE_ALIGN, false },
	{ "20_hwcache", "alloc_kunit_20_hwcache", 20, 0, SLAB_HWCACHE_ALIGN, false },
	{ "33_align8_ctor", "alloc_kunit_33_ctor", 33, 8, 0, true },
	{ "200_align256_ctor", "alloc_kunit_200_align256_ctor", 200, 256, 0, true },
	{ "4000_hwcache_ctor", "alloc_kunit_4000_hwcache_ctor", 4000, 0, SLAB_HWCACHE_ALIGN, true },
};

static void kmem_cache_desc(const struct kmem_cache_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kmem_cache, kmem_cache_cases, kmem_cache_desc);

/* The rows without a constructor (zeroing would undo one). */
static const void *kmem_cache_noctor_gen_params(const void *prev, char *desc)
{
	const struct kmem_cache_case *c = prev;

	do {
		c = kmem_cache_gen_params(c, desc);
	} while (c && c->ctor);
	return c;
}

/* The size of the objects the constructor was registered for. */
static unsigned int ctor_size;

/* Constructor: mark both ends of the object. */
static void ctor_mark(void *obj)
{
	memset(obj, CTOR_MAGIC, ctor_size);
}

/*
 * The alignment the kernel promises: @align, and with SLAB_HWCACHE_ALIGN
 * the cache line, halved while the object fits in half of it
 * (mm/slab_common.c calculate_alignment()); never below the word size.
 */
static unsigned int promised_align(const struct kmem_cache_case *c)
{
	unsigned int align = max_t(unsigned int, c->align, sizeof(void *));

	if (c->flags & SLAB_HWCACHE_ALIGN) {
		unsigned int line = cache_line_size();

		while (c->size <= line / 2)
			line /= 2;
		align = max(align, line);
	}
	return align;
}

KUNIT_DEFINE_ACTION_WRAPPER(destroy_action, kmem_cache_destroy, struct kmem_cache *);

/* Create the cache of row @c, destroyed when the test ends. */
static struct kmem_cache *make_cache(struct kunit *test, const struct kmem_cache_case *c)
{
	struct kmem_cache *s;

	ctor_size = c->size;
	s = kmem_cache_create(c->cache, c->size, c->align, c->flags,
			      c->ctor ? ctor_mark : NULL);
	KUNIT_ASSERT_NOT_NULL_MSG(test, s, "kmem_cache_create(%s, %u, %u) failed", c->name,
				  c->size, c->align);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, destroy_action, s));
	return s;
}

struct objs {
	struct kmem_cache *s;
	void *p[NR_OBJS];
	unsigned int n;
};

/* Deferred action: free every object still recorded in a struct objs. */
static void free_objs(void *data)
{
	struct objs *o = data;

	while (o->n)
		kmem_cache_free(o->s, o->p[--o->n]);
}

/* A struct objs whose objects are freed before the cache is destroyed. */
static struct objs *make_objs(struct kunit *test, struct kmem_cache *s)
{
	struct objs *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, o);
	o->s = s;
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, free_objs, o));
	return o;
}

/* Alignment and constructor, on every object of several slabs. */
static void kmem_cache_test_align_and_ctor(struct kunit *test)
{
	const struct kmem_cache_case *c = test->param_value;
	unsigned int align = promised_align(c);
	struct kmem_cache *s = make_cache(test, c);
	struct objs *o = make_objs(test, s);
	size_t at;

	while (o->n < NR_OBJS) {
		u8 *p = kmem_cache_alloc(s, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL_MSG(test, p, "%s: object %u: kmem_cache_alloc failed",
					  c->name, o->n);
		o->p[o->n++] = p;
		KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED((unsigned long)p, align),
				      "%s: object %u: address %% %u = %lu, expected 0 (alignment)",
				      c->name, o->n - 1, align, (unsigned long)p & (align - 1));
		if (!c->ctor)
			continue;
		at = alloc_kunit_first_diff(p, CTOR_MAGIC, c->size);
		KUNIT_EXPECT_EQ_MSG(test, at, c->size,
				    "%s: object %u byte %zu is %#x, expected %#x: the constructor has not run",
				    c->name, o->n - 1, at, alloc_kunit_byte(p, at, c->size),
				    CTOR_MAGIC);
	}
}

/* kmem_cache_zalloc zeroes the object, also one that was just dirtied. */
static void kmem_cache_test_zalloc(struct kunit *test)
{
	const struct kmem_cache_case *c = test->param_value;
	struct kmem_cache *s;
	struct objs *o;
	size_t at;

	s = make_cache(test, c);
	o = make_objs(test, s);
	while (o->n < NR_OBJS) {
		u8 *dirty = kmem_cache_alloc(s, GFP_KERNEL), *p;

		KUNIT_ASSERT_NOT_NULL(test, dirty);
		memset(dirty, 0xa5, c->size);
		kmem_cache_free(s, dirty);
		p = kmem_cache_zalloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		o->p[o->n++] = p;
		at = alloc_kunit_first_diff(p, 0, c->size);
		KUNIT_EXPECT_EQ_MSG(test, at, c->size,
				    "%s: kmem_cache_zalloc object %u byte %zu is %#x, expected 0",
				    c->name, o->n - 1, at, alloc_kunit_byte(p, at, c->size));
		if (at != c->size)
			return;
	}
}

/* kmem_cache_alloc_bulk fills all of the array, with distinct objects. */
static void kmem_cache_test_bulk(struct kunit *test)
{
	const struct kmem_cache_case *c = test->param_value;
	struct kmem_cache *s = make_cache(test, c);
	struct objs *o = make_objs(test, s);
	unsigned int i, j;
	int got;

	got = kmem_cache_alloc_bulk(s, GFP_KERNEL, NR_OBJS, o->p);
	KUNIT_ASSERT_EQ_MSG(test, got, NR_OBJS, "%s: kmem_cache_alloc_bulk(%d) returned %d",
			    c->name, NR_OBJS, got);
	o->n = NR_OBJS;
	for (i = 0; i < NR_OBJS; i++) {
		KUNIT_EXPECT_NOT_NULL_MSG(test, o->p[i], "%s: bulk object %u is NULL", c->name, i);
		for (j = 0; j < i; j++)
			if (o->p[i] == o->p[j])
				KUNIT_FAIL(test, "%s: bulk objects %u and %u are both %p", c->name,
					   j, i, o->p[i]);
	}
	kmem_cache_free_bulk(s, NR_OBJS, o->p);
	o->n = 0;
}

/*
 * Destroying a cache whose objects were all freed is clean: no slab
 * holds an object any more, and SLUB counts no slab error (see
 * alloc_kunit_destroy_empty()).
 */
static void kmem_cache_test_destroy_empty(struct kunit *test)
{
	const struct kmem_cache_case *c = test->param_value;
	struct kmem_cache *s;
	void *p[8];
	int i;

	ctor_size = c->size;
	s = kmem_cache_create(c->cache, c->size, c->align, c->flags | ALLOC_SLAB_TRACKED,
			      c->ctor ? ctor_mark : NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		if (p[i])
			kmem_cache_free(s, p[i]);
	alloc_kunit_destroy_empty(test, s, c->cache);
	kmem_cache_destroy(NULL);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		KUNIT_EXPECT_NOT_NULL_MSG(test, p[i], "%s: kmem_cache_alloc %d failed", c->name, i);
}

static int alloc_kmem_cache_suite_init(struct kunit_suite *suite)
{
	return alloc_kunit_console_start();
}

static void alloc_kmem_cache_suite_exit(struct kunit_suite *suite)
{
	alloc_kunit_console_stop();
}

static struct kunit_case alloc_kmem_cache_cases[] = {
	KUNIT_CASE_PARAM(kmem_cache_test_align_and_ctor, kmem_cache_gen_params),
	KUNIT_CASE_PARAM(kmem_cache_test_zalloc, kmem_cache_noctor_gen_params),
	KUNIT_CASE_PARAM(kmem_cache_test_bulk, kmem_cache_gen_params),
	KUNIT_CASE_PARAM(kmem_cache_test_destroy_empty, kmem_cache_gen_params),
	{}
};

struct kunit_suite alloc_kmem_cache_suite = {
	.name = "alloc_kmem_cache",
	.suite_init = alloc_kmem_cache_suite_init,
	.suite_exit = alloc_kmem_cache_suite_exit,
	.init = alloc_kunit_console_init,
	.test_cases = alloc_kmem_cache_cases,
};
