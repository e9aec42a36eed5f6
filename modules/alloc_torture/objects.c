// SPDX-License-Identifier: GPL-2.0
/*
 * alloc_torture's objects: what one operation draws, the allocation and
 * its checks (context, zeroing, alignment, no overlap with a live object
 * in the tree of live ranges), the header and fill verified at free, and
 * the rings that carry objects to the other side on the next CPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jhash.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/poison.h>
#include <linux/printk.h>
#include <linux/smp.h>
#include <linux/string.h>

#include "alloc_torture.h"

/**
 * at_running() - whether workers should keep going
 *
 * Return: false once the run is over or being stopped.
 */
bool at_running(void)
{
	return !READ_ONCE(at.stop) && time_before(jiffies, READ_ONCE(at.end));
}

/* The fill byte of an object: differs between neighbours, never a poison. */
static u8 at_fill(u64 seq, u16 owner)
{
	u8 b = 0x80 | ((seq ^ owner) & 0x3f);

	return (b == POISON_END || b == SLUB_RED_INACTIVE) ? b + 1 : b;
}

/**
 * at_error() - count an error of @w and say what it was, a few times per worker
 * @w: the worker that found it
 * @fmt: printf format of the message
 */
void at_error(struct at_worker *w, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (++w->st.errors > AT_MAX_REPORTS)
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("%s/%u: %pV\n", at_kinds[w->kind]->name, AT_OWNER_ID(w->owner), &vaf);
	va_end(args);
}

/**
 * at_init_edges() - the kmalloc class sizes and each size + 1
 *
 * Up to KMALLOC_MAX_CACHE_SIZE + 1, the sizes of size_dist=3.
 */
void at_init_edges(void)
{
	unsigned int shift;

	at.nr_edges = 0;
	for (shift = KMALLOC_SHIFT_LOW; shift <= KMALLOC_SHIFT_HIGH; shift++) {
		at.edges[at.nr_edges++] = 1U << shift;
		at.edges[at.nr_edges++] = (1U << shift) + 1;
		/* The 96 and 192 classes exist when KMALLOC_MIN_SIZE allows. */
		if ((shift == 6 && KMALLOC_MIN_SIZE <= 32) ||
		    (shift == 7 && KMALLOC_MIN_SIZE <= 64)) {
			at.edges[at.nr_edges++] = 3U << (shift - 1);
			at.edges[at.nr_edges++] = (3U << (shift - 1)) + 1;
		}
	}
}

/**
 * at_choose() - draw one operation's choices
 * @w: the worker, whose PRNG is used
 * @c: the choices
 *
 * The same seed gives the same sequence.
 */
void at_choose(struct at_worker *w, struct at_choice *c)
{
	/*
	 * Every operation draws the same number of values whatever happens
	 * (failures, handoffs), so the sequence depends on the seed only.
	 */
	const struct at_params *p = &at.p;
	u32 r = prandom_u32_state(&w->rnd);
	unsigned int dist = p->size_dist;
	unsigned int api;

	if (!dist)
		dist = 1 + r % 3;
	switch (dist) {
	case 1:
		c->size = p->fixed_size;
		break;
	case 2:
		c->size = p->min_size + prandom_u32_state(&w->rnd) %
			(p->max_size - p->min_size + 1);
		break;
	default:
		c->size = at.edges[prandom_u32_state(&w->rnd) % at.nr_edges];
		break;
	}
	/* Pick among the enabled APIs, in a fixed order. */
	api = prandom_u32_state(&w->rnd) % hweight32(p->api_mask);
	for (c->api = 0; c->api < AT_NR_APIS; c->api++)
		if ((p->api_mask & BIT(c->api)) && !api--)
			break;
	r = prandom_u32_state(&w->rnd);
	c->order = (r & 0xff) % (p->page_order_max + 1);
	c->nowait = r & 0x100;
	c->zero = r & 0x200;
	c->slot = prandom_u32_state(&w->rnd) % p->pool_size;
	c->handoff = prandom_u32_state(&w->rnd) % 100 < p->handoff_pct;
	if (w->seq < AT_DIGEST_OPS)
		w->st.digest = jhash_3words(c->size, c->api | c->order << 8,
					    c->slot, w->st.digest);
}

