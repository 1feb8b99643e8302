#!/bin/sh
# End to end: 'huifang run' on the bundled sample, as 'make run' does it.
# Checks the artifacts exist and agree with each other: the accounting
# invariant, metrics.json's figures in the weekly PDF's text, every butler
# in the record forms, the site's index, and that a rerun is byte-identical.
set -eu
build=${1:-build}
hf=$build/huifang
jget=$build/tests/tools/jget
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

asof='2026-11-26 08:00:00'
"$hf" run --input input --output "$out/o" --config config/huifang.json \
	--as-of "$asof" --week 2026-W47 >"$out/stdout" 2>"$out/stderr" ||
	fail "huifang run exited $?: $(cat "$out/stderr")"
grep -q '^huifang: 2026-W47 issued, ' "$out/stdout" ||
	fail "no summary line: $(cat "$out/stdout")"

w=$out/o/weeks/2026-W47
for f in metrics.json samples.json records.json 周报-2026-W47.pdf \
	.issued; do
	[ -f "$w/$f" ] || fail "missing $f"
done
[ -f "$out/o/site/index.html" ] || fail "missing site/index.html"
[ -f "$out/o/rejects.csv" ] || fail "missing rejects.csv"
[ -f "$out/o/run.json" ] || fail "missing run.json"

m=$w/metrics.json
[ "$($jget "$m" schema)" = huifang.metrics/1 ] || fail "schema"
[ "$($jget "$m" week)" = 2026-W47 ] || fail "week"
[ "$($jget "$m" week_start)" = 2026-11-16 ] || fail "week_start"
[ "$($jget "$m" week_end)" = 2026-11-22 ] || fail "week_end"
[ "$($jget "$m" as_of)" = "$asof" ] || fail "as_of"

read_=$($jget "$m" input.rows_read)
acc=$($jget "$m" input.accepted)
rej=$($jget "$m" input.rejected)
sup=$($jget "$m" input.superseded)
[ "$read_" -gt 0 ] || fail "no rows read"
[ "$read_" -eq $((acc + rej + sup)) ] ||
	fail "rows_read $read_ != $acc + $rej + $sup"
[ "$($jget "$out/o/run.json" input.rows_read)" -eq "$read_" ] ||
	fail "run.json disagrees with metrics.json on rows_read"
[ "$rej" -gt 0 ] || fail "the sample carries bad rows; none rejected"

# Every type is listed, and coverage = called_back / eligible.
for i in 0 1 2; do
	e=$($jget "$m" "by_type[$i].eligible")
	c=$($jget "$m" "by_type[$i].called_back")
	cov=$($jget "$m" "by_type[$i].coverage")
	[ "$e" -gt 0 ] || fail "by_type[$i] has no eligible tickets"
	awk -v c="$c" -v e="$e" -v cov="$cov" 'BEGIN {
		d = c / e - cov; if (d < 0) d = -d; exit !(d < 1e-12) }' ||
		fail "by_type[$i].coverage $cov != $c/$e"
done

# The weekly PDF shows the company, the week and each type's coverage.
pdftotext -layout "$w/周报-2026-W47.pdf" "$out/report.txt" 2>/dev/null
grep -q "$($jget config/huifang.json company.name)" "$out/report.txt" ||
	fail "company name not in the weekly report"
grep -q '2026-W47' "$out/report.txt" || fail "week not in the weekly report"
for i in 0 1 2; do
	t=$($jget "$m" "by_type[$i].type")
	pct=$(awk -v v="$($jget "$m" "by_type[$i].coverage")" \
		'BEGIN { printf "%.1f%%", v * 100 }')
	grep "$t" "$out/report.txt" | grep -q "$pct" ||
		fail "coverage $pct of $t not in the weekly report"
done

# Every butler with a callback in records.json appears in a record form.
ls "$w"/回访记录表-*.pdf >/dev/null 2>&1 || fail "no record forms"
for f in "$w"/回访记录表-*.pdf; do
	pdftotext "$f" - 2>/dev/null >>"$out/forms.txt"
done
grep -o '"butler": *"[^"]*"' "$w/records.json" | sed 's/.*: *"//; s/"$//' |
	sort -u >"$out/butlers"
[ -s "$out/butlers" ] || fail "records.json names no butler"
while read -r b; do
	grep -q "$b" "$out/forms.txt" || fail "butler $b is not in any record form"
done <"$out/butlers"

# A second run without --force keeps the issued week; with --force it
# reissues it byte for byte.
cp "$m" "$out/metrics.first"
"$hf" run --input input --output "$out/o" --config config/huifang.json \
	--as-of "$asof" --week 2026-W47 >"$out/stdout2" 2>/dev/null ||
	fail "second run failed"
grep -q 'kept' "$out/stdout2" || fail "an issued week was not kept"
"$hf" run --input input --output "$out/o" --config config/huifang.json \
	--as-of "$asof" --week 2026-W47 --force >/dev/null 2>&1 ||
	fail "forced run failed"
cmp -s "$m" "$out/metrics.first" || fail "a rerun changed metrics.json"
# A binary of the build tree finds the tree's config and templates from
# any folder (no --config, no ./config, no ./templates there).
hfa=$(cd "$(dirname "$hf")" && pwd)/huifang
root=$(pwd)
mkdir "$out/elsewhere"
rc=0
(cd "$out/elsewhere" && "$hfa" check "$root/input" >check.out 2>&1) || rc=$?
[ "$rc" -eq 65 ] || fail "check from another folder exited $rc, not 65: $(cat "$out/elsewhere/check.out")"
grep -q " $rej would be rejected" "$out/elsewhere/check.out" ||
	fail "check from another folder: $(tail -1 "$out/elsewhere/check.out")"
(cd "$out/elsewhere" && "$hfa" render --output "$out/o" --week 2026-W47 --force \
	>render.out 2>&1) || fail "render from another folder: $(cat "$out/elsewhere/render.out")"
"$hfa" run --help | grep -qF "$root/config/huifang.json and $root/templates" ||
	fail "run --help does not print the source tree in the lookup order"

echo "ok: $read_ rows, $rej rejected"
