#!/bin/sh
# A month of nightly runs (issue 16, SPEC §9.26-§9.31): the as-of advances
# day by day, 2026-11-09 to 2026-12-08 at 02:00, over daily exports
# (tests/tools/month_exports.py) dropped into the input folder each night,
# with a stale stretch (the exports of 11-22 to 11-25 arrive only on
# 11-27), a late correction (a callback of 11-13 keyed in on 11-20, after
# 2026-W46 was issued) and a broken export (every row rejected, there on
# the night of 12-03 only). It checks that
#  - every week is issued exactly once, on the first night at or after its
#    issue_at (Thursday 00:00 after it) that its gates pass: W44, the
#    week of the first exports, already due, on the first night (SPEC
#    §9.27: every week with data not issued yet), W45 on 11-12,
#    W46 on 11-19, W47 on 11-27 (11-26 is stale: exit 65), W48 on 12-04
#    (12-03 has the broken export: exit 65); every other night exits 0;
#  - an issued week keeps the figures it was issued with (its metrics.json
#    does not change), and the late correction only makes nightly warn;
#    'run --force --reason' then makes revision 2 and keeps revision 1;
#  - each night, the live worklists equal the lists an independent script
#    (tests/tools/worklist_check.py) computes from the same exports.
# usage: tests/e2e/month.sh BUILD_DIR
set -u
build=${1:-build}
hf=$(cd "$build" && pwd)/huifang
jget=$(cd "$build" && pwd)/tests/tools/jget
root=$(pwd)
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	work=$(mktemp -d /dev/shm/huifang-month.XXXXXX)
else
	work=$(mktemp -d -t huifang-month.XXXXXX)
fi
trap 'rm -rf "$work"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
command -v python3 >/dev/null || fail "python3 is needed"

days=$work/days in=$work/in o=$work/o
python3 tests/tools/month_exports.py "$days" || fail "cannot write the exports"
mkdir "$in"
# The exports up to the first night: days 10-26 to 11-07.
for f in "$days"/tickets-2026-1[01]-*.csv "$days"/callbacks-2026-1[01]-*.csv; do
	d=$(basename "$f" .csv | sed 's/^[a-z]*-//')
	[ "$d" \< 2026-11-08 ] && cp "$f" "$in/"
done

add_day() {
	cp "$days/tickets-$1.csv" "$days/callbacks-$1.csv" "$in/"
}

issued=
i=0
while [ $i -lt 30 ]; do
	night=$(date -u -d "2026-11-09 +$i day" +%F)
	prev=$(date -u -d "$night -1 day" +%F)
	i=$((i + 1))
	case $prev in
	2026-11-2[2-5]) ;;                 # held back: the stale stretch
	2026-11-26) for d in 22 23 24 25 26; do add_day 2026-11-$d; done ;;
	*) add_day "$prev" ;;
	esac
	[ "$night" = 2026-11-21 ] && cp "$days/late-callback.csv" "$in/"
	[ "$night" = 2026-12-03 ] && cp "$days/broken-export.csv" "$in/"
	[ "$night" = 2026-12-04 ] && rm "$in/broken-export.csv"

	rc=0
	"$hf" nightly --input "$in" --output "$o" --config config/huifang.json \
		--as-of "$night 02:00:00" >"$work/out" 2>"$work/err" || rc=$?
	case $night in
	2026-11-26|2026-12-03) want=65 ;;
	*) want=0 ;;
	esac
	[ "$rc" -eq "$want" ] ||
		fail "$night: exit $rc, want $want: $(cat "$work/out" "$work/err")"
	if [ "$want" -eq 65 ]; then
		gate=stale_input
		[ "$night" = 2026-12-03 ] && gate=rejected_rows
		grep -q "not issued, kept provisional: gate $gate: " "$work/err" ||
			fail "$night: the blocking gate is not named: $(cat "$work/err")"
	fi
	# The weeks (and months) issued tonight, and a week's figures as
	# issued: run.json has a line per week, {"week": "2026-W47",
	# "provisional": false, "status": "issued", ...} (one sed, not a jget
	# per week and night: under the sanitizers each start of a tool costs).
	for w in $(sed -n 's/^ *{"week": "\([0-9W-]*\)", "provisional": [a-z]*, "status": "issued",.*/\1/p' "$o/run.json"); do
		issued="$issued $w@$night"
		case $w in *-W*)
		cp "$o/weeks/$w/metrics.json" "$work/issued-$w.json" ;;
		esac
	done
	grep -q '"status": "provisional"' "$o/run.json" ||
		fail "$night: run.json lists no provisional week (has its layout changed?)"
	# The worklists of the night, checked below with the exports present.
	mkdir "$work/wl-$night"
	cp "$o/worklists/待回访.csv" "$o/worklists/未闭环.csv" \
		"$o/worklists/无法联系.csv" "$work/wl-$night/"
	printf '%s 02:00:00\t%s\t%s\t%s\n' "$night" "$days" "$work/wl-$night" \
		"$(ls "$in" | tr '\n' ' ')" >>"$work/nights"
	[ "$night" = 2026-11-10 ] && cp "$o/worklists/待回访.csv" "$work/owed-1110.csv"
