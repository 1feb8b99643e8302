#!/usr/bin/python3
# The e2e test's comparisons (tests/e2e/excel.sh).
#   check.py same-run CSV_OUT OTHER_OUT [--any-file]
#                                          the runs' artifacts agree
#                                          (--any-file: whatever the
#                                          files' names in rejects.csv)
#   check.py written FIXTURES              workbooks huifang wrote
import csv
import glob
import json
import os
import re
import sys

failed = []


def fail(msg):
    failed.append(msg)
    print("FAIL " + msg)


def stem(name):
    # "book.xlsx[Sheet]" and "book.csv" are the same export.
    return re.sub(r"\.(csv|xlsx|xls)(\[[^]]*\])?$", "", name)


def no_files(o):
    # File names, kinds of encoding and sheet names differ by design; so
    # does a tripped gate's message, which names the file to look at.
    if isinstance(o, dict):
        return {k: no_files(v) for k, v in o.items()
                if k not in ("name", "encoding", "file", "sha256",
                             "message", "message_zh")}
    if isinstance(o, list):
        return [no_files(v) for v in o]
    return o


def rejects(path):
    with open(path, encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))[1:]
    # file, line, code and the original fields; a sheet's message and
    # column also name the cell, a CSV's do not.
    return [[stem(r[0]), r[1], r[3]] + r[6:] for r in rows]


def same_run(a, b, any_file=False):
    for week in sorted(os.listdir(os.path.join(a, "weeks"))):
        for art in ("metrics.json", "samples.json", "records.json"):
            pa = os.path.join(a, "weeks", week, art)
            pb = os.path.join(b, "weeks", week, art)
            ja = no_files(json.load(open(pa)))
            jb = no_files(json.load(open(pb)))
            if ja != jb:
                fail("%s differs: %s and %s" % (art, pa, pb))
    ra = rejects(os.path.join(a, "rejects.csv"))
    rb = rejects(os.path.join(b, "rejects.csv"))
    if any_file:
        # One workbook of several sheets against a CSV per sheet.
        ra = [r[1:] for r in ra]
        rb = [r[1:] for r in rb]
    if ra != rb:
        fail("rejects differ:\n  %s\n  %s" % (ra, rb))


