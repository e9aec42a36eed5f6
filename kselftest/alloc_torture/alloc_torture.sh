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
midfile=$(mktemp)
trap 'rm -f "$errfile" "$snap" "$midfile"' EXIT
load() {
	if [ -n "$module" ]; then
		insmod "$module" "$@" 2> "$errfile"
	else
		modprobe $NAME "$@" 2> "$errfile"
	fi
}

# Processes are few below: a fork and exec costs a tenth of a second or
# more under TCG (x86_64 in QEMU) and on UML, and far more while the
# workers hammer. The shell's own read, case and eval do the parsing.

# loaded: true when the module is in the kernel (its sysfs directory
# exists from the load until rmmod, and not after a failed load)
loaded() {
	[ -d /sys/module/$NAME ]
}

# wait_done SECONDS: wait for the run to end by itself; false on timeout.
# Polled every tenth of a second (the first line of the stats file is the
# state): six runs end this way, and a whole second each would add
# seconds to the tier.
wait_done() {
	waited=0
	while :; do
		line=""
		IFS= read -r line < "$STATS" || true
		[ "$line" != "state: done" ] || break
		[ "$waited" -lt "$(($1 * 10))" ] || return 1
		sleep 0.1
		waited=$((waited + 1))
	done
	snapshot
}

# snapshot: the stats file copied to $snap, every "key: value" line of it
# as variable st_key
st_keys=""
snapshot() {
	for key in $st_keys; do
		unset "st_$key"
	done
	st_keys=""
	while IFS= read -r line; do
		echo "$line"
		key=${line%%: *}
		case "$key" in
		"" | *[!a-z0-9_]*) continue ;;
		esac
		eval "st_$key=\${line#*: }"
		st_keys="$st_keys $key"
	done < "$STATS" > "$snap"
}

# get VAR KEY: VAR set to the value of KEY in the last snapshot ("" if none)
get() {
	eval "$1=\${st_$2:-}"
}

# sum SUFFIX: total set to the sum of <kind>_SUFFIX over every kind
sum() {
	total=0
	for k in $KINDS; do
		get v "${k}_$1"
		total=$((total + ${v:-0}))
	done
}

# unload: rmmod, then check that nothing of the module stayed behind. The
# module says "unload: ... still live" (an error) when it was not; errors
# only, counted: one dmesg, and the new ones are this unload's.
live_errors=0
unload() {
	rmmod $NAME || return 1
	! loaded || return 1
	[ ! -e /sys/kernel/slab/$NAME ] || { echo "# cache $NAME still exists after rmmod"; return 1; }
	count=0
	errors=$(dmesg -l err)
	while IFS= read -r line; do
		case "$line" in
		*"$NAME: unload: "*" still live"*)
			count=$((count + 1))
			[ "$count" -le "$live_errors" ] || echo "# $line" ;;
		esac
	done <<-EOF
	$errors
	EOF
	[ "$count" -gt "$live_errors" ] || return 0
	live_errors=$count
	return 1
}

