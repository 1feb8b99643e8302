#!/bin/sh
# The PDFs of the bundled sample read as a person would read them
# (issue 18): one run over input/ as make run does (the generated audit
# findings imported first), then
#   - the weekly report has at most 5 pages, page 1 lists the findings;
#   - each centre's report has at most 2 pages and its audit results;
#   - poppler and qpdf are silent on every PDF;
#   - no two words overlap or touch on any page (pdftotext -bbox, through
#     pdf_overlap.awk), and no word is two figures run together;
#   - every ticket number of records.json appears whole in the text of its
#     centre's 回访记录表, and every sampled ticket of samples.json in its
#     level's 抽查表 (per centre, or one per level);
#   - a 回访记录表 holds fewer pages than it has butlers (sections flow).
# usage: tests/e2e/pdf_sample.sh BUILD_DIR
set -u
build=${1:-build}
huifang=$(cd "$build" && pwd)/huifang
root=$(pwd)
tmp=$(mktemp -d -t huifang-pdfs.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0

fail() {
	echo "FAIL: $*"
	failed=1
}

# As make run does: the auditors' findings first, so that page 1 lists
# them and the report ends with 十、三级抽查结果 (and still fits 5 pages).
"$huifang" audit import --input input --config config/huifang.json \
	--as-of '2026-11-26 08:00:00' --output "$tmp/out" \
	input/audit/*.csv >"$tmp/import" 2>&1 || {
	echo "FAIL: audit import exited $?"
	head "$tmp/import"
	exit 1
}
"$huifang" run --input input --config config/huifang.json \
	--as-of '2026-11-26 08:00:00' --week 2026-W47 --output "$tmp/out" \
	--quiet >"$tmp/stdout" 2>"$tmp/stderr" || {
	echo "FAIL: run exited $?"
	head "$tmp/stderr"
	exit 1
}
w=$tmp/out/weeks/2026-W47

pages() {
	pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ { print $2 }'
}

n=$(pages "$w/周报-2026-W47.pdf")
[ -n "$n" ] && [ "$n" -le 5 ] || fail "weekly report has ${n:-no} pages, over 5"
# Page 1 holds the verdicts and every list to act on, the findings among
# them, each with its first 10 rows; the audit results are in the report.
pdftotext -enc UTF-8 -f 1 -l 1 "$w/周报-2026-W47.pdf" "$tmp/page1.txt" 2>/dev/null
for want in 一、各类工单是否达标 二、需要处理 抽查发现的问题 未通过的合理性检查; do
	grep -q "$want" "$tmp/page1.txt" || fail "page 1 lacks $want"
done
findings=$(grep -c '"finding":' "$w/metrics.json")
[ "$findings" -gt 10 ] || fail "only $findings findings in metrics.json"
shown=$(sed -n '/抽查发现的问题/,/未通过的合理性检查/p' "$tmp/page1.txt" |
	grep -cE '^(BS|TS|TY)[0-9]+')
[ "$shown" -eq 10 ] || fail "page 1 shows $shown findings, not the first 10"
grep -q "及其他 $((findings - 10)) 项" "$tmp/page1.txt" ||
	fail "page 1 does not say 及其他 $((findings - 10)) 项"
pdftotext -enc UTF-8 "$w/周报-2026-W47.pdf" - 2>/dev/null |
	grep -q '十、三级抽查结果' || fail "the weekly report lacks 十、三级抽查结果"

# A report per centre, at most 2 pages, its audit results in it.
centres=0
for f in "$w"/中心周报-*.pdf; do
	[ -f "$f" ] || continue
	centres=$((centres + 1))
	p=$(pages "$f")
	[ -n "$p" ] && [ "$p" -le 2 ] || fail "$(basename "$f") has ${p:-no} pages, over 2"
	pdftotext -enc UTF-8 "$f" - 2>/dev/null | grep -q '三级抽查结果' ||
		fail "$(basename "$f") lacks 三级抽查结果"
done
[ "$centres" -eq 20 ] || fail "expected 20 centre reports, got $centres"

count=0
for f in "$w"/*.pdf; do
	count=$((count + 1))
	name=$(basename "$f")
	warn=$(pdftotext -enc UTF-8 "$f" "$tmp/text.txt" 2>&1) ||
		fail "pdftotext failed on $name"
	[ -z "$warn" ] || fail "poppler warns on $name: $warn"
	check=$(qpdf --check "$f" 2>&1) || fail "qpdf --check fails on $name"
	echo "$check" | grep -qi 'warning' && fail "qpdf warns on $name"
	pdftotext -bbox "$f" "$tmp/bbox.html" 2>/dev/null
	awk -v file="$name" -v tol=0.5 -v gap=1.5 \
		-f "$root/tests/e2e/pdf_overlap.awk" "$tmp/bbox.html" \
		>"$tmp/overlaps.txt"
	if [ -s "$tmp/overlaps.txt" ]; then
		fail "words collide in $name"
		head -n 5 "$tmp/overlaps.txt"
	fi
done
[ "$count" -ge 44 ] || fail "expected at least 44 PDFs, got $count"

# Every callback row's ticket, whole, in its centre's form. The records
# file has one row per line; centre names of the sample are plain, so the
# file name is the centre's.
sed -n 's/.*"center": "\([^"]*\)".*"ticket": "\([^"]*\)".*/\1 \2/p' \
	"$w/records.json" >"$tmp/tickets.txt"
rows=$(wc -l <"$tmp/tickets.txt")
[ "$rows" -gt 100 ] || fail "only $rows rows read from records.json"
cut -d' ' -f1 "$tmp/tickets.txt" | sort -u >"$tmp/centers.txt"
while read -r center; do
	form="$w/回访记录表-$center.pdf"
	[ -f "$form" ] || { fail "no form for $center"; continue; }
	pdftotext -enc UTF-8 "$form" "$tmp/form.txt" 2>/dev/null
	grep "^$center " "$tmp/tickets.txt" | cut -d' ' -f2 | sort -u |
	while read -r ticket; do
		grep -Eq "(^|[^0-9A-Za-z])$ticket([^0-9A-Za-z]|\$)" \
			"$tmp/form.txt" || echo "$ticket"
	done >"$tmp/missing.txt"
	[ -s "$tmp/missing.txt" ] &&
		fail "tickets not whole in the form of $center: $(head -n 3 "$tmp/missing.txt" | tr '\n' ' ')"
	# Sections flow: fewer pages than butlers.
	butlers=$(grep "\"center\": \"$center\"" "$w/records.json" |
		sed -n 's/.*"butler": "\([^"]*\)".*/\1/p' | sort -u | wc -l)
	p=$(pages "$form")
	[ "$butlers" -lt 3 ] || [ "$p" -lt "$butlers" ] ||
		fail "form of $center: $p pages for $butlers butlers"
done <"$tmp/centers.txt"

# Every sampled ticket, whole, in its level's audit sheets: one per centre
# (抽查表-客户服务主管-<centre>.pdf) or one per level (抽查表-工程经理.pdf),
# named by the level's label (render_audit.c, docs/audit.md).
awk '/"id": "/ { s = $0; sub(/.*"id": "/, "", s); sub(/".*/, "", s); level = s }
     /"label": "/ && level != "" && label[level] == "" { s = $0;
	sub(/.*"label": "/, "", s); sub(/".*/, "", s); label[level] = s }
     /"ticket": "/ && level != "" { s = $0; sub(/.*"ticket": "/, "", s);
	sub(/".*/, "", s); print label[level], s }' "$w/samples.json" >"$tmp/sampled.txt"
[ -s "$tmp/sampled.txt" ] || fail "no sampled ticket read from samples.json"
for label in $(cut -d' ' -f1 "$tmp/sampled.txt" | sort -u); do
	: >"$tmp/sheet.txt"
	for sheet in "$w/抽查表-$label".pdf "$w/抽查表-$label"-*.pdf; do
		[ -f "$sheet" ] || continue
		pdftotext -enc UTF-8 "$sheet" - >>"$tmp/sheet.txt" 2>/dev/null
	done
	[ -s "$tmp/sheet.txt" ] || { fail "no audit sheet for $label"; continue; }
	grep "^$label " "$tmp/sampled.txt" | cut -d' ' -f2 |
	while read -r ticket; do
		grep -Eq "(^|[^0-9A-Za-z])$ticket([^0-9A-Za-z]|\$)" \
			"$tmp/sheet.txt" || echo "$ticket"
	done >"$tmp/missing.txt"
	[ -s "$tmp/missing.txt" ] &&
		fail "tickets not whole in the $label sheets: $(head -n 3 "$tmp/missing.txt" | tr '\n' ' ')"
done

[ "$failed" -eq 0 ] || exit 1
echo "pdf_sample: $count PDFs, weekly report $n pages, $rows callback rows and $(wc -l <"$tmp/sampled.txt") sampled tickets found whole"
