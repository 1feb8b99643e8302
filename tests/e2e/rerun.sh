#!/bin/sh
# Reproducibility (issue 8 item 3): the same input, config and as-of give
# byte-identical outputs, PDFs included, whatever the wall clock, the time
# zone, the locale and the output folder's name. Two nightly runs write
# into two folders, at least a second apart, under different TZ and
# LC_ALL; every file must match byte for byte except the day's log (wall
# clock times) and run.json, whose timings differ and which must match
# once timings_seconds is left out.
#
# usage: tests/e2e/rerun.sh BUILD_DIR
set -eu
build=${1:-build}
hf=$build/huifang
work=$(mktemp -d -t huifang-rerun.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

# The sample's last two weeks' exports, as in lock.sh: enough for an
# issued and a provisional week, without a first night's catching up on
# every earlier week of the sample (nightly.sh tests that).
few=$work/in
mkdir "$few"
cp input/callbacks.csv input/tickets-2026-W47.csv input/tickets-2026-W48.csv "$few/"
nightly() {
	"$hf" nightly --input "$few" --output "$1" --config config/huifang.json \
		--as-of '2026-11-26 08:00:00' >"$1.out" 2>"$1.err" ||
		fail "nightly into $1 exited $?: $(cat "$1.err")"
}
TZ=UTC LC_ALL=C nightly "$work/first"
sleep 1
TZ=America/Los_Angeles LC_ALL=C.UTF-8 nightly "$work/second-folder"

a=$work/first
b=$work/second-folder
(cd "$a" && find . -type f ! -path './logs/*' ! -name .huifang.lock | sort) >"$work/files-a"
(cd "$b" && find . -type f ! -path './logs/*' ! -name .huifang.lock | sort) >"$work/files-b"
cmp -s "$work/files-a" "$work/files-b" ||
	{ diff "$work/files-a" "$work/files-b" | head; fail "the two runs wrote different files"; }
pdfs=0 files=0
while read -r f; do
	files=$((files + 1))
	case $f in
	./run.json)
		grep -v '"timings_seconds"' "$a/$f" >"$work/run-a"
		grep -v '"timings_seconds"' "$b/$f" >"$work/run-b"
		cmp -s "$work/run-a" "$work/run-b" ||
			{ diff "$work/run-a" "$work/run-b"; fail "run.json differs beyond its timings"; }
		;;
	*)
		cmp -s "$a/$f" "$b/$f" || fail "$f differs between the two runs"
		case $f in *.pdf) pdfs=$((pdfs + 1)) ;; esac
		;;
	esac
done <"$work/files-a"
[ "$pdfs" -gt 0 ] || fail "no PDF was compared"
# Both weeks are there, so both kinds (issued and provisional) were compared.
[ -f "$a/weeks/2026-W47/.issued" ] && [ -f "$a/weeks/2026-W48/metrics.json" ] ||
	fail "a week is missing"
echo "rerun: $files files identical ($pdfs PDFs), run.json apart from its timings"
