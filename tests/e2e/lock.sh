#!/bin/sh
# The run lock (issue 8, SPEC §7): while one huifang run holds the output
# folder, a second one exits 75 at once (before the first is done) with
# one line naming the holder's pid and start time, writes nothing and
# prints no summary; a lock held by another program (flock(1)) is refused
# the same way; a holder killed with SIGKILL leaves a stale lock file that
# blocks nobody.
#
# usage: tests/e2e/lock.sh BUILD_DIR
set -eu
build=${1:-build}
hf=$build/huifang
work=$(mktemp -d -t huifang-lock.XXXXXX)
bg=
cleanup() {
	[ -z "$bg" ] || kill -9 "$bg" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
o=$work/o
# The sample's last two weeks' exports (whose few late completions add
# W45 and W46): nightly would issue every earlier week of the whole
# sample on its first night (SPEC §9.27: nightly.sh tests that), and the
# lock's cases need no more than these.
few=$work/in
mkdir "$few"
cp input/callbacks.csv input/tickets-2026-W47.csv input/tickets-2026-W48.csv "$few/"
checks=0
not_run=
fail() { echo "FAIL: $*"; exit 1; }
ok() { checks=$((checks + 1)); }
nightly() {
	"$hf" nightly --input "$few" --output "$o" --config config/huifang.json \
		--as-of '2026-11-26 08:00:00' "$@"
}
# The same, as a background process whose pid is $bg (not a subshell's).
nightly_bg() {
	"$hf" nightly --input "$few" --output "$o" --config config/huifang.json \
		--as-of '2026-11-26 08:00:00' >"$1" 2>"$2" &
	bg=$!
}
# Waits (up to 20 s) until the lock file holds a holder's line.
wait_for_holder() {
	n=0
	until [ -s "$o/.huifang.lock" ]; do
		n=$((n + 1))
		[ "$n" -lt 400 ] || fail "the first run never took the lock"
		sleep 0.05
	done
}

# 1. Two concurrent runs.
nightly_bg "$work/out1" "$work/err1"
wait_for_holder
rc=0
nightly >"$work/out2" 2>"$work/err2" || rc=$?
kill -0 "$bg" 2>/dev/null || fail "the first run ended before the second was refused (cannot tell)"
[ "$rc" -eq 75 ] || fail "second run exited $rc, want 75: $(cat "$work/err2")"; ok
[ ! -s "$work/out2" ] || fail "the refused run printed on stdout: $(cat "$work/out2")"; ok
[ "$(wc -l <"$work/err2")" -eq 1 ] || fail "not one line: $(cat "$work/err2")"; ok
grep -Eq "^huifang: another huifang run \(pid $bg, started [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\) holds $o/.huifang.lock\$" \
	"$work/err2" || fail "message: $(cat "$work/err2")"; ok
# run takes the same lock.
rc=0
"$hf" run --input "$few" --output "$o" --config config/huifang.json \
	--as-of '2026-11-26 08:00:00' >/dev/null 2>"$work/err3" || rc=$?
[ "$rc" -eq 75 ] || fail "run beside nightly exited $rc, want 75"; ok
rc=0
wait "$bg" || rc=$?
bg=
[ "$rc" -eq 0 ] || fail "the first run exited $rc: $(cat "$work/err1")"; ok
grep -q '^huifang: 2026-W45 issued, 2026-W46 issued, 2026-W47 issued, 2026-W48 provisional, ' "$work/out1" ||
	fail "first run: $(cat "$work/out1")"; ok
[ ! -s "$o/.huifang.lock" ] || fail "the lock file was not emptied on release"; ok

# 2. A lock held by another program: refused the same way, without a pid.
if command -v flock >/dev/null 2>&1; then
	# -o: the lock stays with flock(1) itself, not with the sleep.
	flock -o "$o/.huifang.lock" sh -c 'echo $$ >"$1"; exec sleep 30' sh \
		"$work/sleep.pid" &
	bg=$!
	n=0
	until ! flock -n "$o/.huifang.lock" true; do
		n=$((n + 1)); [ "$n" -lt 200 ] || fail "flock(1) never took the lock"
		sleep 0.05
	done
	rc=0
	nightly >"$work/out4" 2>"$work/err4" || rc=$?
	[ "$rc" -eq 75 ] || fail "beside flock(1) exited $rc, want 75"; ok
	grep -qx "huifang: another huifang run holds $o/.huifang.lock" "$work/err4" ||
		fail "message: $(cat "$work/err4")"; ok
	kill "$(cat "$work/sleep.pid")" 2>/dev/null || true
	wait "$bg" 2>/dev/null || true
	bg=
else
	echo "lock: SKIP: no flock(1); the foreign-holder case is not run"
	not_run="$not_run foreign-holder"
fi

# 3. A holder killed by SIGKILL leaves its line in the lock file; the
# next run is not blocked by it.
nightly_bg /dev/null /dev/null
wait_for_holder
kill -9 "$bg"
wait "$bg" 2>/dev/null || true
grep -q "^$bg " "$o/.huifang.lock" || fail "the killed holder's line is gone (cannot test a stale lock)"
bg=
nightly >"$work/out5" 2>"$work/err5" || fail "after a killed holder: exit $?: $(cat "$work/err5")"; ok
grep -q '^huifang: 2026-W47 kept, 2026-W48 provisional, ' "$work/out5" ||
	fail "after a killed holder: $(cat "$work/out5")"; ok

echo "lock: $checks checks passed"
if [ -n "$not_run" ]; then
	echo "lock: not run:$not_run"
	exit 77
fi
