#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages a target needs, or say how.
#
# usage: deps.sh check|compare|test [default-kernel] [x86_64]
#   check           what make check needs to build a UML kernel and run it
#   compare         that, plus matplotlib for make compare's plot
#   test            all of the above, plus what make test needs (shellcheck,
#                   and QEMU: make test runs the x86_64 target too)
#   default-kernel  also Debian's linux-source-6.12 (when KDIR is not set)
#   x86_64          also QEMU, to boot the x86_64 target (ARCH=x86_64)
#
# As root, missing packages are installed with apt-get; otherwise this
# stops with the exact apt-get command to run.

set -eu

# What make check needs: kernel and module builds, the runner, the init's
# perl, and mkfs.ext4 for the drop_caches tests on ext4.
base="build-essential flex bison bc libelf-dev libssl-dev python3 kmod ccache xz-utils perl patch e2fsprogs"
case "${1:-}" in
check) pkgs=$base ;;
compare) pkgs="$base python3-matplotlib" ;;
test) pkgs="$base shellcheck python3-matplotlib qemu-system-x86" ;;
*) echo "usage: $0 check|compare|test [default-kernel] [x86_64]" >&2; exit 2 ;;
esac
shift
for extra in "$@"; do
	case "$extra" in
	default-kernel) pkgs="$pkgs linux-source-6.12" ;;
	# qemu-system-x86 brings qemu-system-data, which has qboot.rom
	x86_64) case " $pkgs " in *" qemu-system-x86 "*) ;; *) pkgs="$pkgs qemu-system-x86" ;; esac ;;
	# Any other ARCH: the runner says which are supported.
	*) ;;
	esac
done

if ! command -v dpkg-query > /dev/null 2>&1; then
	echo "allocsuite: no dpkg here; make sure these (Debian names) are installed: $pkgs" >&2
	exit 0
fi

missing=""
for p in $pkgs; do
	status=$(dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = "installed" ] || missing="$missing $p"
done
[ -n "$missing" ] || exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "allocsuite: missing Debian packages:$missing" >&2
	echo "allocsuite: install them with:  sudo $cmd" >&2
	exit 2
fi
echo "[allocsuite] installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # word splitting of the package list is meant
if ! apt-get install -y --no-install-recommends $missing; then
	apt-get update
	# shellcheck disable=SC2086
	apt-get install -y --no-install-recommends $missing
fi
