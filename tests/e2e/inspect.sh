#!/bin/sh
# End to end: 'huifang inspect', the onboarding walk-through of
# docs/sources.md.
#
# 1. A RuoYi API response through config/examples/ruoyi.json: the profile,
#    the records path, every header mapped, values normalised (codes,
#    epoch milliseconds), personal data masked, nothing marked '!'.
# 2. An HC visit table with no profile: unrecognised, unmapped headers, a
#    skeleton with '?' to decide; pasted into a config as it is, the
#    config is refused (exit 78) naming the first '?'; a header that
#    resembles a canonical column gets its hint.
# 3. Usage: no file is 64, a missing file 66, a bad config 78.
# usage: tests/e2e/inspect.sh BUILD_DIR
set -u
build=${1:-build}
hf=$build/huifang
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

fail() {
	echo "FAIL: $*"
	failed=1
}

# has TEXT: the last output holds the line fragment TEXT.
has() {
	grep -qF -- "$1" "$tmp/out" || fail "no '$1' in: $(head -c 2000 "$tmp/out")"
}

hasnt() {
	! grep -qF -- "$1" "$tmp/out" || fail "'$1' should not be in the output"
}

# 1. A profile's files.
ry=tests/golden/spec-profile-ruoyi/input
"$hf" inspect --config config/examples/ruoyi.json "$ry/flow_complaints.json" \
	>"$tmp/out" 2>"$tmp/err"
[ $? -eq 0 ] || fail "inspect ruoyi exited $?: $(cat "$tmp/err")"
has "profile: complaints"
has "format:  JSON, UTF-8, records at data.list"
has "kind:    ticket export (the profile says so)"
has "rows:    2"
has "no -> 工单编号 (the profile); 2 of 2 rows filled"
has "'TS20261119001' -> TS20261119001"
has "endTime -> 完成时间 (the profile)"
has "'1795071600000' -> 2026-11-19 15:00:00"
has "returnResult -> 满意度 (the profile)"
has "'40' -> 不满意"
has "'139****3331' -> 139****3331"
has "'周*' -> 周*"
has "(constant) -> 工单类型 = '投诉'"
hasnt "13900003331"
hasnt "    ! '"

# A value the profile's map does not list is marked: SPEC §9.22, the map
# replaces the built-in forms, so '5分' is no longer 5 stars there.
printf '{"data": {"list": [{"no": "WX1", "returnResult": "5分"}]}}\n' \
	>"$tmp/flow_repair_x.json"
"$hf" inspect --config config/examples/ruoyi.json "$tmp/flow_repair_x.json" \
	>"$tmp/out" 2>"$tmp/err"
has "    ! '5分' -> not in the profile's value map"

# 2. A new system, no profile yet.
mkdir -p "$tmp/new"
cp tests/golden/spec-profile-hc/input/r_repair_return_visit.csv "$tmp/new/"
printf '工单号,回访时间,满意度\nA1,2026-11-18 10:00,五星\n' >"$tmp/new/near.csv"
"$hf" inspect "$tmp/new/r_repair_return_visit.csv" "$tmp/new/near.csv" \
	>"$tmp/out" 2>"$tmp/err"
[ $? -eq 0 ] || fail "inspect new exited $?: $(cat "$tmp/err")"
has "profile: none (the default reading)"
has "kind:    unrecognised: no 工单类型, and not both 工单编号 and 回访时间"
has "visit_type -> none; 3 of 3 rows filled"
has "'孙*'"
has "\"files\": \"r_repair_return_visit.csv\","
has "\"kind\": \"?\","
has "\"visit_type\": \"?\","
has "工单号 -> none: did you mean 工单编号? add it to the profile's columns"
has "    ! '五星' -> not rated: counted in data quality"
has "\"工单号\": \"工单编号\""
has "\"values\": {"
has "\"满意度\": {\"五星\": \"?\"}"
# The skeleton pasted as it is: refused, naming the first '?'.
sed -n '/^profile skeleton/,/^$/p' "$tmp/out" | sed '1d' |
	sed -n '1,/^  }}$/p' >"$tmp/skeleton"
{ printf '{"sources": [\n'; cat "$tmp/skeleton"; printf ']}\n'; } \
	>"$tmp/pasted.json"
"$hf" inspect --config "$tmp/pasted.json" "$tmp/new/near.csv" \
	>"$tmp/out" 2>&1
rc=$?
[ "$rc" -eq 78 ] || fail "a pasted skeleton with '?' exited $rc, not 78"
has "sources[0].kind: must be tickets or callbacks, got '?'"
has "sources[0].columns.visit_id: must be a canonical column name (see docs/config.md), got '?'"

# An API response without a profile: its records are found.
"$hf" inspect "$ry/flow_repair.json" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 0 ] || fail "inspect of an API response exited $?"
has "format:  JSON, UTF-8, records at data.list (found; the profile needs \"records\")"
has "rows:    4"
has "applyPhone -> none; 4 of 4 rows filled"
has "\"records\": \"data.list\","

# 3. Usage.
"$hf" inspect >"$tmp/out" 2>&1
[ $? -eq 64 ] || fail "inspect without a file is not 64"
"$hf" inspect "$tmp/none.csv" >"$tmp/out" 2>&1
[ $? -eq 66 ] || fail "inspect of a missing file is not 66"
printf '{"sources": 1}' >"$tmp/bad.json"
"$hf" inspect --config "$tmp/bad.json" "$tmp/new/near.csv" >"$tmp/out" 2>&1
[ $? -eq 78 ] || fail "inspect with a bad config is not 78"
has "sources: must be an array of source profiles, got 1"

exit "$failed"
