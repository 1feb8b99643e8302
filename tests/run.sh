#!/bin/sh
# Runs every test of one build: the cmocka unit binaries, the fuzz corpus
# replays, and the end-to-end scripts under tests/e2e/. Prints
# "N passed, N failed" last and exits non-zero if anything failed.
# usage: tests/run.sh BUILD_DIR
set -u
build=${1:-build}
passed=0
failed=0
failures=""

run_one() {
	name=$1
	shift
	if "$@" >"$build/tests/$name.log" 2>&1; then
		passed=$((passed + 1))
		echo "PASS $name"
	else
		failed=$((failed + 1))
		failures="$failures $name"
		echo "FAIL $name (log: $build/tests/$name.log)"
		tail -n 30 "$build/tests/$name.log" | sed 's/^/    /'
	fi
}

mkdir -p "$build/tests/unit" "$build/tests/fuzz" "$build/tests/e2e"
for t in "$build"/tests/unit/test_*; do
	[ -x "$t" ] || continue
	case $t in *.o|*.d) continue ;; esac
	run_one "unit/$(basename "$t")" "$t"
done
for r in "$build"/tests/fuzz/replay_*; do
	[ -x "$r" ] || continue
	case $r in *.o|*.d) continue ;; esac
	target=$(basename "$r" | sed 's/^replay_//')
	run_one "fuzz/$target" "$r" "tests/fuzz/corpus/$target"
done
for e in tests/e2e/*.sh; do
	[ -f "$e" ] || continue
	run_one "e2e/$(basename "$e" .sh)" sh "$e" "$build"
done

echo
[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
