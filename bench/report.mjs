#!/usr/bin/env node
// Turns one bench/run.sh output directory into RESULTS.md (stdout): machine, command, a results
// table with met/missed against the targets, then each scenario's figures.
//   node bench/report.mjs bench/results/run-<stamp>
import fs from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';

const dir = process.argv[2];
const read = f => { try { return fs.readFileSync(`${dir}/${f}`, 'utf8'); } catch { return null; } };
const json = f => { const t = read(f); if (!t) return null; try { return JSON.parse(t); } catch { return { error: 'unreadable ' + f }; } };
const sh = (cmd, args) => { try { return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim(); } catch (e) { return (e.stderr || '').toString().trim() || '?'; } };
const javaVersion = sh('sh', ['-c', 'java -version 2>&1 | head -1']);
const fmt = (x, unit = '') => x === null || x === undefined ? 'n/a' : (typeof x === 'number' ? x.toLocaleString('en-US') : x) + unit;

const metricRows = (p, r, l) => {
  const m = [['batches (per-repeater path)', 'batches'], ['mean batch size', 'meanBatchSize'], ['mean batch duration (ms): claim, send, write', 'meanBatchMs'],
    ['mean delivery request (ms), per-repeater path', 'meanRequestMsRepeaterPath'], ['mean delivery request (ms), legacy path', 'meanRequestMsLegacyPath'],
    ['locks acquired / contended', null], ['repeater backoffs', 'backoffs']];
  for (const [label, k] of m) {
    const g = x => !x ? 'n/a' : k ? fmt(x[k]) : `${fmt(x.locksAcquired)} / ${fmt(x.locksContended)}`;
    p(`| service metrics: ${label} | ${g(r.serviceMetrics)} | ${g(l.serviceMetrics)} |`);
  }
};
const loadLine = x => x && x.loadAverage1m ? `Machine load average (1 min) at the scenario's start / end: ${x.loadAverage1m.start} / ${x.loadAverage1m.end}; scenario wall time ${fmt(x.scenarioWallS)} s.` : '';
const planCell = x => !x ? 'n/a' : x.error ? `error: ${x.error}` : `${fmt(x.ms)} ms, ${fmt(x.sharedHit)} buffers${x.seqScanOnRecords ? ', **Seq Scan on repeat_record**' : ''}`;
const s1 = read('s1.txt'), s2 = json('s2.json'), s3 = json('s3.json'), s4 = json('s4.json'), s5 = json('s5.json'), s5b = read('s5b.txt'), s7 = json('s7.json'), s8 = json('s8.json'), s9 = json('s9.json');
const alone = json('receiver-alone.json');
const smoke = [s2, s3, s4, s5, s7, s8, s9].some(s => s && s.smoke);
const judge = cond => smoke ? 'n/a (smoke sizes)' : cond === null ? 'n/a' : cond ? '**met**' : '**missed**';
const pct = (a, b) => a && b ? Math.round(a / b * 100) : null;

const out = [];
const p = (...l) => out.push(...l);
p('# Dispatch benchmark results', '');
if (smoke) p('**Smoke run**: every scenario at toy sizes, to keep the harness working; the figures are not results and targets are not judged.', '');
// run.sh records the code it measured when it starts; fall back to the tree as it is now
const code = (read('code.txt') || '').trim() || (() => {
  const dirty = sh('git', ['status', '--porcelain', '--', 'src', 'migrations', 'pom.xml']) ? ' (with uncommitted changes under src/migrations/pom.xml)' : '';
  return sh('git', ['log', '-1', '--format=%h %s']) + dirty;
})();
p(`- Date: ${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC; wall time ${fmt(Number(process.env.BENCH_WALL_S))} s`,
  `- Command: \`${process.env.BENCH_COMMAND || 'bench/run.sh'}\``,
  `- Code: ${code}`,
  `- Machine: ${os.cpus().length} cores (\`nproc\` ${sh('nproc', [])}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.cpus()[0]?.model || '?'}; ${sh('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-Atc', 'SHOW server_version'])} PostgreSQL; ${javaVersion}; Node ${process.version}`,
  `- Load average: start ${(read('load-start.txt') || '?').replace(/.*load average: /, '').trim()}, end ${(read('load-end.txt') || '?').replace(/.*load average: /, '').trim()} (other work on the machine shares the 2 cores)`,
  `- Data: ${[s2, s3, s4].some(x => x && x.tiedNextCheck) ? 'every bulk-inserted record has the same next_check (BENCH_TIED_NEXT_CHECK=1)' : 'bulk-inserted records are due at distinct times, one per ms up to the start, like a backlog built up over time (bench/README.md)'}`,
  '- Service: packaged jar, JVM options `' + (process.env.BENCH_SERVICE_JAVA_OPTS || 'JVM defaults') + '`, production profile, one replica, `dispatch.max-in-flight` 256, batch size 7 (default), per-batch INFO log line at WARN; PostgreSQL, Redis, the receiver and the driver on the same machine.',
  '');

// bench.mjs's checks (everything delivered, once, with a 2xx) fail the run; say which, before any figure
const failed = [['2', s2], ['3', s3], ['4', s4], ['5', s5], ['7', s7], ['8', s8], ['9', s9]].filter(([, x]) => x && (x.error || x.problems));
if (failed.length) {
  p('**Failed checks** (the run exited non-zero):', '');
  for (const [n, x] of failed) for (const what of [...(x.problems || []), ...(x.error ? [x.error] : [])]) p(`- scenario ${n}: ${what}`);
  p('');
}

