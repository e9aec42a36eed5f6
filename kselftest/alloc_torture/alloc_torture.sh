#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Load alloc_torture, let its runs end by themselves, report the verdicts.
#
# usage: alloc_torture.sh [-l] [-m MODULE.ko] [-s] [PARAM=VALUE ...]
#   -l            list the test names, one per line, and exit (with -s:
#                 only those of the main run)
#   -m MODULE.ko  load this file with insmod (default: modprobe alloc_torture)
#   -s            only the main run (no parameter, unwinding, rmmod, seed,
#                 pressure or fault-injection tests)
#   PARAM=VALUE   module parameters of the main run, passed on unchanged
#
# Output is TAP: one test per worker kind of the main run (tasklet, timer,
# hrtimer_soft, hrtimer_hard, bh_work, work, kthread), then one per
# contract of the module itself: cross_cpu (objects allocated on one CPU
# were freed on another, skipped on one CPU) and cpu_hotplug (CPUs went
# offline and came back during the main run, which is given
# onoff_interval when more than one CPU is online), then the rest. Without pressure or fault injection a
# worker kind passes only when each of its workers handed out at least its
# share of the kind's minimum of verified allocations (the module's
# min_rate of that kind per second of run, scaled down on a kernel or host
# slower than the reference, by the speed the module measured after the
# run); its TAP line gives the minimum,
# the lowest worker's count, and the longest firing beside the budget of
# one. The main run's statistics file is copied as "# key: value" lines.
# Exit status is kselftest's: 0 pass, 1 fail, 4 skip.

set -eu

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4
NAME=alloc_torture
STATS=/sys/kernel/debug/$NAME/stats
KINDS="tasklet timer hrtimer_soft hrtimer_hard bh_work work kthread"
EXTRA="cross_cpu cpu_hotplug cleanup params_rejected setup_unwind rmmod_midrun seed_repeatable pressure fault_injection"
DBG=/sys/kernel/debug

usage() {
	echo "usage: $0 [-l] [-m MODULE.ko] [-s] [PARAM=VALUE ...]" >&2
	exit $KSFT_FAIL
}

module=""
single=0
list=0
while [ $# -gt 0 ]; do
	case "$1" in
	-l) list=1; shift ;;
	-m) [ $# -ge 2 ] || usage; module=$2; shift 2 ;;
	-s) single=1; shift ;;
	*=*) break ;;
	*) echo "$0: '$1' is not an option or a PARAM=VALUE module parameter" >&2; usage ;;
	esac
done
for p in "$@"; do
	case "$p" in
	*=*) ;;
	*) echo "$0: '$p' is not a PARAM=VALUE module parameter" >&2; usage ;;
	esac
done

tests=$KINDS
[ "$single" -eq 1 ] || tests="$tests $EXTRA"
if [ "$list" -eq 1 ]; then
	for t in $tests; do
		echo "$t"
	done
	exit $KSFT_PASS
fi
echo "TAP version 13"
echo "1..$(echo "$tests" | wc -w)"

n=0
failed=0
# result ok|not ok NAME [DIRECTIVE]: one TAP line
result() {
	n=$((n + 1))
	echo "$1 $n $2${3:+ # $3}"
	[ "$1" = "ok" ] || failed=1
}

# skip_all REASON: every test skipped, for a machine that cannot run any
skip_all() {
	for t in $tests; do
		result ok "$t" "SKIP $1"
	done
	exit $KSFT_SKIP
}

[ "$(id -u)" -eq 0 ] || skip_all "needs root to load a module"
if [ -n "$module" ]; then
	[ -r "$module" ] || skip_all "module file $module not found"
else
	modinfo $NAME > /dev/null 2>&1 || skip_all "module $NAME is not installed"
fi
if [ -z "$(ls -A "$DBG" 2>/dev/null)" ]; then
	skip_all "debugfs is not mounted at $DBG"
fi
if grep -q "^$NAME " /proc/modules; then
	for t in $tests; do
		result "not ok" "$t" "$NAME is already loaded: unload it first"
	done
	exit $KSFT_FAIL
fi

