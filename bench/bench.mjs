#!/usr/bin/env node
// Scenario driver for bench/run.sh (see bench/README.md). One scenario per call, against a service,
// a receiver and a scratch database that run.sh has started:
//   node bench/bench.mjs <throughput|dead|fairness|pickup|limits|trust|tracing> > result.json
// Everything comes from the environment (run.sh sets it): BENCH_DB, BENCH_API, BENCH_RECEIVER,
// BENCH_DEAD_PORT, BENCH_SERVICE_PID, BENCH_RECEIVER_PID, BENCH_SMOKE=1 for tiny sizes, and any
// size override listed in SIZES below (e.g. BENCH_S2_RECORDS=20000). Scenario 7 (limits) also
// gets a second service, started with DISPATCH_LIMITS_ENABLED=false: BENCH_DB_OFF, BENCH_API_OFF,
// BENCH_SERVICE_PID_OFF; scenario 9 (tracing) the same, with tracing off, and BENCH_OTLP_SINK. Progress goes to stderr, the scenario's figures to stdout as one JSON
// object. Zero npm dependencies (psql for SQL).
import { AsyncLocalStorage } from 'node:async_hooks';
import { execFile } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { checkReceiver } from './receiver-check.mjs';
import { compareSides, round } from './sides.mjs';

const E = process.env;
const SMOKE = E.BENCH_SMOKE === '1';
const RCV = E.BENCH_RECEIVER;
const RCV_URL = new URL(RCV);
const DEAD_PORT = Number(E.BENCH_DEAD_PORT);
const RECEIVER_PID = Number(E.BENCH_RECEIVER_PID);
const TOKEN = E.BENCH_TOKEN || 'bench-token';
const CLK_TCK = Number(E.BENCH_CLK_TCK || 100);

// The service a call talks to: its scratch database, API and pid. Every helper below (sql, api,
// metrics, Footprint …) uses the current one: the main service, or inside onService(other, fn)
// that one, for everything fn does, awaited or in timers it starts (AsyncLocalStorage).
const MAIN = { name: 'main', db: E.BENCH_DB, api: E.BENCH_API, pid: Number(E.BENCH_SERVICE_PID) };
const LIMITS_OFF = E.BENCH_API_OFF
  ? { name: 'limits-off', db: E.BENCH_DB_OFF, api: E.BENCH_API_OFF, pid: Number(E.BENCH_SERVICE_PID_OFF) } : null;
const serviceContext = new AsyncLocalStorage();
const service = () => serviceContext.getStore() || MAIN;
const onService = (s, fn) => serviceContext.run(s, fn);

// name: [full, smoke]; override any with BENCH_<NAME>
const SIZES = {
  S2_REPEATERS: [200, 20], S2_DOMAINS: [50, 5], S2_RECORDS: [100000, 3000], S2_WARMUP: [10000, 500], S2_TIMEOUT_S: [900, 60],
  S3_HEALTHY_REPEATERS: [100, 10], S3_HEALTHY_RECORDS: [50000, 1000], S3_DEAD_REPEATERS: [20, 2], S3_DEAD_RECORDS_EACH: [1000, 50],
  S3_DOMAINS: [25, 4], S3_WINDOW_S: [600, 12], S3_BACKOFF_MIN_S: [5, 5],
  S4_BIG_REPEATERS: [20, 4], S4_BIG_RECORDS: [200000, 4000], S4_SMALL_DOMAINS: [100, 10], S4_TRICKLE_MS: [2000, 500],
  S4_TRICKLE_S: [60, 5], S4_WAIT_S: [180, 30], S4_STOP_BELOW: [0.1, 0.1],
  S5_RECORDS: [200, 20], S5_GAP_MS: [50, 20], WARMUP_CALLS: [100, 20],
  BATCH_SIZE: [7, 7],
  S2_API_ITEMS: [100, 50], S2_API_CONCURRENCY: [8, 4], // the end-to-end phase's enqueue calls: items per call, calls at once
  S2_HISTORY: [0, 0], // > 0: after the two phases, load this many finished records into history and run the per-repeater phase again
  // scenario 7 (limits): a. 429 endpoint beside a healthy repeater, b. fragile endpoint, c. domain over budget, d. limiter cost
  S7_A_RPS: [20, 20], S7_A_WINDOW_S: [60, 8], S7_A_CONVERGE_S: [20, 3], S7_A_LIMITED_RECORDS: [100000, 5000],
  S7_A_HEALTHY_RECORDS: [150000, 20000], S7_A_HEALTHY_WARMUP: [10000, 1000], S7_A_LIMITED_BATCH: [10, 10], S7_A_HEALTHY_BATCH: [7, 7],
  S7_B_K: [3, 3], S7_B_MS: [20, 20], S7_B_BATCH: [10, 10], S7_B_WINDOW_S: [40, 6], S7_B_CONVERGE_S: [10, 2], S7_B_RECORDS: [30000, 3000],
  S7_C_SMALL_DOMAINS: [50, 8], S7_C_TRICKLE_MS: [1500, 500], S7_C_TRICKLE_S: [60, 5], S7_C_WAIT_S: [60, 30],
  S7_C_BIG_REPEATERS: [10, 2], S7_C_BIG_RECORDS: [50000, 1000], S7_C_SLOW_MS: [200, 200],
  S7_C_BUDGET_MINUTE_MS: [2000, 2000], S7_C_BUDGET_HOUR_MS: [60000, 60000],
  S7_D_REPEATERS: [200, 20], S7_D_DOMAINS: [50, 5], S7_D_RECORDS: [100000, 3000], S7_D_WARMUP: [30000, 500], S7_D_ROUNDS: [2, 1],
  S7_D_RATE_PER_S: [100000, 100000],
  // scenario 8 (trust and intake): a. signing on and off, b. fan-out, c. strict order against the endpoint's latency
  S8_A_REPEATERS: [200, 20], S8_A_DOMAINS: [50, 5], S8_A_RECORDS: [100000, 3000], S8_A_WARMUP: [100000, 500], S8_A_ROUNDS: [4, 1],
  S8_B_REPEATERS: [500, 20], S8_B_EVENTS: [1000, 50], S8_B_EVENTS_PER_CALL: [100, 25], S8_B_CALLS_AT_ONCE: [2, 2],
  S8_C_LATENCIES_MS: ['0,5,20,50', '0,20'], S8_C_SECONDS: [10, 2], S8_C_BATCH: [7, 7],
  // scenario 9 (tracing): scenario 2's measurement on a service tracing to an OTLP sink and one with tracing off
  S9_REPEATERS: [200, 20], S9_DOMAINS: [50, 5], S9_RECORDS: [100000, 3000], S9_WARMUP: [100000, 500], S9_ROUNDS: [2, 1], // per pair of services (bench/run.sh: BENCH_S9_PAIRS)
};
const size = name => Number(E['BENCH_' + name] ?? SIZES[name][SMOKE ? 1 : 0]);
const sizeText = name => String(E['BENCH_' + name] ?? SIZES[name][SMOKE ? 1 : 0]);

const now = () => performance.timeOrigin + performance.now();
const sleep = ms => new Promise(r => setTimeout(r, Math.max(0, ms)));
const log = (...a) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

// ---- checks ------------------------------------------------------------------------------------
// What must hold for the scenario to pass, whatever the sizes: everything delivered, once, with a
// 2xx. (Performance targets are judged by report.mjs, not here.) A failed check is logged at once,
// the scenario still records its figures, and the process exits 1 naming every failed check.
const problems = [];
function expect(holds, what) {
  if (holds) return;
  problems.push(what);
  log(`CHECK FAILED: ${what}`);
}

// ---- SQL (psql) --------------------------------------------------------------------------------
let psqlCalls = 0;
function sql(q) {
  psqlCalls++;
  return new Promise((resolve, reject) => execFile('psql',
    ['-h', '127.0.0.1', '-U', 'postgres', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', service().db, '-c', `/*bench*/ ${q}`],
    { maxBuffer: 256 << 20 }, (err, out, errOut) => err ? reject(new Error(`psql: ${errOut || err.message}\n${q}`)) : resolve(out.trim())));
}
const sqlNum = async q => Number((await sql(q)).split('\n').pop());
// Table names by schema version, so the same harness measures a checkout from before V8 (one
// records table) side by side with one after it (queue, history, and the view over both).
let tableNames;
async function tables() {
  if (!tableNames) {
    const v8 = (await sql(`SELECT to_regclass('repeat_record_history') IS NOT NULL`)) === 't';
    tableNames = v8
      ? { all: 'repeat_record_all', finished: 'repeat_record_history', truncate: 'repeat_record_attempt, repeat_record, repeat_record_history' }
      : { all: 'repeat_record', finished: 'repeat_record', truncate: 'repeat_record_attempt, repeat_record' };
  }
  return tableNames;
}

// ---- HTTP --------------------------------------------------------------------------------------
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
function request(base, method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const req = http.request(base + path, {
      method, agent, headers: { ...headers, ...(data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {}) },
    }, res => {
      const chunks = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let json = null;
        try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
        resolve({ status: res.statusCode, json, text });
      });
    });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}
const api = (method, path, body) => request(service().api, method, path, body, { Authorization: `Bearer ${TOKEN}` });
const rcv = async (path, method = 'GET') => (await request(RCV, method, path)).json;

// ---- /proc sampling ------------------------------------------------------------------------------
function procStat(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { cpu: (Number(f[11]) + Number(f[12])) / CLK_TCK, start: Number(f[19]) };
  } catch { return null; }
}
function rssMb(pid) {
  try { return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024; } catch { return null; }
}
function postgresPids(db) {
  const out = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim() !== 'postgres') continue;
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      out.push({ pid: Number(d), scratch: cmd.includes(` ${db} `) });
    } catch { /* gone */ }
  }
  return out;
}

async function commits() {
  return sqlNum(`SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()`);
}
// PostgreSQL flushes backend statistics lazily (up to ~10 s when idle): read until it stops growing
// faster than the idle service's own background queries.
async function settledCommits() {
  let prev = await commits();
  for (let i = 0; i < 15; i++) {
    await sleep(1000);
    const c = await commits();
    if (c - prev <= 6) return c;
    prev = c;
  }
  return prev;
}

