// SPDX-License-Identifier: GPL-2.0
/*
 * alloc_kunit: the allocator contract suites of allocsuite, registered in
 * one place so that the module runs them in a fixed order, and the helpers
 * they share.
 *
 * What the kernel prints is observed as mm/kfence/kfence_test.c does it: a
 * probe on the console tracepoint copies every printk record into a locked
 * buffer, which a test clears before the code under test runs and searches
 * afterwards. The probe runs in the printing context, IRQs included.
 */
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/umh.h>
#include <linux/vmalloc.h>
#include <trace/events/printk.h>

#include "alloc_kunit.h"

/* Enough for the first lines of a few reports; the rest is dropped. */
#define CONSOLE_BUF_SIZE	8192

static struct {
	spinlock_t lock;	/* guards len and buf, also against IRQs */
	size_t len;
	char buf[CONSOLE_BUF_SIZE];
} console_obs = {
	.lock = __SPIN_LOCK_UNLOCKED(console_obs.lock),
};

/* Suites that observe the console; the probe is registered while > 0. */
static int console_users;
static DEFINE_MUTEX(console_users_lock);

/* Append one printk record, one line per record, while there is room. */
static void probe_console(void *ignore, const char *buf, size_t len)
{
	unsigned long flags;
	size_t room;

	spin_lock_irqsave(&console_obs.lock, flags);
	room = CONSOLE_BUF_SIZE - 1 - console_obs.len;
	if (room > 1) {
		len = min(len, room - 1);
		memcpy(console_obs.buf + console_obs.len, buf, len);
		console_obs.len += len;
		console_obs.buf[console_obs.len++] = '\n';
		console_obs.buf[console_obs.len] = '\0';
	}
	spin_unlock_irqrestore(&console_obs.lock, flags);
}

/**
 * alloc_kunit_console_start() - start observing the console
 *
 * For a suite's .suite_init; pair with alloc_kunit_console_stop().
 *
 * Return: 0, or the error of register_trace_console().
 */
int alloc_kunit_console_start(void)
{
	int ret = 0;

	mutex_lock(&console_users_lock);
	if (!console_users)
		ret = register_trace_console(probe_console, NULL);
	if (!ret)
		console_users++;
	mutex_unlock(&console_users_lock);
	return ret;
}

/**
 * alloc_kunit_console_stop() - stop observing the console
 *
 * The last user unregisters the probe and waits until no CPU runs it.
 */
void alloc_kunit_console_stop(void)
{
	mutex_lock(&console_users_lock);
	if (console_users && !--console_users) {
		unregister_trace_console(probe_console, NULL);
		tracepoint_synchronize_unregister();
	}
	mutex_unlock(&console_users_lock);
}

/**
 * alloc_kunit_console_clear() - forget what the console printed so far
 */
void alloc_kunit_console_clear(void)
{
	unsigned long flags;

	spin_lock_irqsave(&console_obs.lock, flags);
	console_obs.len = 0;
	console_obs.buf[0] = '\0';
	spin_unlock_irqrestore(&console_obs.lock, flags);
}

/**
 * alloc_kunit_console_saw() - did the console print @needle since the clear
 * @needle: a substring of one printk record
 *
 * Return: true when a record printed since alloc_kunit_console_clear()
 * contains @needle.
 */
bool alloc_kunit_console_saw(const char *needle)
{
	unsigned long flags;
	bool seen;

	spin_lock_irqsave(&console_obs.lock, flags);
	seen = strnstr(console_obs.buf, needle, console_obs.len);
	spin_unlock_irqrestore(&console_obs.lock, flags);
	return seen;
}

/**
 * alloc_kunit_expect_report_begin() - the next kernel report is on purpose
 *
 * The runner does not count reports printed between this marker and
 * alloc_kunit_expect_report_end(); the test itself must check that the
 * report it provoked did appear.
 */
void alloc_kunit_expect_report_begin(void)
{
	pr_info("allocsuite: expected report begin\n");
}

/**
 * alloc_kunit_expect_report_end() - reports count again from here
 */
void alloc_kunit_expect_report_end(void)
{
	pr_info("allocsuite: expected report end\n");
}

/**
 * alloc_kunit_kfree_action() - kfree() as a KUnit deferred action
 * @p: what to free
 *
 * Exported to the suites so that they can cancel a deferred kfree with
 * kunit_remove_action() when the object changed hands.
 */
void alloc_kunit_kfree_action(void *p)
{
	kfree(p);
}

/**
 * alloc_kunit_rearm_warn_once() - re-arm every WARN_ON_ONCE of the kernel
 *
 * The order-limit warning of the page allocator fires once per boot,
 * whoever triggers it first: a test that checks that a call does not
 * warn (or does) re-arms it first, through debugfs clear_warn_once, which
 * has no in-kernel interface; so a shell does it, when one can. Without
 * user space (kunit.py) the suites run first in the boot anyway.
 */
void alloc_kunit_rearm_warn_once(void)
{
	char *argv[4], *envp[2];

	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = "f=/sys/kernel/debug/clear_warn_once; [ -w $f ] && echo 1 > $f";
	argv[3] = NULL;
	envp[0] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	envp[1] = NULL;
	call_usermodehelper(argv[0], argv, envp, UMH_WAIT_PROC);
}

KUNIT_DEFINE_ACTION_WRAPPER(kvfree_action, kvfree, const void *);
KUNIT_DEFINE_ACTION_WRAPPER(vfree_action, vfree, const void *);

/**
 * alloc_kunit_defer_kfree() - kfree(@p) when the test ends, however it ends
 * @test: the running test
 * @p: what to free; the test fails here if that cannot be arranged
 */
void alloc_kunit_defer_kfree(struct kunit *test, const void *p)
{
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, alloc_kunit_kfree_action, (void *)p));
}

/**
 * alloc_kunit_defer_kvfree() - kvfree(@p) when the test ends
 * @test: the running test
 * @p: what to free
 */
void alloc_kunit_defer_kvfree(struct kunit *test, const void *p)
{
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, kvfree_action, (void *)p));
}

/**
 * alloc_kunit_defer_vfree() - vfree(@p) when the test ends
 * @test: the running test
 * @p: what to free
 */
void alloc_kunit_defer_vfree(struct kunit *test, const void *p)
{
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, vfree_action, (void *)p));
}

struct deferred_pages {
	struct page *page;
	unsigned int order;
};

/* Deferred action: __free_pages() of a struct deferred_pages. */
static void free_pages_action(void *data)
{
	struct deferred_pages *d = data;

	__free_pages(d->page, d->order);
}

/**
 * alloc_kunit_defer_free_pages() - __free_pages(@page, @order) at the end
 * @test: the running test
 * @page: the first page of the block
 * @order: its order
 */
void alloc_kunit_defer_free_pages(struct kunit *test, struct page *page,
				  unsigned int order)
{
	struct deferred_pages *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);

	if (!d)
		__free_pages(page, order);
	KUNIT_ASSERT_NOT_NULL(test, d);
	d->page = page;
	d->order = order;
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, free_pages_action, d));
}

kunit_test_suites(&alloc_kmalloc_suite, &alloc_kmem_cache_suite,
		  &alloc_pages_suite, &alloc_vmalloc_suite, &alloc_gfp_suite,
		  &alloc_context_suite, &alloc_fault_suite);

MODULE_DESCRIPTION("KUnit contracts of the kernel memory allocation APIs");
MODULE_LICENSE("GPL");