# load PARAM=VALUE...: load the module; its stderr goes to $errfile
errfile=$(mktemp)
snap=$(mktemp)
trap 'rm -f "$errfile" "$snap"' EXIT
load() {
	if [ -n "$module" ]; then
		insmod "$module" "$@" 2> "$errfile"
	else
		modprobe $NAME "$@" 2> "$errfile"
	fi
}

# loaded: true when the module is in the kernel
loaded() {
	grep -q "^$NAME " /proc/modules
}

# wait_done SECONDS: wait for the run to end by itself; false on timeout.
# Polled every tenth of a second: six runs end this way, and a whole
# second each would add seconds to the tier.
wait_done() {
	waited=0
	while ! grep -q '^state: done' "$STATS"; do
		[ "$waited" -lt "$(($1 * 10))" ] || return 1
		sleep 0.1
		waited=$((waited + 1))
	done
	cat "$STATS" > "$snap"
}

# stat KEY: a value from the last snapshot of the stats file
stat() {
	sed -n "s/^$1: //p" "$snap"
}

# sum SUFFIX: the sum of <kind>_SUFFIX over every kind
sum() {
	total=0
	for k in $KINDS; do
		total=$((total + $(stat "${k}_$1")))
	done
	echo "$total"
}

# unload: rmmod, then check that nothing of the module stayed behind
unload() {
	rmmod $NAME || return 1
	! loaded || return 1
	[ ! -e /sys/kernel/slab/$NAME ] || { echo "# cache $NAME still exists after rmmod"; return 1; }
	if dmesg | tail -n 20 | grep -q "$NAME: unload: .* still live"; then
		dmesg | tail -n 20 | grep "$NAME: unload" | sed 's/^/# /'
		return 1
	fi
}

