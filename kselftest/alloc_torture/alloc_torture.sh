#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Load alloc_torture, wait for its run to end by itself, report its verdict.
#
# usage: alloc_torture.sh [-m MODULE.ko] [PARAM=VALUE ...]
#   -m MODULE.ko  load this file with insmod (default: modprobe alloc_torture)
#   PARAM=VALUE   module parameters, passed on unchanged
#
# Output is TAP; the exit status is kselftest's: 0 pass, 1 fail, 4 skip.

set -eu

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4
STATS=/sys/kernel/debug/alloc_torture/stats

module=""
if [ "${1:-}" = "-m" ]; then
	[ $# -ge 2 ] || { echo "usage: $0 [-m MODULE.ko] [PARAM=VALUE ...]" >&2; exit $KSFT_FAIL; }
	module=$2
	shift 2
fi
for p in "$@"; do
	case "$p" in
	*=*) ;;
	*) echo "$0: '$p' is not a PARAM=VALUE module parameter" >&2; exit $KSFT_FAIL ;;
	esac
done

echo "TAP version 13"
echo "1..1"

# skip REASON: report the test as skipped and stop
skip() {
	echo "ok 1 alloc_torture # SKIP $1"
	exit $KSFT_SKIP
}

[ "$(id -u)" -eq 0 ] || skip "needs root to load a module"
if [ -n "$module" ]; then
	[ -r "$module" ] || skip "module file $module not found"
	load="insmod $module"
else
	modinfo alloc_torture > /dev/null 2>&1 || skip "module alloc_torture is not installed"
	load="modprobe alloc_torture"
fi
if grep -q '^alloc_torture ' /proc/modules; then
	echo "not ok 1 alloc_torture # alloc_torture is already loaded: unload it first"
	exit $KSFT_FAIL
fi

# shellcheck disable=SC2086 # $load is a command and its argument
if ! $load "$@"; then
	echo "not ok 1 alloc_torture # loading with '$*' failed: see the kernel log"
	exit $KSFT_FAIL
fi

duration=$(cat /sys/module/alloc_torture/parameters/duration)
waited=0
limit=$((duration + 60))
while ! grep -q '^state: done' "$STATS"; do
	if [ "$waited" -ge "$limit" ]; then
		sed 's/^/# /' "$STATS"
		rmmod alloc_torture || true
		echo "not ok 1 alloc_torture # run did not end within ${limit}s"
		exit $KSFT_FAIL
	fi
	sleep 1
	waited=$((waited + 1))
done

sed 's/^/# /' "$STATS"
result=$(sed -n 's/^result: //p' "$STATS")
rmmod alloc_torture
if [ "$result" = "pass" ]; then
	echo "ok 1 alloc_torture"
	exit $KSFT_PASS
fi
echo "not ok 1 alloc_torture # result: $result"
exit $KSFT_FAIL
