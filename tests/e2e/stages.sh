#!/bin/sh
# End to end: the stage commands, and 'huifang run' at its edges.
#
# 1. ingest; metrics; sample; render over the bundled sample writes, byte
#    for byte, what one 'huifang run' of the same week writes (every file
#    but run.json, the issued mark and the site included).
# 2. Each stage alone: --help, the exit status when the artifact it reads
#    is missing, options it does not read, an issued week kept unless
#    --force, and a rewrite that keeps the week's other files.
# 3. 'huifang run' with a future week, a week without data, an empty input
#    folder, a bad --as-of, a bad config and --strict with rejects.
# usage: tests/e2e/stages.sh BUILD_DIR
set -u
build=${1:-build}
hf=$build/huifang
jget=$build/tests/tools/jget
cfg=config/huifang.json
asof='2026-11-26 08:00:00'
week=2026-W47
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

fail() {
	echo "FAIL: $*"
	failed=1
}

# status WANT CMD...: runs CMD, output into $tmp/out, checks its exit status.
status() {
	want=$1
	shift
	"$@" >"$tmp/out" 2>&1
	got=$?
	[ "$got" -eq "$want" ] || {
		fail "'$*' exited $got, not $want"
		sed 's/^/    /' "$tmp/out" | head -n 10
	}
}

# same_tree A B: the two folders hold the same files, byte for byte,
# run.json aside.
same_tree() {
	if ! diff -r -x run.json "$1" "$2" >"$tmp/diff" 2>&1; then
		fail "$2 differs from $1"
		head -n 20 "$tmp/diff"
	fi
}

# --- 1. the stages in turn equal one run -------------------------------
status 0 "$hf" run --input input --output "$tmp/run" --config "$cfg" \
	--as-of "$asof" --week $week --quiet
status 0 "$hf" ingest --input input --output "$tmp/st" --config "$cfg"
status 0 "$hf" metrics --output "$tmp/st" --config "$cfg" --as-of "$asof" \
	--week $week
grep -q "^huifang metrics: $week, 7569 rows = 4517 accepted + 21 rejected + 3031 superseded" "$tmp/out" ||
	fail "metrics summary line: $(cat "$tmp/out")"
w=$tmp/st/weeks/$week
[ -f "$w/metrics.json" ] && [ -f "$w/records.json" ] ||
	fail "metrics wrote no metrics.json and records.json"
[ -e "$w/samples.json" ] && fail "metrics wrote samples.json"
[ -e "$w/.issued" ] && fail "metrics alone marked the week issued"
status 0 "$hf" sample --output "$tmp/st" --config "$cfg" --as-of "$asof" \
	--week $week
[ -f "$w/samples.json" ] && [ -f "$w/抽查表-cs_supervisor.csv" ] ||
	fail "sample wrote no samples.json and audit CSVs"
