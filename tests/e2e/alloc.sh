#!/bin/sh
# Allocation-failure injection (issue 13 item 6, SQLite's habit): a run on
# a small sample is repeated with allocation N failing (the binary's
# HUIFANG_TEST_ALLOC_FAIL hook, xalloc.h), for N = 1, 2, ... up to 200 and
# every 50th after, until a run no longer reaches N allocations. Every run
# must end cleanly: exit 71 with one line saying it ran out of memory, no
# temporary file or staging folder left under the output folder, and the
# earlier reports there byte for byte as they were (nothing half
# written). The runs are 'huifang ingest' (records/, rejects.csv) and
# 'huifang run' (weeks, site); cJSON, expat and libcsv allocate through the
# same hook, libharu, libzip and libxlsxwriter cannot be injected.
#
# ALLOC_FULL=1 (make test-alloc) is the full sweep (see below).
# usage: tests/e2e/alloc.sh BUILD_DIR
set -eu
build=${1:-build}
hf=$(cd "$(dirname "$build/huifang")" && pwd)/huifang
work=$(mktemp -d -t huifang-alloc.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
cfg=config/huifang.json
# Before 2026-W47's issue_at (Thursday 00:00), so the week stays provisional:
# every --force run re-renders it, and no revision or gate enters the sweep.
asof='2026-11-25 08:00:00'
full=${ALLOC_FULL:-0}
fail() { echo "FAIL: $*"; exit 1; }

# A small sample: the head of one week's tickets and of the callbacks.
mkdir "$work/in"
head -n 40 input/tickets-2026-W47.csv >"$work/in/t.csv"
head -n 30 input/callbacks.csv >"$work/in/c.csv"

snapshot() {
	(cd "$work/o" && find . \( -name '.huifang.lock' -o -name 'logs' -prune \) \
		-o -type f -print | sort | xargs sha256sum)
}

# sweep NAME EVERY STEP COMMAND...: the earlier output is made by the
# command itself, then allocation N fails for N = 1 ... EVERY, then every
# STEPth N, until a run gets through.
sweep() {
	name=$1 every=$2 step=$3
	shift 3
	rm -rf "$work/o"
	"$@" >/dev/null 2>"$work/err" || fail "$name: the reference run failed: $(cat "$work/err")"
	snapshot >"$work/before"
	n=1 runs=0 oom=0 withdrawn=0
	while :; do
		rc=0
		HUIFANG_TEST_ALLOC_FAIL=$n "$@" >"$work/out" 2>"$work/err" || rc=$?
		runs=$((runs + 1))
		if [ "$rc" -eq 0 ]; then
			break
		fi
		[ "$rc" -eq 71 ] || fail "$name: allocation $n: exit $rc: $(cat "$work/err")"
		grep -q '^huifang: out of memory allocating [0-9]* bytes' "$work/err" ||
			fail "$name: allocation $n: no out-of-memory line: $(cat "$work/err")"
		[ "$(grep -c . "$work/err")" -eq 1 ] ||
			fail "$name: allocation $n: more than one line: $(cat "$work/err")"
		left=$(find "$work/o" \( -name '.*.tmp-*' -o -name '.*.old-*' -o -name '.xlsx-*' \) -print)
		[ -z "$left" ] || fail "$name: allocation $n left $left"
		snapshot >"$work/after"
		# records/ is withdrawn while it is rewritten (its summary.json
		# goes first, comes last: records.h): either the earlier
		# artifact whole, or none.
		if [ ! -f "$work/o/records/summary.json" ]; then
			grep -v ' \./records/' "$work/before" >"$work/before.rest"
			grep -v ' \./records/' "$work/after" >"$work/after.rest"
			cmp -s "$work/before.rest" "$work/after.rest" ||
				{ diff "$work/before.rest" "$work/after.rest" | head; fail "$name: allocation $n changed the earlier output"; }
			withdrawn=$((withdrawn + 1))
		else
			cmp -s "$work/before" "$work/after" ||
				{ diff "$work/before" "$work/after" | head; fail "$name: allocation $n changed the earlier output"; }
		fi
		oom=$((oom + 1))
		if [ "$n" -lt "$every" ]; then
			n=$((n + 1))
		else
			n=$((n + step))
		fi
	done
	# The run that got through wrote the same reports (run.json apart:
	# it holds the stage timings).
	snapshot | grep -v ' \./run\.json$' >"$work/after"
	grep -v ' \./run\.json$' "$work/before" >"$work/before.rest"
	cmp -s "$work/before.rest" "$work/after" ||
		{ diff "$work/before.rest" "$work/after" | head; fail "$name: the last run differs from the reference"; }
	echo "alloc: $name: $oom injection points failed cleanly (exit 71; records/ withdrawn whole in $withdrawn), the run needs fewer than $n allocations; $runs runs"
}

# 'ingest' needs under a thousand allocations: every N to 200, then every
# 50th (make test); every N (make test-alloc). 'run' needs about 48,000
# and a second a run: a few points in make test, every N to 1,000
# and every 100th after in make test-alloc.
if [ "$full" = 1 ]; then
	sweep ingest 1000000 1 "$hf" ingest --input "$work/in" --output "$work/o" \
		--config "$cfg" --quiet
	sweep run 1000 100 "$hf" run --input "$work/in" --output "$work/o" \
		--config "$cfg" --as-of "$asof" --week 2026-W47 --force --quiet
else
	sweep ingest 200 50 "$hf" ingest --input "$work/in" --output "$work/o" \
		--config "$cfg" --quiet
	sweep run 2 15999 "$hf" run --input "$work/in" --output "$work/o" \
		--config "$cfg" --as-of "$asof" --week 2026-W47 --force --quiet
fi
