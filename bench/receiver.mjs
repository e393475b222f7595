#!/usr/bin/env node
// Benchmark receiver: a fast, non-blocking HTTP endpoint (Node's built-in http, keep-alive) that
// repeaters deliver to, plus an optional "dead" port. Zero npm dependencies.
//
//   node bench/receiver.mjs [--port 19101] [--dead-port 19102] [--host 127.0.0.1] [--log file.ndjson]
//
// Behaviour by path prefix (the first path segment):
//   /ok…        200 "ok"
//   /empty…     204
//   /fail…      500
//   /invalid…   422 (the service records it as invalid_payload)
//   /throttle…  429 with Retry-After: N (N from ?retryAfter=N, default 5)
//   /hang…      never answers (the request stays open until the client gives up)
//   anything else: 200, unless changed with the control endpoint below.
// "Refused": point a repeater at a port nobody listens on (connection refused). Such attempts
// cannot be counted anywhere, so for counting use --dead-port: a raw TCP server that accepts a
// connection, reads the first chunk of the request (to attribute it to a path), then destroys the
// socket (the client sees a connection reset / closed). To the service that is a dead endpoint;
// here it is countable, per path, with timestamps.
//
// Control endpoints (all under /_):
//   GET  /_stats            counts: total, per status, per path prefix, distinct payload ids,
//                           duplicates (requests − distinct), first/last receipt times (ms since
//                           epoch, sub-ms precision), dead-port connections and requests.
//                           ?paths=1 adds per-path counts; ?prefix=p adds counts restricted to
//                           payload ids starting with p (distinct, duplicates, last receipt).
//   GET  /_receipts?prefix=p   {payloadId: first receipt time} for payload ids starting with p
//   GET  /_wait?id=X&timeout=ms  answers {"t": first receipt time of payload id X} as soon as it
//                           has arrived (at once if it already has), or {"t": null} after timeout
//   GET  /_dead?paths=1        dead-port connections, requests per path with their timestamps
//   POST /_behaviour        body {"<prefix>": "ok|empty|fail|invalid|throttle|hang|<status>"}:
//                           overrides the behaviour of a first path segment ("/flaky": "fail")
//   POST /_reset            forgets every count and receipt (behaviour overrides stay)
// Receipt time = performance.timeOrigin + performance.now() when the request head arrived.
// Every request (not /_ ones) is also appended to --log as NDJSON {t, path, status, recordId, payloadId}.
import http from 'node:http';
import net from 'node:net';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : 'true']);
  return acc;
}, []));
const HOST = args.host || '127.0.0.1';
const PORT = Number(args.port || 19101);
const DEAD_PORT = args['dead-port'] ? Number(args['dead-port']) : 0;
const log = args.log ? fs.createWriteStream(args.log, { flags: 'a', highWaterMark: 1 << 20 }) : null;
const T0 = performance.timeOrigin;
const now = () => T0 + performance.now();

let stats;
let dead;
function reset() {
  stats = { total: 0, byStatus: {}, byKind: {}, byPath: new Map(), first: new Map(), dupes: 0, firstAt: null, lastAt: null, lastOkAt: null };
  dead = { connections: 0, requests: 0, byPath: new Map(), firstAt: null, lastAt: null };
}
reset();

const waiters = new Map(); // payload id → [response waiting on /_wait]
const overrides = new Map(); // first segment → behaviour
const OK_BODY = Buffer.from('ok');
const OK_HEADERS = { 'Content-Type': 'text/plain', 'Content-Length': '2' };
const FAIL_HEADERS = { 'Content-Type': 'text/plain', 'Content-Length': '4' };
const EMPTY_HEADERS = {};

function behaviourOf(kind) {
  return overrides.get(kind) || kind;
}

