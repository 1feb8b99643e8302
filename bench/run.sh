#!/bin/sh
# make bench: speed and memory of huifang on generated data (not a test).
#
# Data, generated once into bench/data/ (git-ignored), regenerated when
# the arguments below change:
#   utf8/     huifang gen --seed 1 --weeks 50 --tickets-per-week 9000:
#             1,009,979 CSV rows (627,713 ticket rows, 382,266 callback
#             rows, headers excluded), 216 MB of UTF-8 - issue 3's
#             "1 million rows"; see docs/bench.md for why not 265 MB
#   gb18030/  the same with --encoding gb18030 (the same data, re-encoded)
#   week/     huifang gen --seed 1 --weeks 2 --tickets-per-week 20000:
#             report week 2026-W47 holds a full 20,000-ticket week
# $BENCH_INPUT replaces utf8/ (and then its iconv copy replaces gb18030/);
# $BENCH_RUNS (default 5) is the number of timed runs; $BENCH_COMPARE, the
# path of another huifang binary (an older build), adds its ingest times.
#
# Measured, each the median of the timed runs after one warm-up (wall clock):
#   ingest.txt  bench/bare_csv (a bare libcsv parse that only counts
#               fields: the baseline), huifang ingest on utf8/ and on
#               gb18030/, iconv of utf8/ to GB18030, ingest's peak memory
#               (GNU time's maximum resident set size), ingest on one
#               thread (ingest.threads 1), bench/reader_only (huifang's
#               CSV reader with no row work, on ingest's threads: the
#               floor of ingest); and the ingest and
#               metrics stage times of huifang run on utf8/ (run.json's
#               timings_seconds), for issue 4's "metrics over 1 M tickets
#               adds at most 15 % to ingest".
#   week.txt    each stage's time of huifang run on week/ (run.json), for
#               issues 6 and 7: all PDFs of a 20,000-ticket week < 3 s,
#               the whole site < 1 s.
# Targets (issue 3): ingest <= 1.3 x bare parse; peak memory < 250 MB;
# GB18030 adds no more than the iconv conversion costs.
# usage: sh bench/run.sh BUILD_DIR
set -eu
build=${1:-build}
cd "$(dirname "$0")/.."
huifang=$build/huifang
runs=${BENCH_RUNS:-5}
as_of='2026-11-26 08:00:00'
big_args='--seed 1 --weeks 50 --tickets-per-week 9000'
week_args='--seed 1 --weeks 2 --tickets-per-week 20000'

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
mkdir -p "$data" bench/results "$build/bench"

# gen_once DIR ARGS...: DIR holds the output of 'huifang gen ARGS' (the
# arguments are remembered in DIR/.generated).
gen_once() {
	dir=$1
	shift
	if [ "$(cat "$dir/.generated" 2>/dev/null)" != "$*" ]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		echo "bench: huifang gen $* --out $dir"
		# shellcheck disable=SC2068
		if ! "$huifang" gen $@ --out "$dir" >/dev/null; then
			echo "bench: 'huifang gen' failed; set BENCH_INPUT to a folder of exports" >&2
			exit 1
		fi
		echo "$*" >"$dir/.generated"
	fi
}

