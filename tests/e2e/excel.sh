#!/bin/sh
# Excel in and out (SPEC §9.20): the same export as CSV, as .xlsx and as
# .xls written by LibreOffice gives the same metrics, samples, records
# and rejects; so do openpyxl's edge cases and their CSV twins; and the
# workbooks huifang writes load in openpyxl with the expected sheets,
# types and drop-down lists, and read back in LibreOffice as the text of
# the audit CSVs. The fixtures are made once per make test
# (tests/excel/make-fixtures.sh, a prerequisite of the tests).
# usage: tests/e2e/excel.sh BUILD_DIR
set -u
build=${1:-build}
huifang=$(cd "$build" && pwd)/huifang
fx=build/tests/excel
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

if [ ! -f "$fx/.made" ]; then
	echo "FAIL: no Excel fixtures in $fx (make tests builds them)"
	exit 1
fi
# The edge fixtures are bad data on purpose (rejects, Excel-damaged ids):
# they trip the plausibility gates, which are not what this test is about,
# so those runs accept them (extra arguments).
config=config/huifang.json
run() {
	in=$1 out=$2
	shift 2
	"$huifang" run --input "$in" --output "$out" --config "$config" \
		--as-of '2026-11-26 08:00:00' --week 2026-W47 "$@" >"$out.log" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "FAIL: huifang run on $in exited $rc"
		cat "$out.log"
		failed=1
	fi
}
for k in csv xlsx xls; do
	run "$fx/$k" "$tmp/$k"
done
for k in xlsx xls; do
	/usr/bin/python3 tests/excel/check.py same-run "$tmp/csv" "$tmp/$k" ||
		failed=1
	# Every sheet is an input file of its own, named book.xlsx[Sheet].
	grep -q "\"callbacks.$k\[callbacks\]\"" "$tmp/$k/weeks/2026-W47/metrics.json" ||
		{ echo "FAIL: no callbacks.$k[callbacks] in metrics.json"; failed=1; }
done
run "$fx/edge/csv" "$tmp/edge-csv" --accept-gates
run "$fx/edge/xlsx" "$tmp/edge-xlsx" --accept-gates
/usr/bin/python3 tests/excel/check.py same-run "$tmp/edge-csv" "$tmp/edge-xlsx" ||
	failed=1
# The same cases as LibreOffice writes them in .xls: a boolean reads
# TRUE, an error cell is empty and counted, a merged range gives its
# value down (freexl says none of this; biff.c reads the records).
# (An .xls keeps no trace of openpyxl's E-notation, so its big ticket
# number reads exact: edge-types is checked by cell, the ledger whole.)
mkdir -p "$tmp/ledger-csv" "$tmp/ledger-xls"
cp "$fx/edge/csv/edge-ledger.csv" "$tmp/ledger-csv/"
cp "$fx/edge/xls/edge-ledger.xls" "$tmp/ledger-xls/"
run "$tmp/ledger-csv" "$tmp/ledger-csv-out" --accept-gates
run "$tmp/ledger-xls" "$tmp/ledger-xls-out" --accept-gates
/usr/bin/python3 tests/excel/check.py same-run "$tmp/ledger-csv-out" \
	"$tmp/ledger-xls-out" || failed=1
grep -c '"center": "北区服务中心"' "$tmp/ledger-xls-out/weeks/2026-W47/records.json" |
	grep -qx 3 || { echo "FAIL: the .xls merged range did not give its value down"; failed=1; }
run "$fx/edge/xls" "$tmp/edge-xls" --accept-gates
grep -q "edge-types.xls\[工单\]: warning: 1 error cells" "$tmp/edge-xls.log" ||
	{ echo "FAIL: the .xls error cell is not counted"; cat "$tmp/edge-xls.log"; failed=1; }
grep -q '"recorder": "TRUE"' "$tmp/edge-xls/weeks/2026-W47/records.json" ||
	{ echo "FAIL: the .xls boolean does not read TRUE"; failed=1; }

# Issue 15: a profile reads a ledger's every sheet (the hidden lookup
# sheet left out, in an .xlsx and an .xls alike), each a file of its own
# named in input.files and in rejects.csv, with the header on row 3
# below a title; the CSV twins (a file per sheet, the same title rows)
# read the same with header_row.
/usr/bin/python3 - "$tmp/sheets.json" <<'PY'
import json, sys
c = json.load(open("config/huifang.json"))
c["sources"] = [
    {"name": "ledger-xlsx", "files": "台账*.xlsx", "sheets": "all",
     "header_row": 3},
    {"name": "ledger-xls", "files": "台账*.xls", "sheets": "all",
     "header_row": 3},
    {"name": "ledger-csv", "files": "台账*.csv", "header_row": 3}]
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
config=$tmp/sheets.json
for k in csv xlsx xls; do
	run "$fx/edge/sheets/$k" "$tmp/sheets-$k" --accept-gates
