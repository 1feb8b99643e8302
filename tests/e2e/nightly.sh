#!/bin/sh
# 'huifang nightly' on the bundled sample (issue 8): one summary line on
# stdout and nothing else; the complete week issued and marked, the
# current week provisional, and every earlier week of the sample's data
# (W40-W46, up to 7 weeks back) issued the same night, once (SPEC §9.27);
# a second night keeps the issued week's files
# (same inodes, same bytes) and refreshes the provisional one; 'run
# --week W --force' reissues; retention deletes older week folders and
# only those; on Monday the provisional week is not yet due, on Thursday
# a tripped gate keeps it provisional (exit 65) until the config accepts
# it; --quiet and a terminal; the day's log holds the details; 'run
# --week W --issue' issues early, with a warning the report repeats.
#
# usage: tests/e2e/nightly.sh BUILD_DIR
set -eu
build=${1:-build}
hf=$build/huifang
jget=$build/tests/tools/jget
work=$(mktemp -d -t huifang-nightly.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
o=$work/o
checks=0
fail() { echo "FAIL: $*"; exit 1; }
ok() { checks=$((checks + 1)); }

nightly() {
	"$hf" nightly --input input --output "$o" --config config/huifang.json "$@"
}
# "<inode> <mtime> <size> <name>" of every file of a week folder.
stamp() {
	(cd "$1" && find . -type f -exec stat -c '%i %Y.%y %s %n' {} + | sort -k4)
}

# Night 1, Thursday of 2026-W48: W47 is the last complete week.
nightly --as-of '2026-11-26 08:00:00' >"$work/out1" 2>"$work/err1" ||
	fail "nightly exited $?: $(cat "$work/err1")"
[ ! -s "$work/err1" ] || fail "stderr not empty: $(cat "$work/err1")"; ok
[ "$(wc -l <"$work/out1")" -eq 1 ] || fail "stdout is not one line: $(cat "$work/out1")"; ok
rows=$($jget "$o/run.json" input.rows_read)
rej=$($jget "$o/run.json" input.rejected)
[ "$rows" -gt 0 ] && [ "$rej" -gt 0 ] || fail "run.json counts $rows $rej"
grep -Eqx "huifang: 2026-W40 issued, 2026-W41 issued, 2026-W42 issued, 2026-W43 issued, 2026-W44 issued, 2026-W45 issued, 2026-W46 issued, 2026-W47 issued, 2026-W48 provisional, $rows rows, $rej rejected, [0-9]+\.[0-9] s" \
	"$work/out1" || fail "summary line: $(cat "$work/out1")"; ok

w47=$o/weeks/2026-W47
w48=$o/weeks/2026-W48
for w in "$w47" "$w48"; do
	for f in metrics.json samples.json records.json; do
		[ -s "$w/$f" ] || fail "missing $w/$f"
	done
done; ok
[ -f "$w47/.issued" ] || fail "2026-W47 has no .issued"; ok
[ ! -e "$w48/.issued" ] || fail "the provisional 2026-W48 is marked issued"; ok
grep -qx 'as_of 2026-11-26 08:00:00' "$w47/.issued" || fail ".issued: $(cat "$w47/.issued")"; ok
[ "$($jget "$w47/metrics.json" provisional)" = false ] || fail "W47 provisional"; ok
[ "$($jget "$w48/metrics.json" provisional)" = true ] || fail "W48 not provisional"; ok
[ -f "$w48/周报-2026-W48.pdf" ] || fail "no weekly PDF for W48"
pdftotext "$w48/周报-2026-W48.pdf" - 2>/dev/null | grep -q '暂定报告：尚未正式发布（2026-12-03 00:00:00 起可正式发布）' ||
	fail "the W48 weekly PDF does not say it is provisional"; ok
[ "$($jget "$o/run.json" 'weeks[8].status')" = provisional ] || fail "run.json weeks[8]"; ok
[ "$($jget "$o/run.json" 'weeks[0].week')" = 2026-W40 ] || fail "run.json weeks[0]"; ok
[ "$($jget "$o/run.json" 'weeks_not_rendered')" = '[]' ] || fail "run.json weeks_not_rendered"; ok
w40=$o/weeks/2026-W40
grep -qx 'as_of 2026-11-26 08:00:00' "$w40/.issued" || fail "W40 .issued: $(cat "$w40/.issued")"; ok
[ -f "$o/site/weeks/2026-W47/index.html" ] && [ -f "$o/site/weeks/2026-W48/index.html" ] ||
	fail "the site lacks a week"; ok

# The log: one per day, with the details the summary leaves out.
set -- "$o"/logs/huifang-*.log
[ "$#" -eq 1 ] && [ -f "$1" ] || fail "no log under $o/logs: $*"
log=$1
for want in 'nightly: start (pid ' 'as-of 2026-11-26 08:00:00' \
	'(field_count)' "rows rejected; see" 'nightly: 2026-W47 issued' \
	'nightly: 7 earlier weeks not issued: 2026-W40 to 2026-W46' \
	'nightly: 2026-W48 provisional' "nightly: input 10 files, $rows rows read" \
	'nightly: seconds: ingest ' 'nightly: retention: keep 26 weeks, removed 0' \
	"$(cat "$work/out1")" 'nightly: exit 0'; do
	grep -qF -- "$want" "$log" || fail "the log lacks '$want'"
	ok
done
grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} ' "$log" || fail "log lines have no time"; ok

