#!/bin/sh
# Renders the HTML site of the hand-made two-week view model in
# tests/fixtures/html/ (through the render test binary's --render mode) and
# checks that every page is there, inside the site folder, self-contained,
# free of scripts, and shows what it must. Three pages are also compared
# byte for byte with the golden copies in tests/fixtures/html/expected/;
# after an intended change to the templates, HUIFANG_UPDATE_GOLDEN=1
# rewrites them (review the diff before committing it).
# usage: tests/e2e/site.sh BUILD_DIR
set -eu
build=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
site=$tmp/site

fail() {
	echo "site.sh: $*" >&2
	exit 1
}

"$build/tests/unit/test_render_html" --render tests/fixtures/html "$site" ||
	fail "render failed"

for p in index.html weeks/2026-W47/index.html weeks/2026-W46/index.html; do
	[ -s "$site/$p" ] || fail "missing page $p"
done
for w in 2026-W47 2026-W46; do
	n=$(find "$site/weeks/$w" -name 'butler-*.html' | wc -l)
	[ "$n" -eq 4 ] || fail "$w: $n butler pages, expected 4"
	n=$(find "$site/weeks/$w" -name 'center-*.html' | wc -l)
	[ "$n" -eq 2 ] || fail "$w: $n centre pages, expected 2"
	n=$(find "$site/weeks/$w" -name 'owed-*.csv' | wc -l)
	[ "$n" -eq 4 ] || fail "$w: $n worklist CSVs, expected 4"
done

# Nothing outside the site, and only names the renderer made up.
outside=$(find "$tmp" -mindepth 1 ! -path "$site" ! -path "$site/*")
[ -z "$outside" ] || fail "files outside the site: $outside"
[ ! -e "$site/etc" ] || fail "a butler name became a path"
bad=$(find "$site" -type f | sed "s|^$site/||" |
	grep -Ev '^(index\.html|(weeks/[0-9]{4}-W[0-9]{2}|worklists)/(index\.html|(center|butler)-[0-9a-f]{10}(-[0-9]+)?\.html|owed-[0-9a-f]{10}(-[0-9]+)?\.csv))$' || true)
[ -z "$bad" ] || fail "unexpected file names: $bad"

for f in $(find "$site" -name '*.html'); do
	grep -q '<html lang="zh-CN">' "$f" || fail "$f: no lang"
	grep -q "Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"" "$f" ||
		fail "$f: no CSP"
	grep -q 'name="viewport"' "$f" || fail "$f: no viewport"
	! grep -Eq '<script|<img|<link|<iframe' "$f" || fail "$f: active markup"
	# Links stay inside the site; the only URL is the SVG namespace.
	! grep -Eq '(href|src|action)="([a-z]+:)?//|url\(' "$f" ||
		fail "$f: an external address"
done

week=$site/weeks/2026-W47/index.html
grep -q '<title>2026-W47 回访周报</title>' "$week" || fail "week title"
grep -q '&lt;img src=x onerror=&quot;document.title=&#39;x&#39;&quot;&gt;' "$week" ||
	fail "the hostile remark is not shown escaped"
grep -q '不排名' "$week" || fail "unranked butlers not marked"
grep -q '<svg class="chart trend"' "$week" || fail "no trend chart"
grep -q '>86.7% 目标90.0% 未达标</text>' "$week" || fail "coverage chart words"
grep -q '客户服务主管' "$week" || fail "no audit samples"
grep -q '时间无法解析' "$week" || fail "no data quality"
grep -q 'weeks/2026-W47/index.html' "$site/index.html" || fail "index link"
grep -q '<a class="more" href="worklists/index.html">回访工作清单（实时）→</a>' "$site/index.html" ||
	fail "the home page does not link the live worklists"

# The butler of the hostile name: his page and his worklist.
href=$(grep -o 'href="butler-[0-9a-f]*\.html">\.\./\.\./etc<' "$week" |
	sed 's/href="\([^"]*\)".*/\1/' | head -n 1)
[ -n "$href" ] || fail "no link to the butler ../../etc"
grep -q 'class="overdue"><td data-label="工单编号">BX20261118005</td>' "$site/weeks/2026-W47/$href" ||
	fail "worklist of ../../etc"
csv=$site/weeks/2026-W47/owed-${href#butler-}
csv=${csv%.html}.csv
head -c 3 "$csv" | od -An -tx1 | grep -q 'ef bb bf' || fail "CSV without BOM"
grep -q 'BX20261118005' "$csv" || fail "CSV without the ticket"
# Golden pages: the index, the week, the butler called ../../etc.
golden=tests/fixtures/html/expected
for pair in "index.html:index.html" "weeks/2026-W47/index.html:week.html" \
	"weeks/2026-W47/$href:butler-etc.html"; do
	got=$site/${pair%%:*}
	want=$golden/${pair#*:}
	if [ "${HUIFANG_UPDATE_GOLDEN:-}" = 1 ]; then
		mkdir -p "$golden"
		cp "$got" "$want"
	elif ! cmp -s "$got" "$want"; then
		diff -u "$want" "$got" | head -n 40 >&2
		fail "${pair%%:*} differs from $want"
	fi
done
# Every link of every page, the live worklists' included, finds its
# target inside the site, anchors too (issue 16: a week's butler page
# links his live list; issue 19: tests/e2e/site_links.py).
python3 tests/e2e/site_links.py "$site" >"$tmp/links" || fail "$(cat "$tmp/links")"
echo "site ok: $(find "$site" -type f | wc -l) files; $(tail -n 1 "$tmp/links")"
