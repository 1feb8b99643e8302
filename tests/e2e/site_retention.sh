#!/bin/sh
# The site's own retention (issue 16, site.retention_weeks): with three
# week folders and a retention of two, the site publishes the newest two
# weeks only: no pages, links or figures of the oldest, while its week
# folder (and so its issued reports and quality records) stays; the
# trends keep its figures, which are the kept weeks' own; every
# link of the site still finds its target. A site retention above
# retention_weeks could never apply: exit 78 naming the key.
# usage: tests/e2e/site_retention.sh BUILD_DIR
set -u
build=${1:-build}
hf=$build/huifang
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
asof='2026-11-26 08:00:00'

fail() {
	echo "FAIL: $*"
	failed=1
}

sed 's/"retention_weeks": 13/"retention_weeks": 2/' config/huifang.json >"$tmp/cfg.json"
grep -q '"site": {' "$tmp/cfg.json" && grep -q '"retention_weeks": 2' "$tmp/cfg.json" ||
	fail "cannot set site.retention_weeks"
o=$tmp/o
# One run, the two weeks before by the metrics step alone (cheap), then
# the site rebuilt over the three folders.
"$hf" run --input input --output "$o" --config "$tmp/cfg.json" \
	--as-of "$asof" --week 2026-W47 --quiet >"$tmp/out" 2>&1 ||
	fail "run: $(cat "$tmp/out")"
for w in 2026-W45 2026-W46; do
	"$hf" metrics --output "$o" --config "$tmp/cfg.json" \
		--as-of "$asof" --week $w --quiet >"$tmp/out" 2>&1 ||
		fail "metrics $w: $(cat "$tmp/out")"
done
"$hf" render --output "$o" --config "$tmp/cfg.json" --as-of "$asof" \
	--week 2026-W47 --quiet >"$tmp/out" 2>&1 || fail "render: $(cat "$tmp/out")"
for w in 2026-W45 2026-W46 2026-W47; do
	[ -f "$o/weeks/$w/metrics.json" ] || fail "the week folder $w is gone"
done
[ -d "$o/site/weeks/2026-W47" ] && [ -d "$o/site/weeks/2026-W46" ] ||
	fail "the site lost a week it keeps"
[ -e "$o/site/weeks/2026-W45" ] && fail "the site still publishes 2026-W45"
# The trends still show its figures (from the kept weeks' metrics.json),
# but nothing links a page of it.
grep -rq 'href="[^"]*2026-W45' "$o/site" && fail "a page of the site still links 2026-W45: $(grep -rl 'href="[^"]*2026-W45' "$o/site" | head -n 3)"
# The live butler pages show the weeks the site keeps.
grep -q 'href="../weeks/2026-W46/butler-' "$o"/site/worklists/butler-*.html ||
	fail "no butler's figures of 2026-W46"
# Every link finds its target (tests/e2e/site_links.py, issue 19).
python3 tests/e2e/site_links.py "$o/site" >"$tmp/links" || fail "$(cat "$tmp/links")"
# 0: every week folder there is.
sed 's/"retention_weeks": 13/"retention_weeks": 0/' config/huifang.json >"$tmp/all.json"
"$hf" render --output "$o" --config "$tmp/all.json" --as-of "$asof" \
	--week 2026-W47 --quiet >"$tmp/out" 2>&1 || fail "render: $(cat "$tmp/out")"
[ -d "$o/site/weeks/2026-W45" ] || fail "site.retention_weeks 0 does not publish every week"
# More than the weeks' retention: a config error naming the key.
sed 's/"retention_weeks": 13/"retention_weeks": 30/' config/huifang.json >"$tmp/bad.json"
rc=0
"$hf" run --input input --output "$tmp/o78" --config "$tmp/bad.json" \
	--as-of "$asof" >"$tmp/out" 2>&1 || rc=$?
[ "$rc" -eq 78 ] || fail "site.retention_weeks 30 > retention_weeks 26: exit $rc"
grep -q 'site.retention_weeks: 30 is more than retention_weeks (26)' "$tmp/out" ||
	fail "the error does not name the key: $(cat "$tmp/out")"

[ "$failed" -eq 0 ] && echo "ok: the site keeps its own weeks"
exit "$failed"
