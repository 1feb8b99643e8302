#!/bin/sh
# The butlers' worklist workbooks (issue 16) with hostile names: one
# workbook per service centre, a sheet per butler, read back with
# openpyxl. Centre names that make the same file name get "-2"; butler
# names longer than Excel's 31 characters that agree on their first 31,
# names with []:*?/\ or apostrophes, Excel's reserved "History" and a
# formula each get a valid sheet of their own, unique as Excel compares
# names, holding exactly their tickets, the formula kept as text.
# usage: tests/e2e/worklist_book.sh BUILD_DIR
set -u
build=${1:-build}
hf=$build/huifang
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/in"
long=张三张三张三张三张三张三张三张三张三张三张三张三张三张三张三张
{
	echo '工单编号,服务中心,楼栋房号,业主姓名,联系电话,工单类型,工单子类,内容,责任人,工单状态,完成时间'
	n=0
	for c in '东区/一期' '东区_一期' '../中区'; do
		for b in "${long}甲" "${long}乙" 'a[b]:c*?/\d' "'引号'" 'History' 'history' '=HYPERLINK("http://x")' ''; do
			n=$((n + 1))
			printf 'T%03d,"%s",1-%d,张三,1380000%04d,报事报修,户内维修,漏水,"%s",已完成,2026-11-2%d 09:00:00\n' \
				$n "$c" $n $n "$(printf '%s' "$b" | sed 's/"/""/g')" $((n % 4))
		done
	done
} >"$tmp/in/tickets.csv"
"$hf" run --input "$tmp/in" --output "$tmp/o" --config config/huifang.json \
	--as-of '2026-11-25 10:00:00' --quiet >"$tmp/out" 2>&1
rc=$?
# The hand-made input trips gates (it is tiny): 65 is its status.
[ "$rc" -eq 0 ] || [ "$rc" -eq 65 ] || { cat "$tmp/out"; echo "FAIL: exit $rc"; exit 1; }
/usr/bin/python3 - "$tmp/o/worklists" "$long" <<'PY'
import csv, glob, os, re, sys, openpyxl
d, long = sys.argv[1], sys.argv[2]
books = sorted(os.path.basename(p) for p in glob.glob(d + "/回访工作清单-*.xlsx"))
assert books == ["回访工作清单-_中区.xlsx", "回访工作清单-东区_一期-2.xlsx",
                 "回访工作清单-东区_一期.xlsx"], books
owed = list(csv.reader(open(d + "/待回访.csv", encoding="utf-8-sig")))[1:]
def clean(s, m):
    s = re.sub(r"[\[\]:*?/\\]", "_", s)[:m]
    if s.startswith("'"):
        s = "_" + s[1:]
    if s.endswith("'"):
        s = s[:-1] + "_"
    return s
seen = 0
for name in books:
    wb = openpyxl.load_workbook(os.path.join(d, name))
    names = wb.sheetnames
    assert len(names) == 8, (name, names)
    low = [n.lower() for n in names]
    assert len(set(low)) == len(low), names
    for n in names:
        assert 0 < len(n) <= 31, n
        assert not re.search(r"[\[\]:*?/\\]", n), n
        assert not n.startswith("'") and not n.endswith("'"), n
        assert n.lower() != "history", n
    assert names[-1] == "未指定" or "未指定" in names, names
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        assert len(rows) == 1, (ws.title, rows)
        seen += 1
        ticket = rows[0][1]
        butler = [r[1] for r in owed if r[2] == ticket][0]
        want = butler.lstrip("'") if butler.startswith("'=") else butler
        if butler == "未指定":
            assert ws.title == "未指定", ws.title
        else:
            # The sheet is his: his name made valid, cut to fit 31
            # characters with its " (N)" when one was taken.
            m = re.fullmatch(r"(.*?)( \(\d+\))?", ws.title)
            assert m.group(1) == clean(want, 31 - len(m.group(2) or "")), (ws.title, want)
    f = [c for ws in wb.worksheets for r in ws.iter_rows() for c in r
         if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    for c in f:
        assert c.data_type == "s", c.data_type
assert seen == len(owed) == 24, (seen, len(owed))
print("ok: %d workbooks, %d sheets" % (len(books), seen))
PY
