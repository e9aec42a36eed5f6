/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared declarations of the alloc_kunit module: every suite lives in its
 * own <area>_kunit.c and is listed once, in suites.c.
 */
#ifndef _ALLOC_KUNIT_H
#define _ALLOC_KUNIT_H

#include <kunit/test.h>

/**
 * ALLOC_TEST_REQUIRES() - skip the current test unless @cond holds
 * @test: the running test
 * @cond: what the test needs; its text becomes the skip reason
 */
#define ALLOC_TEST_REQUIRES(test, cond) do {				\
	if (!(cond))							\
		kunit_skip((test), "Test requires: " #cond);		\
} while (0)

extern struct kunit_suite alloc_kmalloc_suite;

#endif /* _ALLOC_KUNIT_H */
