#!/usr/bin/env python3
"""An independent count of metrics.json's by_center_type over the exports.

usage: center_type_check.py INPUT_DIR METRICS_JSON AS_OF WEEK_MONDAY

Written from SPEC §2-§4 and §8 alone, sharing no code with huifang: reads
every *.csv of INPUT_DIR (UTF-8 or GB18030, §8.2), rejects rows as §8.3
says, keeps the winning version of each ticket (§8.7), and counts for each
(centre, type) of the report week the eligible tickets and those called
back (a valid callback: inline first or second, or a callback export row,
not an attempt, completion <= time <= as-of, a date alone meaning that
day, §9.24). It then compares eligible, called_back, coverage, target and
meets_target with metrics.json and prints each difference; exit 1 if any.
Only the bundled sample's shapes are handled (CSV only, default config).
"""
import csv
import datetime as dt
import io
import json
import os
import re
import sys

TYPES = {"报事报修": "报事报修", "报修": "报事报修", "报事": "报事报修",
         "维修": "报事报修", "投诉": "投诉", "客诉": "投诉",
         "特约服务": "特约服务", "有偿服务": "特约服务",
         "有偿特约服务": "特约服务", "特约": "特约服务"}
TARGETS = {"报事报修": 0.90, "投诉": 1.00, "特约服务": 1.00}
ATTEMPTS = {"未接通", "无人接听", "拒访", "空号", "关机", "停机"}
CANCELLED = {"已取消", "作废", "取消"}
TIME_COLS = ["创建时间", "完成时间", "更新时间", "回访时间", "二次回访时间",
             "整改完成时间"]
SPACES = " \t\r\n\u3000\u00a0\ufeff"


def trim(s):
    return s.strip(SPACES)


def fold(s):
    out = []
    for ch in s:
        c = ord(ch)
        if 0xFF01 <= c <= 0xFF5E:
            out.append(chr(c - 0xFEE0))
        elif c == 0x3000:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


DATE_RE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})"
                     r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?"
                     r"(Z|[+-]\d{2}(?::?\d{2})?)?$")
CN_RE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日"
                   r"(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
CHINA = dt.timezone(dt.timedelta(hours=8))


def parse_time(value):
    """(datetime in China time, date_only) or None when it does not parse."""
    s = fold(trim(value))
    m = DATE_RE.match(s) or CN_RE.match(s)
    if m:
        g = m.groups()
        try:
            d = dt.datetime(int(g[0]), int(g[1]), int(g[2]),
                            int(g[3] or 0), int(g[4] or 0), int(g[5] or 0))
        except ValueError:
            return None
        if g[3] is not None and int(g[3]) > 23:
            return None
        if len(g) > 6 and g[6]:
            if float("0." + g[6]) >= 0.5:
                d += dt.timedelta(seconds=1)
        if len(g) > 7 and g[7]:
            off = g[7]
            if off == "Z":
                delta = dt.timedelta(0)
            else:
                sign = -1 if off[0] == "-" else 1
                digits = off[1:].replace(":", "")
                delta = sign * dt.timedelta(hours=int(digits[:2]),
                                            minutes=int(digits[2:] or 0))
            d = (d.replace(tzinfo=dt.timezone(delta)).astimezone(CHINA)
                 .replace(tzinfo=None))
        return d, g[3] is None
    if re.match(r"^\d+(\.\d+)?$", s):
        serial = float(s)
        if not 1 <= serial < 2958466:
            return None
        days = int(serial)
        secs = int((serial - days) * 86400 + 0.5)
        return dt.datetime(1899, 12, 30) + dt.timedelta(days=days,
                                                        seconds=secs), False
    return None


def read_rows(path):
    raw = open(path, "rb").read()
    if raw.startswith(b"\xef\xbb\xbf"):
        enc, raw = "utf-8", raw[3:]
    else:
        try:
            raw.decode("utf-8")
            enc = "utf-8"
        except UnicodeDecodeError:
            text = raw.decode("utf-8", "replace")
            bad = text.count("\ufffd")
            multi = sum(1 for ch in text if ord(ch) > 0x7f) - bad
            enc = "utf-8" if bad * 20 < multi else "gb18030"
    text = raw.decode(enc, "surrogateescape")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    for row in reader:
        if not row or all(not f.strip() for f in row) and len(row) == 1:
            continue
        rows.append(row)
    return rows


