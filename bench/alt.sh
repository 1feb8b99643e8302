#!/bin/sh
# bench/alt.sh: huifang beside sqlite3, pandas and DuckDB on one question
# (2026-W47 coverage and satisfaction by type and by butler), and beside
# the bare libcsv parse, the same rows as JSON Lines, and (with
# BENCH_XLSX=1) as .xlsx. Part of make bench; make bench-large runs it on
# ten million rows. Not a test: nothing fails when a target is missed.
#
# Each alternative's answer (eligible, called_back, rated and satisfied of
# every group) is compared with huifang's metrics.json before any of its
# times is used; a different answer stops the bench. Then $BENCH_RUNS
# rounds (default 5) after one warm-up round; within a round the tools run
# one after another in an order that rotates from round to round, so that
# the machine's load falls on all of them alike; the ratios are taken
# within each round (paired) and their median and range reported, with
# the medians of wall time, CPU time (user + sys) and peak memory.
# The load average is written beside every round.
#
# usage: sh bench/alt.sh BUILD_DIR DATA_DIR TAG [GEN_ARGS]
#   DATA_DIR/utf8 holds the CSV exports, made by 'huifang gen GEN_ARGS'
#   when given and not made with them already; TAG names the result file
#   bench/results/alt-TAG.txt.
set -eu
build=$1
data=$2
tag=$3
cd "$(dirname "$0")/.."
huifang=$build/huifang
runs=${BENCH_RUNS:-5}
as_of='2026-11-26 08:00:00'
week=2026-W47
work=$build/bench/alt-$tag
py=/usr/bin/python3
mkdir -p "$work" bench/results

for tool in sqlite3 node npm $py; do
	command -v $tool >/dev/null 2>&1 || {
		echo "bench: needs $tool (sh scripts/deps.sh bench installs it)" >&2
		exit 1
	}
done
$py -c 'import pandas' 2>/dev/null || {
	echo "bench: needs pandas (Debian python3-pandas; sh scripts/deps.sh bench)" >&2
	exit 1
}
# DuckDB from npm into a folder of its own, once; never by make test.
duck=$build/bench/duckdb
if [ ! -d "$duck/node_modules/@duckdb/node-api" ]; then
	echo "bench: npm install @duckdb/node-api into $duck"
	mkdir -p "$duck"
	(cd "$duck" && npm install --no-audit --no-fund --silent @duckdb/node-api >/dev/null)
fi

csv=$data/utf8
if [ -n "${4:-}" ] && [ "$(cat "$csv/.generated" 2>/dev/null)" != "$4" ]; then
	echo "bench: huifang gen $4 --out $csv"
	rm -rf "$csv"
	# shellcheck disable=SC2086
	"$huifang" gen $4 --out "$csv" >/dev/null
	echo "$4" >"$csv/.generated"
fi
jsonl=$data/jsonl
# fresh DIR: DIR was made from the CSV exports as they are now.
fresh() {
	[ -f "$1/.generated" ] && [ "$(cat "$1/.generated")" = "$(cat "$csv/.generated" 2>/dev/null)" ]
}
if ! fresh "$jsonl"; then
	echo "bench: JSON Lines copy of $csv"
	rm -rf "$jsonl"
	$py bench/alt/csv2jsonl.py "$csv" "$jsonl"
	cp "$csv/.generated" "$jsonl/.generated"
