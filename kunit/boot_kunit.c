// SPDX-License-Identifier: GPL-2.0
/*
 * What two boot parameters make the allocators promise, checked in the
 * boots of the kunit tier that set them (scripts/allocsuite/manifest.py
 * BOOTS); every other boot skips these suites with the reason.
 *
 * alloc_init_on_free (boot init_on_free=1): memory is zeroed when it is
 * freed, so every object and page handed out again reads zero in every
 * byte without __GFP_ZERO (and with init_on_alloc off, which would zero
 * it at allocation and hide a missing wipe at free). Each path that gives
 * memory back is covered: kfree of every kmalloc class and of page-backed
 * sizes, kmem_cache_free, kmem_cache_free_bulk and kfree_bulk,
 * __free_pages and free_pages of every order, free_pages_exact and vfree.
 * Caches with a constructor or SLAB_TYPESAFE_BY_RCU are exempt
 * (mm/slab.h slab_want_init_on_free()): their objects must keep their
 * contents; that exemption is a row of its own.
 *
 * alloc_slub_debug (boot slub_debug=FZPU): a cache created without debug
 * flags gets red zones, poisoning, sanity checks and user tracking from
 * the boot, and SLUB reports what they are there to catch. As
 * lib/slub_kunit.c does, the reports are counted in the "slab_errors"
 * KUnit resource (alloc_kunit_slab_errors()) instead of printed, and the
 * corruption is provoked on caches and objects the case owns. Whether a
 * cache has a flag is read from /sys/kernel/slab/<cache>/ (the flags
 * themselves are in struct kmem_cache, private to mm/): a cache without
 * it skips the case, which fails the run in the slub_debug boot.
 */
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/kasan.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "alloc_kunit.h"

/* What a test writes into memory before giving it back. */
#define DIRT		0x5a
/* Rounds of dirty, free, allocate again per row. */
#define ROUNDS		4
/* Objects per round: more than one slab of most rows. */
#define NR_OBJS		64

/* --- init_on_free ------------------------------------------------------ */

/*
 * Skip unless this boot zeroes at free and only at free: with
 * init_on_alloc on too, zeroing at allocation would hide a missing wipe.
 */
static void require_init_on_free(struct kunit *test)
{
	if (!want_init_on_free())
		kunit_skip(test, "boot has init_on_free=0");
	if (want_init_on_alloc(GFP_KERNEL))
		kunit_skip(test,
			   "boot has init_on_alloc=1 too, which would hide a missing wipe at free");
}

/*
 * Generic KASAN writes its free metadata into a freed slab object after
 * init_on_free wiped it (mm/kasan/generic.c kasan_save_free_info()), so
 * an object handed out again is not all zeroes there.
 */
static void require_no_kasan_free_meta(struct kunit *test)
{
	if (IS_ENABLED(CONFIG_KASAN_GENERIC))
		kunit_skip(test, "generic KASAN keeps its free metadata in freed slab objects");
}

/* Expect @size bytes at @p to be zero; false (and a failure) if not. */
static bool expect_zeroed(struct kunit *test, const void *p, size_t size, const char *what,
			  size_t arg, int round)
{
	size_t at = alloc_kunit_first_diff(p, 0, size);

	KUNIT_EXPECT_EQ_MSG(test, at, size,
			    "init_on_free=1: %s(%zu) round %d, after dirty memory was freed: byte %zu of %zu is %#x, expected 0",
			    what, arg, round, at, size, alloc_kunit_byte(p, at, size));
	return at == size;
}

struct iof_size_case {
	const char *name;
	size_t size;
};

/* Every kmalloc class (whole objects) and page-backed sizes. */
static const struct iof_size_case iof_kmalloc_cases[] = {
	{ "8", 8 }, { "16", 16 }, { "32", 32 }, { "64", 64 }, { "96", 96 },
	{ "128", 128 }, { "192", 192 }, { "256", 256 }, { "512", 512 },
	{ "1k", SZ_1K }, { "2k", SZ_2K }, { "4k", SZ_4K },
	{ "cache_max", KMALLOC_MAX_CACHE_SIZE },
	{ "cache_max+1", KMALLOC_MAX_CACHE_SIZE + 1 },
	{ "64KiB", SZ_64K },
	{ "1MiB+1", SZ_1M + 1 },
	{ "max", KMALLOC_MAX_SIZE },
};

