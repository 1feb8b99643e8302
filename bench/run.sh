#!/bin/sh
# make bench: the speed and memory of 'huifang ingest' on a million rows.
#
# Generates the data once (huifang gen --seed 1 --weeks 50
# --tickets-per-week 20000, about 265 MB of UTF-8 CSV) into bench/data/,
# or takes the exports in $BENCH_INPUT instead. Then, after one warm-up
# run of each, measures five runs of
#   - bench/bare_csv: a bare libcsv parse of the same files that only
#     counts fields (the baseline),
#   - huifang ingest on the UTF-8 exports,
#   - huifang ingest on the same exports converted to GB18030, and
#   - iconv converting them (what GB18030 input may cost at most extra),
# and writes the medians, the ratio to the baseline and ingest's peak
# memory (GNU time's maximum resident set size) to bench/results/ingest.txt.
# Targets (issue 3): ingest <= 1.3 x bare parse; peak memory < 250 MB;
# GB18030 adds no more than the iconv conversion costs.
# usage: sh bench/run.sh BUILD_DIR
set -eu
build=${1:-build}
cd "$(dirname "$0")/.."
huifang=$build/huifang
runs=5

if ! /usr/bin/time -f %e true >/dev/null 2>&1; then
	echo "bench: needs GNU time as /usr/bin/time (Debian: apt-get install time)" >&2
	exit 1
fi
for tool in iconv cc; do
	command -v $tool >/dev/null 2>&1 || {
		echo "bench: needs $tool" >&2
		exit 1
	}
done

data=bench/data
if [ -n "${BENCH_INPUT:-}" ]; then
	utf8=$BENCH_INPUT
else
	utf8=$data/utf8
	if [ ! -f "$data/.generated" ]; then
		rm -rf "$utf8"
		mkdir -p "$utf8"
		echo "bench: generating 1 million rows into $utf8"
		if ! "$huifang" gen --seed 1 --weeks 50 --tickets-per-week 20000 \
			--out "$utf8"; then
			echo "bench: 'huifang gen' failed; set BENCH_INPUT to a folder of exports" >&2
			exit 1
		fi
		touch "$data/.generated"
	fi
fi
gb=$data/gb18030
mkdir -p "$gb" "$data/out" bench/results "$build/bench"
files=$(ls "$utf8" | grep -iE '\.csv$' | LC_ALL=C sort)
[ -n "$files" ] || { echo "bench: no CSV exports in $utf8" >&2; exit 1; }
if [ ! -f "$gb/.converted" ] || [ "$utf8/." -nt "$gb/.converted" ]; then
	rm -f "$gb"/*.csv
	for f in $files; do
		# The BOM says UTF-8: leave it out of the GB18030 copy.
		sed '1s/^\xEF\xBB\xBF//' "$utf8/$f" | iconv -f UTF-8 -t GB18030 >"$gb/$f"
	done
	touch "$gb/.converted"
fi
cc -O2 -o "$build/bench/bare_csv" bench/bare_csv.c -lcsv

# runs CMD...: one warm-up, then $runs timed runs; prints "median_s max_kb".
measure() {
	"$@" >/dev/null 2>&1
	: >"$build/bench/times"
	i=0
	while [ $i -lt $runs ]; do
		/usr/bin/time -f "%e %M" -o "$build/bench/one" "$@" >/dev/null 2>&1
		cat "$build/bench/one" >>"$build/bench/times"
		i=$((i + 1))
	done
	sort -n "$build/bench/times" | awk -v n=$runs '
		{ t[NR] = $1; if ($2 > m) m = $2 }
		END { print t[int((n + 1) / 2)], m }'
}

utf8_paths=$(for f in $files; do printf '%s ' "$utf8/$f"; done)
gb_paths=$(for f in $files; do printf '%s ' "$gb/$f"; done)
rows=$("$build/bench/bare_csv" $utf8_paths)
size=$(cat $utf8_paths | wc -c)
echo "bench: $rows in $size bytes; $runs runs each after a warm-up"

# shellcheck disable=SC2086
set -- $(measure "$build/bench/bare_csv" $utf8_paths); bare=$1
set -- $(measure "$huifang" ingest --input "$utf8" --output "$data/out" --quiet)
ingest=$1; ingest_kb=$2
set -- $(measure "$huifang" ingest --input "$gb" --output "$data/out" --quiet)
ingest_gb=$1; ingest_gb_kb=$2
# shellcheck disable=SC2086
set -- $(measure sh -c "cat $utf8_paths | iconv -f UTF-8 -t GB18030 >/dev/null")
conv=$1

result=bench/results/ingest.txt
{
	echo "huifang ingest benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m))"
	echo "input: $size bytes of UTF-8 CSV, $rows (bare_csv count, headers included)"
	echo "median of $runs runs after a warm-up, wall clock"
	echo
	echo "bare libcsv parse        $bare s"
	echo "huifang ingest (UTF-8)   $ingest s   peak $((ingest_kb / 1024)) MB"
	echo "huifang ingest (GB18030) $ingest_gb s   peak $((ingest_gb_kb / 1024)) MB"
	echo "iconv UTF-8 -> GB18030   $conv s"
	echo
	awk -v a="$ingest" -v b="$bare" -v g="$ingest_gb" -v c="$conv" \
	    -v kb="$ingest_kb" 'BEGIN {
		r = a / b
		printf "ingest / bare parse      %.2f (target <= 1.30: %s)\n", r, r <= 1.3 ? "met" : "NOT met"
		printf "peak memory              %d MB (target < 250: %s)\n", kb / 1024, kb / 1024 < 250 ? "met" : "NOT met"
		printf "GB18030 extra            %.2f s against iconv %.2f s (target: %s)\n", g - a, c, g - a <= c ? "met" : "NOT met"
	}'
} >"$result"
cat "$result"