done

# Each night, the live worklists equal the independent script's lists
# over the exports that were in the input folder that night (one
# python3 for the 30 nights, each export read once).
python3 tests/tools/worklist_check.py --batch "$work/nights" >"$work/check" ||
	fail "the worklists differ: $(grep -v agree "$work/check" | head -n 40)"
[ "$(grep -c ': worklists agree: ' "$work/check")" -eq 30 ] ||
	fail "not 30 nights checked: $(cat "$work/check")"
echo "ok: the worklists of the 30 nights equal the independent lists"
# November too, at its issue_at (12-04 00:00): the month is nightly's.
want=" 2026-W44@2026-11-09 2026-W45@2026-11-12 2026-W46@2026-11-19 2026-W47@2026-11-27 2026-W48@2026-12-04 2026-11@2026-12-04"
[ "$issued" = "$want" ] || fail "issued:$issued; want:$want"
echo "ok: each week issued once, on its night:$issued"
for w in 2026-W44 2026-W45 2026-W46 2026-W47 2026-W48; do
	cmp -s "$work/issued-$w.json" "$o/weeks/$w/metrics.json" ||
		fail "$w changed after it was issued"
	[ -f "$o/weeks/$w/.issued" ] || fail "$w has no issued mark"
	[ "$("$jget" "$o/weeks/$w/metrics.json" revision)" = 1 ] || fail "$w revision"
done
# One week, one number (SPEC §9.29): the later weeks' trends show a past
# week with the figures it was issued with.
for k in 0 1 2; do
	w=2026-W4$((5 + k))
	t=$((4 + k))
	[ "$("$jget" "$o/weeks/2026-W48/metrics.json" "trend[$t].week")" = $w ] ||
		fail "trend[$t] of 2026-W48 is not $w"
	[ "$("$jget" "$o/weeks/2026-W48/metrics.json" "trend[$t].issued")" = true ] ||
		fail "2026-W48's trend does not show $w as issued"
	for f in eligible called_back rated timely; do
		[ "$("$jget" "$o/weeks/2026-W48/metrics.json" "trend[$t].totals.$f")" = \
		  "$("$jget" "$work/issued-$w.json" "totals.$f")" ] ||
			fail "2026-W48's trend shows another $f for $w than it was issued with"
	done
done
echo "ok: the issued weeks kept their figures, in later trends too"
# The owed list moved on: a ticket owed on 11-10 and called back since is
# no longer listed.
cmp -s "$work/owed-1110.csv" "$o/worklists/待回访.csv" &&
	fail "the owed list did not change in a month"