# slab_kb: the Slab counter of /proc/meminfo in kB (read by the shell:
# shrinking every cache first took seconds under TCG, for a number that
# is only printed)
slab_kb() {
	kb=""
	while IFS= read -r line; do
		case "$line" in
		"Slab:"*)
			kb=${line#Slab:}
			kb=${kb% kB}
			kb=${kb##* } ;;
		esac
	done < /proc/meminfo
	echo "$kb"
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
		while IFS= read -r line; do
			echo "# $line"
		done < "$STATS"
		for k in $KINDS; do
			result "not ok" "$k" "run did not end within $((duration + 60))s"
		done
		rmmod $NAME || true
	else
		while IFS= read -r line; do
			echo "# $line"
		done < "$snap"
		overall=${st_result:-}
		unload_ok=1
		unload || unload_ok=0
		echo "# slab: ${slab_before} kB before, $(slab_kb) kB after"
		k_result="" k_verified_min_worker="" k_min_verified_per_worker=""
		k_firings="" k_skip_reason="" k_ops="" k_errors="" k_unexpected_failures=""
		for k in $KINDS; do
			for key in result verified_min_worker min_verified_per_worker \
				firings longest_firing_ns budget_ns skip_reason ops \
				errors unexpected_failures; do
				get "k_$key" "${k}_$key"
			done
			reached="lowest worker $k_verified_min_worker verified allocations, minimum $k_min_verified_per_worker; $k_firings firings, longest $((${k_longest_firing_ns:-0} / 1000)) us, budget $((${k_budget_ns:-0} / 1000)) us; floors at ${st_rate_scale_permille:-}/1000 of min_rate (speed ${st_speed_ops_per_s:-}/s)"
			if [ "$k_result" = "skip" ]; then
				result ok "$k" "SKIP $k_skip_reason"
			elif [ "$k_result" = "pass" ]; then
				result ok "$k" "$reached"
			else
				result "not ok" "$k" "$reached; ops $k_ops errors $k_errors unexpected failures $k_unexpected_failures: see the kernel log"
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
	fi
	c_result=""
	c_reason=""
	get c_result "$1_result"
	get c_reason "$1_skip_reason"
	if [ -z "${overall:-}" ]; then
		:
	elif [ "$c_result" = "skip" ]; then
		result ok "$1" "SKIP $c_reason"
	elif [ "$c_result" = "pass" ]; then
		result ok "$1" "$2"
	else
		result "not ok" "$1" "$2: see the kernel log"
	fi
}
contract cross_cpu "${st_cross_cpu_frees:-} objects freed on another CPU than the one that allocated them, ${st_cpus:-} CPUs"
contract cpu_hotplug "${st_onoff_cycles:-} offline/online cycles every ${st_onoff_interval_ms:-} ms, ${st_offline_failures:-} offline and ${st_online_failures:-} online failures, online CPUs $online"

# --- The main run left nothing behind ------------------------------------
if [ -z "${overall:-}" ]; then
	result "not ok" cleanup "the main run did not finish"
elif [ "$overall" = "pass" ] && [ "$unload_ok" -eq 1 ] &&
	[ "${st_live_objects:-1}" -eq 0 ] && [ "${st_quarantined_objects:-1}" -eq 0 ]; then
	result ok cleanup
else
	result "not ok" cleanup "run $overall, ${st_live_objects:-} objects live and ${st_quarantined_objects:-} quarantined at the end, unload ok $unload_ok"
fi
# --- Bad parameters fail the load, naming the parameter -----------------
# The main run said what this kernel's hrtimers can do and how large a
# timer batch fits in the budget: one below, one above.
hrt_min=${st_hrtimer_us_min:-}
batch_max=${st_batch_max:-}
below=""
[ "${hrt_min:-10000}" -le 1 ] || below="hrtimer_us=$((${hrt_min:-10000} - 1))"
# One load per bad parameter, each after its own marker in the kernel log;
# the log is read once, at the end (a dmesg per load cost a second under
# TCG).
bad=""
tried=0
for params in duration=0 duration=3601 tasklets=9 batch=0 api_mask=32 \
	verbose=3 page_order_max=5 min_rate=1000001 "min_size=100 max_size=50" \
	"tasklets=0 timers=0 hrtimers_soft=0 hrtimers_hard=0 bh_works=0 works=0 kthreads=0" \
	onoff_interval=60001 hrtimer_us=0 $below hrtimer_us=1000001 budget_us=9 budget_us=100000 \
	"hrtimer_batch=$((${batch_max:-120} + 1))" "timer_batch=$((${batch_max:-120} + 1))"; do
	tried=$((tried + 1))
	echo "alloc_torture.sh: params_rejected $tried: $params" > /dev/kmsg
	# shellcheck disable=SC2086 # one or more PARAM=VALUE words
	if load $params; then
		bad="$bad; '$params' loaded"
		rmmod $NAME || true
	fi
done
# Each load's marker must be followed, before the next marker, by the
# module's error naming that load's first parameter (or, with every
# worker count at 0, saying so).
cur=0
named=0
want=""
log=$(dmesg)
while IFS= read -r line; do
	case "$line" in
	*"alloc_torture.sh: params_rejected "*)
		[ "$cur" -eq 0 ] || [ "$named" -eq 1 ] ||
			bad="$bad; '$params': no error naming ${params%%=*} in the kernel log"
		rest=${line#*alloc_torture.sh: params_rejected }
		cur=${rest%%:*}
		params=${rest#*: }
		named=0
		case "$params" in
		"tasklets=0 "*) want="$NAME: every worker count is 0" ;;
		*) want="$NAME: ${params%% *} is" ;;
		esac ;;
	*"$want"*) [ "$cur" -eq 0 ] || named=1 ;;
	esac
