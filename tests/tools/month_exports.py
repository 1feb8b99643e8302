#!/usr/bin/env python3
"""Daily exports for a simulated month of nightly runs (tests/e2e/month.sh).

usage: month_exports.py OUT_DIR

Writes, for every day D from 2026-10-26 to 2026-12-07, the exports an ERP
takes at 01:00 of the next day: OUT_DIR/tickets-D.csv (every ticket created,
completed or rectified on D, as it stands at the end of D) and
OUT_DIR/callbacks-D.csv (every callback and attempt recorded on D), and the
special files the month's story needs:

  late-callback.csv   a callback of 2026-11-13 that was keyed in on 11-20: it
                      arrives with the exports of 11-20, after 2026-W46 was
                      issued (a late correction)
  broken-export.csv   a full re-export whose 工单类型 holds system codes, so
                      every row is rejected (a broken export)

Deterministic: random.Random(20261126), no clock.
"""
import csv
import datetime as dt
import os
import random
import sys

TZ = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 10, 26, tzinfo=TZ)
DAYS = 43                       # to 2026-12-07 inclusive
CENTRES = {"东湖苑物业服务中心": ["李明", "王芳"],
           "西山里物业服务中心": ["赵强", "孙丽"]}
TYPES = [("报事报修", "公区维修"), ("报事报修", "户内维修"),
         ("投诉", "房屋管理类"), ("特约服务", "家政服务")]
SATS = ["非常满意"] * 5 + ["满意"] * 8 + ["一般"] * 2 + ["不满意"] * 2
TICKET_HEAD = ["工单编号", "服务中心", "楼栋房号", "业主姓名", "联系电话",
               "工单类型", "工单子类", "内容", "责任人", "工单状态", "创建时间",
               "完成时间", "更新时间", "整改完成时间"]
CB_HEAD = ["工单编号", "回访时间", "回访方式", "满意度", "回访结果", "回访人"]


def fmt(t):
    return t.strftime("%Y-%m-%d %H:%M:%S")


def world():
    rnd = random.Random(20261126)
    tickets, n = [], 0
    for day in range(DAYS):
        for _ in range(rnd.randint(12, 18)):
            n += 1
            centre = rnd.choice(sorted(CENTRES))
            typ, sub = rnd.choice(TYPES)
            created = START + dt.timedelta(days=day,
                                           minutes=rnd.randint(420, 1200))
            done = created + dt.timedelta(minutes=rnd.randint(30, 1800))
            t = {"id": "GD%05d" % n, "centre": centre,
                 "butler": rnd.choice(CENTRES[centre]), "type": typ,
                 "sub": sub, "unit": "%d栋%d室" % (rnd.randint(1, 9),
                                                   rnd.randint(101, 2204)),
                 "owner": rnd.choice("张王李赵陈") + "先生",
                 "phone": "1%010d" % rnd.randint(3000000000, 9999999999),
                 "created": created, "done": done, "cancelled": False,
                 "rectified": None, "calls": []}
            roll = rnd.random()
            if roll < 0.03:
                t["cancelled"] = True
            elif roll < 0.07:
                pass                                # never called: owed
            elif roll < 0.09:
                t["calls"].append((done + dt.timedelta(hours=3), "空号"))
            elif roll < 0.11:                       # 3 attempts, 2 days
                for h in (2, 5, 26):
                    t["calls"].append((done + dt.timedelta(hours=h),
                                       "无人接听"))
            else:
                at = done + dt.timedelta(minutes=rnd.randint(20, 60 * 60))
                if rnd.random() < 0.2:
                    t["calls"].append((at - dt.timedelta(hours=1),
                                       "未接通"))
                sat = rnd.choice(SATS)
                t["calls"].append((at, sat))
                if sat == "不满意" and rnd.random() < 0.6:
                    t["rectified"] = at + dt.timedelta(days=rnd.randint(1, 3))
                    t["calls"].append((t["rectified"] +
                                       dt.timedelta(hours=5), "满意"))
            tickets.append(t)
    return tickets


def ticket_row(t, end):
    done = t["done"] if t["done"] < end else None
    rect = t["rectified"] if t["rectified"] and t["rectified"] < end else None
    events = [x for x in (t["created"], done, rect) if x]
    status = ("已取消" if t["cancelled"] and done else
              "已完成" if done else "处理中")
    return [t["id"], t["centre"], t["unit"], t["owner"], t["phone"],
            t["type"], t["sub"], "报修内容", t["butler"], status,
            fmt(t["created"]), fmt(done) if done else "", fmt(max(events)),
            fmt(rect) if rect else ""]


def write(path, head, rows):
    with open(path, "w", encoding="utf-8", newline="") as fp:
        w = csv.writer(fp, lineterminator="\r\n")
        w.writerow(head)
        w.writerows(rows)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    tickets = world()
    late = None
    for day in range(DAYS):
        begin = START + dt.timedelta(days=day)
        end = begin + dt.timedelta(days=1)
        rows, calls = [], []
        for t in tickets:
            if any(x and begin <= x < end
                   for x in (t["created"], t["done"], t["rectified"])):
                rows.append(ticket_row(t, end))
            for at, what in t["calls"]:
                if not begin <= at < end:
                    continue
                first = [c for c in t["calls"]
                         if c[1] not in ("空号", "未接通", "无人接听")][:1]
                if (late is None and fmt(at)[:10] == "2026-11-13"
                        and what in ("满意", "非常满意")
                        and [(at, what)] == first):
                    late = (t["id"], at, what, t["butler"])
                    continue
                attempt = what in ("空号", "未接通", "无人接听")
                calls.append([t["id"], fmt(at), "电话",
                              "" if attempt else what,
                              what if attempt else "已回访", t["butler"]])
        name = begin.strftime("%Y-%m-%d")
        write(os.path.join(out, "tickets-%s.csv" % name), TICKET_HEAD, rows)
        write(os.path.join(out, "callbacks-%s.csv" % name), CB_HEAD, calls)
    tid, at, what, who = late
    write(os.path.join(out, "late-callback.csv"), CB_HEAD,
          [[tid, fmt(at), "电话", what, "已回访", who]])
    end = START + dt.timedelta(days=38)             # to 2026-12-03 00:00
    broken = []
    for t in tickets:
        if t["created"] < end:
            r = ticket_row(t, end)
            r[5] = "1001"
            broken.append(r)
    write(os.path.join(out, "broken-export.csv"), TICKET_HEAD, broken)


if __name__ == "__main__":
    main()
