#!/bin/sh
# One big CSV export read in parts on two threads (issue 20) gives
# byte for byte what one thread reading it whole gives: the records
# (tickets.bin, callbacks.bin, summary.json), rejects.csv,
# rejects.original.csv, the diagnostics, the summary line and the exit
# status, with and without --strict. The exports are made here, small,
# and HUIFANG_TEST_CHUNK_BYTES (a test hook, docs/ingest.md) cuts them
# into parts of a few hundred bytes, so that records straddle every kind
# of boundary: quoted LF, CRLF and lone CR inside fields, "" inside
# quotes, CRLF and lone-CR line ends, a BOM, GB18030, stray quotes on a
# record's first line (the plan vouches for those), and files the plan
# must refuse or give up on (a quote that never closes, a fault inside a
# record spanning lines, an invalid byte past the first mebibyte of a
# file read as UTF-8 on trust): those are read whole, which
# HUIFANG_TEST_SPLIT_REPORT's line on stderr says, and the result is the
# same.
#
# usage: tests/e2e/split.sh BUILD_DIR
set -eu
build=${1:-build}
hf=$(cd "$(dirname "$build/huifang")" && pwd)/huifang
work=$(mktemp -d -t huifang-split.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
checks=0
fail() { echo "FAIL: $*"; exit 1; }
ok() { checks=$((checks + 1)); }

sed 's/"threads": 0/"threads": 1/' config/huifang.json >"$work/one.json"
sed 's/"threads": 0/"threads": 2/' config/huifang.json >"$work/two.json"
grep -q '"threads": 1' "$work/one.json" || fail "cannot set ingest.threads"

python3 - "$work" <<'PY'
import os, sys
work = sys.argv[1]
head = ("工单编号,服务中心,楼栋房号,业主姓名,联系电话,工单类型,工单子类,内容,"
        "责任人,处理人,工单状态,创建时间,完成时间,更新时间,回访时间,回访方式,"
        "满意度,回访结果,回访人,回访备注")
types = ["报事报修", "投诉", "特约服务"]
contents = ['"漏水\n已处理"', '"门禁\r\n坏了"', '"灯\r不亮"',
            '"业主说：""师傅很专业"""', '"a,b\n\n""c"""', "普通内容",
            '"\n"', '""']

def row(i, nl, stray):
    t = types[i % 3]
    prefix = {"报事报修": "BS", "投诉": "TS", "特约服务": "TY"}[t]
    content = contents[i % len(contents)]
    if stray == 1:
        content = '坏"引号'           # a stray quote, first line
    elif stray == 2:
        content = '"已处理"x'         # a character after the quote
    elif stray == 3:
        content = '"两行\n然后"坏'    # a fault in a two-line record
    elif stray == 4:
        content = "\udcff"            # an invalid byte (surrogateescape)
    day = 1 + i % 27
    fields = [f"{prefix}2026{11:02d}{day:02d}{i:05d}", f"中心{i % 5}",
              f"{i % 9}号楼", "张三", "13800138000", t, "", content,
              f"管家{i % 7}", "李四", "已关闭",
              f"2026-11-{day:02d} 08:00:00", f"2026-11-{day:02d} 09:00:00",
              "", f"2026-11-{day:02d} 10:00:00", "电话",
              ["满意", "非常满意", "不满意", "很好"][i % 4], "已回访",
              "王五", "备注"]
    if i % 97 == 5:
        fields = fields[:5]            # field_count
    if i % 89 == 7:
        fields[11] = "2026-13-01"      # bad_timestamp
    if i % 83 == 3:
        fields[0] = fields[0][:-1] + str((i // 83) % 3)   # repeats
    return ",".join(fields) + nl

def write(name, rows, nl="\n", bom=False, enc="utf-8", tail=""):
    text = head + nl + "".join(rows) + tail
    data = text.encode(enc, errors="surrogateescape")
    os.makedirs(os.path.dirname(name), exist_ok=True)
    with open(name, "wb") as f:
        f.write((b"\xef\xbb\xbf" if bom else b"") + data)

def rows(n, nl, strays=(), blank=False):
    out = []
    for i in range(n):
        out.append(row(i, nl, 1 if i % 101 == 50 and 1 in strays else
                                 2 if i % 103 == 60 and 2 in strays else
                                 3 if i == n - 40 and 3 in strays else 0))
        if blank and i % 50 == 0:
            out.append(nl + "  \t" + nl)
    return out

w = work
# Split: BOM + CRLF, stray quotes on a record's first line, blank lines.
write(f"{w}/bom/tickets.csv", rows(1500, "\r\n", (1, 2), True), "\r\n", True)
# Split: lone-CR line ends.
write(f"{w}/cr/tickets.csv", rows(600, "\r", (1,)), "\r")
# Split: GB18030 (its header settles the encoding).
write(f"{w}/gb/tickets.csv", rows(1200, "\n", (1, 2)), "\n", enc="gb18030")
# Split: over a mebibyte, UTF-8 read on trust, no invalid byte.
write(f"{w}/big/tickets.csv", rows(6000, "\n", (1,)), "\n")
# Read whole after all: an invalid byte past the first mebibyte.
big_bad = rows(6000, "\n")
big_bad[5900] = row(5900, "\n", 4)
write(f"{w}/bigbad/tickets.csv", big_bad, "\n")
# Refused by the plan: a quote that never closes; a fault in a record
# that spans two lines.
write(f"{w}/open/tickets.csv", rows(500, "\n"), "\n",
      tail='BS1,中心,1号楼,张三,1,报事报修,,"不关\n')
write(f"{w}/span/tickets.csv", rows(500, "\n", (3,)), "\n")
PY

# same DIR WHAT [--strict]: threads 1 whole against threads 2 in parts.
same() {
	dir=$1 what=$2
	shift 2
	rm -rf "$work/o1" "$work/o2"
	st1=0 st2=0
	(cd "$work" && "$hf" ingest --input "$dir" --output o1 \
		--config one.json "$@" >out1 2>err1) || st1=$?
	(cd "$work" && HUIFANG_TEST_CHUNK_BYTES=$chunk \
		HUIFANG_TEST_SPLIT_REPORT=1 "$hf" ingest \
		--input "$dir" --output o2 --config two.json "$@" \
		>out2 2>err2.raw) || st2=$?
	[ "$st1" = "$st2" ] || fail "$dir: exit $st1 whole, $st2 in parts"; ok
	grep '^huifang: test: ' "$work/err2.raw" >"$work/hook" || true
	grep -v '^huifang: test: ' "$work/err2.raw" | sed 's|o2/|o1/|g' \
		>"$work/err2"
	grep -qx "huifang: test: $dir/tickets.csv: [0-9]* parts$what" \
		"$work/hook" || { cat "$work/hook"; fail "$dir: not '$what'"; }; ok
	n=$(sed -n 's/.*: \([0-9]*\) parts.*/\1/p' "$work/hook")
	[ "$n" -ge 10 ] || fail "$dir: only $n parts"; ok
	cmp -s "$work/out1" "$work/out2" || fail "$dir: summary line differs"; ok
	cmp -s "$work/err1" "$work/err2" ||
		{ diff "$work/err1" "$work/err2" | head; fail "$dir: diagnostics differ"; }; ok
	for f in records/tickets.bin records/callbacks.bin \
		 records/summary.json rejects.csv rejects.original.csv; do
		[ -f "$work/o1/$f" ] || fail "$dir: no $f"
		cmp -s "$work/o1/$f" "$work/o2/$f" || fail "$dir: $f differs"; ok
	done
}

# Parts of about 300 bytes; of 64 KiB for the files over a mebibyte.
chunk=313
for d in bom cr gb big; do
	[ "$d" = big ] && chunk=65536
	same "$d" ""
	grep -q '"encoding": "GB18030"' "$work/o1/records/summary.json" &&
		[ "$d" != gb ] && fail "$d: read as GB18030"
	grep -q '"encoding": "GB18030"' "$work/o1/records/summary.json" ||
		[ "$d" != gb ] || fail "gb: not read as GB18030"; ok
done
same bigbad ", read again whole"
chunk=313
same bom "" --strict
[ "$st1" = 65 ] || fail "bom --strict: exit $st1, not 65"; ok
# A warning said once per file is said once, though every part met it.
[ "$(grep -c "'很好' in column" "$work/err2")" = 1 ] ||
	fail "bom: the once-per-file warning is not said once"; ok
grep -q 'rows rejected' "$work/err1" || fail "bom: no rejects"; ok
# On a terminal the notes show too: "read as GB18030 (detected: ...)",
# "read as UTF-8 (byte order mark, N invalid sequences)", as one thread
# gives them having read the whole file. script(1) gives the terminal.
if command -v script >/dev/null 2>&1; then
	for d in bom gb big; do
		rm -rf "$work/o1" "$work/o2"
		(cd "$work" && script -qec "'$hf' ingest --input $d --output o1 \
			--config one.json" tty1 >/dev/null) || true
		(cd "$work" && HUIFANG_TEST_CHUNK_BYTES=997 \
			HUIFANG_TEST_SPLIT_REPORT=1 script -qec "'$hf' \
			ingest --input $d --output o2 --config two.json" tty2 \
			>/dev/null) || true
		grep -q "$d/tickets.csv: note: read as " "$work/tty1" ||
			fail "$d: no note on a terminal"; ok
		grep -v '^Script \|huifang: test: ' "$work/tty1" >"$work/t1"
		grep -v '^Script \|huifang: test: ' "$work/tty2" |
			sed 's|o2/|o1/|g' >"$work/t2"
		cmp -s "$work/t1" "$work/t2" ||
			{ diff "$work/t1" "$work/t2" | head; fail "$d: terminal differs"; }; ok
	done
fi
# The plan refuses these: read whole, so no parts (no hook line).
for d in open span; do
	rm -rf "$work/o1" "$work/o2"
	(cd "$work" && "$hf" ingest --input "$d" --output o1 \
		--config one.json >out1 2>err1) || true
	(cd "$work" && HUIFANG_TEST_CHUNK_BYTES=313 HUIFANG_TEST_SPLIT_REPORT=1 "$hf" \
		ingest --input "$d" \
		--output o2 --config two.json >out2 2>err2.raw) || true
	! grep -q '^huifang: test: ' "$work/err2.raw" || fail "$d: split"; ok
	sed 's|o2/|o1/|g' "$work/err2.raw" >"$work/err2"
	cmp -s "$work/err1" "$work/err2" || fail "$d: diagnostics differ"; ok
	for f in records/tickets.bin rejects.csv; do
		cmp -s "$work/o1/$f" "$work/o2/$f" || fail "$d: $f differs"; ok
	done
done
echo "split: $checks checks passed"
