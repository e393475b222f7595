#!/usr/bin/env node
// Fault-injection receiver: the endpoint every repeater of a faults/ scenario delivers to. Zero
// npm dependencies. It logs every request (NDJSON, one line when the request ends) with its
// receive time, end time, repeater, payload id, record id and the replica that sent it
// (X-Dispatch-Replica), so the scenario scripts can count losses and duplicates and find batches
// of one repeater that overlapped in time from two replicas.
//
//   node faults/receiver.mjs --port 28120 --log requests.ndjson [--delay 0] [--jitter 0] [--hang-ms 30000]
//
// Paths: /r/<repeater>/ok   200 after delay + random(0..jitter) ms
//        /r/<repeater>/hang 200 after --hang-ms (a hanging endpoint: the client usually gives up first)
// Control: GET /_stats -> {"requests", "ok", "distinct", "aborted", "open", "lastT"}
//          GET /_hang?ms=N -> /hang answers after N ms from now on (0: at once; requests already
//          waiting keep their time)
// Log line: {"t0": receive ms, "t1": end ms (response finished or connection closed), "rep", "path",
//            "pid": payload id, "rid": record id, "rp": replica, "st": status or 0 if aborted}
// Times are performance.timeOrigin + performance.now() (ms since the epoch, sub-ms precision).
import http from 'node:http';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

const args = {};
process.argv.slice(2).forEach((a, i, all) => { if (a.startsWith('--')) args[a.slice(2)] = all[i + 1]; });
const PORT = Number(args.port || 28120);
const DELAY = Number(args.delay || 0);
const JITTER = Number(args.jitter || 0);
let HANG_MS = Number(args['hang-ms'] || 30000);
const log = fs.createWriteStream(args.log || '/dev/null', { flags: 'a', highWaterMark: 1 << 20 });
const now = () => performance.timeOrigin + performance.now();

const stats = { requests: 0, ok: 0, aborted: 0, open: 0, lastT: 0 };
const seen = new Set();

function control(req, res) {
  const m = /^\/_hang\?ms=(\d+)/.exec(req.url);
  if (m) HANG_MS = Number(m[1]);
  const body = JSON.stringify({ ...stats, distinct: seen.size });
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const t0 = now();
  if (req.url.startsWith('/_')) return control(req, res);
  req.resume();
  const path = req.url.split('?')[0];
  const parts = path.split('/'); // ['', 'r', '<rep>', '<kind>']
  const rep = parts[1] === 'r' ? Number(parts[2]) : -1;
  const kind = parts[1] === 'r' ? parts[3] : parts[1];
  const pid = req.headers['x-payload-id'] || null;
  const rid = req.headers['x-repeat-record-id'] || null;
  const rp = req.headers['x-dispatch-replica'] || null;
  stats.requests++;
  stats.open++;
  stats.lastT = t0;
  let ended = false;
  let timer = null;
  const end = (st) => {
    if (ended) return;
    ended = true;
    stats.open--;
    if (timer) clearTimeout(timer);
    if (st === 0) stats.aborted++;
    else if (st >= 200 && st < 300) { stats.ok++; if (pid) seen.add(pid); }
    log.write(JSON.stringify({ t0, t1: now(), rep, path, pid, rid, rp, st }) + '\n');
  };
  res.on('finish', () => end(200));
  res.on('close', () => end(0));
  const wait = kind === 'hang' ? HANG_MS : DELAY + (JITTER ? Math.random() * JITTER : 0);
  const answer = () => { if (!ended) { res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '2' }); res.end('ok'); } };
  if (wait > 0) timer = setTimeout(answer, wait); else answer();
});
server.keepAliveTimeout = 60000;
server.headersTimeout = 65000;
server.requestTimeout = 0;
server.listen(PORT, '127.0.0.1', () => process.stderr.write(`receiver on ${PORT}\n`));
const stop = () => { server.close(); log.end(() => process.exit(0)); setTimeout(() => process.exit(0), 2000).unref(); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
