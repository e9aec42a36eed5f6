#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run one negative control: apply a seeded-bug patch to a scratch copy of
# the default kernel tree (or of this checkout), run make check on it, and
# pass only if make check fails for the reason the patch names.
#
# usage: tests/negative.sh tests/negative/NAME.patch
#
# The patch's header says what must fail, one line per expectation:
#   Expect-fail: <tier> <test path prefix>  that test must fail
#   Expect-message: <text>                  the reason: this text must be in
#                                           what the run wrote (its KTAP, the
#                                           programs' logs or the console)
#   Expect-problem: <text>                  make check must print a
#                                           "problem:" line with this text
#   Tier: <tier>[,<tier>...]                the tiers to run (default: those
#                                           of the Expect-fail lines)
#   Applies-to: allocsuite                  the patch is to this project's
#                                           own files (a module, a kselftest),
#                                           not to the kernel
#   Expect-pass: <why>                      instead: the change is harmless
#                                           and make check must pass (make
#                                           bench times a one-file change so)
#   Arch: <ARCH>                            the target to run on (default um;
#                                           x86_64 boots QEMU with 2 CPUs)
#   Passes-on: <ARCH> <why>                 then the same patch on that
#                                           target must pass: the bug is one
#                                           only Arch's target can catch
# At least one Expect-fail, Expect-problem or Expect-pass line is needed.
#
# Kernel patches share one scratch tree and one build, kept in the cache:
# the tree is a hard-linked copy of the default tree (patch replaces the
# files it changes, so the default tree is never touched); before a patch
# is applied, the files the previous one changed are restored with a new
# time stamp, so that make rebuilds just those. Only the first control on
# a machine builds the whole kernel. Seeded bugs stay out of headers for
# the same reason. Project patches apply to a scratch copy of the checkout,
# which runs on the default kernel and its build.

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
# NEGATIVE_LANE=<n> (make test runs two lanes side by side): lane 0 is
# $cache/negative, lane n > 0 its own scratch tree, build and lock in
# $cache/negative-<n>.
lane=${NEGATIVE_LANE:-0}
case "$lane" in
''|*[!0-9]*) echo "NEGATIVE_LANE=$lane is invalid; expected a whole number" >&2; exit 2 ;;
esac
if [ "$lane" -eq 0 ]; then
	work=$cache/negative
else
	work=$cache/negative-$lane
fi
mkdir -p "$work"
exec 9> "$work.lock"
flock 9

# header FIELD: the values of "FIELD: value" lines before the diff
header() {
	sed -n '/^---/q; s/^'"$1"': //p' "$patch"
}
mapfile -t expects < <(header Expect-fail)
mapfile -t messages < <(header Expect-message)
mapfile -t problems < <(header Expect-problem)
pass=$(header Expect-pass)
applies=$(header Applies-to)
tiers=$(header Tier)
arch=$(header Arch)
passes_on=$(header Passes-on)
case "${arch:-um}" in
um|x86_64) ;;
*) echo "$patch: Arch: $arch is unknown; expected um or x86_64" >&2; exit 2 ;;
esac
case "${passes_on%% *}" in
''|um|x86_64) ;;
*) echo "$patch: Passes-on: ${passes_on%% *} is unknown; expected um or x86_64" >&2; exit 2 ;;
esac
if [ "${#expects[@]}" -eq 0 ] && [ "${#problems[@]}" -eq 0 ] && [ -z "$pass" ]; then
	echo "$patch has no Expect-fail:, Expect-problem: or Expect-pass: line" >&2
	exit 2
fi
if [ -n "$pass" ] && [ "$((${#expects[@]} + ${#problems[@]} + ${#messages[@]}))" -ne 0 ]; then
	echo "$patch: Expect-pass: goes with no Expect-fail:, Expect-problem: or Expect-message:" >&2
	exit 2
fi
case "$applies" in
''|kernel|allocsuite) ;;
*) echo "$patch: Applies-to: $applies is unknown; expected allocsuite or kernel" >&2; exit 2 ;;
esac
# Only the tiers the patch names: a control proves what catches its bug,
# and runs in seconds more than the rebuild.
if [ -z "$tiers" ]; then
	tiers=$(printf '%s\n' "${expects[@]}" | cut -d' ' -f1 | sort -u | paste -sd, -)
fi
if [ -z "$tiers" ]; then
	echo "$patch: with only Expect-problem or Expect-pass lines, say which tiers run with Tier:" >&2
	exit 2
fi

