#!/bin/sh
# The kill test (issue 8): SIGKILL 'huifang run' at many points and check
# after each that every file under output/weeks and output/site is either
# absent, the previous version, or the complete new version (a reference
# run with the same arguments gives the bytes: runs are reproducible), that
# no week folder mixes versions, and that a final run cleans every
# leftover. Prints the number of kill points and checks.
#
# Skips (passing, with a note) while 'huifang run' is not built or the
# tree has no sample input and config.
#
# usage: tests/e2e/kill.sh BUILD_DIR
set -eu
build=${1:-build}
bin="$build/huifang"
points=${HUIFANG_KILL_POINTS:-16}

if [ ! -d input ] || [ ! -f config/huifang.json ]; then
	echo "kill: note: no sample input or config here; not run"
	exit 0
fi
work=$(mktemp -d -t huifang-kill.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

run() {
	out=$1
	shift
	"$bin" run --input input --output "$out" --config config/huifang.json \
		--week 2026-W47 "$@"
}

# What the files of each version are: a previous run (another as-of) and
# the complete new run the killed runs attempt.
prev_as_of='2026-11-25 08:00:00'
new_as_of='2026-11-26 08:00:00'
rc=0
run "$work/ref-prev" --as-of "$prev_as_of" >/dev/null 2>"$work/err" || rc=$?
if [ "$rc" -eq 70 ] && grep -q 'not built yet' "$work/err"; then
	echo "kill: note: 'huifang run' is not built yet; not run"
	exit 0
fi
[ "$rc" -eq 0 ] || { cat "$work/err"; echo "kill: reference run failed"; exit 1; }
start=$(date +%s%N)
run "$work/ref-new" --as-of "$new_as_of" >/dev/null 2>&1
took_ms=$(( ($(date +%s%N) - start) / 1000000 ))

# sha256 of every file under weeks/ and site/, as "<path> <hash>" lines;
# hidden leftovers of a killed run (.<name>.tmp-*, .<name>.old-*) are what
# the next run cleans, not something a reader is shown.
digests() {
	(cd "$1" && find weeks site -type f ! -path '*/.*.tmp-*' \
		! -path '*/.*.old-*' \
		-exec sha256sum {} + 2>/dev/null) | awk '{ print $2, $1 }' | sort
}
digests "$work/ref-prev" >"$work/prev"
digests "$work/ref-new" >"$work/new"

out="$work/out"
cp -R "$work/ref-prev" "$out"
checks=0
failures=0
i=0
while [ "$i" -lt "$points" ]; do
	# Spread the kill points over the run's duration, and a bit beyond.
	delay_ms=$(( (i * took_ms * 5) / (points * 4) ))
	run "$out" --as-of "$new_as_of" --force >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk "BEGIN { printf \"%.3f\", $delay_ms / 1000 }")"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true

	digests "$out" >"$work/now"
	while read -r path hash; do
		checks=$((checks + 1))
		if grep -qx "$path $hash" "$work/prev" ||
		   grep -qx "$path $hash" "$work/new"; then
			continue
		fi
		echo "kill point $i (${delay_ms} ms): $path is neither version"
		failures=$((failures + 1))
	done <"$work/now"
	# A week folder that exists is one whole version: exactly the
	# previous run's files or exactly the new run's, never a mix and
	# never a subset.
	for week in "$out"/weeks/*/; do
		[ -d "$week" ] || continue
		w=$(basename "$week")
		checks=$((checks + 1))
		grep "^weeks/$w/" "$work/now" >"$work/week" || true
		grep "^weeks/$w/" "$work/prev" >"$work/week-prev" || true
		grep "^weeks/$w/" "$work/new" >"$work/week-new" || true
		if cmp -s "$work/week" "$work/week-prev" ||
		   cmp -s "$work/week" "$work/week-new"; then
			continue
		fi
		echo "kill point $i (${delay_ms} ms): weeks/$w is not one whole version"
		failures=$((failures + 1))
	done
	i=$((i + 1))
done

# The next complete run cleans up and writes the new version whole.
run "$out" --as-of "$new_as_of" --force >/dev/null 2>"$work/err" ||
	{ cat "$work/err"; echo "kill: the run after the kills failed"; exit 1; }
checks=$((checks + 1))
left=$(find "$out" -name '.*.tmp-*' -o -name '.*.old-*')
[ -z "$left" ] || { echo "kill: leftovers after the next run: $left"; failures=$((failures + 1)); }
checks=$((checks + 1))
digests "$out" >"$work/final"
cmp -s "$work/final" "$work/new" ||
	{ diff "$work/new" "$work/final"; echo "kill: final run differs"; failures=$((failures + 1)); }

echo "kill: $points kill points over a ${took_ms} ms run, $checks checks, $failures failures"
[ "$failures" -eq 0 ]
