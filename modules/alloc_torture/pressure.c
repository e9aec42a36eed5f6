// SPDX-License-Identifier: GPL-2.0
/*
 * alloc_torture's pressure mode: a kthread that holds free memory just
 * above the low watermark, and a shrinker that gives the pages back to
 * reclaim first.
 */
#include <linux/gfp.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/shrinker.h>
#include <linux/vmstat.h>

#include "alloc_torture.h"

#ifndef AT_HAVE_SHRINKER_ALLOC
static struct shrinker at_hog_shrinker_old;
#endif

/*
 * Sum of the low and min watermarks of every populated zone, in pages;
 * and what GFP_KERNEL can never take: the high-atomic reserve, and each
 * lower zone's lowmem_reserve against GFP_KERNEL's zone (on x86_64,
 * ZONE_DMA keeps about 1/256 of the memory above it).
 */
static void at_watermarks(void)
{
	int nid, z, top = gfp_zone(GFP_KERNEL);

	at.wmark_low = 0;
	at.wmark_min = 0;
	at.highatomic = 0;
	at.lowmem_reserve = 0;
	for_each_online_node(nid) {
		for (z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];

			if (!populated_zone(zone))
				continue;
			at.wmark_low += low_wmark_pages(zone);
			at.wmark_min += min_wmark_pages(zone);
			/* Not usable by GFP_KERNEL: the watermark checks subtract it. */
			at.highatomic += READ_ONCE(zone->nr_reserved_highatomic);
			at.lowmem_reserve += READ_ONCE(zone->lowmem_reserve[top]);
		}
	}
}

/* Give back the hog's most recent chunk: its size in pages, 0 if none. */
static unsigned long at_hog_free_one(void)
{
	struct page *page;
	unsigned int order;

	spin_lock(&at.hog_lock);
	page = list_first_entry_or_null(&at.hog_pages, struct page, lru);
	if (page) {
		list_del(&page->lru);
		at.hog_held -= 1UL << page_private(page);
	}
	spin_unlock(&at.hog_lock);
	if (!page)
		return 0;
	order = page_private(page);
	set_page_private(page, 0);
	__free_pages(page, order);
	return 1UL << order;
}

/*
 * What the hog leaves free at least: low watermark over the high-atomic
 * reserve and the lower zones' lowmem reserves.
 */
static unsigned long at_hog_floor(void)
{
	/* Watermark boosts move the watermarks: read them every time. */
	at_watermarks();
	return at.highatomic + at.lowmem_reserve + at.wmark_low;
}

/*
 * Reclaim gives the hog's pages back first: a task that enters direct
 * reclaim (user space faulting a page in, say) while the workers' atomic
 * allocations or a watermark boost took free memory below min would
 * otherwise find nothing to reclaim and call the OOM killer before the
 * hog looks again, a jiffy later.
 */
static unsigned long at_hog_count(struct shrinker *shrinker, struct shrink_control *sc)
{
	return READ_ONCE(at.hog_held) ?: SHRINK_EMPTY;
}

static unsigned long at_hog_scan(struct shrinker *shrinker, struct shrink_control *sc)
{
	unsigned long freed = 0, n;

	while (freed < sc->nr_to_scan && (n = at_hog_free_one()))
		freed += n;
	atomic_long_add(freed, &at.hog_shrunk);
	return freed ?: SHRINK_STOP;
}

/**
 * at_hog_shrinker_register() - register the hog's shrinker
 *
 * shrinker_alloc() from 6.7, a static shrinker before it.
 *
 * Return: 0, or -ENOMEM.
 */
int at_hog_shrinker_register(void)
{
	struct shrinker *s;

#ifdef AT_HAVE_SHRINKER_ALLOC
	s = shrinker_alloc(0, "alloc_torture-hog");
	if (!s)
		return -ENOMEM;
#else
	s = &at_hog_shrinker_old;
#endif
	s->count_objects = at_hog_count;
	s->scan_objects = at_hog_scan;
	s->seeks = DEFAULT_SEEKS;
#ifdef AT_HAVE_SHRINKER_ALLOC
	shrinker_register(s);
#else
	if (register_shrinker(s, "alloc_torture-hog"))
		return -ENOMEM;
#endif
	at.hog_shrinker = s;
	return 0;
}

/**
 * at_hog_shrinker_unregister() - unregister the hog's shrinker, if registered
 */
void at_hog_shrinker_unregister(void)
{
	if (!at.hog_shrinker)
		return;
#ifdef AT_HAVE_SHRINKER_ALLOC
	shrinker_free(at.hog_shrinker);
#else
	unregister_shrinker(at.hog_shrinker);
#endif
	at.hog_shrinker = NULL;
}

/**
 * at_hog_fn() - the pressure kthread
 * @data: unused
 *
 * Holds free memory just above the low watermark (on top of the
 * high-atomic reserve, with one low-min gap of slack), so that the
 * workers' allocations run near their failure paths while GFP_KERNEL
 * callers (user space included) still find pages above min. Lower is
 * not safe on UML: with the hog halfway between min and low, or an
 * eighth of the way, the OOM killer took the script. Checked every jiffy;
 * in between, reclaim takes the hog's pages through its shrinker.
 *
 * Return: 0, once stopped with every page given back.
 */
int at_hog_fn(void *data)
{
	while (!kthread_should_stop()) {
		unsigned long free = global_zone_page_state(NR_FREE_PAGES);
		unsigned long floor, target;
		unsigned int n, cap = 9;

		floor = at_hog_floor();
		target = floor + (at.wmark_low - at.wmark_min);

		at.free_min_seen = min(at.free_min_seen, free);
		for (n = 0; n < 4096 && at_running() && free > target; n++) {
			unsigned int order = min_t(unsigned int, cap, ilog2(free - target));
			struct page *page;

			page = alloc_pages(__GFP_NOWARN | __GFP_NORETRY | __GFP_NOMEMALLOC, order);
			if (!page) {
				/* Free memory may be fragmented: smaller blocks next. */
				if (!order)
					break;
				cap = order - 1;
				continue;
			}
			set_page_private(page, order);
			spin_lock(&at.hog_lock);
			list_add(&page->lru, &at.hog_pages);
			at.hog_held += 1UL << order;
			at.hog_max = max(at.hog_max, at.hog_held);
			spin_unlock(&at.hog_lock);
			free = global_zone_page_state(NR_FREE_PAGES);
		}
		at.free_min_seen = min(at.free_min_seen, free);
		while ((!at_running() || global_zone_page_state(NR_FREE_PAGES) < at_hog_floor()) &&
		       at_hog_free_one())
			;
		schedule_timeout_interruptible(1);
	}
	while (at_hog_free_one())
		;
	return 0;
}
