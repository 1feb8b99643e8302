#!/bin/sh
# The audit loop end to end on the bundled sample, as 'make run' does it:
# 'huifang audit import' of input/audit/ (2026-W46's sample, audited in
# 2026-W47) on a clean output folder (the sample drawn from the input),
# then 'huifang run' of 2026-W47; the findings reach its metrics.json, as
# SPEC §9.29 says, in the week they are dated; a re-import changes nothing; a sheet with bad rows exits
# 65, names file, line and column, and imports nothing; the per-centre
# audit sheets exist with the audit file mode and stay out of the site;
# wt/d's audit workbook, filled in with openpyxl, imports the same way;
# a fake in one week's sample forces the butler into the next week's.
# usage: tests/e2e/audit.sh BUILD_DIR
set -eu
build=${1:-build}
huifang=$build/huifang
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
asof='2026-11-26 08:00:00'
out=$tmp/output

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

"$huifang" audit import --input input --output "$out" --config config/huifang.json \
	--as-of "$asof" input/audit/*.csv >"$tmp/import.txt" ||
	fail "import exited $?"
grep -q '^huifang audit import: 104 findings from 3 sheets' "$tmp/import.txt" ||
	fail "import said: $(cat "$tmp/import.txt")"
findings=$out/findings/2026-W46.json
[ -f "$findings" ] || fail "no $findings"
[ "$(stat -c %a "$findings")" = 600 ] || fail "findings mode $(stat -c %a "$findings")"
cp "$findings" "$tmp/first.json"

"$huifang" run --input input --output "$out" --config config/huifang.json \
	--as-of "$asof" >/dev/null 2>&1 || fail "run exited $?"
week=$out/weeks/2026-W47
python3 - "$week/metrics.json" <<'EOF' || fail "metrics.json audit section"
import json, sys
a = json.load(open(sys.argv[1]))["audit"]
levels = {l["id"]: l for l in a["levels"]}
cs, qd = levels["cs_supervisor"], levels["quality_dept"]
# The audits dated in 2026-W47 (of 2026-W46's sample) ...
assert cs["audited"] == 46 and cs["fake"] == 0 and cs["genuine_rate"] == 1, cs
assert qd["audited"] == 21 and qd["fake"] == 2, qd
assert qd["genuine_rate_ci"][0] < 19 / 21 == qd["genuine_rate"] < qd["genuine_rate_ci"][1]
assert levels["engineering_manager"]["audited"] == 37
assert sum(c["audited"] for c in cs["centers"]) == 46
assert a["all_levels"]["audited"] == 46 + 37 + 21 == a["findings"]
assert a["trend"][-1]["week"] == "2026-W47" and a["trend"][-1]["audited"] == 104
# ... and the progress of 2026-W47's own sample: none audited yet, not
# overdue, counted from the issue this run recorded.
assert cs["sampled"] == 50 and cs["done"] == 0 and cs["overdue"] == 0, cs
assert a["all_levels"]["done"] == 0
assert a["issued_at"] == "2026-11-26 08:00:00" and a["issued_at_recorded"], a
assert a["due_at"] == "2026-12-10 08:00:00" and not a["overdue"], a
f = json.load(open(sys.argv[1]))["findings"]
assert sum(1 for x in f if not x["genuine"]) == 2, f
assert all("2026-11-16" <= x["audit_date"] <= "2026-11-22" for x in f), f
EOF

# The site's centre and butler pages show the audits (masked data only).
page=$(grep -l '<h1>南山雅居物业服务中心 ' "$out"/site/weeks/2026-W47/center-*.html)
grep -q '<h2>三级抽查结果</h2>' "$page" || fail "no audit section on the centre page"
grep -q '<tr><th scope="row">三级合计</th><td class="num">4</td><td class="num">0</td><td class="num">100.0%</td>.*<td class="num">4</td><td class="num">0</td><td class="num">0</td></tr>' "$page" ||
	fail "centre page audit figures"
grep -l '<h2>三级抽查结果</h2>' "$out"/site/weeks/2026-W47/butler-*.html | grep -q . ||
	fail "no audit section on the butler pages"

# Re-importing the same sheets: the same findings, byte for byte.
"$huifang" audit import --input input --output "$out" --config config/huifang.json \
	--as-of "$asof" input/audit/*.csv >/dev/null || fail "re-import exited $?"
cmp -s "$findings" "$tmp/first.json" || fail "re-import changed the findings"

# A bad row: 65, file, line and column named, nothing imported.
python3 - input/audit/抽查表-quality_dept-2026-W46.csv "$tmp/bad.csv" <<'EOF'
import csv, io, sys
rows = list(csv.reader(io.open(sys.argv[1], encoding="utf-8-sig", newline="")))
h = rows[0]
rows[2][h.index("是否真实回访")] = "也许"
rows[3][h.index("工单编号")] = "NOT-SAMPLED"
w = io.open(sys.argv[2], "w", encoding="utf-8-sig", newline="")
csv.writer(w, lineterminator="\r\n").writerows(rows)
EOF
rm -rf "$out/findings"
set +e
"$huifang" audit import --input input --output "$out" --config config/huifang.json \
	--as-of "$asof" input/audit/抽查表-cs_supervisor-2026-W46.csv "$tmp/bad.csv" \
	>"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
set -e
[ "$rc" -eq 65 ] || fail "bad sheet exited $rc, want 65"
col=$(head -1 input/audit/抽查表-quality_dept-2026-W46.csv | tr ',' '\n' | grep -n '是否真实回访' | cut -d: -f1)
grep -q "bad.csv:3:$col: error: '也许' in column '是否真实回访' is not 是, 否 or 无法联系" "$tmp/bad.err" ||
	fail "no error for line 3: $(cat "$tmp/bad.err")"
grep -q "bad.csv:4:[0-9]*: error: ticket 'NOT-SAMPLED' is not in the samples of 2026-W46" "$tmp/bad.err" ||
	fail "no error for line 4: $(cat "$tmp/bad.err")"
[ ! -e "$out/findings/2026-W46.json" ] || fail "a bad sheet imported something"

# The audit workbook (wt/d's 抽查表-<level>.xlsx) filled in with openpyxl
# and imported: its rows go through the same checks, and a bad one is
# named by workbook, sheet, row and column.
/usr/bin/python3 - "$week/抽查表-quality_dept.xlsx" "$tmp" <<'EOF'
import datetime, sys
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
n = 0
for ws in wb.worksheets:
    if ws.title in ("说明", "分层", "样本标识"):
        continue
    ix = {c.value: i for i, c in enumerate(ws[1])}
    for r in ws.iter_rows(min_row=2):
        if r[ix["工单编号"]].value is None:
            continue
        r[ix["是否真实回访"]].value = ["否", "无法联系"][n] if n < 2 else "是"
        r[ix["复核满意度"]].value = "满意" if n > 1 else None
        r[ix["抽查人"]].value = "郑专员"
        r[ix["抽查日期"]].value = datetime.datetime(2026, 11, 25)
        n += 1
wb.save(sys.argv[2] + "/good.xlsx")
ws = wb.worksheets[2]
ix = {c.value: i for i, c in enumerate(ws[1])}
ws.cell(row=2, column=ix["复核满意度"] + 1).value = "超级满意"
wb.save(sys.argv[2] + "/bad.xlsx")
EOF
set +e
"$huifang" audit import --input input --output "$out" --config config/huifang.json \
	--as-of "$asof" "$tmp/bad.xlsx" >/dev/null 2>"$tmp/xbad.err"
rc=$?
set -e
[ "$rc" -eq 65 ] || fail "bad workbook exited $rc, want 65"
grep -q "bad.xlsx\[万象新城物业服务中心\]:2:[0-9]*: error: '超级满意' in column '复核满意度'" "$tmp/xbad.err" ||
	fail "bad workbook: $(cat "$tmp/xbad.err")"
[ ! -e "$out/findings/2026-W47.json" ] || fail "a bad workbook imported something"
"$huifang" audit import --input input --output "$out" --config config/huifang.json \
	--as-of "$asof" "$tmp/good.xlsx" >"$tmp/x.out" || fail "workbook import exited $?"
grep -q '^huifang audit import: 20 findings from 1 sheet' "$tmp/x.out" ||
	fail "workbook import said: $(cat "$tmp/x.out")"
python3 - "$out/findings/2026-W47.json" <<'EOF' || fail "workbook findings"
import json, sys
f = json.load(open(sys.argv[1]))["findings"]
assert len(f) == 20 and all(x["level"] == "quality_dept" for x in f)
assert sum(x["genuine"] is None for x in f) == 1
assert sum(x["genuine"] is False for x in f) == 1
assert all(x["source"].startswith("good.xlsx[") for x in f)
EOF

# The sheets: one per centre for 客户服务主管, one for each other level,
# mode 0600, never in the site.
n=$(ls "$week" | grep -c '^抽查表-客户服务主管-.*物业服务中心\.pdf$')
[ "$n" -eq 20 ] || fail "$n per-centre sheets, want 20"
for f in "$week/抽查表-工程经理.pdf" "$week/抽查表-品质管理部.pdf" \
	"$week/抽查表-客户服务主管-翠湖苑物业服务中心.pdf" "$week/audit_sheets.json" \
	"$week/抽查表-cs_supervisor.csv" "$week/抽查表-cs_supervisor.xlsx"; do
	[ -f "$f" ] || fail "no $f"
	[ "$(stat -c %a "$f")" = 600 ] || fail "$f mode $(stat -c %a "$f")"
done
if find "$out/site" -name '抽查表*' -o -name 'audit_sheets.json' | grep -q .; then
	fail "an audit sheet is in the site"
fi
# The site's PDFs (copies of the week's reports) are read as text: their
# hex-encoded glyph strings hold digit runs that are no phone numbers.
phone='(?<![0-9])1[3-9][0-9]{9}(?![0-9])'
if grep -rqP --exclude='*.pdf' "$phone" "$out/site"; then
	fail "an unmasked phone number is in the site"
fi
find "$out/site" -name '*.pdf' >"$tmp/site_pdfs"
while IFS= read -r pdf; do
	if pdftotext -q "$pdf" - | grep -qP "$phone"; then
		fail "an unmasked phone number is in $pdf"
	fi
done <"$tmp/site_pdfs"
[ -s "$tmp/site_pdfs" ] || fail "no PDF in the site to check"
# A fake found in 2026-W46's sample makes that butler's callbacks
# must-includes of 客户服务主管 in 2026-W47 (fake_followup), with the reason.
fo=$tmp/followup
"$huifang" run --input input --output "$fo" --config config/huifang.json \
	--as-of "$asof" --week 2026-W46 >/dev/null 2>&1 || fail "run W46 exited $?"
# Its audits are due 14 days after the issue this run recorded (11-26
# 08:00), not after the config's issue_at (11-19 00:00); a revision made
# later keeps the first issue's deadline.
python3 - "$fo/weeks/2026-W46/metrics.json" <<'EOF' || fail "W46 due time"
import json, sys
a = json.load(open(sys.argv[1]))["audit"]
assert a["issued_at"] == "2026-11-26 08:00:00" and a["issued_at_recorded"], a
assert a["due_at"] == "2026-12-10 08:00:00", a
EOF
"$huifang" run --input input --output "$fo" --config config/huifang.json \
	--as-of '2026-12-05 09:00:00' --week 2026-W46 --force --reason test --accept-gates \
	>/dev/null 2>&1 || fail "revision of W46 exited $?"
python3 - "$fo/weeks/2026-W46/metrics.json" <<'EOF' || fail "W46 revision due time"
import json, sys
m = json.load(open(sys.argv[1]))
a = m["audit"]
assert m["revision"] == 2, m["revision"]
assert a["issued_at"] == "2026-11-26 08:00:00" and a["issued_at_recorded"], a
# (from the config's issue_at it would be due 12-03 and overdue by now)
assert a["due_at"] == "2026-12-10 08:00:00" and not a["overdue"], a
assert all(l["overdue"] == 0 for l in a["levels"]), a["levels"]
EOF
python3 - "$fo/weeks/2026-W46/抽查表-cs_supervisor.csv" "$tmp/w46.csv" >"$tmp/faked" <<'EOF'
import csv, io, sys
rows = list(csv.reader(io.open(sys.argv[1], encoding="utf-8-sig", newline="")))
h = rows[0]
r = next(r for r in rows[1:] if r[h.index("责任人")])
r[h.index("是否真实回访")] = "否"
r[h.index("抽查人")] = "周主管"
r[h.index("抽查日期")] = "2026-11-20"
w = io.open(sys.argv[2], "w", encoding="utf-8-sig", newline="")
csv.writer(w, lineterminator="\r\n").writerows([h, r])
print(r[h.index("服务中心")] + "\t" + r[h.index("责任人")])
EOF
"$huifang" audit import --input input --output "$fo" --config config/huifang.json \
	--as-of "$asof" "$tmp/w46.csv" >/dev/null || fail "W46 import exited $?"
"$huifang" run --input input --output "$fo" --config config/huifang.json \
	--as-of "$asof" --week 2026-W47 >/dev/null 2>&1 || fail "run W47 exited $?"
python3 - "$fo/weeks/2026-W47/samples.json" "$(cat "$tmp/faked")" <<'EOF' || fail "no fake_followup in 2026-W47"
import json, sys
center, butler = sys.argv[2].split("\t")
cs = json.load(open(sys.argv[1]))["levels"][0]
mine = [i for i in cs["items"] if i["center"] == center and i["butler"] == butler]
assert mine, "the butler has no callback in the sample"
assert all(i["rule"] == "must_include" and i.get("fake_followup") == "2026-W46" for i in mine), mine
assert all("虚假回访跟踪（2026-W46 查实）" in i["reason_zh"] for i in mine)
EOF

echo ok
