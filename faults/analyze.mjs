#!/usr/bin/env node
// Counts a fault scenario's deliveries from the receiver's log (bin/receiver.mjs --log) against
// what had to arrive, writes the figures as one JSON object (--out) and prints them as
// "key<TAB>value" lines for faults/lib.sh (nested keys joined with dots, objects also whole as JSON).
//
//   node faults/analyze.mjs --log requests.ndjson --records FILE [--accepted FILE] [--out analysis.json]
//        [--legacy-from N] [--requests-between A B] [--first-ok-after T] [--legacy-delivered A B C]
//        [--hang-open-until T] [--ok-rate A B]... [--orphans FILE T] [--strict FIRST LAST]
//        (times in ms since the epoch)
//
// Repeaters deliver to /<kind>/<repeater id> (faults/lib.sh make_repeaters), so the path names both.
// --records: the database's records, one per line: payload id, registered_at (ms), repeater id,
//   record id (tabs).
// --orphans FILE T: what a replica killed at T (ms) held, one line per claimed record: record id,
//   repeater id (tabs). Figures: how long after T each record had its first 2xx answer and each
//   of those repeaters had its first request, from whichever replica.
// --strict FIRST LAST: repeaters FIRST..LAST have ordering = 'strict' (docs/architecture.md,
//   "Strict ordering"). Per repeater, its requests by receive time (from every replica), each
//   compared with the ones before it:
//   out_of_order  a request for a lower record id than an earlier request's (the sequence of
//                 record ids must be non-decreasing: a retry or a resend repeats the same id);
//   overtaken     the sequence moved on from record X to Y > X although X's last request was not
//                 answered 2xx (a failing head overtaken), or Y is not the record that follows X
//                 among the repeater's records in the database (one skipped), or the repeater's
//                 first request was not for its lowest record id;
//   two_in_flight a request received before an earlier request of the same repeater ended (the
//                 receiver's end: its answer sent, or the client gone, as when a replica is killed).
//   Also: their requests, non-2xx answers, aborted requests, the smallest gap between a request's
//   receipt and the end of the ones before it, the longest pause and the pauses over 10 s, and how
//   long after an aborted request (its replica killed) the same record was sent again.
// --accepted: the admin API's answers, one per line: "<ms> <status> <body>"; the record ids of the
//   202 answers are then what must arrive (matched by X-Repeat-Record-Id). Without it, every record
//   in the database must (matched by X-Payload-Id): the scenario wrote them itself.
//
// Always: expected, requests, delivered (expected ids answered 2xx), lost (expected, never answered
// 2xx), duplicated (2xx answers beyond the first per id), aborted (requests the client gave up on),
// unknown (payload ids answered 2xx that the database never held), missing_replica (requests
// without X-Dispatch-Replica), overlaps (requests of one repeater that arrived while a request of
// the same repeater from ANOTHER replica was open: two batches at once), requests per replica, the
// longest request and the longest aborted one.
import fs from 'node:fs';

const ARITY = {
  log: 1, records: 1, accepted: 1, out: 1, 'legacy-from': 1, 'requests-between': 2, 'first-ok-after': 1,
  'legacy-delivered': 3, 'hang-open-until': 1, 'ok-rate': 2, orphans: 2, strict: 2,
};
const REPEATABLE = new Set(['ok-rate']);
const opt = {};
for (let argv = process.argv.slice(2); argv.length;) {
  const name = argv.shift().replace(/^--/, '');
  if (!(name in ARITY)) die(`unknown option --${name}`);
  const values = argv.splice(0, ARITY[name]);
  if (values.length !== ARITY[name]) die(`--${name} takes ${ARITY[name]} value(s)`);
  // --orphans takes a file and a time; every other option of two values takes numbers
  const value = name === 'orphans' ? [values[0], Number(values[1])]
    : ARITY[name] === 1 && !REPEATABLE.has(name) ? values[0] : values.map(Number);
  if (REPEATABLE.has(name)) (opt[name] ||= []).push(value); else opt[name] = value;
}
if (!opt.log || !opt.records) die('--log and --records are required');
function die(message) {
  console.error(`analyze.mjs: ${message}`);
  process.exit(2);
}