/* Record an allocation's latency in the log2 histogram. */
static void at_latency(struct at_worker *w, u8 api, u64 ns)
{
	w->st.lat[min_t(unsigned int, fls64(ns), AT_LAT_BUCKETS - 1)]++;
	w->st.alloc_ns += ns;
	w->st.api_ops[api]++;
	w->st.api_ns[api] += ns;
}

/*
 * Insert @obj into the live tree; returns the live object it overlaps,
 * or NULL. Called with at.lock held.
 */
static struct at_obj *at_tree_insert(struct at_obj *obj)
{
	struct rb_node **link = &at.tree.rb_node, *parent = NULL;
	unsigned long start = (unsigned long)obj->ptr, end = start + obj->size;

	/* Live ranges never overlap, so ordering by start address is total. */
	while (*link) {
		struct at_obj *o = rb_entry(*link, struct at_obj, node);
		unsigned long ostart = (unsigned long)o->ptr;

		parent = *link;
		if (end <= ostart)
			link = &(*link)->rb_left;
		else if (start >= ostart + o->size)
			link = &(*link)->rb_right;
		else
			return o;
	}
	rb_link_node(&obj->node, parent, link);
	rb_insert_color(&obj->node, &at.tree);
	return NULL;
}

/* Push @obj to @ring; false when the ring is full. Takes at.lock. */
static bool at_ring_push(struct at_ring *ring, struct at_obj *obj)
{
	unsigned long flags;
	bool ok = false;

	spin_lock_irqsave(&at.lock, flags);
	if (ring->count < ring->size) {
		ring->slot[(ring->head + ring->count++) % ring->size] = obj;
		ok = true;
	}
	spin_unlock_irqrestore(&at.lock, flags);
	return ok;
}

/**
 * at_ring_pop() - take the oldest object of @ring
 * @ring: a ring of objects handed over
 *
 * Takes at.lock.
 *
 * Return: the object, or NULL when the ring is empty.
 */
struct at_obj *at_ring_pop(struct at_ring *ring)
{
	struct at_obj *obj = NULL;
	unsigned long flags;

	spin_lock_irqsave(&at.lock, flags);
	if (ring->count) {
		obj = ring->slot[ring->head];
		ring->head = (ring->head + 1) % ring->size;
		ring->count--;
	}
	spin_unlock_irqrestore(&at.lock, flags);
	return obj;
}

/* Check an object's header and fill before it is freed. */
static void at_verify(struct at_worker *w, struct at_obj *obj)
{
	const char *api = at_apis[obj->api]->name;
	const char *kind = at_kinds[obj->owner >> AT_OWNER_SHIFT]->name;
	u8 fill = at_fill(obj->seq, obj->owner);
	const u8 *p = obj->ptr, *bad;
	size_t off = 0;

	if (obj->size >= sizeof(struct at_hdr)) {
		const struct at_hdr *h = obj->ptr;

		if (h->magic != AT_MAGIC || h->owner != obj->owner || h->api != obj->api ||
		    h->size != obj->size || h->seq != obj->seq || h->fill != fill) {
			at_error(w,
				 "%s object %p size %u of %s/%u seq %llu: header overwritten (magic %#x owner %#x seq %llu size %u)",
				 api, obj->ptr, obj->size, kind, AT_OWNER_ID(obj->owner),
				 obj->seq, h->magic, h->owner, h->seq, h->size);
			return;
		}
		off = sizeof(struct at_hdr);
	}
	bad = memchr_inv(p + off, fill, obj->size - off);
	if (bad)
		at_error(w,
			 "%s object %p size %u of %s/%u seq %llu: byte %td is %#x, expected fill %#x",
			 api, obj->ptr, obj->size, kind, AT_OWNER_ID(obj->owner),
			 obj->seq, bad - p, *bad, fill);
}

/**
 * at_release() - verify, untrack and free one object
 * @w: the worker freeing it (its stats count the free)
 * @obj: the object, freed with the API that allocated it
 */