[ -f "$w/metrics.json" ] || fail "sample lost metrics.json"
ls "$w"/*.pdf >/dev/null 2>&1 && fail "sample drew PDFs"
status 0 "$hf" render --output "$tmp/st" --config "$cfg" --week $week
grep -q "^huifang render: $week issued" "$tmp/out" ||
	fail "render summary line: $(cat "$tmp/out")"
same_tree "$tmp/run" "$tmp/st"

# --- 2. each stage alone -----------------------------------------------
for c in metrics sample render; do
	"$hf" $c --help >"$tmp/help" 2>&1 || fail "$c --help exited $?"
	head -n 1 "$tmp/help" | grep -q "^usage: huifang $c " ||
		fail "$c --help prints no usage line"
	grep -q '^exit status: ' "$tmp/help" || fail "$c --help lists no exit status"
	status 64 "$hf" $c --output "$tmp/none" --config "$cfg" --bogus
	status 64 "$hf" $c --output "$tmp/none" --config "$cfg" --week 2026-W60
	status 78 "$hf" $c --output "$tmp/none" --config "$tmp/missing.json"
done
# Options a stage does not read are refused, not ignored.
status 64 "$hf" metrics --input input --output "$tmp/st" --config "$cfg"
status 64 "$hf" sample --encoding=gb18030 --output "$tmp/st" --config "$cfg"
status 64 "$hf" render --seed x --output "$tmp/st" --config "$cfg"
# Without the artifact a stage reads: 66, and a hint at the step before.
status 66 "$hf" metrics --output "$tmp/none" --config "$cfg" --as-of "$asof"
grep -q "run 'huifang ingest" "$tmp/out" || fail "metrics gives no hint: $(cat "$tmp/out")"
status 66 "$hf" sample --output "$tmp/none" --config "$cfg" --as-of "$asof"
status 66 "$hf" render --output "$tmp/st" --config "$cfg" --week 2026-W40
grep -q "run 'huifang metrics" "$tmp/out" || fail "render gives no hint: $(cat "$tmp/out")"
[ -e "$tmp/st/weeks/2026-W40" ] && fail "a failed render left a week folder"

# A broken artifact is no input either, and names the file and record:
# tickets.bin cut short, and (in a second copy) the high byte of the first
# ticket's first string length set, 48 + 42 + 3 bytes in (docs/ingest.md).
cp -r "$tmp/st" "$tmp/broken"
cp -r "$tmp/st" "$tmp/flipped"
bin=$tmp/broken/records/tickets.bin
head -c $(($(wc -c <"$bin") - 7)) "$bin" >"$tmp/cut" && mv "$tmp/cut" "$bin"
status 66 "$hf" metrics --output "$tmp/broken" --config "$cfg" --as-of "$asof"
grep -q 'records/tickets.bin: error: record [0-9]* (byte offset [0-9]*): truncated' \
	"$tmp/out" || fail "a cut tickets.bin is not named: $(cat "$tmp/out")"
printf '\377' | dd of="$tmp/flipped/records/tickets.bin" bs=1 seek=93 \
	conv=notrunc 2>/dev/null
status 66 "$hf" metrics --output "$tmp/flipped" --config "$cfg" --as-of "$asof"
grep -q "records/tickets.bin: error: record 0 (byte offset 48): string 'id'" \
	"$tmp/out" || fail "a bad length in tickets.bin is not named: $(cat "$tmp/out")"
echo '{' >"$tmp/broken/weeks/$week/metrics.json"
status 66 "$hf" render --output "$tmp/broken" --config "$cfg" --week $week --force
grep -q "weeks/$week/metrics.json: unreadable or not JSON" "$tmp/out" ||
	fail "render does not name the broken metrics.json: $(cat "$tmp/out")"
# An output folder that cannot be written: 73; another run's lock: 75.
status 73 "$hf" metrics --output /dev/null/out --config "$cfg" --as-of "$asof"
if command -v flock >/dev/null 2>&1; then
	flock -n "$tmp/st/.huifang.lock" "$hf" sample --output "$tmp/st" \
		--config "$cfg" --as-of "$asof" --week $week --force >"$tmp/out" 2>&1
	[ $? -eq 75 ] || fail "sample under another run's lock did not exit 75"
	flock -n "$tmp/st/.huifang.lock" "$hf" ingest --input input \
		--output "$tmp/st" --config "$cfg" >"$tmp/out" 2>&1
	[ $? -eq 75 ] || fail "ingest under another run's lock did not exit 75"
	grep -q 'holds' "$tmp/out" || fail "ingest does not name the lock holder"
fi

# An issued week is kept by every stage without --force.
cp "$w/metrics.json" "$tmp/metrics.first"
for c in metrics sample render; do
	status 0 "$hf" $c --output "$tmp/st" --config "$cfg" --as-of "$asof" \
		--week $week
	grep -q 'is kept' "$tmp/out" || fail "$c rewrote an issued week"
done
# --force rewrites metrics only: the same bytes, the PDFs stay, and the
# week is no longer issued until it is rendered again.
status 0 "$hf" metrics --output "$tmp/st" --config "$cfg" --as-of "$asof" \
	--week $week --force
cmp -s "$w/metrics.json" "$tmp/metrics.first" || fail "metrics --force changed metrics.json"
[ -f "$w/周报-$week.pdf" ] || fail "metrics --force lost the weekly PDF"
[ -f "$w/samples.json" ] || fail "metrics --force lost samples.json"
[ -e "$w/.issued" ] && fail "metrics --force left the issued mark"
status 0 "$hf" render --output "$tmp/st" --config "$cfg" --week $week
same_tree "$tmp/run" "$tmp/st"
# A different seed changes samples.json, and nothing else of the week.
cp -r "$w" "$tmp/w.before"
status 0 "$hf" sample --output "$tmp/st" --config "$cfg" --as-of "$asof" \
	--week $week --seed other --force
cmp -s "$w/samples.json" "$tmp/w.before/samples.json" &&
	fail "another seed drew the same samples.json"
[ "$($jget "$w/samples.json" seed)" = other ] || fail "samples.json does not record the seed"
cmp -s "$w/metrics.json" "$tmp/w.before/metrics.json" || fail "sample changed metrics.json"
cmp -s "$w/周报-$week.pdf" "$tmp/w.before/周报-$week.pdf" || fail "sample changed the PDF"

# The default week and its provisional flag at the week's edges (SPEC
# §8.12, §9.26): at Monday 00:00 the week that just ended is the default,
# still provisional until its issue_at (Thursday 00:00 with 48 h SLAs and
# 24 h grace), issued from that instant; a second before Monday it is not
# over, and the default is the week before.
mkdir "$tmp/edge-st"
cp -r "$tmp/st/records" "$tmp/edge-st/"
status 0 "$hf" metrics --output "$tmp/edge-st" --config "$cfg" \
	--as-of '2026-11-23 00:00:00'
grep -q "^huifang metrics: 2026-W47 (provisional), " "$tmp/out" ||
	fail "as-of Monday 00:00: $(cat "$tmp/out")"
status 0 "$hf" metrics --output "$tmp/edge-st" --config "$cfg" \
	--as-of '2026-11-25 23:59:59' --week 2026-W47
grep -q "^huifang metrics: 2026-W47 (provisional), " "$tmp/out" ||
	fail "a second before issue_at: $(cat "$tmp/out")"
[ "$($jget "$tmp/edge-st/weeks/2026-W47/metrics.json" issue_at)" = \
	'2026-11-26 00:00:00' ] || fail "issue_at of 2026-W47"
status 0 "$hf" metrics --output "$tmp/edge-st" --config "$cfg" \
	--as-of '2026-11-26 00:00:00' --week 2026-W47
grep -q "^huifang metrics: 2026-W47, " "$tmp/out" ||
	fail "at issue_at: $(cat "$tmp/out")"
status 0 "$hf" metrics --output "$tmp/edge-st" --config "$cfg" \
	--as-of '2026-11-22 23:59:59'
grep -q "^huifang metrics: 2026-W46, " "$tmp/out" ||
	fail "as-of Sunday 23:59:59: $(cat "$tmp/out")"
status 0 "$hf" metrics --output "$tmp/edge-st" --config "$cfg" \
	--as-of '2026-11-22 23:59:59' --week 2026-W47
grep -q "^huifang metrics: 2026-W47 (provisional), " "$tmp/out" ||
	fail "2026-W47 at Sunday 23:59:59 is not provisional: $(cat "$tmp/out")"

# A provisional week rendered by the stages is not marked issued.
status 0 "$hf" metrics --output "$tmp/st" --config "$cfg" --as-of "$asof" \
	--week 2026-W48
[ "$($jget "$tmp/st/weeks/2026-W48/metrics.json" provisional)" = true ] ||
	fail "2026-W48 is not provisional at $asof"
status 0 "$hf" render --output "$tmp/st" --config "$cfg" --week 2026-W48
grep -q "2026-W48 provisional" "$tmp/out" || fail "render of 2026-W48: $(cat "$tmp/out")"
[ -e "$tmp/st/weeks/2026-W48/.issued" ] && fail "a provisional week was marked issued"
[ -f "$tmp/st/weeks/2026-W48/周报-2026-W48.pdf" ] || fail "no PDF for 2026-W48"
grep -q '2026-W48' "$tmp/st/site/index.html" || fail "the site does not list 2026-W48"

# --- 3. 'huifang run' at its edges ------------------------------------
# A week after as-of and a week before any data: valid reports with nulls.
for wk in 2027-W10 2020-W10; do
	status 0 "$hf" run --input input --output "$tmp/edge" --config "$cfg" \
		--as-of "$asof" --week $wk --quiet
	m=$tmp/edge/weeks/$wk/metrics.json
	[ "$($jget "$m" totals.eligible)" = 0 ] || fail "$wk: eligible not 0"
	[ "$($jget "$m" totals.coverage)" = null ] || fail "$wk: coverage not null"
	[ "$($jget "$m" totals.coverage_ci)" = null ] || fail "$wk: coverage_ci not null"
	[ "$($jget "$m" by_type#)" = 3 ] || fail "$wk: by_type does not list the three types"
	[ "$($jget "$m" 'by_type[0].meets_target')" = null ] || fail "$wk: meets_target not null"
	[ "$($jget "$m" by_center#)" = 0 ] || fail "$wk: by_center not empty"
	[ -f "$tmp/edge/weeks/$wk/周报-$wk.pdf" ] || fail "$wk: no weekly PDF"
	pdftotext "$tmp/edge/weeks/$wk/周报-$wk.pdf" - >/dev/null 2>&1 ||
		fail "$wk: the weekly PDF does not read"
done
[ "$($jget "$tmp/edge/weeks/2027-W10/metrics.json" provisional)" = true ] ||
	fail "a week after as-of is not provisional"
[ -e "$tmp/edge/weeks/2027-W10/.issued" ] && fail "a future week was issued"
[ -e "$tmp/edge/weeks/2020-W10/.issued" ] || fail "a past week without data was not issued"

mkdir "$tmp/empty"
status 66 "$hf" run --input "$tmp/empty" --output "$tmp/o66" --config "$cfg" \
	--as-of "$asof"
status 66 "$hf" run --input "$tmp/missing" --output "$tmp/o66" --config "$cfg" \
	--as-of "$asof"
[ -e "$tmp/o66/weeks" ] && fail "a run without input wrote week folders"
status 64 "$hf" run --input input --output "$tmp/o64" --config "$cfg" \
	--as-of 'yesterday'
status 64 "$hf" run --input input --output "$tmp/o64" --config "$cfg" \
	--as-of '2026-11-31 08:00:00'
[ -e "$tmp/o64" ] && fail "a usage error wrote output"
printf '{"no_such_key": 1}\n' >"$tmp/bad.json"
status 78 "$hf" run --input input --output "$tmp/o78" --config "$tmp/bad.json"
grep -q no_such_key "$tmp/out" || fail "the config error does not name the key"
status 78 "$hf" run --input input --output "$tmp/o78" --config "$tmp/missing.json"
[ -e "$tmp/o78" ] && fail "a config error wrote output"
status 65 "$hf" run --input input --output "$tmp/o65" --config "$cfg" \
	--as-of "$asof" --week $week --strict --quiet
same_tree "$tmp/run" "$tmp/o65"

# --- 4. the stage commands judge the gates on the ingest's counts ------
# An unsupported file beside the exports and a ticket file whose rows
# repeat one number: 'huifang metrics' over records/ must see what the
# ingest saw (issue 16), as 'run' does, and exit 65 for the due week.
mkdir "$tmp/gin"
cp input/*.csv "$tmp/gin/"
printf 'x' >"$tmp/gin/notes.docx"
{
	head -n 1 input/tickets-2026-W47.csv
	for i in 1 2 3 4 5 6; do
		echo "DUP0001,东区,1栋101,张三,13800000000,报事报修,户内维修,漏水,王国,许淑佳,已关闭,2026-11-17 08:00:00,2026-11-18 08:00:00,2026-11-18 0$i:00:00,,,,,,,,,"
	done
} >"$tmp/gin/zz-dup.csv"
status 65 "$hf" run --input "$tmp/gin" --output "$tmp/grun" --config "$cfg" \
	--as-of "$asof" --week $week --quiet
status 0 "$hf" ingest --input "$tmp/gin" --output "$tmp/gst" --config "$cfg"
status 65 "$hf" metrics --output "$tmp/gst" --config "$cfg" --as-of "$asof" \
	--week $week --quiet
grep -q "gate unreadable_files: 1 file(s) in the input folder were not read, such as 'notes.docx'" "$tmp/out" ||
	fail "metrics over records/ does not see the unsupported file: $(cat "$tmp/out")"
grep -q "gate repeated_ids: 83.3 % of the rows of 'zz-dup.csv' repeat" "$tmp/out" ||
	fail "metrics over records/ does not see the repeated ids: $(cat "$tmp/out")"
for g in 1 3; do
	for k in name tripped value limit message; do
		a=$($jget "$tmp/grun/weeks/$week/metrics.json" "gates[$g].$k")
		b=$($jget "$tmp/gst/weeks/$week/metrics.json" "gates[$g].$k")
		[ "$a" = "$b" ] || fail "gate $g $k: run says '$a', metrics over records/ '$b'"
	done
done
[ "$($jget "$tmp/gst/weeks/$week/metrics.json" 'gates[1].tripped')" = true ] ||
	fail "unreadable_files not tripped"
[ "$($jget "$tmp/gst/weeks/$week/metrics.json" 'gates[3].tripped')" = true ] ||
	fail "repeated_ids not tripped"
[ -e "$tmp/gst/weeks/$week/.issued" ] && fail "metrics issued a week its gates block"

[ "$failed" -eq 0 ] && echo "ok: stages equal a run; run's exits hold"
exit "$failed"