// reduce, not Math.max(...xs): a full run's log has more requests than a call can take arguments
const largest = xs => xs.reduce((a, b) => (b > a ? b : a), 0);
const lines = file => fs.readFileSync(file, 'utf8').split('\n').filter(line => line.trim());
const legacyFrom = opt['legacy-from'] === undefined ? Infinity : Number(opt['legacy-from']);

const records = lines(opt.records).map(line => {
  const [payloadId, registeredMs, repeater, id] = line.split('\t');
  return { payloadId, registeredMs: Number(registeredMs), repeater: Number(repeater), id: id === undefined ? null : Number(id) };
});
const inDatabase = new Set(records.map(r => r.payloadId));

const requests = [];
for (const line of lines(opt.log)) {
  let r;
  try { r = JSON.parse(line); } catch { die(`unreadable log line: ${line.slice(0, 200)}`); } // the receiver writes whole lines only
  const [, kind, repeater] = r.path.split('/');
  requests.push({ ...r, kind, repeater: Number(repeater), ok: r.status >= 200 && r.status < 300 });
}
const perRepeaterPath = r => r.repeater < legacyFrom;

// what had to arrive, and by which header it is recognised
let expected, idOf;
if (opt.accepted) {
  expected = new Set();
  lines(opt.accepted).forEach((line, i) => {
    const [, status, ...body] = line.split(' ');
    if (status !== '202') return;
    let answer;
    try { answer = JSON.parse(body.join(' ')); } catch { answer = null; }
    if (!Array.isArray(answer?.recordIds)) die(`${opt.accepted} line ${i + 1}: a 202 without recordIds: ${line.slice(0, 200)}`);
    for (const id of answer.recordIds) expected.add(String(id));
  });
  idOf = r => r.recordId;
} else {
  expected = inDatabase;
  idOf = r => r.payloadId;
}

const okCount = new Map(); // expected id -> 2xx answers
for (const r of requests) if (r.ok && expected.has(idOf(r))) okCount.set(idOf(r), (okCount.get(idOf(r)) || 0) + 1);
const lost = [...expected].filter(id => !okCount.has(id));
const perReplica = {};
for (const r of requests) perReplica[r.replica ?? 'none'] = (perReplica[r.replica ?? 'none'] || 0) + 1;
const out = {
  expected: expected.size,
  in_database: inDatabase.size,
  requests: requests.length,
  delivered: okCount.size,
  lost: lost.length,
  duplicated: [...okCount.values()].reduce((sum, n) => sum + n - 1, 0),
  aborted: requests.filter(r => r.status === 0).length,
  unknown: new Set(requests.filter(r => r.ok && r.payloadId && !inDatabase.has(r.payloadId)).map(r => r.payloadId)).size,
  missing_replica: requests.filter(r => !r.replica).length,
  requests_per_replica: perReplica,
  longest_ms: Math.round(largest(requests.map(r => r.t1 - r.t0))),
  longest_aborted_ms: Math.round(largest(requests.filter(r => r.status === 0).map(r => r.t1 - r.t0))),
};
if (lost.length) out.lost_sample = lost.sort().slice(0, 10);

// Overlap: per repeater, requests by receive time; one overlaps if another replica has a request
// of the same repeater that ended after this one arrived.
const byRepeater = new Map();
for (const r of requests) {
  if (!byRepeater.has(r.repeater)) byRepeater.set(r.repeater, []);
  byRepeater.get(r.repeater).push(r);
}
let overlaps = 0;
for (const [repeater, rs] of byRepeater) {
  if (repeater >= legacyFrom) continue; // the legacy path takes no lock
  rs.sort((a, b) => a.t0 - b.t0);
  const latestEnd = new Map(); // replica -> latest end so far
  for (const r of rs) {
    for (const [other, end] of latestEnd) {
      if (other !== r.replica && end > r.t0) {
        overlaps++;
        out.overlap_example ??= { repeater, replica: r.replica, at: r.t0, other, other_end: end };
        break;
      }
    }
    latestEnd.set(r.replica, Math.max(latestEnd.get(r.replica) || 0, r.t1));
  }
}
out.overlaps = overlaps;
out.repeaters_seen = byRepeater.size;
out.repeaters_served_by_several_replicas = [...byRepeater.values()].filter(rs => new Set(rs.map(r => r.replica)).size > 1).length;
out.replicas_seen = [...new Set(requests.map(r => r.replica).filter(Boolean))].sort();

