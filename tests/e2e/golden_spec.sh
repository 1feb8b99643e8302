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
	while IFS="$tab" read -r path want; do
		case $path in ''|'#'*) continue ;; esac
		got=$("$jget" "$m" "$path" 2>&1)
		[ "$got" = "$want" ] || fail "$path is '$got', not '$want'"
	done <"$dir/expected/checks"
	r=$("$jget" "$m" input.rows_read)
	a=$("$jget" "$m" input.accepted)
	j=$("$jget" "$m" input.rejected)
	s=$("$jget" "$m" input.superseded)
	x=$("$jget" "$m" input.excluded)
	[ "$r" -eq $((a + j + s + x)) ] ||
		fail "rows_read $r != $a accepted + $j rejected + $s superseded + $x excluded"
	n=$("$jget" "$m" 'data_quality.files#')
	k=0
	while [ "$k" -lt "$n" ]; do
		f="data_quality.files[$k]"
		r=$("$jget" "$m" "$f.rows_read")
		a=$("$jget" "$m" "$f.accepted")
		j=$("$jget" "$m" "$f.rejected")
		s=$("$jget" "$m" "$f.superseded")
		x=$("$jget" "$m" "$f.excluded")
		[ "$r" -eq $((a + j + s + x)) ] ||
			fail "$f: rows_read $r != $a + $j + $s + $x"
		k=$((k + 1))
	done
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