# Night 2, Friday: W47 is kept, byte for byte and inode for inode; W48
# is rewritten with the new as-of.
stamp "$w47" >"$work/w47-before"
stamp "$w40" >"$work/w40-before"
cp -R "$w47" "$work/w47-copy"
stamp "$w48" >"$work/w48-before"
sleep 1 # so that a rewrite would show in the mtimes
nightly --as-of '2026-11-27 08:00:00' >"$work/out2" 2>"$work/err2" ||
	fail "second nightly exited $?: $(cat "$work/err2")"
[ ! -s "$work/err2" ] || fail "stderr not empty: $(cat "$work/err2")"; ok
grep -Eqx "huifang: 2026-W47 kept, 2026-W48 provisional, $rows rows, $rej rejected, [0-9]+\.[0-9] s" \
	"$work/out2" || fail "second summary: $(cat "$work/out2")"; ok
stamp "$w47" >"$work/w47-after"
cmp -s "$work/w47-before" "$work/w47-after" ||
	{ diff "$work/w47-before" "$work/w47-after" | head; fail "the issued W47 was touched"; }; ok
diff -r "$work/w47-copy" "$w47" >/dev/null || fail "the issued W47 changed bytes"; ok
[ "$($jget "$w48/metrics.json" as_of)" = '2026-11-27 08:00:00' ] || fail "W48 not refreshed"; ok
stamp "$w48" >"$work/w48-after"
! cmp -s "$work/w48-before" "$work/w48-after" || fail "W48 files not rewritten"; ok
grep -qF 'nightly: 2026-W47 kept' "$log" || fail "the log does not say W47 was kept"; ok
# The earlier weeks are issued: no job of the second night, untouched.
stamp "$w40" >"$work/w40-after"
cmp -s "$work/w40-before" "$work/w40-after" || fail "the issued W40 was touched"; ok
[ "$(grep -c 'earlier weeks\? not issued' "$log")" -eq 1 ] ||
	fail "the second night found earlier weeks not issued"; ok

# run --week 2026-W47 --force reissues it with the as-of given.
"$hf" run --input input --output "$o" --config config/huifang.json \
	--as-of '2026-11-27 08:00:00' --week 2026-W47 --force -q \
	>"$work/out3" 2>"$work/err3" || fail "run --force exited $?: $(cat "$work/err3")"
# --quiet prints nothing but errors: no summary line when it succeeds.
[ ! -s "$work/out3" ] || fail "run --force -q printed: $(cat "$work/out3")"; ok
[ "$($jget "$o/run.json" 'weeks[0].status')" = reissued ] ||
	fail "run --force: run.json says $($jget "$o/run.json" 'weeks[0].status')"; ok
grep -qx 'as_of 2026-11-27 08:00:00' "$w47/.issued" || fail "not reissued: $(cat "$w47/.issued")"; ok
[ "$($jget "$w47/metrics.json" as_of)" = '2026-11-27 08:00:00' ] || fail "W47 metrics not reissued"; ok