// ---- table ------------------------------------------------------------------------------------------
p('| # | Scenario / measure | Per-repeater path | Legacy path | Target | Result |', '|---|---|---|---|---|---|');
if (alone) p(`| R | Receiver alone (\`bench/loadgen.mjs\`, 64 connections, keep-alive) | ${fmt(alone.reqPerSec)} req/s; ${fmt(alone.reqPerReceiverCpuS)} per receiver CPU-second | | > 15,000 req/s on one core | ${judge(Math.max(alone.reqPerSec, alone.reqPerReceiverCpuS || 0) > 15000)} |`);
if (s1) p('| 1 | Ready query (`bench/ready-query.sh`) | see below | | | |');
else if (fs.existsSync(`${dir}/s1.skipped`)) p('| 1 | Ready query (`bench/ready-query.sh`) | not run: the script is not in this tree | | | |');
if (s2 && !s2.error) {
  const r = s2.phases.perRepeater, l = s2.phases.legacy;
  p(`| 2 | Throughput: ${fmt(s2.records)} records, ${s2.repeaters} repeaters, ${s2.domains} domains, batch ${s2.batchSize}, \`/ok\` | **${fmt(r.deliveriesPerS)}/s** (${r.seconds} s) | ${fmt(l.deliveriesPerS)}/s (${l.seconds} s) | per-repeater ≥ 10,000/s | ${judge(r.deliveriesPerS >= 10000)} |`);
  const e = s2.phases.perRepeaterEndToEnd;
  if (e) p(`| 2 | Throughput end to end: the same records enqueued through the API (${fmt(e.enqueueCalls)} calls) while the loop dispatches | **${fmt(e.deliveriesPerS)}/s** (${e.seconds} s; enqueue done at ${e.enqueueSeconds} s) | not run | per-repeater ≥ 10,000/s | ${judge(e.deliveriesPerS >= 10000)} |`);
  p(`| 2 | Duplicates (receiver requests − distinct payload ids) | ${r.duplicates} | ${l.duplicates} | 0 | ${judge(r.duplicates === 0 && l.duplicates === 0)} |`);
} else if (s2) p(`| 2 | Throughput | failed: ${s2.error} | | | |`);
if (s3 && !s3.error) {
  const r = s3.phases.perRepeater, l = s3.phases.legacy;
  const r2 = s2?.phases?.perRepeater?.deliveriesPerS, l2 = s2?.phases?.legacy?.deliveriesPerS;
  p(`| 3 | Requests to ${s3.deadRepeaters} dead endpoints (${fmt(s3.deadRecordsEach)} records each) in ${s3.windowS} s, backoff min ${s3.backoffMinS} s | ${fmt(r.deadRequests)} | ${fmt(l.deadRequests)} | ≥ 100× fewer | ${fmt(s3.ratio)}× ${judge(s3.ratio !== null && s3.ratio >= 100)} |`);
  p(`| 3 | Batches per dead endpoint (max) / requests per batch (max) | ${r.maxBatchesPerDeadEndpoint} (ideal schedule allows ${s3.expectedBatchesPerDeadEndpoint}) / ${r.maxRequestsPerBatch}; min gap ${fmt(r.minGapBetweenBatchesS)} s | ${l.maxBatchesPerDeadEndpoint} / ${l.maxRequestsPerBatch} | ≤ 1 batch per backoff step | ${judge(r.maxBatchesPerDeadEndpoint <= s3.expectedBatchesPerDeadEndpoint && r.maxRequestsPerBatch <= s3.batchSize && (r.minGapBetweenBatchesS === null || r.minGapBetweenBatchesS >= s3.backoffMinS * 0.95))} |`);
  const kept = x => x.healthyKeptPct !== undefined && x.healthyKeptPct !== null
    ? `${fmt(x.healthyKeptPct)} % of the same repeaters alone (${fmt(x.healthyAloneDeliveriesPerS)}/s)` : `${fmt(pct(x.healthyDeliveriesPerS, x === r ? r2 : l2))} % of scenario 2`;
  p(`| 3 | Healthy alongside: ${s3.healthyRepeaters} repeaters, ${fmt(s3.healthyRecords)} records | ${fmt(r.healthyDeliveriesPerS)}/s (${kept(r)}) | ${fmt(l.healthyDeliveriesPerS)}/s (${kept(l)}) | per-repeater ≥ 90 % | ${judge(r.healthyKeptPct != null ? r.healthyKeptPct >= 90 : r2 ? r.healthyDeliveriesPerS >= 0.9 * r2 : null)} |`);
} else if (s3) p(`| 3 | Dead endpoints | failed: ${s3.error} | | | |`);
if (s4 && !s4.error) {
  const r = s4.phases.perRepeater.smallLatency, l = s4.phases.legacy.smallLatency;
  const show = x => `p50 ${fmt(x.p50Ms)} ms, p99 ${x.p99Ms === null ? `> ${s4.phases.legacy.waitedForStragglersS} s` : fmt(x.p99Ms) + ' ms'}` + (x.undelivered ? ` (${x.undelivered} of ${x.n} not delivered)` : '');
  p(`| 4 | Fairness: enqueue→receipt, ${s4.smallDomains} small domains beside one with ${fmt(s4.bigRecords)} queued | ${show(r)} | ${show(l)} | per-repeater p99 ≤ 1 s | ${judge(r.p99Ms !== null && r.p99Ms <= 1000)} |`);
} else if (s4) p(`| 4 | Fairness | failed: ${s4.error} | | | |`);
if (s5 && !s5.error) {
  const r = s5.phases.perRepeater.latency, l = s5.phases.legacy.latency;
  p(`| 5 | Pick-up latency, idle, ${s5.records} records one at a time | p50 ${fmt(r.p50Ms)} ms, p99 ${fmt(r.p99Ms)} ms | p50 ${fmt(l.p50Ms)} ms, p99 ${fmt(l.p99Ms)} ms | p50 < 100 ms | ${judge(r.p50Ms !== null && r.p50Ms < 100)} |`);
} else if (s5) p(`| 5 | Pick-up latency | failed: ${s5.error} | | | |`);
if (s2 && !s2.error) {
  const r = s2.phases.perRepeater.footprint, l = s2.phases.legacy.footprint;
  const peak = Math.max(r.servicePeakRssMb, l.servicePeakRssMb);
  p(`| 6 | Service peak RSS during scenario 2 | ${r.servicePeakRssMb} MB | ${l.servicePeakRssMb} MB | ≤ 300 MB | ${judge(peak <= 300)} |`);
  p(`| 6 | CPU s: service / PostgreSQL (scratch-db backends; all postgres processes) / receiver | ${r.serviceCpuS} / ${r.pgScratchBackendsCpuS} (${r.pgAllProcessesCpuS}) / ${r.receiverCpuS} | ${l.serviceCpuS} / ${l.pgScratchBackendsCpuS} (${l.pgAllProcessesCpuS}) / ${l.receiverCpuS} | | |`);
  p(`| 6 | PostgreSQL transactions per delivered record | ${r.pgTransactionsPerRecord} | ${l.pgTransactionsPerRecord} | | |`);
}
// scenario 7: no legacy column; a target judged against a feature this build does not have says so
const s7ok = s7 && !s7.error && s7.phases;
const absent = what => s7ok && s7.features && !s7.features[what] ? ' (feature not in this build)' : '';
if (s7ok) {
  const a = s7.phases.rateLimited, b = s7.phases.fragile, c = s7.phases.budget, d = s7.phases.cost;
  if (a) {
    p(`| 7a | 429 endpoint (N = ${a.rps}/s per sliding second, 429 without Retry-After), batch ${a.limitedBatchSize}: requests/s sent after the first ${a.convergeS} s | ${fmt(a.limited.requestsPerS)}/s = ${fmt(a.limited.requestsPerN)} × N (answered 200: ${fmt(a.limited.okPerS)}/s = ${fmt(a.limited.okPerN)} × N) | | ≤ 1.1 × N | ${judge(a.limited.requestsPerS <= 1.1 * a.rps)}${absent('concurrencyField')} |`);
    p(`| 7a | … its attempts answered 429 in that window | ${a.limited.rejectedPct === null ? 'no attempts' : `${fmt(a.limited.rejectedPct)} % (${fmt(a.limited.rejected)} of ${fmt(a.limited.requests)})`} | | < 5 % | ${judge(a.limited.rejectedPct === null ? null : a.limited.rejectedPct < 5)}${absent('concurrencyField')} |`);
    p(`| 7a | Healthy repeater beside it (batch ${a.healthyBatchSize}, \`/ok\`, another domain) | ${fmt(a.healthyBesidePerS)}/s = ${fmt(a.healthyKeptPct)} % of itself alone (${fmt(a.healthyAlonePerS)}/s) | | ≥ 90 % | ${judge(a.healthyKeptPct === null ? null : a.healthyKeptPct >= 90)} |`);
  }
  if (b && b.limitsOn) {
    const f = x => !x ? 'not run' : `burst ${fmt(x.receiverBurstMedian)} (peak open ${fmt(x.receiverPeakOpenMedian)}), \`concurrency.effective\` ${fmt(x.effectiveMedian)}; ${fmt(x.deliveriesPerS)} deliveries/s, ${fmt(x.failedPct)} % 500s`;
    p(`| 7b | Fragile endpoint (k = ${b.limitsOn.k} at once, ${b.limitsOn.holdMs} ms), batch ${b.limitsOn.batchSize}, after ${b.limitsOn.convergeS} s: the repeater's \`concurrency.effective\` (median of per-second samples; the receiver's burst, which counts every probe of k + 1, beside it), deliveries/s, 500s | limits on: ${f(b.limitsOn)}; limits off: ${f(b.limitsOff)} | | converges to k | ${judge(b.limitsOn.effectiveMedian === null ? null : b.limitsOn.effectiveMedian === b.limitsOn.k)}${absent('concurrencyField')} |`);
  }
  if (c) {
    const q = x => `p50 ${fmt(x.smallLatency.p50Ms)} ms, p99 ${x.smallLatency.p99Ms === null ? 'n/a' : fmt(x.smallLatency.p99Ms) + ' ms'}`;
    p(`| 7c | ${c.smallDomains} small domains' enqueue → receipt, alone, then beside a domain over its budget (${fmt(c.budget.remoteTimePerMinuteMs)} ms a minute; ${c.bigRepeaters} repeaters on a ${c.slowMs} ms path) | ${q(c.alone)} → ${q(c.beside)}: p99 × ${fmt(c.p99Ratio)}; big domain ${fmt(c.bigDeliveriesPerS)} deliveries/s | | p99 within 10 % | ${judge(c.p99Ratio === null ? null : c.p99Ratio <= 1.1)}${absent('domainLimitsRoute')} |`);
  }
  if (d) {
    p(`| 7d | Limiter cost: scenario 2's measurement (${fmt(d.records)} records, ${d.repeaters} repeaters, batch ${d.batchSize}, \`/ok\`), ${d.rounds} round(s), alternating | \`rateLimit\` ${JSON.stringify(d.rateLimit)} on every repeater: ${fmt(d.rateLimited?.deliveriesPerS)}/s; \`DISPATCH_LIMITS_ENABLED=false\`: ${fmt(d.limitsOff?.deliveriesPerS)}/s; ratio ${fmt(d.ratio)} | | ≤ 5 % apart | ${judge(d.ratio === null ? null : d.ratio >= 0.95)}${absent('repeaterRateLimit')} |`);
  }
} else if (s7) p(`| 7 | Limits | failed: ${s7.error} | | | |`);
const s8ok = s8 && !s8.error && s8.phases;
if (s8ok) {
  const a = s8.phases.signing, b = s8.phases.fanOut, c = s8.phases.strict;
  if (a) p(`| 8a | Signing cost: scenario 2's measurement (${fmt(a.records)} records, ${a.repeaters} repeaters, batch ${a.batchSize}), ${a.rounds} round(s), alternating | signed ${fmt(a.signed?.deliveriesPerS)}/s, unsigned ${fmt(a.unsigned?.deliveriesPerS)}/s: ratio ${fmt(a.ratio)}; CPU per record ${fmt(a.cpuRatio)}× | | ≤ 5 % apart | ${judge(a.ratio === null ? null : a.ratio >= 0.95)} |`);
  if (b) p(`| 8b | Fan-out: ${fmt(b.events)} events to a domain of ${fmt(b.repeaters)} subscribed repeaters, ${b.eventsPerCall} events a call, ${b.callsAtOnce} at once | ${fmt(b.recordsInDatabase)} records in ${fmt(b.seconds)} s: **${fmt(b.recordsPerS)} records/s**${b.failed ? `; failed: ${b.failed}` : ''} | | (measured) | ${judge(b.failed ? false : b.recordsInDatabase === b.repeaters * b.events)} |`);
  if (c) p(`| 8c | Strict order: one repeater's records/s against its endpoint's latency (parallel repeater, batch ${c.batchSize}, beside) | ${(c.rows || []).map(r => `${r.latencyMs} ms: strict ${fmt(r.strict?.recordsPerS)}/s (max open ${r.strict?.maxOpen}), parallel ${fmt(r.parallel?.recordsPerS)}/s`).join('; ')} | | one in flight | ${judge((c.rows || []).every(r => r.strict?.maxOpen === 1))} |`);
} else if (s8) p(`| 8 | Trust and intake | failed: ${s8.error} | | | |`);
const s9ok = s9 && !s9.error && s9.runs;
if (s9ok) {
  p(`| 9 | Tracing cost: scenario 2's measurement (${fmt(s9.records)} records, ${s9.repeaters} repeaters, batch ${s9.batchSize}), ${s9.pairs ? `${s9.pairs.length} pair(s) of services × ${s9.roundsPerPair} round(s)` : `${s9.rounds} round(s)`}, alternating | tracing on (OTLP to a sink${s9.samplerRatio !== undefined && s9.samplerRatio < 1 ? `, sampler ratio ${s9.samplerRatio}` : ''}): ${fmt(s9.tracingOn?.deliveriesPerS)}/s; off: ${fmt(s9.tracingOff?.deliveriesPerS)}/s; ratio ${fmt(s9.ratio)}; CPU per record ${fmt(s9.cpuRatio)}× | | ≤ 5 % apart | ${judge(s9.ratio === null ? null : s9.ratio >= 0.95)} |`);
} else if (s9) p(`| 9 | Tracing cost | failed: ${s9.error} | | | |`);
p('');

