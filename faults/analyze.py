#!/usr/bin/env python3
"""Counts a fault scenario's deliveries from the receiver's log (faults/receiver.mjs) against the
records the database holds, and prints one JSON object.

  analyze.py --log requests.ndjson --payloads FILE [--between A B] [--first-after T]
             [--hang-open-after T] [--ok-rate A B] ...   (times in ms since the epoch)

Always: enqueued, requests, delivered (distinct payload ids answered 2xx), lost (enqueued, never
answered 2xx), duplicated (2xx answers beyond the first per payload id), aborted (requests the
client gave up on), unknown (payload ids that are not in the database), missing_replica (requests
without X-Dispatch-Replica), overlaps (requests of one repeater that overlapped in time a request
of the same repeater from ANOTHER replica: two batches at once), the longest request and the
longest aborted one.
"""
import argparse
import json
from collections import defaultdict

p = argparse.ArgumentParser()
p.add_argument('--log', required=True)
p.add_argument('--payloads', required=True)
p.add_argument('--between', nargs=2, type=float, action='append', default=[],
               help='count requests received in [A, B)')
p.add_argument('--first-after', type=float, help='first request received at or after T')
p.add_argument('--hang-open-until', type=float,
               help='most /hang requests open at once after every hanging repeater\'s first batch ended, until T')
p.add_argument('--ok-rate', nargs=2, type=float, action='append', default=[],
               help='/ok answers finished per second in [A, B)')
p.add_argument('--no-lock-from', type=float, default=float('inf'),
               help='repeaters with this id and above are on the legacy path (no lock): left out of overlaps')
a = p.parse_args()

with open(a.payloads) as f:
    payloads = {line.strip() for line in f if line.strip()}
reqs = []
with open(a.log) as f:
    for line in f:
        line = line.strip()
        if line:
            try:
                reqs.append(json.loads(line))
            except ValueError:
                pass  # a line cut by a killed writer

ok = defaultdict(int)
for r in reqs:
    if 200 <= r['st'] < 300 and r['pid']:
        ok[r['pid']] += 1
delivered = {pid for pid in ok if pid in payloads}
out = {
    'enqueued': len(payloads),
    'requests': len(reqs),
    'delivered': len(delivered),
    'lost': len(payloads - delivered),
    'duplicated': sum(n - 1 for pid, n in ok.items() if pid in payloads),
    'aborted': sum(1 for r in reqs if r['st'] == 0),
    'unknown': len([pid for pid in ok if pid not in payloads]),
    'missing_replica': sum(1 for r in reqs if not r.get('rp')),
    'longest_ms': round(max((r['t1'] - r['t0'] for r in reqs), default=0)),
    'longest_aborted_ms': round(max((r['t1'] - r['t0'] for r in reqs if r['st'] == 0), default=0)),
}
if out['lost']:
    out['lost_sample'] = sorted(payloads - delivered)[:10]

# Overlap: per repeater, sweep requests by receive time; a request overlaps if another replica has
# a request of the same repeater that ended after this one arrived.
by_rep = defaultdict(list)
for r in reqs:
    by_rep[r['rep']].append(r)
overlaps = 0
example = None
for rep, rs in by_rep.items():
    if rep >= a.no_lock_from:
        continue
    rs.sort(key=lambda r: r['t0'])
    latest_end = {}  # replica -> latest end seen so far
    for r in rs:
        for other, end in latest_end.items():
            if other != r['rp'] and end > r['t0']:
                overlaps += 1
                if example is None:
                    example = {'repeater': rep, 'replica': r['rp'], 'at': r['t0'], 'other': other, 'other_end': end}
                break
        latest_end[r['rp']] = max(latest_end.get(r['rp'], 0), r['t1'])
out['overlaps'] = overlaps
out['repeaters_seen'] = len(by_rep)
out['replicas_seen'] = sorted({r['rp'] for r in reqs if r.get('rp')})
if example:
    out['overlap_example'] = example

for lo, hi in a.between:
    out.setdefault('between', []).append({'from': lo, 'to': hi, 'requests': sum(1 for r in reqs if lo <= r['t0'] < hi)})
if a.first_after is not None:
    later = [r['t0'] for r in reqs if r['t0'] >= a.first_after]
    out['first_after'] = min(later) if later else None
if a.hang_open_until is not None:
    # A repeater is known slow once its first batch ended: its first requests (those received
    # within 1 s of its first one) have all ended. From the last such moment on, the share holds.
    hang = [r for r in reqs if r['path'].endswith('/hang')]
    first = {}
    for r in hang:
        first[r['rep']] = min(first.get(r['rep'], r['t0']), r['t0'])
    after = max((r['t1'] for r in hang if r['t0'] < first[r['rep']] + 1000), default=0) + 500
    out['hang_first_batches_done'] = after
    events = []
    for r in hang:
        if r['t1'] >= after and r['t0'] < a.hang_open_until:
            events.append((max(r['t0'], after), 1))
            events.append((min(r['t1'], a.hang_open_until), -1))
    events.sort(key=lambda e: (e[0], e[1]))
    open_now = peak = 0
    for _, d in events:
        open_now += d
        peak = max(peak, open_now)
    out['hang_open_peak'] = peak
for lo, hi in a.ok_rate:
    n = sum(1 for r in reqs if r['path'].endswith('/ok') and r['st'] == 200 and lo <= r['t1'] < hi)
    out.setdefault('ok_rate', []).append({'from': lo, 'to': hi, 'answers': n, 'per_s': round(n * 1000 / (hi - lo), 1)})
print(json.dumps(out))
