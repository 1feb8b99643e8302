#!/bin/sh
# End to end: what a source profile changes in the reports (issue 14).
# The RuoYi-style case (tests/golden/spec-profile-ruoyi, whose figures
# golden_spec.sh checks) has no callback time: page 1 of the weekly report
# says how many callbacks were timed from the stand-in column; the bundled
# sample, read without profiles, has no such note.
# usage: tests/e2e/profiles.sh BUILD_DIR
set -u
build=${1:-build}
hf=$build/huifang
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

fail() {
	echo "FAIL: $*"
	failed=1
}

mkdir -p "$tmp/in"
cp tests/golden/spec-profile-ruoyi/input/* "$tmp/in/"
"$hf" run --input "$tmp/in" --output "$tmp/out" \
	--config config/examples/ruoyi.json --as-of '2026-11-26 10:00:00' \
	--week 2026-W47 --quiet >"$tmp/stdout" 2>"$tmp/stderr" ||
	fail "run exited $?: $(cat "$tmp/stderr")"
pdftotext -layout -f 1 -l 1 "$tmp/out/weeks/2026-W47/周报-2026-W47.pdf" \
	"$tmp/p1.txt" 2>/dev/null || fail "pdftotext failed"
grep -qF "4 次回访以配置指定的替代时间列计时" "$tmp/p1.txt" ||
	fail "page 1 does not say that 4 callbacks are stand-in timed"

"$hf" run --output "$tmp/sample" --as-of '2026-11-26 08:00:00' \
	--week 2026-W47 --quiet >"$tmp/stdout" 2>"$tmp/stderr" ||
	fail "sample run exited $?"
pdftotext -layout -f 1 -l 1 "$tmp/sample/weeks/2026-W47/周报-2026-W47.pdf" \
	"$tmp/s1.txt" 2>/dev/null || fail "pdftotext failed"
! grep -qF "替代时间列" "$tmp/s1.txt" ||
	fail "the sample's page 1 speaks of stand-in times"

# check lists a value nothing can read, and a warning alone passes.
printf '工单编号,工单类型,工单子类,完成时间,满意度\nA1,投诉,屋顶类,2026-11-17 10:00,\n' \
	>"$tmp/w.csv"
"$hf" check --config config/huifang.json "$tmp/w.csv" >"$tmp/check" 2>&1
rc=$?
[ "$rc" -eq 0 ] || fail "check with warnings only exited $rc"
grep -qF "w.csv:2:3: warning: '屋顶类' in column '工单子类' is no known sub-type of its type: kept as written" \
	"$tmp/check" || fail "check did not name the unknown sub-type: $(cat "$tmp/check")"

# A profile names the sheet of a workbook: without it the first sheet
# (a notes sheet) is read and is no export.
/usr/bin/python3 - "$tmp/book-2026.xlsx" <<'PY' || fail "openpyxl could not write the workbook"
import sys
from openpyxl import Workbook
wb = Workbook()
notes = wb.active
notes.title = "说明"
notes.append(["导出说明"])
notes.append(["本表由系统导出"])
ws = wb.create_sheet("工单")
ws.append(["派工单号", "类别", "完成时间"])
ws.append(["K1", "报修", "2026-11-17 10:00:00"])
ws.append(["K2", "投诉", "2026-11-18 10:00:00"])
wb.save(sys.argv[1])
PY
mkdir -p "$tmp/wb"
mv "$tmp/book-2026.xlsx" "$tmp/wb/"
"$hf" check --config config/huifang.json "$tmp/wb" >"$tmp/check" 2>&1
grep -qF "unrecognised" "$tmp/check" ||
	fail "the notes sheet read as an export: $(cat "$tmp/check")"
printf '%s\n' '{"sources": [{"name": "book", "files": "book-*.xlsx",' \
	'"sheet": "工单", "columns": {"派工单号": "工单编号",' \
	'"类别": "工单类型", "完成时间": "完成时间"}}]}' >"$tmp/book.json"
"$hf" check --config "$tmp/book.json" "$tmp/wb" >"$tmp/check" 2>&1
rc=$?
[ "$rc" -eq 0 ] || fail "check of the profile's sheet exited $rc: $(cat "$tmp/check")"
grep -qF "2 rows read, 0 would be rejected, 0 unrecognised files" \
	"$tmp/check" || fail "the sheet 工单 was not read: $(cat "$tmp/check")"

exit "$failed"