// ---- details -----------------------------------------------------------------------------------------
if (alone) {
  p('## R. Receiver alone', '', `\`node bench/loadgen.mjs --connections 64\` against \`bin/receiver.mjs\` (one Node process, so one core for its JavaScript), the load generator beside it: ${fmt(alone.reqPerSec)} req/s over ${alone.seconds} s (${fmt(alone.requests)} requests, ${alone.non2xx} non-2xx), using ${fmt(alone.receiverCpuS)} CPU-seconds of the receiver, i.e. ${fmt(alone.reqPerReceiverCpuS)} requests per CPU-second (its rate on a whole core; the wall-clock figure is lower when other work on the machine takes part of that core).`, '');
}
if (s1) p('## 1. Ready query (`bench/ready-query.sh`)', '', '```', s1.trim(), '```', '');
if (s2 && !s2.error) {
  p('## 2. Throughput (and 6. footprint)', '', loadLine(s2), '',
    `${fmt(s2.records)} records bulk-inserted by SQL (state 1, due; see Data above) while all ${s2.repeaters} repeaters (${s2.domains} domains, batch size ${s2.batchSize}) were paused; then one transaction unpauses them and sends \`NOTIFY repeater_dispatch_enqueued\`. Start = \`clock_timestamp()\` in that transaction; end = the receiver's first receipt of the last payload id; rate = records / (end − start). Then the same on the legacy path (every domain's \`domain_flag\` off), same service process. Before both, ${fmt(s2.warmupRecords)} records through each path warm the JVM (not measured).`, '');
  p('| | Per-repeater | Legacy |', '|---|---|---|');
  const r = s2.phases.perRepeater, l = s2.phases.legacy;
  const rows = [['deliveries/s', 'deliveriesPerS'], ['seconds to last receipt', 'seconds'], ['first receipt after start (ms)', 'firstReceiptAfterMs'],
    ['delivered (distinct payload ids)', 'delivered'], ['receiver requests', 'requests'], ['duplicates', 'duplicates'], ['non-2xx', 'non2xx'],
    ['state=4 in SQL at end', 'sqlSucceeded'], ['all state=4 in SQL after (s)', 'sqlCompleteAfterS']];
  for (const [label, k] of rows) p(`| ${label} | ${fmt(r[k])} | ${fmt(l[k])} |`);
  const f = [['service RSS at start / peak (MB)', x => `${x.serviceRssStartMb} / ${x.servicePeakRssMb}`], ['service CPU s', x => x.serviceCpuS],
    ['service CPU s per 1,000 records', x => x.serviceCpuPerKRecordsS], ['PostgreSQL CPU s, scratch-db backends', x => x.pgScratchBackendsCpuS],
    ['PostgreSQL CPU s, all postgres processes (incl. other users of the cluster)', x => x.pgAllProcessesCpuS], ['receiver CPU s', x => x.receiverCpuS],
    ['PostgreSQL transactions (≈ statements) by the service', x => fmt(x.pgTransactions)], ['… per delivered record', x => x.pgTransactionsPerRecord],
    ['row versions written per delivered record (inserts + updates)', x => x.pgWrites?.rowVersionsPerRecord],
    ['… of which HOT updates', x => x.pgWrites ? fmt(Object.values(x.pgWrites.perTable).reduce((a, t) => a + t.hotUpdates, 0)) : undefined],
    ['index entries written per delivered record', x => x.pgWrites?.indexEntriesPerRecord],
    ['WAL bytes per delivered record (whole cluster)', x => x.pgWrites?.walBytesPerRecord],
    ['statements per delivered record (pg_stat_statements)', x => x.pgStatements?.statementsPerRecord ?? 'not loaded'],
    ['statement execution time per delivered record (µs, wall time in PostgreSQL)', x => x.pgStatements?.execUsPerRecord ?? 'not loaded'],
    ['statement planning time per delivered record (µs)', x => x.pgStatements?.planUsPerRecord ?? 'not loaded'],
    ['sampling window (s)', x => x.wallS]];
  for (const [label, g] of f) p(`| ${label} | ${g(r.footprint)} | ${g(l.footprint)} |`);
  const topStatements = (name, x) => {
    if (!x.footprint.pgStatements) return;
    p('', `${name}: the statements costing the most time (pg_stat_statements, per delivered record; wall time, so CPU contention counts in it)`, '',
      '| statement | calls | rows per call | planning µs | execution µs | buffers |', '|---|---:|---:|---:|---:|---:|');
    for (const t of x.footprint.pgStatements.top) p(`| \`${t.query.replace(/\|/g, '\\|')}\` | ${t.callsPerRecord} | ${t.rowsPerCall} | ${t.planUsPerRecord ?? ''} | ${t.execUsPerRecord} | ${t.blocksPerRecord} |`);
  };
  metricRows(p, r, l);
  p(`| ready query (EXPLAIN ANALYZE) when half the records were delivered | ${planCell(r.readyQueryAtHalf)} | not run by this path |`);
  p('', 'Footprint window: from just before the unpause to the last record counted succeeded in SQL. Transactions = `pg_stat_database` (`xact_commit + xact_rollback`) delta of the scratch database minus the harness\'s own statements; the reactive client runs each statement in its own implicit transaction, so this is ≈ statements; with `BENCH_STAT_STATEMENTS=1` the statements are also counted by `pg_stat_statements`.', '');
  topStatements('Per-repeater path', r);
  topStatements('Legacy path', l);
  p('');
  const e = s2.phases.perRepeaterEndToEnd;
  if (e) {
    const x = e.footprint;
    p('### End to end: enqueued through the API while the loop dispatches', '',
      `The same ${fmt(s2.records)} records on the per-repeater path, enqueued through \`POST /api/v1/repeaters/{id}/records\` (${fmt(e.enqueueCalls)} calls, the repeaters in turn) while the loop dispatches; start = the unpause, end = the last first receipt. The footprint now includes the enqueue calls (the admin API, its audit entries, the enqueue statements).`, '',
      '| | End to end |', '|---|---|',
      `| deliveries/s | ${fmt(e.deliveriesPerS)} |`, `| seconds to last receipt | ${e.seconds} |`,
      `| all enqueue calls answered after (s) / records enqueued per s | ${e.enqueueSeconds} / ${fmt(e.enqueuedPerS)} |`,
      `| delivered / duplicates / non-2xx | ${fmt(e.delivered)} / ${e.duplicates} / ${e.non2xx} |`,
      `| CPU s: service / PostgreSQL (scratch-db backends) / receiver | ${x.serviceCpuS} / ${x.pgScratchBackendsCpuS} / ${x.receiverCpuS} |`,
      `| CPU µs per delivered record: service / PostgreSQL / receiver | ${fmt(Math.round(x.serviceCpuS * 1e6 / e.delivered))} / ${fmt(Math.round(x.pgScratchBackendsCpuS * 1e6 / e.delivered))} / ${fmt(Math.round(x.receiverCpuS * 1e6 / e.delivered))} |`,
      `| statements per delivered record (pg_stat_statements) | ${x.pgStatements?.statementsPerRecord ?? 'not loaded'} |`,
      `| row versions / index entries / WAL bytes per delivered record | ${x.pgWrites?.rowVersionsPerRecord} / ${x.pgWrites?.indexEntriesPerRecord} / ${x.pgWrites?.walBytesPerRecord} |`, '');
    topStatements('End to end', e);
    p('');
  }
}
if (s3 && !s3.error) {
  const r = s3.phases.perRepeater, l = s3.phases.legacy;
  p('## 3. Dead endpoints', '', loadLine(s3), '',
    `${s3.deadRepeaters} repeaters point at the receiver's dead port (it accepts, reads the request head to tell the path, then resets the connection: a countable dead endpoint; a refused port could not be counted), ${fmt(s3.deadRecordsEach)} queued records each, beside ${s3.healthyRepeaters} healthy repeaters with ${fmt(s3.healthyRecords)} records on \`/ok\`, mixed in ${s3.domains} domains. Each path runs ${s3.windowS} s in a fresh set of repeaters (same service, \`DISPATCH_REPEATER_BACKOFF_MIN=${s3.backoffMinS}s\`, \`DISPATCH_RECORD_RETRY_MIN=${s3.backoffMinS}s\`, max attempts 6). An ideal doubling backoff allows ${s3.expectedBatchesPerDeadEndpoint} batches per endpoint in the window (at 0, ${s3.backoffMinS}, ${s3.backoffMinS * 3}, ${s3.backoffMinS * 7} s …).`, '');
  p('| | Per-repeater | Legacy |', '|---|---|---|');
  const rows = [['requests reaching the dead endpoints', 'deadRequests'], ['connections accepted', 'deadConnections'], ['failed attempts recorded in SQL', 'deadAttemptsRecorded'],
    ['requests per dead endpoint', 'deadRequestsPerEndpoint'], ['max batches per dead endpoint', 'maxBatchesPerDeadEndpoint'], ['max requests in one batch', 'maxRequestsPerBatch'],
    ['shortest gap between batches (s)', 'minGapBetweenBatchesS'], ['healthy delivered', 'healthyDelivered'], ['healthy time to last receipt (s)', 'healthySeconds'],
    ['healthy deliveries/s', 'healthyDeliveriesPerS'], ['healthy alone, same process, just before (deliveries/s)', 'healthyAloneDeliveriesPerS'], ['healthy alongside / alone (%)', 'healthyKeptPct'], ['healthy duplicates', 'healthyDuplicates']];
  for (const [label, k] of rows) p(`| ${label} | ${fmt(r[k])} | ${fmt(l[k])} |`);
  metricRows(p, r, l);
  if (r.sampleEndpoint) p('', `Per-repeater path, ${r.sampleEndpoint.path}: batches at ${r.sampleEndpoint.batchStartsS.join(', ')} s, sizes ${r.sampleEndpoint.batchSizes.join(', ')}.`);
  if (l.sampleEndpoint) p(`Legacy path, ${l.sampleEndpoint.path}: ${l.sampleEndpoint.requests} requests in ${l.sampleEndpoint.batches} bursts starting at ${l.sampleEndpoint.batchStartsS.slice(0, 12).join(', ')} s.`);
  p('');
}
if (s4 && !s4.error) {
  const r = s4.phases.perRepeater, l = s4.phases.legacy;
  p('## 4. Fairness', '', loadLine(s4), '',
    `One domain with ${s4.bigRepeaters} repeaters and ${fmt(s4.bigRecords)} queued records (bulk-inserted while paused, then unpaused), and ${s4.smallDomains} small domains with one repeater each. Every ${s4.trickleEveryMs} ms each small domain gets one record through \`POST /api/v1/repeaters/{id}/records\` (calls spread evenly), until ${s4.trickleMaxS} s have passed or the big backlog is down to 10 %. Latency = receiver's receipt − the enqueue call's return (negative when the delivery beat the API answer back). Stragglers are waited for up to ${r.waitedForStragglersS} s.`, '');
  p('| | Per-repeater | Legacy |', '|---|---|---|');
  const rows = [['trickle (s)', x => x.trickleS], ['small-domain records enqueued', x => x.enqueued], ['enqueue errors', x => x.enqueueErrors],
    ['small-domain p50 / p90 / p99 / max (ms)', x => `${fmt(x.smallLatency.p50Ms)} / ${fmt(x.smallLatency.p90Ms)} / ${fmt(x.smallLatency.p99Ms)} / ${fmt(x.smallLatency.maxMs)}`],
    ['small-domain records not delivered in time', x => x.smallLatency.undelivered], ['big backlog left when the trickle ended', x => fmt(x.bigLeftAtTrickleEnd)],
    ['big domain deliveries/s', x => fmt(x.bigDeliveriesPerS)],
    ['service clock: enqueue → first attempt started, p50 / p99 (ms)', x => x.smallEnqueueToSendStart ? `${fmt(x.smallEnqueueToSendStart.p50Ms)} / ${fmt(x.smallEnqueueToSendStart.p99Ms)}` : 'n/a'],
    ['service clock: enqueue → outcome recorded, p50 / p99 (ms)', x => x.smallEnqueueToRecorded ? `${fmt(x.smallEnqueueToRecorded.p50Ms)} / ${fmt(x.smallEnqueueToRecorded.p99Ms)}` : 'n/a'],
    ['ready query (EXPLAIN ANALYZE) when the trickle ended', x => x.path === 'legacy' ? 'not run by this path' : planCell(x.readyQueryAtTrickleEnd)]];
  for (const [label, g] of rows) p(`| ${label} | ${g(r)} | ${g(l)} |`);
  metricRows(p, r, l);
  p('');
}
if (s5 && !s5.error) {
  const r = s5.phases.perRepeater.latency, l = s5.phases.legacy.latency;
  p('## 5. Pick-up latency', '', loadLine(s5), '', `Idle service, one repeater created through the API; ${s5.records} records enqueued one at a time through the API, each waited for at the receiver, ${s5.gapMs} ms apart. Latency = receipt − the enqueue call's return.`, '');
  p('| | Per-repeater | Legacy |', '|---|---|---|');
  for (const k of ['p50Ms', 'p90Ms', 'p99Ms', 'maxMs', 'minMs', 'undelivered']) p(`| ${k.replace('Ms', ' (ms)')} | ${fmt(r[k])} | ${fmt(l[k])} |`);
  p('');
}
if (s7ok) {
  const a = s7.phases.rateLimited, b = s7.phases.fragile, c = s7.phases.budget, d = s7.phases.cost;
  const ft = s7.features || {};
  const yn = x => x ? 'yes' : '**no**';
  p('## 7. Limits: respect the endpoints, share the workers', '', loadLine(s7), '',
    `Two services side by side, each its own scratch database: one started with \`DISPATCH_LIMITS_ENABLED=true\` (phases a, b, c, d) and one with \`DISPATCH_LIMITS_ENABLED=false\` (the other side of b and d), both otherwise as in the rest of this run (production defaults: repeater backoff and record retry from 5 min). Features this build showed: repeater \`concurrency\` in the API ${yn(ft.concurrencyField)}; repeater \`rateLimit\` accepted ${yn(ft.repeaterRateLimit)}; \`PUT /api/v1/domains/{domain}/limits\` ${yn(ft.domainLimitsRoute)}. Where one is missing, its phase still ran and shows today's behaviour.`, '');
  if (a) {
    const tl = a.limitedTimeline || [];
    p('### 7a. A 429 endpoint beside a healthy repeater', '',
      `One repeater (batch ${a.limitedBatchSize}, own domain) at \`/ratelimited/s7a?rps=${a.rps}\` with ${fmt(a.limitedRecords)} due records; the receiver answers 200 to at most ${a.rps} requests in any sliding second and 429 without \`Retry-After\` to the rest. Beside it one healthy repeater (batch ${a.healthyBatchSize}, \`/ok\`, own domain) with a backlog it cannot finish in the ${a.windowS} s window. The healthy repeater's rate alone was measured first in the same process (after a warm-up round), over the same window after its unpause (${a.convergeS} s to ${a.windowS} s) as beside the limited one. Figures after the first ${a.convergeS} s (convergence) to the end of the window; whole seconds of the receiver's clock.`, '',
      '| | |', '|---|---|',
      `| limited endpoint: requests/s sent, after ${a.convergeS} s | ${fmt(a.limited.requestsPerS)} (${fmt(a.limited.requestsPerN)} × N) |`,
      `| … answered 200 /s (share of the allowance used) | ${fmt(a.limited.okPerS)} (${fmt(a.limited.okPerN)} × N) |`,
      `| … answered 429 | ${a.limited.rejectedPct === null ? 'no attempts' : `${fmt(a.limited.rejectedPct)} % (${fmt(a.limited.rejected)} of ${fmt(a.limited.requests)})`} |`,
      `| … largest burst (requests less than 5 ms apart), median / max per second | ${fmt(a.limited.burstMedian)} / ${fmt(a.limited.burstMax)} |`,
      `| whole window: requests / 200 / 429 | ${fmt(a.limitedWholeRun.requests)} / ${fmt(a.limitedWholeRun.ok)} / ${fmt(a.limitedWholeRun.rejected)} |`,
      `| limited repeater's due records left at the end | ${fmt(a.limitedQueuedDueLeft)} of ${fmt(a.limitedRecords)} |`,
      `| healthy alone / beside (deliveries/s) | ${fmt(a.healthyAlonePerS)} / ${fmt(a.healthyBesidePerS)} (${fmt(a.healthyKeptPct)} %)${a.healthyAloneRanOut || a.healthyBesideRanOut ? ' — **backlog ran out, rate is a lower bound**' : ''} |`,
      `| service: batches / mean batch size / repeater backoffs | ${fmt(a.serviceMetrics?.batches)} / ${fmt(a.serviceMetrics?.meanBatchSize)} / ${fmt(a.serviceMetrics?.backoffs)} |`, '',
      `Limited endpoint per second since the start, requests (429s): ${tl.map(x => `${x[1]}${x[3] ? `(${x[3]})` : ''}`).join(' ')}.`,
      `Its API view: ${(a.limitedViews || []).map(v => `${v.s} s: effective ${v.effective ?? 'n/a'}${v.nextAttemptAt ? `, next attempt ${v.nextAttemptAt.slice(11, 19)}` : ''}`).join('; ') || 'n/a'}.`, '');
  }
  if (b && b.limitsOn) {
    const on = b.limitsOn, off = b.limitsOff || {};
    p('### 7b. A fragile endpoint', '',
      `One repeater (batch ${on.batchSize}) at \`/fragile/<key>?k=${on.k}&ms=${on.holdMs}\` with ${fmt(on.records)} due records: the receiver holds up to ${on.k} requests ${on.holdMs} ms each and answers 200, and answers 500 at once to any request arriving while ${on.k} are held. ${on.windowS} s on each service; figures from ${on.convergeS} s on. "Burst" = requests arriving less than 5 ms apart (what the service fires at once; refused requests are answered at once, so they never pile up as open); \`concurrency.effective\` polled from \`GET /api/v1/repeaters/{id}\` every second.`, '',
      '| | limits on | limits off (`DISPATCH_LIMITS_ENABLED=false`) |', '|---|---|---|');
    const rows = [['deliveries/s (200s)', x => fmt(x.deliveriesPerS)], ['requests/s', x => fmt(x.requestsPerS)], ['500s (%)', x => fmt(x.failedPct)],
      ['receiver: burst per second, median / max', x => `${fmt(x.receiverBurstMedian)} / ${fmt(x.receiverBurstMax)}`],
      ['receiver: peak open per second, median / max', x => `${fmt(x.receiverPeakOpenMedian)} / ${fmt(x.receiverPeakOpenMax)}`],
      ['API `concurrency.effective`: first after convergence / median / at the end', x => `${fmt(x.effectiveAfterConvergence)} / ${fmt(x.effectiveMedian)} / ${fmt(x.effectiveAtEnd)}`],
      ['service: mean batch size / repeater backoffs', x => `${fmt(x.serviceMetrics?.meanBatchSize)} / ${fmt(x.serviceMetrics?.backoffs)}`],
      ['due records left of the backlog', x => fmt(x.queuedDueLeft)]];
    for (const [label, g] of rows) p(`| ${label} | ${g(on)} | ${off.service ? g(off) : 'not run'} |`);
    const line = x => (x.timeline || []).map(t => t[5]).join(' ');
    p('', `Burst per second since the start, limits on: ${line(on)}${off.service ? `; limits off: ${line(off)}` : ''}.`);
    if ((on.effectiveTimeline || []).some(e => e[1] !== null)) p(`\`concurrency.effective\` over time (s: value), limits on: ${on.effectiveTimeline.map(e => `${e[0]}: ${e[1]}`).join(', ')}.`);
    p('');
  }
  if (c) {
    p('### 7c. A domain over its budget of remote time', '',
      `${c.smallDomains} small domains with one repeater each (\`/ok\`), each getting one record every ${fmt(c.trickleEveryMs)} ms through \`POST /api/v1/repeaters/{id}/records\` for ${c.trickleS} s; latency = the receiver's first receipt − the enqueue call's return. Run once alone, then again beside one big domain: ${c.bigRepeaters} repeaters at \`/slow/s7c-big?ms=${c.slowMs}\` with ${fmt(c.bigRecords)} due records, after \`PUT /api/v1/domains/s7c-big/limits\` \`${JSON.stringify(c.budget)}\` (answered ${c.budgetAnswer?.status}).`, '',
      '| | alone | beside the big domain |', '|---|---|---|');
    const l = x => x.smallLatency;
    p(`| small domains: p50 / p90 / p99 / max (ms) | ${fmt(l(c.alone).p50Ms)} / ${fmt(l(c.alone).p90Ms)} / ${fmt(l(c.alone).p99Ms)} / ${fmt(l(c.alone).maxMs)} | ${fmt(l(c.beside).p50Ms)} / ${fmt(l(c.beside).p90Ms)} / ${fmt(l(c.beside).p99Ms)} / ${fmt(l(c.beside).maxMs)} |`,
      `| records enqueued / not delivered | ${fmt(c.alone.enqueued)} / ${l(c.alone).undelivered} | ${fmt(c.beside.enqueued)} / ${l(c.beside).undelivered} |`,
      `| p50 / p99 ratio (beside ÷ alone) | | ${fmt(c.p50Ratio)} / ${fmt(c.p99Ratio)} |`,
      `| big domain: deliveries/s during the trickle | | ${fmt(c.bigDeliveriesPerS)} |`,
      `| big domain: remote time used per minute (200s × ${c.slowMs} ms, receiver's hold) | | ${fmt(c.bigRemoteMsPerMinute)} ms (budget ${fmt(c.budget.remoteTimePerMinuteMs)}) |`, '',
      `Big domain's requests per second since its unpause: ${(c.bigTimeline || []).map(x => x[1]).join(' ')}.`, '');
  }
  if (d) {
    p('### 7d. The limiters on the happy path', '',
      `Scenario 2's dispatch-only measurement (records bulk-inserted while paused, then one unpause; rate = records / (last first receipt − start)), ${fmt(d.records)} records over ${d.repeaters} repeaters in ${d.domains} domains, batch ${d.batchSize}, \`/ok\`, after a ${fmt(d.warmupRecords)}-record warm-up on each service. On the limits-on service every repeater was given \`rateLimit\` \`${JSON.stringify(d.rateLimit)}\` through \`PATCH /api/v1/repeaters/{id}\` (set on ${fmt(d.rateLimitApplied)} of ${d.repeaters}${d.rateLimitRefusal ? `; refused: \`${d.rateLimitRefusal.slice(0, 160).replace(/\|/g, '\\|')}\`` : ''}); the other service runs with \`DISPATCH_LIMITS_ENABLED=false\` and no limits. Rounds alternate the order.`, '',
      '| round | side | deliveries/s | seconds | service CPU s per 1,000 records | mean batch size |', '|---|---|---:|---:|---:|---:|');
    for (const r of d.runs || []) p(`| ${r.round} | ${r.side === 'rateLimited' ? 'rate limit configured' : 'limits off'} | ${fmt(r.deliveriesPerS)} | ${fmt(r.seconds)} | ${fmt(r.serviceCpuPerKRecordsS)} | ${fmt(r.meanBatchSize)} |`);
    p('', `Mean: ${fmt(d.rateLimited?.deliveriesPerS)}/s with the rate limit configured, ${fmt(d.limitsOff?.deliveriesPerS)}/s with limits off: ratio ${fmt(d.ratio)}; service CPU per record ratio ${fmt(d.cpuRatio)}.`, '');
  }
}
if (s8ok) {
  const a = s8.phases.signing, b = s8.phases.fanOut, c = s8.phases.strict;
  p('## 8. Trust and intake: signing, fan-out, strict order', '', loadLine(s8), '');
  if (a) {
    p('### 8a. Signing on and off', '',
      `Scenario 2's dispatch-only measurement, ${fmt(a.records)} records over ${a.repeaters} repeaters in ${a.domains} domains, batch ${a.batchSize}, \`/ok\`, after a ${fmt(a.warmupRecords)}-record warm-up (which also gave the SQL-made repeaters their signing secrets). The same repeaters, one service; \`signing_enabled\` switched between rounds, whose order alternates.`, '',
      '| round | signed | deliveries/s | seconds | service CPU s per 1,000 records |', '|---|---|---:|---:|---:|');
    for (const r of a.runs || []) p(`| ${r.round} | ${r.signed ? 'yes' : 'no'} | ${fmt(r.deliveriesPerS)} | ${fmt(r.seconds)} | ${fmt(r.serviceCpuPerKRecordsS)} |`);
    p('', `Mean: ${fmt(a.signed?.deliveriesPerS)}/s signed, ${fmt(a.unsigned?.deliveriesPerS)}/s unsigned: ratio ${fmt(a.ratio)}; service CPU per record ratio ${fmt(a.cpuRatio)}.`, '');
  }
  if (b) {
    p('### 8b. Fan-out by event type', '',
      `One domain of ${fmt(b.repeaters)} repeaters, each subscribed to \`case.*\` through \`PATCH /api/v1/repeaters/{id}\` (${fmt(b.subscribed)} subscribed${b.refusal ? `; refused: \`${String(b.refusal).slice(0, 160).replace(/\|/g, '\\|')}\`` : ''}); ${fmt(b.events)} events (\`case.created\` / \`case.updated\`) posted to \`POST /api/v1/domains/{domain}/events\`, ${b.eventsPerCall} a call, ${b.callsAtOnce} calls at once, the repeaters paused (the intake alone: a fan-out queues records for paused repeaters too). ${fmt(b.calls)} calls; ${fmt(b.recordsInDatabase)} records in the database after ${fmt(b.seconds)} s: **${fmt(b.recordsPerS)} records/s created**.`, '');
  }
  if (c) {
    p('### 8c. Strict order against the endpoint\'s latency', '',
      `One repeater at a time at \`/slow/<key>?ms=L\` (the receiver holds each answer L ms), its records bulk-inserted while paused, then unpaused; records/s = records / (last first receipt − unpause). The same endpoint and records with \`ordering\` parallel (batch ${c.batchSize}) beside it. The latency bound is 1000 / L: what one request at a time allows.`, '',
      '| latency | strict records/s | max open (strict) | latency bound | strict ÷ bound | parallel records/s | strict ÷ parallel |', '|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of c.rows || []) p(`| ${r.latencyMs} ms | ${fmt(r.strict?.recordsPerS)} | ${fmt(r.strict?.maxOpen)} | ${fmt(r.latencyBoundPerS)} | ${fmt(r.strictShareOfBound)} | ${fmt(r.parallel?.recordsPerS)} | ${fmt(r.strictOverParallel)} |`);
    p('');
  }
}
if (s9ok) {
  p('## 9. Tracing on and off', '', loadLine(s9), '',
    `Scenario 2's dispatch-only measurement, ${fmt(s9.records)} records over ${s9.repeaters} repeaters in ${s9.domains} domains, batch ${s9.batchSize}, \`/ok\`, after a ${fmt(s9.warmupRecords)}-record warm-up on each side. Two services side by side, each with its own database and repeaters: one with \`OTEL_SDK_DISABLED=false\`, exporting ${s9.samplerRatio === undefined || s9.samplerRatio >= 1 ? 'every batch and delivery span' : `the spans of the traces its sampler kept (\`OTEL_TRACES_SAMPLER_ARG=${s9.samplerRatio}\`)`} by OTLP/HTTP (protobuf) to \`bench/otlp-sink.mjs\`, which answers 200 and keeps nothing; the other with tracing off (the default). Rounds alternate their order.${s9.pairs ? ` ${s9.pairs.length} pair(s) of services, each started afresh (two JVMs of one build can differ by 10-20 % for their whole life); each pair's ratio: ${s9.pairs.map(x => `${x.pair}: ${fmt(x.ratio)} (CPU ${fmt(x.cpuRatio)}×)`).join(', ')}.` : ''} The spans the sink received: ${fmt(s9.otlp?.requests)} export requests, ${fmt(s9.otlp?.bytes)} bytes.`, '',
    '| pair | round | tracing | deliveries/s | seconds | service CPU s per 1,000 records | peak RSS MB |', '|---|---|---|---:|---:|---:|---:|');
  for (const r of s9.runs || []) p(`| ${r.pair ?? 1} | ${r.round} | ${r.side === 'tracingOn' ? 'on' : 'off'} | ${fmt(r.deliveriesPerS)} | ${fmt(r.seconds)} | ${fmt(r.serviceCpuPerKRecordsS)} | ${fmt(r.servicePeakRssMb)} |`);
  p('', `Mean: ${fmt(s9.tracingOn?.deliveriesPerS)}/s traced, ${fmt(s9.tracingOff?.deliveriesPerS)}/s not: ratio ${fmt(s9.ratio)}; service CPU per record ratio ${fmt(s9.cpuRatio)}.`, '');
}
if (s5b) p('### 5b. Across replicas (`bench/pickup-latency.sh`)', '', '```', s5b.trim().split('\n').filter(l => /p50|p99/.test(l)).join('\n') || s5b.trim().slice(-800), '```', '');
process.stdout.write(out.join('\n') + '\n');
