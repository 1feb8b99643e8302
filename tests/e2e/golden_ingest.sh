#!/bin/sh
# Golden cases of the ingest stage: for every tests/golden/ingest-*/ case,
# runs 'huifang ingest' on its input/ with the repository's config (and
# the options in its args file, if any) and compares, byte for byte, the
# summary line, rejects.csv and the records/ artifact with expected/: its
# summary.json as written, and tickets.bin and callbacks.bin as recdump
# prints them read back (the JSON Lines text of schema /1, so these files
# also prove the round trip, field by field); then runs 'huifang check' on the
# case's export files (sorted by name) and compares its output and exit
# status with expected/check.txt and expected/check.rc.
# With GOLDEN_BLESS=1 the outputs are copied into expected/ instead: for
# a new case, after checking every line of them by hand.
# usage: tests/e2e/golden_ingest.sh BUILD_DIR
set -u
build=${1:-build}
huifang=$(cd "$build" && pwd)/huifang
recdump=$(cd "$build" && pwd)/tests/tools/recdump
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

fail() {
	echo "FAIL $case: $*"
	failed=1
}

same() {
	if [ -n "${GOLDEN_BLESS:-}" ]; then
		mkdir -p "$(dirname "$1")"
		cp "$2" "$1"
		return
	fi
	if ! cmp -s "$1" "$2"; then
		fail "$2 differs from $1"
		diff -u "$1" "$2" | head -n 40
	fi
}

for dir in "$root"/tests/golden/ingest-*/; do
	case=$(basename "$dir")
	out=$tmp/$case
	mkdir -p "$out"
	args=""
	[ -f "$dir/args" ] && args=$(cat "$dir/args")
	# shellcheck disable=SC2086
	(cd "$dir" && "$huifang" ingest --config "$root/config/huifang.json" \
		--input input --output "$out/output" $args \
		>"$out/summary.txt" 2>"$out/stderr.txt")
	rc=$?
	[ -n "${GOLDEN_BLESS:-}" ] && echo "$rc" >"$dir/expected/ingest.rc"
	[ "$rc" -eq "$(cat "$dir/expected/ingest.rc" 2>/dev/null || echo 0)" ] ||
		fail "ingest exited $rc"
	same "$dir/expected/summary.txt" "$out/summary.txt"
	same "$dir/expected/rejects.csv" "$out/output/rejects.csv"
	same "$dir/expected/records/summary.json" \
		"$out/output/records/summary.json"
	for f in tickets callbacks; do
		"$recdump" --$f "$out/output/records" >"$out/$f.jsonl" ||
			fail "recdump --$f failed"
		same "$dir/expected/records/$f.jsonl" "$out/$f.jsonl"
	done
	if [ -f "$dir/expected/check.txt" ] || [ -n "${GOLDEN_BLESS:-}" ]; then
		files=$(cd "$dir" && ls input | grep -iE '\.(csv|json|jsonl)$' |
			LC_ALL=C sort | sed 's|^|input/|')
		# shellcheck disable=SC2086
		(cd "$dir" && "$huifang" check --config "$root/config/huifang.json" \
			$args $files >"$out/check.txt" 2>&1)
		rc=$?
		[ -n "${GOLDEN_BLESS:-}" ] && echo "$rc" >"$dir/expected/check.rc"
		same "$dir/expected/check.txt" "$out/check.txt"
		[ "$rc" -eq "$(cat "$dir/expected/check.rc")" ] ||
			fail "check exited $rc"
		# A folder stands for the exports in it, read in the same order.
		# shellcheck disable=SC2086
		(cd "$dir" && "$huifang" check --config "$root/config/huifang.json" \
			$args input >"$out/check-folder.txt" 2>&1)
		frc=$?
		[ "$frc" -eq "$rc" ] || fail "check of the folder exited $frc, not $rc"
		same "$out/check.txt" "$out/check-folder.txt"
	fi
	[ "$failed" -eq 0 ] && echo "ok $case"
done
# Exit statuses of the commands around the cases.
case=exit-status
cfg=$root/config/huifang.json
status() {
	want=$1
	shift
	"$@" >"$tmp/status.out" 2>&1
	got=$?
	[ "$got" -eq "$want" ] || fail "'$*' exited $got, not $want"
}
mkdir -p "$tmp/empty"
status 66 "$huifang" ingest --config "$cfg" --input "$tmp/empty" --output "$tmp/o"
status 66 "$huifang" ingest --config "$cfg" --input "$tmp/missing" --output "$tmp/o"
status 64 "$huifang" ingest --config "$cfg" --encoding latin1 --input "$tmp/empty"
status 78 "$huifang" ingest --config "$tmp/missing.json" --input "$tmp/empty"
status 65 "$huifang" ingest --config "$cfg" --strict \
	--input "$root/tests/golden/ingest-messy/input" --output "$tmp/o"
status 66 "$huifang" check --config "$cfg" "$tmp/missing.csv"
status 64 "$huifang" check --config "$cfg"
status 66 "$huifang" check --config "$cfg" "$tmp/empty"
printf '工单编号,工单类型\nT1,投诉\n' >"$tmp/clean.csv"
status 0 "$huifang" check --config "$cfg" "$tmp/clean.csv"
[ "$failed" -eq 0 ] && echo "ok $case"
exit "$failed"