# Retention: with retention_weeks 1, older week folders go, and only
# those: not the two weeks the night wrote, not a folder or file that is
# not named exactly like a week, nothing outside weeks/. (A symlink below
# the output folder stops the run before retention: symlinks.sh.)
sed 's/"retention_weeks": *[0-9]*/"retention_weeks": 1/' config/huifang.json >"$work/keep1.json"
grep -q '"retention_weeks": 1' "$work/keep1.json" || fail "cannot set retention_weeks"
# W43 stands for a week a gate kept provisional: now older than the
# retention, it is named in the log and left alone, not rendered.
rm "$o/weeks/2026-W43/.issued"
mkdir "$o/weeks/2026-W43-notes" "$o/weeks/keep-me"
echo x >"$o/weeks/2026-W39"
"$hf" nightly --input input --output "$o" --config "$work/keep1.json" \
	--as-of '2026-11-27 09:00:00' >"$work/out4" 2>"$work/err4" ||
	fail "nightly with retention exited $?: $(cat "$work/err4")"
[ ! -s "$work/err4" ] || fail "stderr not empty: $(cat "$work/err4")"; ok
for w in 2026-W40 2026-W41 2026-W42 2026-W43 2026-W44 2026-W45 2026-W46; do
	[ ! -e "$o/weeks/$w" ] || fail "old week $w not removed"
done; ok
grep -qF "nightly: warning: 1 week with data, not issued, older than retention_weeks (1): 2026-W43; nightly leaves it" "$log" ||
	fail "the log does not name the week beyond the retention"; ok
[ "$($jget "$o/run.json" 'weeks_not_rendered[0]')" = 2026-W43 ] || fail "run.json weeks_not_rendered"; ok
[ ! -e "$o/quality-records/2026-W43" ] || fail "the records of the unissued W43 were kept"; ok
[ -d "$w47" ] && [ -d "$w48" ] || fail "retention removed a week the night wrote"; ok
[ -d "$o/weeks/2026-W43-notes" ] && [ -d "$o/weeks/keep-me" ] && [ -f "$o/weeks/2026-W39" ] ||
	fail "retention removed what is not a week"; ok
[ "$(ls -A "$o/weeks" | grep -c '^\.')" -eq 0 ] || fail "leftovers: $(ls -A "$o/weeks")"; ok
for w in 2026-W44 2026-W45; do
	grep -qF "nightly: retention: removed weeks/$w" "$log" || fail "the log lacks the removal of $w"
	# No link to it (the headline's trend table still names it as a
	# point of the 8 weeks, like the chart, since issue 19).
	! grep -q "href=\"weeks/$w/" "$o/site/index.html" || fail "the site still lists $w"
	[ ! -e "$o/site/weeks/$w" ] || fail "the site still has $w's pages"
done; ok
grep -qF 'nightly: retention: keep 2 weeks, removed 7:' "$log" || fail "the log lacks the retention line"; ok
# The issued weeks it deleted (W40-W46, but W43) leave their 回访记录表 and
# 抽查表 behind: quality records, never deleted by huifang.
for w in 2026-W44 2026-W45; do
	ls "$o/quality-records/$w/"回访记录表-*.pdf >/dev/null 2>&1 &&
		ls "$o/quality-records/$w/"抽查表-*.csv >/dev/null 2>&1 ||
		fail "the quality records of $w were not kept: $(ls "$o/quality-records/$w" 2>&1)"
	grep -qF "nightly: retention: kept the quality records of $w" "$log" ||
		fail "the log does not say $w's records were kept"
done; ok

# What the log says to do for W43: run --week issues it (and nightly,
# whose retention is 26 weeks again, then leaves it alone).
"$hf" run --input input --output "$o" --config config/huifang.json \
	--as-of '2026-11-27 09:00:00' --week 2026-W43 -q >/dev/null 2>&1 ||
	fail "run --week 2026-W43 exited $?"
[ -f "$o/weeks/2026-W43/.issued" ] || fail "run --week did not issue W43"; ok