if [ -n "${BENCH_INPUT:-}" ]; then
	utf8=$BENCH_INPUT
	gb=$data/gb18030-of-input
	mkdir -p "$gb"
	rm -f "$gb"/*.csv
	for f in $(ls "$utf8" | grep -iE '\.csv$' | LC_ALL=C sort); do
		# The BOM says UTF-8: leave it out of the GB18030 copy.
		sed '1s/^\xEF\xBB\xBF//' "$utf8/$f" | iconv -f UTF-8 -t GB18030 >"$gb/$f"
	done
else
	utf8=$data/utf8
	gb=$data/gb18030
	gen_once "$utf8" $big_args
	gen_once "$gb" $big_args --encoding gb18030
fi
week=$data/week
gen_once "$week" $week_args

files=$(ls "$utf8" | grep -iE '\.csv$' | LC_ALL=C sort)
[ -n "$files" ] || { echo "bench: no CSV exports in $utf8" >&2; exit 1; }
cc -O2 -o "$build/bench/bare_csv" bench/bare_csv.c -lcsv
# huifang's own reader alone, on ingest's threads: the floor of ingest.
cc -O2 -Ipipeline -o "$build/bench/reader_only" bench/reader_only.c \
	"$build/libhuifang.a" -lcsv -lm -pthread
threads=$(nproc)
[ "$threads" -le 8 ] || threads=8
# The same config, read on one thread, for the single-thread figure.
sed 's/"threads": 0/"threads": 1/' config/huifang.json >"$build/bench/one-thread.json"

# measure CMD...: one warm-up, then $runs timed runs; prints "median_s
# max_kb median_cpu_s" (CPU = user + system, which other work on a shared
# machine moves less than the wall clock).
measure() {
	"$@" >/dev/null 2>&1
	: >"$build/bench/times"
	i=0
	while [ $i -lt $runs ]; do
		/usr/bin/time -f "%e %M %U %S" -o "$build/bench/one" "$@" >/dev/null 2>&1
		cat "$build/bench/one" >>"$build/bench/times"
		i=$((i + 1))
	done
	awk -v n=$runs '
		{ t[NR] = $1; c[NR] = $3 + $4; if ($2 > m) m = $2 }
		END {
			for (a = 1; a <= n; a++)
				for (b = a + 1; b <= n; b++) {
					if (t[b] < t[a]) { x = t[a]; t[a] = t[b]; t[b] = x }
					if (c[b] < c[a]) { x = c[a]; c[a] = c[b]; c[b] = x }
				}
			k = int((n + 1) / 2)
			printf "%s %d %.2f\n", t[k], m, c[k]
		}' "$build/bench/times"
}

utf8_paths=$(for f in $files; do printf '%s ' "$utf8/$f"; done)
rows=$("$build/bench/bare_csv" $utf8_paths)
size=$(cat $utf8_paths | wc -c)
echo "bench: $rows in $size bytes; $runs runs each after a warm-up"

# stages NAME ARGS...: one warm-up, then $runs runs of 'huifang run ARGS';
# prints the median of each stage's time as run.json gives it: "ingest
# metrics sample render_pdf render_html total" in seconds. Every run
# writes a new, empty folder, $runs_dir/NAME.0 (the warm-up) to NAME.$runs:
# a run with --force over an issued week keeps the old one as a revision,
# which the site copies and links, so the site would grow by some 40 files
# a run and the runs would not be alike. Nothing is deleted near the
# clock: on an ext4 without a journal (as on the bench machine) a file
# created within a minute of deleting a thousand others makes the kernel
# step over each recently freed inode, and an rm -rf before each run put
# a quarter of the week's time into ext4_create. $runs_dir is emptied
# before the ingest measurements (over a minute before the first of these
# runs) and after the last.
stages() {
	sname=$1
	shift
	"$huifang" run "$@" --output "$runs_dir/$sname.0" >/dev/null 2>&1
	: >"$build/bench/stages"
	i=1
	while [ $i -le $runs ]; do
		"$huifang" run "$@" --output "$runs_dir/$sname.$i" >/dev/null 2>&1 || {
			echo "bench: huifang run $* failed" >&2
			exit 1
		}
		grep -o '"timings_seconds": {[^}]*}' "$runs_dir/$sname.$i/run.json" |
			sed 's/[^0-9. ]//g' >>"$build/bench/stages"
		i=$((i + 1))
	done
	awk -v n=$runs '{ for (c = 1; c <= NF; c++) v[c, NR] = $c; nf = NF }
		END {
			for (c = 1; c <= nf; c++) {
				for (a = 1; a <= n; a++) x[a] = v[c, a]
				for (a = 1; a <= n; a++)
					for (b = a + 1; b <= n; b++)
						if (x[b] < x[a]) { t = x[a]; x[a] = x[b]; x[b] = t }
				printf "%.3f%s", x[int((n + 1) / 2)], c < nf ? " " : "\n"
			}
		}' "$build/bench/stages"
}

# The timed runs' folders (see stages()); an interrupted bench leaves them.
runs_dir=$data/runs
rm -rf "$runs_dir"
mkdir -p "$runs_dir"

# Other work on a shared machine moves wall-clock times: say how busy it was.
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
out=$data/out
# shellcheck disable=SC2086
set -- $(measure "$build/bench/bare_csv" $utf8_paths); bare=$1; bare_cpu=$3
set -- $(measure "$huifang" ingest --input "$utf8" --output "$out" --quiet)
ingest=$1; ingest_kb=$2; ingest_cpu=$3
set -- $(measure "$huifang" ingest --input "$gb" --output "$out" --quiet)
ingest_gb=$1; ingest_gb_kb=$2; ingest_gb_cpu=$3
set -- $(measure "$huifang" ingest --input "$utf8" --output "$out" --quiet \
	--config "$build/bench/one-thread.json")
ingest_1=$1; ingest_1_cpu=$3
# shellcheck disable=SC2086
set -- $(measure "$build/bench/reader_only" "$threads" $utf8_paths)
reader=$1; reader_cpu=$3
if [ -n "${BENCH_COMPARE:-}" ]; then
	# Builds before ingest.threads refuse the key: give them the config
	# without it.
	sed -e 's/"encoding": null,/"encoding": null/' -e '/"threads": 0/d' \
		config/huifang.json >"$build/bench/compare.json"
	set -- $(measure "$BENCH_COMPARE" ingest --input "$utf8" --output "$out" \
		--quiet --config "$build/bench/compare.json")
	cmp=$1; cmp_kb=$2; cmp_cpu=$3
	set -- $(measure "$BENCH_COMPARE" ingest --input "$gb" --output "$out" \
		--quiet --config "$build/bench/compare.json")
	cmp_gb=$1; cmp_gb_cpu=$3
fi
# shellcheck disable=SC2086
set -- $(measure sh -c "cat $utf8_paths | iconv -f UTF-8 -t GB18030 >/dev/null")
conv=$1
set -- $(stages big --input "$utf8" --as-of "$as_of" --week 2026-W47 \
	--force --quiet)
big_ingest=$1; big_metrics=$2

result=bench/results/ingest.txt
{
	echo "huifang ingest benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m))"
	echo "input: $size bytes of UTF-8 CSV, $rows (bare_csv count, headers included)"
	[ -n "${BENCH_INPUT:-}" ] || echo "data: huifang gen $big_args"
	echo "median of $runs runs after a warm-up, wall clock; load average before: $load"
	echo
	echo "                         wall     CPU (user + sys)"
	echo "bare libcsv parse        $bare s   $bare_cpu s"
	echo "huifang ingest (UTF-8)   $ingest s   $ingest_cpu s   peak $((ingest_kb / 1024)) MB"
	echo "huifang ingest (GB18030) $ingest_gb s   $ingest_gb_cpu s   peak $((ingest_gb_kb / 1024)) MB"
	echo "huifang ingest, 1 thread $ingest_1 s   $ingest_1_cpu s"
	printf '%-25s%s s   %s s   (bench/reader_only: csvread.h, no row work)\n' \
		"reader alone, $threads threads" "$reader" "$reader_cpu"
	if [ -n "${BENCH_COMPARE:-}" ]; then
		echo "BENCH_COMPARE (UTF-8)    $cmp s   $cmp_cpu s   peak $((cmp_kb / 1024)) MB"
		echo "BENCH_COMPARE (GB18030)  $cmp_gb s   $cmp_gb_cpu s"
	fi
	echo "iconv UTF-8 -> GB18030   $conv s"
	echo "huifang run: ingest stage $big_ingest s, metrics stage $big_metrics s (run.json)"
	echo
	awk -v a="$ingest" -v b="$bare" -v g="$ingest_gb" -v c="$conv" -v r="$reader" -v one="$ingest_1" \
	    -v kb="$ingest_kb" -v ac="$ingest_cpu" -v bc="$bare_cpu" -v ri="$big_ingest" -v rm="$big_metrics" 'BEGIN {
		q = a / b
		printf "ingest / bare parse      %.2f (target <= 1.30: %s); in CPU time %.2f\n", q, q <= 1.3 ? "met" : "NOT met", ac / bc
		printf "  on one thread          %.2f; the reader alone %.2f\n", one / b, r / b
		printf "peak memory              %d MB (target < 250: %s)\n", kb / 1024, kb / 1024 < 250 ? "met" : "NOT met"
		printf "GB18030 extra            %.2f s against iconv %.2f s (target: %s)\n", g - a, c, g - a <= c ? "met" : "NOT met"
		m = rm / ri
		printf "metrics / ingest         %.3f (issue 4 target <= 0.15: %s)\n", m, m <= 0.15 ? "met" : "NOT met"
	}'
} >"$result"
cat "$result"

# A 20,000-ticket week: every stage of huifang run, from run.json.
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
set -- $(stages week --input "$week" --as-of "$as_of" \
	--week 2026-W47 --force --quiet)
w_ingest=$1; w_metrics=$2; w_sample=$3; w_pdf=$4; w_html=$5; w_total=$6
pdfs=$(ls "$runs_dir/week.$runs/weeks/2026-W47" | grep -c '\.pdf$' || true)
site_files=$(find "$runs_dir/week.$runs/site" -type f | wc -l)
# The same without a sync per file written (the tests' hook): what is
# huifang's work, apart from how long this machine's disk takes to sync.
set -- $(export HUIFANG_TEST_FSYNC=0; stages week-nosync \
	--input "$week" --as-of "$as_of" --week 2026-W47 --force --quiet)
n_pdf=$4; n_html=$5
rows_w47=$(awk 'NR > 1' "$week/tickets-2026-W47.csv" | wc -l)

result=bench/results/week.txt
{
	echo "huifang week benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m))"
	echo "data: huifang gen $week_args; report week 2026-W47"
	echo "($rows_w47 rows in tickets-2026-W47.csv, $pdfs PDFs)"
	echo "huifang run, median of $runs runs after a warm-up, stage times from run.json"
	echo "load average before: $load"
	echo
	echo "ingest       $w_ingest s"
	echo "metrics      $w_metrics s"
	echo "sample       $w_sample s"
	echo "render_pdf   $w_pdf s"
	echo "render_html  $w_html s"
	echo "total        $w_total s"
	echo "(the site: $site_files files; without a sync per file, render_pdf $n_pdf s, render_html $n_html s)"
	echo
	awk -v p="$w_pdf" -v h="$w_html" 'BEGIN {
		printf "all PDFs of the week     %.2f s (issue 6 target < 3 s: %s)\n", p, p < 3 ? "met" : "NOT met"
		printf "the whole site           %.2f s (issue 7 target < 1 s: %s)\n", h, h < 1 ? "met" : "NOT met"
	}'
} >"$result"
cat "$result"

# The timed runs' folders, after the clock (see stages()).
rm -rf "$runs_dir"