if (opt['requests-between']) {
  const [from, to] = opt['requests-between'];
  const inWindow = requests.filter(r => r.t0 >= from && r.t0 < to);
  out.between = { from, to, per_repeater_path: inWindow.filter(perRepeaterPath).length, legacy_path: inWindow.filter(r => !perRepeaterPath(r)).length };
}
if (opt['first-ok-after']) {
  const after = Number(opt['first-ok-after']);
  const later = requests.filter(r => r.ok && perRepeaterPath(r) && r.t0 >= after).map(r => r.t0);
  out.first_ok_after = later.length ? later.reduce((a, b) => (b < a ? b : a)) : null;
}
if (opt['legacy-delivered']) {
  // legacy records registered in [from, to): how many had their first 2xx answer before `by`
  const [from, to, by] = opt['legacy-delivered'];
  const firstOk = new Map();
  for (const r of requests) if (r.ok && r.payloadId && r.t0 < (firstOk.get(r.payloadId) ?? Infinity)) firstOk.set(r.payloadId, r.t0);
  const due = records.filter(r => r.repeater >= legacyFrom && r.registeredMs >= from && r.registeredMs < to);
  const late = due.filter(r => !(firstOk.get(r.payloadId) < by)).map(r => r.payloadId);
  out.legacy_delivered = { registered_from: from, registered_to: to, by, enqueued: due.length, delivered: due.length - late.length, late_sample: late.slice(0, 10) };
}
if (opt['hang-open-until']) {
  // A repeater is known slow once its first batch ended: its first requests (those received
  // within 1 s of its first one) have all ended. From the last such moment on, the share holds.
  const until = Number(opt['hang-open-until']);
  const hang = requests.filter(r => r.kind === 'hang');
  const first = new Map();
  for (const r of hang) first.set(r.repeater, Math.min(first.get(r.repeater) ?? Infinity, r.t0));
  const after = largest(hang.filter(r => r.t0 < first.get(r.repeater) + 1000).map(r => r.t1)) + 500;
  out.hang_first_batches_done = after;
  const events = [];
  for (const r of hang) {
    if (r.t1 >= after && r.t0 < until) events.push([Math.max(r.t0, after), 1], [Math.min(r.t1, until), -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let openNow = 0, peak = 0;
  for (const [, change] of events) peak = Math.max(peak, openNow += change);
  out.hang_open_peak = peak;
}
for (const [from, to] of opt['ok-rate'] || []) {
  const answers = requests.filter(r => r.kind === 'ok' && r.ok && r.t1 >= from && r.t1 < to).length;
  (out.ok_rate ||= []).push({ from, to, answers, per_s: Math.round(answers * 10000 / (to - from)) / 10 });
}

if (opt.orphans) {
  const [file, killedAt] = opt.orphans;
  const orphans = lines(file).map(line => line.split('\t')).map(([record, repeater]) => ({ record, repeater: Number(repeater) }));
  const firstOk = new Map(), firstRequest = new Map();
  for (const r of requests) {
    if (r.t0 < killedAt) continue;
    if (r.ok && r.recordId && r.t1 < (firstOk.get(r.recordId)?.t1 ?? Infinity)) firstOk.set(r.recordId, r);
    if (r.t0 < (firstRequest.get(r.repeater)?.t0 ?? Infinity)) firstRequest.set(r.repeater, r);
  }
  const spread = (ms, missing) => {
    ms.sort((a, b) => a - b);
    return { n: ms.length, p50_ms: ms.length ? Math.round(ms[Math.floor((ms.length - 1) / 2)]) : null,
      max_ms: ms.length ? Math.round(ms[ms.length - 1]) : null, never: missing };
  };
  const repeaters = [...new Set(orphans.map(o => o.repeater))];
  const recordTimes = orphans.map(o => firstOk.get(o.record)).filter(Boolean).map(r => r.t1 - killedAt);
  const repeaterTimes = repeaters.map(id => firstRequest.get(id)).filter(Boolean).map(r => r.t0 - killedAt);
  out.orphans = {
    records: orphans.length, repeaters: repeaters.length,
    record_delivered_after: spread(recordTimes, orphans.length - recordTimes.length),
    repeater_served_after: spread(repeaterTimes, repeaters.length - repeaterTimes.length),
    served_by: [...new Set(orphans.map(o => firstOk.get(o.record)?.replica).filter(Boolean))].sort(),
  };
}

if (opt.strict) {
  const [first, last] = opt.strict;
  const idsOf = new Map(); // strict repeater -> its record ids in the database, ascending
  for (const r of records) {
    if (r.repeater < first || r.repeater > last) continue;
    if (r.id === null) die('--strict needs the record id as the 4th column of --records');
    if (!idsOf.has(r.repeater)) idsOf.set(r.repeater, []);
    idsOf.get(r.repeater).push(r.id);
  }
  const s = { repeaters: 0, requests: 0, failed_answers: 0, aborted: 0, repeats: 0, out_of_order: 0, overtaken: 0, two_in_flight: 0,
    min_gap_ms: null, longest_pause_ms: 0, pauses_over_10s: 0, resent_after_abort: { n: 0, min_ms: null, max_ms: null, never: 0 } };
  const where = r => ({ record: r.recordId, replica: r.replica, status: r.status, t0: Math.round(r.t0), t1: Math.round(r.t1) });
  for (let repeater = first; repeater <= last; repeater++) {
    const ids = (idsOf.get(repeater) || []).sort((a, b) => a - b);
    const next = new Map(ids.map((id, i) => [id, ids[i + 1]]));
    const rs = (byRepeater.get(repeater) || []).slice().sort((a, b) => a.t0 - b.t0 || a.t1 - b.t1);
    if (ids.length || rs.length) s.repeaters++;
    s.requests += rs.length;
    let prev = null, open = null; // the previous request, and of the earlier ones the one that ended last
    for (const r of rs) {
      const id = Number(r.recordId);
      if (r.status === 0) s.aborted++;
      else if (!r.ok) s.failed_answers++;
      if (open) {
        const gap = r.t0 - open.t1;
        s.min_gap_ms = s.min_gap_ms === null ? gap : Math.min(s.min_gap_ms, gap);
        s.longest_pause_ms = Math.max(s.longest_pause_ms, gap);
        if (gap > 10000) s.pauses_over_10s++; // longer than any retry or backoff here: a lease running out
        if (gap < 0) {
          s.two_in_flight++;
          s.two_in_flight_example ??= { repeater, request: where(r), still_open: where(open) };
        }
      }
      if (prev === null) {
        if (id !== ids[0]) { s.overtaken++; s.overtaken_example ??= { repeater, first_request: where(r), head: ids[0] ?? null }; }
      } else if (id < Number(prev.recordId)) {
        s.out_of_order++;
        s.out_of_order_example ??= { repeater, request: where(r), after: where(prev) };
      } else if (id === Number(prev.recordId)) {
        s.repeats++;
      } else if (!prev.ok || id !== next.get(Number(prev.recordId))) {
        s.overtaken++;
        s.overtaken_example ??= { repeater, request: where(r), after: where(prev), expected_next: prev.ok ? next.get(Number(prev.recordId)) ?? null : Number(prev.recordId) };
      }
      if (prev && prev.status === 0) {
        // the previous request was cut (its replica killed): how long until its record went again
        const a = s.resent_after_abort;
        if (id === Number(prev.recordId)) {
          const ms = Math.round(r.t0 - prev.t1);
          a.n++;
          a.min_ms = a.min_ms === null ? ms : Math.min(a.min_ms, ms);
          a.max_ms = a.max_ms === null ? ms : Math.max(a.max_ms, ms);
        } else a.never++;
      }
      prev = r;
      if (!open || r.t1 > open.t1) open = r;
    }
    if (prev && prev.status === 0) s.resent_after_abort.never++;
  }
  if (s.min_gap_ms !== null) s.min_gap_ms = Math.round(s.min_gap_ms * 1000) / 1000;
  s.longest_pause_ms = Math.round(s.longest_pause_ms);
  out.strict = s;
}

if (opt.out) fs.writeFileSync(opt.out, JSON.stringify(out, null, 1) + '\n');
const print = (key, value) => {
  if (value !== null && typeof value === 'object') {
    process.stdout.write(`${key}\t${JSON.stringify(value)}\n`);
    for (const [k, v] of Object.entries(value)) print(`${key}.${k}`, v);
  } else process.stdout.write(`${key}\t${value}\n`);
};
for (const [k, v] of Object.entries(out)) print(k, v);
