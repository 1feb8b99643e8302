#!/usr/bin/python3
# bench/alt/w47.py - the bench's question answered with pandas: 2026-W47
# coverage and satisfaction by type and by butler, from the raw CSV
# exports, with huifang's rules for this data (SPEC 8.4-8.9, 8.13-8.14:
# type aliases, the latest 更新时间 wins, the callback identity repeat,
# attempts, valid and first callbacks, satisfaction aliases and stars).
# It prints the lines bench/alt/answer.py prints from metrics.json:
#   type<TAB>TYPE<TAB>eligible<TAB>called_back<TAB>rated<TAB>satisfied
#   butler<TAB>CENTER<TAB>BUTLER<TAB>eligible<TAB>...
# usage: w47.py DIR   (DIR: tickets-*.csv and callbacks.csv)
import glob
import os
import sys

import pandas as pd

AS_OF = '2026-11-26 08:00:00'
WEEK = ('2026-11-16 00:00:00', '2026-11-23 00:00:00')
TYPES = {'报事报修': '报事报修', '报修': '报事报修', '报事': '报事报修', '维修': '报事报修',
         '投诉': '投诉', '客诉': '投诉',
         '特约服务': '特约服务', '有偿服务': '特约服务', '有偿特约服务': '特约服务', '特约': '特约服务'}
CANCELLED = {'已取消', '作废', '取消'}
ATTEMPT = {'未接通', '无人接听', '拒访', '空号', '关机', '停机'}
SAT = {'非常满意': 5, '很满意': 5, '满意': 4, '较满意': 4, '比较满意': 4, '基本满意': 4,
       '一般': 3, '不满意': 2, '非常不满意': 1, '很不满意': 1}
for i in range(1, 6):
    SAT[str(i)] = i
    SAT[chr(0xFF10 + i)] = i
    SAT['★' * i] = i
    SAT['%d星' % i] = i
    SAT['%d分' % i] = i
WS = ' \t\r\n\u3000\u00a0\ufeff'
FOLD = {0xFF01 + i: 0x21 + i for i in range(0x5E)}
FOLD[0x3000] = 0x20
TIME_RE = (r'^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?'
           r'(?:\.(\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$')


USED = {'工单编号', '服务中心', '工单类型', '责任人', '工单状态', '完成时间', '更新时间',
        '回访时间', '满意度', '回访结果', '回访人', '二次回访时间', '二次满意度'}


def read(path, order):
    # Only the columns the question needs, as DuckDB and sqlite3 read them.
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding='utf-8-sig',
                     usecols=lambda c: c.strip(WS) in USED)
    df.columns = [c.strip(WS) for c in df.columns]
    for c in df.columns:
        df[c] = df[c].str.strip(WS)
    kind = '工单类型' in df.columns
    for c in USED:
        if c not in df.columns:
            df[c] = ''
    df['_file'] = order
    df['_line'] = range(len(df))
    return kind, df


def seconds(s):
    """China-time seconds since 1970 of each value; NaN where empty."""
    s = s.str.translate(FOLD)
    out = pd.Series(float('nan'), index=s.index)
    serial = s.str.fullmatch(r'\d+(?:\.\d+)?')
    if serial.any():
        v = s[serial].astype(float)
        out[serial] = ((v * 86400).round() - 25569 * 86400)
    p = s.str.extract(TIME_RE)
    ok = p[0].notna() & ~serial
    if ok.any():
        p = p[ok]
        day = pd.to_datetime(pd.DataFrame({'year': p[0].astype(int), 'month': p[1].astype(int),
                                           'day': p[2].astype(int)}))
        sec = pd.Series((day - pd.Timestamp('1970-01-01')).dt.total_seconds().to_numpy(),
                        index=p.index)
        sec += p[3].fillna('0').astype(int) * 3600 + p[4].fillna('0').astype(int) * 60
        sec += p[5].fillna('0').astype(int)
        sec += p[6].fillna('0').map(lambda f: 1 if f and f[0] >= '5' else 0)
        off = p[7].fillna('')
        has = off != ''
        if has.any():
            o = off[has].map(lambda z: 0 if z == 'Z' else
                             (1 if z[0] == '+' else -1) *
                             (int(z[1:3]) * 3600 + int(z.replace(':', '')[3:5] or 0) * 60))
            sec[has] += 8 * 3600 - o
        out[ok] = sec
    return out