done
config=config/huifang.json
for k in xlsx xls; do
	/usr/bin/python3 tests/excel/check.py same-run "$tmp/sheets-csv" \
		"$tmp/sheets-$k" --any-file || failed=1
	m="$tmp/sheets-$k/weeks/2026-W47/metrics.json"
	grep -q "\"台账.$k\[东区\]\"" "$m" && grep -q "\"台账.$k\[西区\]\"" "$m" ||
		{ echo "FAIL: $k: the sheets are not files of their own"; failed=1; }
	grep -q '选项' "$m" && { echo "FAIL: $k: the hidden sheet was read"; failed=1; }
	grep -q "^台账.$k\[西区\],5,8,bad_timestamp," "$tmp/sheets-$k/rejects.csv" ||
		{ echo "FAIL: $k: rejects.csv does not name the sheet"; cat "$tmp/sheets-$k/rejects.csv"; failed=1; }
	grep -q "台账.$k\[西区\]:5:8: error: invalid timestamp '2026-13-01 10:00:00' in column '回访时间' at 台账.$k\[西区\]!H5" "$tmp/sheets-$k.log" ||
		{ echo "FAIL: $k: the error does not name sheet and cell"; cat "$tmp/sheets-$k.log"; failed=1; }
done
# The hidden sheet left out is named in a note (shown on a terminal);
# a profile that names it reads it.
python3 - "$tmp/sheets.json" "$tmp/sheets-named.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
for s in c["sources"]:
    if "sheets" in s:
        s["sheets"] = ["选项"]
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)
PY
for k in xlsx xls; do
	script -qec "'$huifang' ingest --config '$tmp/sheets.json' --input '$fx/edge/sheets/$k' --output '$tmp/ingest-$k'" \
		/dev/null >"$tmp/ingest-$k.txt" 2>&1
	grep -q "台账.$k: note: hidden sheet '选项' not read" "$tmp/ingest-$k.txt" ||
		{ echo "FAIL: $k: no note of the hidden sheet"; cat "$tmp/ingest-$k.txt"; failed=1; }
	"$huifang" check --config "$tmp/sheets-named.json" "$fx/edge/sheets/$k/台账.$k" \
		>"$tmp/named-$k.txt" 2>&1
	grep -q "台账.$k\[选项\]: warning: unrecognised file, skipped: no 工单类型 column" "$tmp/named-$k.txt" ||
		{ echo "FAIL: $k: a hidden sheet a profile names is not read"; cat "$tmp/named-$k.txt"; failed=1; }
done
# inspect reads a workbook as a run does: the profile's header row.
"$huifang" inspect --config "$tmp/sheets.json" "$fx/edge/sheets/xlsx/台账.xlsx" \
	>"$tmp/inspect.txt" 2>&1 &&
grep -q "^format:  Excel .xlsx, sheet '东区', UTF-8" "$tmp/inspect.txt" &&
grep -q "^rows:    2" "$tmp/inspect.txt" &&
grep -q "^  工单编号 -> 工单编号 (canonical); 2 of 2 rows filled" "$tmp/inspect.txt" ||
	{ echo "FAIL: inspect of a workbook"; cat "$tmp/inspect.txt"; failed=1; }
# A sheet the profile names but the workbook lacks is named as skipped.
python3 - "$tmp/sheets.json" "$tmp/sheets-missing.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["sources"][1]["sheets"] = ["东区", "西区", "南区"]
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)
PY
"$huifang" check --config "$tmp/sheets-missing.json" "$fx/edge/sheets/xls/台账.xls" \
	>"$tmp/missing.txt" 2>&1
rc=$?
# (It was once called unreadable, exit 66: "book.xls[南区]" opened as a path.)
[ "$rc" -eq 65 ] || { echo "FAIL: check with a missing sheet exited $rc, not 65"; failed=1; }
grep -q "台账.xls\[南区\]: warning: unrecognised file, skipped: cannot read: the workbook has no sheet named '南区'" "$tmp/missing.txt" ||
	{ echo "FAIL: a missing sheet is not named"; cat "$tmp/missing.txt"; failed=1; }

