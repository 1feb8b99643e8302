#!/bin/sh
# The sample's centre x type figures (metrics.json by_center_type: eligible,
# called_back, coverage, target, meets_target) equal those of an
# independent count over input/ (tests/tools/center_type_check.py, written
# from the spec alone).
# usage: tests/e2e/center_type.sh BUILD_DIR
set -u
build=${1:-build}
tmp=$(mktemp -d -t huifang-ct.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$build/huifang" run --input input --config config/huifang.json \
	--as-of '2026-11-26 08:00:00' --week 2026-W47 --output "$tmp/out" \
	--quiet >/dev/null 2>"$tmp/stderr" || {
	echo "FAIL: run exited $?"
	head "$tmp/stderr"
	exit 1
}
python3 tests/tools/center_type_check.py input \
	"$tmp/out/weeks/2026-W47/metrics.json" '2026-11-26 08:00:00' 2026-11-16
