/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared declarations of the alloc_kunit module: every suite lives in its
 * own <area>_kunit.c and is listed once, in suites.c, which also holds the
 * helpers below (console observation, report markers, deferred frees,
 * leak accounting).
 */
#ifndef _ALLOC_KUNIT_H
#define _ALLOC_KUNIT_H

#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/slab.h>
#include <linux/string.h>

/**
 * ALLOC_TEST_REQUIRES() - skip the current test unless @cond holds
 * @test: the running test
 * @cond: what the test needs; its text becomes the skip reason
 */
#define ALLOC_TEST_REQUIRES(test, cond) do {				\
	if (!(cond))							\
		kunit_skip((test), "Test requires: " #cond);		\
} while (0)

/*
 * The first line of the report that CONFIG_DEBUG_ATOMIC_SLEEP prints when
 * something that may sleep runs in atomic context (after "BUG: ").
 */
#define ALLOC_MIGHT_SLEEP_REPORT "sleeping function called from invalid context"

/* Report kinds of an expected-report window, as the runner names them. */
#define ALLOC_REPORT_MIGHT_SLEEP	"might_sleep"
#define ALLOC_REPORT_WARNING		"WARNING"
/*
 * warn_alloc()'s "page allocation failure" (and "vmalloc error"): printed
 * at most once per 10 s for the whole kernel, so the module provokes one
 * per boot (alloc_failure.failure_test_order_reported), no more.
 */
#define ALLOC_REPORT_ALLOC_FAILURE	"alloc_failure"

/* The console lines the suites count (the first line of a report). */
enum alloc_kunit_line {
	ALLOC_LINE_MIGHT_SLEEP,	/* "BUG: sleeping function called from invalid context" */
	ALLOC_LINE_WARNING,	/* "WARNING: " */
	ALLOC_LINE_FAULT,	/* "FAULT_INJECTION: forcing a failure" */
	ALLOC_LINE_ALLOC_FAILURE, /* "page allocation failure: order:" */
	ALLOC_LINE_OOM,		/* "invoked oom-killer" */
	ALLOC_NR_LINES
};

int alloc_kunit_console_start(void);
void alloc_kunit_console_stop(void);
int alloc_kunit_console_init(struct kunit *test);
unsigned int alloc_kunit_console_count(enum alloc_kunit_line line);
bool alloc_kunit_console_overflowed(void);
const char *alloc_kunit_console_last(enum alloc_kunit_line line, char *buf, size_t size);
void alloc_kunit_might_sleep_ready(void);
void alloc_kunit_expect_report_begin(const char *kind, unsigned int count);
void alloc_kunit_expect_report_end(void);
int *alloc_kunit_slab_errors(struct kunit *test);
void alloc_kunit_destroy_empty(struct kunit *test, struct kmem_cache *s, const char *what);

/* Cache flags that let alloc_kunit_destroy_empty() see every slab. */
#ifdef CONFIG_SLUB_DEBUG
#define ALLOC_SLAB_TRACKED	SLAB_STORE_USER
#else
#define ALLOC_SLAB_TRACKED	0
#endif

/**
 * ALLOC_EXPECT_NO_LINE() - expect that no @line was printed since @since
 * @test: the running test
 * @line: the enum alloc_kunit_line kind
 * @since: alloc_kunit_console_count(@line) where the checked code began
 * @fmt: what must not have happened, printf style
 *
 * Fails as well when the capture overflowed in this case: then the check
 * cannot vouch for what it did not keep.
 */
#define ALLOC_EXPECT_NO_LINE(test, line, since, fmt, ...) do {			\
	struct kunit *__test = (test);						\
	enum alloc_kunit_line __line = (line);					\
	unsigned int __n = alloc_kunit_console_count(__line) - (since);	\
	char __last[160];							\
										\
	KUNIT_EXPECT_FALSE_MSG(__test, alloc_kunit_console_overflowed(),	\
			       "console capture overflowed: no negative check possible");	\
	KUNIT_EXPECT_EQ_MSG(__test, __n, 0, fmt ": %u report(s), the last: \"%s\"", \
			    ##__VA_ARGS__, __n,					\
			    alloc_kunit_console_last(__line, __last, sizeof(__last))); \
} while (0)

void alloc_kunit_rearm_warn_once(void);
int alloc_kunit_slab_attr(const char *cache, const char *attr);
char *alloc_kunit_kmalloc_cache_name(size_t size, char *buf, size_t len);
bool alloc_kunit_kmalloc_redzoned(size_t size);