grep -q 'W46.*would now differ\|2026-W46 was issued with' "$o"/logs/*.log ||
	fail "no log line says the late correction would change 2026-W46"
echo "ok: the late correction is logged, not issued"

# The correction is made official by a revision.
called=$("$jget" "$o/weeks/2026-W46/metrics.json" totals.called_back)
"$hf" run --input "$in" --output "$o" --config config/huifang.json \
	--as-of '2026-12-08 09:00:00' --week 2026-W46 --force \
	--reason '补录 11-13 的回访' >"$work/out" 2>"$work/err" ||
	fail "the revision exited $?: $(cat "$work/err")"
m=$o/weeks/2026-W46/metrics.json
[ "$("$jget" "$m" revision)" = 2 ] || fail "not revision 2"
[ "$("$jget" "$m" revision_reason)" = '补录 11-13 的回访' ] || fail "no reason"
[ "$("$jget" "$m" totals.called_back)" -eq $((called + 1)) ] ||
	fail "the revision does not hold the late callback"
cmp -s "$o/weeks/2026-W46/revisions/v1/metrics.json" "$work/issued-2026-W46.json" ||
	fail "revision 1 was not kept"
ls "$o/weeks/2026-W46/revisions/v1/"*.pdf >/dev/null 2>&1 || fail "revision 1's PDFs"
# The revision says which figures changed, in metrics.json and on page 1.
[ "$("$jget" "$m" 'revision_changes[0].figure')" = called_back ] &&
[ "$("$jget" "$m" 'revision_changes[0].was')" = "$called" ] &&
[ "$("$jget" "$m" 'revision_changes[0].now')" = $((called + 1)) ] ||
	fail "revision_changes does not name called_back $called -> $((called + 1))"
pdftotext -l 1 "$o/weeks/2026-W46/周报-2026-W46.pdf" - 2>/dev/null | tr -d ' ' |
	grep -q "第2版（修订原因：补录11-13的回访）" || fail "page 1 does not say revision 2 and why"
pdftotext -l 1 "$o/weeks/2026-W46/周报-2026-W46.pdf" - 2>/dev/null | tr -d ' ' |
	grep -q "与上一版相比：已回访由${called}改为$((called + 1))" ||
	fail "page 1 does not say which figures the revision changed: $(pdftotext -l 1 "$o/weeks/2026-W46/周报-2026-W46.pdf" - 2>/dev/null | grep -n '版' | head -n 5) / $(grep -A 3 revision_changes "$m")"
echo "ok: revision 2 of 2026-W46 ($called -> $((called + 1)) called back), v1 kept"
# The site says it too, on every page of the week (issue 16): the
# revision, its reason, and what it changed.
page=$o/site/weeks/2026-W46/index.html
grep -qF "<p class=\"revision\" role=\"note\"><strong>修订版 v2</strong>第 2 版（修订原因：补录 11-13 的回访）；与上一版相比：已回访 由 $called 改为 $((called + 1))" "$page" ||
	fail "the site's 2026-W46 page does not show revision 2: $(grep -o '<p class="revision".*' "$page")"
for f in "$o"/site/weeks/2026-W46/*.html; do
	grep -q '<strong>修订版 v2</strong>' "$f" || fail "$f does not show revision 2"
done
! grep -q 'class="revision"' "$o/site/weeks/2026-W45/index.html" ||
	fail "the first issue of 2026-W45 shows a revision"
echo "ok: the site shows revision 2 of 2026-W46, its reason and its change"
# The week's page lists revision 1 under 早先的版本, with when it was
# issued, and links its PDFs: each link relative, resolving inside the
# site to a copy of the file kept under revisions/v1/.
issued_at=$("$jget" "$work/issued-2026-W46.json" as_of)
python3 - "$o/site" "$o/weeks/2026-W46/revisions/v1" "$issued_at" <<'PY' ||
import filecmp, html.parser, os, sys, urllib.parse
site, kept, issued_at = sys.argv[1:4]
week = os.path.join(site, "weeks", "2026-W46")
text = open(os.path.join(week, "index.html"), encoding="utf-8").read()
want = "<li><strong>v1</strong> 发布于 %s（首次发布）：" % issued_at
if want not in text:
    sys.exit("no line %r" % want)
class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []
    def handle_starttag(self, tag, attrs):
        self.hrefs += [v for k, v in attrs if tag == "a" and k == "href"]
p = Links()
p.feed(text)
linked = set()
for href in p.hrefs:
    if not href.startswith("revisions/"):
        continue
    rest = href[len("revisions/v1/"):]
    if not href.startswith("revisions/v1/") or "/" in rest or rest.startswith("."):
        sys.exit("not a link to a file of revisions/v1/: %s" % href)
    path = os.path.realpath(os.path.join(week, urllib.parse.unquote(href)))
    if not path.startswith(os.path.realpath(site) + os.sep) or not os.path.isfile(path):
        sys.exit("%s resolves to no file of the site" % href)
    name = os.path.basename(path)
    if not filecmp.cmp(path, os.path.join(kept, name), shallow=False):
        sys.exit("%s is not revision 1's %s" % (href, name))
    linked.add(name)
pdfs = {n for n in os.listdir(kept) if n.endswith(".pdf") and not n.startswith("抽查表")}
if not pdfs or pdfs != linked or "周报-2026-W46.pdf" not in linked:
    sys.exit("revision 1's PDFs %s, linked %s" % (sorted(pdfs), sorted(linked)))
print("ok: the 2026-W46 page links revision 1's %d PDFs, each a file of the site" % len(linked))
PY
	fail "the site does not link revision 1's PDFs"
# A month is revised the same way (docs/periods.md): revision 2 with its
# reason, the issue of 12-04 kept under revisions/v1/ as it was, and the
# month's page on the site linking it. (A month's run once rewrote the
# issue in place as revision 1, dropping the reason: it has no sample
# step, and the revision was taken for a stage command's rewrite.)
mo=$o/periods/2026-11
cp "$mo/月报-2026-11.pdf" "$work/month-v1.pdf"
"$hf" run --input "$in" --output "$o" --config config/huifang.json \
	--as-of '2026-12-08 09:30:00' --period 2026-11 --force \
	--reason '月报复核' >"$work/out" 2>"$work/err" ||
	fail "the month's revision exited $?: $(cat "$work/err")"
[ "$("$jget" "$mo/metrics.json" revision)" = 2 ] &&
[ "$("$jget" "$mo/metrics.json" revision_reason)" = '月报复核' ] ||
	fail "the month's reissue is not revision 2 with its reason"
[ "$("$jget" "$mo/revisions/v1/metrics.json" revision)" = 1 ] &&
cmp -s "$mo/revisions/v1/月报-2026-11.pdf" "$work/month-v1.pdf" ||
	fail "the month's revision 1 was not kept as issued"
grep -q '<li><strong>v1</strong> 发布于 2026-12-04 02:00:00（首次发布）：<a href="revisions/v1/%E6%9C%88%E6%8A%A5-2026-11.pdf" download>' \
	"$o/site/periods/2026-11/index.html" &&
cmp -s "$o/site/periods/2026-11/revisions/v1/月报-2026-11.pdf" "$work/month-v1.pdf" ||
	fail "the month's page does not link its revision 1"
echo "ok: revision 2 of 2026-11, v1 kept and linked from its page"
