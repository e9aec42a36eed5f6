// SPDX-License-Identifier: GPL-2.0
/*
 * alloc_torture's allocation APIs: one ops table each, so that the
 * workers allocate, free and check an object without a switch on its API.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "alloc_torture.h"

static void *at_kmalloc_alloc(u32 size, unsigned int order, gfp_t gfp, bool zero,
			      struct page **page)
{
	return kmalloc(size, gfp);
}

static void *at_kzalloc_alloc(u32 size, unsigned int order, gfp_t gfp, bool zero,
			      struct page **page)
{
	return kzalloc(size, gfp);
}

static void at_kfree(const struct at_obj *obj)
{
	kfree(obj->ptr);
}

static const struct at_api_ops at_kmalloc_ops = {
	.name = "kmalloc",
	.alloc = at_kmalloc_alloc,
	.free = at_kfree,
	.zeroes = -1,	/* kmalloc() is the one API that never zeroes */
	.atomic_ok = true,
	.kmalloc_align = true,
};

static const struct at_api_ops at_kzalloc_ops = {
	.name = "kzalloc",
	.alloc = at_kzalloc_alloc,
	.free = at_kfree,
	.zeroes = 1,
	.atomic_ok = true,
	.kmalloc_align = true,
};

static void *at_cache_alloc(u32 size, unsigned int order, gfp_t gfp, bool zero,
			    struct page **page)
{
	return kmem_cache_alloc(at.cache, gfp | (zero ? __GFP_ZERO : 0));
}

static void at_cache_free(const struct at_obj *obj)
{
	kmem_cache_free(at.cache, obj->ptr);
}

static u32 at_cache_size(u32 size, unsigned int order)
{
	return AT_CACHE_SIZE;
}

static const struct at_api_ops at_cache_ops = {
	.name = "kmem_cache",
	.alloc = at_cache_alloc,
	.free = at_cache_free,
	.size = at_cache_size,
	.atomic_ok = true,
};

static void *at_pages_alloc(u32 size, unsigned int order, gfp_t gfp, bool zero,
			    struct page **page)
{
	*page = alloc_pages(gfp | (zero ? __GFP_ZERO : 0), order);
	return *page ? page_address(*page) : NULL;
}

static void at_pages_free(const struct at_obj *obj)
{
	__free_pages(obj->page, obj->order);
}

static u32 at_pages_size(u32 size, unsigned int order)
{
	return PAGE_SIZE << order;
}

static const struct at_api_ops at_pages_ops = {
	.name = "alloc_pages",
	.alloc = at_pages_alloc,
	.free = at_pages_free,
	.size = at_pages_size,
	.atomic_ok = true,
};

static void *at_vmalloc_alloc(u32 size, unsigned int order, gfp_t gfp, bool zero,
			      struct page **page)
{
	/* vmalloc knows __GFP_RETRY_MAYFAIL (no OOM killer), not NORETRY. */
	return __vmalloc(size, (gfp & ~__GFP_NORETRY) | (zero ? __GFP_ZERO : 0) |
			 (at.p.pressure ? __GFP_RETRY_MAYFAIL : 0));
}

static void at_vfree(const struct at_obj *obj)
{
	vfree(obj->ptr);
}

static const struct at_api_ops at_vmalloc_ops = {
	.name = "vmalloc",
	.alloc = at_vmalloc_alloc,
	.free = at_vfree,
	/* vfree() must not run in atomic context: no vmalloc there. */
	.atomic_ok = false,
};

const struct at_api_ops *const at_apis[AT_NR_APIS] = {
	[AT_KMALLOC] = &at_kmalloc_ops,
	[AT_KZALLOC] = &at_kzalloc_ops,
	[AT_CACHE] = &at_cache_ops,
	[AT_PAGES] = &at_pages_ops,
	[AT_VMALLOC] = &at_vmalloc_ops,
};