# apply_to DIR PRISTINE STATE: apply the patch to DIR, a copy of PRISTINE,
# first restoring the files the previous patch (listed in STATE) changed
apply_to() {
	local dir=$1 pristine=$2 state=$3 key
	key="$name $(sha256sum < "$patch" | cut -d' ' -f1)"
	[ "$(head -n 1 "$state" 2>/dev/null || true)" != "$key" ] || return 0
	# Restore what the previous control changed, newer than its objects.
	if [ -f "$state" ]; then
		tail -n +2 "$state" | while IFS= read -r f; do
			rm -f "$dir/$f"
			if [ -e "$pristine/$f" ]; then
				cp "$pristine/$f" "$dir/$f"
			fi
		done
	fi
	rm -f "$state"
	echo "[negative] applying $name"
	(cd "$dir" && patch -p1 --quiet --no-backup-if-mismatch < "$patch")
	{
		echo "$key"
		sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$patch"
	} > "$state"
}

if [ "$applies" = allocsuite ]; then
	# A scratch copy of this checkout as it is, tracked and untracked files.
	proj=$work/project
	rm -rf "$proj"
	mkdir -p "$proj"
	(cd "$repo" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$proj")
	(cd "$proj" && patch -p1 --quiet --no-backup-if-mismatch < "$patch")
	echo "[negative] applied $name to a copy of the checkout"
	run=(make --no-print-directory -C "$proj" check)
	build_for() { printf "BUILD_DIR="; }
else
	src=$work/src/$(basename "$default")
	# build_for ARCH: the BUILD_DIR= of that target's scratch build, named
	# like the default tree's build folder, under $work.
	build_for() {
		printf 'BUILD_DIR=%s' "$(python3 "$repo/scripts/allocsuite" build-dir \
			--kdir "$default" --config base --arch "$1" --root "$work/build")"
	}
	# The scratch tree belongs to one extraction of the default tree (its
	# marker names the package and the compatibility patches); a new one
	# starts afresh.
	stamp="$default $(cd "$default" && echo .linux-source-*)"
	if [ "$(cat "$work/tree" 2>/dev/null || true)" != "$stamp" ]; then
		echo "[negative] making a scratch tree from $default"
		rm -rf "$work/src" "$work/applied" "$work/tree"
		mkdir -p "$work/src"
		cp -al "$default" "$src"
		# The build may hold objects of files some patch changed: give
		# those files a new time stamp, so that make rebuilds them.
		while IFS= read -r f; do
			if [ -e "$default/$f" ]; then
				rm -f "$src/$f"
				cp "$default/$f" "$src/$f"
			fi
		done < <(sort -u "$work/touched" 2>/dev/null)
		echo "$stamp" > "$work/tree"
	fi
	sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$patch" >> "$work/touched"
	apply_to "$src" "$default" "$work/applied"
	run=(make --no-print-directory -C "$repo" check KDIR="$src")
fi

log=$work/$name.log
results=$work/results/$name
rm -rf "$results"
set +e
"${run[@]}" "$(build_for "${arch:-um}")" ARCH="$arch" CPUS= ACCEL= TIER="$tiers" FILTER= \
	RESULTS="$results" > "$log" 2>&1
status=$?
set -e
echo "[negative] make check ARCH=${arch:-um} with $name exited $status (log: $log)"
if [ -n "$passes_on" ]; then
	other=${passes_on%% *}
	set +e
	"${run[@]}" "$(build_for "$other")" ARCH="$other" CPUS= ACCEL= TIER="$tiers" FILTER= \
		RESULTS="$results-$other" > "$log.$other" 2>&1
	other_status=$?
	set -e
	echo "[negative] make check ARCH=$other with $name exited $other_status (log: $log.$other)"
	if [ "$other_status" -ne 0 ]; then
		echo "[negative] FAIL: ARCH=$other was to pass with this bug (${passes_on#* }):"
		grep -E '^(failed|problem|allocsuite: error):' "$log.$other" || tail -20 "$log.$other"
		exit 1
	fi
	echo "[negative] ARCH=$other passes as expected: ${passes_on#* }"
fi
if [ -n "$pass" ]; then
	if [ "$status" -ne 0 ]; then
		echo "[negative] FAIL: make check failed on a harmless change ($pass):"
		grep -E '^(failed|problem|allocsuite: error):' "$log" || tail -20 "$log"
		exit 1
	fi
	echo "[negative] passed as expected: $pass"
	exit 0
fi
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
for p in "${problems[@]}"; do
	if grep -E '^problem:' "$log" | grep -qF -- "$p"; then
		echo "[negative] problem reported as expected: $p"
	else
		echo "[negative] FAIL: expected a problem line with \"$p\"; make check said:"
		grep -E '^(failed|problem):' "$log" || tail -20 "$log"
		ok=0
	fi
done
# The reason: what the failing test said, in the run's own files.
run_dir=$(readlink -f "$results/latest" 2>/dev/null || true)
for m in "${messages[@]}"; do
	if [ -n "$run_dir" ] && grep -rqF --include='*.ktap' --include='*.log' --include='*.md' \
		-e "$m" "$run_dir"; then
		echo "[negative] reason found: $m"
	else
		echo "[negative] FAIL: the run does not say \"$m\" (results: ${run_dir:-none})"
		ok=0
	fi
done
[ "$ok" -eq 1 ]
