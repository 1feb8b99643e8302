#!/usr/bin/env python3
"""An independent reading of the live worklists (docs/metrics.md), written
apart from pipeline/stages/worklist.c: it reads the CSV exports of an input
folder itself, applies SPEC §8's duplicate and callback rules, and prints
the three lists the way huifang's worklist CSVs hold them (owed,
loops, unreachable: one line per ticket, "kind,ticket,state"), sorted.

usage: worklist_check.py INPUT_DIR 'YYYY-MM-DD HH:MM:SS' [WEEK | DIR]
       worklist_check.py --batch LISTING
With WEEK (2026-W47) it prints instead the week's counts per type:
"type eligible called_back unreachable owed". With DIR, huifang's
worklists folder (待回访.csv, 未闭环.csv, 无法联系.csv), it compares the
lists with its own and exits 1, showing the difference, when they differ.
With --batch, it makes that comparison for each line of LISTING, "AS_OF,
tab, INPUT_DIR, tab, WORKLISTS_DIR, tab, the export names present", and
reads each export once for all of them (the 30 nights of e2e/month.sh).

It covers what the tests' exports use: UTF-8 CSV, the canonical headers,
YYYY-MM-DD HH:MM[:SS] or YYYY/MM/DD times, the default config.
"""
import csv
import io
import datetime as dt
import os
import re
import sys

SLA = 48 * 3600
WINDOW_DAYS = 90
ATTEMPT_WORDS = {"未接通", "无人接听", "拒访", "空号", "关机", "停机"}
UNREACHABLE_RESULTS = {"空号", "停机"}
UNREACHABLE_ATTEMPTS, UNREACHABLE_DAYS = 3, 2
CANCELLED = {"已取消", "作废", "取消"}
TYPES = {"报事报修": "报事报修", "报修": "报事报修", "报事": "报事报修",
         "维修": "报事报修", "投诉": "投诉", "客诉": "投诉",
         "特约服务": "特约服务", "有偿服务": "特约服务",
         "有偿特约服务": "特约服务", "特约": "特约服务"}
SAT = {"非常满意": 5, "很满意": 5, "满意": 4, "较满意": 4, "比较满意": 4,
       "基本满意": 4, "一般": 3, "不满意": 2, "非常不满意": 1, "很不满意": 1,
       "5": 5, "4": 4, "3": 3, "2": 2, "1": 1}
TIME_COLS = ["创建时间", "完成时间", "更新时间", "回访时间", "二次回访时间",
             "整改完成时间"]
TZ = dt.timezone(dt.timedelta(hours=8))
TIME_RE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})"
                     r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?"
                     r"(Z|[+-]\d{2}(?::?\d{2})?)?$")


def fold(s):
    """Full-width forms to ASCII (SPEC §8.5, §8.9)."""
    return "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else
                   " " if c == "\u3000" else c for c in s).strip()


def rating(text):
    return SAT.get(text, SAT.get(fold(text), 0) if fold(text).isdigit()
                   else 0)


def parse_time(s):
    s = fold(s)
    if re.fullmatch(r"\d+(\.\d+)?", s):
        v = float(s)
        if not 1 <= v < 2958466:
            raise ValueError(s)
        base = dt.datetime(1899, 12, 30, tzinfo=TZ)
        secs = int(v * 86400 + 0.5)
        return int((base + dt.timedelta(seconds=secs)).timestamp())
    m = TIME_RE.match(s)
    if not m:
        raise ValueError(s)
    y, mo, d, h, mi, sec, frac, off = m.groups()
    t = dt.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0),
                    int(sec or 0), tzinfo=TZ)
    if frac and float(frac) >= 0.5:
        t += dt.timedelta(seconds=1)
    if off:
        if off == "Z":
            delta = 0
        else:
            digits = off[1:].replace(":", "")
            delta = int(digits[:2]) * 60 + (int(digits[2:]) if len(digits) > 2
                                             else 0)
            delta *= -1 if off[0] == "-" else 1
        t = t.replace(tzinfo=dt.timezone(dt.timedelta(minutes=delta)))
    return int(t.timestamp())