# slab_kb: the Slab counter in kB, after every cache gave back its empty slabs
slab_kb() {
	for f in /sys/kernel/slab/*/shrink; do
		echo 1 2> /dev/null > "$f" || true
	done
	sed -n 's/^Slab: *\([0-9]*\) kB/\1/p' /proc/meminfo
}

# --- The main run: one test per worker kind -----------------------------
# With more than one CPU online, the non-boot CPUs go offline and come
# back during the main run, unless the caller chose onoff_interval.
ONOFF_MS=200
main_params=""
online=$(cat /sys/devices/system/cpu/online 2>/dev/null || echo 0)
case " $* " in
*" onoff_interval="*) ;;
*) [ "$online" = 0 ] || main_params="onoff_interval=$ONOFF_MS" ;;
esac
slab_before=$(slab_kb)
# shellcheck disable=SC2086 # zero or one PARAM=VALUE word
if ! load $main_params "$@"; then
	sed 's/^/# /' "$errfile"
	for k in $KINDS; do
		result "not ok" "$k" "loading with '$main_params $*' failed: see the kernel log"
	done
else
	duration=$(cat /sys/module/$NAME/parameters/duration)
	if ! wait_done $((duration + 60)); then
		sed 's/^/# /' "$STATS"
		for k in $KINDS; do
			result "not ok" "$k" "run did not end within $((duration + 60))s"
		done
		rmmod $NAME || true
	else
		sed 's/^/# /' "$snap"
		overall=$(stat result)
		unload_ok=1
		unload || unload_ok=0
		echo "# slab: ${slab_before} kB before, $(slab_kb) kB after"
		for k in $KINDS; do
			res=$(stat "${k}_result")
			reached="lowest worker $(stat "${k}_verified_min_worker") verified allocations, minimum $(stat "${k}_min_verified_per_worker"); $(stat "${k}_firings") firings, longest $(($(stat "${k}_longest_firing_ns") / 1000)) us, budget $(($(stat "${k}_budget_ns") / 1000)) us; floors at $(stat rate_scale_permille)/1000 of min_rate (speed $(stat speed_ops_per_s)/s)"
			if [ "$res" = "skip" ]; then
				result ok "$k" "SKIP $(stat "${k}_skip_reason")"
			elif [ "$res" = "pass" ]; then
				result ok "$k" "$reached"
			else
				result "not ok" "$k" "$reached; ops $(stat "${k}_ops") errors $(stat "${k}_errors") unexpected failures $(stat "${k}_unexpected_failures"): see the kernel log"
			fi
		done
	fi
fi
if [ "$single" -eq 1 ]; then
	[ "$failed" -eq 0 ] && exit $KSFT_PASS
	exit $KSFT_FAIL
fi

# --- The main run freed objects on other CPUs, and survived CPU hotplug --
# contract NAME DETAIL: the TAP line of a contract the module judged
contract() {
	if [ -z "${overall:-}" ]; then
		result "not ok" "$1" "the main run did not finish"
	elif [ "$(stat "$1_result")" = "skip" ]; then
		result ok "$1" "SKIP $(stat "$1_skip_reason")"
	elif [ "$(stat "$1_result")" = "pass" ]; then
		result ok "$1" "$2"
	else
		result "not ok" "$1" "$2: see the kernel log"
	fi
}
contract cross_cpu "$(stat cross_cpu_frees) objects freed on another CPU than the one that allocated them, $(stat cpus) CPUs"
contract cpu_hotplug "$(stat onoff_cycles) offline/online cycles every $(stat onoff_interval_ms) ms, $(stat offline_failures) offline and $(stat online_failures) online failures, online CPUs $online"

# --- The main run left nothing behind ------------------------------------
if [ -z "${overall:-}" ]; then
	result "not ok" cleanup "the main run did not finish"
elif [ "$overall" = "pass" ] && [ "$unload_ok" -eq 1 ] &&
	[ "$(stat live_objects)" -eq 0 ] && [ "$(stat quarantined_objects)" -eq 0 ]; then
	result ok cleanup
else
	result "not ok" cleanup "run $overall, $(stat live_objects) objects live and $(stat quarantined_objects) quarantined at the end, unload ok $unload_ok"
fi
# --- Bad parameters fail the load, naming the parameter -----------------
# The main run said what this kernel's hrtimers can do and how large a
# timer batch fits in the budget: one below, one above.
hrt_min=$(stat hrtimer_us_min)
batch_max=$(stat batch_max)
below=""
[ "${hrt_min:-10000}" -le 1 ] || below="hrtimer_us=$((${hrt_min:-10000} - 1))"
bad=""
for params in duration=0 duration=3601 tasklets=9 batch=0 api_mask=32 \
	verbose=3 page_order_max=5 min_rate=1000001 "min_size=100 max_size=50" \
	"tasklets=0 timers=0 hrtimers_soft=0 hrtimers_hard=0 bh_works=0 works=0 kthreads=0" \
	onoff_interval=60001 hrtimer_us=0 $below hrtimer_us=1000001 budget_us=9 budget_us=100000 \
	"hrtimer_batch=$((${batch_max:-120} + 1))" "timer_batch=$((${batch_max:-120} + 1))"; do
	first=${params%%=*}
	# shellcheck disable=SC2086 # one or more PARAM=VALUE words
	if load $params; then
		bad="$bad; '$params' loaded"
		rmmod $NAME || true
	elif ! dmesg | tail -n 50 | grep -qF -e "$NAME: ${params%% *} is" -e "$NAME: every worker count is 0"; then
		bad="$bad; '$params': no error naming $first in the kernel log"
	fi
done
if [ -z "$bad" ]; then
	result ok params_rejected
else
	result "not ok" params_rejected "${bad#; }"
fi

# --- Every setup failure unwinds cleanly --------------------------------
# The module counts its setup steps (setup_steps in its stats): failing
# each of them, one load at a time, must fail that very step with ENOMEM
# and leave nothing behind; the first load that does not fail must be the
# one just past the last step. One timer of each kind: the steps of a
# kind's further workers are the same steps again, and each costs a load.
step=1
bad=""
steps=""
while [ "$step" -le 64 ]; do
	if load setup_fail=$step duration=1 verbose=0 pressure=1 \
		timers=1 hrtimers_soft=1 hrtimers_hard=1; then
		steps=$(sed -n 's/^setup_steps: //p' "$STATS")
		# The first step that does not fail: unload at once, mid-start.
		unload || bad="$bad; unload right after a full setup failed"
		break
	fi
	if loaded; then
		bad="$bad; step $step: failed load left the module in"
		rmmod $NAME || true
	elif [ -e /sys/kernel/slab/$NAME ]; then
		bad="$bad; step $step: failed load left its cache behind"
	elif ! grep -q "Cannot allocate memory" "$errfile"; then
		bad="$bad; step $step: load failed with $(cat "$errfile"), expected ENOMEM"
	fi
	step=$((step + 1))
done
if [ "$step" -gt 64 ]; then
	bad="$bad; setup_fail=64 still failed the load"
elif [ -z "$steps" ]; then
	bad="$bad; the module did not report its number of setup steps"
elif [ "$((step - 1))" -ne "$steps" ]; then
	bad="$bad; $((step - 1)) of the module's $steps setup steps failed the load"
else
	# Each load named the step it failed: read the log once, at the end
	# (a dmesg per step costs seconds on UML).
	named=$(dmesg | sed -n "s/.*$NAME: setup step \([0-9]*\) failed (setup_fail): unwinding.*/\1/p" |
		sort -un | tr '\n' ' ')
	[ "$named" = "$(seq 1 "$steps" | tr '\n' ' ')" ] ||
		bad="$bad; the kernel log names the failed steps as '$named', expected 1 to $steps"
