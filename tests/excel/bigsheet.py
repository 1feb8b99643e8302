#!/usr/bin/python3
# Writes a big .xlsx of ticket rows, streaming, for the memory and speed
# checks of the .xlsx reader (tests/e2e/xlsx_memory.sh, docs/excel.md),
# and optionally the same rows as CSV.
# usage: bigsheet.py ROWS OUT.xlsx [--shared] [--csv OUT.csv]
#   --shared   texts as shared strings (as Excel and POI write them),
#              else inline strings (as streaming writers do)
# Every row has a unique 内容 of about 60 CJK characters, so that shared
# strings cannot collapse; the sheet's XML is about 1 KB a row inline.
import sys
import zipfile

rows = int(sys.argv[1])
out = sys.argv[2]
shared = "--shared" in sys.argv
csv_out = sys.argv[sys.argv.index("--csv") + 1] if "--csv" in sys.argv else None

HEADER = ["工单编号", "服务中心", "工单类型", "工单子类", "内容", "责任人",
          "完成时间", "回访时间", "满意度", "联系电话", "回访人"]
CENTERS = ["翠湖苑物业服务中心", "锦绣华庭物业服务中心", "滨江花园物业服务中心"]
TYPES = [("报事报修", "户内维修"), ("投诉", "服务态度"), ("特约服务", "家政保洁")]
WORDS = "厨房水管漏水请尽快上门维修业主反映楼道灯不亮电梯异响停车位被占用"
SAT = ["非常满意", "满意", "一般", "不满意"]


def row(i):
    c = CENTERS[i % 3]
    t, s = TYPES[i % 3]
    text = "".join(WORDS[(i * 7 + k * 13) % len(WORDS)] for k in range(60))
    text = "%d号楼%d室：%s" % (i % 97 + 1, i % 3001, text)
    day = 16 + i % 5
    done = "2026-11-%02d %02d:%02d:00" % (day, 8 + i % 10, i % 60)
    cb = "2026-11-%02d %02d:%02d:00" % (day + 1, 9 + i % 10, (i * 7) % 60)
    return ["8220251%011d" % i, c, t, s, text, "管家%d" % (i % 40), done, cb,
            SAT[i % 4], "138%08d" % i, "客服%d" % (i % 9)]


def col(c):
    return chr(ord("A") + c)


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


sst = {}
sst_list = []


def cell(r, c, v):
    if shared:
        k = sst.get(v)
        if k is None:
            k = sst[v] = len(sst_list)
            sst_list.append(v)
        return '<c r="%s%d" t="s"><v>%d</v></c>' % (col(c), r, k)
    return '<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (
        col(c), r, esc(v))


NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RNS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    z.writestr("[Content_Types].xml",
               '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
               '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
               '<Default Extension="xml" ContentType="application/xml"/></Types>')
    z.writestr("_rels/.rels",
               '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               '<Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>' % RNS)
    z.writestr("xl/workbook.xml",
               '<?xml version="1.0"?><workbook %s xmlns:r="%s"><sheets>'
               '<sheet name="工单" sheetId="1" r:id="rId1"/></sheets></workbook>' % (NS, RNS))
    rels = '<Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/>' % RNS
    if shared:
        rels += '<Relationship Id="rId2" Type="%s/sharedStrings" Target="sharedStrings.xml"/>' % RNS
    z.writestr("xl/_rels/workbook.xml.rels",
               '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">%s</Relationships>' % rels)
    cf = open(csv_out, "w", encoding="utf-8") if csv_out else None
    with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
        f.write(('<?xml version="1.0"?><worksheet %s><sheetData>' % NS).encode())
        buf = []
        for r in range(1, rows + 2):
            v = HEADER if r == 1 else row(r - 2)
            buf.append('<row r="%d">%s</row>' % (
                r, "".join(cell(r, c, x) for c, x in enumerate(v))))
            if cf:
                cf.write(",".join(v) + "\n")
            if len(buf) == 2000:
                f.write("".join(buf).encode())
                buf = []
        f.write(("".join(buf) + "</sheetData></worksheet>").encode())
    if cf:
        cf.close()
    if shared:
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(('<?xml version="1.0"?><sst %s count="%d" uniqueCount="%d">'
                     % (NS, len(sst_list), len(sst_list))).encode())
            for i in range(0, len(sst_list), 2000):
                f.write("".join("<si><t>%s</t></si>" % esc(s)
                                for s in sst_list[i:i + 2000]).encode())
            f.write(b"</sst>")