PARSED = {}      # path -> the file's usable rows, for --batch


def parse_file(path, name):
    """The rows of one export huifang would accept, in line order: (line,
    is_tickets, row, times). Cached by path: --batch reads each once."""
    if path in PARSED:
        return PARSED[path]
    out = PARSED[path] = []
    with open(path, "rb") as fp:
        raw = fp.read()
    text = raw.decode("utf-8", errors="surrogateescape")
    bad = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
    wide = sum(1 for ch in text if ord(ch) > 127) - bad
    if bad and not raw.startswith(b"\xef\xbb\xbf") and bad * 20 >= wide:
        text = raw.decode("gb18030", errors="surrogateescape")
    text = text.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return out
    head = [h.strip() for h in rows[0]]
    is_tickets = "工单类型" in head
    line = 1
    for rec in rows[1:]:
        line += 1
        if not any(x.strip() for x in rec):
            continue
        if len(rec) != len(head) or any(
                "\udc80" <= ch <= "\udcff" for x in rec for ch in x):
            continue
        r = {h: v.strip() for h, v in zip(head, rec)}
        tid = r.get("工单编号", "")
        if not tid:
            continue
        if is_tickets and r.get("工单类型", "") not in TYPES:
            continue
        if not is_tickets and not r.get("回访时间"):
            continue
        try:
            times = {c: parse_time(r[c]) if r.get(c) else None
                     for c in TIME_COLS}
        except ValueError:
            continue
        out.append((line, is_tickets, r, times))
    return out


def read(folder, names=None):
    """The tickets of the exports in folder (or of names in it)."""
    tickets = {}     # id -> (key, row)
    callbacks = {}   # (id, at, recorder) -> (at, is_attempt, sat, text)
    if names is None:
        names = os.listdir(folder)
    for name in sorted(names, key=lambda n: n.encode()):
        if name.startswith(".") or not name.lower().endswith(".csv"):
            continue
        for line, is_tickets, r, times in parse_file(
                os.path.join(folder, name), name):
            tid = r["工单编号"]
            if is_tickets:
                upd = times["更新时间"]
                key = (upd is not None, upd or 0, name.encode(), line)
                old = tickets.get(tid)
                if old is None or key > old[0]:
                    tickets[tid] = (key, r, times)
            else:
                text = r.get("满意度", "")
                result = r.get("回访结果", "")
                att = text in ATTEMPT_WORDS or result in ATTEMPT_WORDS
                ident = (tid, times["回访时间"], r.get("回访人", ""))
                callbacks[ident] = (times["回访时间"], att,
                                    0 if att else rating(text),
                                    {text, result})
    by_ticket = {}   # id -> that ticket's callbacks, by identity
    for k, v in callbacks.items():
        by_ticket.setdefault(k[0], {})[k] = v
    out = {}
    for tid, (_, r, times) in tickets.items():
        cbs = dict(by_ticket.get(tid, {}))
        if times["回访时间"] is not None:
            text, result = r.get("满意度", ""), r.get("回访结果", "")
            att = text in ATTEMPT_WORDS or result in ATTEMPT_WORDS
            cbs[(tid, times["回访时间"], r.get("回访人", ""))] = (
                times["回访时间"], att, 0 if att else rating(text),
                {text, result})
        if times["二次回访时间"] is not None:
            text = r.get("二次满意度", "")
            att = text in ATTEMPT_WORDS
            cbs[(tid, times["二次回访时间"], "~2")] = (
                times["二次回访时间"], att, 0 if att else rating(text),
                {text})
        out[tid] = (r, times, sorted(cbs.values(), key=lambda c: c[0]))
    return out


