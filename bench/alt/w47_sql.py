#!/usr/bin/python3
# bench/alt/w47_sql.py - the bench's question as one SQL script, for
# sqlite3 (.import of each file, then one query) or DuckDB (read_csv over
# the files, then the same query). The rules are bench/alt/w47.py's, in
# SQL: times of the forms huifang gen writes (Y-M-D or Y/M/D with one- or
# two-digit month and day, full-width digits, an ISO offset, an Excel
# serial) are turned into seconds once per distinct text.
# usage: w47_sql.py sqlite|duckdb DIR   (prints the script on stdout)
import calendar
import os
import sys
import time

dialect, folder = sys.argv[1], sys.argv[2]
names = sorted((n for n in os.listdir(folder) if n.lower().endswith('.csv')),
               key=lambda n: n.encode())
TICKET_COLS = ['工单编号', '服务中心', '工单类型', '责任人', '工单状态', '完成时间', '更新时间',
               '回访时间', '满意度', '回访结果', '回访人', '二次回访时间', '二次满意度']
CB_COLS = ['工单编号', '回访时间', '满意度', '回访结果', '回访人']
WS = "' ' || chr(9) || chr(13) || chr(10) || chr(12288) || chr(160) || chr(65279)"
if dialect == 'sqlite':
    WS = WS.replace('chr(', 'char(')


def secs(text):
    # China time as if it were UTC, as the time table's seconds are.
    return calendar.timegm(time.strptime(text, '%Y-%m-%d %H:%M:%S'))


def header(path):
    with open(path, encoding='utf-8-sig') as f:
        return f.readline().rstrip('\r\n').split(',')


def q(s):
    return "'" + s.replace("'", "''") + "'"


def trim(col):
    return 'trim(coalesce("%s", \'\'), %s)' % (col, WS)


out = []
tickets = [(i, n) for i, n in enumerate(names) if '工单类型' in header(os.path.join(folder, n))]
cbs = [(i, n) for i, n in enumerate(names) if '工单类型' not in header(os.path.join(folder, n))]
cols_t = ', '.join('%s AS "%s"' % (trim(c), c) for c in TICKET_COLS)
cols_c = ', '.join('%s AS "%s"' % (trim(c), c) for c in CB_COLS)
if dialect == 'sqlite':
    out.append('.mode csv')
    for i, n in enumerate(names):
        out.append('.import %s raw%d' % (q(os.path.join(folder, n))[1:-1], i))
    sel_t = ' UNION ALL '.join('SELECT %d AS file, rowid AS line, %s FROM raw%d' % (i, cols_t, i)
                               for i, _ in tickets)
    sel_c = ' UNION ALL '.join('SELECT %d AS file, rowid AS line, %s FROM raw%d' % (i, cols_c, i)
                               for i, _ in cbs)
    epoch = "unixepoch(printf('%04d-%02d-%02d %02d:%02d:%02d', y, m, d, h, mi, s))"
    out.append('CREATE TABLE tk AS %s;' % sel_t)
    out.append('CREATE TABLE cbx AS %s;' % sel_c)
    out.append('.mode tabs')
    cast = 'CAST(%s AS INTEGER)'
    rnd = 'CAST(round(CAST(v AS REAL) * 86400) AS INTEGER)'
else:
    def read(files):
        lst = '[' + ', '.join(q(os.path.join(folder, n)) for _, n in files) + ']'
        return ("read_csv(%s, all_varchar = true, header = true, union_by_name = true, "
                "filename = true)" % lst)
    order = ' '.join("WHEN %s THEN %d" % (q(os.path.join(folder, n)), i) for i, n in enumerate(names))
    # A table keeps the order rows were read in (preserve_insertion_order,
    # the default), and its rowid numbers them: the line order the
    # duplicate rules need.
    pick = lambda cols: ', '.join('"%s"' % c for c in ['filename'] + cols)
    out.append('CREATE TABLE rawt AS SELECT %s FROM %s;' % (pick(TICKET_COLS), read(tickets)))
    out.append('CREATE TABLE rawc AS SELECT %s FROM %s;' % (pick(CB_COLS), read(cbs)))
    out.append('CREATE TABLE tk AS SELECT CASE filename %s END AS file, '
               'rowid AS line, %s FROM rawt;' % (order, cols_t))
    out.append('CREATE TABLE cbx AS SELECT CASE filename %s END AS file, '
               'rowid AS line, %s FROM rawc;' % (order, cols_c))
    epoch = 'epoch(make_timestamp(y, m, d, h, mi, s))::BIGINT'
    cast = 'TRY_CAST(%s AS BIGINT)'
    rnd = 'CAST(round(CAST(v AS DOUBLE) * 86400) AS BIGINT)'

