#!/bin/sh
# Out of memory for real (issue 13 item 5, SPEC §9.31): 'huifang run' on
# the bundled sample under 'ulimit -v' limits too small for it must exit
# 71 with one line saying so, leave no temporary file or staging folder
# behind, and leave the reports of an earlier run exactly as they were.
# (Allocation failure at every point of a small run is alloc.sh.)
#
# AddressSanitizer reserves terabytes of address space, so no 'ulimit -v'
# can be set under it: the test then says so and exits 77 (SKIP).
#
# usage: tests/e2e/oom.sh BUILD_DIR
set -eu
build=${1:-build}
hf=$(cd "$(dirname "$build/huifang")" && pwd)/huifang
if ldd "$hf" 2>/dev/null | grep -q 'libasan'; then
	echo "SKIP: ulimit -v cannot be set under AddressSanitizer"
	exit 77
fi
work=$(mktemp -d -t huifang-oom.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
asof='2026-11-26 08:00:00'
checks=0
fail() { echo "FAIL: $*"; exit 1; }
ok() { checks=$((checks + 1)); }
# The week folders must not be touched at all (inodes, sizes, mtimes);
# the site, rejects.csv and records/ describe the last run and may be
# written again, with the same bytes (records/ may also be withdrawn
# whole: its summary.json goes first and comes last).
stamps() {
	(cd "$work/o" && find weeks -mindepth 1 -printf '%p %i %s %T@\n' | sort &&
		find site rejects.csv -type f -exec sha256sum {} + | sort &&
		if [ -f records/summary.json ]; then
			find records -type f -exec sha256sum {} + | sort
		else
			cat "$work/records"
		fi)
}

"$hf" run --input input --output "$work/o" --config config/huifang.json \
	--as-of "$asof" --quiet >/dev/null 2>"$work/err" || fail "first run: $(cat "$work/err")"
(cd "$work/o" && find records -type f -exec sha256sum {} + | sort) >"$work/records"
stamps >"$work/before"
# (A run of the sample needs about 56 MB of address space since the font
# is mapped rather than read; 50 MB fails later in the run than 40 MB.)
for kib in 40000 50000; do
	rc=0
	(ulimit -v "$kib" && exec "$hf" run --input input --output "$work/o" \
		--config config/huifang.json --as-of "$asof" --week 2026-W47 \
		--force --quiet) >"$work/out" 2>"$work/err" || rc=$?
	[ "$rc" -eq 71 ] || fail "ulimit -v $kib: exit $rc, want 71: $(cat "$work/err")"; ok
	grep -q '^huifang: out of memory allocating [0-9]* bytes; nothing was published' \
		"$work/err" || fail "ulimit -v $kib: $(cat "$work/err")"; ok
	[ "$(grep -c . "$work/err")" -eq 1 ] || fail "ulimit -v $kib: not one line: $(cat "$work/err")"; ok
	left=$(find "$work/o" \( -name '.*.tmp-*' -o -name '.*.old-*' -o -name '.xlsx-*' \) -print)
	[ -z "$left" ] || fail "ulimit -v $kib: left $left"; ok
	stamps >"$work/after"
	cmp -s "$work/before" "$work/after" ||
		{ diff "$work/before" "$work/after" | head; fail "ulimit -v $kib: the earlier reports changed"; }; ok
	echo "oom: ulimit -v $kib: exit 71: $(cat "$work/err")"
done
echo "oom: $checks checks passed"
