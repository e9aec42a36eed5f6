// SPDX-License-Identifier: GPL-2.0
/*
 * alloc_kunit: the allocator contract suites of allocsuite, registered in
 * one place so that the module runs them in a fixed order.
 */
#include <kunit/test.h>
#include <linux/module.h>

#include "alloc_kunit.h"

kunit_test_suites(&alloc_kmalloc_suite);

MODULE_DESCRIPTION("KUnit contracts of the kernel memory allocation APIs");
MODULE_LICENSE("GPL");
