#!/usr/bin/env node
// The one HTTP endpoint the harnesses deliver to: bench/ (bench/run.sh, bench/pickup-latency.sh),
// faults/ (every scenario and the API fuzz run) and bin/echo-endpoint (local development).
// Node's built-in http with keep-alive; no npm dependencies.
//
//   node bin/receiver.mjs [--port 19101] [--host 127.0.0.1] [--dead-port P] [--status 200]
//                         [--delay ms] [--jitter ms] [--hang-ms ms] [--flaky-share f] [--log requests.ndjson]
//                         [--print]
//
// The first path segment chooses the answer:
//   /ok…        200 "ok"                    /empty…   204
//   /fail…      500                         /invalid… 422 (the service records invalid_payload)
//   /flaky…     500 to a random share of requests (--flaky-share, default 0.2), 200 to the others
//   /throttle…  429 with Retry-After: N (N from ?retryAfter=N, default 5)
//   /hang…      200 after --hang-ms; without --hang-ms never (the request stays open until the
//               client gives up)
//   /held…      held open until POST /_release (then 200), so a check decides when they answer
//   any other   --status (default 200)
// Keyed endpoints: the second segment is a key, and each key has its own state and counters
// (GET /_stats?keys=1, below), so one receiver plays many independent remote APIs:
//   /ratelimited/<key>?rps=N   at most N (default 10) requests answered 200 in any sliding 1 s
//               window per key (a request is accepted when fewer than N accepted requests of
//               that key arrived in the last 1000 ms); above it 429 *without* Retry-After, at
//               once. Rejected requests do not use up the window.
//   /fragile/<key>?k=K&ms=M    holds each request M ms (default 20) and answers 200, at most K
//               (default 3) at once per key; a request arriving while K are held gets 500 at once
//   /slow/<key>?ms=M           200 after M ms (default 200)
// --delay and --jitter hold every answer but /hang's for delay + random(0..jitter) ms (for the
// keyed endpoints on top of their own hold; a fragile request counts as held until it is answered).
// "Refused": point a repeater at a port nobody listens on. Such attempts cannot be counted, so
// for counting use --dead-port: a raw TCP server that accepts a connection, reads the first chunk
// of the request (to attribute it to a path), then resets the socket. To the service that is a
// dead endpoint; here it is countable, per path, with timestamps.
//
// --log appends one NDJSON line per request when it ends (answered, or given up by the client):
//   {"t0": receipt, "t1": end, "path", "status": answer or 0 if none was sent, "payloadId",
//    "recordId", "replica": X-Dispatch-Replica}
// Lines are buffered; POST /_flush writes them (see below), so readers never race the buffer.
// --print writes one line per request to stdout with its body (bin/echo-endpoint).
// Times are performance.timeOrigin + performance.now(): ms since the epoch, sub-ms precision,
// taken when the request head arrived.
//
// Control endpoints (all under /_):
//   GET  /_stats             counts: total, per status, per first segment, distinct payload ids,
//                            duplicates (requests − distinct), open requests (also per
//                            X-Dispatch-Replica: openByReplica {"r1": n}), first/last receipt
//                            times, dead-port connections and requests. ?paths=1 adds per-path
//                            counts; ?prefix=p adds counts restricted to payload ids starting with p.
//                            ?keys=1 adds per-key counters of the keyed endpoints,
//                            {"ratelimited/a": {requests, byStatus, open, maxOpen, maxBurst, firstAt,
//                            lastAt, perSecond: [[epoch second, requests, 2xx, non-2xx, max open,
//                            max burst], …]}}; open = requests of the key not answered yet, maxOpen
//                            its peak; a burst = arrivals less than 5 ms apart (what the sender
//                            fires at once: its concurrency even when refusals are answered at
//                            once and so never pile up as open); ?key=ratelimited/a only that key.
//   GET  /_receipts?prefix=p  {payloadId: first receipt time} for payload ids starting with p
//   GET  /_wait?id=X&timeout=ms  {"t": first receipt time of payload id X} as soon as it has
//                            arrived (at once if it already has), or {"t": null} after timeout
//   GET  /_dead?paths=1      dead-port connections, requests per path with their timestamps
//   POST /_behaviour         body {"<first segment>": "ok|empty|fail|flaky|invalid|throttle|hang|ratelimited|
//                            fragile|slow|<status>"}:
//                            overrides a segment's answer from now on ({"/hang": "ok"}: hanging
//                            endpoints recover; requests already waiting keep their time)
//   POST /_flush?wait=ms     waits until no request is open (at most wait ms, default 10000), then
//                            writes every buffered log line and answers {"lines", "open": 0}; 504
//                            with the open count if requests were still open
//   POST /_release           answers every held request (/held…) with 200: {"released": n}
//   POST /_reset             forgets every count and receipt (behaviour overrides stay, and so do
//                            the keyed endpoints' state: rate windows and requests held)
//
// As a module (in-process users: bench/pickup-probe.mjs, faults/fuzz.mjs):
//   const receiver = await startReceiver({ port, onRequest({ method, path, headers, body }) {…} });
//   await receiver.waitFor(payloadId, timeoutMs)  // first receipt time, or null after the timeout
//   await receiver.close();
import http from 'node:http';
import net from 'node:net';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const now = () => performance.timeOrigin + performance.now();
/** [status, body, headers] of one answer; a 204 carries neither body nor Content-Length. */
const answer = (status, body, extra = {}) => [status, body,
  status === 204 ? extra : { 'Content-Type': 'text/plain', 'Content-Length': String(Buffer.byteLength(body)), ...extra }];
