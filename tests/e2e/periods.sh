#!/bin/sh
# Months, quarters, backfill and the site's links end to end (issue 19,
# SPEC §9.30) on tests/fixtures/periods/: four weeks of two centres from
# 'huifang gen --seed 7 --end-week 2026-W50', and one ticket of a centre
# named 中心#1?a=%41&<b>"x, whose PDF names must still link.
#
# Checks: backfill renders every week, month and quarter of the data, the
# due ones issued at their issue_at and the rest provisional; each
# artifact records its period; a second backfill changes no byte of the
# output (the tree is hashed); 'run --period' and 'render --period'
# write a month; every link of the site finds its target inside the
# site (site_links.py), every published PDF is copied beside its page,
# and no audit sheet or unmasked phone reaches the site; every PDF the
# backfill rendered reads whole with pdftotext, and no period's prints a
# sampling seed or says 本周.
set -eu
build=${1:-build}
hf=$build/huifang
jget=$build/tests/tools/jget
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

in=tests/fixtures/periods
o=$t/out
asof='2026-12-10 08:00:00'
"$hf" backfill --input "$in" --output "$o" --config config/huifang.json \
	--as-of "$asof" >"$t/stdout" 2>"$t/stderr" ||
	fail "backfill exited $?: $(cat "$t/stderr")"
for want in '2026-W47 issued' '2026-W48 issued' '2026-W49 issued' \
	'2026-W50 provisional' '2026-11 issued' '2026-12 provisional' \
	'2026-Q4 provisional' '7 rendered'; do
	grep -q "^huifang backfill: $want" "$t/stdout" ||
		fail "no '$want': $(cat "$t/stdout")"
done

# Each at its issue_at: W47 (48 h SLAs, 24 h grace) on Thursday after it,
# November on 2026-12-04 00:00; a month's artifact says it is one.
m=$o/weeks/2026-W47/metrics.json
[ "$($jget "$m" as_of)" = '2026-11-26 00:00:00' ] || fail "W47 as_of"
[ "$($jget "$m" period.kind)" = week ] || fail "W47 period.kind"
m=$o/periods/2026-11/metrics.json
[ "$($jget "$m" as_of)" = '2026-12-04 00:00:00' ] || fail "2026-11 as_of"
[ "$($jget "$m" provisional)" = false ] || fail "2026-11 not issued"
[ "$($jget "$m" period.kind)" = month ] || fail "2026-11 period.kind"
[ "$($jget "$m" period.start)" = 2026-11-01 ] || fail "2026-11 start"
[ "$($jget "$m" period.end)" = 2026-11-30 ] || fail "2026-11 end"
[ "$($jget "$m" 'trend#' 'trend[0].week' 'trend[11].week' | tr '\n' ' ')" = \
	'12 2025-12 2026-11 ' ] || fail "12-month trend"
[ -f "$o/periods/2026-11/.issued" ] || fail "2026-11 not marked issued"
m=$o/periods/2026-Q4/metrics.json
[ "$($jget "$m" period.kind)" = quarter ] || fail "Q4 period.kind"
[ "$($jget "$m" provisional)" = true ] || fail "Q4 issued early"
[ "$($jget "$m" as_of)" = "$asof" ] || fail "Q4 as_of"
# A month has its management and centre PDFs, no samples or forms.
p=$o/periods/2026-11
[ -f "$p/月报-2026-11.pdf" ] || fail "no 月报-2026-11.pdf"
[ -f "$p/中心月报-翠湖苑物业服务中心.pdf" ] || fail "no centre PDF"
[ -f "$o/periods/2026-Q4/季报-2026-Q4.pdf" ] || fail "no 季报-2026-Q4.pdf"
ls "$p" | grep -q '回访记录表\|抽查表' && fail "a month has record forms or audit sheets"
[ -f "$p/samples.json" ] && fail "a month has samples"
pdftotext -l 1 "$p/月报-2026-11.pdf" - | grep -q '物业回访管理月报' ||
	fail "the month's PDF is not titled a month"
pdftotext -l 1 "$o/periods/2026-Q4/季报-2026-Q4.pdf" - |
	grep -q '报告季度：2026-Q4' || fail "the quarter's PDF heading"