def main():
    d = sys.argv[1]
    names = sorted(os.listdir(d), key=lambda n: n.encode())
    names = [n for n in names if n.lower().endswith('.csv')]
    tickets, callbacks = [], []
    for i, n in enumerate(names):
        is_ticket, df = read(os.path.join(d, n), i)
        (tickets if is_ticket else callbacks).append(df)
    t = pd.concat(tickets, ignore_index=True)
    t['type'] = t['工单类型'].map(TYPES)
    t = t[t['type'].notna() & (t['工单编号'] != '')]
    t['upd'] = seconds(t['更新时间'])
    t['has_upd'] = t['upd'].notna().astype(int)
    t = t.sort_values(['工单编号', 'has_upd', 'upd', '_file', '_line'], na_position='first')
    t = t.drop_duplicates('工单编号', keep='last')
    as_of = pd.Timestamp(AS_OF).value // 10**9
    lo, hi = (pd.Timestamp(w).value // 10**9 for w in WEEK)
    t['done'] = seconds(t['完成时间'])
    el = t[(t['done'] >= lo) & (t['done'] < hi) & (t['done'] <= as_of)
           & ~t['工单状态'].isin(CANCELLED)].copy()

    # Every occurrence of a callback: inline first (kind 0), inline
    # second (kind 1), export rows (kind 2), in the order they are read.
    parts = []
    a = t[t['回访时间'] != '']
    parts.append(pd.DataFrame({'id': a['工单编号'], 'time': seconds(a['回访时间']), 'who': a['回访人'],
                               'sat': a['满意度'], 'res': a['回访结果'], 'kind': 0,
                               'file': a['_file'], 'line': a['_line']}))
    b = t[t['二次回访时间'] != '']
    parts.append(pd.DataFrame({'id': b['工单编号'], 'time': seconds(b['二次回访时间']), 'who': '',
                               'sat': b['二次满意度'], 'res': '', 'kind': 1,
                               'file': b['_file'], 'line': b['_line']}))
    for c in callbacks:
        c = c[(c['工单编号'] != '') & (c['回访时间'] != '')]
        parts.append(pd.DataFrame({'id': c['工单编号'], 'time': seconds(c['回访时间']), 'who': c['回访人'],
                                   'sat': c['满意度'], 'res': c['回访结果'], 'kind': 2,
                                   'file': c['_file'], 'line': c['_line']}))
    cb = pd.concat(parts, ignore_index=True)
    cb = cb[cb['id'].isin(el['工单编号'])]
    # A repeated identity counts once: the later occurrence wins.
    cb = cb.sort_values(['file', 'line', 'kind']).drop_duplicates(['id', 'time', 'who'], keep='last')
    cb = cb[~(cb['res'].isin(ATTEMPT) | cb['sat'].isin(ATTEMPT))]
    cb = cb.merge(el[['工单编号', 'done']], left_on='id', right_on='工单编号')
    cb = cb[(cb['time'] >= cb['done']) & (cb['time'] <= as_of)]
    order = cb['kind'].where(cb['kind'] < 2, 2)
    cb = cb.assign(o=order).sort_values(['id', 'time', 'o', 'file', 'line'])
    first = cb.drop_duplicates('id', keep='first').set_index('id')
    level = first['sat'].map(SAT)
    el['called_back'] = el['工单编号'].isin(first.index).astype(int)
    lv = el['工单编号'].map(level)
    el['rated'] = lv.notna().astype(int)
    el['satisfied'] = (lv >= 4).astype(int)
    el['eligible'] = 1
    cols = ['eligible', 'called_back', 'rated', 'satisfied']
    by_type = el.groupby('type')[cols].sum()
    for ty in ('报事报修', '投诉', '特约服务'):
        r = by_type.loc[ty] if ty in by_type.index else [0, 0, 0, 0]
        print('type\t%s\t%s' % (ty, '\t'.join(str(int(x)) for x in r)))
    el['center'] = el['服务中心'].where(el['服务中心'] != '', '未指定')
    bb = el[el['责任人'] != ''].groupby(['center', '责任人'])[cols].sum()
    for (center, butler), r in bb.iterrows():
        print('butler\t%s\t%s\t%s' % (center, butler, '\t'.join(str(int(x)) for x in r)))


main()