fold = 'v'
for a, b in [('０', '0'), ('１', '1'), ('２', '2'), ('３', '3'), ('４', '4'), ('５', '5'),
             ('６', '6'), ('７', '7'), ('８', '8'), ('９', '9'), ('－', '-'), ('：', ':'),
             ('／', '/'), ('\u3000', ' '), ('/', '-'), ('T', ' ')]:
    fold = "replace(%s, '%s', '%s')" % (fold, a, b)
c = lambda e: cast % e
out.append("""
CREATE TABLE tm AS
WITH raw AS (
  SELECT DISTINCT v FROM (
    SELECT "完成时间" AS v FROM tk UNION ALL SELECT "更新时间" FROM tk
    UNION ALL SELECT "回访时间" FROM tk UNION ALL SELECT "二次回访时间" FROM tk
    UNION ALL SELECT "回访时间" FROM cbx) AS x WHERE v <> ''),
f AS MATERIALIZED (SELECT v, %(fold)s AS f FROM raw),
p1 AS MATERIALIZED (SELECT v, f, substr(f, 1, 4) AS y, substr(f, 6) AS r1 FROM f),
p2 AS MATERIALIZED (SELECT v, f, y, substr(r1, 1, instr(r1, '-') - 1) AS m,
              substr(r1, instr(r1, '-') + 1) AS r2 FROM p1),
p3 AS MATERIALIZED (SELECT v, f, y, m, substr(r2, 1, instr(r2, ' ') - 1) AS d,
              substr(r2, instr(r2, ' ') + 1) AS r3 FROM p2),
p4 AS MATERIALIZED (SELECT v, f, y, m, d, substr(r3, 1, instr(r3, ':') - 1) AS h,
              substr(r3, instr(r3, ':') + 1) AS r4 FROM p3),
p5 AS MATERIALIZED (SELECT v, f, %(y)s AS y, %(m)s AS m, %(d)s AS d, %(h)s AS h,
              %(mi)s AS mi, %(s)s AS s, substr(r4, 6) AS off FROM p4)
SELECT v, CASE
  WHEN instr(f, '-') = 0 THEN %(rnd)s - 2209161600
  ELSE %(epoch)s + CASE WHEN off = '' THEN 0 ELSE 8 * 3600 -
    (CASE WHEN substr(off, 1, 1) = '-' THEN -1 ELSE 1 END) *
    (%(oh)s * 3600 + %(om)s * 60) END
  END AS secs
FROM p5;
CREATE UNIQUE INDEX tm_v ON tm (v);
""" % {'fold': fold, 'y': c('y'), 'm': c('m'), 'd': c('d'), 'h': c('h'),
       'mi': c('substr(r4, 1, 2)'), 's': c('substr(r4, 4, 2)'), 'rnd': rnd.replace('v', 'f'),
       'epoch': epoch, 'oh': c('substr(off, 2, 2)'), 'om': c("substr(replace(off, ':', ''), 4, 2)")})

types = {'报事报修': '报事报修', '报修': '报事报修', '报事': '报事报修', '维修': '报事报修',
         '投诉': '投诉', '客诉': '投诉',
         '特约服务': '特约服务', '有偿服务': '特约服务', '有偿特约服务': '特约服务', '特约': '特约服务'}
sat = {'非常满意': 5, '很满意': 5, '满意': 4, '较满意': 4, '比较满意': 4, '基本满意': 4,
       '一般': 3, '不满意': 2, '非常不满意': 1, '很不满意': 1}
for i in range(1, 6):
    for k in (str(i), chr(0xFF10 + i), '★' * i, '%d星' % i, '%d分' % i):
        sat[k] = i