# Every PDF the backfill rendered (each week's, month's and quarter's, the
# management report and every centre's, forms and audit sheets) reads
# whole: a damaged one (libharu's seek error 0x1033 once cut a backfilled
# centre report short) fails pdftotext or lacks its last page's text.
n=0
for f in "$o"/weeks/*/*.pdf "$o"/periods/*/*.pdf; do
	pdftotext "$f" "$t/pdf.txt" 2>"$t/pdf.err" ||
		fail "pdftotext $(basename "$f"): $(cat "$t/pdf.err")"
	[ ! -s "$t/pdf.err" ] || fail "$(basename "$f"): $(cat "$t/pdf.err")"
	grep -q '[^[:space:]]' "$t/pdf.txt" || fail "$(basename "$f") has no text"
	# A month or quarter has no samples, and is not a week.
	case $f in "$o"/periods/*)
		grep -n '抽样种子\|本周' "$t/pdf.txt" >"$t/pdf.bad" &&
			fail "$(basename "$f") speaks of a seed or a week: $(head -n 3 "$t/pdf.bad")" ;;
	esac
	n=$((n + 1))
done
[ "$n" -ge 20 ] || fail "only $n PDFs were read"

# Idempotent: a second backfill at the same as-of writes nothing.
snap() {
	(cd "$o" && find . -type f ! -name .huifang.lock | LC_ALL=C sort |
		xargs -d '\n' sha256sum)
}
snap >"$t/before"
"$hf" backfill --input "$in" --output "$o" --config config/huifang.json \
	--as-of "$asof" >"$t/stdout2" 2>"$t/stderr2" ||
	fail "second backfill exited $?: $(cat "$t/stderr2")"
grep -q '^huifang backfill: 0 rendered' "$t/stdout2" ||
	fail "second backfill rendered: $(cat "$t/stdout2")"
snap >"$t/after"
cmp -s "$t/before" "$t/after" ||
	fail "second backfill changed: $(diff "$t/before" "$t/after" | head -5)"

# The site: weeks, months, quarters; every link followed; files copied.
s=$o/site
for f in index.html periods/2026-11/index.html periods/2026-Q4/index.html \
	periods/2026-11/月报-2026-11.pdf weeks/2026-W47/周报-2026-W47.pdf; do
	[ -f "$s/$f" ] || fail "site lacks $f"
done
grep -q 'href="periods/2026-11/index.html">2026-11</a>' "$s/index.html" ||
	fail "index lists no month"
grep -q 'href="periods/2026-Q4/index.html">2026-Q4</a>' "$s/index.html" ||
	fail "index lists no quarter"
grep -q '最新正式周报：<a href="weeks/2026-W49/index.html">' "$s/index.html" ||
	fail "index headline is not the newest issued week"
grep -q '本周（暂定）：<a href="weeks/2026-W50/index.html">' "$s/index.html" ||
	fail "no provisional week beside the headline"
python3 tests/e2e/site_links.py "$s" >"$t/links" || fail "$(cat "$t/links")"
# The hostile centre's PDF is linked percent-encoded, and found.
grep -q '%23' "$s/weeks/2026-W47/index.html" ||
	fail "the hostile centre's PDF is not linked"
find "$s" -name '抽查表*' | grep -q . && fail "an audit sheet is on the site"
grep -rlE '(^|[^0-9*])1[3-9][0-9]{9}([^0-9]|$)' "$s" --include='*.csv' \
	--include='*.html' | grep -q . && fail "an unmasked phone is on the site"
python3 - "$s" <<'PY' || fail "an unmasked phone in a workbook on the site"
import pathlib, re, sys, zipfile
phone = re.compile(rb"(^|[^0-9*])1[3-9][0-9]{9}([^0-9]|$)")
for book in pathlib.Path(sys.argv[1]).rglob("*.xlsx"):
    with zipfile.ZipFile(book) as z:
        for n in z.namelist():
            if n.endswith(".xml") and phone.search(z.read(n)):
                sys.exit("%s: %s" % (book, n))
PY
# Every published PDF of a period folder is beside its page.
for f in "$o"/weeks/*/*.pdf "$o"/periods/*/*.pdf; do
	n=${f#"$o"/}
	case $(basename "$n") in 抽查表*) continue ;; esac
	cmp -s "$f" "$s/$n" || fail "site lacks a copy of $n"
done

# run --period and render --period write and redraw one month.
"$hf" run --input "$in" --output "$o" --config config/huifang.json \
	--as-of "$asof" --period 2026-12 -q || fail "run --period exited $?"
[ "$($jget "$o/periods/2026-12/metrics.json" period.id)" = 2026-12 ] ||
	fail "run --period 2026-12"
"$hf" render --output "$o" --config config/huifang.json --period 2026-11 \
	--force -q || fail "render --period exited $?"
"$hf" run --output "$o" --period 2026-13 2>/dev/null && fail "2026-13 accepted"
"$hf" run --output "$o" --week 2026-W47 --period 2026-11 2>/dev/null &&
	fail "--week with --period accepted"
echo "periods ok: $(tail -n 1 "$t/links")"
