#!/bin/sh
# SPEC §8 conformance cases: for every tests/golden/spec-*/ case, runs
# 'huifang run' on its input/ and checks the figures worked out by hand
# from the spec's words (the case's README.md says how).
#
# A case folder holds:
#   input/          the exports (dot files and sub-folders included on
#                   purpose where a case says so)
#   make-input.sh   optional: run with a scratch input folder as $1 to add
#                   files too large or too odd to keep in git
#   args            line 1: the as-of; line 2: the week, or empty for the
#                   default week
#   config.json     optional: used instead of config/huifang.json
#   config-path     optional: one line, a config file of the repository
#                   to use instead (a shipped example, config/examples/)
#   expected/checks lines "PATH<TAB>VALUE": 'jget metrics.json PATH' must
#                   print VALUE ('#' at the end of PATH: an array's length)
#   expected/rejects.csv   optional: output/rejects.csv, byte for byte
#                          (GOLDEN_BLESS=1 copies the output over it)
#   expected/week   optional: the one week folder the run must write
# Every case also checks rows_read = accepted + rejected + superseded +
# excluded, in total and for every file.
# usage: tests/e2e/golden_spec.sh BUILD_DIR
set -u
build=${1:-build}
build=$(cd "$build" && pwd)
huifang=$build/huifang
jget=$build/tests/tools/jget
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
tab=$(printf '\t')

for dir in "$root"/tests/golden/spec-*/; do
	case=$(basename "$dir")
	bad=0
	fail() {
		echo "FAIL $case: $*"
		bad=1
		failed=1
	}
	out=$tmp/$case
	mkdir -p "$out/input"
	cp -R "$dir/input/." "$out/input/"
	if [ -f "$dir/make-input.sh" ]; then
		sh "$dir/make-input.sh" "$out/input" || fail "make-input.sh"
	fi
	cfg=$root/config/huifang.json
	[ -f "$dir/config.json" ] && cfg=$dir/config.json
	[ -f "$dir/config-path" ] && cfg=$root/$(sed -n 1p "$dir/config-path")
	as_of=$(sed -n 1p "$dir/args")
	week=$(sed -n 2p "$dir/args")
	if [ -n "$week" ]; then
		"$huifang" run --input "$out/input" --output "$out/output" \
			--config "$cfg" --as-of "$as_of" --week "$week" \
			>"$out/stdout" 2>"$out/stderr"
	else
		"$huifang" run --input "$out/input" --output "$out/output" \
			--config "$cfg" --as-of "$as_of" \
			>"$out/stdout" 2>"$out/stderr"
	fi
	rc=$?
	[ "$rc" -eq 0 ] || { fail "huifang run exited $rc"; sed 's/^/    /' "$out/stderr"; }
	weeks=$(ls "$out/output/weeks" 2>/dev/null | tr '\n' ' ')
	if [ -f "$dir/expected/week" ]; then
		[ "$weeks" = "$(cat "$dir/expected/week") " ] ||
			fail "week folders '$weeks', not $(cat "$dir/expected/week")"
	fi
	w=${week:-$(cat "$dir/expected/week" 2>/dev/null)}
	m=$out/output/weeks/$w/metrics.json
	if [ ! -f "$m" ]; then
		fail "no $w/metrics.json"
		continue
	fi
	# One jget for all the case's paths: its lines follow the paths'.
	grep -v -e '^#' -e '^$' "$dir/expected/checks" >"$out/checks"
	{ cut -f1 "$out/checks"
	  printf '%s\n' input.rows_read input.accepted input.rejected input.superseded \
		input.excluded 'data_quality.files#'
	} | tr '\n' '\0' | xargs -0 "$jget" "$m" >"$out/got" 2>&1
	# "PATH<TAB>WANT" against the line of the same number in got.
	awk -v tab="$tab" 'NR == FNR { got[FNR] = $0; next }
		{ i = index($0, tab); path = substr($0, 1, i - 1)
		  want = substr($0, i + 1)
		  if (got[FNR] != want)
			printf "%s is '\''%s'\'', not '\''%s'\''\n", path, got[FNR], want
		}' "$out/got" "$out/checks" >"$out/mismatches"
	while IFS= read -r line; do
		fail "$line"
	done <"$out/mismatches"
	n=$(wc -l <"$out/checks")
	r=$(sed -n "$((n + 1))p" "$out/got")
	a=$(sed -n "$((n + 2))p" "$out/got")
	j=$(sed -n "$((n + 3))p" "$out/got")
	s=$(sed -n "$((n + 4))p" "$out/got")
	x=$(sed -n "$((n + 5))p" "$out/got")
	nf=$(sed -n "$((n + 6))p" "$out/got")
	[ "$r" -eq $((a + j + s + x)) ] 2>/dev/null ||
		fail "rows_read $r != $a accepted + $j rejected + $s superseded + $x excluded"
	# The same for every file, with one more jget.
	k=0
	while [ "$k" -lt "${nf:-0}" ] 2>/dev/null; do
		for c in rows_read accepted rejected superseded excluded; do
			printf 'data_quality.files[%s].%s\n' "$k" "$c"
		done
		k=$((k + 1))
	done | tr '\n' '\0' | xargs -0 -r "$jget" "$m" >"$out/files" 2>&1
	awk 'NR % 5 == 1 { r = $0 } NR % 5 == 2 { a = $0 } NR % 5 == 3 { j = $0 }
		NR % 5 == 4 { s = $0 }
		NR % 5 == 0 && r != a + j + s + $0 {
			printf "file %d: rows_read %s != %s + %s + %s + %s\n",
				NR / 5 - 1, r, a, j, s, $0 }' "$out/files" >"$out/bad_files"
	while IFS= read -r line; do
		fail "$line"
	done <"$out/bad_files"
	if [ -f "$dir/expected/rejects.csv" ] && [ -n "${GOLDEN_BLESS:-}" ]; then
		cp "$out/output/rejects.csv" "$dir/expected/rejects.csv"
	fi
	if [ -f "$dir/expected/rejects.csv" ]; then
		if ! cmp -s "$dir/expected/rejects.csv" "$out/output/rejects.csv"; then
			fail "rejects.csv differs"
			diff -u "$dir/expected/rejects.csv" \
				"$out/output/rejects.csv" | cut -c1-200 | head -n 40
		fi
	fi
	[ "$bad" -eq 0 ] && echo "ok $case"
done
exit "$failed"
