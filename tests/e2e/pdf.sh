#!/bin/sh
# End-to-end checks of the week's PDFs on the fixture week
# (tests/fixtures/pdf/): every document embeds its font, the weekly
# report stays under 600 KB, and the text a reader copies out holds the
# header, the rare characters and a visible box for the non-BMP one;
# poppler and qpdf accept every document without a warning.
# The unit binary renders the week (HUIFANG_PDF_KEEP) until `huifang
# render` is wired to render_pdf_week().
# usage: tests/e2e/pdf.sh BUILD_DIR
set -eu
build=${1:-build}
out=$(mktemp -d -t huifang-pdf.XXXXXX)
trap 'rm -rf "$out"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

HUIFANG_PDF_KEEP=$out "$build/tests/unit/test_render_pdf"

report="$out/周报-2026-W47.pdf"
[ -f "$report" ] || fail "no weekly report"
n=0
for f in "$out"/*.pdf; do
	n=$((n + 1))
	# name type encoding emb sub uni: the CJK font is embedded as a subset.
	pdffonts "$f" 2>/dev/null | awk 'NR > 2 && $0 ~ /CID TrueType/ { if ($(NF-4) == "yes") ok = 1 } END { exit !ok }' ||
		fail "font not embedded in $(basename "$f")"
done
# The report, the three centres' reports and their forms; the audit
# sheets are render_audit_sheets()'s (tests/unit/test_render_audit.c,
# tests/e2e/audit.sh).
[ "$n" -eq 7 ] || fail "expected 7 PDFs, got $n"
# Every page of every document rasterises without an error.
for f in "$out"/*.pdf; do
	pdftoppm -q -r 12 -png "$f" "$out/.page" || fail "cannot render $(basename "$f")"
	rm -f "$out"/.page*.png
done
ls -A "$out" | grep -q '^\.' && fail "a temporary file was left behind"
# Checkers are silent: poppler prints nothing while extracting text (it
# warned about libharu's ToUnicode CMap on every document), and qpdf
# --check finds no error and no warning.
for f in "$out"/*.pdf; do
	warn=$(pdftotext -enc UTF-8 "$f" /dev/null 2>&1) ||
		fail "pdftotext failed on $(basename "$f")"
	[ -z "$warn" ] || fail "poppler warns on $(basename "$f"): $warn"
	check=$(qpdf --check "$f" 2>&1) ||
		fail "qpdf --check fails on $(basename "$f"): $check"
	echo "$check" | grep -qi 'warning' &&
		fail "qpdf warns on $(basename "$f"): $check"
done

size=$(wc -c <"$report")
[ "$size" -lt 614400 ] || fail "weekly report is $size bytes, over 600 KB"

text=$(pdftotext -q -enc UTF-8 "$report" -)
echo "$text" | grep -q '广州文盛物业服务有限公司' || fail "company header missing"
echo "$text" | grep -q '物业回访管理周报' || fail "title missing"
echo "$text" | grep -q '李喆' || fail "butler 李喆 missing"

form=$(pdftotext -q -enc UTF-8 "$out/回访记录表-东山服务中心.pdf" -)
for ch in 喆 堃 玥; do
	echo "$form" | grep -q "$ch" || fail "rare character $ch missing"
done
echo "$form" | grep -q '笑脸□表情' || fail "non-BMP character not shown as a box"
echo "$form" | grep -q '第1页 共' || fail "page numbering missing"
echo "pdf: $n documents, weekly report $size bytes"
