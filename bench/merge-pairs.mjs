#!/usr/bin/env node
// Scenario 9's pairs into one result: bench/run.sh measures tracing's cost on several pairs of
// freshly started services (BENCH_S9_PAIRS), because two JVMs of the same build can differ by 10-20 %
// for as long as they run (JIT decisions), more than the 5 % being measured; alternating rounds
// inside one pair cannot cancel that, new pairs can. Reads each pair's JSON, writes the merged one:
//   node bench/merge-pairs.mjs s9p1.json s9p2.json … > s9.json
import fs from 'node:fs';
import { compareSides, round } from './sides.mjs';

const parts = process.argv.slice(2).map((file, i) => {
  try { return { pair: i + 1, ...JSON.parse(fs.readFileSync(file, 'utf8')) }; } catch (e) { return { pair: i + 1, error: `${file}: ${e.message}` }; }
});
const ok = parts.filter(p => !p.error && p.runs);
const failed = parts.filter(p => p.error || !p.runs);
if (!ok.length) {
  process.stdout.write(JSON.stringify({ error: failed.map(p => `pair ${p.pair}: ${p.error}`).join('; ') || 'no pair ran', smoke: parts[0]?.smoke }) + '\n');
  process.exit(1);
}
const isOn = x => x.side === 'tracingOn', isOff = x => x.side === 'tracingOff';
const runs = ok.flatMap(p => p.runs.map(r => ({ pair: p.pair, ...r })));
const cmp = compareSides(runs, isOn, isOff);
const first = ok[0];
const merged = {
  ...first,
  pairs: ok.map(p => ({ pair: p.pair, ratio: p.ratio, cpuRatio: p.cpuRatio })),
  roundsPerPair: first.rounds, rounds: runs.length / 2,
  runs, tracingOn: cmp.a, tracingOff: cmp.b, ratio: cmp.ratio, cpuRatio: cmp.cpuRatio,
  otlp: { requests: ok.reduce((n, p) => n + (p.otlp?.requests || 0), 0), bytes: ok.reduce((n, p) => n + (p.otlp?.bytes || 0), 0) },
  loadAverage1m: { start: first.loadAverage1m?.start ?? null, end: ok[ok.length - 1].loadAverage1m?.end ?? null },
  scenarioWallS: round(ok.reduce((n, p) => n + (p.scenarioWallS || 0), 0), 1),
};
delete merged.pair;
const problems = [...ok.flatMap(p => (p.problems || []).map(x => `pair ${p.pair}: ${x}`)), ...failed.map(p => `pair ${p.pair} failed: ${p.error}`)];
if (problems.length) merged.problems = problems; else delete merged.problems;
process.stdout.write(JSON.stringify(merged, null, 1) + '\n');
process.exit(problems.length ? 1 : 0);
