#!/usr/bin/python3
# bench/alt/csv2jsonl.py - the bench's CSV exports as JSON Lines: every
# FILE.csv in SRC becomes DST/FILE.jsonl, one object a row, the header's
# names as keys and every value as text (SPEC 8.6), so that huifang reads
# the same rows both ways and gives the same answer.
# usage: csv2jsonl.py SRC DST
import csv
import json
import os
import sys

src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst, exist_ok=True)
for name in sorted(os.listdir(src)):
    if not name.lower().endswith('.csv'):
        continue
    with open(os.path.join(src, name), encoding='utf-8-sig', newline='') as f, \
            open(os.path.join(dst, name[:-4] + '.jsonl'), 'w', encoding='utf-8') as out:
        rows = csv.reader(f)
        head = next(rows)
        for row in rows:
            out.write(json.dumps(dict(zip(head, row)), ensure_ascii=False) + '\n')
