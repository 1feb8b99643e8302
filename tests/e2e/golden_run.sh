#!/bin/sh
# Golden cases of a whole run: for every tests/golden/run-*/ case, runs
# 'huifang run' from the repository's root with the arguments in the
# case's args file (one line, shell words; over the bundled input/ for
# run-sample) and an output folder of its own, and compares, byte for
# byte, the report week's metrics.json, samples.json and records.json
# with expected/, and the weekly report's text (pdftotext -layout) with
# expected/周报.txt, and the site's index and week page with
# expected/site/ (golden HTML of the bundled sample). The week is args'
# --week.
# With GOLDEN_BLESS=1 the outputs are copied into expected/ instead: after
# checking the figures by hand (tests/golden/run-sample/README.md).
# usage: tests/e2e/golden_run.sh BUILD_DIR
set -u
build=${1:-build}
huifang=$(cd "$build" && pwd)/huifang
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

for dir in "$root"/tests/golden/run-*/; do
	case=$(basename "$dir")
	out=$tmp/$case
	mkdir -p "$out"
	args=$(cat "$dir/args")
	eval "set -- $args"
	week=
	while [ $# -gt 0 ]; do
		[ "$1" = --week ] && week=$2
		shift
	done
	[ -n "$week" ] || { fail "args name no --week"; continue; }
	eval "set -- $args"
	(cd "$root" && "$huifang" run --output "$out/output" --quiet "$@" \
		>"$out/stdout.txt" 2>"$out/stderr.txt")
	rc=$?
	[ "$rc" -eq 0 ] || { fail "run exited $rc"; head "$out/stderr.txt"; }
	w=$out/output/weeks/$week
	for f in metrics.json samples.json records.json; do
		same "$dir/expected/$f" "$w/$f"
	done
	pdftotext -layout "$w/周报-$week.pdf" "$out/周报.txt" 2>/dev/null ||
		fail "pdftotext cannot read 周报-$week.pdf"
	same "$dir/expected/周报.txt" "$out/周报.txt"
	same "$dir/expected/site/index.html" "$out/output/site/index.html"
	same "$dir/expected/site/week.html" \
		"$out/output/site/weeks/$week/index.html"
	[ "$failed" -eq 0 ] && echo "ok $case"
done
exit "$failed"
