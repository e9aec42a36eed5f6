// SPDX-License-Identifier: GPL-2.0
/*
 * Contracts of the kmalloc family.
 *
 * kzalloc() must hand out memory whose every requested byte is zero, in
 * every size class, also when the memory it recycles was just dirtied: so
 * each case first fills and frees an object of the same size, then checks
 * a fresh kzalloc() of that size byte by byte.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "alloc_kunit.h"

/* Rounds of dirty, free, kzalloc per size: enough to recycle the dirt. */
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
	{ "96", 96 },
	{ "192", 192 },
	{ "1000", 1000 },
	{ "4096", 4096 },
	{ "cache_max", KMALLOC_MAX_CACHE_SIZE },
	{ "cache_max+1", KMALLOC_MAX_CACHE_SIZE + 1 },
	{ "64KiB", 64 * 1024 },
	{ "max", KMALLOC_MAX_SIZE },
};

static void kmalloc_size_desc(const struct kmalloc_size_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kmalloc_size, kmalloc_size_cases, kmalloc_size_desc);

/* The index of the first non-zero byte of @p, or @size if there is none. */
static size_t first_nonzero(const u8 *p, size_t size)
{
	const u8 *hit = memchr_inv(p, 0, size);

	return hit ? hit - p : size;
}

static void kzalloc_test_zeroed(struct kunit *test)
{
	const struct kmalloc_size_case *c = test->param_value;
	int round;

	for (round = 0; round < KZALLOC_ROUNDS; round++) {
		u8 *dirty, *p;
		size_t at;

		dirty = kmalloc(c->size, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL_MSG(test, dirty, "kmalloc(%zu) failed", c->size);
		memset(dirty, DIRT, c->size);
		kfree(dirty);

		p = kzalloc(c->size, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL_MSG(test, p, "kzalloc(%zu) failed", c->size);
		at = first_nonzero(p, c->size);
		KUNIT_EXPECT_EQ_MSG(test, at, c->size,
				    "kzalloc(%zu) round %d: byte %zu is %#x, expected 0",
				    c->size, round, at, at < c->size ? p[at] : 0);
		kfree(p);
		if (at != c->size)
			return;
	}
}

static struct kunit_case alloc_kmalloc_cases[] = {
	KUNIT_CASE_PARAM(kzalloc_test_zeroed, kmalloc_size_gen_params),
	{}
};

struct kunit_suite alloc_kmalloc_suite = {
	.name = "alloc_kmalloc",
	.test_cases = alloc_kmalloc_cases,
};
