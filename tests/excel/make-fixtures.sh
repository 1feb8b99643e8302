#!/bin/sh
# Builds the Excel fixtures of the tests once per 'make test', into OUT
# (build/tests/excel): LibreOffice is slow, so it runs four times in
# all, each call converting many files.
#   csv/        a clean export from 'huifang gen' (the CSV twins)
#   xlsx/ xls/  the same files as LibreOffice writes them (ticket
#               numbers typed as text with --infilter, so that they are
#               not turned into 8.22E+17; timestamps detected as dates)
#   edge/       openpyxl's edge cases, each with its CSV twin (edge.py);
#               edge/xls/ and edge/sheets/xls/ the same by LibreOffice
#   run/        'huifang run' over csv/: the workbooks huifang writes
#   written/    those workbooks, every sheet back to CSV by LibreOffice
# usage: tests/excel/make-fixtures.sh OUT HUIFANG
set -eu
out=$1
huifang=$2
tmp="$out.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
lo="-env:UserInstallation=file://$(cd "$tmp" && pwd)/lo"
# Columns as text (2) for column 1, the ticket number; the rest standard
# with special numbers (dates) detected.
infilter='CSV:44,34,76,1,1/2,1033,false,true'
# UTF-8, as shown, every sheet to a file of its own (-1).
outfilter='csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1'

"$huifang" gen --seed excel --weeks 3 --tickets-per-week 150 \
	--out "$tmp/csv" >/dev/null 2>&1
/usr/bin/python3 tests/excel/edge.py "$tmp/edge"
"$huifang" run --input "$tmp/csv" --output "$tmp/run" \
	--config config/huifang.json --as-of '2026-11-26 08:00:00' \
	--week 2026-W47 >/dev/null
soffice --headless "$lo" --infilter="$infilter" --convert-to xlsx \
	--outdir "$tmp/xlsx" "$tmp"/csv/*.csv >/dev/null 2>&1
soffice --headless "$lo" --infilter="$infilter" --convert-to xls \
	--outdir "$tmp/xls" "$tmp"/csv/*.csv >/dev/null 2>&1
soffice --headless "$lo" --convert-to "$outfilter" --outdir "$tmp/written" \
	"$tmp"/run/weeks/2026-W47/*.xlsx >/dev/null 2>&1
# openpyxl's edge cases as .xls too (booleans, an error cell, a merged
# range: what freexl does not say), and the ledger of several sheets.
soffice --headless "$lo" --convert-to xls --outdir "$tmp/edge/xls" \
	"$tmp"/edge/xlsx/*.xlsx "$tmp"/edge/sheets/xlsx/*.xlsx >/dev/null 2>&1
mkdir -p "$tmp/edge/sheets/xls"
mv "$tmp/edge/xls/台账.xls" "$tmp/edge/sheets/xls/" ||
	{ echo "make-fixtures: LibreOffice wrote no 台账.xls" >&2; exit 1; }
[ "$(ls "$tmp/edge/xls" | wc -l)" -eq "$(ls "$tmp/edge/xlsx" | wc -l)" ] ||
	{ echo "make-fixtures: LibreOffice wrote no edge .xls files" >&2; exit 1; }
n=$(ls "$tmp"/csv/*.csv | wc -l)
for k in xlsx xls; do
	if [ "$(ls "$tmp/$k" | wc -l)" -ne "$n" ]; then
		echo "make-fixtures: LibreOffice wrote no $k files" >&2
		exit 1
	fi
done
rm -rf "$tmp/lo" "$out"
mv "$tmp" "$out"
touch "$out/.made"