fi
if [ -z "$bad" ]; then
	result ok setup_unwind "all $steps setup steps failed and unwound"
else
	result "not ok" setup_unwind "${bad#; }"
fi

# --- rmmod in the middle of a run stops everything and frees all --------
# With CPU hotplug too where the main run had it: rmmod brings back a CPU
# that is offline at that moment.
bad=""
# shellcheck disable=SC2086 # zero or one PARAM=VALUE word
if ! load duration=600 verbose=1 $main_params; then
	bad="load failed: $(cat "$errfile")"
else
	sleep 1
	# Read with the shell alone: a fork costs much on UML while the
	# workers hammer, and every one here would add to the tier's time.
	state=""
	ops=0
	while IFS= read -r line; do
		case "$line" in
		"state: "*) state=${line#state: } ;;
		*_ops:\ [1-9]*) ops=1 ;;
		esac
	done < "$STATS"
	[ "$state" = "running" ] || bad="state is '$state' 1 s into a 600 s run"
	[ "$ops" -eq 1 ] || bad="$bad no operation 1 s into the run"
	unload || bad="$bad rmmod failed or left something behind"
fi
if [ -z "$bad" ]; then
	result ok rmmod_midrun
else
	result "not ok" rmmod_midrun "$bad"
fi

# --- The same seed gives the same choices --------------------------------
# digests SEED: the per-kind digests of the first choices of a short run
digests() {
	load seed="$1" duration=1 verbose=0 || return 1
	wait_done 60 || { rmmod $NAME; return 1; }
	unload || return 1
	grep '_digest: ' "$snap"
}
# common A B: the digests complete in both A and B, one per line
common() {
	for k in $KINDS; do
		x=$(echo "$1" | sed -n "s/^${k}_digest: //p")
		y=$(echo "$2" | sed -n "s/^${k}_digest: //p")
		[ "$x" = incomplete ] || [ "$y" = incomplete ] || echo "$k $x $y"
	done
}
bad=""
a=$(digests 12345) || bad="run with seed=12345 failed"
b=$(digests 12345) || bad="second run with seed=12345 failed"
c=$(digests 54321) || bad="run with seed=54321 failed"
if [ -z "$bad" ]; then
	same=$(common "$a" "$b")
	other=$(common "$a" "$c")
	if [ -z "$same" ] || [ -z "$other" ]; then
		bad="no worker kind made enough operations to compare seeds"
	elif echo "$same" | awk '$2 != $3 { exit 1 }'; then
		echo "$other" | awk '$2 != $3 { found = 1 } END { exit !found }' ||
			bad="seeds 12345 and 54321 gave the same choices"
	else
		bad="seed=12345 gave different choices twice"
		echo "$same" | sed 's/^/# /'
	fi
fi
if [ -z "$bad" ]; then
	result ok seed_repeatable
else
	result "not ok" seed_repeatable "$bad"
fi

# --- Pressure: a hog down to the low watermark, all given back -----------
bad=""
if ! load pressure=1 duration=4 verbose=1; then
	bad="load failed: $(cat "$errfile")"