def main():
    input_dir, metrics_path, as_of_text, monday_text = sys.argv[1:5]
    as_of = dt.datetime.strptime(as_of_text, "%Y-%m-%d %H:%M:%S")
    start = dt.datetime.strptime(monday_text, "%Y-%m-%d")
    end = start + dt.timedelta(days=7)
    tickets = {}      # id -> (key, record)
    callbacks = {}    # id -> [(time, date_only)]
    names = sorted(n for n in os.listdir(input_dir)
                   if n.lower().endswith(".csv") and not n.startswith("."))
    for order, name in enumerate(sorted(names, key=lambda n: n.encode())):
        rows = read_rows(os.path.join(input_dir, name))
        header = [trim(h) for h in rows[0]]
        col = {h: i for i, h in enumerate(header)}
        is_ticket = "工单类型" in col
        for line, row in enumerate(rows[1:], start=2):
            if len(row) != len(header):
                continue
            if any("\udc80" <= ch <= "\udcff" for f in row for ch in f):
                continue
            rec = {h: trim(row[i]) for h, i in col.items()}
            tid = rec.get("工单编号", "")
            if not tid:
                continue
            if is_ticket and TYPES.get(rec["工单类型"]) is None:
                continue
            if not is_ticket and not rec.get("回访时间"):
                continue
            times = {}
            ok = True
            for c in TIME_COLS:
                if rec.get(c):
                    t = parse_time(rec[c])
                    if t is None:
                        ok = False
                        break
                    times[c] = t
            if not ok:
                continue
            if not is_ticket:
                if (rec.get("回访结果") in ATTEMPTS or
                        rec.get("满意度") in ATTEMPTS):
                    continue
                callbacks.setdefault(tid, []).append(times["回访时间"])
                continue
            upd = times.get("更新时间")
            key = (upd is not None, upd[0] if upd else dt.datetime.min,
                   order, line)
            rec["_times"] = times
            if tid not in tickets or key > tickets[tid][0]:
                tickets[tid] = (key, rec)
    counts = {}
    for tid, (_, rec) in tickets.items():
        done = rec["_times"].get("完成时间")
        if (done is None or rec.get("工单状态") in CANCELLED or
                not start <= done[0] < end or done[0] > as_of):
            continue
        cbs = list(callbacks.get(tid, []))
        if rec["_times"].get("回访时间") and not (
                rec.get("回访结果") in ATTEMPTS or rec.get("满意度") in ATTEMPTS):
            cbs.append(rec["_times"]["回访时间"])
        if rec["_times"].get("二次回访时间") and \
                rec.get("二次满意度") not in ATTEMPTS:
            cbs.append(rec["_times"]["二次回访时间"])
        valid = False
        for at, date_only in cbs:
            if at > as_of:
                continue
            if date_only:
                if at.date() >= done[0].date():
                    valid = True
            elif at >= done[0]:
                valid = True
        group = (rec.get("服务中心") or "未指定", TYPES[rec["工单类型"]])
        e, c = counts.get(group, (0, 0))
        counts[group] = (e + 1, c + (1 if valid else 0))

    metrics = json.load(open(metrics_path, encoding="utf-8"))
    theirs = {(g["center"], g["type"]): g for g in metrics["by_center_type"]}
    diffs = 0
    for group in sorted(set(counts) | set(theirs)):
        mine = counts.get(group)
        g = theirs.get(group)
        if mine is None or g is None:
            print("only in %s: %s/%s" % ("metrics.json" if mine is None
                                          else "the script", *group))
            diffs += 1
            continue
        e, c = mine
        want = {"eligible": e, "called_back": c, "coverage": c / e,
                "target": TARGETS[group[1]],
                "meets_target": c / e >= TARGETS[group[1]]}
        for k, v in want.items():
            got = g[k]
            same = (abs(got - v) < 1e-12 if isinstance(v, float)
                    and not isinstance(v, bool) else got == v)
            if not same:
                print("%s/%s %s: script %r, metrics.json %r"
                      % (group[0], group[1], k, v, got))
                diffs += 1
    print("center_type_check: %d groups, %d differences"
          % (len(counts), diffs))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
