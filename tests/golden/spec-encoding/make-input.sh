#!/bin/sh
# SPEC §8.2's threshold, "fewer than one per 20 valid multi-byte
# characters": a.csv has 21 valid multi-byte characters and one invalid
# byte (UTF-8, the row with 0xFF rejected bad_encoding); b.csv has 20 and
# one (GB18030, so its UTF-8 header reads as other characters and the
# file is unrecognised).
set -eu
printf '工单编号,工单类型,完成时间,内容\nT1,投诉,2026-11-17 10:00,好好好\nT2,投诉,2026-11-17 10:00,\377\n' >"$1/a.csv"
printf '工单编号,工单类型,完成时间,内容\nT3,投诉,2026-11-17 10:00,好好\nT4,投诉,2026-11-17 10:00,\377\n' >"$1/b.csv"