static void iof_size_desc(const struct iof_size_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(iof_kmalloc, iof_kmalloc_cases, iof_size_desc);

/*
 * kfree() then kmalloc() without __GFP_ZERO: every byte reads zero. Many
 * objects of a slab size per round, so that more than the last one freed
 * comes back; page-backed sizes go to the page allocator and back.
 */
static void init_on_free_test_kmalloc(struct kunit *test)
{
	const struct iof_size_case *c = test->param_value;
	int nr = c->size <= KMALLOC_MAX_CACHE_SIZE ? NR_OBJS : c->size < SZ_1M ? 4 : 1;
	void *objs[NR_OBJS];
	int round, i;
	bool ok = true;

	require_init_on_free(test);
	if (c->size <= KMALLOC_MAX_CACHE_SIZE)
		require_no_kasan_free_meta(test);
	for (round = 0; round < ROUNDS && ok; round++) {
		for (i = 0; i < nr; i++) {
			objs[i] = kmalloc(c->size, GFP_KERNEL);
			if (!objs[i])
				break;
			memset(objs[i], DIRT, c->size);
		}
		KUNIT_EXPECT_EQ_MSG(test, i, nr, "kmalloc(%zu) failed", c->size);
		while (i--)
			kfree(objs[i]);
		for (i = 0; i < nr; i++) {
			objs[i] = kmalloc(c->size, GFP_KERNEL);
			if (!objs[i])
				break;
			if (ok)
				ok = expect_zeroed(test, objs[i], c->size, "kmalloc", c->size,
						   round);
		}
		KUNIT_EXPECT_EQ_MSG(test, i, nr, "kmalloc(%zu) failed", c->size);
		while (i--)
			kfree(objs[i]);
	}
}

struct iof_cache_case {
	const char *name;
	const char *cache;
	unsigned int size;
	slab_flags_t flags;
};

/* Caches of the test's own, no ctor, no debug flags. */
static const struct iof_cache_case iof_cache_cases[] = {
	{ "8", "allocsuite_iof_8", 8, 0 },
	{ "24", "allocsuite_iof_24", 24, 0 },
	{ "64", "allocsuite_iof_64", 64, 0 },
	{ "200_hwcache", "allocsuite_iof_200_hwcache", 200, SLAB_HWCACHE_ALIGN },
	{ "1000", "allocsuite_iof_1000", 1000, 0 },
	{ "4096", "allocsuite_iof_4096", 4096, 0 },
};

static void iof_cache_desc(const struct iof_cache_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(iof_cache, iof_cache_cases, iof_cache_desc);

static struct kmem_cache *iof_cache_create(struct kunit *test, const struct iof_cache_case *c)
{
	struct kmem_cache *s = kmem_cache_create(c->cache, c->size, 0, c->flags, NULL);

	KUNIT_ASSERT_NOT_NULL_MSG(test, s, "kmem_cache_create(%s) failed", c->cache);
	return s;
}

/* kmem_cache_free() then kmem_cache_alloc(): every byte reads zero. */
static void init_on_free_test_kmem_cache(struct kunit *test)
{
	const struct iof_cache_case *c = test->param_value;
	void *objs[NR_OBJS];
	struct kmem_cache *s;
	int round, i;
	bool ok = true;

	require_init_on_free(test);
	require_no_kasan_free_meta(test);
	s = iof_cache_create(test, c);
	for (round = 0; round < ROUNDS && ok; round++) {
		for (i = 0; i < NR_OBJS; i++) {
			objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
			if (!objs[i])
				break;
			memset(objs[i], DIRT, c->size);
		}
		KUNIT_EXPECT_EQ_MSG(test, i, NR_OBJS, "kmem_cache_alloc(%s) failed", c->cache);
		while (i--)
			kmem_cache_free(s, objs[i]);
		for (i = 0; i < NR_OBJS; i++) {
			objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
			if (!objs[i])
				break;
			if (ok)
				ok = expect_zeroed(test, objs[i], c->size, "kmem_cache_alloc",
						   c->size, round);
		}
		KUNIT_EXPECT_EQ_MSG(test, i, NR_OBJS, "kmem_cache_alloc(%s) failed", c->cache);
		while (i--)
			kmem_cache_free(s, objs[i]);
	}
	kmem_cache_destroy(s);
}

/*
 * kmem_cache_free_bulk() of dirty objects then kmem_cache_alloc_bulk():
 * every byte of every object reads zero.
 */
static void init_on_free_test_kmem_cache_bulk(struct kunit *test)
{
	const struct iof_cache_case *c = test->param_value;
	void *objs[NR_OBJS];
	struct kmem_cache *s;
	int round, i, got = 0;
	bool ok = true;

	require_init_on_free(test);
	require_no_kasan_free_meta(test);
	s = iof_cache_create(test, c);
	for (round = 0; round < ROUNDS && ok; round++) {
		got = kmem_cache_alloc_bulk(s, GFP_KERNEL, NR_OBJS, objs);
		if (got != NR_OBJS)
			break;
		for (i = 0; i < NR_OBJS; i++)
			memset(objs[i], DIRT, c->size);
		kmem_cache_free_bulk(s, NR_OBJS, objs);
		got = kmem_cache_alloc_bulk(s, GFP_KERNEL, NR_OBJS, objs);
		if (got != NR_OBJS)
			break;
		for (i = 0; i < NR_OBJS && ok; i++)
			ok = expect_zeroed(test, objs[i], c->size,
					   "kmem_cache_alloc_bulk after kmem_cache_free_bulk",
					   c->size, round);
		kmem_cache_free_bulk(s, NR_OBJS, objs);
	}
	KUNIT_EXPECT_EQ_MSG(test, got, NR_OBJS, "kmem_cache_alloc_bulk(%s, %d) failed",
			    c->cache, NR_OBJS);
	kmem_cache_destroy(s);
}

/* kfree_bulk() of kmalloc objects, then kmalloc(): zero. */
static void init_on_free_test_kfree_bulk(struct kunit *test)
{
	const struct iof_size_case *c = test->param_value;
	void *objs[NR_OBJS];
	int round, i;
	bool ok = true;

	require_init_on_free(test);
	require_no_kasan_free_meta(test);
	for (round = 0; round < ROUNDS && ok; round++) {
		for (i = 0; i < NR_OBJS; i++) {
			objs[i] = kmalloc(c->size, GFP_KERNEL);
			if (!objs[i])
				break;
			memset(objs[i], DIRT, c->size);
		}
		KUNIT_EXPECT_EQ_MSG(test, i, NR_OBJS, "kmalloc(%zu) failed", c->size);
		kfree_bulk(i, objs);
		for (i = 0; i < NR_OBJS; i++) {
			objs[i] = kmalloc(c->size, GFP_KERNEL);
			if (!objs[i])
				break;
			if (ok)
				ok = expect_zeroed(test, objs[i], c->size,
						   "kmalloc after kfree_bulk", c->size, round);
		}
		KUNIT_EXPECT_EQ_MSG(test, i, NR_OBJS, "kmalloc(%zu) failed", c->size);
		kfree_bulk(i, objs);
	}
}

/* The slab sizes of the kmalloc table: kfree_bulk() frees slab objects. */
static const void *iof_slab_size_gen_params(const void *prev, char *desc)
{
	const struct iof_size_case *c = prev;

	do {
		c = iof_kmalloc_gen_params(c, desc);
	} while (c && c->size > KMALLOC_MAX_CACHE_SIZE);
	return c;
}

struct iof_order_case {
	const char *name;
	unsigned int order;
};

static const struct iof_order_case iof_order_cases[] = {
	{ "order_0", 0 }, { "order_1", 1 }, { "order_2", 2 }, { "order_3", 3 },
	{ "order_4", 4 }, { "order_5", 5 }, { "order_6", 6 }, { "order_7", 7 },
	{ "order_8", 8 }, { "order_9", 9 }, { "order_10", 10 },
};

static_assert(ARRAY_SIZE(iof_order_cases) >= MAX_PAGE_ORDER + 1);

/* The orders 0..MAX_PAGE_ORDER of this kernel. */
static const void *iof_order_gen_params(const void *prev, char *desc)
{
	const struct iof_order_case *c = prev ? (const struct iof_order_case *)prev + 1 :
						iof_order_cases;

	if (c >= iof_order_cases + ARRAY_SIZE(iof_order_cases) || c->order > MAX_PAGE_ORDER)
		return NULL;
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
	return c;
}

/* Blocks per round: the buddy allocator need not hand back the last one. */
#define NR_BLOCKS	8

/*
 * @nr blocks of @order, through alloc_pages() (@gfp_api false) or
 * __get_free_pages(); returns how many were allocated.
 */
static int iof_get_blocks(unsigned long *addr, int nr, unsigned int order, bool gfp_api)
{
	int i;

	for (i = 0; i < nr; i++) {
		if (gfp_api) {
			addr[i] = __get_free_pages(GFP_KERNEL, order);
		} else {
			struct page *page = alloc_pages(GFP_KERNEL, order);

			addr[i] = page ? (unsigned long)page_address(page) : 0;
		}
		if (!addr[i])
			break;
	}
	return i;
}

static void iof_put_blocks(unsigned long *addr, int nr, unsigned int order, bool gfp_api)
{
	while (nr--) {
		if (gfp_api)
			free_pages(addr[nr], order);
		else
			__free_pages(virt_to_page((void *)addr[nr]), order);
	}
}

/*
 * __free_pages() (even rounds) or free_pages() (odd rounds) of dirty
 * blocks, then alloc_pages() / __get_free_pages() of the same order
 * without __GFP_ZERO: every block reads zero from end to end.
 */
static void init_on_free_test_pages(struct kunit *test)
{
	const struct iof_order_case *c = test->param_value;
	size_t size = PAGE_SIZE << c->order;
	unsigned long addr[NR_BLOCKS];
	bool ok = true;
	int round, i, n;

	require_init_on_free(test);
	for (round = 0; round < ROUNDS && ok; round++) {
		bool gfp_api = round % 2;
		const char *what = gfp_api ? "__get_free_pages after free_pages, order" :
			"alloc_pages after __free_pages, order";

		n = iof_get_blocks(addr, NR_BLOCKS, c->order, gfp_api);
		KUNIT_EXPECT_EQ_MSG(test, n, NR_BLOCKS, "%s %u: allocation failed", what,
				    c->order);
		for (i = 0; i < n; i++)
			memset((void *)addr[i], DIRT, size);
		iof_put_blocks(addr, n, c->order, gfp_api);
		n = iof_get_blocks(addr, NR_BLOCKS, c->order, gfp_api);
		KUNIT_EXPECT_EQ_MSG(test, n, NR_BLOCKS, "%s %u: allocation failed", what,
				    c->order);
		for (i = 0; i < n && ok; i++)
			ok = expect_zeroed(test, (void *)addr[i], size, what, c->order, round);
		iof_put_blocks(addr, n, c->order, gfp_api);
	}
}

enum iof_kind { IOF_EXACT, IOF_VMALLOC };

struct iof_exact_case {
	const char *name;
	enum iof_kind kind;
	size_t size;
};

static const struct iof_exact_case iof_exact_cases[] = {
	{ "pages_exact_3pages", IOF_EXACT, 3 * PAGE_SIZE },
	{ "pages_exact_5pages+1", IOF_EXACT, 5 * PAGE_SIZE + 1 },
	{ "pages_exact_1MiB-1page", IOF_EXACT, SZ_1M - PAGE_SIZE },
	{ "vmalloc_1page", IOF_VMALLOC, PAGE_SIZE },
	{ "vmalloc_17pages", IOF_VMALLOC, 17 * PAGE_SIZE },
	{ "vmalloc_4MiB+1", IOF_VMALLOC, SZ_4M + 1 },
};

static void iof_exact_desc(const struct iof_exact_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(iof_exact, iof_exact_cases, iof_exact_desc);

/*
 * free_pages_exact() then alloc_pages_exact(), and vfree() then vmalloc()
 * (whose pages come from the bulk page allocator), without __GFP_ZERO:
 * every page reads zero.
 */
static void init_on_free_test_exact_vmalloc(struct kunit *test)
{
	const struct iof_exact_case *c = test->param_value;
	size_t size = PAGE_ALIGN(c->size);
	int round;

	require_init_on_free(test);
	for (round = 0; round < ROUNDS; round++) {
		void *p;
		bool ok;

		if (c->kind == IOF_EXACT) {
			p = alloc_pages_exact(c->size, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL_MSG(test, p, "alloc_pages_exact(%zu) failed",
						  c->size);
			/* The whole last page: hide the request size from fortify. */
			OPTIMIZER_HIDE_VAR(p);
			memset(p, DIRT, size);
			free_pages_exact(p, c->size);
			p = alloc_pages_exact(c->size, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL_MSG(test, p, "alloc_pages_exact(%zu) failed",
						  c->size);
			ok = expect_zeroed(test, p, size,
					   "alloc_pages_exact after free_pages_exact", c->size,
					   round);
			free_pages_exact(p, c->size);
		} else {
			p = vmalloc(c->size);
			KUNIT_ASSERT_NOT_NULL_MSG(test, p, "vmalloc(%zu) failed", c->size);
			OPTIMIZER_HIDE_VAR(p);
			memset(p, DIRT, size);
			vfree(p);
			p = vmalloc(c->size);
			KUNIT_ASSERT_NOT_NULL_MSG(test, p, "vmalloc(%zu) failed", c->size);
			ok = expect_zeroed(test, p, size, "vmalloc after vfree", c->size, round);
			vfree(p);
		}
		if (!ok)
			return;
	}
}

/* What the constructor of the exempt row writes. */
#define CTOR_BYTE	0x3c
#define EXEMPT_SIZE	64

static void iof_ctor(void *p)
{
	memset(p, CTOR_BYTE, EXEMPT_SIZE);
}

enum iof_exempt { IOF_CTOR, IOF_TYPESAFE_BY_RCU };

struct iof_exempt_case {
	const char *name;
	const char *cache;
	enum iof_exempt kind;
};

static const struct iof_exempt_case iof_exempt_cases[] = {
	{ "ctor", "allocsuite_iof_ctor", IOF_CTOR },
	{ "typesafe_by_rcu", "allocsuite_iof_rcu", IOF_TYPESAFE_BY_RCU },
};

static void iof_exempt_desc(const struct iof_exempt_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(iof_exempt, iof_exempt_cases, iof_exempt_desc);

/*
 * The documented exemption (slab_want_init_on_free()): init_on_free does
 * not wipe objects of a cache with a constructor, whose objects are
 * freed in their constructed state and must come back in it, nor of a
 * SLAB_TYPESAFE_BY_RCU cache, whose freed objects RCU readers may still
 * read. So with init_on_free=1 a ctor cache hands out, after free, objects
 * that still hold what the constructor wrote; a SLAB_TYPESAFE_BY_RCU
 * object read inside the RCU read-side section in which it was freed
 * still holds what was written into it.
 */
static void init_on_free_test_exempt(struct kunit *test)
{
	const struct iof_exempt_case *c = test->param_value;
	void *objs[NR_OBJS];
	struct kmem_cache *s;
	int round, i;
	size_t at;

	require_init_on_free(test);
	if (c->kind == IOF_CTOR) {
		s = kmem_cache_create(c->cache, EXEMPT_SIZE, 0, 0, iof_ctor);
		KUNIT_ASSERT_NOT_NULL(test, s);
		for (round = 0; round < ROUNDS; round++) {
			for (i = 0; i < NR_OBJS; i++) {
				objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
				if (!objs[i])
					break;
				at = alloc_kunit_first_diff(objs[i], CTOR_BYTE, EXEMPT_SIZE);
				if (at != EXEMPT_SIZE) {
					KUNIT_FAIL(test,
						   "init_on_free=1, cache with a ctor: round %d object %d byte %zu is %#x, expected the constructed %#x (ctor caches are exempt)",
						   round, i, at,
						   alloc_kunit_byte(objs[i], at, EXEMPT_SIZE),
						   CTOR_BYTE);
					round = ROUNDS;
					i++;
					break;
				}
			}
			while (i--)
				kmem_cache_free(s, objs[i]);
		}
		kmem_cache_destroy(s);
		return;
	}

	s = kmem_cache_create(c->cache, EXEMPT_SIZE, 0, SLAB_TYPESAFE_BY_RCU, NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	for (round = 0; round < ROUNDS; round++) {
		u8 *p = kmem_cache_alloc(s, GFP_KERNEL);

		if (!p) {
			KUNIT_FAIL(test, "kmem_cache_alloc(%s) failed", c->cache);
			break;
		}
		memset(p, DIRT, EXEMPT_SIZE);
		rcu_read_lock();
		kmem_cache_free(s, p);
		/* Type-safe memory: reading it here is what RCU readers do. */
		at = alloc_kunit_first_diff(p, DIRT, EXEMPT_SIZE);
		rcu_read_unlock();
		if (at != EXEMPT_SIZE) {
			KUNIT_FAIL(test,
				   "init_on_free=1, SLAB_TYPESAFE_BY_RCU cache: freed object read under RCU: byte %zu changed, expected %#x (such caches are exempt)",
				   at, DIRT);
			break;
		}
	}
	kmem_cache_destroy(s);
}

static struct kunit_case alloc_init_on_free_cases[] = {
	KUNIT_CASE_PARAM(init_on_free_test_kmalloc, iof_kmalloc_gen_params),
	KUNIT_CASE_PARAM(init_on_free_test_kmem_cache, iof_cache_gen_params),
	KUNIT_CASE_PARAM(init_on_free_test_kmem_cache_bulk, iof_cache_gen_params),
	KUNIT_CASE_PARAM(init_on_free_test_kfree_bulk, iof_slab_size_gen_params),
	KUNIT_CASE_PARAM(init_on_free_test_pages, iof_order_gen_params),
	KUNIT_CASE_PARAM(init_on_free_test_exact_vmalloc, iof_exact_gen_params),
	KUNIT_CASE_PARAM(init_on_free_test_exempt, iof_exempt_gen_params),
	{}
};

struct kunit_suite alloc_init_on_free_suite = {
	.name = "alloc_init_on_free",
	.test_cases = alloc_init_on_free_cases,
};

/* --- slub_debug --------------------------------------------------------- */

#ifdef CONFIG_SLUB_DEBUG
/* mm/slab.h, exported for lib/slub_kunit.c: checks every slab of @s. */
long validate_slab_cache(struct kmem_cache *s);
#endif

/* The object size of the test's own caches. */
#define SD_SIZE		64
/* What a test writes where it must not. */
#define SD_CLOBBER	0x12

/*
 * Skip unless the cache @name has every debug flag of @attrs (sysfs
 * names, NULL-terminated) set; the skip names the missing flag.
 */
static void require_slab_flags(struct kunit *test, const char *name, const char * const *attrs)
{
	for (; *attrs; attrs++) {
		int on = alloc_kunit_slab_attr(name, *attrs);

		if (on < 0)
			kunit_skip(test, "cannot read /sys/kernel/slab/%s/%s (error %d)", name,
				   *attrs, on);
		if (!on)
			kunit_skip(test, "cache %s has %s=0: boot without slub_debug for it", name,
				   *attrs);
	}
}

/* A cache of the test's own, created without any debug flag. */
static struct kmem_cache *sd_cache(struct kunit *test, const char *name,
				   const char * const *attrs)
{
	struct kmem_cache *s;

	if (!IS_ENABLED(CONFIG_SLUB_DEBUG))
		kunit_skip(test, "needs CONFIG_SLUB_DEBUG (validate_slab_cache, slab_errors)");
	s = kmem_cache_create(name, SD_SIZE, 0, 0, NULL);
	KUNIT_ASSERT_NOT_NULL_MSG(test, s, "kmem_cache_create(%s) failed", name);
	if (attrs) {
		/* A skip ends the case here: destroy the cache first. */
		int i;

		for (i = 0; attrs[i]; i++)
			if (alloc_kunit_slab_attr(name, attrs[i]) != 1)
				break;
		if (attrs[i]) {
			kmem_cache_destroy(s);
			require_slab_flags(test, name, attrs);
		}
	}
	return s;
}

static long sd_validate(struct kmem_cache *s)
{
#ifdef CONFIG_SLUB_DEBUG
	return validate_slab_cache(s);
#else
	return 0;
#endif
}

struct sd_flags_case {
	const char *name;
	const char *cache;		/* NULL: the test's own cache */
};

static const struct sd_flags_case sd_flags_cases[] = {
	{ "own_cache", NULL },
	{ "kmalloc-64", "kmalloc-64" },
	{ "kmalloc-1k", "kmalloc-1k" },
	{ "kmalloc-cache_max", "" },
};

static void sd_flags_desc(const struct sd_flags_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sd_flags, sd_flags_cases, sd_flags_desc);

static const char * const sd_all_flags[] = {
	"sanity_checks", "red_zone", "poison", "store_user", NULL
};

/*
 * slub_debug=FZPU gives every cache, created before or after the boot
 * and without debug flags of its own, sanity checks, red zones,
 * poisoning and user tracking. Skipped when the cache has none of them
 * (a boot without slub_debug); one missing among them fails.
 */
static void slub_debug_test_flags_from_boot(struct kunit *test)
{
	const struct sd_flags_case *c = test->param_value;
	const char * const *attr;
	struct kmem_cache *s = NULL;
	char name[32];
	int on[ARRAY_SIZE(sd_all_flags)], i, n = 0;

	if (!c->cache) {
		s = sd_cache(test, "allocsuite_sd_flags", NULL);
		strscpy(name, "allocsuite_sd_flags", sizeof(name));
	} else if (!c->cache[0]) {
		alloc_kunit_kmalloc_cache_name(KMALLOC_MAX_CACHE_SIZE, name, sizeof(name));
	} else {
		strscpy(name, c->cache, sizeof(name));
	}
	for (attr = sd_all_flags, i = 0; *attr; attr++, i++) {
		on[i] = alloc_kunit_slab_attr(name, *attr);
		n += on[i] == 1;
	}
	kmem_cache_destroy(s);
	for (attr = sd_all_flags, i = 0; *attr; attr++, i++)
		if (on[i] < 0)
			kunit_skip(test, "cannot read /sys/kernel/slab/%s/%s (error %d)", name,
				   *attr, on[i]);
	if (!n)
		kunit_skip(test, "cache %s has no debug flag: boot without slub_debug", name);
	for (attr = sd_all_flags, i = 0; *attr; attr++, i++)
		KUNIT_EXPECT_EQ_MSG(test, on[i], 1,
				    "slub_debug=FZPU: cache %s (created without debug flags) has %s=%d, expected 1",
				    name, *attr, on[i]);
}

enum sd_where { SD_RIGHT, SD_LEFT, SD_KMALLOC };
enum sd_when { SD_AT_VALIDATE, SD_AT_FREE };

struct sd_redzone_case {
	const char *name;
	enum sd_where where;
	enum sd_when when;
};

static const struct sd_redzone_case sd_redzone_cases[] = {
	{ "right_validate", SD_RIGHT, SD_AT_VALIDATE },
	{ "right_free", SD_RIGHT, SD_AT_FREE },
	{ "left_validate", SD_LEFT, SD_AT_VALIDATE },
	{ "left_free", SD_LEFT, SD_AT_FREE },
	{ "kmalloc_validate", SD_KMALLOC, SD_AT_VALIDATE },
	{ "kmalloc_free", SD_KMALLOC, SD_AT_FREE },
};

static void sd_redzone_desc(const struct sd_redzone_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sd_redzone, sd_redzone_cases, sd_redzone_desc);

/* kmalloc(18): 14 bytes of kmalloc red zone in kmalloc-32. */
#define SD_KMALLOC_SIZE	18

/*
 * An overwritten red zone is reported: the byte right after the object,
 * the byte right before it (the left red zone), and, for kmalloc, the
 * bytes between the requested size and the class size. Reported when
 * validate_slab_cache() checks the live object, and by the sanity checks
 * when the object is freed (then SLUB keeps the object, restores the red
 * zone, and the second free goes through). The reports are counted in
 * slab_errors; afterwards the cache validates clean.
 */
static void slub_debug_test_redzone(struct kunit *test)
{
	static const char * const own_attrs[] = { "red_zone", "sanity_checks", NULL };
	static const char * const kmalloc_attrs[] = {
		"red_zone", "store_user", "sanity_checks", NULL
	};
	const struct sd_redzone_case *c = test->param_value;
	struct kmem_cache *s = NULL;
	int *errors, seen;
	char name[32];
	u8 *p;

	if (c->where == SD_KMALLOC) {
		if (!IS_ENABLED(CONFIG_SLUB_DEBUG))
			kunit_skip(test,
				   "needs CONFIG_SLUB_DEBUG (validate_slab_cache, slab_errors)");
		alloc_kunit_kmalloc_cache_name(SD_KMALLOC_SIZE, name, sizeof(name));
		require_slab_flags(test, name, kmalloc_attrs);
		s = kmalloc_caches[kmalloc_type(GFP_KERNEL, 0)][kmalloc_index(SD_KMALLOC_SIZE)];
		p = kmalloc(SD_KMALLOC_SIZE, GFP_KERNEL);
	} else {
		strscpy(name, c->where == SD_RIGHT ? "allocsuite_sd_rz_right" :
			"allocsuite_sd_rz_left", sizeof(name));
		s = sd_cache(test, name, own_attrs);
		p = kmem_cache_alloc(s, GFP_KERNEL);
	}
	if (!p) {
		if (c->where != SD_KMALLOC)
			kmem_cache_destroy(s);
		KUNIT_FAIL(test, "allocation from %s failed", name);
		return;
	}
	errors = alloc_kunit_slab_errors(test);

	kasan_disable_current();
	OPTIMIZER_HIDE_VAR(p);
	if (c->where == SD_RIGHT) {
		p[SD_SIZE] = SD_CLOBBER;
	} else if (c->where == SD_LEFT) {
		p[-1] = SD_CLOBBER;
	} else {
		p[SD_KMALLOC_SIZE] = SD_CLOBBER;
		p[SD_KMALLOC_SIZE + 1] = SD_CLOBBER;
	}
	if (c->when == SD_AT_VALIDATE) {
		sd_validate(s);
		seen = *errors;
		kasan_enable_current();
		KUNIT_EXPECT_GE_MSG(test, seen, 1,
				    "slub_debug: %s: overwritten %s red zone of a live object: validate_slab_cache() counted %d slab errors, expected at least 1",
				    name, c->name, seen);
		if (c->where == SD_KMALLOC)
			kfree(p);
		else
			kmem_cache_free(s, p);
	} else {
		if (c->where == SD_KMALLOC)
			kfree(p);
		else
			kmem_cache_free(s, p);
		seen = *errors;
		kasan_enable_current();
		KUNIT_EXPECT_GE_MSG(test, seen, 1,
				    "slub_debug: %s: overwritten %s red zone: the free counted %d slab errors, expected at least 1 (sanity checks at free)",
				    name, c->name, seen);
		/* Reported: SLUB kept the object and restored its red zone. */
		if (seen) {
			if (c->where == SD_KMALLOC)
				kfree(p);
			else
				kmem_cache_free(s, p);
		}
	}
	seen = *errors;
	sd_validate(s);
	KUNIT_EXPECT_EQ_MSG(test, *errors, seen,
			    "slub_debug: %s: after the red zone was reported and restored, validate_slab_cache() counted %d more slab errors",
			    name, *errors - seen);
	if (c->where != SD_KMALLOC)
		kmem_cache_destroy(s);
}

struct sd_poison_case {
	const char *name;
	unsigned int offset;
};

static const struct sd_poison_case sd_poison_cases[] = {
	{ "first_byte", 0 },
	{ "byte_50", 50 },
	{ "last_byte", SD_SIZE - 1 },
};

static void sd_poison_desc(const struct sd_poison_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sd_poison, sd_poison_cases, sd_poison_desc);

/*
 * A freed object is poisoned: it reads POISON_FREE up to its last byte,
 * which is POISON_END, and validate_slab_cache(), which checks exactly
 * that on every free object, counts nothing. A write after free into it
 * (first byte, byte 50, last byte) is then reported by
 * validate_slab_cache(), which restores the poison. Generic KASAN
 * quarantines freed objects, so SLUB does not see them as free: skipped
 * there, as lib/slub_kunit.c leaves these cases out under KASAN.
 */
static void slub_debug_test_poison(struct kunit *test)
{
	static const char * const attrs[] = { "poison", NULL };
	const struct sd_poison_case *c = test->param_value;
	struct kmem_cache *s;
	int *errors, seen;
	size_t at;
	u8 *p;

	if (IS_ENABLED(CONFIG_KASAN))
		kunit_skip(test, "KASAN quarantines freed objects: SLUB checks no poison of them");
	s = sd_cache(test, "allocsuite_sd_poison", attrs);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	if (!p) {
		kmem_cache_destroy(s);
		KUNIT_FAIL(test, "kmem_cache_alloc(allocsuite_sd_poison) failed");
		return;
	}
	memset(p, DIRT, SD_SIZE);
	errors = alloc_kunit_slab_errors(test);
	kmem_cache_free(s, p);

	/* No KASAN here (skipped above): the freed object can be read. */
	at = alloc_kunit_first_diff(p, POISON_FREE, SD_SIZE - 1);
	KUNIT_EXPECT_EQ_MSG(test, at, SD_SIZE - 1,
			    "slub_debug: freed object byte %zu is %#x, expected POISON_FREE %#x",
			    at, alloc_kunit_byte(p, at, SD_SIZE - 1), POISON_FREE);
	KUNIT_EXPECT_EQ_MSG(test, p[SD_SIZE - 1], POISON_END,
			    "slub_debug: freed object's last byte is %#x, expected POISON_END %#x",
			    p[SD_SIZE - 1], POISON_END);
	sd_validate(s);
	KUNIT_EXPECT_EQ_MSG(test, *errors, 0,
			    "slub_debug: validate_slab_cache() of a cache with one untouched freed object counted %d slab errors",
			    *errors);

	seen = *errors;
	p[c->offset] = SD_CLOBBER;
	sd_validate(s);
	KUNIT_EXPECT_GE_MSG(test, *errors - seen, 1,
			    "slub_debug: write after free at byte %u of a poisoned object: validate_slab_cache() counted %d slab errors, expected at least 1",
			    c->offset, *errors - seen);
	seen = *errors;
	sd_validate(s);
	KUNIT_EXPECT_EQ_MSG(test, *errors, seen,
			    "slub_debug: after the poison was reported and restored, validate_slab_cache() counted %d more slab errors",
			    *errors - seen);
	kmem_cache_destroy(s);
}

/*
 * Sanity checks: freeing an object twice is reported ("Object already
 * free") and does not free it twice; the cache validates clean after.
 * Generic KASAN catches the double free before SLUB: skipped there.
 */
static void slub_debug_test_double_free(struct kunit *test)
{
	static const char * const attrs[] = { "sanity_checks", NULL };
	struct kmem_cache *s;
	int *errors, seen;
	void *p;

	if (IS_ENABLED(CONFIG_KASAN))
		kunit_skip(test, "KASAN reports the double free before SLUB's sanity checks");
	s = sd_cache(test, "allocsuite_sd_double_free", attrs);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	if (!p) {
		kmem_cache_destroy(s);
		KUNIT_FAIL(test, "kmem_cache_alloc(allocsuite_sd_double_free) failed");
		return;
	}
	errors = alloc_kunit_slab_errors(test);
	kmem_cache_free(s, p);
	KUNIT_EXPECT_EQ_MSG(test, *errors, 0, "slub_debug: the first free counted %d slab errors",
			    *errors);
	kmem_cache_free(s, p);
	seen = *errors;
	KUNIT_EXPECT_GE_MSG(test, seen, 1,
			    "slub_debug: a double free counted %d slab errors, expected at least 1 (sanity checks)",
			    seen);
	sd_validate(s);
	KUNIT_EXPECT_EQ_MSG(test, *errors, seen,
			    "slub_debug: after the double free was refused, validate_slab_cache() counted %d more slab errors",
			    *errors - seen);
	kmem_cache_destroy(s);
}

static struct kunit_case alloc_slub_debug_cases[] = {
	KUNIT_CASE_PARAM(slub_debug_test_flags_from_boot, sd_flags_gen_params),
	KUNIT_CASE_PARAM(slub_debug_test_redzone, sd_redzone_gen_params),
	KUNIT_CASE_PARAM(slub_debug_test_poison, sd_poison_gen_params),
	KUNIT_CASE(slub_debug_test_double_free),
	{}
};

struct kunit_suite alloc_slub_debug_suite = {
	.name = "alloc_slub_debug",
	.test_cases = alloc_slub_debug_cases,
};
