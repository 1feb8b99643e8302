#!/bin/sh
# nightly issues months and quarters (issue 19, SPEC §9.27 and §9.30): five
# nights across the end of November on tests/fixtures/periods (2026-W47 to
# W50). 2026-11 is issued at 2026-12-04 00:00 (its end + 48 h SLAs + 24 h
# grace). It checks that
#  - every night renders the as-of's month and quarter provisional, and
#    the month just ended until its issue_at (the site lists them);
#  - 2026-11 is issued exactly once, on the night of 12-04, named in that
#    night's summary line only, and then never rendered again (its
#    metrics.json and .issued mark do not change);
#  - on 2027-01-05 December and Q4 are issued, and 2027-01 and 2027-Q1,
#    which have no data, are not written (run.json says no_data);
#  - a month's PDFs print no 抽样种子 (it draws no samples), a week's do.
# usage: tests/e2e/nightly_periods.sh BUILD_DIR
set -u
build=${1:-build}
hf=$build/huifang
jget=$build/tests/tools/jget
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

o=$t/o
issued=
for night in 2026-11-30 2026-12-01 2026-12-03 2026-12-04 2026-12-05; do
	rc=0
	"$hf" nightly --input tests/fixtures/periods --output "$o" \
		--config config/huifang.json --as-of "$night 02:00:00" \
		>"$t/out" 2>"$t/err" || rc=$?
	[ "$rc" -eq 0 ] || fail "$night exited $rc: $(cat "$t/out" "$t/err")"
	n=0 jobs=
	while id=$("$jget" "$o/run.json" "weeks[$n].week" 2>/dev/null) &&
	      [ -n "$id" ]; do
		st=$("$jget" "$o/run.json" "weeks[$n].status")
		jobs="$jobs $id:$st"
		[ "$st" = issued ] && case $id in
			*-W*) ;;
			*) issued="$issued $id@$night" ;;
		esac
		n=$((n + 1))
	done
	case $night in
	2026-11-30) want=' 2026-11:provisional 2026-Q4:provisional' ;;
	2026-12-0[13]) want=' 2026-11:provisional 2026-12:provisional 2026-Q4:provisional' ;;
	2026-12-04) want=' 2026-11:issued 2026-12:provisional 2026-Q4:provisional' ;;
	*) want=' 2026-12:provisional 2026-Q4:provisional' ;;
	esac
	got=$(echo "$jobs" | tr ' ' '\n' | grep -v -- '-W' | tr '\n' ' ' | sed 's/ $//')
	[ "$got" = "$want" ] || fail "$night: periods$got, want$want"
	# The summary names a month only on the night it is issued.
	if [ "$night" = 2026-12-04 ]; then
		grep -Eqx 'huifang: 2026-W48 kept, 2026-W49 provisional, 2026-11 issued, 75 rows, 0 rejected, [0-9.]+ s' \
			"$t/out" || fail "$night: summary $(cat "$t/out")"
		cp "$o/periods/2026-11/metrics.json" "$t/issued.json"
		cp "$o/periods/2026-11/.issued" "$t/issued.mark"
	else
		grep -q '2026-1[12]\|Q4' "$t/out" &&
			fail "$night: the summary names a provisional period: $(cat "$t/out")"
	fi
done
[ "$issued" = " 2026-11@2026-12-04" ] || fail "issued:$issued"
m=$o/periods/2026-11/metrics.json
[ "$("$jget" "$m" as_of)" = '2026-12-04 02:00:00' ] || fail "2026-11 as_of"
[ "$("$jget" "$m" provisional)" = false ] || fail "2026-11 provisional"
[ "$("$jget" "$m" revision)" = 1 ] || fail "2026-11 revision"
cmp -s "$t/issued.json" "$m" || fail "2026-11 changed after it was issued"
cmp -s "$t/issued.mark" "$o/periods/2026-11/.issued" || fail "the mark changed"
[ "$("$jget" "$o/periods/2026-12/metrics.json" as_of)" = '2026-12-05 02:00:00' ] ||
	fail "2026-12 was not rendered on the last night"
grep -q 'href="periods/2026-11/index.html">2026-11</a>' "$o/site/index.html" ||
	fail "the site does not list 2026-11"

# A night of the new year (the exports end on 12-13: the stale-input gate
# is accepted): 2026-12 and 2026-Q4 are due and issued; 2027-01 and
# 2027-Q1 have no data, so nothing is written for them.
"$hf" nightly --input tests/fixtures/periods --output "$o" \
	--config config/huifang.json --as-of '2027-01-05 02:00:00' \
	--accept-gates >"$t/out" 2>"$t/err" || fail "2027-01-05 exited $?: $(cat "$t/err")"
grep -q ', 2026-12 issued, 2026-Q4 issued, 75 rows' "$t/out" ||
	fail "2027-01-05: summary $(cat "$t/out")"
for p in 2026-12 2026-Q4; do
	[ -f "$o/periods/$p/.issued" ] || fail "$p is not issued"
done
grep -q '"week": "2027-01", "provisional": true, "status": "no_data"' "$o/run.json" &&
grep -q '"week": "2027-Q1", "provisional": true, "status": "no_data"' "$o/run.json" ||
	fail "run.json does not say 2027-01 and 2027-Q1 have no data: $(grep 2027 "$o/run.json")"
[ ! -e "$o/periods/2027-01" ] && [ ! -e "$o/periods/2027-Q1" ] ||
	fail "a period without data was written"

# The seed is a week's: a month has no samples.
pdftotext -l 1 "$o/periods/2026-11/月报-2026-11.pdf" - >"$t/month.txt" ||
	fail "pdftotext 月报-2026-11.pdf"
grep -q '数据截至' "$t/month.txt" || fail "the month's header: $(head -n 8 "$t/month.txt")"
grep -q '抽样种子' "$t/month.txt" && fail "the month's PDF prints a seed"
pdftotext -l 1 "$o/periods/2026-11/中心月报-翠湖苑物业服务中心.pdf" - |
	grep -q '抽样种子' && fail "a centre's monthly PDF prints a seed"
pdftotext -l 1 "$o/weeks/2026-W48/周报-2026-W48.pdf" - | grep -q '抽样种子' ||
	fail "the week's PDF lost its seed"
echo "nightly_periods ok:$issued"
