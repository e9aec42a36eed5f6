// SPDX-License-Identifier: GPL-2.0
/*
 * alloc_torture: allocations hammered from atomic contexts, every object
 * verified.
 *
 * A timer_list timer fires every jiffy (softirq context) and allocates
 * with GFP_ATOMIC, alternating kmalloc() and kzalloc() over the kmalloc
 * size classes and their edges. Every object carries a header (owner,
 * sequence number) and a fill pattern; kzalloc() objects are checked to
 * be zero when handed out, and every object is checked again before it is
 * freed. Objects stay alive for a while in a bounded pool.
 *
 * The run ends by itself after @duration seconds. Statistics are readable
 * while it runs, one "key: value" per line, in
 * /sys/kernel/debug/alloc_torture/stats; at the end a KTAP report goes to
 * the kernel log. A worker passes with no verification error; failed
 * GFP_ATOMIC allocations are counted, not errors.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

#define TORTURE_MAGIC	0xa110c8ed
#define POOL_SIZE	32

static unsigned int duration = 10;
module_param(duration, uint, 0444);
MODULE_PARM_DESC(duration, "Seconds the run lasts (1..3600, default 10)");

/*
 * Sizes that sit on and just past the edges of the kmalloc classes, from
 * the first class that holds a header.
 */
static const size_t torture_sizes[] = {
	32, 33, 64, 65, 96, 97, 128, 129, 192, 193, 256, 257, 512, 513,
	1024, 1025, 2048, 2049, 4096, 4097, 8192, 8193, 16384,
};

/* struct torture_hdr - the start of every object the run allocates */
struct torture_hdr {
	u32 magic;
	u32 owner;
	u64 seq;
	size_t size;
};

/* struct torture_stats - what one worker did */
struct torture_stats {
	unsigned long ops;
	unsigned long bytes;
	unsigned long failures;
	unsigned long errors;
};

static_assert(sizeof(struct torture_hdr) <= 32);

static struct timer_list torture_timer;
static unsigned long torture_end;
static struct torture_stats timer_stats;
static struct torture_hdr *pool[POOL_SIZE];
static u64 torture_seq;
static bool torture_done;
static struct work_struct report_work;
static struct dentry *torture_dir;

/* The fill byte of object @seq: differs between neighbouring objects. */
static u8 torture_fill(u64 seq)
{
	return 0x40 | (seq & 0x3f);
}

/* Check an object's header and fill pattern; counts and logs a mismatch. */
static void torture_check(struct torture_hdr *h, struct torture_stats *st)
{
	const u8 *body = (const u8 *)(h + 1);
	size_t len = h->size - sizeof(*h);
	const u8 *bad;

	if (h->magic != TORTURE_MAGIC) {
		st->errors++;
		pr_err("object %p: header magic %#x, expected %#x\n",
		       h, h->magic, TORTURE_MAGIC);
		return;
	}
	bad = memchr_inv(body, torture_fill(h->seq), len);
	if (bad) {
		st->errors++;
		pr_err("object %p seq %llu size %zu: byte %td is %#x, expected %#x\n",
		       h, h->seq, h->size, bad - body, *bad, torture_fill(h->seq));
	}
}

/* One allocation, verification and (maybe) free, in the timer's context. */
static void torture_step(struct torture_stats *st)
{
	u64 seq = torture_seq++;
	/* Every size holds a header: see the static_assert below. */
	size_t size = torture_sizes[seq % ARRAY_SIZE(torture_sizes)];
	bool zero = seq & 1;
	unsigned int slot = seq % POOL_SIZE;
	struct torture_hdr *h;

	h = zero ? kzalloc(size, GFP_ATOMIC) : kmalloc(size, GFP_ATOMIC);
	st->ops++;
	if (!h) {
		st->failures++;
		return;
	}
	st->bytes += size;
	if (zero) {
		const u8 *bad = memchr_inv(h, 0, size);

		if (bad) {
			st->errors++;
			pr_err("kzalloc(%zu, GFP_ATOMIC) byte %td is %#x, expected 0\n",
			       size, bad - (const u8 *)h, *bad);
		}
	}
	h->magic = TORTURE_MAGIC;
	h->owner = 0;
	h->seq = seq;
	h->size = size;
	memset(h + 1, torture_fill(seq), size - sizeof(*h));

	if (pool[slot]) {
		torture_check(pool[slot], st);
		kfree(pool[slot]);
	}
	pool[slot] = h;
}

/* Free every pooled object, checking it first. */
static void torture_drain(struct torture_stats *st)
{
	int i;

	for (i = 0; i < POOL_SIZE; i++) {
		if (!pool[i])
			continue;
		torture_check(pool[i], st);
		kfree(pool[i]);
		pool[i] = NULL;
	}
}

static void torture_timer_fn(struct timer_list *t)
{
	torture_step(&timer_stats);
	if (time_before(jiffies, torture_end))
		mod_timer(&torture_timer, jiffies + 1);
	else
		schedule_work(&report_work);
}

/* End of run, in process context: drain the pool and print the report. */
static void torture_report(struct work_struct *work)
{
	struct torture_stats *st = &timer_stats;

	timer_delete_sync(&torture_timer);
	torture_drain(st);
	pr_info("KTAP version 1\n");
	pr_info("1..1\n");
	pr_info("# timer: ops %lu bytes %lu failures %lu errors %lu\n",
		st->ops, st->bytes, st->failures, st->errors);
	pr_info("%s 1 timer\n", st->errors || !st->ops ? "not ok" : "ok");
	WRITE_ONCE(torture_done, true);
}

static int torture_stats_show(struct seq_file *m, void *v)
{
	struct torture_stats *st = &timer_stats;
	bool done = READ_ONCE(torture_done);

	seq_printf(m, "state: %s\n", done ? "done" : "running");
	seq_printf(m, "timer_ops: %lu\n", st->ops);
	seq_printf(m, "timer_bytes: %lu\n", st->bytes);
	seq_printf(m, "timer_failures: %lu\n", st->failures);
	seq_printf(m, "timer_errors: %lu\n", st->errors);
	if (done)
		seq_printf(m, "result: %s\n", st->errors || !st->ops ? "fail" : "pass");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(torture_stats);

static int __init torture_init(void)
{
	if (duration < 1 || duration > 3600) {
		pr_err("duration=%u is out of range, expected 1..3600 seconds\n",
		       duration);
		return -EINVAL;
	}
	torture_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("stats", 0444, torture_dir, NULL, &torture_stats_fops);

	INIT_WORK(&report_work, torture_report);
	timer_setup(&torture_timer, torture_timer_fn, 0);
	torture_end = jiffies + duration * HZ;
	mod_timer(&torture_timer, jiffies + 1);
	pr_info("started: duration=%u\n", duration);
	return 0;
}

static void __exit torture_exit(void)
{
	/* Stop the timer first: it is what queues the report. */
	torture_end = jiffies;
	timer_delete_sync(&torture_timer);
	cancel_work_sync(&report_work);
	if (!READ_ONCE(torture_done))
		torture_drain(&timer_stats);
	debugfs_remove_recursive(torture_dir);
}

module_init(torture_init);
module_exit(torture_exit);

MODULE_DESCRIPTION("Allocation stress from atomic contexts, every object verified");
MODULE_LICENSE("GPL");
MODULE_INFO(test, "Y");
