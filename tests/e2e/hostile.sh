#!/bin/sh
# Hostile exports and files, against the binary (issue 13 items 2, 3 and
# 5): each case is refused or quarantined by name, promptly, and the run
# goes on or ends with its documented status; nothing hangs (every call
# runs under timeout 60).
#
#   - a FIFO and a device as input or config: refused, never opened for
#     reading (a FIFO would hang, /dev/zero never end);
#   - UTF-16 exports, with and without a BOM: skipped as UTF-16, by name;
#   - skipped files named in the summary whatever the cap on messages;
#   - a file name with a newline and an escape sequence: shown escaped;
#   - header limits: 80,000 columns, 40,000 distinct JSON keys, a 50 MB
#     header line: skipped naming the limit, in well under a second each;
#   - JSON: \u0000 in JSON Lines is bad_encoding, 1e400 is no ticket,
#     the records after a syntax error are counted;
#   - a file that changes while it is read: read again, then exit 66;
#   - sla_hours below a minute and a font_index not in the font: exit 78.
#
# usage: tests/e2e/hostile.sh BUILD_DIR
set -eu
build=${1:-build}
hf=$(cd "$(dirname "$build/huifang")" && pwd)/huifang
work=$(mktemp -d -t huifang-hostile.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
cfg=config/huifang.json
checks=0
fail() { echo "FAIL: $*"; exit 1; }
ok() { checks=$((checks + 1)); }
# run NAME COMMAND...: its exit status in $rc, output in NAME.out/.err.
run() {
	name=$1
	shift
	rc=0
	timeout 60 "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
	[ "$rc" -ne 124 ] || fail "$name: still running after 60 s"
}
has() {
	grep -qF -- "$2" "$work/$1" && { ok; return; }
	printf 'FAIL: %s lacks: %s\n' "$1" "$2"
	grep -n skipped "$work/$1" | head -n 20 | cat -A | cut -c1-300
	exit 1
}

# FIFOs and devices.
mkfifo "$work/fifo.csv"
run check_fifo "$hf" check --config "$cfg" "$work/fifo.csv"
[ "$rc" -eq 66 ] || fail "check FIFO: exit $rc"; ok
has check_fifo.err "not a regular file (a FIFO)"
run check_zero "$hf" check --config "$cfg" /dev/zero
[ "$rc" -eq 66 ] || fail "check /dev/zero: exit $rc"; ok
has check_zero.err "not a regular file (a character device)"
# inspect reads each format's own way: a FIFO named .xls is refused too.
mkfifo "$work/fifo.xls"
run inspect_fifo "$hf" inspect --config "$cfg" "$work/fifo.xls"
[ "$rc" -eq 66 ] || fail "inspect FIFO .xls: exit $rc"; ok
has inspect_fifo.err "not a regular file (a FIFO)"
run config_fifo "$hf" ingest --input input --output "$work/o1" --config "$work/fifo.csv"
[ "$rc" -eq 78 ] || fail "config FIFO: exit $rc"; ok
has config_fifo.err "not a regular file"
# The font is config too: a FIFO there is refused at once, never waited on.
printf '{"pdf": {"font_path": "%s"}}\n' "$work/fifo.csv" >"$work/fontfifo.json"
run font_fifo "$hf" run --input input --output "$work/o1" --config "$work/fontfifo.json" \
	--as-of '2026-11-26 08:00:00' --quiet
[ "$rc" -eq 78 ] || fail "font FIFO: exit $rc"; ok
has font_fifo.err "not a regular file (a FIFO)"
# And the templates: a FIFO for a page or a PDF template fails the render.
cp -R templates "$work/tpl"
rm "$work/tpl/html/head.mustache" "$work/tpl/pdf/weekly.json"
mkfifo "$work/tpl/html/head.mustache" "$work/tpl/pdf/weekly.json"
printf '{"templates_dir": "%s"}\n' "$work/tpl" >"$work/tplfifo.json"
run tpl_fifo "$hf" run --input input --output "$work/o1" --config "$work/tplfifo.json" \
	--as-of '2026-11-26 08:00:00' --quiet
[ "$rc" -eq 73 ] || fail "template FIFO: exit $rc"; ok
has tpl_fifo.err "head.mustache: error: cannot read template: not a regular file (a FIFO)"
has tpl_fifo.err "weekly.json: error: cannot read the PDF template: not a regular file (a FIFO)"

# An input folder with one good export and every kind of skipped file.
mkdir "$work/in"
head -n 20 input/tickets-2026-W47.csv >"$work/in/a.csv"
mkfifo "$work/in/pipe.csv"
python3 - "$work/in" <<'PY'
import json, sys
d = sys.argv[1]
text = "工单编号,工单类型\nT1,投诉\n"
open(d + "/u16bom.csv", "wb").write(text.encode("utf-16"))
open(d + "/u16le.csv", "wb").write(text.encode("utf-16-le"))
open(d + "/evil\n\x1b[31mname.csv", "w").write("no,columns\n1,2\n")
open(d + "/wide.csv", "w").write(",".join(["工单类型"] + ["c%d" % i for i in range(80000)]) + "\n")
with open(d + "/keys.jsonl", "w") as f:
    for i in range(40000):
        f.write(json.dumps({"工单编号": "K%d" % i, "工单类型": "投诉", "k%d" % i: "v"}) + "\n")
open(d + "/long.csv", "w").write("工单类型," + "x" * 50000000 + "\n")
with open(d + "/j.jsonl", "w") as f:
    f.write('{"工单编号": "N1\\u0000N2", "工单类型": "投诉"}\n')
    f.write('{"工单编号": "N3", "工单类型": "投诉"}\n')
with open(d + "/n.json", "w") as f:
    f.write('[{"工单编号": 1e400, "工单类型": "投诉"},\n')
    f.write(' {"工单编号": "N4", "工单类型": "投诉"} {"工单编号": "N5", "工单类型": "投诉"},\n')
    f.write(' {"工单编号": "N6", "工单类型": "投诉"}]\n')
PY
start=$(date +%s)
run ingest "$hf" ingest --input "$work/in" --output "$work/o2" --config "$cfg"
[ "$rc" -eq 0 ] || fail "ingest: exit $rc: $(cat "$work/ingest.err")"; ok
[ $(($(date +%s) - start)) -lt 30 ] || fail "ingest of the hostile folder took over 30 s"; ok
has ingest.err "pipe.csv: warning: unrecognised file, skipped: not a regular file (a FIFO)"
has ingest.err "u16bom.csv: warning: unrecognised file, skipped: UTF-16 text"
has ingest.err "u16le.csv: warning: unrecognised file, skipped: UTF-16 text"
has ingest.err "the header has 80001 columns, over the limit ingest.max_columns (16384)"
has ingest.err "more than 16384 distinct keys: over the limit ingest.max_columns (16384)"
has ingest.err "long.csv: warning: unrecognised file, skipped: the header is longer than 1048576 bytes: over the limit ingest.max_header_bytes (1048576)"
has ingest.err 'evil\n\x1B[31mname.csv'
has ingest.err "huifang: 7 files skipped: evil\\n\\x1B[31mname.csv, keys.jsonl, long.csv, pipe.csv, u16bom.csv, u16le.csv, wide.csv"
! grep -q "$(printf '\033')" "$work/ingest.err" || fail "an escape sequence reached stderr raw"; ok
# JSON: the NUL is bad_encoding, 1e400 malformed, the lost records said.
has o2/rejects.csv "j.jsonl,1,0,bad_encoding"
has o2/rejects.csv 'NUL character (\u0000) at byte offset'
has o2/rejects.csv "n.json,1,0,malformed_record,记录格式错误,a number too large"
has o2/rejects.csv "expected ',' or ']' after a record; 2 records after it are lost"
# rows_read = accepted + rejected + superseded still holds.
has ingest.out "= "
python3 - "$work/ingest.out" <<'PY' || fail "accounting: $(cat "$work/ingest.out")"
import re, sys
m = re.search(r"(\d+) rows read = (\d+) accepted \+ (\d+) rejected \+ (\d+) superseded", open(sys.argv[1]).read())
r, a, j, s = map(int, m.groups())
assert r == a + j + s, (r, a, j, s)
PY
ok

# A file that changes while it is read is read once more; if it changes
# again it is unreadable (66). HUIFANG_TEST_GROW_INPUT=n appends a line
# end to a file after each of its first n readings.
mkdir "$work/grow"
head -n 30 input/tickets-2026-W47.csv >"$work/grow/t.csv"
run grow0 "$hf" ingest --input "$work/grow" --output "$work/o6" --config "$cfg"
run grow1 env HUIFANG_TEST_GROW_INPUT=1 "$hf" ingest --input "$work/grow" \
	--output "$work/o4" --config "$cfg"
[ "$rc" -eq 0 ] || fail "changed once: exit $rc: $(cat "$work/grow1.err")"; ok
# Read once more, counted once: the same summary as an undisturbed run.
cmp -s "$work/grow0.out" "$work/grow1.out" ||
	fail "changed once: $(cat "$work/grow1.out") vs $(cat "$work/grow0.out")"; ok
[ "$(grep -c "二次满意度" "$work/grow1.err")" -le 1 ] || fail "changed once: messages doubled"; ok
run grow2 env HUIFANG_TEST_GROW_INPUT=2 "$hf" ingest --input "$work/grow" \
	--output "$work/o5" --config "$cfg"
[ "$rc" -eq 66 ] || fail "changed twice: exit $rc: $(cat "$work/grow2.err")"; ok
has grow2.err "cannot read $work/grow/t.csv: it changed while it was read, twice"
[ ! -e "$work/o5/records/summary.json" ] || fail "changed twice: records written"; ok

# Bad config values found before any work: exit 78, naming the key.
sed 's/"default": 48/"default": 0.01/' "$cfg" >"$work/sla.json"
run sla "$hf" run --input input --output "$work/o3" --config "$work/sla.json" --as-of '2026-11-26 08:00:00'
[ "$rc" -eq 78 ] || fail "sla: exit $rc"; ok
has sla.err "sla_hours.default: must be at least one minute"
sed 's/"font_index": 0/"font_index": 7/' "$cfg" >"$work/font.json"
run font "$hf" run --input input --output "$work/o3" --config "$work/font.json" --as-of '2026-11-26 08:00:00'
[ "$rc" -eq 78 ] || fail "font_index: exit $rc"; ok
has font.err "no font number 7 in the collection"
[ ! -d "$work/o3/weeks" ] || fail "a bad font left work behind"; ok

echo "hostile: $checks checks passed"
