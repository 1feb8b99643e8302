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
# make run's as-of is past 2026-W47's issue_at, and the bundled sample
# passes every plausibility gate at its defaults (SPEC §9.26, §9.28).
[ "$($jget "$m" issue_at)" = '2026-11-26 00:00:00' ] || fail "issue_at"
[ "$($jget "$m" provisional)" = false ] || fail "W47 not issued"
[ "$($jget "$m" revision)" = 1 ] || fail "revision"
g=0
for name in rejected_rows unreadable_files damaged_ids repeated_ids \
	untimed_ratings no_butler stale_input empty_week rejected_file; do
	[ "$($jget "$m" "gates[$g].name")" = $name ] || fail "gate $g is not $name"
	[ "$($jget "$m" "gates[$g].tripped")" = false ] ||
		fail "the sample trips $name: $($jget "$m" "gates[$g].message")"
	g=$((g + 1))
done
[ "$($jget "$out/o/run.json" 'weeks[0].blocked')" = false ] || fail "run.json: blocked"
for f in 待回访 未闭环 无法联系 汇总; do
	[ -f "$out/o/worklists/$f.csv" ] || fail "no worklists/$f.csv"
done
# The same lists as a workbook per centre, a sheet per butler, the CSVs'
# rows (owed overdue first, then loops, then 无法联系); the butler's own
# lists show the phone (worklists.masking) and are written with the audit
# mode; worklists.json, the site's view, masks it.
/usr/bin/python3 - "$out/o/worklists" <<'PY' || fail "the per-centre workbooks do not hold the CSVs' rows"
import csv, glob, json, os, re, stat, sys, openpyxl
d = sys.argv[1]
want = {}
def norm(x):  # the CSV neutralises a leading = + - @; the workbook needs not
    return x[1:] if x[:1] == "'" and x[1:2] in ("=", "+", "-", "@", "\t", "\r") else x
for name, what in (("待回访", None), ("未闭环", "不满意未闭环"), ("无法联系", None)):
    rows = list(csv.reader(open(d + "/" + name + ".csv", encoding="utf-8-sig")))
    for r in rows[1:]:
        want.setdefault(r[0], {}).setdefault(r[1], []).append(
            (what or r[10], r[2], norm(r[7])))
    assert stat.S_IMODE(os.stat(d + "/" + name + ".csv").st_mode) & 0o077 == 0, name
books = sorted(glob.glob(d + "/回访工作清单-*.xlsx"))
assert len(books) == len(want), (len(books), sorted(want))
for center, people in want.items():
    wb = openpyxl.load_workbook(d + "/回访工作清单-" + center + ".xlsx")
    assert stat.S_IMODE(os.stat(d + "/回访工作清单-" + center + ".xlsx").st_mode) & 0o077 == 0
    assert len(wb.sheetnames) == len(people), (center, wb.sheetnames)
    for butler, rows in people.items():
        ws = wb[butler[:31]]
        got = [(r[0], r[1], r[6] or "") for r in ws.iter_rows(min_row=2, values_only=True)]
        order = {"已超时": 0, "待回访": 0, "不满意未闭环": 1, "无法联系": 2}
        rows.sort(key=lambda r: order[r[0]])
        assert got == rows, (center, butler, got[:3], rows[:3])
        seen_due = False
        for r in got:
            assert not (r[0] == "已超时" and seen_due), (butler, "overdue after due")
            seen_due |= r[0] == "待回访"
phones = [r[2] for p in want.values() for rows in p.values() for r in rows]
assert any(re.fullmatch(r"1\d{10}", x) for x in phones), "no phone shown to the butlers"
view = json.load(open(d + "/worklists.json"))
assert view["schema"] == "huifang.worklists/1"
for k in ("owed", "loops", "unreachable"):
    for it in view[k]:
        assert not re.search(r"\d{11}", it["phone"]), it["phone"]
assert sum(len(v["owed"]) for v in [view]) == sum(p["owed"] for p in view["people"])
PY

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

# A second run without --force keeps the issued week; with --force and
# a reason it makes revision 2, the same figures, and keeps revision 1's
# files under revisions/v1/ (SPEC §9.27).
cp "$m" "$out/metrics.first"
"$hf" run --input input --output "$out/o" --config config/huifang.json \
	--as-of "$asof" --week 2026-W47 >"$out/stdout2" 2>/dev/null ||
	fail "second run failed"
grep -q 'kept' "$out/stdout2" || fail "an issued week was not kept"
"$hf" run --input input --output "$out/o" --config config/huifang.json \
	--as-of "$asof" --week 2026-W47 --force --reason '复核后重出' \
	>/dev/null 2>&1 || fail "forced run failed"
w=$out/o/weeks/2026-W47
cmp -s "$w/revisions/v1/metrics.json" "$out/metrics.first" ||
	fail "revision 1's metrics.json was not kept"
[ -f "$w/revisions/v1/周报-2026-W47.pdf" ] || fail "revision 1's PDF was not kept"
grep -q '"revision": 2,' "$m" || fail "the reissue is not revision 2"
grep -q '"revision_reason": "复核后重出",' "$m" || fail "no revision reason"
grep -v '"revision' "$m" >"$out/m2" && grep -v '"revision' "$out/metrics.first" >"$out/m1"
cmp -s "$out/m1" "$out/m2" || fail "a revision changed the figures"
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