def unreachable(times, cbs, as_of):
    n, days = 0, set()
    for at, att, _, texts in cbs:
        if not att or at > as_of or at < times["完成时间"]:
            continue
        if texts & UNREACHABLE_RESULTS:
            return True
        n += 1
        days.add((at + 8 * 3600) // 86400)
    return n >= UNREACHABLE_ATTEMPTS and len(days) >= UNREACHABLE_DAYS


def classify(r, times, cbs, as_of):
    """None (not in any list), or (kind, first callback)."""
    valid = [c for c in cbs if not c[1] and c[0] <= as_of
             and c[0] >= times["完成时间"]]
    if not valid:
        return ("unreachable" if unreachable(times, cbs, as_of)
                else "owed", None)
    first = valid[0]
    if first[2] in (1, 2) and not any(c[0] > first[0] for c in valid):
        return ("loops", first)
    return (None, first)


def main():
    if sys.argv[1] == "--batch":
        sys.exit(batch(sys.argv[2]))
    folder, as_of_text = sys.argv[1], sys.argv[2]
    as_of = parse_time(as_of_text)
    data = read(folder)
    if len(sys.argv) > 3 and not os.path.isdir(sys.argv[3]):
        y, w = sys.argv[3].split("-W")
        start = int(dt.datetime.fromisocalendar(int(y), int(w), 1)
                    .replace(tzinfo=TZ).timestamp())
        counts = {}
        for tid, (r, times, cbs) in data.items():
            done = times["完成时间"]
            if (r.get("工单状态", "") in CANCELLED or done is None
                    or done > as_of or not start <= done < start + 7 * 86400):
                continue
            kind, first = classify(r, times, cbs, as_of)
            c = counts.setdefault(TYPES[r["工单类型"]], [0, 0, 0, 0])
            c[0] += 1
            c[1] += first is not None
            c[2] += kind == "unreachable"
            c[3] += kind == "owed"
        for t in ("报事报修", "投诉", "特约服务"):
            print(t, *counts.get(t, [0, 0, 0, 0]))
        return
    lines = lists(data, as_of)
    if len(sys.argv) > 3:
        sys.exit(compare(lines, sys.argv[3]))
    for line in lines:
        print(line)


def lists(data, as_of):
    """The three lists at as_of, one sorted "kind,ticket,state" each."""
    lines = []
    for tid, (r, times, cbs) in data.items():
        done = times["完成时间"]
        if (r.get("工单状态", "") in CANCELLED or done is None
                or done > as_of or done < as_of - WINDOW_DAYS * 86400):
            continue
        kind, first = classify(r, times, cbs, as_of)
        if kind == "loops":
            lines.append("loops,%s,%d" % (tid, (as_of - first[0]) // 86400))
        elif kind:
            state = ("无法联系" if kind == "unreachable" else
                     "已超时" if as_of > done + SLA else "待回访")
            lines.append("%s,%s,%s" % (kind, tid, state))
    lines.sort()
    return lines


def compare(lines, folder):
    """0 when huifang's lists in folder are lines, else 1, saying how."""
    theirs = []
    for kind, name in (("owed", "待回访"), ("loops", "未闭环"),
                       ("unreachable", "无法联系")):
        with open(os.path.join(folder, name + ".csv"),
                  encoding="utf-8-sig", newline="") as fp:
            for r in list(csv.reader(fp))[1:]:
                theirs.append("%s,%s,%s" % (kind, r[2], r[10]))
    theirs.sort()
    if theirs != lines:
        import difflib
        for d in difflib.unified_diff(lines, theirs, "independent",
                                      "huifang", lineterm=""):
            print(d)
        return 1
    print("worklists agree: %d owed, %d loops, %d unreachable" % tuple(
        sum(1 for x in lines if x.startswith(k + ","))
        for k in ("owed", "loops", "unreachable")))
    return 0


def batch(listing):
    """--batch FILE: one check per line "AS_OF<TAB>DIR<TAB>WORKLISTS<TAB>
    NAME NAME ...", the exports NAME of DIR (each read once for all)."""
    failed = 0
    with open(listing, encoding="utf-8") as fp:
        for row in fp:
            as_of_text, folder, worklists, names = row.rstrip("\n").split("\t")
            print("%s: " % as_of_text, end="")
            failed |= compare(lists(read(folder, names.split()),
                                    parse_time(as_of_text)), worklists)
    return failed


if __name__ == "__main__":
    main()
