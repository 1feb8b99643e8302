#!/usr/bin/python3
# Writes the Excel edge cases with openpyxl, each beside its CSV twin: the
# text huifang must read from each cell (SPEC §9.20). The e2e test runs
# both folders and compares what ingest made of them.
# usage: edge.py OUT_DIR   (writes OUT_DIR/xlsx/ and OUT_DIR/csv/)
import csv
import datetime as dt
import os
import sys

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

out = sys.argv[1]
os.makedirs(os.path.join(out, "xlsx"), exist_ok=True)
os.makedirs(os.path.join(out, "csv"), exist_ok=True)

HEADER = ["工单编号", "服务中心", "工单类型", "工单子类", "内容", "责任人",
          "完成时间", "回访时间", "满意度", "联系电话", "回访人"]


def twin(name, rows):
    with open(os.path.join(out, "csv", name), "w", newline="",
              encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows([HEADER] + rows)


def put(ws, r, c, value, fmt=None, text=False):
    cell = ws.cell(row=r, column=c, value=value)
    if fmt:
        cell.number_format = fmt
    if text:
        cell.data_type = "s"    # a string, even if it starts with '='
    return cell


# 1. Cell types, formats and damaged ticket numbers.
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "工单"
for c, h in enumerate(HEADER, 1):
    put(ws, 1, c, h)
done = dt.datetime(2026, 11, 18, 9, 30)
cb = dt.datetime(2026, 11, 19, 10, 15, 30)
rows = []
# Text id; custom date-time format; stars as a number; phone as a number.
put(ws, 2, 1, "822025112000000001")
put(ws, 2, 2, "东区服务中心"); put(ws, 2, 3, "报事报修")
put(ws, 2, 4, "户内维修"); put(ws, 2, 5, "=1+1", text=True)
put(ws, 2, 6, "张三"); put(ws, 2, 7, done, "yyyy/m/d h:mm")
put(ws, 2, 8, cb); put(ws, 2, 9, 5); put(ws, 2, 10, 13812345678)
put(ws, 2, 11, "张三")
rows.append(["822025112000000001", "东区服务中心", "报事报修", "户内维修",
             "=1+1", "张三", "2026-11-18 09:30:00", "2026-11-19 10:15:30",
             "5", "13812345678", "张三"])
# openpyxl writes a big integer in E-notation: flagged, read as Excel
# shows it; a date alone under a CJK format.
put(ws, 3, 1, 822025110000000000)
put(ws, 3, 2, "东区服务中心"); put(ws, 3, 3, "投诉"); put(ws, 3, 4, "")
put(ws, 3, 6, "李四")
put(ws, 3, 7, dt.datetime(2026, 11, 18), 'yyyy"年"m"月"d"日"')
put(ws, 3, 8, dt.datetime(2026, 11, 20, 8, 0), "yyyy-mm-dd hh:mm:ss")
put(ws, 3, 9, "满意"); put(ws, 3, 11, "李四")
rows.append(["8.2202511E+17", "东区服务中心", "投诉", "", "", "李四",
             "2026-11-18", "2026-11-20 08:00:00", "满意", "", "李四"])
# An error cell reads as empty; a time alone is not a timestamp.
put(ws, 4, 1, "T-0003"); put(ws, 4, 2, "西区服务中心")
put(ws, 4, 3, "特约服务"); put(ws, 4, 6, "王五")
put(ws, 4, 7, done); put(ws, 4, 8, dt.time(10, 30), "h:mm:ss")
ws.cell(row=4, column=9).value = "#N/A"
ws.cell(row=4, column=9).data_type = "e"
rows.append(["T-0003", "西区服务中心", "特约服务", "", "", "王五",
             "2026-11-18 09:30:00", "10:30:00", "", "", ""])
# A boolean; a ticket number Excel could not hold (flagged, kept).
put(ws, 5, 1, 822025112000000128.0); put(ws, 5, 2, "西区服务中心")
put(ws, 5, 3, "报事报修"); put(ws, 5, 6, "王五"); put(ws, 5, 7, done)
put(ws, 5, 8, cb); put(ws, 5, 9, "非常满意"); put(ws, 5, 11, True)
rows.append(["8.22025112E+17", "西区服务中心", "报事报修", "", "", "王五",
             "2026-11-18 09:30:00", "2026-11-19 10:15:30", "非常满意", "",
             "TRUE"])
# A value past the header's last column: the wrong field count.
put(ws, 6, 1, "T-0005"); put(ws, 6, 3, "投诉"); put(ws, 6, 12, "多余")
rows.append(["T-0005", "", "投诉", "", "", "", "", "", "", "", "", "多余"])
wb.save(os.path.join(out, "xlsx", "edge-types.xlsx"))
twin("edge-types.csv", rows)

# 2. The 1904 date system, and a merged cell giving its value down.
wb = openpyxl.Workbook()
wb.epoch = CALENDAR_MAC_1904
ws = wb.active
ws.title = "台账"
for c, h in enumerate(HEADER, 1):
    put(ws, 1, c, h)
rows = []
for i, r in enumerate(range(2, 5)):
    put(ws, r, 1, "M-%d" % i); put(ws, r, 3, "报事报修")
    put(ws, r, 6, "赵六"); put(ws, r, 7, done + dt.timedelta(hours=i))
    put(ws, r, 8, cb + dt.timedelta(hours=i)); put(ws, r, 9, "一般")
    rows.append(["M-%d" % i, "北区服务中心", "报事报修", "", "", "赵六",
                 (done + dt.timedelta(hours=i)).strftime("%Y-%m-%d %H:%M:%S"),
                 (cb + dt.timedelta(hours=i)).strftime("%Y-%m-%d %H:%M:%S"),
                 "一般", "", ""])
put(ws, 2, 2, "北区服务中心")
ws.merge_cells("B2:B4")
wb.save(os.path.join(out, "xlsx", "edge-ledger.xlsx"))
twin("edge-ledger.csv", rows)

# 3. A hand-kept ledger (issue 15): a title row and a note above the
# header (the profile's header_row: 3), a sheet per area read as files of
# their own (sheets: all), and a hidden lookup sheet that is not read.
# Its CSV twins, one per sheet, carry the same title rows, so that the
# CSV reader's header_row is tested too.
os.makedirs(os.path.join(out, "sheets", "xlsx"), exist_ok=True)
os.makedirs(os.path.join(out, "sheets", "csv"), exist_ok=True)
wb = openpyxl.Workbook()
first = True
for area, ids in (("东区", ("L-1", "L-2")), ("西区", ("L-3", "L-4"))):
    ws = wb.active if first else wb.create_sheet()
    first = False
    ws.title = area
    put(ws, 1, 1, "回访登记台账（%s）" % area)
    ws.merge_cells("A1:K1")
    put(ws, 2, 1, "填表人：张三")
    for c, h in enumerate(HEADER, 1):
        put(ws, 3, c, h)
    rows = [["回访登记台账（%s）" % area] + [""] * 10,
            ["填表人：张三"] + [""] * 10, HEADER]
    for i, tid in enumerate(ids):
        r = 4 + i
        bad = tid == "L-4"
        put(ws, r, 1, tid); put(ws, r, 2, area + "服务中心")
        put(ws, r, 3, "投诉" if i else "报事报修"); put(ws, r, 6, "赵六")
        put(ws, r, 7, done + dt.timedelta(hours=i))
        if bad:
            put(ws, r, 8, "2026-13-01 10:00:00")
        else:
            put(ws, r, 8, cb + dt.timedelta(hours=i))
        put(ws, r, 9, "满意"); put(ws, r, 11, "赵六")
        rows.append([tid, area + "服务中心", "投诉" if i else "报事报修", "",
                     "", "赵六",
                     (done + dt.timedelta(hours=i)).strftime("%Y-%m-%d %H:%M:%S"),
                     "2026-13-01 10:00:00" if bad else
                     (cb + dt.timedelta(hours=i)).strftime("%Y-%m-%d %H:%M:%S"),
                     "满意", "", "赵六"])
    with open(os.path.join(out, "sheets", "csv", "台账-%s.csv" % area), "w",
              newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
ws = wb.create_sheet("选项")
put(ws, 1, 1, "满意度"); put(ws, 2, 1, "满意"); put(ws, 3, 1, "一般")
ws.sheet_state = "hidden"
wb.save(os.path.join(out, "sheets", "xlsx", "台账.xlsx"))