const ANSWERS = { ok: answer(200, 'ok'), empty: answer(204, ''), fail: answer(500, 'fail'), invalid: answer(422, 'nope') };
const HANG_ANSWER = answer(200, 'ok');
const HELD = Symbol('held');
const KEYED = new Set(['ratelimited', 'fragile', 'slow']); // behaviours with a key, their own state and counters
const RATE_LIMITED_ANSWER = answer(429, 'rate limited'); // deliberately no Retry-After
const FRAGILE_REFUSED_ANSWER = answer(500, 'overloaded');
const BURST_GAP_MS = 5; // arrivals of one key less than this apart are one burst (what a sender fires at once)
const LOG_FLUSH_MS = 200;

export async function startReceiver({
  host = '127.0.0.1', port = 19101, deadPort = 0, status = 200, delayMs = 0, jitterMs = 0, hangMs = null,
  flakyShare = 0.2, log = null, print = false, onRequest = null,
} = {}) {
  const logFd = log ? fs.openSync(log, 'a') : null;
  let logBuffer = [];
  let logLines = 0;
  const writeLog = () => {
    if (logFd === null || logBuffer.length === 0) return;
    fs.writeSync(logFd, logBuffer.join(''));
    logLines += logBuffer.length;
    logBuffer = [];
  };
  const logTimer = logFd === null ? null : setInterval(writeLog, LOG_FLUSH_MS);
  logTimer?.unref();

  let stats, dead;
  const reset = () => {
    stats = { total: 0, byStatus: {}, byKind: {}, byPath: new Map(), first: new Map(), dupes: 0, firstAt: null, lastAt: null, lastOkAt: null,
      keys: new Map() };
    dead = { connections: 0, requests: 0, byPath: new Map(), firstAt: null, lastAt: null };
  };
  reset();
  let open = 0;
  const openByReplica = new Map(); // X-Dispatch-Replica -> its requests open now
  let idleWaiters = []; // resolve functions of /_flush calls waiting for open to reach 0
  const waiters = new Map(); // payload id -> [resolve] of waitFor calls
  const overrides = new Map(); // '/segment' -> behaviour
  let held = []; // send functions of /held requests waiting for POST /_release
  const wantBody = print || onRequest !== null;
  // keyed endpoints' state, kept across /_reset: 'ratelimited/a' -> {open, held, times (ring of
  // accepted arrival times), head (oldest in the ring once full), cap (the ring's N)}
  const keyState = new Map();

  function waitFor(payloadId, timeoutMs) {
    if (stats.first.has(payloadId)) return Promise.resolve(stats.first.get(payloadId));
    return new Promise(resolve => {
      const done = t => { clearTimeout(timer); resolve(t); };
      const timer = setTimeout(() => {
        const list = waiters.get(payloadId) || [];
        list.splice(list.indexOf(done), 1);
        if (list.length === 0) waiters.delete(payloadId);
        resolve(null);
      }, timeoutMs);
      if (!waiters.has(payloadId)) waiters.set(payloadId, []);
      waiters.get(payloadId).push(done);
    });
  }

  const defaultAnswer = answer(status, '');
  /** The answer a behaviour gives, null for a request to hold open (/hang), HELD for one to hold until released. */
  function answerOf(behaviour, url, q) {
    const name = behaviour.startsWith('/') ? behaviour.slice(1) : behaviour;
    if (name === 'hang') return null;
    if (name === 'held') return HELD;
    if (name === 'throttle') {
      const m = q < 0 ? null : /retryAfter=(\d+)/.exec(url.slice(q));
      return answer(429, 'slow', { 'Retry-After': m ? m[1] : '5' });
    }
    if (name === 'flaky') return Math.random() < flakyShare ? ANSWERS.fail : ANSWERS.ok;
    if (ANSWERS[name]) return ANSWERS[name];
    if (/^\d{3}$/.test(name)) return answer(Number(name), 'code');
    return defaultAnswer;
  }

  /**
   * A keyed endpoint's answer to a request arriving at t: counts it under '<first segment>/<key>'
   * and returns {chosen, holdMs, key}. The caller releases the key's open count (and a fragile
   * request's hold) when the answer has gone.
   */
  function keyedAnswer(name, kind, path, slash, url, q, t) {
    const end = slash < 0 ? -1 : path.indexOf('/', slash + 1);
    const id = kind.slice(1) + '/' + (slash < 0 ? '' : end < 0 ? path.slice(slash + 1) : path.slice(slash + 1, end));
    const params = q < 0 ? null : new URLSearchParams(url.slice(q + 1));
    const num = (k, fallback) => {
      const v = params?.get(k);
      return v === null || v === undefined || v === '' || !Number.isFinite(Number(v)) ? fallback : Math.max(0, Number(v));
    };
    let state = keyState.get(id);
    if (!state) keyState.set(id, state = { open: 0, held: 0, times: [], head: 0, cap: -1, lastArrival: -Infinity, burst: 0 });
    let chosen, holdMs = 0, held = false;
    if (name === 'ratelimited') {
      const n = Math.floor(num('rps', 10));
      if (state.cap !== n) { state.times = []; state.head = 0; state.cap = n; }
      let accept = false;
      if (n > 0 && state.times.length < n) { state.times.push(t); accept = true; }
      else if (n > 0 && state.times[state.head] <= t - 1000) { state.times[state.head] = t; state.head = (state.head + 1) % n; accept = true; }
      chosen = accept ? ANSWERS.ok : RATE_LIMITED_ANSWER;
    } else if (name === 'fragile') {
      if (state.held < num('k', 3)) { state.held++; held = true; chosen = ANSWERS.ok; holdMs = num('ms', 20); }
      else chosen = FRAGILE_REFUSED_ANSWER;
    } else { // slow
      chosen = ANSWERS.ok;
      holdMs = num('ms', 200);
    }
    state.open++;
    state.burst = t - state.lastArrival < BURST_GAP_MS ? state.burst + 1 : 1;
    state.lastArrival = t;
    let c = stats.keys.get(id);
    if (!c) stats.keys.set(id, c = { requests: 0, byStatus: {}, maxOpen: 0, maxBurst: 0, firstAt: t, lastAt: t, seconds: new Map() });
    c.requests++;
    c.lastAt = t;
    c.byStatus[chosen[0]] = (c.byStatus[chosen[0]] || 0) + 1;
    if (state.open > c.maxOpen) c.maxOpen = state.open;
    if (state.burst > c.maxBurst) c.maxBurst = state.burst;
    const sec = Math.floor(t / 1000);
    let b = c.seconds.get(sec);
    if (!b) c.seconds.set(sec, b = [sec, 0, 0, 0, 0, 0]);
    b[1]++;
    b[chosen[0] >= 200 && chosen[0] < 300 ? 2 : 3]++;
    if (state.open > b[4]) b[4] = state.open;
    if (state.burst > b[5]) b[5] = state.burst;
    return { chosen, holdMs, release() { state.open--; if (held) state.held--; } };
  }
  function keyStats(id, c) {
    return { requests: c.requests, byStatus: c.byStatus, open: keyState.get(id)?.open ?? 0, maxOpen: c.maxOpen, maxBurst: c.maxBurst, firstAt: c.firstAt, lastAt: c.lastAt,
      perSecond: [...c.seconds.values()] };
  }

  function handle(req, res) {
    const t = now();
    const url = req.url;
    if (url.charCodeAt(1) === 95 /* _ */ && url.startsWith('/_')) return control(req, res, url);
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const slash = path.indexOf('/', 1);
    const kind = slash < 0 ? path : path.slice(0, slash);
    const payloadId = req.headers['x-payload-id'];
    stats.total++;
    if (stats.firstAt === null) stats.firstAt = t;
    stats.lastAt = t;
    stats.byKind[kind] = (stats.byKind[kind] || 0) + 1;
    stats.byPath.set(path, (stats.byPath.get(path) || 0) + 1);
    if (payloadId !== undefined) {
      if (stats.first.has(payloadId)) stats.dupes++;
      else {
        stats.first.set(payloadId, t);
        const list = waiters.get(payloadId);
        if (list) { waiters.delete(payloadId); for (const done of list) done(t); }
      }
    }
    const behaviour = overrides.get(kind) || kind;
    const name = behaviour.startsWith('/') ? behaviour.slice(1) : behaviour;
    const keyed = KEYED.has(name) ? keyedAnswer(name, kind, path, slash, url, q, t) : null;
    const chosen = keyed ? keyed.chosen : answerOf(behaviour, url, q);
    const answerStatus = chosen && chosen !== HELD ? chosen[0] : 0;
    if (answerStatus >= 200 && answerStatus < 300) stats.lastOkAt = t;
    stats.byStatus[answerStatus] = (stats.byStatus[answerStatus] || 0) + 1;

    open++;
    const replica = req.headers['x-dispatch-replica'];
    if (replica !== undefined) openByReplica.set(replica, (openByReplica.get(replica) || 0) + 1);
    let timer = null;
    res.once('close', () => { // after the answer went out, or when the client gave up
      if (timer) clearTimeout(timer);
      if (keyed) keyed.release();
      if (logFd !== null) {
        logBuffer.push(`{"t0":${t.toFixed(3)},"t1":${now().toFixed(3)},"path":${JSON.stringify(path)},"status":${res.writableFinished ? res.statusCode : 0},`
          + `"payloadId":${JSON.stringify(payloadId ?? null)},"recordId":${JSON.stringify(req.headers['x-repeat-record-id'] ?? null)},`
          + `"replica":${JSON.stringify(req.headers['x-dispatch-replica'] ?? null)}}\n`);
      }
      if (replica !== undefined) openByReplica.set(replica, openByReplica.get(replica) - 1);
      if (--open === 0 && idleWaiters.length) { const w = idleWaiters; idleWaiters = []; for (const done of w) done(); }
    });
    const send = ([s, body, headers]) => {
      if (res.destroyed) return;
      res.writeHead(s, headers);
      res.end(body);
    };
    const respond = () => {
      if (chosen === HELD) held.push(() => send(HANG_ANSWER));
      else if (chosen) {
        const wait = (keyed ? keyed.holdMs : 0) + delayMs + (jitterMs ? Math.random() * jitterMs : 0);
        if (wait > 0) timer = setTimeout(send, wait, chosen);
        else send(chosen);
      } else if (hangMs !== null) timer = setTimeout(send, hangMs, HANG_ANSWER);
    };
    if (!wantBody) { req.resume(); respond(); return; } // the body is not needed: drain it so the connection stays usable
    const chunks = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (print) process.stdout.write(`${req.method} ${url} payload-id=${payloadId ?? ''} record-id=${req.headers['x-repeat-record-id'] ?? ''} body=${body.toString('utf8')}\n`);
      if (onRequest) onRequest({ method: req.method, path, headers: req.headers, body });
      respond();
    });
  }

  function json(res, body, code = 200) {
    const s = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(s) });
    res.end(s);
  }

  function control(req, res, url) {
    const u = new URL(url, 'http://x');
    const chunks = [];
    req.on('data', c => chunks.push(c));
    req.on('end', async () => {
      switch (u.pathname) {
        case '/_stats': {
          const out = {
            total: stats.total, distinct: stats.first.size, duplicates: stats.dupes, open, openByReplica: Object.fromEntries(openByReplica),
            byStatus: stats.byStatus, byKind: stats.byKind,
            firstAt: stats.firstAt, lastAt: stats.lastAt, lastOkAt: stats.lastOkAt,
            dead: { connections: dead.connections, requests: dead.requests, firstAt: dead.firstAt, lastAt: dead.lastAt },
            now: now(),
          };
          if (u.searchParams.get('paths')) out.byPath = Object.fromEntries(stats.byPath);
          const key = u.searchParams.get('key');
          if (key !== null) out.keys = stats.keys.has(key) ? { [key]: keyStats(key, stats.keys.get(key)) } : {};
          else if (u.searchParams.get('keys')) out.keys = Object.fromEntries([...stats.keys].map(([id, c]) => [id, keyStats(id, c)]));
          const prefix = u.searchParams.get('prefix');
          if (prefix !== null) {
            let distinct = 0, last = null, firstT = null;
            for (const [id, t] of stats.first) {
              if (!id.startsWith(prefix)) continue;
              distinct++;
              if (last === null || t > last) last = t;
              if (firstT === null || t < firstT) firstT = t;
            }
            out.prefix = { prefix, distinct, firstAt: firstT, lastFirstReceiptAt: last };
          }
          return json(res, out);
        }
        case '/_receipts': {
          const prefix = u.searchParams.get('prefix') || '';
          const out = {};
          for (const [id, t] of stats.first) if (id.startsWith(prefix)) out[id] = t;
          return json(res, out);
        }
        case '/_wait':
          return json(res, { t: await waitFor(u.searchParams.get('id'), Number(u.searchParams.get('timeout') || 10000)) });
        case '/_dead': {
          const out = { connections: dead.connections, requests: dead.requests, firstAt: dead.firstAt, lastAt: dead.lastAt };
          if (u.searchParams.get('paths')) out.byPath = Object.fromEntries(dead.byPath);
          return json(res, out);
        }
        case '/_behaviour': {
          if (req.method === 'POST') {
            const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
            for (const [k, v] of Object.entries(body)) overrides.set(k.startsWith('/') ? k : '/' + k, v);
          }
          return json(res, Object.fromEntries(overrides));
        }
        case '/_flush': {
          if (open > 0) {
            const waitMs = Number(u.searchParams.get('wait') || 10000);
            await new Promise(resolve => {
              const timer = setTimeout(resolve, waitMs);
              idleWaiters.push(() => { clearTimeout(timer); resolve(); });
            });
          }
          writeLog();
          return json(res, { lines: logLines, open }, open === 0 ? 200 : 504);
        }
        case '/_release': {
          const released = held;
          held = [];
          for (const release of released) release();
          return json(res, { released: released.length });
        }
        case '/_reset':
          reset();
          return json(res, { reset: true });
        default:
          res.writeHead(404, { 'Content-Length': '0' }); res.end();
      }
    });
  }

  const server = http.createServer({ keepAlive: true, noDelay: true }, handle);
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 130_000;
  server.requestTimeout = 0; // /hang requests stay open until the client gives up
  server.maxRequestsPerSocket = 0;
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, host, resolve));

  let deadServer = null;
  if (deadPort) {
    // Accept, read the first chunk (the request line tells the path), then reset the connection.
    deadServer = net.createServer({ noDelay: true }, socket => {
      dead.connections++;
      socket.setTimeout(2000, () => socket.destroy());
      socket.once('data', chunk => {
        const t = now();
        const m = /^[A-Z]+ (\S+)/.exec(chunk.toString('latin1', 0, Math.min(chunk.length, 512)));
        const path = m ? m[1].split('?')[0] : '?';
        dead.requests++;
        if (dead.firstAt === null) dead.firstAt = t;
        dead.lastAt = t;
        let list = dead.byPath.get(path);
        if (!list) dead.byPath.set(path, list = []);
        list.push(Math.round(t));
        socket.resetAndDestroy();
      });
      socket.on('error', () => { });
    });
    await new Promise((resolve, reject) => deadServer.once('error', reject).listen(deadPort, host, resolve));
  }

  return {
    port: server.address().port,
    waitFor,
    async close() {
      const closed = new Promise(resolve => server.close(resolve));
      server.closeAllConnections(); // open requests end (and are logged) with status 0
      deadServer?.close();
      await closed;
      if (logTimer) clearInterval(logTimer);
      writeLog();
      if (logFd !== null) fs.closeSync(logFd);
    },
  };
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : 'true']);
    return acc;
  }, []));
  const number = (name, fallback) => args[name] === undefined ? fallback : Number(args[name]);
  const options = {
    host: args.host || '127.0.0.1', port: number('port', 19101), deadPort: number('dead-port', 0), status: number('status', 200),
    delayMs: number('delay', 0), jitterMs: number('jitter', 0), hangMs: number('hang-ms', null), flakyShare: number('flaky-share', 0.2),
    log: args.log || null, print: args.print === 'true',
  };
  const receiver = await startReceiver(options);
  process.stderr.write(`receiver on http://${options.host}:${receiver.port}, answering ${options.status} to paths that name no behaviour`
    + (options.deadPort ? `, dead port ${options.deadPort}` : '') + (options.log ? `, log ${options.log}` : '') + '\n');
  const stop = () => receiver.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
