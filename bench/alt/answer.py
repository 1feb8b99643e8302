#!/usr/bin/python3
# bench/alt/answer.py - the bench's question as huifang answered it:
# eligible, called_back, rated and satisfied by type and by butler, read
# from metrics.json, one line a group, in the format bench/alt/w47.py and
# the SQL in bench/alt/ print (sorted by the caller).
# usage: answer.py METRICS_JSON
import json
import sys

m = json.load(open(sys.argv[1], encoding='utf-8'))
cols = ('eligible', 'called_back', 'rated', 'satisfied')
for g in m['by_type']:
    print('type\t%s\t%s' % (g['type'], '\t'.join(str(g[c]) for c in cols)))
for g in m['by_butler']:
    print('butler\t%s\t%s\t%s' % (g['center'], g['butler'], '\t'.join(str(g[c]) for c in cols)))