// Row versions written per table group since the stats were last reset, and the index entries they
// cost: an insert or a non-HOT update adds one entry to every index of its table, a HOT update and a
// delete none. (Partial indexes skip rows outside their predicate; counted as if they did not.)
async function tableWrites() {
  const text = await sql(`SELECT CASE WHEN relname LIKE 'repeat_record_history%' THEN 'history'
                                      WHEN relname LIKE 'repeat_record_attempt%' THEN 'attempts'
                                      WHEN relname = 'repeat_record' THEN 'queue' ELSE relname END,
                                 sum(n_tup_ins), sum(n_tup_upd), sum(n_tup_hot_upd), sum(n_tup_del),
                                 sum((n_tup_ins + n_tup_upd - n_tup_hot_upd) * (SELECT count(*) FROM pg_index i WHERE i.indrelid = s.relid))
                            FROM pg_stat_user_tables s
                           WHERE relname IN ('repeat_record', 'repeater') OR relname LIKE 'repeat_record_history%'
                              OR relname LIKE 'repeat_record_attempt%'
                           GROUP BY 1`);
  const out = {};
  for (const line of text.split('\n').filter(Boolean)) {
    const [t, ins, upd, hot, del, idx] = line.split('|').map((v, i) => i === 0 ? v : Number(v));
    out[t] = { ins, upd, hot, del, idx };
  }
  out.walBytes = await sqlNum(`SELECT wal_bytes FROM pg_stat_wal`);
  return out;
}
function writesPerRecord(a, b, delivered) {
  const per = {}, sum = { rowVersions: 0, indexEntries: 0 };
  for (const t of Object.keys(b)) {
    if (t === 'walBytes') continue;
    const z = a[t] || { ins: 0, upd: 0, hot: 0, del: 0, idx: 0 };
    const d = k => (b[t][k] - z[k]) / delivered;
    per[t] = { inserts: round(d('ins'), 2), updates: round(d('upd'), 2), hotUpdates: round(d('hot'), 2), deletes: round(d('del'), 2),
      indexEntries: round(d('idx'), 2) };
    sum.rowVersions += d('ins') + d('upd');
    sum.indexEntries += d('idx');
  }
  return { perTable: per, rowVersionsPerRecord: round(sum.rowVersions, 2), indexEntriesPerRecord: round(sum.indexEntries, 2),
    walBytesPerRecord: round((b.walBytes - a.walBytes) / delivered, 0) };
}

// Statements by the service's database user on the scratch db, from pg_stat_statements when the
// cluster preloads it (BENCH_STAT_STATEMENTS=1 bench/run.sh turns it on): calls, rows and
// planning + execution time per statement text (planning counts only with
// pg_stat_statements.track_planning, which bin/services --stat-statements turns on). null when it is not loaded.
const statStatements = new Map(); // scratch database -> whether pg_stat_statements answers there
async function statementTotals() {
  if (!statStatements.has(service().db)) {
    try {
      await sql(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`);
      await sql(`SELECT 1 FROM pg_stat_statements LIMIT 1`);
      statStatements.set(service().db, true);
    } catch { statStatements.set(service().db, false); }
  }
  if (!statStatements.get(service().db)) return null;
  const text = await sql(`SELECT queryid, calls, rows, total_exec_time, total_plan_time, shared_blks_hit + shared_blks_read,
                                 regexp_replace(left(query, 90), '\\s+', ' ', 'g')
                            FROM pg_stat_statements
                           WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                             AND query NOT LIKE '/*bench*/%'`);
  const out = new Map();
  for (const line of text.split('\n').filter(Boolean)) {
    const [id, calls, rows, ms, planMs, blocks, ...q] = line.split('|');
    out.set(id, { calls: Number(calls), rows: Number(rows), ms: Number(ms), planMs: Number(planMs), blocks: Number(blocks), query: q.join('|') });
  }
  return out;
}
/** Per delivered record: statements, their planning and execution time, and the statements costing the most. */
function statementsPerRecord(a, b, delivered) {
  if (!a || !b) return null;
  let calls = 0, ms = 0, planMs = 0;
  const rows = [];
  for (const [id, s] of b) {
    const z = a.get(id) || { calls: 0, rows: 0, ms: 0, planMs: 0, blocks: 0 };
    const d = { calls: s.calls - z.calls, rows: s.rows - z.rows, ms: s.ms - z.ms, planMs: s.planMs - z.planMs, blocks: s.blocks - z.blocks };
    if (d.calls <= 0) continue;
    calls += d.calls; ms += d.ms; planMs += d.planMs;
    rows.push({ query: s.query, callsPerRecord: round(d.calls / delivered, 3), rowsPerCall: round(d.rows / d.calls, 1),
      execUsPerRecord: round(d.ms * 1000 / delivered, 1), planUsPerRecord: round(d.planMs * 1000 / delivered, 1),
      blocksPerRecord: round(d.blocks / delivered, 1) });
  }
  rows.sort((x, y) => y.execUsPerRecord + y.planUsPerRecord - x.execUsPerRecord - x.planUsPerRecord);
  return { statementsPerRecord: round(calls / delivered, 2), execUsPerRecord: round(ms * 1000 / delivered, 1),
    planUsPerRecord: round(planMs * 1000 / delivered, 1), top: rows.slice(0, 8) };
}

/** Samples service RSS and CPU, receiver CPU and PostgreSQL CPU (scratch-db backends and all). */
class Footprint {
  async start() {
    this.pid = service().pid;
    this.db = service().db;
    this.commits0 = await settledCommits();
    this.writes0 = await tableWrites();
    this.statements0 = await statementTotals();
    this.psql0 = psqlCalls; // our own transactions on the scratch db from here on are not the service's
    this.t0 = now();
    this.service0 = procStat(this.pid)?.cpu;
    this.receiver0 = procStat(RECEIVER_PID)?.cpu;
    this.peakRss = rssMb(this.pid);
    this.rssStart = this.peakRss;
    this.pg = new Map(); // pid → {base, last, scratch}
    this.samplePg(true);
    this.timer = setInterval(() => {
      const r = rssMb(this.pid);
      if (r !== null && r > this.peakRss) this.peakRss = r;
    }, 250);
    this.pgTimer = setInterval(() => this.samplePg(), 500);
  }
  samplePg(first = false) {
    for (const { pid, scratch } of postgresPids(this.db)) {
      const s = procStat(pid);
      if (!s) continue;
      let e = this.pg.get(pid);
      // a process first seen after the first sample started during the window: all its CPU counts
      if (!e) this.pg.set(pid, e = { base: first ? s.cpu : 0, last: s.cpu, scratch });
      e.last = s.cpu;
      e.scratch = e.scratch || scratch;
    }
  }
  async stop(delivered) {
    clearInterval(this.timer);
    clearInterval(this.pgTimer);
    this.samplePg();
    const wall = (now() - this.t0) / 1000;
    const serviceCpu = procStat(this.pid)?.cpu - this.service0;
    const receiver = procStat(RECEIVER_PID)?.cpu - this.receiver0;
    let pgScratch = 0, pgAll = 0;
    for (const e of this.pg.values()) {
      pgAll += e.last - e.base;
      if (e.scratch) pgScratch += e.last - e.base;
    }
    const c = await settledCommits();
    const calls = psqlCalls; // the reads below commit after c was read
    const writes = writesPerRecord(this.writes0, await tableWrites(), delivered);
    const statements = statementsPerRecord(this.statements0, await statementTotals(), delivered);
    // every psql call since the start snapshot is one transaction of ours, except the last read
    // (its own commit is not in the value it reads) and plus the start snapshot's read
    const serviceCommits = c - this.commits0 - (calls - this.psql0);
    return {
      wallS: round(wall, 1), serviceRssStartMb: round(this.rssStart, 0), servicePeakRssMb: round(this.peakRss, 0),
      serviceCpuS: round(serviceCpu, 1), receiverCpuS: round(receiver, 1), pgScratchBackendsCpuS: round(pgScratch, 1),
      pgAllProcessesCpuS: round(pgAll, 1), serviceCpuPerKRecordsS: round(serviceCpu / delivered * 1000, 3),
      pgTransactions: serviceCommits, pgTransactionsPerRecord: round(serviceCommits / delivered, 2),
      pgWrites: writes, pgStatements: statements,
    };
  }
}

// ---- the service's own metrics (/q/metrics) ------------------------------------------------------
async function metrics() {
  const text = (await request(service().api, 'GET', '/q/metrics')).text || '';
  const m = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith('repeater_dispatch_') || line.includes('_bucket')) continue;
    const sp = line.lastIndexOf(' ');
    m.set(line.slice(0, sp), Number(line.slice(sp + 1)));
  }
  return m;
}
/** Differences of the service's dispatch metrics between two snapshots, as a few readable figures. */
function metricsDelta(a, b) {
  const d = (name, filter = () => true) => {
    let sum = 0;
    for (const [k, v] of b) if ((k === name || k.startsWith(name + '{')) && filter(k)) sum += v - (a.get(k) || 0);
    return sum;
  };
  const mean = (name, f) => { const c = d(name + '_count', f); return c ? d(name + '_sum', f) / c : null; };
  const onPath = p => k => k.includes(`path="${p}"`);
  return {
    batches: d('repeater_dispatch_batch_size_count'), meanBatchSize: round(mean('repeater_dispatch_batch_size'), 2),
    meanBatchMs: round(mean('repeater_dispatch_batch_duration_seconds') * 1000, 1),
    meanRequestMsRepeaterPath: round(mean('repeater_dispatch_http_request_seconds', onPath('repeater')) * 1000, 1),
    meanRequestMsLegacyPath: round(mean('repeater_dispatch_http_request_seconds', onPath('legacy')) * 1000, 1),
    locksAcquired: d('repeater_dispatch_lock_acquired_total'), locksContended: d('repeater_dispatch_lock_contended_total'),
    backoffs: d('repeater_dispatch_backoffs_total'),
  };
}

// ---- the ready query's plan mid-run ----------------------------------------------------------------
/**
 * EXPLAIN ANALYZE of the per-repeater loop's ready query as the service sends it (sql/ready-repeaters.sql
 * with its tokens resolved, printed by the built SqlStatements; $1 now(), $2 true, $3 10000), run
 * while a backlog is being worked off: how long one refresh takes then, and its scans.
 */
async function readyQueryPlan() {
  try {
    const classes = new URL('../target/classes', import.meta.url).pathname;
    const text = await new Promise((resolve, reject) => execFile('java', ['-cp', classes, 'io.repeaterdispatch.store.SqlStatements', 'ready-repeaters'],
      (err, out, errOut) => err ? reject(new Error(`SqlStatements: ${errOut || err.message}`)) : resolve(out)));
    const q = text.replace(/\$1\b/g, 'now()').replace(/\$2\b/g, 'true').replace(/\$3\b/g, '10000');
    const plan = await sql(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) ${q}`);
    const scans = [...new Set([...plan.matchAll(/(Seq Scan|Index Only Scan|Index Scan|Bitmap Heap Scan)(?: using (\S+))? on (\S+)/g)].map(m => `${m[1]}${m[2] ? ' ' + m[2] : ''} on ${m[3]}`))];
    return { ms: round(Number(/Execution Time: ([\d.]+)/.exec(plan)?.[1]), 1), sharedHit: Number(/shared hit=(\d+)/.exec(plan)?.[1] || 0),
      seqScanOnRecords: /Seq Scan on repeat_record/.test(plan), scans };
  } catch (e) {
    return { error: String(e.message || e).slice(0, 200) };
  }
}

// ---- statistics ----------------------------------------------------------------------------------
function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1))];
}
function latencySummary(values, undelivered = 0) {
  const all = [...values].sort((a, b) => a - b);
  const n = all.length + undelivered;
  const pick = p => { const i = Math.ceil(p / 100 * n) - 1; return i < all.length ? round(all[Math.max(0, i)], 1) : null; };
  return { n, undelivered, p50Ms: pick(50), p90Ms: pick(90), p99Ms: pick(99), maxMs: undelivered ? null : round(all[all.length - 1], 1), minMs: round(all[0], 1) };
}