values = lambda d: ', '.join('(%s, %s)' % (q(k), q(v) if isinstance(v, str) else v) for k, v in d.items())
attempt = ', '.join(q(w) for w in ['未接通', '无人接听', '拒访', '空号', '关机', '停机'])
out.append("""
CREATE TABLE types (alias TEXT, type TEXT);
INSERT INTO types VALUES %(types)s;
CREATE TABLE sat (label TEXT, level INTEGER);
INSERT INTO sat VALUES %(sat)s;
CREATE TABLE win AS
WITH t AS (
  SELECT tk.*, types.type, u.secs AS upd, c.secs AS done,
         row_number() OVER (PARTITION BY "工单编号" ORDER BY
           CASE WHEN u.secs IS NULL THEN 0 ELSE 1 END DESC, u.secs DESC,
           file DESC, line DESC) AS rk
  FROM tk JOIN types ON types.alias = tk."工单类型"
  LEFT JOIN tm u ON u.v = tk."更新时间" LEFT JOIN tm c ON c.v = tk."完成时间"
  WHERE tk."工单编号" <> '')
SELECT * FROM t WHERE rk = 1;
CREATE TABLE el AS SELECT * FROM win
  WHERE done >= %(lo)d AND done < %(hi)d AND done <= %(asof)d
    AND "工单状态" NOT IN ('已取消', '作废', '取消');
CREATE UNIQUE INDEX el_id ON el ("工单编号");
CREATE TABLE occ AS
SELECT "工单编号" AS id, "回访时间" AS tv, "回访人" AS who, "满意度" AS sat, "回访结果" AS res,
       0 AS kind, file, line FROM win WHERE "回访时间" <> ''
UNION ALL
SELECT "工单编号", "二次回访时间", '', "二次满意度", '', 1, file, line FROM win WHERE "二次回访时间" <> ''
UNION ALL
SELECT "工单编号", "回访时间", "回访人", "满意度", "回访结果", 2, file, line FROM cbx
  WHERE "工单编号" <> '' AND "回访时间" <> '';
CREATE TABLE firsts AS
WITH o AS (
  SELECT occ.*, tm.secs AS cb_at FROM occ JOIN tm ON tm.v = occ.tv
  WHERE occ.id IN (SELECT "工单编号" FROM el)),
last AS (
  SELECT o.*, row_number() OVER (PARTITION BY id, cb_at, who ORDER BY file DESC, line DESC, kind DESC) AS latest
  FROM o),
valid AS (
  SELECT last.*, el.done FROM last JOIN el ON el."工单编号" = last.id
  WHERE latest = 1 AND res NOT IN (%(attempt)s) AND sat NOT IN (%(attempt)s)
    AND cb_at >= el.done AND cb_at <= %(asof)d),
ranked AS (
  SELECT valid.*, row_number() OVER (PARTITION BY id ORDER BY cb_at, kind, file, line) AS n FROM valid)
SELECT id, sat FROM ranked WHERE n = 1;
SELECT 'type', t.type, count(el."工单编号"), count(f.id), count(s.level),
       count(CASE WHEN s.level >= 4 THEN 1 END)
FROM (SELECT DISTINCT type FROM types) t LEFT JOIN el ON el.type = t.type
LEFT JOIN firsts f ON f.id = el."工单编号" LEFT JOIN sat s ON s.label = f.sat
GROUP BY t.type;
SELECT 'butler', CASE WHEN "服务中心" = '' THEN '未指定' ELSE "服务中心" END AS center,
       "责任人", count(*), count(f.id), count(s.level), count(CASE WHEN s.level >= 4 THEN 1 END)
FROM el LEFT JOIN firsts f ON f.id = el."工单编号" LEFT JOIN sat s ON s.label = f.sat
WHERE "责任人" <> '' GROUP BY center, "责任人";
""" % {'types': values(types), 'sat': values(sat), 'attempt': attempt,
       'lo': secs('2026-11-16 00:00:00'), 'hi': secs('2026-11-23 00:00:00'),
       'asof': secs('2026-11-26 08:00:00')})
print('\n'.join(out))
