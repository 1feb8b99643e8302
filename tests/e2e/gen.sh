#!/bin/sh
# 'huifang gen': the bundled input/ is exactly what the command recorded in
# docs/gen.md writes, and the command's usage errors exit 64.
# usage: tests/e2e/gen.sh BUILD_DIR
set -eu
build=${1:-build}
huifang=$build/huifang
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# The command line is taken from docs/gen.md, so the two cannot drift.
cmdline=$(sed -n 's/^    huifang gen \(.*--out input\)$/\1/p' docs/gen.md | head -n 1)
[ -n "$cmdline" ] || fail "no 'huifang gen ... --out input' line in docs/gen.md"
# shellcheck disable=SC2086
"$huifang" gen $(echo "$cmdline" | sed 's/--out input$//') --out "$tmp/input" \
	2>"$tmp/summary" || fail "gen exited $?"
grep -q '^huifang gen: 10 files, ' "$tmp/summary" || fail "summary: $(cat "$tmp/summary")"
grep -q '^huifang gen: filled-in audit sheets of 2026-W46 in ' "$tmp/summary" ||
	fail "no audit sheets: $(cat "$tmp/summary")"

(cd input && find . -type f | sort) >"$tmp/committed"
(cd "$tmp/input" && find . -type f | sort) >"$tmp/generated"
cmp -s "$tmp/committed" "$tmp/generated" ||
	fail "files differ: $(diff "$tmp/committed" "$tmp/generated" | tr '\n' ' ')"
for f in $(cat "$tmp/committed"); do
	cmp -s "input/$f" "$tmp/input/$f" || fail "input/$f differs from a fresh 'huifang gen'"
done

# Usage errors: 64, with the usage on stderr.
expect_usage() {
	set +e
	"$huifang" gen "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	set -e
	[ "$rc" -eq 64 ] || fail "gen $* exited $rc, want 64"
	grep -q '^usage: huifang gen' "$tmp/err" || fail "gen $*: no usage on stderr"
}
expect_usage --weeks 1 --tickets-per-week 1 --out "$tmp/x"
expect_usage --seed 1 --weeks 0 --tickets-per-week 1 --out "$tmp/x"
expect_usage --seed 1 --weeks 1 --tickets-per-week 1 --out "$tmp/x" --bad-rows 0.6
expect_usage --seed 1 --weeks 1 --tickets-per-week 1 --out "$tmp/x" --end-week 2025-W53
expect_usage --seed 1 --weeks 1 --tickets-per-week 1 --out "$tmp/x" --colour red
expect_usage --seed 1 --weeks 1 --tickets-per-week 1 --out "$tmp/x" --encoding gb18030 --bom
expect_usage --seed 1 --weeks 1 --tickets-per-week 1 --out "$tmp/x" --audit --audit-fake 0.9
[ ! -e "$tmp/x" ] || fail "a usage error wrote files"

"$huifang" gen --help | grep -q '^usage: huifang gen' || fail "--help"

# An output folder that cannot be made: 73.
set +e
"$huifang" gen --seed 1 --weeks 1 --tickets-per-week 1 --out /dev/null/x 2>"$tmp/err"
rc=$?
set -e
[ "$rc" -eq 73 ] || fail "unwritable --out exited $rc, want 73"
echo ok
