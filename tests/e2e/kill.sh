#!/bin/sh
# The kill test (issue 8): SIGKILL 'huifang run' at many points of its
# run, and check after each kill that
#   - every file a reader can see under the output folder (hidden
#     leftovers of the killed run aside) is either the previous version or
#     the complete new one: same bytes as one of two reference runs, whose
#     files are all checked complete (JSON parses with jget, pdfinfo
#     accepts every PDF); a file with other bytes is checked the same way
#     and reported;
#   - every week folder is one whole version, never a mix or a subset;
#   - run.json parses and is the previous or the new run's;
#   - the next run cleans up: a run that takes the lock and then finds no
#     input (exit 66, it writes nothing) removes every leftover and leaves
#     the visible files as they were.
# A last complete run must then give exactly the new version. Prints the
# figures: kill points, checks, leftovers cleaned.
#
# Kill points are spread evenly from 0 to the reference run's duration.
# The work happens under TMPDIR, which tests/run.sh puts on tmpfs with
# the fsyncs off, so 30 kill points take seconds; HUIFANG_KILL_POINTS
# overrides the number.
#
# usage: tests/e2e/kill.sh BUILD_DIR
set -eu
build=${1:-build}
bin="$build/huifang"
jget="$build/tests/tools/jget"
points=${HUIFANG_KILL_POINTS:-30}

work=$(mktemp -d -t huifang-kill.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
command -v pdfinfo >/dev/null 2>&1 || { echo "kill: no pdfinfo (poppler-utils)"; exit 1; }
mkdir "$work/empty"

prev_as_of='2026-11-25 08:00:00'
new_as_of='2026-11-26 08:00:00'
set -- --input input --config config/huifang.json --week 2026-W47 -q

"$bin" run "$@" --output "$work/ref-prev" --as-of "$prev_as_of" >/dev/null 2>"$work/err" ||
	{ cat "$work/err"; echo "kill: reference run failed"; exit 1; }
start=$(date +%s%N)
"$bin" run "$@" --output "$work/ref-new" --as-of "$new_as_of" >/dev/null 2>"$work/err" ||
	{ cat "$work/err"; echo "kill: reference run failed"; exit 1; }
took_ms=$(( ($(date +%s%N) - start) / 1000000 ))

# "<path> <sha256>" of every file a reader sees: not the lock, not
# run.json (its timings differ from run to run; checked apart), not the
# hidden leftovers of a killed run (.<name>.tmp-*, .<name>.old-*).
digests() {
	(cd "$1" && find . -type f ! -name '.huifang.lock' ! -path './run.json' \
		! -name '.*.tmp-*' ! -path '*/.*.tmp-*' ! -path '*/.*.old-*' \
		-exec sha256sum {} + 2>/dev/null) | awk '{ print $2, $1 }' | sort
}
# Inode, size and mtime of the visible files: whether anything was rewritten.
stamps() {
	(cd "$1" && find . -type f ! -name '.huifang.lock' ! -name '.*.tmp-*' \
		! -path '*/.*.tmp-*' ! -path '*/.*.old-*' -printf '%p %i %s %T@\n') | sort
}
leftovers() {
	find "$1" -name '.*.tmp-*' -o -name '.*.old-*'
}
# Checks one file is complete by its kind; remembers good contents.
complete() {
	hash=$2
	grep -qx "$hash" "$work/good" && return 0
	case $1 in
	*.json) "$jget" "$1" . >/dev/null 2>&1 || return 1 ;;
	*.pdf) pdfinfo "$1" >/dev/null 2>&1 || return 1 ;;
	esac
	echo "$hash" >>"$work/good"
}

digests "$work/ref-prev" >"$work/prev"
digests "$work/ref-new" >"$work/new"
: >"$work/good"
for ref in prev new; do
	while read -r path hash; do
		complete "$work/ref-$ref/$path" "$hash" ||
			{ echo "kill: reference file $path is not complete"; exit 1; }
	done <"$work/$ref"
done
cmp -s "$work/prev" "$work/new" && { echo "kill: the two versions do not differ"; exit 1; }

out="$work/out"
cp -R "$work/ref-prev" "$out"
checks=0 failures=0 cleaned=0 i=0
bad() {
	echo "kill point $i (${delay_ms} ms): $*"
	failures=$((failures + 1))
}
while [ "$i" -lt "$points" ]; do
	delay_ms=$(( i * took_ms / (points - 1) ))
	"$bin" run "$@" --output "$out" --as-of "$new_as_of" --force >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk "BEGIN { printf \"%.3f\", $delay_ms / 1000 }")"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true

	digests "$out" >"$work/now"
	checks=$((checks + $(wc -l <"$work/now")))
	# Lines of now that are in neither version (one awk, not a grep per file).
	awk 'FILENAME != ARGV[3] { known[$0] = 1; next } !($0 in known)' \
		"$work/prev" "$work/new" "$work/now" >"$work/unknown"
	while read -r path hash; do
		if complete "$out/$path" "$hash"; then
			bad "$path is complete but neither version"
		else
			bad "$path is not complete"
		fi
	done <"$work/unknown"
	for week in "$out"/weeks/*/; do
		[ -d "$week" ] || continue
		w=$(basename "$week")
		checks=$((checks + 1))
		grep "^./weeks/$w/" "$work/now" >"$work/week" || true
		grep "^./weeks/$w/" "$work/prev" >"$work/week-prev" || true
		grep "^./weeks/$w/" "$work/new" >"$work/week-new" || true
		cmp -s "$work/week" "$work/week-prev" ||
			cmp -s "$work/week" "$work/week-new" ||
			bad "weeks/$w is not one whole version"
	done
	if [ -e "$out/run.json" ]; then
		checks=$((checks + 1))
		a=$("$jget" "$out/run.json" as_of 2>/dev/null) || a=unparsable
		[ "$a" = "$prev_as_of" ] || [ "$a" = "$new_as_of" ] ||
			bad "run.json: as_of $a"
	fi

	# The next run cleans up (and, finding no input, writes nothing).
	n=$(leftovers "$out" | wc -l)
	stamps "$out" >"$work/stamps"
	rc=0
	"$bin" run --input "$work/empty" --output "$out" --config config/huifang.json \
		--week 2026-W47 --as-of "$new_as_of" -q >/dev/null 2>&1 || rc=$?
	checks=$((checks + 1))
	[ "$rc" -eq 66 ] || bad "the cleaning run exited $rc, want 66"
	checks=$((checks + 1))
	[ -z "$(leftovers "$out")" ] || bad "leftovers not cleaned: $(leftovers "$out")"
	cleaned=$((cleaned + n))
	checks=$((checks + 1))
	stamps "$out" >"$work/stamps-after"
	cmp -s "$work/stamps" "$work/stamps-after" || bad "the cleaning run changed visible files"
	i=$((i + 1))
done

# The next complete run writes the new version whole.
"$bin" run "$@" --output "$out" --as-of "$new_as_of" --force >/dev/null 2>"$work/err" ||
	{ cat "$work/err"; echo "kill: the run after the kills failed"; exit 1; }
checks=$((checks + 1))
[ -z "$(leftovers "$out")" ] || bad "leftovers after the last run"
checks=$((checks + 1))
digests "$out" >"$work/final"
cmp -s "$work/final" "$work/new" ||
	{ diff "$work/new" "$work/final" | head; bad "the last run differs from the new version"; }

echo "kill: $points kill points over a ${took_ms} ms run, $checks checks," \
	"$cleaned leftovers cleaned, $failures failures"
[ "$failures" -eq 0 ]