elif ! wait_done 64; then
	bad="run did not end"
	rmmod $NAME || true
else
	grep -E '^(wmark|highatomic|free_pages|hog)|_failures: ' "$snap" | sed 's/^/# /'
	[ "$(stat result)" = "pass" ] || bad="run failed: see the kernel log"
	[ "$(stat hog_pages_max)" -gt 0 ] || bad="$bad; the hog took no memory"
	[ "$(stat hog_pages_held)" -eq 0 ] || bad="$bad; the hog kept $(stat hog_pages_held) pages"
	# Near: free pages came within two low-min gaps of the low watermark
	# plus the high-atomic reserve (which GFP_KERNEL cannot use); the hog
	# aims at one gap above that.
	free=$(stat free_pages_min_seen)
	low=$(stat wmark_low_pages)
	gap=$((low - $(stat wmark_min_pages)))
	bound=$((low + $(stat highatomic_pages) + 2 * gap))
	if [ "$free" -ge "$low" ]; then
		where="$((free - low)) pages above"
	else
		where="$((low - free)) pages below"
	fi
	near="free pages came down to $free, $where the low watermark $low (min $(stat wmark_min_pages), high-atomic reserve $(stat highatomic_pages); at most $bound required: low + reserve + 2 x (low - min))"
	[ "$free" -le "$bound" ] || bad="$bad; not near the low watermark: $near"
	unload || bad="$bad; unload failed or left something behind"
	echo "# atomic failures under pressure: $(sum failures)"
fi
if [ -z "$bad" ]; then
	result ok pressure "$near"
else
	result "not ok" pressure "${bad#; }"
fi

# --- Fault injection: failslab and fail_page_alloc armed -----------------
# knob ATTR FILE [VALUE]: print FILE of fault attribute ATTR, or set it
knob() {
	if [ $# -eq 3 ]; then
		echo "$3" > "$DBG/$1/$2"
	else
		cat "$DBG/$1/$2"
	fi
}
FAULT_FILES="probability interval times space verbose ignore-gfp-wait"
if [ ! -d "$DBG/failslab" ] || [ ! -d "$DBG/fail_page_alloc" ]; then
	result ok fault_injection "SKIP needs CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC and CONFIG_FAULT_INJECTION_DEBUG_FS"
else
	saved=""
	for attr in failslab fail_page_alloc; do
		for f in $FAULT_FILES; do
			saved="$saved $attr:$f:$(knob $attr "$f")"
		done
	done
	saved="$saved failslab:cache-filter:$(knob failslab cache-filter)"
	# Only non-blocking allocations, only our own cache for slab, and no
	# dump per failure: the rest of the kernel keeps working.
	for attr in failslab fail_page_alloc; do
		knob $attr probability 10
		knob $attr interval 1
		knob $attr times -1
		knob $attr space 0
		knob $attr verbose 0
		knob $attr ignore-gfp-wait Y
	done
	knob failslab cache-filter Y
	bad=""
	if ! load faults=1 duration=3 verbose=1; then
		bad="load failed: $(cat "$errfile")"
	elif ! echo 1 2> /dev/null > /sys/kernel/slab/$NAME/failslab; then
		echo "# cache $NAME is merged with another: failslab only through fail_page_alloc"
	fi
	if [ -z "$bad" ] && ! wait_done 63; then
		bad="run did not end"
		rmmod $NAME || true
	fi
	for s in $saved; do
		attr=${s%%:*}
		rest=${s#*:}
		knob "$attr" "${rest%%:*}" "${rest#*:}"
	done
	if [ -z "$bad" ]; then
		grep -E '_failures: ' "$snap" | sed 's/^/# /'
		[ "$(stat result)" = "pass" ] || bad="run failed: see the kernel log"
		[ "$(sum failures)" -gt 0 ] || bad="$bad; no allocation failed with injection armed"
		unload || bad="$bad; unload failed or left something behind"
	fi
	if [ -z "$bad" ]; then
		result ok fault_injection "$(sum failures) injected failures, all handled"
	else
		result "not ok" fault_injection "${bad#; }"
	fi
fi

[ "$failed" -eq 0 ] && exit $KSFT_PASS
exit $KSFT_FAIL