done <<EOF
$log
EOF
if [ "$cur" -ne "$tried" ]; then
	bad="$bad; $cur of $tried markers in the kernel log"
elif [ "$named" -ne 1 ]; then
	bad="$bad; '$params': no error naming ${params%%=*} in the kernel log"
fi
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
		steps=""
		while IFS= read -r line; do
			case "$line" in
			"setup_steps: "*) steps=${line#setup_steps: } ;;
			esac
		done < "$STATS"
		# The first step that does not fail: unload at once, mid-start.
		unload || bad="$bad; unload right after a full setup failed"
		break
	fi
	if loaded; then
		bad="$bad; step $step: failed load left the module in"
		rmmod $NAME || true
	elif [ -e /sys/kernel/slab/$NAME ]; then
		bad="$bad; step $step: failed load left its cache behind"
	else
		err=""
		while IFS= read -r line; do
			err="$err$line "
		done < "$errfile"
		case "$err" in
		*"Cannot allocate memory"*) ;;
		*) bad="$bad; step $step: load failed with $err, expected ENOMEM" ;;
		esac
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
# that is offline at that moment. While the workers hammer, a process
# started at nice 0 waited seconds for a CPU under TCG (20 s for the sleep
# and rmmod): the second ends at nice -10, in a subshell of its own (the
# nice value goes with it), and the 1 s sleep is started with the load.
(
	read -r self _ < /proc/self/stat
	renice -n -10 -p "$self" > /dev/null 2>&1 || true
	bad=""
	sleep 1 &
	sleeper=$!
	# shellcheck disable=SC2086 # zero or one PARAM=VALUE word
	if ! load duration=600 verbose=1 $main_params; then
		err=""
		while IFS= read -r line; do
			err="$err$line "
		done < "$errfile"
		bad="load failed: $err"
		wait "$sleeper" || true
	else
		wait "$sleeper" || true
		# Read with the shell alone, and only as far as needed: a fork
		# costs much while the workers hammer.
		state=""
		ops=0
		while IFS= read -r line; do
			case "$line" in
			"state: "*) state=${line#state: } ;;
			*_ops:\ [1-9]*) ops=1; break ;;
			esac
		done < "$STATS"
		[ "$state" = "running" ] || bad="state is '$state' 1 s into a 600 s run"
		[ "$ops" -eq 1 ] || bad="$bad no operation 1 s into the run"
		unload || bad="$bad rmmod failed or left something behind"
	fi
	echo "$live_errors $bad" > "$midfile"
)
live_errors=0
bad=""
read -r live_errors bad < "$midfile" || true
if [ -z "$bad" ]; then
	result ok rmmod_midrun
else
	result "not ok" rmmod_midrun "$bad"
fi

# --- The same seed gives the same choices --------------------------------
# digests SEED RUN: the per-kind digests of the first choices of a short
# run, as variables d_RUN_KIND
digests() {
	# One timer, soft and hard hrtimer: the digest is the first worker's
	# of each kind, and fewer workers load and run faster.
	load seed="$1" duration=1 verbose=0 timers=1 hrtimers_soft=1 hrtimers_hard=1 || return 1
	wait_done 60 || { rmmod $NAME; return 1; }
	unload || return 1
	for k in $KINDS; do
		get "d_$2_$k" "${k}_digest"
	done
}
bad=""
digests 12345 a || bad="run with seed=12345 failed"
digests 12345 b || bad="second run with seed=12345 failed"
digests 54321 c || bad="run with seed=54321 failed"
if [ -z "$bad" ]; then
	# Compared where the digests are complete in both runs.
	same=0
	other=0
	differ=0
	twice=""
	for k in $KINDS; do
		x=""
		y=""
		z=""
		eval "x=\$d_a_$k y=\$d_b_$k z=\$d_c_$k"
		if [ "$x" != incomplete ] && [ "$y" != incomplete ]; then
			same=$((same + 1))
			[ "$x" = "$y" ] || twice="$twice