// ---- data generation -------------------------------------------------------------------------------
/** Creates `count` paused repeaters named `${tag}-r<i>` in `${tag}-d<i % domains>`; returns ids in order. */
async function createRepeaters(tag, count, domains, urlOf, { batchSize = size('BATCH_SIZE'), domainOf } = {}) {
  const values = [];
  for (let i = 0; i < count; i++) {
    const domain = domainOf ? domainOf(i) : `${tag}-d${i % domains}`;
    values.push(`('${domain}', '${tag}-r${i}', '${urlOf(i)}', ${batchSize}, true)`);
  }
  const ids = await sql(`INSERT INTO repeater (domain, name, url, batch_size, is_paused) VALUES ${values.join(',')} RETURNING id`);
  return ids.split('\n').map(Number);
}
/**
 * `n` pending records, due, spread round-robin over the given repeaters; payload ids `${prefix}<g>`.
 * Record g is registered (and due) at now() − (n − 1 − g) ms, as if enqueued one per millisecond
 * until now: a backlog that built up over time. BENCH_TIED_NEXT_CHECK=1 gives every record the
 * same now() instead (one statement's timestamp, like a bulk requeue), which makes every claim of
 * the per-repeater path sort all of a repeater's tied records (bench/README.md).
 */
const TIED = E.BENCH_TIED_NEXT_CHECK === '1';
async function insertRecords(repeaterIds, n, prefix) {
  const t = now();
  const at = TIED ? 'now()' : `now() - interval '1 millisecond' * (${n - 1} - g)`;
  await sql(`INSERT INTO repeat_record (domain, repeater_id, payload_id, payload, state, registered_at, next_check)
    SELECT r.domain, r.id, '${prefix}' || g, '{"n":' || g || ',"pad":"${'x'.repeat(64)}"}', 1, ${at}, ${at}
      FROM generate_series(0, ${n - 1}) g
      JOIN (SELECT id, domain, (row_number() OVER (ORDER BY id)) - 1 AS k FROM repeater WHERE id = ANY('{${repeaterIds.join(',')}}'::bigint[])) r
        ON r.k = g % ${repeaterIds.length}`);
  await sql(`ANALYZE repeat_record; ANALYZE repeater`);
  log(`inserted ${n} records for ${repeaterIds.length} repeaters in ${round((now() - t) / 1000, 1)} s`);
}
async function setFlags(domains, enabled) {
  await sql(`INSERT INTO domain_flag (domain, process_repeaters) SELECT unnest('{${domains.join(',')}}'::text[]), ${enabled}
             ON CONFLICT (domain) DO UPDATE SET process_repeaters = excluded.process_repeaters, updated_at = now()`);
}
/** Unpauses the repeaters and wakes the service in one transaction; returns the time (ms) just before commit. */
async function unpause(ids) {
  return sqlNum(`UPDATE repeater SET is_paused = false WHERE id = ANY('{${ids.join(',')}}'::bigint[]);
                 NOTIFY repeater_dispatch_enqueued;
                 SELECT extract(epoch FROM clock_timestamp()) * 1000`);
}
async function retire(ids) {
  await sql(`UPDATE repeater SET is_paused = true, is_deleted = true WHERE id = ANY('{${ids.join(',')}}'::bigint[])`);
}
let historyPreloadedAt = null; // ms; set once scenario 2 loaded history that the phases must keep
async function clearRecords() {
  if (historyPreloadedAt !== null) { // keep the loaded days; empty today's and later ones, where the phases write
    const parts = await sql(`SELECT string_agg(c.relname, ', ') FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'repeat_record_history_delivered'::regclass
        AND (c.relname LIKE '%_default' OR c.relname >= 'repeat_record_history_delivered_p' || to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDD'))`);
    await sql(`TRUNCATE repeat_record_attempt, repeat_record, repeat_record_history_stopped, ${parts.trim()}`);
    return;
  }
  await sql(`TRUNCATE ${(await tables()).truncate}`);
}
async function waitDistinct(n, timeoutMs, label, onPoll) {
  const deadline = now() + timeoutMs;
  let last = 0, s;
  for (; ;) {
    s = await rcv('/_stats');
    if (onPoll) onPoll(s);
    if (s.distinct >= n) return s;
    if (now() > deadline) throw new Error(`${label}: only ${s.distinct} of ${n} payload ids reached the receiver within ${timeoutMs / 1000} s`);
    if (s.distinct - last >= n / 10 || SMOKE) { log(`${label}: ${s.distinct}/${n} received`); last = s.distinct; }
    await sleep(250);
  }
}
async function waitSucceeded(n, timeoutMs, label) {
  const deadline = now() + timeoutMs;
  for (; ;) {
    const c = await sqlNum(`SELECT count(*) FROM ${(await tables()).finished} WHERE state = 4${historyPreloadedAt === null ? ''
      : ` AND finished_at >= to_timestamp(${historyPreloadedAt / 1000})`}`);
    if (c >= n) return { succeeded: c, at: now() };
    if (now() > deadline) throw new Error(`${label}: only ${c} of ${n} records succeeded in the database within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}
/**
 * Waits until the service holds no claim (no batch of the retired repeaters still in flight), so
 * the next phase's counts start clean and its TRUNCATE does not cut a batch.
 */
async function waitUnclaimed(label, timeoutMs = 30000) {
  const deadline = now() + timeoutMs;
  for (; ;) {
    const c = await sqlNum(`SELECT count(*) FROM repeat_record WHERE claim_token IS NOT NULL`);
    if (c === 0) return;
    if (now() > deadline) throw new Error(`${label}: ${c} records still claimed ${timeoutMs / 1000} s after their repeaters were retired`);
    await sleep(100);
  }
}
const ok = url => `http://${RCV_URL.host}/ok/${url}`;

/** Warms a fresh service up (JIT, Hibernate's first HQL parses, pools): API enqueues on both paths, not measured. */
async function warmup() {
  const n = size('WARMUP_CALLS');
  const t = now();
  for (const enabled of [true, false]) {
    const domain = `warmup-${enabled}`;
    await api('PUT', `/api/v1/domains/${domain}/flags/process-repeaters`, { enabled });
    const created = await api('POST', '/api/v1/repeaters', { domain, name: 'warmup', url: ok(domain), batchSize: size('BATCH_SIZE') });
    if (created.status !== 201) throw new Error(`warm-up repeater: ${created.status} ${created.text}`);
    let last;
    for (let i = 0; i < n; i++) {
      last = `${domain}-${i}`;
      const r = await api('POST', `/api/v1/repeaters/${created.json.id}/records`,
        [...Array(5).keys()].map(k => ({ payloadId: k ? `${last}-${k}` : last, payload: { i, k } })));
      if (r.status !== 202) throw new Error(`warm-up enqueue: ${r.status} ${r.text}`);
      await api('GET', `/api/v1/repeaters/${created.json.id}`);
    }
    const w = await rcv(`/_wait?id=${encodeURIComponent(last)}&timeout=30000`);
    if (w.t === null) throw new Error(`warm-up: ${last} not delivered within 30 s`);
    await sql(`UPDATE repeater SET is_paused = true, is_deleted = true WHERE id = ${created.json.id}`);
  }
  await rcv('/_reset', 'POST');
  log(`warm-up: ${2 * n} API enqueues in ${round((now() - t) / 1000, 1)} s`);
}

// ---- scenario 2 (+6): throughput and footprint ---------------------------------------------------
/**
 * Scenario 2's measurement over the given repeaters, also used by scenario 7d: returns
 * phase(name, perRepeater, n, measure, viaApi), which delivers n records over them and reports
 * deliveries/s (and, with measure, the footprint and, unless readyProbe is false, the ready
 * query's plan half-way). Payload ids `${tag}-${name}-<g>`.
 */
function throughputPhases(ids, domains, tag, { readyProbe = true } = {}) {
  // Enqueues n records through the admin API, S2_API_CONCURRENCY calls at once of S2_API_ITEMS
  // records each, every call to the next repeater in turn; resolves to when the last call returned.
  async function enqueueThroughApi(n, prefix) {
    const perCall = size('S2_API_ITEMS');
    let next = 0, call = 0;
    async function caller() {
      while (next < n) {
        const from = next, to = Math.min(n, from + perCall);
        next = to;
        const repeater = ids[call++ % ids.length];
        const items = [];
        for (let i = from; i < to; i++) items.push({ payloadId: `${prefix}${i}`, payload: { i } });
        const r = await api('POST', `/api/v1/repeaters/${repeater}/records`, items);
        if (r.status !== 202) throw new Error(`enqueue through the API: ${r.status} ${r.text}`);
      }
    }
    await Promise.all([...Array(size('S2_API_CONCURRENCY')).keys()].map(caller));
    return { calls: call, at: now() };
  }
  // viaApi: the records are enqueued through the API while the loop dispatches (end to end),
  // instead of bulk-inserted by SQL before the repeaters are unpaused (dispatch only).
  return async function phase(name, perRepeater, n, measure, viaApi = false) {
    await sql(`UPDATE repeater SET is_paused = true WHERE id = ANY('{${ids.join(',')}}'::bigint[])`);
    await clearRecords();
    await setFlags(domains, perRepeater);
    await rcv('/_reset', 'POST');
    if (!viaApi) await insertRecords(ids, n, `${tag}-${name}-`);
    const fp = measure ? new Footprint() : null;
    if (fp) await fp.start();
    const m0 = await metrics();
    const t0 = await unpause(ids);
    const enqueued = viaApi ? enqueueThroughApi(n, `${tag}-${name}-`) : null;
    enqueued?.catch(() => {}); // awaited below; until then a failed call must not end the process
    let probe = null;
    await waitDistinct(n, size('S2_TIMEOUT_S') * 1000, `${tag} ${name}`, s => {
      if (readyProbe && measure && perRepeater && !viaApi && !probe && s.distinct >= n / 2) probe = readyQueryPlan();
    });
    const done = await waitSucceeded(n, 60000, `${tag} ${name}`);
    const end = await rcv(`/_stats?prefix=${tag}-${name}-`);
    const delivered = end.prefix.distinct;
    const lastAt = end.prefix.lastFirstReceiptAt;
    const out = {
      path: perRepeater ? 'per-repeater' : 'legacy', delivered, complete: delivered >= n,
      seconds: round((lastAt - t0) / 1000, 2),
      deliveriesPerS: round(delivered / ((lastAt - t0) / 1000), 0),
      firstReceiptAfterMs: round(end.prefix.firstAt - t0, 1),
      sqlSucceeded: done.succeeded, sqlCompleteAfterS: round((done.at - t0) / 1000, 2),
      requests: end.total, duplicates: end.total - end.distinct, non2xx: end.total - (end.byStatus['200'] || 0),
    };
    if (enqueued) {
      const e = await enqueued;
      out.enqueueCalls = e.calls;
      out.enqueueSeconds = round((e.at - t0) / 1000, 2);
      out.enqueuedPerS = round(n / ((e.at - t0) / 1000), 0);
    }
    if (fp) out.footprint = await fp.stop(delivered);
    out.serviceMetrics = metricsDelta(m0, await metrics());
    if (probe) out.readyQueryAtHalf = await probe;
    log(`${tag} ${name}: ${JSON.stringify(out)}`);
    expect(delivered === n, `${tag} ${name}: ${delivered} of ${n} payload ids delivered`);
    expect(out.duplicates === 0, `${tag} ${name}: ${out.duplicates} duplicate deliveries`);
    expect(out.non2xx === 0, `${tag} ${name}: ${out.non2xx} requests not answered 200`);
    return out;
  };
}
async function throughput() {
  const R = size('S2_REPEATERS'), D = size('S2_DOMAINS'), N = size('S2_RECORDS'), W = size('S2_WARMUP');
  const ids = await createRepeaters('s2', R, D, i => ok(`s2-r${i}`));
  const domains = [...Array(D).keys()].map(i => `s2-d${i}`);
  const result = { repeaters: R, domains: D, records: N, batchSize: size('BATCH_SIZE'), warmupRecords: W, phases: {} };
  const phase = throughputPhases(ids, domains, 's2');
  if (W > 0) { // JIT and connection warm-up for both paths, not measured
    await phase('warmup-repeater', true, W, false);
    await phase('warmup-legacy', false, W, false);
  }
  result.phases.perRepeater = await phase('repeater', true, N, true);
  result.phases.legacy = await phase('legacy', false, N, true);
  result.phases.perRepeaterEndToEnd = await phase('e2e', true, N, true, true);
  result.ratio = round(result.phases.perRepeater.deliveriesPerS / result.phases.legacy.deliveriesPerS, 2);
  const H = size('S2_HISTORY');
  if (H > 0) {
    result.historyRecords = H;
    await loadHistory(H);
    result.phases.perRepeaterWithHistory = await phase('repeater-history', true, N, true);
    result.historyRatio = round(result.phases.perRepeaterWithHistory.deliveriesPerS / result.phases.perRepeater.deliveriesPerS, 3);
  }
  await retire(ids);
  await clearRecords();
  return result;
}

/**
 * History as a service running for weeks has it: n delivered records over the 20 days before
 * today, in their day partitions (made here as the retention job would have), none of today's.
 */
async function loadHistory(n) {
  const t = now();
  await sql(`SET TIME ZONE 'UTC';
    SELECT dispatch_create_partition('repeat_record_history_delivered', 'repeat_record_history_delivered_p' || to_char(d, 'YYYYMMDD'),
                                     'finished_at', d, d + interval '1 day')
      FROM (SELECT date_trunc('day', now()) - k * interval '1 day' AS d FROM generate_series(1, 20) k) days`);
  const chunk = 2000000;
  for (let from = 0; from < n; from += chunk) {
    const to = Math.min(n, from + chunk) - 1;
    await sql(`INSERT INTO repeat_record_history (id, domain, repeater_id, payload_id, payload, content_type, state, registered_at,
                                                  attempt_count, finished_at)
      SELECT 1000000000000 + g, 'history-d' || (g % 300), 1000000 + g % 2000, 'old-' || g, '{"n":' || g || ',"pad":"${'x'.repeat(64)}"}',
             'application/json', 4, f - interval '1 minute', 1, f
        FROM generate_series(${from}, ${to}) g
       CROSS JOIN LATERAL (SELECT date_trunc('day', now()) - interval '20 days' + (g::float8 / ${n}) * interval '20 days' AS f) x`);
    log(`history: ${to + 1}/${n} loaded`);
  }
  await sql(`VACUUM ANALYZE repeat_record_history`);
  historyPreloadedAt = now();
  const size = await sql(`SELECT pg_size_pretty(sum(pg_total_relation_size(relid))) FROM pg_partition_tree('repeat_record_history')`);
  log(`history: ${n} finished records (${size.trim()}) in ${round((now() - t) / 1000, 0)} s`);
}

// ---- scenario 3: dead endpoints beside healthy ones ----------------------------------------------
function expectedSteps(windowS, minS) { // batches an ideal doubling backoff allows in the window
  let k = 0;
  while ((2 ** k - 1) * minS < windowS) k++;
  return k;
}
async function deadEndpoints() {
  const HR = size('S3_HEALTHY_REPEATERS'), HN = size('S3_HEALTHY_RECORDS'), DR = size('S3_DEAD_REPEATERS');
  const DN = size('S3_DEAD_RECORDS_EACH'), D = size('S3_DOMAINS'), WIN = size('S3_WINDOW_S'), MIN = size('S3_BACKOFF_MIN_S');
  const result = { healthyRepeaters: HR, healthyRecords: HN, deadRepeaters: DR, deadRecordsEach: DN, domains: D, windowS: WIN,
    backoffMinS: MIN, batchSize: size('BATCH_SIZE'), expectedBatchesPerDeadEndpoint: expectedSteps(WIN, MIN), phases: {} };
  async function phase(name, perRepeater) {
    const tag = `s3${name}`;
    const healthy = await createRepeaters(`${tag}h`, HR, D, i => ok(`${tag}-h${i}`), { domainOf: i => `${tag}-d${i % D}` });
    const dead = await createRepeaters(`${tag}k`, DR, D, i => `http://${RCV_URL.hostname}:${DEAD_PORT}/dead/${tag}-k${i}`,
      { domainOf: i => `${tag}-d${i % D}` });
    await setFlags([...Array(D).keys()].map(i => `${tag}-d${i}`), perRepeater);
    // The healthy repeaters alone first, in this same process: a warm-up round (JIT, connections),
    // then the baseline that "alongside" is compared with. Dead repeaters stay paused meanwhile.
    const alone = async (n, label) => {
      await sql(`UPDATE repeater SET is_paused = true WHERE id = ANY('{${healthy.join(',')}}'::bigint[])`);
      await clearRecords();
      await rcv('/_reset', 'POST');
      await insertRecords(healthy, n, `${tag}-${label}-`);
      const a0 = await unpause(healthy);
      await waitDistinct(n, size('S2_TIMEOUT_S') * 1000, `s3 ${name} ${label}`);
      const st = await rcv(`/_stats?prefix=${tag}-${label}-`);
      return round(st.prefix.distinct / ((st.prefix.lastFirstReceiptAt - a0) / 1000), 0);
    };
    await alone(Math.ceil(HN / 5), 'warm');
    const healthyAloneDeliveriesPerS = await alone(HN, 'alone');
    log(`s3 ${name}: healthy alone ${healthyAloneDeliveriesPerS}/s`);
    await sql(`UPDATE repeater SET is_paused = true WHERE id = ANY('{${healthy.join(',')}}'::bigint[])`);
    await clearRecords();
    await rcv('/_reset', 'POST');
    await insertRecords(healthy, HN, `${tag}-h-`);
    await insertRecords(dead, DR * DN, `${tag}-k-`);
    const m0 = await metrics();
    const t0 = await unpause([...healthy, ...dead]);
    const end = t0 + WIN * 1000;
    let healthyDoneAt = null, healthyStats = null;
    for (; ;) {
      const s = await rcv('/_stats');
      if (healthyDoneAt === null && s.distinct >= HN) { healthyDoneAt = s.lastOkAt; healthyStats = s; log(`s3 ${name}: healthy done`); }
      if (now() >= end) break;
      await sleep(Math.min(1000, end - now()));
    }
    const deadStats = await rcv('/_dead?paths=1');
    const serviceMetrics = metricsDelta(m0, await metrics());
    const finalStats = healthyStats || await rcv('/_stats');
    await sql(`UPDATE repeater SET is_paused = true WHERE id = ANY('{${[...healthy, ...dead].join(',')}}'::bigint[])`);
    let requests = 0, maxBatch = 0, maxBatches = 0, minGapS = null, perEndpoint = [];
    for (const [path, times] of Object.entries(deadStats.byPath || {})) {
      const inWindow = times.filter(t => t <= end);
      requests += inWindow.length;
      const batches = [];
      for (const t of inWindow) {
        if (!batches.length || t - batches[batches.length - 1].last > 1000) batches.push({ first: t, last: t, n: 0 });
        const b = batches[batches.length - 1];
        b.last = t; b.n++;
      }
      for (let i = 1; i < batches.length; i++) {
        const gap = (batches[i].first - batches[i - 1].first) / 1000;
        minGapS = minGapS === null ? gap : Math.min(minGapS, gap);
      }
      maxBatch = Math.max(maxBatch, ...batches.map(b => b.n));
      maxBatches = Math.max(maxBatches, batches.length);
      perEndpoint.push({ path, requests: inWindow.length, batches: batches.length,
        batchStartsS: batches.map(b => round((b.first - t0) / 1000, 1)), batchSizes: batches.map(b => b.n) });
    }
    const attempts = await sqlNum(`SELECT count(*) FROM repeat_record_attempt a JOIN ${(await tables()).all} q ON q.id = a.record_id
                                    WHERE q.repeater_id = ANY('{${dead.join(',')}}'::bigint[]) AND a.created_at <= to_timestamp(${end / 1000})`);
    const out = {
      path: perRepeater ? 'per-repeater' : 'legacy',
      deadRequests: requests, deadConnections: deadStats.connections, deadAttemptsRecorded: attempts,
      deadRequestsPerEndpoint: round(requests / DR, 1), maxBatchesPerDeadEndpoint: maxBatches, maxRequestsPerBatch: maxBatch,
      minGapBetweenBatchesS: round(minGapS, 1),
      healthyDelivered: finalStats.distinct, healthyComplete: healthyDoneAt !== null,
      healthySeconds: healthyDoneAt ? round((healthyDoneAt - t0) / 1000, 2) : null,
      healthyDeliveriesPerS: healthyDoneAt ? round(HN / ((healthyDoneAt - t0) / 1000), 0) : round(finalStats.distinct / WIN, 0),
      healthyDuplicates: finalStats.total - finalStats.distinct,
      healthyAloneDeliveriesPerS,
      healthyKeptPct: healthyDoneAt && healthyAloneDeliveriesPerS ? round(100 * (HN / ((healthyDoneAt - t0) / 1000)) / healthyAloneDeliveriesPerS, 0) : null,
      sampleEndpoint: perEndpoint.sort((a, b) => a.path.localeCompare(b.path))[0] || null,
      serviceMetrics,
    };
    log(`s3 ${name}: ${JSON.stringify(out)}`);
    expect(out.healthyComplete, `s3 ${name}: healthy repeaters delivered ${out.healthyDelivered} of ${HN} within the ${WIN} s window`);
    expect(out.healthyDuplicates === 0, `s3 ${name}: ${out.healthyDuplicates} duplicate healthy deliveries`);
    const healthyNon2xx = finalStats.total - (finalStats.byStatus['200'] || 0);
    expect(healthyNon2xx === 0, `s3 ${name}: ${healthyNon2xx} healthy requests not answered 200`);
    expect(requests > 0, `s3 ${name}: no request reached the dead endpoints in the window`);
    await retire([...healthy, ...dead]);
    await waitUnclaimed(`s3 ${name}`);
    await clearRecords();
    return out;
  }
  result.phases.perRepeater = await phase('rep', true);
  result.phases.legacy = await phase('leg', false);
  result.ratio = result.phases.perRepeater.deadRequests > 0
    ? round(result.phases.legacy.deadRequests / result.phases.perRepeater.deadRequests, 1) : null;
  return result;
}

// ---- scenario 4: fairness: one huge domain, many small ones with a trickle ----------------------
/**
 * Every everyMs each repeater gets one record through the API (the calls spread evenly over the
 * period), payload ids `${prefix}<round>-<i>`, until durS have passed or stop() says so. Resolves
 * once every call was answered: {enqueued: payload id → when its call returned, errors, seconds}.
 */
async function trickle(repeaterIds, prefix, everyMs, durS, stop = () => false) {
  const S = repeaterIds.length;
  const enqueued = new Map();
  const pending = [];
  let errors = 0, round_ = 0;
  const start = now();
  outer: for (; ; round_++) {
    for (let i = 0; i < S; i++) {
      await sleep(start + round_ * everyMs + i * (everyMs / S) - now());
      if (stop() || now() - start >= durS * 1000) break outer;
      const pid = `${prefix}${round_}-${i}`;
      pending.push(api('POST', `/api/v1/repeaters/${repeaterIds[i]}/records`, [{ payloadId: pid, payload: { round: round_, i } }])
        .then(r => { if (r.status === 202) enqueued.set(pid, now()); else errors++; }, () => errors++));
    }
  }
  await Promise.all(pending);
  return { enqueued, errors, seconds: (now() - start) / 1000 };
}
/** Waits at most waitS for every enqueued payload id at the receiver: enqueue return → first receipt (ms), and how many never came. */
async function receiptLatencies(prefix, enqueued, waitS) {
  let receipts = {};
  const deadline = now() + waitS * 1000;
  for (; ;) {
    receipts = await rcv(`/_receipts?prefix=${prefix}`);
    if (Object.keys(receipts).length >= enqueued.size || now() > deadline) break;
    await sleep(500);
  }
  const lat = [];
  let undelivered = 0;
  for (const [pid, t] of enqueued) {
    if (receipts[pid] === undefined) undelivered++;
    else lat.push(receipts[pid] - t);
  }
  return { lat, undelivered };
}
async function fairness() {
  const BR = size('S4_BIG_REPEATERS'), BN = size('S4_BIG_RECORDS'), S = size('S4_SMALL_DOMAINS');
  const EVERY = size('S4_TRICKLE_MS'), DUR = size('S4_TRICKLE_S'), WAIT = size('S4_WAIT_S'), STOP = size('S4_STOP_BELOW');
  const result = { bigRepeaters: BR, bigRecords: BN, smallDomains: S, trickleEveryMs: EVERY, trickleMaxS: DUR, phases: {} };
  async function phase(name, perRepeater) {
    const tag = `s4${name}`;
    const big = await createRepeaters(`${tag}b`, BR, 1, i => ok(`${tag}-big${i}`), { domainOf: () => `${tag}-big` });
    const small = await createRepeaters(`${tag}s`, S, S, i => ok(`${tag}-small${i}`), { domainOf: i => `${tag}-s${i}` });
    await setFlags([`${tag}-big`, ...small.map((_, i) => `${tag}-s${i}`)], perRepeater);
    await clearRecords();
    await rcv('/_reset', 'POST');
    await insertRecords(big, BN, `${tag}-b-`);
    await sql(`UPDATE repeater SET is_paused = false WHERE id = ANY('{${small.join(',')}}'::bigint[])`);
    const m0 = await metrics();
    const t0 = await unpause(big);
    let bigDelivered = 0, stopTrickle = false;
    const poller = setInterval(async () => {
      try {
        const s = await rcv(`/_stats?prefix=${tag}-b-`);
        bigDelivered = s.prefix.distinct;
        if (BN - bigDelivered < STOP * BN) stopTrickle = true;
      } catch { /* next time */ }
    }, 1000);
    const { enqueued, errors, seconds: trickleS } = await trickle(small, `${tag}-t-`, EVERY, DUR, () => stopTrickle);
    const readyQueryAtTrickleEnd = perRepeater ? await readyQueryPlan() : null;
    const bigLeftAtTrickleEnd = BN - bigDelivered;
    log(`s4 ${name}: trickle ended after ${round(trickleS)} s, ${enqueued.size} enqueued, big backlog left ~${bigLeftAtTrickleEnd}`);
    const { lat, undelivered } = await receiptLatencies(`${tag}-t-`, enqueued, WAIT);
    clearInterval(poller);
    const bigStats = await rcv(`/_stats?prefix=${tag}-b-`);
    const non2xx = bigStats.total - (bigStats.byStatus['200'] || 0);
    const serviceMetrics = metricsDelta(m0, await metrics());
    // Where the small domains' time went, from the service's own clock: enqueue (registered_at) →
    // first attempt started (its created_at) → attempt recorded (the record's updated_at).
    const [toSend, toRecorded] = (await sql(`SELECT
        coalesce(string_agg(round(extract(epoch FROM a.created_at - q.registered_at) * 1000)::text, ',' ORDER BY a.created_at - q.registered_at), ''),
        coalesce(string_agg(round(extract(epoch FROM q.updated_at - q.registered_at) * 1000)::text, ',' ORDER BY q.updated_at - q.registered_at), '')
      FROM ${(await tables()).all} q JOIN LATERAL (SELECT min(created_at) AS created_at FROM repeat_record_attempt WHERE record_id = q.id) a ON true
      WHERE q.repeater_id = ANY('{${small.join(',')}}'::bigint[]) AND q.state = 4`)).split('|').map(x => x ? x.split(',').map(Number) : []);
    const out = {
      path: perRepeater ? 'per-repeater' : 'legacy', trickleS: round(trickleS), enqueued: enqueued.size, enqueueErrors: errors,
      bigLeftAtTrickleEnd, bigDeliveredAtEnd: bigStats.prefix.distinct,
      bigDeliveriesPerS: round(bigStats.prefix.distinct / ((bigStats.prefix.lastFirstReceiptAt - t0) / 1000), 0),
      smallLatency: latencySummary(lat, undelivered), waitedForStragglersS: WAIT,
      smallEnqueueToSendStart: latencySummary(toSend), smallEnqueueToRecorded: latencySummary(toRecorded),
      serviceMetrics, readyQueryAtTrickleEnd,
    };
    log(`s4 ${name}: ${JSON.stringify(out)}`);
    expect(errors === 0, `s4 ${name}: ${errors} trickle enqueues not answered 202`);
    expect(undelivered === 0, `s4 ${name}: ${undelivered} of ${enqueued.size} small-domain records not delivered within ${WAIT} s of the trickle's end`);
    expect(bigStats.duplicates === 0, `s4 ${name}: ${bigStats.duplicates} duplicate deliveries`);
    expect(non2xx === 0, `s4 ${name}: ${non2xx} requests not answered 200`);
    await retire([...big, ...small]);
    await waitUnclaimed(`s4 ${name}`);
    await clearRecords();
    return out;
  }
  result.phases.perRepeater = await phase('rep', true);
  result.phases.legacy = await phase('leg', false);
  return result;
}

// ---- scenario 5: pick-up latency on an idle service ----------------------------------------------
async function pickup() {
  const N = size('S5_RECORDS'), GAP = size('S5_GAP_MS');
  const result = { records: N, gapMs: GAP, phases: {} };
  async function phase(name, perRepeater) {
    const domain = `s5${name}`;
    const flag = await api('PUT', `/api/v1/domains/${domain}/flags/process-repeaters`, { enabled: perRepeater });
    if (flag.status !== 200) throw new Error(`flag: ${flag.status} ${flag.text}`);
    const created = await api('POST', '/api/v1/repeaters', { domain, name: 'pickup', url: ok(`${domain}-pickup`), batchSize: size('BATCH_SIZE') });
    if (created.status !== 201) throw new Error(`create repeater: ${created.status} ${created.text}`);
    const id = created.json.id;
    await rcv('/_reset', 'POST');
    await sleep(1500); // idle
    const lat = [];
    let undelivered = 0;
    for (let i = 0; i < N; i++) {
      const pid = `${domain}-${i}`;
      const r = await api('POST', `/api/v1/repeaters/${id}/records`, [{ payloadId: pid, payload: { i } }]);
      const returned = now();
      if (r.status !== 202) throw new Error(`enqueue: ${r.status} ${r.text}`);
      const w = await rcv(`/_wait?id=${encodeURIComponent(pid)}&timeout=10000`);
      if (w.t === null) undelivered++; else lat.push(w.t - returned);
      await sleep(GAP);
    }
    const out = { path: perRepeater ? 'per-repeater' : 'legacy', latency: latencySummary(lat, undelivered) };
    log(`s5 ${name}: ${JSON.stringify(out)}`);
    expect(undelivered === 0, `s5 ${name}: ${undelivered} of ${N} records not delivered within 10 s`);
    return out;
  }
  result.phases.perRepeater = await phase('rep', true);
  result.phases.legacy = await phase('leg', false);
  return result;
}

// ---- scenario 7: limits: respect the endpoints and share the workers ------------------------------
// Four phases (bench/README.md): a 429 endpoint beside a healthy repeater; a fragile endpoint, on
// this service and on one with DISPATCH_LIMITS_ENABLED=false; small domains' latency beside a big
// domain over its remote-time budget; the limiters' cost on scenario 2's happy path. Run against
// today's service (no limits yet) every phase still runs: the API refuses or ignores what it does
// not know, and the JSON says so (features), so the figures then show no adaptation.
const rcvUrl = path => `http://${RCV_URL.host}/${path}`;
const median = xs => { const s = xs.filter(x => x !== null && x !== undefined).sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : null; };
/** What the service shows of one repeater's limits: concurrency (null when the field is absent), backoff. */
async function repeaterView(id) {
  const r = await api('GET', `/api/v1/repeaters/${id}`);
  const c = r.json?.concurrency;
  return { effective: c?.effective ?? null, max: c?.max ?? null, concurrencyField: !!c, rateLimit: r.json?.rateLimit ?? null,
    nextAttemptAt: r.json?.nextAttemptAt ?? null, consecutiveFailedBatches: r.json?.consecutiveFailedBatches ?? null };
}
/** Polls repeaterView every everyMs until untilMs; resolves to [{s: seconds since t0, effective, …}]. */
async function pollViews(id, t0, untilMs, everyMs) {
  const out = [];
  for (; ;) {
    const at = now();
    if (at >= untilMs) return out;
    out.push({ s: round((at - t0) / 1000, 1), ...await repeaterView(id) });
    await sleep(Math.min(everyMs - (now() - at), untilMs - now()));
  }
}
/** A receiver key's counters over the whole epoch seconds in [fromMs, toMs). */
function keyWindow(key, fromMs, toMs) {
  const a = Math.ceil(fromMs / 1000), b = Math.floor(toMs / 1000), seconds = Math.max(1, b - a);
  const by = new Map((key?.perSecond || []).map(x => [x[0], x]));
  let requests = 0, ok2xx = 0, rejected = 0;
  const peaks = [], bursts = [];
  for (let s = a; s < b; s++) {
    const x = by.get(s);
    if (!x) continue; // a second without requests says nothing about concurrency
    requests += x[1]; ok2xx += x[2]; rejected += x[3];
    peaks.push(x[4]); bursts.push(x[5]);
  }
  return { seconds, requests, ok: ok2xx, rejected, requestsPerS: round(requests / seconds, 1), okPerS: round(ok2xx / seconds, 1),
    rejectedPct: requests ? round(100 * rejected / requests, 1) : null, secondsWithRequests: peaks.length,
    peakOpenMedian: median(peaks), peakOpenMax: peaks.length ? Math.max(...peaks) : null,
    burstMedian: median(bursts), burstMax: bursts.length ? Math.max(...bursts) : null };
}
/** A receiver key's counters over its whole life (since the last /_reset). */
function keyTotals(key) {
  const requests = key?.requests || 0, ok2xx = key?.byStatus?.['200'] || 0;
  return { requests, ok: ok2xx, rejected: requests - ok2xx, rejectedPct: requests ? round(100 * (requests - ok2xx) / requests, 1) : null,
    maxOpen: key?.maxOpen ?? null, maxBurst: key?.maxBurst ?? null };
}
/** Per second since t0 (the first one partial): [second, requests, 2xx, non-2xx, peak open, peak burst]. */
function keyTimeline(key, t0, seconds) {
  const by = new Map((key?.perSecond || []).map(x => [x[0], x]));
  const first = Math.floor(t0 / 1000);
  return [...Array(seconds).keys()].map(i => { const x = by.get(first + i) || [0, 0, 0, 0, 0, 0]; return [i, x[1], x[2], x[3], x[4], x[5]]; });
}
const keyStats = async key => (await rcv(`/_stats?key=${encodeURIComponent(key)}`)).keys?.[key] || null;
/** Distinct payload ids with the prefix delivered between fromMs and toMs (receiver's clock), and their rate. */
async function deliveryRate(prefix, fromMs, toMs) {
  await sleep(fromMs - now());
  const a = await rcv(`/_stats?prefix=${prefix}`);
  await sleep(toMs - now());
  const b = await rcv(`/_stats?prefix=${prefix}`);
  const seconds = (b.now - a.now) / 1000, delivered = b.prefix.distinct - a.prefix.distinct;
  return { delivered, seconds: round(seconds, 2), perS: round(delivered / seconds, 0), deliveredInAll: b.prefix.distinct };
}
const queuedOf = async id => sqlNum(`SELECT count(*) FROM repeat_record WHERE repeater_id = ${id} AND state IN (1, 2) AND next_check <= now()`);
async function retireAndClear(ids, label) {
  await retire(ids);
  await waitUnclaimed(label);
  await clearRecords();
}

// 7a: one repeater at a 429 endpoint (a rate it does not know, no Retry-After) beside a healthy one
async function limitsRateLimited() {
  const tag = 's7a', RPS = size('S7_A_RPS'), WIN = size('S7_A_WINDOW_S'), CONV = size('S7_A_CONVERGE_S');
  const LN = size('S7_A_LIMITED_RECORDS'), HN = size('S7_A_HEALTHY_RECORDS'), HW = size('S7_A_HEALTHY_WARMUP');
  const key = `ratelimited/${tag}`;
  const [limited] = await createRepeaters(`${tag}l`, 1, 1, () => rcvUrl(`${key}?rps=${RPS}`),
    { batchSize: size('S7_A_LIMITED_BATCH'), domainOf: () => `${tag}-limited` });
  const [healthy] = await createRepeaters(`${tag}h`, 1, 1, () => ok(`${tag}-healthy`),
    { batchSize: size('S7_A_HEALTHY_BATCH'), domainOf: () => `${tag}-healthy` });
  await setFlags([`${tag}-limited`, `${tag}-healthy`], true);
  await clearRecords();
  await rcv('/_reset', 'POST');
  // the healthy repeater alone first, same process, after an unmeasured warm-up round (JIT, pools):
  // its rate over the same window after its unpause as beside the limited one (CONV to WIN): the
  // two then drain the same stretch of the same backlog, so the queue's state is alike in both
  if (HW > 0) {
    await insertRecords([healthy], HW, `${tag}-warm-`);
    await unpause([healthy]);
    await waitDistinct(HW, size('S2_TIMEOUT_S') * 1000, 's7a warm-up');
    await sql(`UPDATE repeater SET is_paused = true WHERE id = ${healthy}`);
    await waitUnclaimed('s7a warm-up');
    await clearRecords();
  }
  await insertRecords([healthy], HN, `${tag}-alone-`);
  const a0 = await unpause([healthy]);
  const alone = await deliveryRate(`${tag}-alone-`, a0 + CONV * 1000, a0 + WIN * 1000);
  log(`s7a: healthy alone ${alone.perS}/s`);
  await sql(`UPDATE repeater SET is_paused = true WHERE id = ${healthy}`);
  await waitUnclaimed('s7a alone');
  await clearRecords();
  // then both, each with a backlog it cannot finish in the window (the healthy one as deep as alone)
  await insertRecords([limited], LN, `${tag}-lim-`);
  await insertRecords([healthy], HN, `${tag}-h-`);
  await rcv('/_reset', 'POST');
  const m0 = await metrics();
  const t0 = await unpause([limited, healthy]);
  const viewsP = pollViews(limited, t0, t0 + WIN * 1000, Math.max(1000, WIN * 1000 / 12));
  const beside = await deliveryRate(`${tag}-h-`, t0 + CONV * 1000, t0 + WIN * 1000);
  const views = await viewsP;
  const ks = await keyStats(key);
  const st = await rcv(`/_stats?paths=1&prefix=${tag}-h-`);
  const serviceMetrics = metricsDelta(m0, await metrics());
  const limitedQueuedLeft = await queuedOf(limited);
  await sql(`UPDATE repeater SET is_paused = true WHERE id IN (${limited}, ${healthy})`);
  const w = keyWindow(ks, t0 + CONV * 1000, t0 + WIN * 1000);
  const all = keyTotals(ks);
  const healthyRequests = st.byPath?.[`/ok/${tag}-healthy`] || 0;
  const out = {
    rps: RPS, windowS: WIN, convergeS: CONV, limitedBatchSize: size('S7_A_LIMITED_BATCH'), healthyBatchSize: size('S7_A_HEALTHY_BATCH'),
    limitedRecords: LN, limitedQueuedDueLeft: limitedQueuedLeft,
    limited: { ...w, requestsPerN: round(w.requestsPerS / RPS, 2), okPerN: round(w.okPerS / RPS, 2) },
    limitedWholeRun: all, limitedTimeline: keyTimeline(ks, t0, WIN),
    limitedViews: views, concurrencyField: views.some(v => v.concurrencyField),
    healthyAlonePerS: alone.perS, healthyAloneRanOut: alone.deliveredInAll >= HN,
    healthyBesidePerS: beside.perS, healthyBesideRanOut: beside.deliveredInAll >= HN,
    healthyKeptPct: alone.perS ? round(100 * beside.perS / alone.perS, 0) : null,
    healthyDuplicates: healthyRequests - st.prefix.distinct, serviceMetrics,
  };
  log(`s7a: ${JSON.stringify({ ...out, limitedTimeline: undefined, limitedViews: undefined })}`);
  expect(all.requests > 0, 's7a: no request reached the rate-limited endpoint');
  expect(beside.delivered > 0, 's7a: the healthy repeater delivered nothing beside the limited one');
  expect(out.healthyDuplicates === 0, `s7a: ${out.healthyDuplicates} duplicate healthy deliveries`);
  await retireAndClear([limited, healthy], 's7a');
  return out;
}

// 7b: a fragile endpoint (at most K at once), on the service given by the context
async function limitsFragile(label) {
  const tag = `s7b-${label}`, K = size('S7_B_K'), MS = size('S7_B_MS'), WIN = size('S7_B_WINDOW_S'), CONV = size('S7_B_CONVERGE_S');
  const N = size('S7_B_RECORDS'), key = `fragile/${tag}`;
  const [id] = await createRepeaters(tag, 1, 1, () => rcvUrl(`${key}?k=${K}&ms=${MS}`), { batchSize: size('S7_B_BATCH'), domainOf: () => tag });
  await setFlags([tag], true);
  await clearRecords();
  await rcv('/_reset', 'POST');
  await insertRecords([id], N, `${tag}-`);
  const m0 = await metrics();
  const t0 = await unpause([id]);
  const views = await pollViews(id, t0, t0 + WIN * 1000, 1000);
  const ks = await keyStats(key);
  const serviceMetrics = metricsDelta(m0, await metrics());
  const queuedLeft = await queuedOf(id);
  const w = keyWindow(ks, t0 + CONV * 1000, t0 + WIN * 1000);
  const after = views.filter(v => v.s >= CONV);
  const out = {
    service: service().name, k: K, holdMs: MS, batchSize: size('S7_B_BATCH'), windowS: WIN, convergeS: CONV, records: N, queuedDueLeft: queuedLeft,
    deliveriesPerS: w.okPerS, requestsPerS: w.requestsPerS, failedPct: w.rejectedPct,
    receiverPeakOpenMedian: w.peakOpenMedian, receiverPeakOpenMax: w.peakOpenMax, receiverBurstMedian: w.burstMedian, receiverBurstMax: w.burstMax,
    effectiveAfterConvergence: after.length ? after[0].effective : null, effectiveAtEnd: views.length ? views[views.length - 1].effective : null,
    effectiveMedian: median(after.map(v => v.effective)), concurrencyField: views.some(v => v.concurrencyField),
    window: w, timeline: keyTimeline(ks, t0, WIN), effectiveTimeline: views.map(v => [v.s, v.effective]), serviceMetrics,
  };
  log(`s7b ${label}: ${JSON.stringify({ ...out, window: undefined, timeline: undefined, effectiveTimeline: undefined })}`);
  expect(w.ok > 0, `s7b ${label}: nothing delivered to the fragile endpoint after ${CONV} s`);
  await retireAndClear([id], `s7b ${label}`);
  return out;
}

// 7c: small domains with a trickle, without and then beside a big domain over its remote-time budget
async function limitsBudget() {
  const tag = 's7c', S = size('S7_C_SMALL_DOMAINS'), EVERY = size('S7_C_TRICKLE_MS'), DUR = size('S7_C_TRICKLE_S'), WAIT = size('S7_C_WAIT_S');
  const BR = size('S7_C_BIG_REPEATERS'), BN = size('S7_C_BIG_RECORDS'), SLOW = size('S7_C_SLOW_MS');
  const budget = { remoteTimePerMinuteMs: size('S7_C_BUDGET_MINUTE_MS'), remoteTimePerHourMs: size('S7_C_BUDGET_HOUR_MS') };
  const result = { smallDomains: S, trickleEveryMs: EVERY, trickleS: DUR, bigRepeaters: BR, bigRecords: BN, slowMs: SLOW, budget };
  const small = await createRepeaters(`${tag}s`, S, S, i => ok(`${tag}-small${i}`), { domainOf: i => `${tag}-s${i}` });
  const smallDomains = small.map((_, i) => `${tag}-s${i}`);
  await setFlags([...smallDomains, `${tag}-big`], true);
  await clearRecords();
  await sql(`UPDATE repeater SET is_paused = false WHERE id = ANY('{${small.join(',')}}'::bigint[])`);
  async function run(name) {
    const prefix = `${tag}-${name}-`;
    const { enqueued, errors, seconds } = await trickle(small, prefix, EVERY, DUR);
    const { lat, undelivered } = await receiptLatencies(prefix, enqueued, WAIT);
    const smallLatency = latencySummary(lat, undelivered);
    log(`s7c ${name}: ${enqueued.size} enqueued in ${round(seconds)} s; small p50 ${smallLatency.p50Ms} ms, p99 ${smallLatency.p99Ms} ms`);
    expect(errors === 0, `s7c ${name}: ${errors} trickle enqueues not answered 202`);
    expect(undelivered === 0, `s7c ${name}: ${undelivered} of ${enqueued.size} small-domain records not delivered within ${WAIT} s of the trickle's end`);
    return { trickleS: round(seconds), enqueued: enqueued.size, enqueueErrors: errors, smallLatency };
  }
  await rcv('/_reset', 'POST');
  result.alone = await run('alone');
  // the big domain: a deep backlog on a slow path, and a tight budget of remote time
  const key = `slow/${tag}-big`;
  const big = await createRepeaters(`${tag}b`, BR, 1, () => rcvUrl(`${key}?ms=${SLOW}`), { domainOf: () => `${tag}-big` });
  const put = await api('PUT', `/api/v1/domains/${tag}-big/limits`, budget);
  result.budgetAnswer = { status: put.status, body: put.json ?? put.text.slice(0, 300) };
  result.budgetApplied = put.status >= 200 && put.status < 300;
  log(`s7c: PUT /api/v1/domains/${tag}-big/limits answered ${put.status}`);
  await insertRecords(big, BN, `${tag}-big-`);
  await rcv('/_reset', 'POST');
  const t0 = await unpause(big);
  await sleep(Math.min(5000, DUR * 100)); // let the big domain use its budget up first
  const b0 = await keyStats(key);
  const s0 = now();
  result.beside = await run('beside');
  const b1 = await keyStats(key);
  const seconds = (now() - s0) / 1000;
  const bigOk = (b1?.byStatus?.['200'] || 0) - (b0?.byStatus?.['200'] || 0);
  result.bigDeliveriesPerS = round(bigOk / seconds, 1);
  result.bigRemoteMsPerMinute = round(bigOk * SLOW / (seconds / 60), 0); // the receiver's hold; the service's own clock adds its overhead
  result.bigDeliveredSinceUnpause = b1?.byStatus?.['200'] || 0;
  result.bigTimeline = keyTimeline(b1, t0, Math.ceil((now() - t0) / 1000));
  result.p99Ratio = result.alone.smallLatency.p99Ms && result.beside.smallLatency.p99Ms !== null
    ? round(result.beside.smallLatency.p99Ms / result.alone.smallLatency.p99Ms, 2) : null;
  result.p50Ratio = result.alone.smallLatency.p50Ms && result.beside.smallLatency.p50Ms !== null
    ? round(result.beside.smallLatency.p50Ms / result.alone.smallLatency.p50Ms, 2) : null;
  log(`s7c: big ${result.bigDeliveriesPerS}/s (${result.bigRemoteMsPerMinute} ms of remote time a minute), small p99 ratio ${result.p99Ratio}`);
  await retireAndClear([...small, ...big], 's7c');
  return result;
}

// 7d: the limiters' cost on the happy path: scenario 2's measurement, every repeater with a rate
// limit that never binds, beside a service with DISPATCH_LIMITS_ENABLED=false and no limits
async function limitsCost() {
  const R = size('S7_D_REPEATERS'), D = size('S7_D_DOMAINS'), N = size('S7_D_RECORDS'), W = size('S7_D_WARMUP'), ROUNDS = size('S7_D_ROUNDS');
  const rateLimit = { perSecond: size('S7_D_RATE_PER_S') };
  const result = { repeaters: R, domains: D, records: N, batchSize: size('BATCH_SIZE'), warmupRecords: W, rounds: ROUNDS, rateLimit, runs: [] };
  const sides = [];
  for (const [label, svc] of [['rateLimited', MAIN], ['limitsOff', LIMITS_OFF]]) {
    if (!svc) continue;
    await onService(svc, async () => {
      const tag = `s7d${label === 'rateLimited' ? 'r' : 'o'}`;
      const ids = await createRepeaters(tag, R, D, i => ok(`${tag}-r${i}`));
      const domains = [...Array(D).keys()].map(i => `${tag}-d${i}`);
      if (label === 'rateLimited') { // through the API: PATCH each repeater; stop at the first refusal (the field is not there yet)
        let applied = 0, refusal = null;
        for (const id of ids) {
          const r = await api('PATCH', `/api/v1/repeaters/${id}`, { rateLimit });
          if (r.status !== 200) { refusal = `${r.status} ${r.text.slice(0, 300)}`; break; }
          applied++;
        }
        const shown = (await repeaterView(ids[0])).rateLimit;
        Object.assign(result, { rateLimitApplied: applied, rateLimitRefusal: refusal, rateLimitShown: shown });
        log(`s7d: rateLimit ${JSON.stringify(rateLimit)} set on ${applied} of ${R} repeaters${refusal ? `; refused: ${refusal}` : ''}`);
      }
      const phase = throughputPhases(ids, domains, tag, { readyProbe: false }); // no JVM started mid-measurement
      if (W > 0) await phase('warmup', true, W, false);
      sides.push({ label, svc, phase, ids });
    });
  }
  for (let r = 0; r < ROUNDS; r++) { // alternating order: A B, then B A, …
    for (const side of r % 2 === 0 ? sides : [...sides].reverse()) {
      const out = await onService(side.svc, () => side.phase(`r${r}`, true, N, !SMOKE)); // footprint (CPU per record) on full runs
      result.runs.push({ round: r, side: side.label, deliveriesPerS: out.deliveriesPerS, seconds: out.seconds,
        serviceCpuPerKRecordsS: out.footprint?.serviceCpuPerKRecordsS ?? null, serviceCpuS: out.footprint?.serviceCpuS ?? null,
        servicePeakRssMb: out.footprint?.servicePeakRssMb ?? null, pgTransactionsPerRecord: out.footprint?.pgTransactionsPerRecord ?? null,
        meanBatchSize: out.serviceMetrics?.meanBatchSize ?? null });
    }
  }
  const cmp = compareSides(result.runs, x => x.side === 'rateLimited', x => x.side === 'limitsOff');
  Object.assign(result, { rateLimited: cmp.a, limitsOff: cmp.b, ratio: cmp.ratio, cpuRatio: cmp.cpuRatio });
  for (const side of sides) await onService(side.svc, () => retireAndClear(side.ids, `s7d ${side.label}`));
  log(`s7d: ${JSON.stringify({ rateLimited: result.rateLimited, limitsOff: result.limitsOff, ratio: result.ratio })}`);
  return result;
}

async function limits() {
  const failures = await checkReceiver();
  expect(failures.length === 0, `receiver self-check (bench/receiver-check.mjs): ${failures.join('; ')}`);
  if (failures.length) throw new Error('the receiver failed its self-check');
  log('s7: receiver self-check ok');
  expect(LIMITS_OFF !== null, 's7: no second service (BENCH_API_OFF): phases b and d ran without their DISPATCH_LIMITS_ENABLED=false side');
  if (LIMITS_OFF) await onService(LIMITS_OFF, warmup);
  const result = { phases: {} };
  result.phases.rateLimited = await limitsRateLimited();
  result.phases.fragile = { limitsOn: await limitsFragile('on') };
  if (LIMITS_OFF) result.phases.fragile.limitsOff = await onService(LIMITS_OFF, () => limitsFragile('off'));
  result.phases.budget = await limitsBudget();
  result.phases.cost = await limitsCost();
  // which of the features the figures depend on this service showed
  result.features = {
    concurrencyField: result.phases.rateLimited.concurrencyField || result.phases.fragile.limitsOn.concurrencyField,
    repeaterRateLimit: result.phases.cost.rateLimitRefusal === null && result.phases.cost.rateLimitShown !== null,
    domainLimitsRoute: result.phases.budget.budgetApplied,
  };
  return result;
}

// ---- scenario 8: trust and intake: signing's cost, fan-out, strict order ------------------------------
// 8a: scenario 2's measurement over the same repeaters with signing on and off, alternating rounds
// (on off, then off on, …) on one service, so drift of the machine falls on both sides.
async function signingCost() {
  const R = size('S8_A_REPEATERS'), D = size('S8_A_DOMAINS'), N = size('S8_A_RECORDS'), W = size('S8_A_WARMUP'), ROUNDS = size('S8_A_ROUNDS');
  const tag = 's8a';
  const ids = await createRepeaters(tag, R, D, i => ok(`${tag}-r${i}`));
  const domains = [...Array(D).keys()].map(i => `${tag}-d${i}`);
  const phase = throughputPhases(ids, domains, tag, { readyProbe: false });
  // repeaters made by SQL get their signing secret at their first claim: the warm-up's
  if (W > 0) await phase('warmup', true, W, false);
  const unsigned = await sqlNum(`SELECT count(*) FROM repeater WHERE id = ANY('{${ids.join(',')}}'::bigint[]) AND signing_secret IS NULL`);
  expect(unsigned === 0, `s8a: ${unsigned} repeaters still without a signing secret after the warm-up`);
  const result = { repeaters: R, domains: D, records: N, batchSize: size('BATCH_SIZE'), warmupRecords: W, rounds: ROUNDS, runs: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const signed of r % 2 === 0 ? [true, false] : [false, true]) {
      await sql(`UPDATE repeater SET signing_enabled = ${signed} WHERE id = ANY('{${ids.join(',')}}'::bigint[])`);
      const out = await phase(`r${r}${signed ? 's' : 'u'}`, true, N, !SMOKE);
      const end = await rcv(`/_stats?prefix=${tag}-r${r}${signed ? 's' : 'u'}-`);
      result.runs.push({ round: r, signed, deliveriesPerS: out.deliveriesPerS, seconds: out.seconds,
        serviceCpuPerKRecordsS: out.footprint?.serviceCpuPerKRecordsS ?? null, requests: end.total });
    }
  }
  const cmp = compareSides(result.runs, x => x.signed, x => !x.signed);
  Object.assign(result, { signed: cmp.a, unsigned: cmp.b, ratio: cmp.ratio, cpuRatio: cmp.cpuRatio });
  // the receiver saw signatures on the signed rounds (a service that did not sign would make the comparison moot)
  const probe = await api('POST', '/api/v1/repeaters', { domain: `${tag}-probe`, name: 'probe', url: ok(`${tag}-probe`) });
  result.signingField = probe.status === 201 && typeof probe.json?.signingSecret === 'string';
  await retireAndClear(ids, 's8a');
  log(`s8a: ${JSON.stringify({ signed: result.signed, unsigned: result.unsigned, ratio: result.ratio, cpuRatio: result.cpuRatio })}`);
  return result;
}

// 8b: one domain of S8_B_REPEATERS repeaters all subscribed to `case.*`; S8_B_EVENTS events posted
// to POST /api/v1/domains/{domain}/events, S8_B_EVENTS_PER_CALL a call, S8_B_CALLS_AT_ONCE calls at
// once: records created per second, from the first call's start to the last call's answer. The
// repeaters stay paused (a fan-out queues records for paused repeaters too), so the figure is the
// intake alone: the statement, its audit row, the answer.
async function fanOut() {
  const R = size('S8_B_REPEATERS'), EVENTS = size('S8_B_EVENTS'), PER_CALL = size('S8_B_EVENTS_PER_CALL'), AT_ONCE = size('S8_B_CALLS_AT_ONCE');
  const tag = 's8b', domain = `${tag}-d`;
  const ids = await createRepeaters(tag, R, 1, i => ok(`${tag}-r${i}`), { domainOf: () => domain });
  let subscribed = 0, refusal = null;
  for (const id of ids) {
    const r = await api('PATCH', `/api/v1/repeaters/${id}`, { eventTypes: ['case.*'] });
    if (r.status !== 200) { refusal = `${r.status} ${r.text.slice(0, 300)}`; break; }
    subscribed++;
  }
  const result = { repeaters: R, events: EVENTS, eventsPerCall: PER_CALL, callsAtOnce: AT_ONCE, subscribed, refusal };
  if (refusal) { expect(false, `s8b: eventTypes refused: ${refusal}`); await retireAndClear(ids, 's8b'); return result; }
  let next = 0, calls = 0, created = 0, failed = null;
  const t0 = now();
  async function caller() {
    while (next < EVENTS && !failed) {
      const from = next, to = Math.min(EVENTS, from + PER_CALL);
      next = to;
      const items = [];
      for (let i = from; i < to; i++) items.push({ eventType: `case.${i % 2 ? 'created' : 'updated'}`, payloadId: `${tag}-e${i}`, payload: { i } });
      const r = await api('POST', `/api/v1/domains/${domain}/events`, items);
      calls++;
      if (r.status !== 202) { failed = `${r.status} ${r.text.slice(0, 300)}`; return; }
      created += countRecords(r.json);
    }
  }
  await Promise.all([...Array(AT_ONCE).keys()].map(caller));
  const seconds = (now() - t0) / 1000;
  const inDb = await sqlNum(`SELECT count(*) FROM repeat_record_all WHERE domain = '${domain}'`);
  Object.assign(result, { calls, created, recordsInDatabase: inDb, seconds: round(seconds, 2), recordsPerS: round(inDb / seconds, 0), failed });
  expect(!failed, `s8b: a fan-out call failed: ${failed}`);
  expect(inDb === R * EVENTS, `s8b: ${inDb} records in the database, expected ${R * EVENTS}`);
  await retireAndClear(ids, 's8b');
  log(`s8b: ${JSON.stringify(result)}`);
  return result;
}
/** The record ids a fan-out answer carries, whatever it nests them in: every number in an array under it. */
function countRecords(json) {
  if (Array.isArray(json)) return json.every(x => typeof x === 'number') ? json.length : json.reduce((a, x) => a + countRecords(x), 0);
  if (json && typeof json === 'object') return Object.values(json).reduce((a, x) => a + countRecords(x), 0);
  return 0;
}

// 8c: a strict repeater's throughput against its endpoint's latency, beside a parallel one at the
// same endpoint (batch S8_C_BATCH), one pair at a time: records/s each, and what the latency alone
// allows a strict repeater (1000 / latency).
async function strictOrder() {
  const latencies = sizeText('S8_C_LATENCIES_MS').split(',').map(Number), SECONDS = size('S8_C_SECONDS');
  const result = { latenciesMs: latencies, seconds: SECONDS, batchSize: size('BATCH_SIZE'), rows: [] };
  for (const ms of latencies) {
    const row = { latencyMs: ms };
    for (const ordering of ['strict', 'parallel']) {
      const tag = `s8c${ordering[0]}${ms}`;
      const url = `http://${RCV_URL.host}/slow/${tag}?ms=${ms}`;
      const [id] = await createRepeaters(tag, 1, 1, () => url, { batchSize: size('S8_C_BATCH') });
      await sql(`UPDATE repeater SET ordering = '${ordering}' WHERE id = ${id}`);
      // enough records for about SECONDS at the rate the latency allows the mode (round trips of ms + ~2 ms)
      const perS = (ordering === 'strict' ? 1 : size('S8_C_BATCH')) * 1000 / (ms + 2);
      const n = Math.max(50, Math.min(20000, Math.round(perS * SECONDS)));
      await rcv('/_reset', 'POST');
      await insertRecords([id], n, `${tag}-`);
      const t0 = await unpause([id]);
      const got = await waitDistinct(n, Math.max(60, SECONDS * 20) * 1000, tag);
      const end = await rcv(`/_stats?prefix=${tag}-&keys=1`);
      const elapsed = (end.prefix.lastFirstReceiptAt - t0) / 1000;
      row[ordering] = { records: n, recordsPerS: round(n / elapsed, 1), seconds: round(elapsed, 2),
        maxOpen: end.keys?.[`slow/${tag}`]?.maxOpen ?? null, duplicates: got.total - got.distinct };
      if (ordering === 'strict') expect(row.strict.maxOpen === 1, `s8c ${ms} ms: a strict repeater had ${row.strict.maxOpen} requests open at once`);
      await retireAndClear([id], tag);
    }
    row.latencyBoundPerS = ms === 0 ? null : round(1000 / ms, 1);
    row.strictShareOfBound = ms === 0 ? null : round(row.strict.recordsPerS / (1000 / ms), 3);
    row.strictOverParallel = round(row.strict.recordsPerS / row.parallel.recordsPerS, 3);
    result.rows.push(row);
    log(`s8c: ${JSON.stringify(row)}`);
  }
  return result;
}

async function trust() {
  const result = { phases: {} };
  result.phases.signing = await signingCost();
  result.phases.fanOut = await fanOut();
  result.phases.strict = await strictOrder();
  return result;
}

// ---- scenario 9: tracing's cost ------------------------------------------------------------------
// Scenario 2's dispatch-only measurement on two services side by side (as 7d): the main one with
// OpenTelemetry on (OTEL_SDK_DISABLED=false), exporting by OTLP/HTTP to bench/otlp-sink.mjs
// (BENCH_OTLP_SINK), so every batch and delivery span is made, serialized and sent; the second
// (BENCH_API_OFF) with tracing off, the default. Rounds alternate their order (on off, off on, …).
// The records are bulk-inserted without a traceparent: each delivery span is its batch's child.
async function tracing() {
  const R = size('S9_REPEATERS'), D = size('S9_DOMAINS'), N = size('S9_RECORDS'), W = size('S9_WARMUP'), ROUNDS = size('S9_ROUNDS');
  const off = LIMITS_OFF && { ...LIMITS_OFF, name: 'tracing-off' };
  expect(off !== null, 's9: no second service (BENCH_API_OFF): nothing to compare tracing with');
  const sink = E.BENCH_OTLP_SINK;
  const sinkStats = async () => sink ? (await request(sink, 'GET', '/_stats')).json : null;
  if (off) await onService(off, warmup);
  const result = { repeaters: R, domains: D, records: N, batchSize: size('BATCH_SIZE'), warmupRecords: W, rounds: ROUNDS,
    samplerRatio: Number(E.OTEL_TRACES_SAMPLER_ARG || 1), runs: [] }; // the traced service's OTEL_TRACES_SAMPLER_ARG (it inherits the environment)
  const sides = [];
  for (const [label, svc] of [['tracingOn', MAIN], ['tracingOff', off]]) {
    if (!svc) continue;
    await onService(svc, async () => {
      const tag = `s9${label === 'tracingOn' ? 't' : 'o'}`;
      const ids = await createRepeaters(tag, R, D, i => ok(`${tag}-r${i}`));
      const domains = [...Array(D).keys()].map(i => `${tag}-d${i}`);
      const phase = throughputPhases(ids, domains, tag, { readyProbe: false });
      if (W > 0) await phase('warmup', true, W, false);
      sides.push({ label, svc, phase, ids });
    });
  }
  const sink0 = await sinkStats();
  for (let r = 0; r < ROUNDS; r++) {
    for (const side of r % 2 === 0 ? sides : [...sides].reverse()) {
      const out = await onService(side.svc, () => side.phase(`r${r}`, true, N, !SMOKE)); // footprint (CPU per record) on full runs
      result.runs.push({ round: r, side: side.label, deliveriesPerS: out.deliveriesPerS, seconds: out.seconds,
        serviceCpuPerKRecordsS: out.footprint?.serviceCpuPerKRecordsS ?? null, servicePeakRssMb: out.footprint?.servicePeakRssMb ?? null,
        meanBatchSize: out.serviceMetrics?.meanBatchSize ?? null });
    }
  }
  await sleep(6000); // the batch span processor exports every 5 s: the last round's spans reach the sink
  const sink1 = await sinkStats();
  if (sink0 && sink1) {
    result.otlp = { requests: sink1.requests - sink0.requests, bytes: sink1.bytes - sink0.bytes, paths: sink1.paths };
    expect(result.otlp.requests > 0, 's9: the traced service sent no span to the OTLP sink (is tracing on?)');
  } else {
    expect(false, 's9: no OTLP sink (BENCH_OTLP_SINK): the traced side exported nothing');
  }
  const cmp = compareSides(result.runs, x => x.side === 'tracingOn', x => x.side === 'tracingOff');
  Object.assign(result, { tracingOn: cmp.a, tracingOff: cmp.b, ratio: cmp.ratio, cpuRatio: cmp.cpuRatio });
  for (const side of sides) await onService(side.svc, () => retireAndClear(side.ids, `s9 ${side.label}`));
  log(`s9: ${JSON.stringify({ tracingOn: result.tracingOn, tracingOff: result.tracingOff, ratio: result.ratio, otlp: result.otlp })}`);
  return result;
}

const scenarios = { throughput, dead: deadEndpoints, fairness, pickup, limits, trust, tracing };
const which = process.argv[2];
if (!scenarios[which]) {
  console.error(`usage: bench.mjs <${Object.keys(scenarios).join('|')}>`);
  process.exit(2);
}
const t = now();
const load0 = os.loadavg()[0];
warmup().then(() => scenarios[which]()).then(r => {
  r.smoke = SMOKE;
  r.tiedNextCheck = TIED;
  r.loadAverage1m = { start: round(load0, 2), end: round(os.loadavg()[0], 2) };
  r.scenarioWallS = round((now() - t) / 1000, 1);
  if (problems.length) r.problems = problems;
  process.stdout.write(JSON.stringify(r, null, 1) + '\n');
  if (problems.length) console.error(`FAILED ${which}: ${problems.join('; ')}`);
  process.exit(problems.length ? 1 : 0);
}, e => {
  console.error(e.stack || e);
  process.stdout.write(JSON.stringify({ error: String(e.message || e), ...(problems.length ? { problems } : {}), smoke: SMOKE }) + '\n');
  process.exit(1);
});