# An .xls whose records biff.c cannot read (its MERGEDCELLS record
# claims more ranges than it holds; freexl, which ignores that record,
# still reads the file) is read as freexl gives it, with a warning
# naming file and sheet: its merged range no longer gives its value down.
mkdir -p "$tmp/damaged"
python3 - "$fx/edge/xls/edge-ledger.xls" "$tmp/damaged/edge-ledger.xls" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
hits = [i for i in range(len(b) - 6) if b[i] == 0xE5 and b[i + 1] == 0
        and struct.unpack_from("<H", b, i + 4)[0]
        and struct.unpack_from("<H", b, i + 2)[0] ==
            2 + 8 * struct.unpack_from("<H", b, i + 4)[0]]
assert len(hits) == 1, hits
struct.pack_into("<H", b, hits[0] + 4, 0xFFFF)
open(sys.argv[2], "wb").write(b)
PY
run "$tmp/damaged" "$tmp/damaged-out" --accept-gates
grep -q "edge-ledger.xls\[台账\]: warning: cannot read the sheet's BIFF records (a damaged file?): read without them, so merged cells other than the top-left are empty" "$tmp/damaged-out.log" ||
	{ echo "FAIL: a damaged .xls read without its records is not warned of"; cat "$tmp/damaged-out.log"; failed=1; }
# Its figures are doubtful: the unreadable_files gate counts it, so the
# week is not issued without --accept-gates (page 1, run.json, exit 65).
grep -q "unreadable_files: 1 file(s) in the input folder were not read, such as 'edge-ledger.xls\[台账\]'" \
	"$tmp/damaged-out/weeks/2026-W47/metrics.json" ||
	{ echo "FAIL: the damaged .xls does not trip unreadable_files"; failed=1; }
grep -c '"center": "北区服务中心"' "$tmp/damaged-out/weeks/2026-W47/records.json" |
	grep -qx 1 || { echo "FAIL: the damaged .xls was not read as freexl gives it"; failed=1; }
grep -q "BIFF records" "$tmp/ledger-xls-out.log" &&
	{ echo "FAIL: the sound .xls warns of its records"; failed=1; }

# check names the cell, warns about the damaged ticket numbers and the
# error cell, and rejects what the CSV twin rejects.
"$huifang" check "$fx/edge/xlsx/edge-types.xlsx" >"$tmp/check.txt" 2>&1
rc=$?
[ "$rc" -eq 65 ] || { echo "FAIL: check exited $rc, not 65"; failed=1; }
for want in \
	"edge-types.xlsx\[工单\]:4:8: error: invalid timestamp '10:30:00' in column '回访时间' at edge-types.xlsx\[工单\]!H4 (bad_timestamp)" \
	"edge-types.xlsx\[工单\]:5:1: warning: ticket number '8.22025112E+17' at edge-types.xlsx\[工单\]!A5 is a number Excel could not hold exactly" \
	"edge-types.xlsx\[工单\]: warning: 1 error cells" \
	"2 would be rejected"; do
	grep -q "$want" "$tmp/check.txt" ||
		{ echo "FAIL: check does not say: $want"; cat "$tmp/check.txt"; failed=1; }
done

# A hostile or broken workbook is refused with a reason; the run goes on.
mkdir -p "$tmp/bad"
cp "$fx/csv/tickets-2026-W47.csv" "$tmp/bad/"
printf 'PK\003\004 not really a zip' >"$tmp/bad/broken.xlsx"
printf 'not an ole2 file' >"$tmp/bad/broken.xls"
printf 'lock' >"$tmp/bad/~\$tickets.xlsx"
"$huifang" check "$tmp/bad"/* >"$tmp/bad.txt" 2>&1
grep -q "broken.xlsx: warning: unrecognised file, skipped: cannot read: not a readable .xlsx package" "$tmp/bad.txt" &&
grep -q "broken.xls: warning: unrecognised file, skipped: cannot read: not an .xls workbook" "$tmp/bad.txt" ||
	{ echo "FAIL: broken workbooks"; cat "$tmp/bad.txt"; failed=1; }
"$huifang" run --input "$tmp/bad" --output "$tmp/bad-out" \
	--config config/huifang.json --as-of '2026-11-26 08:00:00' \
	--week 2026-W47 >"$tmp/bad-run.txt" 2>&1
if grep -q '~\$tickets' "$tmp/bad-out/weeks/2026-W47/metrics.json"; then
	echo "FAIL: an Excel lock file was read"
	failed=1
fi
grep -q '"rows_read": [1-9]' "$tmp/bad-out/weeks/2026-W47/metrics.json" ||
	{ echo "FAIL: the run did not go on past broken workbooks"; cat "$tmp/bad-run.txt"; failed=1; }

/usr/bin/python3 tests/excel/check.py written "$fx" || failed=1
exit $failed