# Monday: W48 is complete now but not issued before its issue_at,
# Thursday 2026-12-03 00:00 (SPEC §9.26); W49 is the new current week;
# W47 is issued and stays as it was. The sample's newest time is
# 2026-11-26 08:00, so stale_input trips, but a week that is not due is
# not blocked: exit 0.
stamp "$w47" >"$work/w47-before"
nightly --as-of '2026-11-30 02:00:00' >"$work/out6" 2>"$work/err6" ||
	fail "Monday's nightly exited $?: $(cat "$work/err6")"
grep -Eqx "huifang: 2026-W48 provisional, 2026-W49 provisional, $rows rows, $rej rejected, [0-9]+\.[0-9] s" \
	"$work/out6" || fail "Monday's summary: $(cat "$work/out6")"; ok
[ ! -e "$w48/.issued" ] || fail "W48 issued before its issue_at"; ok
[ "$($jget "$w48/metrics.json" provisional)" = true ] || fail "W48 not provisional"; ok
[ "$($jget "$w48/metrics.json" issue_at)" = '2026-12-03 00:00:00' ] || fail "W48 issue_at"; ok
[ "$($jget "$o/weeks/2026-W49/metrics.json" provisional)" = true ] || fail "W49 not provisional"; ok
stamp "$w47" >"$work/w47-after"
cmp -s "$work/w47-before" "$work/w47-after" || fail "Monday's night touched W47"; ok

# --quiet: nothing at all on a good night. On a terminal (script(1)) the
# progress line is drawn there, and never lands in the log.
if command -v script >/dev/null 2>&1; then
	script -qec "$hf nightly --quiet --input input --output $o \
		--config config/huifang.json --as-of '2026-11-30 10:00:00'" \
		"$work/typescript" >/dev/null 2>&1 </dev/null || fail "nightly on a terminal failed"
	grep -q 'weeks: [0-9]*%' "$work/typescript" || fail "no progress on the terminal: $(cat "$work/typescript")"; ok
	! grep -q 'huifang: 2026-W' "$work/typescript" || fail "--quiet printed the summary"; ok
	! grep -q "$(printf '\r')" "$log" || fail "progress in the log"; ok
else
	"$hf" nightly --quiet --input input --output "$o" --config config/huifang.json \
		--as-of '2026-11-30 10:00:00' >"$work/out5" 2>&1 || fail "nightly --quiet failed"
	[ ! -s "$work/out5" ] || fail "--quiet printed: $(cat "$work/out5")"; ok
fi

# Thursday: W48 is due, but the exports are a week old: the stale_input
# gate keeps it provisional, one line on stderr names the gate, its value
# and limit, and the night exits 65 (SPEC §9.28, §9.31), also under
# --quiet; run.json and metrics.json record it.
rc=0
nightly --quiet --as-of '2026-12-03 02:00:00' >"$work/out7" 2>"$work/err7" || rc=$?
[ "$rc" -eq 65 ] || fail "a blocked week exited $rc: $(cat "$work/err7")"; ok
[ "$(wc -l <"$work/err7")" -eq 1 ] || fail "stderr is not one line: $(cat "$work/err7")"; ok
grep -q '^huifang: 2026-W48 not issued, kept provisional: gate stale_input: the newest time in the input is 6.8 days before the as-of (limit 3.0 days)' \
	"$work/err7" || fail "the gate line: $(cat "$work/err7")"; ok
grep -q '2026-W48 blocked, 2026-W49 provisional' "$work/out7" || fail "summary: $(cat "$work/out7")"; ok
[ ! -e "$w48/.issued" ] || fail "a blocked week was issued"; ok
[ "$($jget "$w48/metrics.json" blocked)" = true ] || fail "metrics.json: not blocked"; ok
[ "$($jget "$o/run.json" 'weeks[0].gates_tripped[0].name')" = stale_input ] ||
	fail "run.json does not name the gate"; ok