# $k $x $y"
		fi
		if [ "$x" != incomplete ] && [ "$z" != incomplete ]; then
			other=$((other + 1))
			[ "$x" = "$z" ] || differ=1
		fi
	done
	if [ "$same" -eq 0 ] || [ "$other" -eq 0 ]; then
		bad="no worker kind made enough operations to compare seeds"
	elif [ -z "$twice" ]; then
		[ "$differ" -eq 1 ] || bad="seeds 12345 and 54321 gave the same choices"
	else
		bad="seed=12345 gave different choices twice"
		echo "${twice#?}"
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
	while IFS= read -r line; do
		case "$line" in
		wmark* | highatomic* | lowmem_reserve* | free_pages* | hog* | *_failures:\ *)
			echo "# $line" ;;
		esac
	done < "$snap"
	[ "${st_result:-}" = "pass" ] || bad="run failed: see the kernel log"
	[ "${st_hog_pages_max:-0}" -gt 0 ] || bad="$bad; the hog took no memory"
	[ "${st_hog_pages_held:-1}" -eq 0 ] || bad="$bad; the hog kept ${st_hog_pages_held:-} pages"
	# Near: free pages came within two low-min gaps of the low watermark
	# plus the high-atomic reserve and the lower zones' lowmem reserves
	# (which GFP_KERNEL cannot use: ZONE_DMA's on x86_64); the hog aims at
	# one gap above that.
	free=${st_free_pages_min_seen:-}
	low=${st_wmark_low_pages:-}
	gap=$((low - ${st_wmark_min_pages:-0}))
	reserve=$((${st_highatomic_pages:-0} + ${st_lowmem_reserve_pages:-0}))
	bound=$((low + reserve + 2 * gap))
	if [ "$free" -ge "$low" ]; then
		where="$((free - low)) pages above"
	else
		where="$((low - free)) pages below"
	fi
	near="free pages came down to $free, $where the low watermark $low (min ${st_wmark_min_pages:-}, reserves $reserve: high-atomic ${st_highatomic_pages:-}, lowmem ${st_lowmem_reserve_pages:-}; at most $bound required: low + reserves + 2 x (low - min))"
	[ "$free" -le "$bound" ] || bad="$bad; not near the low watermark: $near"
	unload || bad="$bad; unload failed or left something behind"
	sum failures
	echo "# atomic failures under pressure: $total"
fi
if [ -z "$bad" ]; then
	result ok pressure "$near"
else
	result "not ok" pressure "${bad#; }"
fi

# --- Fault injection: failslab and fail_page_alloc armed -----------------
# knob ATTR FILE [VALUE]: set FILE of fault attribute ATTR to VALUE, or
# read it into knob_value (the shell's read: no process)
knob() {
	if [ $# -eq 3 ]; then
		echo "$3" > "$DBG/$1/$2"
	else
		knob_value=""
		IFS= read -r knob_value < "$DBG/$1/$2" || true
	fi
}
FAULT_FILES="probability interval times space verbose ignore-gfp-wait"
if [ ! -d "$DBG/failslab" ] || [ ! -d "$DBG/fail_page_alloc" ]; then
	result ok fault_injection "SKIP needs CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC and CONFIG_FAULT_INJECTION_DEBUG_FS"
else
	saved=""
	for attr in failslab fail_page_alloc; do
		for f in $FAULT_FILES; do
			knob $attr "$f"
			saved="$saved $attr:$f:$knob_value"
		done
	done
	knob failslab cache-filter
	saved="$saved failslab:cache-filter:$knob_value"
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
		while IFS= read -r line; do
			case "$line" in
			*_failures:\ *) echo "# $line" ;;
			esac
		done < "$snap"
		[ "${st_result:-}" = "pass" ] || bad="run failed: see the kernel log"
		sum failures
		[ "$total" -gt 0 ] || bad="$bad; no allocation failed with injection armed"
		unload || bad="$bad; unload failed or left something behind"
	fi
	if [ -z "$bad" ]; then
		result ok fault_injection "$total injected failures, all handled"
	else
		result "not ok" fault_injection "${bad#; }"
	fi
fi

[ "$failed" -eq 0 ] && exit $KSFT_PASS
exit $KSFT_FAIL
