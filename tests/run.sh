#!/bin/sh
# Runs every test of one build: the cmocka unit binaries, the fuzz corpus
# replays, and the end-to-end scripts under tests/e2e/. Prints one line per
# test as it ends (its state, its time and its name), then the failures'
# logs, and "N passed, N failed" last (", N skipped" when some were), and
# exits non-zero if anything failed.
#
# A test passes when it exits 0, is skipped when it exits 77 (or, for a
# cmocka binary, when a case called skip()), and fails otherwise. A skip is
# never a pass: it is counted and printed apart, with its reason.
#
# The tests run in parallel, HUIFANG_TEST_JOBS at a time (default: the
# number of processors), the slowest of the previous run first; the lock,
# kill and full-disk tests, which time processes against each other or
# fill a disk, run one at a time in a lane of their own, so that no two of
# them ever run together. Each test runs in a scratch
# folder of its own (its TMPDIR, on tmpfs where /dev/shm is writable),
# removed when it passes and kept when it fails. HUIFANG_TEST_FSYNC=0 is
# set unless the caller set it: the product skips its fsyncs, which only
# matter when the machine loses power (the product's default keeps them).
#
# usage: tests/run.sh BUILD_DIR
#        tests/run.sh BUILD_DIR unit/test_x e2e/y ...   (only those tests)
set -u
build=${1:-build}
[ $# -gt 0 ] && shift
results=$build/tests/results
timings=$build/tests/timings
serial="e2e/lock e2e/kill e2e/fulldisk"

# Runs one test (by its name) and writes "STATE SECONDS NAME" to its
# result file; prints the same line.
if [ "${HUIFANG_TEST_ONE:-}" ]; then
	name=$1
	# The lane of the tests that must not run beside one another.
	if [ "$name" = @serial ]; then
		for n in $HUIFANG_TEST_SERIAL; do
			sh "$0" "$build" "$n"
		done
		exit 0
	fi
	case $name in
	unit/*) set -- "$build/tests/$name" ;;
	fuzz/*) t=${name#fuzz/}
		set -- "$build/tests/fuzz/replay_$t" "tests/fuzz/corpus/$t" ;;
	e2e/*) set -- sh "tests/$name.sh" "$build" ;;
	*) echo "run.sh: unknown test '$name'" >&2; exit 2 ;;
	esac
	flat=$(echo "$name" | tr / _)
	log=$build/tests/$name.log
	mkdir -p "$(dirname "$log")"
	scratch=$(mktemp -d "$HUIFANG_TEST_SCRATCH/$flat.XXXXXX") || exit 2
	# Readable by all: failures.sh runs cases as another user in it.
	chmod 755 "$scratch"
	start=$(date +%s%N)
	rc=0
	TMPDIR=$scratch "$@" >"$log" 2>&1 </dev/null || rc=$?
	end=$(date +%s%N)
	secs=$(awk "BEGIN { printf \"%.1f\", ($end - $start) / 1e9 }")
	state=PASS
	if [ "$rc" -eq 77 ]; then
		state=SKIP
	elif [ "$rc" -ne 0 ]; then
		state=FAIL
	elif grep -q '^\[  SKIPPED \]' "$log"; then
		state=SKIP
	fi
	if [ "$state" = FAIL ]; then
		note=" (log: $log, scratch: $scratch)"
	else
		note=
		rm -rf "$scratch"
	fi
	echo "$state $secs $name" >"$results/$flat"
	printf '%-4s %6ss  %s%s\n' "$state" "$secs" "$name" "$note"
	exit 0
fi

# The list of tests, by name.
list_tests() {
	for t in "$build"/tests/unit/test_*; do
		[ -x "$t" ] || continue
		case $t in *.o|*.d) continue ;; esac
		echo "unit/$(basename "$t")"
	done
	for r in "$build"/tests/fuzz/replay_*; do
		[ -x "$r" ] || continue
		case $r in *.o|*.d) continue ;; esac
		echo "fuzz/$(basename "$r" | sed 's/^replay_//')"
	done
	for e in tests/e2e/*.sh; do
		[ -f "$e" ] || continue
		echo "e2e/$(basename "$e" .sh)"
	done
}

is_serial() {
	for s in $serial; do
		[ "$1" = "$s" ] && return 0
	done
	return 1
}

if [ $# -gt 0 ]; then
	all=$(printf '%s\n' "$@")
else
	all=$(list_tests)
fi
[ -n "$all" ] || { echo "run.sh: no tests in $build" >&2; exit 1; }

# The serial ones make one lane, which starts first; the others follow,
# slowest first by the last run's times (unknown ones first of all).
parallel= lane=
for n in $all; do
	if is_serial "$n"; then
		lane="$lane $n"
	else
		parallel="$parallel $n"
	fi
done
ordered=$(for n in $parallel; do
	s=$(awk -v n="$n" '$3 == n { print $2 }' "$timings" 2>/dev/null)
	echo "${s:-9999} $n"
done | sort -k1,1nr -k2,2 | cut -d' ' -f2)

rm -rf "$results"
mkdir -p "$results" "$build/tests/unit" "$build/tests/fuzz" "$build/tests/e2e"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	scratch_root=$(mktemp -d /dev/shm/huifang-tests.XXXXXX)
else
	scratch_root=$(mktemp -d "$(cd "$build/tests" && pwd)/scratch.XXXXXX")
fi
chmod 755 "$scratch_root"
# An interrupted run leaves no scratch behind.
trap 'rm -rf "$scratch_root"; exit 130' INT TERM
jobs=${HUIFANG_TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
export HUIFANG_TEST_SCRATCH="$scratch_root"
export HUIFANG_TEST_FSYNC="${HUIFANG_TEST_FSYNC-0}"

export HUIFANG_TEST_SERIAL="$lane"

start=$(date +%s)
{ [ -z "$lane" ] || echo @serial; printf '%s\n' $ordered; } |
	HUIFANG_TEST_ONE=1 xargs -n 1 -P "$jobs" sh "$0" "$build"
end=$(date +%s)

passed=0 failed=0 skipped=0 failures= skips=
for n in $all; do
	flat=$(echo "$n" | tr / _)
	line=$(cat "$results/$flat" 2>/dev/null || echo "FAIL 0 $n")
	case $line in
	PASS*) passed=$((passed + 1)) ;;
	SKIP*) skipped=$((skipped + 1)); skips="$skips $n" ;;
	*) failed=$((failed + 1)); failures="$failures $n" ;;
	esac
done
# This run's times order the next one.
cat "$results"/* 2>/dev/null | sort -k3 >"$timings"
rmdir "$scratch_root" 2>/dev/null || true

for n in $skips; do
	echo
	echo "skipped $n:"
	grep -E '^\[  SKIPPED \]|[Ss][Kk][Ii][Pp]' "$build/tests/$n.log" |
		head -n 5 | sed 's/^/    /'
done
for n in $failures; do
	echo
	echo "FAIL $n (log: $build/tests/$n.log):"
	tail -n 30 "$build/tests/$n.log" | sed 's/^/    /'
done
echo
echo "$((end - start)) s with $jobs jobs"
[ -n "$failures" ] && echo "failed:$failures"
[ -n "$skips" ] && echo "skipped:$skips"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