function handle(req, res) {
  const t = now();
  const url = req.url;
  if (url.charCodeAt(1) === 95 /* _ */ && url.startsWith('/_')) return control(req, res, url);
  req.resume(); // the body is not needed; drain it so the connection stays usable
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
      if (waiters.size > 0 && waiters.has(payloadId)) {
        for (const w of waiters.get(payloadId)) { clearTimeout(w.timer); json(w.res, { t }); }
        waiters.delete(payloadId);
      }
    }
  }
  let status;
  const b = behaviourOf(kind);
  switch (b) {
    case '/hang': case 'hang':
      status = 0; // never answered
      break;
    case '/fail': case 'fail':
      status = 500; res.writeHead(500, FAIL_HEADERS); res.end('fail');
      break;
    case '/invalid': case 'invalid':
      status = 422; res.writeHead(422, FAIL_HEADERS); res.end('nope');
      break;
    case '/empty': case 'empty':
      status = 204; res.writeHead(204, EMPTY_HEADERS); res.end();
      break;
    case '/throttle': case 'throttle': {
      const m = q < 0 ? null : /retryAfter=(\d+)/.exec(url.slice(q));
      status = 429; res.writeHead(429, { 'Retry-After': m ? m[1] : '5', 'Content-Length': '4' }); res.end('slow');
      break;
    }
    default:
      if (/^\d{3}$/.test(b)) { status = Number(b); res.writeHead(status, FAIL_HEADERS); res.end('code'); }
      else { status = 200; res.writeHead(200, OK_HEADERS); res.end(OK_BODY); }
  }
  if (status >= 200 && status < 300) stats.lastOkAt = t;
  stats.byStatus[status] = (stats.byStatus[status] || 0) + 1;
  if (log) log.write(`{"t":${t.toFixed(3)},"path":${JSON.stringify(path)},"status":${status},"recordId":${JSON.stringify(req.headers['x-repeat-record-id'] ?? null)},"payloadId":${JSON.stringify(payloadId ?? null)}}\n`);
}

function json(res, body) {
  const s = JSON.stringify(body);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(s) });
  res.end(s);
}

function control(req, res, url) {
  const u = new URL(url, 'http://x');
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    switch (u.pathname) {
      case '/_stats': {
        const out = {
          total: stats.total, distinct: stats.first.size, duplicates: stats.dupes,
          byStatus: stats.byStatus, byKind: stats.byKind,
          firstAt: stats.firstAt, lastAt: stats.lastAt, lastOkAt: stats.lastOkAt,
          dead: { connections: dead.connections, requests: dead.requests, firstAt: dead.firstAt, lastAt: dead.lastAt },
          now: now(),
        };
        if (u.searchParams.get('paths')) out.byPath = Object.fromEntries(stats.byPath);
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
      case '/_wait': {
        const id = u.searchParams.get('id');
        if (stats.first.has(id)) return json(res, { t: stats.first.get(id) });
        const w = { res };
        w.timer = setTimeout(() => {
          const list = waiters.get(id) || [];
          const i = list.indexOf(w);
          if (i >= 0) list.splice(i, 1);
          if (list.length === 0) waiters.delete(id);
          json(res, { t: null });
        }, Number(u.searchParams.get('timeout') || 10000));
        if (!waiters.has(id)) waiters.set(id, []);
        waiters.get(id).push(w);
        return;
      }
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
server.listen(PORT, HOST, () => console.log(`receiver on http://${HOST}:${PORT}` + (DEAD_PORT ? `, dead port ${DEAD_PORT}` : '')));

if (DEAD_PORT) {
  // Accept, read the first chunk (the request line tells the path), then reset the connection.
  const deadServer = net.createServer({ noDelay: true }, socket => {
    dead.connections++;
    socket.setTimeout(2000, () => socket.destroy());
    socket.once('data', chunk => {
      const t = now();
      const line = chunk.toString('latin1', 0, Math.min(chunk.length, 512));
      const m = /^[A-Z]+ (\S+)/.exec(line);
      const path = m ? m[1].split('?')[0] : '?';
      dead.requests++;
      if (dead.firstAt === null) dead.firstAt = t;
      dead.lastAt = t;
      let list = dead.byPath.get(path);
      if (!list) dead.byPath.set(path, list = []);
      list.push(Math.round(t));
      socket.resetAndDestroy ? socket.resetAndDestroy() : socket.destroy();
    });
    socket.on('error', () => { });
  });
  deadServer.listen(DEAD_PORT, HOST);
}

const stop = () => { if (log) log.end(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
