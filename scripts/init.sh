#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the kernel under test, on every target.
#
# The host root is mounted read-only (hostfs on UML, 9p under QEMU), so
# every host tool is here at its usual path. The runner passes these on
# the kernel command line:
#   ALLOCSUITE_OUT        the host folder for this run's results, the only
#                         writable mount
#   ALLOCSUITE_PLAN       a file in it with one program to run per line:
#                         "<tier> <name> <command>"
#   ALLOCSUITE_MOUNT      how ALLOCSUITE_OUT is mounted: hostfs (UML) or
#                         9p (QEMU, tag ALLOCSUITE_MOUNT_TAG, virtio)
#   ALLOCSUITE_HALT       how the machine stops at the end: poweroff (UML)
#                         or reboot (QEMU runs with -no-reboot)
#
# Every program is framed on the kernel log by markers that the runner
# reads back from the console:
#   allocsuite: begin <tier>/<name>
#   allocsuite: end <tier>/<name> exit=<status> ms=<milliseconds>
# Its output goes to <tier>/<name>.log in the results folder and, line by
# line, to /dev/kmsg, so that a kernel report lands between the lines of
# the test that caused it. After the plan the init says which test
# modules are still loaded:
#   allocsuite: test modules loaded after the plan: <names or none>
#
# The console can lose lines on a busy host, so a reader saves every
# record of the kernel's ring buffer, from the first one of the boot, to
# kmsg.log in the results folder, for the runner to cross-check.

PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

# say MESSAGE: one line on the kernel log
say() {
	printf '<5>allocsuite: %s\n' "$*" > /dev/kmsg
}

# poweroff: stop the machine (ALLOCSUITE_HALT); never returns
poweroff() {
	sync
	# reboot(2) is system call 169 on x86_64 and on UML (x86_64 host)
	if [ "${ALLOCSUITE_HALT:-poweroff}" = reboot ]; then
		perl -e 'syscall(169, 0xfee1dead, 672274793, 0x01234567, 0)'
	else
		perl -e 'syscall(169, 0xfee1dead, 672274793, 0x4321fedc, 0)'
	fi
	# Only reached when the reboot syscall failed: let the kernel say so.
	exit 1
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
# The host's /tmp stays visible (a checkout or build may live there):
# scratch space is a tmpfs on /run, as TMPDIR.
mount -t tmpfs tmpfs /run
mkdir -p /run/tmp
TMPDIR=/run/tmp
export TMPDIR

if [ -z "${ALLOCSUITE_OUT:-}" ] || [ -z "${ALLOCSUITE_PLAN:-}" ]; then
	say "error: ALLOCSUITE_OUT and ALLOCSUITE_PLAN must be set on the command line"
	poweroff
fi
# mount_out: mount ALLOCSUITE_OUT read-write, as ALLOCSUITE_MOUNT says
mount_out() {
	case "${ALLOCSUITE_MOUNT:-hostfs}" in
	hostfs) mount -t hostfs hostfs "$ALLOCSUITE_OUT" -o "$ALLOCSUITE_OUT" ;;
	9p) mount -t 9p -o trans=virtio,version=9p2000.L "${ALLOCSUITE_MOUNT_TAG:-}" \
		"$ALLOCSUITE_OUT" ;;
	*) say "error: ALLOCSUITE_MOUNT=$ALLOCSUITE_MOUNT is unknown; expected hostfs or 9p"
	   return 1 ;;
	esac
}
if ! mount_out; then
	say "error: cannot mount $ALLOCSUITE_OUT read-write ($ALLOCSUITE_MOUNT)"
	poweroff
fi

say "userspace up, kernel $(uname -r)"
uname -r > "$ALLOCSUITE_OUT/kernel-release"

# One read of /dev/kmsg is one record, "prio,seq,ts,flags;text" plus its
# continuation lines; a record overwritten before it was read makes the
# read fail with EPIPE, and the next one is read after the gap, which the
# runner sees in the sequence numbers. cat would stop at the first EPIPE.
# Every record is written at once, so SIGTERM loses nothing.
KMSG_LOG=$ALLOCSUITE_OUT/kmsg.log
perl -e '
	use Errno qw(EPIPE EINTR EAGAIN);
	open(my $in, "<", "/dev/kmsg") or die "allocsuite: open /dev/kmsg: $!\n";
	open(my $out, ">", $ARGV[0]) or die "allocsuite: open $ARGV[0]: $!\n";
	$out->autoflush(1);
	while (1) {
		my $n = sysread($in, my $rec, 65536);
		if (!defined $n) {
			next if $! == EPIPE || $! == EINTR || $! == EAGAIN;
			die "allocsuite: read /dev/kmsg: $!\n";
		}
		last if $n == 0;
		print $out $rec;
	}' "$KMSG_LOG" &
kmsg_reader=$!

# With kmemleak (the debug config), forget what the boot left, so that
# the scan after the plan reports only what the tests leaked.
KMEMLEAK=/sys/kernel/debug/kmemleak
if [ -w "$KMEMLEAK" ]; then
	echo clear > "$KMEMLEAK"
fi

while read -r tier name cmd; do
	case "$tier" in
	''|'#'*) continue ;;
	esac
	mkdir -p "$ALLOCSUITE_OUT/$tier"
	log="$ALLOCSUITE_OUT/$tier/$name.log"
	status="$ALLOCSUITE_OUT/$tier/$name.exit"
	say "begin $tier/$name"
	start=$(date +%s%N)
	# The subshell runs in TMPDIR so that programs never write to the host.
	{
		(cd "$TMPDIR" && eval "$cmd") < /dev/null 2>&1
		echo "$?" > "$status"
	} | tee "$log" | while IFS= read -r line; do
		printf '%s\n' "$line" >&3
	done 3> /dev/kmsg
	ms=$((($(date +%s%N) - start) / 1000000))
	say "end $tier/$name exit=$(cat "$status" 2>/dev/null || echo unknown) ms=$ms"
done < "$ALLOCSUITE_PLAN"

if [ -w "$KMEMLEAK" ]; then
	# Objects younger than 5 s are never reported: let them age first.
	# A second scan drops references that were only stale copies.
	say "begin leakcheck/kmemleak"
	sleep 6
	echo scan > "$KMEMLEAK"
	sleep 1
	echo scan > "$KMEMLEAK"
	while IFS= read -r line; do
		printf '%s\n' "$line" >&3
	done < "$KMEMLEAK" 3> /dev/kmsg
	say "end leakcheck/kmemleak exit=0 ms=0"
fi

# A module that could not be unloaded fails the run (the runner reads this).
if modules=$(awk '$1 == "alloc_kunit" || $1 == "alloc_torture" || $1 == "uaccess_probe" {
	printf "%s ", $1 }' /proc/modules); then
	say "test modules loaded after the plan: ${modules:-none}"
else
	say "error: cannot read /proc/modules to check that every test module was unloaded"
fi

say "all done"
# Stop the reader once it has saved the last marker (bounded: 10 s).
tries=0
until grep -q 'allocsuite: all done' "$KMSG_LOG" 2>/dev/null || [ "$tries" -ge 100 ]; do
	sleep 0.1
	tries=$((tries + 1))
done
kill "$kmsg_reader" 2>/dev/null
wait "$kmsg_reader" 2>/dev/null
poweroff
