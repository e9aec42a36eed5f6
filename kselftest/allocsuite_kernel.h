/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kselftest programs of every collection need to know about the
 * kernel they run on.
 */
#ifndef _ALLOCSUITE_KERNEL_H
#define _ALLOCSUITE_KERNEL_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/*
 * kernel_is_uml() - whether the running kernel is User Mode Linux.
 *
 * UML reports the host's machine in uname -m (x86_64), so it is
 * recognized by its /proc/cpuinfo, which only UML fills with
 * "vendor_id : User Mode Linux" (arch/um/kernel/um_arch.c).
 */
static inline bool kernel_is_uml(void)
{
	char line[256];
	bool uml = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return false;
	while (!uml && fgets(line, sizeof(line), f))
		uml = !!strstr(line, "User Mode Linux");
	fclose(f);
	return uml;
}

#endif /* _ALLOCSUITE_KERNEL_H */