# In red on page 1 of the weekly PDF, and on the site's week pages, in
# Chinese (the code stays beside the Chinese name, for accept_gates);
# metrics.json and run.json keep the English line.
pdftotext -l 1 "$w48/周报-2026-W48.pdf" "$work/p1.txt" 2>/dev/null &&
	grep -q '合理性检查未通过' "$work/p1.txt" && grep -q 'stale_input' "$work/p1.txt" ||
	fail "page 1 does not say which gate keeps W48 provisional"; ok
tr -d ' \n' <"$work/p1.txt" | grep -q '数据过旧（stale_input）：输入中最新的时间比数据截至时间早6.8天（上限3.0天）' ||
	fail "page 1 does not give the gate's reason in Chinese: $(grep -n stale "$work/p1.txt")"; ok
! grep -q 'days before the as-of' "$work/p1.txt" || fail "page 1 gives the gate's reason in English"; ok
grep -q '<p class="provisional gate" role="alert"><strong>合理性检查未通过，暂不正式发布</strong>数据过旧（stale_input）：输入中最新的时间比数据截至时间早 6.8 天（上限 3.0 天）</p>' \
	"$o/site/weeks/2026-W48/index.html" || fail "the site does not name the gate in Chinese"; ok
! grep -q 'days before the as-of' "$o/site/weeks/2026-W48/index.html" || fail "the site gives the gate's reason in English"; ok
[ "$($jget "$w48/metrics.json" 'gates[6].message')" = 'stale_input: the newest time in the input is 6.8 days before the as-of (limit 3.0 days)' ] ||
	fail "metrics.json lost the gate's code line"; ok
grep -q '2026-12-03 00:00:00 起可正式发布' "$o/site/weeks/2026-W48/index.html" ||
	fail "the site does not say when W48 is issued"; ok
# The administrator accepts the gate in the config: W48 is issued, and
# says so.
sed 's/"accept_gates": \[\]/"accept_gates": ["stale_input"]/' config/huifang.json >"$work/accept.json"
grep -q '"accept_gates": \["stale_input"\]' "$work/accept.json" || fail "cannot set accept_gates"
"$hf" nightly --input input --output "$o" --config "$work/accept.json" \
	--as-of '2026-12-03 03:00:00' >"$work/out8" 2>"$work/err8" ||
	fail "accepted gate: exit $?: $(cat "$work/err8")"
grep -q '2026-W48 issued, 2026-W49 provisional' "$work/out8" || fail "summary: $(cat "$work/out8")"; ok
[ -f "$w48/.issued" ] || fail "W48 not issued"; ok
[ "$($jget "$w48/metrics.json" 'gates[6].accepted')" = true ] || fail "the acceptance is not recorded"; ok
# The next night keeps it, whatever the gates say now.
rc=0
nightly --as-of '2026-12-04 02:00:00' >"$work/out9" 2>"$work/err9" || rc=$?
grep -q '2026-W48 kept' "$work/out9" || fail "W48 reissued: $(cat "$work/out9")"; ok

# run --week W --issue issues a week before its issue_at: it warns, and
# metrics.json and page 1 of the weekly PDF say so (issue 16).
o2=$work/o2
"$hf" run --input input --output "$o2" --config config/huifang.json \
	--as-of '2026-11-27 08:00:00' --week 2026-W48 --issue \
	>"$work/out10" 2>"$work/err10" || fail "run --issue exited $?: $(cat "$work/err10")"
grep -q '^huifang: 2026-W48 issued before its issue_at by --issue; the report says so$' "$work/err10" ||
	fail "run --issue does not warn: $(cat "$work/err10")"; ok
[ -f "$o2/weeks/2026-W48/.issued" ] || fail "run --issue did not issue W48"; ok
[ "$($jget "$o2/weeks/2026-W48/metrics.json" issue_forced)" = true ] ||
	fail "metrics.json does not record the early issue"; ok
pdftotext -l 1 "$o2/weeks/2026-W48/周报-2026-W48.pdf" - 2>/dev/null | tr -d ' \n' |
	grep -q '提前发布：在2026-12-0300:00:00之前由管理员发布' ||
	fail "page 1 does not say W48 was issued early"; ok

# Options nightly does not take.
rc=0; nightly --week 2026-W47 >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 64 ] || fail "nightly --week exited $rc, want 64"; ok

echo "nightly: $checks checks passed"