fi
if [ "${BENCH_XLSX:-0}" = 1 ]; then
	xlsx=$data/xlsx
	cc -O2 -o "$build/bench/csv2xlsx" bench/csv2xlsx.c -lcsv -lxlsxwriter
	if ! fresh "$xlsx"; then
		echo "bench: .xlsx copy of $csv"
		rm -rf "$xlsx"
		mkdir -p "$xlsx"
		for f in "$csv"/*.csv; do
			b=$(basename "$f" .csv)
			"$build/bench/csv2xlsx" "$f" "$xlsx/$b.xlsx"
		done
		cat "$csv/.generated" >"$xlsx/.generated" 2>/dev/null || echo '?' >"$xlsx/.generated"
	fi
fi
cc -O2 -o "$build/bench/bare_csv" bench/bare_csv.c -lcsv
files=$(ls "$csv" | grep -iE '\.csv$' | LC_ALL=C sort | sed "s|^|$csv/|")
size=$(cat $files | wc -c)
nfiles=$(echo "$files" | wc -l)
rows=$("$build/bench/bare_csv" $files | awk -v n="$nfiles" '{ print $1 - n }')
$py bench/alt/w47_sql.py sqlite "$csv" >"$work/sqlite.sql"
$py bench/alt/w47_sql.py duckdb "$csv" >"$work/duckdb.sql"

# The commands, one a line: NAME<TAB>shell command printing the answer
# (or nothing, for the ingest-only figures).
hf_week="--output $work/out-NAME --as-of '$as_of' --week $week --force --quiet"
hfq() { # hfq NAME INPUT: huifang ingest + metrics + sample
	o=$work/out-$1
	echo "$huifang ingest --input $2 --output $o --quiet &&" \
		"$huifang metrics $(echo "$hf_week" | sed "s|NAME|$1|") &&" \
		"$huifang sample $(echo "$hf_week" | sed "s|NAME|$1|")"
}
{
	printf 'huifang\t%s\n' "$(hfq csv "$csv")"
	printf 'sqlite3\tsqlite3 :memory: <%s\n' "$work/sqlite.sql"
	printf 'pandas\t%s bench/alt/w47.py %s\n' "$py" "$csv"
	printf 'duckdb\tnode bench/alt/duckdb.js %s %s\n' "$duck" "$work/duckdb.sql"
	printf 'huifang_jsonl\t%s\n' "$(hfq jsonl "$jsonl")"
	printf 'ingest_csv\t%s ingest --input %s --output %s/out-i --quiet\n' "$huifang" "$csv" "$work"
	printf 'ingest_jsonl\t%s ingest --input %s --output %s/out-i --quiet\n' "$huifang" "$jsonl" "$work"
	printf 'bare_libcsv\t%s %s >/dev/null\n' "$build/bench/bare_csv" "$(echo $files)"
	[ "${BENCH_XLSX:-0}" != 1 ] ||
		printf 'ingest_xlsx\t%s ingest --input %s --output %s/out-x --quiet\n' "$huifang" "$xlsx" "$work"
} >"$work/commands"
names=$(cut -f1 "$work/commands")
count=$(echo "$names" | wc -l)

# run ROUND NAME: one timed run; appends "round name wall cpu kb load".
run() {
	cmd=$(awk -F '\t' -v n="$2" '$1 == n { print $2 }' "$work/commands")
	load=$(cut -d' ' -f1 /proc/loadavg)
	/usr/bin/time -f '%e %U %S %M' -o "$work/t" sh -c "$cmd" >"$work/answer-$2" 2>"$work/err-$2" || {
		echo "bench: $2 failed:" >&2
		tail -5 "$work/err-$2" >&2
		exit 1
	}
	read -r wall user sys kb <"$work/t"
	# huifang's answer is read from its metrics.json after the clock.
	case $2 in
	huifang) $py bench/alt/answer.py "$work/out-csv/weeks/$week/metrics.json" >"$work/answer-$2" ;;
	huifang_jsonl) $py bench/alt/answer.py "$work/out-jsonl/weeks/$week/metrics.json" >"$work/answer-$2" ;;
	esac
	echo "$1 $2 $wall $(echo "$user $sys" | awk '{ printf "%.2f", $1 + $2 }') $kb $load" >>"$work/times"
}

# BENCH_SUMMARY_ONLY=1: print the table again from the last run's times
# (the rounds it completed), running nothing.
if [ "${BENCH_SUMMARY_ONLY:-0}" = 1 ]; then
	groups=$(wc -l <"$work/expected" 2>/dev/null || echo '?')
	# The rounds every command finished; with none, the warm-up alone.
	runs=$(awk -v c="$count" '{ n[$1]++ }
		END { r = 0; for (k in n) if (k > 0 && n[k] == c && k + 0 > r) r = k + 0; print r }' "$work/times")
	if [ "$runs" -eq 0 ]; then
		echo "bench: no round finished after the warm-up; the warm-up's times follow" >&2
		awk '$1 == 0 { $1 = 1; print }' "$work/times" >"$work/times.warm"
		mv "$work/times.warm" "$work/times"
		runs=1
	fi
else
# The warm-up round, which also checks every answer against huifang's.
: >"$work/times"
for n in $names; do
	run 0 "$n"
done
LC_ALL=C sort "$work/answer-huifang" >"$work/expected"
groups=$(wc -l <"$work/expected")
[ "$groups" -gt 0 ] || { echo "bench: huifang gave no answer" >&2; exit 1; }
for n in sqlite3 pandas duckdb huifang_jsonl; do
	if ! LC_ALL=C sort "$work/answer-$n" | cmp -s - "$work/expected"; then
		echo "bench: $n's answer differs from huifang's:" >&2
		LC_ALL=C sort "$work/answer-$n" | diff "$work/expected" - | head >&2
		exit 1
	fi
done
# The .xlsx copy's answer too: metrics (untimed) over what its ingest
# read in the warm-up.
if [ "${BENCH_XLSX:-0}" = 1 ]; then
	eval "$huifang metrics $(echo "$hf_week" | sed "s|NAME|x|")" || {
		echo "bench: metrics over the .xlsx ingest failed" >&2
		exit 1
	}
	if ! $py bench/alt/answer.py "$work/out-x/weeks/$week/metrics.json" |
		LC_ALL=C sort | cmp -s - "$work/expected"; then
		echo "bench: the .xlsx copy's answer differs from the CSV files':" >&2
		$py bench/alt/answer.py "$work/out-x/weeks/$week/metrics.json" |
			LC_ALL=C sort | diff "$work/expected" - | head >&2
		exit 1
	fi
fi
echo "bench: every answer equal to huifang's ($groups groups); $runs rounds"

r=1
while [ $r -le $runs ]; do
	# Rotate the order: round r starts with the r-th command.
	for n in $(echo "$names" | awk -v r=$r -v c=$count '{ a[NR] = $0 }
		END { for (i = 0; i < c; i++) print a[(r - 1 + i) % c + 1] }'); do
		run $r "$n"
	done
	r=$((r + 1))
done
fi

result=bench/results/alt-$tag.txt
# summarize FORMAT: the table from the times, as text (the result file)
# or as Markdown (docs/bench.md). Each ratio with issue 20's target where
# it sets one, and whether the median in wall time meets it.
summarize() {
	awk -v runs=$runs -v fmt="$1" -v ROWS="$rows" '
	function med(v, n,   i, j, x) {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
			if (v[j] < v[i]) { x = v[i]; v[i] = v[j]; v[j] = x }
		return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	}
	function range(v, n,   i, lo, hi) {
		lo = hi = v[1]
		for (i = 2; i <= n; i++) { if (v[i] < lo) lo = v[i]; if (v[i] > hi) hi = v[i] }
		return sprintf("%.2f-%.2f", lo, hi)
	}
	function verdict(x, limit) {
		if (limit == "") return ""
		# "< 1" for DuckDB (faster than it), "<=" for the others
		if (limit == "1") return x < 1 ? "met" : "NOT met"
		return x <= limit + 0 ? "met" : "NOT met"
	}
	$1 > 0 { wall[$2, $1] = $3; cpu[$2, $1] = $4; kb[$2, $1] = $5; load[$1] = load[$1] " " $6
		if (!($2 in seen)) { seen[$2] = 1; order[++k] = $2 } }
	END {
		if (fmt == "md") {
			print "| | wall s (median) | wall s (range) | CPU s | peak MB |"
			print "| --- | --- | --- | --- | --- |"
		} else {
			printf "%-14s %9s %9s %9s %13s\n", "", "wall s", "CPU s", "peak MB", "wall range"
		}
		for (i = 1; i <= k; i++) {
			n = order[i]
			for (r = 1; r <= runs; r++) { w[r] = wall[n, r]; c[r] = cpu[n, r]; m[r] = kb[n, r] / 1024 }
			if (fmt == "md")
				printf "| %s | %.2f | %s | %.2f | %.0f |\n", n, med(w, runs), range(w, runs), med(c, runs), med(m, runs)
			else
				printf "%-14s %9.2f %9.2f %9.0f %13s\n", n, med(w, runs), med(c, runs), med(m, runs), range(w, runs)
		}
		print ""
		if (fmt == "md") {
			print "| paired ratio | wall (median) | wall (range) | CPU (median) | issue 20 target | wall median |"
			print "| --- | --- | --- | --- | --- | --- |"
		} else {
			print "paired ratios (within each round): median, range, and in CPU time;"
			print "issue 20 target where it sets one, and whether the wall median meets it"
		}
		np = split("huifang/sqlite3 huifang/pandas huifang/duckdb huifang/bare_libcsv ingest_csv/bare_libcsv ingest_jsonl/ingest_csv huifang_jsonl/huifang ingest_xlsx/ingest_csv", pair, " ")
		target["huifang/duckdb"] = "1"
		target["huifang/bare_libcsv"] = "1.5"
		target["ingest_jsonl/ingest_csv"] = "1.5"
		target["ingest_xlsx/ingest_csv"] = "3"
		for (p = 1; p <= np; p++) {
			split(pair[p], ab, "/")
			if (!((ab[1], 1) in wall) || !((ab[2], 1) in wall)) continue
			for (r = 1; r <= runs; r++) {
				q[r] = wall[ab[1], r] / wall[ab[2], r]
				qc[r] = cpu[ab[1], r] / cpu[ab[2], r]
			}
			t = target[pair[p]]
			x = med(q, runs)
			if (fmt == "md")
				printf "| %s | %.2f | %s | %.2f | %s | %s |\n", pair[p], x, range(q, runs), med(qc, runs), t == "" ? "" : (t == "1" ? "< 1" : "<= " t), verdict(x, t)
			else
				printf "%-26s %6.2f  (%s)  CPU %.2f%s\n", pair[p], x, range(q, runs), med(qc, runs), t == "" ? "" : sprintf("   target %s %s: %s", t == "1" ? "<" : "<=", t, verdict(x, t))
		}
		for (r = 1; r <= runs; r++) { w[r] = kb["ingest_csv", r] * 1024 }
		b = med(w, runs) / ROWS
		# The target is at 10M rows: with fewer, the fixed part of the
		# process (code, stacks, buffers) weighs more: no verdict.
		mv = ROWS >= 10000000 ? verdict(b, 150) : "the target is at 10M (make bench-large)"
		if (fmt == "md") {
			printf "| ingest peak memory, bytes a row | %.0f | | | <= 150 (at 10M) | %s |\n", b, mv
			print ""
			printf "Load average (1 min) at each run, by round:"
			for (r = 1; r <= runs; r++) printf " %d:%s;", r, load[r]
			print ""
		} else {
			printf "\ningest peak memory: %.0f bytes a row   target <= 150 (at 10M): %s\n", b, mv
			print "\nload average (1 min) during each round:"
			for (r = 1; r <= runs; r++) print "  round " r ":" load[r]
		}
	}' "$work/times"
}
{
	echo "huifang beside the alternatives ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m))"
	echo "data: $csv ($(cat "$csv/.generated")), $rows rows, $size bytes of CSV"
	echo "question: $week coverage and satisfaction by type and by butler (as of $as_of);"
	echo "every answer checked equal to huifang's metrics.json: $groups groups"
	echo "$runs rounds after a warm-up, order rotating; load average (1 min) at each run"
	echo "in alt-$tag-times.txt (round, name, wall s, CPU s, peak KB, load)"
	echo
	summarize text
} >"$result"
# The raw times beside the table: round, name, wall, CPU, peak KB, load.
cp "$work/times" "bench/results/alt-$tag-times.txt"
cat "$result"

# The same table in docs/bench.md, between its markers for this tag.
doc=docs/bench.md
begin="<!-- make bench: alt-$tag begin -->"
end="<!-- make bench: alt-$tag end -->"
if grep -qF "$begin" "$doc" && grep -qF "$end" "$doc"; then
	{
		echo "$begin"
		echo
		echo "Written by \`make bench\` ($(date -u +%Y-%m-%d), commit" \
			"$(git rev-parse --short HEAD 2>/dev/null || echo '?')," \
			"$(nproc) cores): $rows rows ($(cat "$csv/.generated")), $runs rounds" \
			"after a warm-up; every answer checked equal to huifang's" \
			"over $groups groups. Raw times: \`bench/results/alt-$tag-times.txt\`."
		echo
		summarize md
		echo
		echo "$end"
	} >"$work/table.md"
	awk -v b="$begin" -v e="$end" -v f="$work/table.md" '
		$0 == b { while ((getline l < f) > 0) print l; skip = 1; next }
		$0 == e { skip = 0; next }
		!skip' "$doc" >"$work/bench.md" && cp "$work/bench.md" "$doc"
	echo "bench: the table is in $doc"
else
	echo "bench: no markers for alt-$tag in $doc; the table is in $result only" >&2
fi
