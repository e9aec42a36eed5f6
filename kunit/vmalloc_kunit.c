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
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/sizes.h>
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

static struct kunit_case alloc_vmalloc_cases[] = {
	KUNIT_CASE_PARAM(vmalloc_test_sizes, vmalloc_gen_params),
	KUNIT_CASE_PARAM(vzalloc_test_zeroed, vmalloc_gen_params),
	KUNIT_CASE(vmalloc_test_edges),
	KUNIT_CASE(vmalloc_user_test_zeroed),
	KUNIT_CASE(vmap_test_same_bytes),
	{}
};

struct kunit_suite alloc_vmalloc_suite = {
	.name = "alloc_vmalloc",
	.test_cases = alloc_vmalloc_cases,
};
