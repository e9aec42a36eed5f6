#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make intree KDIR=<tree> [BUILD_DIR=<dir>]: wire allocsuite's KUnit
# suites into a writable kernel tree, so that they build in-tree with
# kunit.py, and print the kunit.py command that runs them.
#
# kunit/ is copied to <tree>/lib/alloc_kunit/, lib/Kconfig sources its
# Kconfig and lib/Makefile descends into it. Running it again refreshes
# the copy and adds nothing twice.
#
# Every file this changes is replaced, never modified in place (a new
# file renamed over the old one), so a tree made of hard links to
# another one (cp -al) never changes that other tree. It refuses the
# default cached tree, which `make check` and the negative controls share.

set -eu

usage() {
	echo "usage: make intree KDIR=<writable kernel tree> [BUILD_DIR=<kunit.py build dir>]" >&2
	exit 2
}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	usage
fi
kdir=$1
build=${2:-}
repo=$(cd "$(dirname "$0")/.." && pwd)

if [ -z "$kdir" ]; then
	echo "intree: KDIR is empty: name the kernel tree to wire, e.g. make intree KDIR=/tmp/linux" >&2
	usage
fi
if [ ! -f "$kdir/Makefile" ] || [ ! -f "$kdir/lib/Kconfig" ] || [ ! -f "$kdir/lib/Makefile" ] ||
	[ ! -x "$kdir/tools/testing/kunit/kunit.py" ]; then
	echo "intree: KDIR=$kdir is not a kernel source tree with kunit.py (expected Makefile, lib/Kconfig, lib/Makefile, tools/testing/kunit/kunit.py)" >&2
	exit 2
fi
kdir=$(cd "$kdir" && pwd -P)
default=$(python3 "$repo/scripts/allocsuite" tree 2>/dev/null || true)
if [ -n "$default" ] && [ "$kdir" = "$(cd "$default" 2>/dev/null && pwd -P)" ]; then
	echo "intree: KDIR=$kdir is the default cached tree, which must stay pristine; make a copy first: cp -al $kdir /tmp/linux-intree" >&2
	exit 2
fi
if [ ! -w "$kdir/lib" ]; then
	echo "intree: KDIR=$kdir: lib/ is not writable" >&2
	exit 2
fi

# replace FILE: move FILE.new over FILE (a new inode: hard links untouched)
replace() {
	mv -f "$1.new" "$1"
}

# add_line FILE LINE: append LINE to FILE unless FILE already has it
add_line() {
	if ! grep -qxF "$2" "$1"; then
		{ cat "$1"; printf '%s\n' "$2"; } > "$1.new"
		chmod --reference="$1" "$1.new"
		replace "$1"
	fi
}

dest=$kdir/lib/alloc_kunit
mkdir -p "$dest"
for f in "$repo"/kunit/*.c "$repo"/kunit/*.h "$repo"/kunit/Makefile "$repo"/kunit/Kconfig \
	"$repo"/kunit/.kunitconfig; do
	cp "$f" "$dest/$(basename "$f").new"
	replace "$dest/$(basename "$f")"
done
add_line "$kdir/lib/Kconfig" 'source "lib/alloc_kunit/Kconfig"'
# shellcheck disable=SC2016 # a make variable, for lib/Makefile
add_line "$kdir/lib/Makefile" 'obj-$(CONFIG_ALLOC_KUNIT_TEST) += alloc_kunit/'

if [ -z "$build" ]; then
	build=${XDG_CACHE_HOME:-$HOME/.cache}/allocsuite/intree/$(basename "$kdir")
fi
echo "intree: wired $repo/kunit into $kdir (lib/alloc_kunit, lib/Kconfig, lib/Makefile)"
echo "intree: run the suites with (UML):"
echo "cd $kdir && ./tools/testing/kunit/kunit.py run --kunitconfig=lib/alloc_kunit/.kunitconfig --build_dir=$build"
echo "intree: or on x86_64 under QEMU with two CPUs (ZONE_DMA, ZONE_DMA32 and KFENCE cases run):"
echo "cd $kdir && ./tools/testing/kunit/kunit.py run --arch=x86_64 --kunitconfig=lib/alloc_kunit/.kunitconfig --kconfig_add=CONFIG_SMP=y --kconfig_add=CONFIG_KFENCE=y --qemu_args='-smp 2 -cpu max' --build_dir=$build-x86_64"