void at_release(struct at_worker *w, struct at_obj *obj)
{
	struct at_obj copy = *obj;
	unsigned long flags;
	u64 t0, ns;

	/* Checked while still tracked: the verdict names its owner. */
	at_verify(w, obj);
	/* Untrack before freeing: the memory may be handed out at once. */
	spin_lock_irqsave(&at.lock, flags);
	rb_erase(&obj->node, &at.tree);
	obj->next_free = at.free_handles;
	at.free_handles = obj;
	spin_unlock_irqrestore(&at.lock, flags);
	atomic_long_dec(&at.live);

	t0 = ktime_get_ns();
	at_apis[copy.api]->free(&copy);
	ns = ktime_get_ns() - t0;
	w->st.free_ns += ns;
	w->st.frees++;
	w->st.api_free_ns[copy.api] += ns;
	w->st.api_frees[copy.api]++;
}

/* The GFP flags of an allocation by @w. */
static gfp_t at_gfp(const struct at_worker *w, const struct at_choice *c)
{
	if (at_kinds[w->kind]->atomic)
		return (c->nowait ? GFP_NOWAIT : GFP_ATOMIC) | __GFP_NOWARN;
	/* Under pressure, fail rather than wake the OOM killer. */
	return GFP_KERNEL | __GFP_NOWARN | (at.p.pressure ? __GFP_NORETRY : 0);
}

/* Write the header and fill of a new object. */
static void at_fill_obj(struct at_obj *obj)
{
	u8 fill = at_fill(obj->seq, obj->owner);

	if (obj->size >= sizeof(struct at_hdr)) {
		struct at_hdr *h = obj->ptr;

		h->magic = AT_MAGIC;
		h->owner = obj->owner;
		h->api = obj->api;
		h->order = obj->order;
		h->size = obj->size;
		h->seq = obj->seq;
		h->fill = fill;
		memset(h + 1, fill, obj->size - sizeof(*h));
	} else {
		memset(obj->ptr, fill, obj->size);
	}
}

/* Allocate one object as @c says, verify it and track it; NULL on failure. */
static struct at_obj *at_alloc(struct at_worker *w, const struct at_choice *c)
{
	bool atomic = at_kinds[w->kind]->atomic;
	unsigned long errors = w->st.errors;
	unsigned int pc = preempt_count();
	bool irqs = irqs_disabled();
	const struct at_api_ops *ops;
	struct at_obj *obj, *other;
	struct page *page = NULL;
	gfp_t gfp = at_gfp(w, c);
	u8 api = c->api;
	bool zero = c->zero;
	unsigned long flags;
	u32 size = c->size;
	void *p;
	u64 t0;

	/* An API that must not run here is replaced by kmalloc. */
	if (atomic && !at_apis[api]->atomic_ok)
		api = AT_KMALLOC;
	ops = at_apis[api];
	if (ops->zeroes)
		zero = ops->zeroes > 0;
	if (ops->size)
		size = ops->size(size, c->order);

	t0 = ktime_get_ns();
	p = ops->alloc(size, c->order, gfp, zero, &page);
	at_latency(w, api, ktime_get_ns() - t0);
	w->st.ops++;

	/* Failed or not, the allocation must not have changed our context. */
	if (preempt_count() != pc || irqs_disabled() != irqs)
		at_error(w,
			 "%s(%u) changed the context: preempt_count %#x -> %#x, irqs_disabled %d -> %d",
			 ops->name, size, pc, preempt_count(), irqs, irqs_disabled());
	if (!p) {
		w->st.failures++;
		if (!atomic && !at.p.pressure && !at.p.faults) {
			w->st.unexpected++;
			pr_err("%s/%u: %s(%u, GFP_KERNEL) failed with neither pressure nor fault injection\n",
			       at_kinds[w->kind]->name, AT_OWNER_ID(w->owner), ops->name, size);
		} else if (at.p.verbose >= 2) {
			pr_info_ratelimited("%s/%u: %s(%u) failed (expected in this mode)\n",
					    at_kinds[w->kind]->name, AT_OWNER_ID(w->owner),
					    ops->name, size);
		}
		return NULL;
	}
	w->st.bytes += size;

