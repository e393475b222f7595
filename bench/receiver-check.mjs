#!/usr/bin/env node
// Self-check of bin/receiver.mjs's keyed endpoints (/ratelimited, /fragile, /slow) and their
// counters (GET /_stats?keys=1), and /flaky's share of 500s, on a receiver of its own (in-process,
// a free port), in ~2 s.
// Scenario 7 of bench/run.sh runs it first and fails if it does; alone:
//   node bench/receiver-check.mjs        (exit 0 and "receiver check: ok", or exit 1 naming what broke)
// The repo has no other place for receiver tests (its test suite is Java, bin/test).
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import { startReceiver } from '../bin/receiver.mjs';

const sleep = ms => new Promise(r => setTimeout(r, ms));

export async function checkReceiver() {
  const receiver = await startReceiver({ port: 0 });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const get = (path, method = 'POST') => new Promise((resolve, reject) => {
    const t = Date.now();
    const req = http.request(`http://127.0.0.1:${receiver.port}${path}`, { method, agent }, res => {
      const chunks = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, ms: Date.now() - t, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
  const failures = [];
  const check = (holds, what) => { if (!holds) failures.push(what); };
  try {
    // rate limit: 25 at once against rps=10: 10 accepted, 15 refused with 429 and no Retry-After
    let r = await Promise.all([...Array(25)].map(() => get('/ratelimited/c1?rps=10')));
    const ok = r.filter(x => x.status === 200).length, limited = r.filter(x => x.status === 429);
    check(ok === 10 && limited.length === 15, `/ratelimited rps=10, 25 at once: ${ok} × 200, ${limited.length} × 429 (want 10 and 15)`);
    check(limited.every(x => x.headers['retry-after'] === undefined), '/ratelimited: a 429 carried Retry-After');
    // a key of its own is not limited by another key's window
    r = await get('/ratelimited/c2?rps=1');
    check(r.status === 200, `/ratelimited/c2: first request answered ${r.status}`);
    r = await get('/ratelimited/c2?rps=1');
    check(r.status === 429, `/ratelimited/c2 rps=1: second request within 1 s answered ${r.status}`);
    // the window slides: 1.05 s after the burst, c1 accepts again
    await sleep(1050);
    r = await get('/ratelimited/c1?rps=10');
    check(r.status === 200, `/ratelimited/c1: after the window slid, answered ${r.status}`);

    // fragile: 5 at once with k=2, ms=150: 2 held then 200, 3 refused with 500 at once
    r = await Promise.all([...Array(5)].map(() => get('/fragile/f1?k=2&ms=150')));
    const held = r.filter(x => x.status === 200), refused = r.filter(x => x.status === 500);
    check(held.length === 2 && refused.length === 3, `/fragile k=2, 5 at once: ${held.length} × 200, ${refused.length} × 500 (want 2 and 3)`);
    check(held.every(x => x.ms >= 140), `/fragile ms=150: a 200 came after ${Math.min(...held.map(x => x.ms))} ms`);
    // "at once": before the held ones (an absolute bound would fail on a loaded machine)
    check(Math.max(...refused.map(x => x.ms)) < Math.min(...held.map(x => x.ms)),
      `/fragile: a 500 took ${Math.max(...refused.map(x => x.ms))} ms, a 200 ${Math.min(...held.map(x => x.ms))} ms (500s should come at once)`);
    // once they are answered, the slots are free again
    r = await Promise.all([...Array(2)].map(() => get('/fragile/f1?k=2&ms=10')));
    check(r.every(x => x.status === 200), `/fragile: after the held requests ended, answered ${r.map(x => x.status)}`);

    // slow
    r = await get('/slow/s1?ms=120');
    check(r.status === 200 && r.ms >= 110, `/slow ms=120: ${r.status} after ${r.ms} ms`);

    // counters
    const stats = JSON.parse((await get('/_stats?keys=1', 'GET')).text);
    const c1 = stats.keys?.['ratelimited/c1'], f1 = stats.keys?.['fragile/f1'];
    check(c1 && c1.requests === 26 && c1.byStatus['200'] === 11 && c1.byStatus['429'] === 15,
      `_stats keys ratelimited/c1: ${JSON.stringify(c1 && { requests: c1.requests, byStatus: c1.byStatus })}`);
    check(c1 && c1.perSecond.reduce((a, b) => a + b[1], 0) === 26 && c1.perSecond.every(b => b.length === 6),
      `_stats keys ratelimited/c1 perSecond: ${JSON.stringify(c1?.perSecond)}`);
    check(f1 && f1.requests === 7 && f1.byStatus['500'] === 3 && f1.maxOpen >= 2 && f1.open === 0 && f1.maxBurst >= 2,
      `_stats keys fragile/f1: ${JSON.stringify(f1 && { requests: f1.requests, byStatus: f1.byStatus, maxOpen: f1.maxOpen, maxBurst: f1.maxBurst, open: f1.open })}`);
    check(stats.keys?.['slow/s1']?.requests === 1, '_stats keys slow/s1 missing');
    const one = JSON.parse((await get('/_stats?key=fragile/f1', 'GET')).text);
    check(Object.keys(one.keys || {}).join() === 'fragile/f1', `_stats?key=fragile/f1 gave keys ${Object.keys(one.keys || {})}`);
    check(stats.byStatus['429'] === 16 && stats.total === 26 + 2 + 7 + 1, `_stats totals: ${stats.total} requests, ${JSON.stringify(stats.byStatus)}`);
    await get('/_reset');
    const after = JSON.parse((await get('/_stats?keys=1', 'GET')).text);
    check(Object.keys(after.keys).length === 0, '/_reset left key counters');
    // /flaky: a random share (default 0.2) answered 500, the others 200 (faults/s8-strict-order.sh);
    // 600 requests: the share lands in 0.12-0.28 unless the coin is broken (more than 4 sd off)
    r = await Promise.all([...Array(600)].map(() => get('/flaky/x')));
    const failed = r.filter(x => x.status === 500).length;
    check(failed + r.filter(x => x.status === 200).length === 600 && failed >= 72 && failed <= 168,
      `/flaky: ${failed} of 600 answered 500 (want ~120, only 500s and 200s)`);
  } finally {
    agent.destroy();
    await receiver.close();
  }
  return failures;
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const failures = await checkReceiver();
  if (failures.length) {
    console.error(`receiver check failed:\n- ${failures.join('\n- ')}`);
    process.exit(1);
  }
  console.error('receiver check: ok');
}
