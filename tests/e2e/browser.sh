#!/bin/sh
# Loads the rendered site in headless Chromium (when Debian's chromium is
# installed; otherwise it says "skipped: no chromium" and exits 77, a skip): the index
# and the 2026-W47 week page, whose view model holds a callback remark
#   <img src=x onerror="document.title='x'"><script>document.title='x'</script>
# Dumps each page's DOM and takes a screenshot, and checks that the data
# changed neither the title nor the DOM: no img or script element exists,
# the remark is there as text, and each title is the template's.
# The screenshots stay in BUILD_DIR/tests/browser/ for a person to look at.
# usage: tests/e2e/browser.sh BUILD_DIR
set -eu
build=${1:-build}
chromium=/usr/bin/chromium
if [ ! -x "$chromium" ]; then
	echo "skipped: no chromium"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
shots=$build/tests/browser
mkdir -p "$shots"
site=$tmp/site

fail() {
	echo "browser.sh: $*" >&2
	exit 1
}

"$build/tests/unit/test_render_html" --render tests/fixtures/html "$site" ||
	fail "render failed"

# chromium FLAGS... URL, with a fresh profile each time.
run_chromium() {
	profile=$(mktemp -d "$tmp/profile.XXXXXX")
	timeout 90 "$chromium" --headless --no-sandbox --disable-gpu \
		--no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$profile" "$@" 2>>"$tmp/chromium.log"
}

check_page() {
	rel=$1
	title=$2
	name=$3
	url="file://$site/$rel"
	run_chromium --dump-dom "$url" >"$tmp/$name.dom" ||
		fail "$rel: chromium --dump-dom failed (see $tmp/chromium.log)"
	run_chromium --window-size=1280,2000 --screenshot="$shots/$name.png" \
		"$url" >/dev/null || fail "$rel: chromium --screenshot failed"
	[ -s "$shots/$name.png" ] || fail "$rel: no screenshot"
	head -c 8 "$shots/$name.png" | od -An -c | grep -q 'P   N   G' ||
		fail "$rel: the screenshot is not a PNG"
	grep -q "<title>$title</title>" "$tmp/$name.dom" ||
		fail "$rel: the title is not '$title'"
	! grep -qi '<img' "$tmp/$name.dom" || fail "$rel: an img element"
	# The only <script in the DOM would be one from the data.
	! grep -qi '<script' "$tmp/$name.dom" || fail "$rel: a script element"
	grep -q '</html>' "$tmp/$name.dom" || fail "$rel: the DOM is cut short"
}

check_page index.html "回访报表" index
check_page weeks/2026-W47/index.html "2026-W47 回访周报" week
# The hostile remark is in the week page, as text.
grep -q '&lt;img src=x onerror="document.title=.x."&gt;&lt;script&gt;' "$tmp/week.dom" ||
	fail "the remark is not in the week page as text"
grep -q '阳光花园服务中心' "$tmp/week.dom" || fail "the week page lacks its content"

# The home page with a provisional week beside the issued one (W47 of the
# fixture flipped to provisional): at a 1100 px window the issued week's
# tables fit without scrolling sideways, the provisional week sitting
# beside its KPIs, above the type table; at phone width (chromium's
# smallest window, 500 px, under the 600 px breakpoint) it comes below
# the issued week (its tables may scroll there, as every wide table does
# on a phone). The page's own policy allows no script, so a copy
# without it carries a probe that writes what it measured into the title.
cp -r tests/fixtures/html "$tmp/fx"
sed -i '0,/"provisional": false/s//"provisional": true/' "$tmp/fx/2026-W47/metrics.json"
"$build/tests/unit/test_render_html" --render "$tmp/fx" "$tmp/psite" >/dev/null ||
	fail "render of the provisional site failed"
cat >"$tmp/probe.js" <<'EOF'
<script>
addEventListener('load', function () {
  var c = document.getElementById('current'), l = document.getElementById('latest');
  var wraps = l.querySelectorAll(':scope > .table-wrap'), wide = [];
  for (var i = 0; i < wraps.length; i++)
    if (wraps[i].scrollWidth > wraps[i].clientWidth) wide.push(i);
  var link = l.querySelector(':scope > p a.more').getBoundingClientRect();
  var box = c.getBoundingClientRect(), table = wraps[0].getBoundingClientRect();
  document.title = 'probe scrolls=' + (wide.length ? wide.join(',') : 'none') +
    ' beside=' + (box.bottom <= table.top && box.left > l.getBoundingClientRect().left + 100 ? 1 : 0) +
    ' below=' + (box.top > link.top ? 1 : 0);
});
</script>
EOF
sed -e '/Content-Security-Policy/d' -e "/<\/body>/e cat $tmp/probe.js" \
	"$tmp/psite/index.html" >"$tmp/psite/probe.html"
probe() { # WIDTH
	run_chromium --window-size="$1",2000 --dump-dom "file://$tmp/psite/probe.html" |
		sed -n 's/.*<title>probe \([^<]*\)<\/title>.*/\1/p'
}
got=$(probe 1100)
[ "$got" = "scrolls=none beside=1 below=0" ] ||
	fail "the home page at 1100 px: $got (want scrolls=none beside=1 below=0)"
got=$(probe 390)
case $got in
*" beside=0 below=1") ;;
*) fail "the home page at phone width: $got (want beside=0 below=1)" ;;
esac
echo "browser ok: screenshots in $shots"