def written(fx):
    import openpyxl
    week = os.path.join(fx, "run", "weeks", "2026-W47")
    m = json.load(open(os.path.join(week, "metrics.json")))
    s = json.load(open(os.path.join(week, "samples.json")))
    for level in s["levels"]:
        path = os.path.join(week, "抽查表-%s.xlsx" % level["id"])
        wb = openpyxl.load_workbook(path)
        names = wb.sheetnames
        centers = sorted({it["center"] for it in level["items"]},
                         key=lambda c: c.encode())
        if names != ["说明", "分层"] + centers + ["样本标识"]:
            fail("%s: sheets %s" % (path, names))
        ident = wb["样本标识"]
        if ident.sheet_state != "hidden":
            fail("%s: 样本标识 is not hidden" % path)
        got = [[c.value for c in r] for r in ident.iter_rows(min_row=2)]
        want = [[s["week"], level["id"], s["seed"], it["ticket"],
                 it["key_hex"]] for it in level["items"]]
        if got != want:
            fail("%s: the sample identity differs" % path)
        for c in centers:
            ws = wb[c]
            if ws.freeze_panes != "A2":
                fail("%s[%s]: header not frozen" % (path, c))
            if ws.page_setup.paperSize != 9:
                fail("%s[%s]: not A4" % (path, c))
            dv = {str(d.sqref)[0]: d.formula1
                  for d in ws.data_validations.dataValidation}
            if dv.get("O") != '"是,否,无法联系"' or \
               dv.get("P") != '"非常满意,满意,一般,不满意,非常不满意"':
                fail("%s[%s]: drop-down lists %s" % (path, c, dv))
            items = [it for it in level["items"] if it["center"] == c]
            for it, row in zip(items, ws.iter_rows(min_row=2)):
                if row[2].value != it["ticket"] or row[2].data_type != "s":
                    fail("%s[%s]: ticket %s" % (path, c, row[2].value))
                if row[8].data_type != "d" or \
                   row[8].value.strftime("%Y-%m-%d %H:%M:%S") != \
                   it["completed_at"]:
                    fail("%s[%s]: completed_at %s" % (path, c, row[8].value))
            if ws.max_row != len(items) + 1:
                fail("%s[%s]: %d rows" % (path, c, ws.max_row))
        # LibreOffice reads back the text the audit CSV holds, column by
        # column name (the CSV has more columns: 周次, 内容, 来源 ...).
        with open(os.path.join(week, "抽查表-%s.csv" % level["id"]),
                  encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
        shared = [n for n in rows[0] if n in AUDIT_SHARED]
        if len(shared) != len(AUDIT_SHARED):
            fail("抽查表-%s.csv: columns %s" % (level["id"], rows[0]))
        pick = [rows[0].index(n) for n in AUDIT_SHARED]
        want_rows = [[r[i] for i in pick] for r in rows[1:]]
        got_rows = []
        for c in centers:
            with open(os.path.join(fx, "written", "抽查表-%s-%s.csv"
                                   % (level["id"], c)),
                      encoding="utf-8") as f:
                rows = list(csv.reader(f))
            pick = [rows[0].index(n) for n in AUDIT_SHARED]
            got_rows += [[r[i] for i in pick] for r in rows[1:]]
        if sorted(got_rows) != sorted(want_rows):
            fail("抽查表-%s: LibreOffice's text differs from the CSV"
                 % level["id"])
    wb = openpyxl.load_workbook(os.path.join(week, "周指标.xlsx"))
    if wb.sheetnames != ["按类型", "按子类", "按服务中心", "服务中心×类型",
                         "按管家"]:
        fail("周指标.xlsx: sheets %s" % wb.sheetnames)
    ws = wb["按类型"]
    for g, row in zip(m["by_type"], ws.iter_rows(min_row=2)):
        if row[0].value != g["type"] or row[1].value != g["eligible"] or \
           row[1].data_type != "n":
            fail("按类型: %s" % [c.value for c in row])
        if g["coverage"] is not None and (
                abs(row[3].value - g["coverage"]) > 1e-12 or
                row[3].number_format != "0.0%"):
            fail("按类型: coverage %s" % row[3].value)
    with open(os.path.join(fx, "written", "周指标-按服务中心.csv"),
              encoding="utf-8") as f:
        got = [r[:2] for r in list(csv.reader(f))[1:]]
    if got != [[g["center"], str(g["eligible"])] for g in m["by_center"]]:
        fail("周指标-按服务中心: LibreOffice's text %s" % got[:3])


    # The worklists: every owed ticket and open loop, in its centre's
    # workbook, on its butler's sheet; owed first, in metrics order.
    want = {}
    for kind, lst in (("待回访", m["owed"]), ("不满意未闭环", m["loops_open_list"])):
        for it in lst:
            key = (it["center"], it["butler"] or "未指定责任人")
            want.setdefault(key, []).append([kind, it["ticket"]])
    got = {}
    for path in glob.glob(os.path.join(week, "回访工作单-*.xlsx")):
        wb = openpyxl.load_workbook(path)
        center = os.path.basename(path)[len("回访工作单-"):-len(".xlsx")]
        if wb.sheetnames != sorted(wb.sheetnames, key=lambda n: n.encode()):
            fail("%s: sheets not in order: %s" % (path, wb.sheetnames))
        for ws in wb:
            rows = [[c.value for c in r[:2]] for r in ws.iter_rows(min_row=2)]
            got[(center, ws.title)] = rows
            if ws["B2"].data_type != "s":
                fail("%s[%s]: a ticket number is not text" % (path, ws.title))
    if got != want:
        fail("worklists differ from metrics.json: %d sheets, want %d"
             % (len(got), len(want)))

# The columns the audit workbook and the audit CSV both have.
AUDIT_SHARED = ["服务中心", "责任人", "工单编号", "工单类型", "工单子类", "楼栋房号",
                "业主姓名", "联系电话", "完成时间", "首次回访时间", "回访方式",
                "满意度", "回访人", "抽样原因"]

if sys.argv[1] == "same-run":
    same_run(sys.argv[2], sys.argv[3], sys.argv[4:] == ["--any-file"])
elif sys.argv[1] == "written":
    written(sys.argv[2])
sys.exit(1 if failed else 0)