	/* Zeroing is checked before anything of ours is written to it. */
	if (zero) {
		const u8 *bad = memchr_inv(p, 0, size);

		if (bad)
			at_error(w,
				 "%s(%u, %s%s) byte %td is %#x, expected 0",
				 ops->name, size, atomic ? "GFP_ATOMIC" : "GFP_KERNEL",
				 ops->zeroes > 0 ? "" : " | __GFP_ZERO",
				 bad - (const u8 *)p, *bad);
	}
	/* Documented: power-of-two sizes are aligned to their size. */
	if (ops->kmalloc_align) {
		unsigned long align = is_power_of_2(size) ?
			min_t(unsigned long, size, PAGE_SIZE) : ARCH_KMALLOC_MINALIGN;

		if (!IS_ALIGNED((unsigned long)p, align))
			at_error(w,
				 "kmalloc(%u) returned %p, %lu bytes past the documented alignment",
				 size, p, (unsigned long)p & (align - 1));
	}

	/* Handles come from a fixed array: no allocation of our own here. */
	spin_lock_irqsave(&at.lock, flags);
	obj = at.free_handles;
	if (obj)
		at.free_handles = obj->next_free;
	spin_unlock_irqrestore(&at.lock, flags);
	if (WARN_ON_ONCE(!obj))	/* handles == slots: cannot happen */
		goto quarantine;
	obj->ptr = p;
	obj->page = page;
	obj->size = size;
	obj->api = api;
	obj->order = c->order;
	obj->owner = w->owner;
	obj->seq = w->seq;
	obj->cpu = raw_smp_processor_id();

	spin_lock_irqsave(&at.lock, flags);
	other = at_tree_insert(obj);
	if (other) {
		obj->next_free = at.free_handles;
		at.free_handles = obj;
	}
	spin_unlock_irqrestore(&at.lock, flags);
	if (other) {
		/* Freeing either copy would corrupt the allocator: keep both. */
		at_error(w,
			 "%s(%u) returned %p, %ld bytes into live %s object %p size %u of %s/%u seq %llu",
			 ops->name, size, p, (long)(p - other->ptr),
			 at_apis[other->api]->name, other->ptr, other->size,
			 at_kinds[other->owner >> AT_OWNER_SHIFT]->name,
			 AT_OWNER_ID(other->owner), other->seq);
		goto quarantine;
	}
	atomic_long_inc(&at.live);
	at_fill_obj(obj);
	/* Handed out and checked: context, zeroing, alignment, no overlap. */
	if (w->st.errors == errors)
		w->st.verified++;
	return obj;

quarantine:
	atomic_long_inc(&at.quarantined);
	return NULL;
}

/*
 * The CPU whose other side gets @w's handoffs: the next CPU of the run
 * whose workers run (itself with one CPU), so that on SMP every handed
 * over object is freed on another CPU than the one that allocated it.
 */
static struct at_cpu *at_handoff_cpu(const struct at_worker *w)
{
	unsigned int i, n = at.nr_cpus;

	for (i = 1; i < n; i++) {
		struct at_cpu *c = &at.cpus[(w->pcpu->index + i) % n];

		if (READ_ONCE(c->active))
			return c;
	}
	return w->pcpu;
}

/**
 * at_op() - one operation: retire a random slot's object, allocate a new one
 * @w: the worker
 *
 * The object retired is freed here or handed to the other side (atomic
 * to process context and back) on the next CPU.
 */
void at_op(struct at_worker *w)
{
	struct at_choice c;
	struct at_obj *old;

	/* A random slot: objects live a geometric, seed-given while. */
	at_choose(w, &c);
	old = w->pool[c.slot];
	if (old) {
		struct at_cpu *to = c.handoff ? at_handoff_cpu(w) : NULL;
		struct at_ring *ring = NULL;

		if (to)
			ring = at_kinds[w->kind]->atomic ? &to->to_process : &to->to_atomic;
		w->pool[c.slot] = NULL;
		/* Objects atomic context must not free never go there. */
		if (ring)
			old->from = w->pcpu->index;
		if (ring && (ring == &to->to_process || at_apis[old->api]->atomic_ok) &&
		    at_ring_push(ring, old))
			w->st.handoffs_out++;
		else
			at_release(w, old);
	}
	w->pool[c.slot] = at_alloc(w, &c);
	w->seq++;
}
