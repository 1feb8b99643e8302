#!/bin/sh
# Writes $1/t.csv: rows with several reject reasons at once, fields of
# exactly 65,536 and 65,537 bytes, and 0xFF bytes (README.md, by line).
set -eu
x() { head -c "$1" /dev/zero | tr '\0' x; }
hao() { yes 好 | head -n "$1" | tr -d '\n'; }
{
	printf '工单编号,工单类型,完成时间,内容,整改完成时间\n'
	printf 'T1,投诉,2026-11-17 10:00,"多行\n内容",\n'
	printf 'T2,投诉,2026-11-17 10:00,\377,,extra\n'
	printf 'T3,投诉,2026-11-17 10:00,\377%s,\n' "$(x 70000)"
	printf ',投诉,2026-11-17 10:00,%s,\n' "$(x 65537)"
	printf '\343\200\200 ,咨询,2026-11-17 10:00,,\n'
	printf 'T4,咨询,bad,,\n'
	printf 'T5,,2026-11-17 10:00,,\n'
	printf 'T6,投诉,2026-11-17 10:00,,2026-02-29\n'
	printf 'T7,投诉,2026-11-17 10:00,%sx,\n' "$(hao 21845)"
	printf 'T8,投诉,2026-11-17 10:00,%sxy,\n' "$(hao 21845)"
	printf 'T9,投 诉,2026-11-17 10:00,,\n'
	printf 'T10,投诉,2026-11-17 10:00,,,\n'
	printf 'T11,投诉,2026-11-17 10:00\n'
	printf 'T12,投诉,2026-11-17 10:00,%s,\n' "$(yes 中文 | head -n 200 | tr -d '\n')"
} >"$1/t.csv"
