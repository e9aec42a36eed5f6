#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run one negative control: apply a seeded-bug patch to a scratch copy of
# the default kernel tree, run make check on it, and pass only if make
# check fails for the reason the patch names.
#
# usage: tests/negative.sh tests/negative/NAME.patch
#
# The patch's header says what must fail, one line per expectation:
#   Expect-fail: <tier> <test path prefix>
#
# All controls share one scratch tree and one build, kept in the cache:
# the tree is a hard-linked copy of the default tree (patch replaces the
# files it changes, so the default tree is never touched); before a patch
# is applied, the files the previous one changed are restored with a new
# time stamp, so that make rebuilds just those. Only the first control on
# a machine builds the whole kernel. Seeded bugs stay out of headers for
# the same reason.

set -eu

if [ $# -ne 1 ] || [ ! -f "$1" ]; then
	echo "usage: $0 PATCH" >&2
	exit 2
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
patch=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
name=$(basename "$patch" .patch)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/allocsuite
default=$(python3 "$repo/scripts/allocsuite" tree)
work=$cache/negative
src=$work/src/$(basename "$default")
build=$work/build/$(basename "$default")-base
exec 9> "$cache/negative.lock"
flock 9

mapfile -t expects < <(sed -n 's/^Expect-fail: //p' "$patch")
[ "${#expects[@]}" -gt 0 ] || { echo "$patch has no Expect-fail: line" >&2; exit 2; }

# The scratch tree belongs to one default tree; a new one starts afresh.
if [ "$(cat "$work/tree" 2>/dev/null || true)" != "$default" ]; then
	echo "[negative] making a scratch tree from $default"
	rm -rf "$work/src" "$work/applied" "$work/tree"
	mkdir -p "$work/src"
	cp -al "$default" "$src"
	echo "$default" > "$work/tree"
fi

key="$name $(sha256sum < "$patch" | cut -d' ' -f1)"
if [ "$(head -n 1 "$work/applied" 2>/dev/null || true)" != "$key" ]; then
	# Restore what the previous control changed, newer than its objects.
	if [ -f "$work/applied" ]; then
		tail -n +2 "$work/applied" | while IFS= read -r f; do
			rm -f "$src/$f"
			if [ -e "$default/$f" ]; then
				cp "$default/$f" "$src/$f"
			fi
		done
	fi
	rm -f "$work/applied"
	echo "[negative] applying $name"
	(cd "$src" && patch -p1 --quiet --no-backup-if-mismatch < "$patch")
	{
		echo "$key"
		sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$patch"
	} > "$work/applied"
fi

# Only the tiers the patch names: a control proves what catches its bug,
# and runs in seconds more than the rebuild.
tiers=$(printf '%s\n' "${expects[@]}" | cut -d' ' -f1 | sort -u | paste -sd, -)
log=$work/$name.log
set +e
make --no-print-directory -C "$repo" check KDIR="$src" BUILD_DIR="$build" \
	TIER="$tiers" FILTER= RESULTS="$work/results" > "$log" 2>&1
status=$?
set -e
echo "[negative] make check with $name exited $status (log: $log)"
if [ "$status" -eq 0 ]; then
	echo "[negative] FAIL: the suite passed on a kernel with the seeded bug"
	exit 1
fi
if grep -q '^allocsuite: error:' "$log"; then
	echo "[negative] FAIL: make check stopped with an error, not a test failure:"
	grep '^allocsuite: error:' "$log"
	exit 1
fi
ok=1
for e in "${expects[@]}"; do
	tier=${e%% *}
	test=${e#* }
	if grep -qE "^failed: $tier ${test//./\\.}([. ]|$)" "$log"; then
		echo "[negative] caught as expected: $tier $test"
	else
		echo "[negative] FAIL: expected $tier $test to fail; make check said:"
		grep -E '^(failed|problem):' "$log" || tail -20 "$log"
		ok=0
	fi
done
[ "$ok" -eq 1 ]