void alloc_kunit_kfree_action(void *p);
void alloc_kunit_defer_kfree(struct kunit *test, const void *p);
void alloc_kunit_defer_kvfree(struct kunit *test, const void *p);
void alloc_kunit_defer_vfree(struct kunit *test, const void *p);
void alloc_kunit_defer_free_pages(struct kunit *test, struct page *page,
				  unsigned int order);

/* Attempts alloc_kunit_measure_leak() makes before it reports an excess. */
#define ALLOC_LEAK_ATTEMPTS	3
/* ... unless the excess is above this many times the tolerance. */
#define ALLOC_LEAK_NO_RETRY	8

/**
 * struct alloc_kunit_leak - a leak measurement (alloc_kunit_measure_leak())
 * @cycle: one alloc/free cycle of what is measured; 0, or an error that
 *	stops the measurement (an allocation failed, a contract broke)
 * @arg: passed to @cycle and @quiesce
 * @quiesce: optional, run before each reading of the counters
 * @cycles: cycles per attempt, after the warm-up cycle
 * @tolerance: pages either counter may be off at the end of an attempt
 * @settle_ms: how long to poll for deferred frees after the loop, or 0
 * @free_drop: result: how far the node's free pages fell (pages)
 * @slab_rise: result: how far the node's slab pages rose (pages)
 * @attempts: result: attempts made
 */
struct alloc_kunit_leak {
	int (*cycle)(void *arg);
	void *arg;
	void (*quiesce)(void *arg);
	unsigned long cycles;
	long tolerance;
	unsigned int settle_ms;
	long free_drop;
	long slab_rise;
	int attempts;
};

long alloc_kunit_free_pages(void);
long alloc_kunit_slab_pages(void);
int alloc_kunit_measure_leak(struct alloc_kunit_leak *m);

/**
 * alloc_kunit_first_diff() - where a buffer stops holding one byte value
 * @p: the buffer
 * @c: the value every byte should hold
 * @size: its length
 *
 * Return: the index of the first byte of @p that is not @c, or @size.
 */
static inline size_t alloc_kunit_first_diff(const void *p, u8 c, size_t size)
{
	const u8 *hit = memchr_inv(p, c, size);

	return hit ? hit - (const u8 *)p : size;
}

/**
 * alloc_kunit_byte() - the byte at @at of @p, or 0 when @at is past @size
 * @p: the buffer
 * @at: an index returned by alloc_kunit_first_diff()
 * @size: the buffer's length
 *
 * Return: the observed byte, for failure messages.
 */
static inline unsigned int alloc_kunit_byte(const void *p, size_t at, size_t size)
{
	return at < size ? ((const u8 *)p)[at] : 0;
}

/**
 * struct alloc_kunit_size_row - one size of a shared size table
 * @name: the row's KUnit parameter description
 * @size: the size in bytes
 */
struct alloc_kunit_size_row {
	const char *name;
	size_t size;
};

extern const struct alloc_kunit_size_row alloc_kunit_kmalloc_edges[];
extern const size_t alloc_kunit_nr_kmalloc_edges;
const void *alloc_kunit_kmalloc_edges_gen_params(const void *prev, char *desc);
size_t alloc_kunit_kmalloc_bucket(size_t size);

/* The byte the shared pattern puts at offset @i. */
static inline u8 alloc_kunit_pattern_byte(size_t i)
{
	return (i * 31 + 7) & 0xff;
}

/* Fill @p with the shared pattern. */
static inline void alloc_kunit_fill_pattern(u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = alloc_kunit_pattern_byte(i);
}

/* The first offset < @len where @p does not hold the pattern, or @len. */
static inline size_t alloc_kunit_check_pattern(const u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != alloc_kunit_pattern_byte(i))
			return i;
	return len;
}

extern struct kunit_suite alloc_kmalloc_suite;
extern struct kunit_suite alloc_kmem_cache_suite;
extern struct kunit_suite alloc_pages_suite;
extern struct kunit_suite alloc_leak_suite;
extern struct kunit_suite alloc_vmalloc_suite;
extern struct kunit_suite alloc_realloc_suite;
extern struct kunit_suite alloc_gfp_suite;
extern struct kunit_suite alloc_context_suite;
extern struct kunit_suite alloc_fault_suite;
extern struct kunit_suite alloc_init_on_free_suite;
extern struct kunit_suite alloc_slub_debug_suite;
extern struct kunit_suite alloc_failure_suite;
extern struct kunit_suite alloc_kfence_suite;

#endif /* _ALLOC_KUNIT_H */
