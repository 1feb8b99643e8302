#!/bin/sh
# Delivery by mail (issue 19, docs/delivery.md), end to end against a real
# SMTP server on 127.0.0.1: Debian's python3-aiosmtpd on a free port
# (tests/tools/smtp_sink.py, which keeps each message it receives) and
# msmtp as the sendmail command. On a small generated export whose centre
# 金域蓝湾 is renamed to a hostile name (a quote, a semicolon, a slash, CR LF
# and a "Bcc:" header after them):
#
#   night 1   the issued week's report goes to the management, and each
#             configured centre's report to its manager: each message is
#             parsed back with Python's email package, its PDF compared
#             byte for byte with the one on disk, its subject and file
#             name decoded, its lines at most 78 characters, no Bcc;
#   night 2   sends nothing; a message the ledger says was being handed
#             over when the run died becomes "unknown" and is not resent;
#   revision  'run --force --reason' makes v2; the next night, with the
#             server's port closed, fails (exit 0, one line on stderr,
#             run.json and the log say it); the night after sends v2,
#             marked 修订版, on the second attempt;
#   config    a centre the data does not have exits 78 naming the key;
#   periods   the month 2026-11 (night of 12-04) and the quarter 2026-Q4
#             (night of 2027-01-05) go out to the same three groups, each
#             subject and attachment named for the period, the PDFs byte
#             for byte as in output/periods/, each recorded as sent once.
#
# usage: tests/e2e/mail.sh BUILD_DIR
set -eu
build=${1:-build}
hf=$build/huifang
jget=$build/tests/tools/jget
py=/usr/bin/python3
msmtp=/usr/bin/msmtp
work=$(mktemp -d -t huifang-mail.XXXXXX)
server=
cleanup() {
	[ -z "$server" ] || kill "$server" 2>/dev/null || true
	[ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT INT TERM
# printf, not echo: dash's echo would turn a "\r\n" in a message into a
# real line break.
fail() { printf 'FAIL: %s\n' "$*"; exit 1; }

[ -x "$msmtp" ] || { echo "SKIP: msmtp is not installed (scripts/deps.sh test)"; exit 77; }
"$py" -c 'import aiosmtpd' 2>/dev/null ||
	{ echo "SKIP: python3-aiosmtpd is not installed (scripts/deps.sh test)"; exit 77; }

# The server, on a free port.
mkdir "$work/box"
"$py" tests/tools/smtp_sink.py "$work/box" "$work/port" &
server=$!
i=0
while [ ! -s "$work/port" ]; do
	i=$((i + 1))
	[ "$i" -lt 100 ] || fail "the SMTP server did not start"
	sleep 0.1
done
port=$(cat "$work/port")
# A port nobody listens on, for the failing nights.
closed=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

for p in good:$port closed:$closed; do
	cat >"$work/msmtprc-${p%%:*}" <<EOF
account default
host 127.0.0.1
port ${p#*:}
from huifang@example.com
auth off
tls off
timeout 5
EOF
	chmod 600 "$work/msmtprc-${p%%:*}"
done

# A small export; 金域蓝湾 gets a hostile name everywhere.
"$hf" gen --seed 7 --weeks 2 --tickets-per-week 25 --out "$work/in" >/dev/null 2>&1
hostile='金域/蓝湾 "A"; x=1\r\nBcc: evil@example.com'
"$py" - "$work/in" <<'EOF'
import glob, sys
for f in glob.glob(sys.argv[1] + "/tickets-*.csv"):
    data = open(f, "rb").read()
    bad = '"金域/蓝湾 ""A""; x=1\r\nBcc: evil@example.com"'.encode()
    open(f, "wb").write(data.replace(",金域蓝湾物业服务中心,".encode(), b"," + bad + b","))
EOF

# Configs: the shipped one plus delivery through msmtp.
config() { # NAME MSMTPRC EXTRA_CENTRE
	"$py" - config/huifang.json "$work/$1.json" "$msmtp" "$work/$2" "$3" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
centers = {"万象新城物业服务中心": ["wanxiang@example.com"],
           '金域/蓝湾 "A"; x=1\r\nBcc: evil@example.com': ["xz@example.com"]}
if sys.argv[5]:
    centers[sys.argv[5]] = ["nobody@example.com"]
c["delivery"] = {"from": "huifang@example.com",
                 "command": [sys.argv[3], "-C", sys.argv[4], "-t"],
                 "timeout_seconds": 20,
                 "management": ["gm@example.com", "qa@example.com"],
                 "centers": centers}
json.dump(c, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
EOF
}
config good msmtprc-good ""
config closed msmtprc-closed ""
config nosuch msmtprc-good "不存在物业服务中心"

o=$work/o
nightly() { # CONFIG AS_OF
	"$hf" nightly --input "$work/in" --output "$o" --config "$work/$1.json" \
		--as-of "$2" >"$work/out" 2>"$work/err"
}
count() { find "$work/box" -name '*.eml' | wc -l; }

# Checks the messages FIRST..LAST of the box: recipients, subject, body,
# attachment against the week folder, line lengths, headers. REVISION is
# 1 or 2.
check_box() { # FIRST LAST REVISION
	"$py" - "$work/box" "$o/weeks/2026-W47" "$1" "$2" "$3" "$hostile" <<'EOF'
import email, email.policy, os, sys
box, week, first, last, rev, hostile = sys.argv[1:7]
first, last, rev = int(first), int(last), int(rev)
hostile = hostile.replace("\\r", "\r").replace("\\n", "\n")
shown = hostile.replace("\r", "\\r").replace("\n", "\\n")
want = {"gm@example.com\nqa@example.com\n": ("management", None),
        "wanxiang@example.com\n": ("centre", "万象新城物业服务中心"),
        "xz@example.com\n": ("centre", hostile)}
seen = set()
def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)
for n in range(first, last + 1):
    base = os.path.join(box, "%03d" % n)
    raw = open(base + ".eml", "rb").read()
    rcpt = open(base + ".rcpt").read()
    if rcpt not in want:
        fail("%03d: unexpected recipients %r" % (n, rcpt))
    kind, centre = want[rcpt]
    seen.add(rcpt)
    for line in raw.split(b"\n"):
        if len(line.rstrip(b"\r")) > 78:
            fail("%03d: a line of %d characters" % (n, len(line)))
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    for line in head.split(b"\n"):
        if line.lower().startswith(b"bcc"):
            fail("%03d: a Bcc header: %r" % (n, line))
    m = email.message_from_bytes(raw, policy=email.policy.default)
    if m.get_all("Bcc"):
        fail("%03d: the message has a Bcc" % n)
    subject = str(m["Subject"])
    mark = "【修订版 v2】" if rev == 2 else ""
    if kind == "management":
        expect = mark + "物业服务有限公司 回访管理周报 2026-W47"
        pdf_name = "周报-2026-W47.pdf"
    else:
        expect = mark + "服务中心回访周报 2026-W47 " + (shown if centre == hostile else centre)
        pdf_name = None
    if subject != expect:
        fail("%03d: subject %r, expected %r" % (n, subject, expect))
    if rev == 1 and "修订" in subject:
        fail("%03d: revision 1 marked as a revision" % n)
    parts = [p for p in m.walk() if not p.is_multipart()]
    if [p.get_content_type() for p in parts] != ["text/plain", "application/pdf"]:
        fail("%03d: parts %r" % (n, [p.get_content_type() for p in parts]))
    body = parts[0].get_content()
    for word in ["回访率（目标）", "报事报修", "投诉", "特约服务", "满意度", "异常工单", "发布检查"]:
        if word not in body:
            fail("%03d: the body lacks %s:\n%s" % (n, word, body))
    if rev == 2 and "修订版 v2" not in body:
        fail("%03d: the body does not say 修订版 v2" % n)
    if centre and ("服务中心：" + (shown if centre == hostile else centre)) not in body:
        fail("%03d: the body does not name the centre:\n%s" % (n, body))
    name = parts[1].get_filename()
    if pdf_name and name != pdf_name:
        fail("%03d: attachment %r, expected %r" % (n, name, pdf_name))
    if not name.startswith("中心周报-" if centre else "周报-") or "/" in name or "\n" in name or "\r" in name:
        fail("%03d: attachment name %r" % (n, name))
    if centre == hostile and name != '中心周报-金域_蓝湾 "A"; x=1__Bcc: evil@example.com.pdf':
        fail("%03d: the hostile centre's attachment is %r" % (n, name))
    disk = open(os.path.join(week, name), "rb").read()
    if parts[1].get_payload(decode=True) != disk:
        fail("%03d: the attached PDF differs from %s" % (n, name))
if len(seen) != 3:
    fail("messages to %d of the 3 groups" % len(seen))
EOF
}

# Night 1, Thursday: W47 is issued and mailed, three messages.
nightly good '2026-11-26 08:00:00' || fail "night 1 exited $?: $(cat "$work/err")"
[ ! -s "$work/err" ] || fail "night 1 stderr: $(cat "$work/err")"
[ "$(count)" -eq 3 ] || fail "night 1 sent $(count) messages, expected 3"
check_box 1 3 1 || fail "night 1's messages"
[ "$($jget "$o/run.json" delivery.sent)" = 3 ] || fail "run.json delivery.sent"
[ "$($jget "$o/run.json" delivery.failed)" = 0 ] || fail "run.json delivery.failed"
[ "$($jget "$o/delivery.json" 'messages[2].status')" = sent ] || fail "delivery.json"
grep -q 'delivery: 3 sent, 0 not sent' "$o"/logs/*.log || fail "the log lacks the delivery line"

# Night 2, Friday: nothing new. A message the ledger says was being
# handed over (the run was killed) is in doubt: said, never resent.
sed 's/"status": "sent"/"status": "sending"/' "$o/delivery.json" >"$work/ledger"
cp "$work/ledger" "$o/delivery.json"
nightly good '2026-11-27 08:00:00' || fail "night 2 exited $?: $(cat "$work/err")"
[ "$(count)" -eq 3 ] || fail "night 2 sent $(( $(count) - 3 )) messages"
grep -q 'it may have been sent' "$work/err" || fail "night 2 does not say what is in doubt: $(cat "$work/err")"
[ "$($jget "$o/run.json" delivery.unknown)" = 3 ] || fail "run.json delivery.unknown"
[ "$($jget "$o/delivery.json" 'messages[0].status')" = unknown ] || fail "delivery.json unknown"

# A revision; the next night the server's port is closed: not sent,
# said, not a failed night.
"$hf" run --input "$work/in" --output "$o" --config "$work/good.json" \
	--as-of '2026-11-27 09:00:00' --week 2026-W47 --force --reason '补录回访' \
	>/dev/null 2>"$work/err" || fail "the revision: $(cat "$work/err")"
[ "$(count)" -eq 3 ] || fail "'run' sent mail"
nightly closed '2026-11-28 08:00:00' || fail "the failing night exited $?"
[ "$(count)" -eq 3 ] || fail "a message arrived through a closed port"
[ "$(grep -c 'not sent, tried again next night' "$work/err")" -eq 3 ] ||
	fail "the failing night's stderr: $(cat "$work/err")"
[ "$($jget "$o/run.json" delivery.failed)" = 3 ] || fail "run.json delivery.failed"
grep -q 'msmtp exited' "$o/run.json" || fail "run.json lacks the reason"
grep -q 'not sent (attempt 1, tried again next night)' "$o"/logs/*.log ||
	fail "the log lacks the failure"

# The night after: the revision goes out, marked, on its second attempt.
nightly good '2026-11-29 08:00:00' || fail "the retry night exited $?: $(cat "$work/err")"
[ ! -s "$work/err" ] || fail "the retry night's stderr: $(cat "$work/err")"
[ "$(count)" -eq 6 ] || fail "the retry night: $(count) messages in all, expected 6"
check_box 4 6 2 || fail "the revision's messages"
[ "$($jget "$o/run.json" 'delivery.messages[0].attempts')" = 2 ] || fail "attempts"

# A centre the data does not have: exit 78, the key named, nothing sent.
rc=0
nightly nosuch '2026-11-30 08:00:00' || rc=$?
[ "$rc" -eq 78 ] || fail "an unknown centre exited $rc"
grep -q 'delivery.centers.不存在物业服务中心: no service centre of that name' "$work/err" ||
	fail "the unknown centre is not named: $(cat "$work/err")"
[ "$(count)" -eq 6 ] || fail "mail went out with a bad config"
# Checks the messages of a month or quarter from message FIRST on: exactly
# three carry its PDFs (月报/季报 named for ID to the management,
# 中心月报/中心季报 to each centre), each attachment byte for byte the one in
# output/periods/ID, each subject and body naming ID (and its dates).
check_period() { # FIRST ID WORD(月|季) DATES
	"$py" - "$work/box" "$o/periods/$2" "$1" "$2" "$3" "$4" <<'EOF'
import email, email.policy, glob, os, sys
box, folder, first, pid, word, dates = sys.argv[1:7]
subjects = []
for path in sorted(glob.glob(os.path.join(box, "*.eml"))):
    if int(os.path.basename(path)[:3]) < int(first):
        continue
    m = email.message_from_bytes(open(path, "rb").read(), policy=email.policy.default)
    pdf = [p for p in m.walk() if p.get_content_type() == "application/pdf"][0]
    name = pdf.get_filename()
    if not name.startswith((word + "报-", "中心" + word + "报-")):
        continue
    subjects.append(str(m["Subject"]))
    if name.startswith(word + "报-") and name != "%s报-%s.pdf" % (word, pid):
        sys.exit("FAIL: the management report is attached as %r" % name)
    if pdf.get_payload(decode=True) != open(os.path.join(folder, name), "rb").read():
        sys.exit("FAIL: the mailed %s differs from the one on disk" % name)
    body = [p for p in m.walk() if p.get_content_type() == "text/plain"][0].get_content()
    if "回访%s报 %s（%s）" % (word, pid, dates) not in body or "附件：" + name not in body:
        sys.exit("FAIL: the body of %s:\n%s" % (name, body))
want = ["物业服务有限公司 回访管理%s报 %s" % (word, pid),
        "服务中心回访%s报 %s 万象新城物业服务中心" % (word, pid)]
for w in want:
    if w not in subjects:
        sys.exit("FAIL: no message %r among %r" % (w, subjects))
if len(subjects) != 3 or any(pid not in s for s in subjects):
    sys.exit("FAIL: %d %s messages, expected 3 naming it: %r" % (len(subjects), pid, subjects))
EOF
}

# A month (SPEC §9.30): the nights above rendered 2026-11 provisional; on
# 12-04, its issue_at, it is issued and mailed beside W48 (the exports
# end on 11-26: the stale-input gate is accepted). Its PDFs arrive byte
# for byte, and the ledger keeps the month's messages as sent, so that
# no later night sends them again.
"$hf" nightly --input "$work/in" --output "$o" --config "$work/good.json" \
	--as-of '2026-12-04 08:00:00' --accept-gates >"$work/out" 2>"$work/err" ||
	fail "the month's night exited $?: $(cat "$work/err")"
[ "$(count)" -eq 12 ] || fail "the month's night: $(count) messages in all, expected 12"
[ "$(grep -c '"week": "2026-11", "revision": 1, .*"status": "sent"' "$o/delivery.json")" -eq 3 ] ||
	fail "delivery.json does not hold the month's 3 messages as sent: $(grep 2026-11 "$o/delivery.json")"
check_period 7 2026-11 月 '2026-11-01 至 2026-11-30' || fail "the monthly messages"
# A quarter: on the first night at or after 2026-Q4's issue_at (January;
# the exports end on 11-26, so 2026-12 has no data and is not written)
# the quarter is issued and mailed as the month was: 季报-2026-Q4.pdf to
# the management, 中心季报 to each centre's manager, each subject naming
# 2026-Q4, each PDF as on disk, recorded as sent once.
n=$(count)
"$hf" nightly --input "$work/in" --output "$o" --config "$work/good.json" \
	--as-of '2027-01-05 08:00:00' --accept-gates >"$work/out" 2>"$work/err" ||
	fail "the quarter's night exited $?: $(cat "$work/err")"
[ "$(grep -c '"week": "2026-Q4", "revision": 1, .*"status": "sent"' "$o/delivery.json")" -eq 3 ] ||
	fail "delivery.json does not hold the quarter's 3 messages as sent: $(grep 2026-Q4 "$o/delivery.json")"
[ ! -e "$o/periods/2026-12" ] || fail "2026-12, without data, was written"
check_period $((n + 1)) 2026-Q4 季 '2026-10-01 至 2026-12-31' || fail "the quarterly messages"
echo "mail.sh: ok"
