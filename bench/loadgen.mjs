#!/usr/bin/env node
// Minimal closed-loop HTTP/1.1 load generator (raw sockets, keep-alive, no pipelining), to measure
// bin/receiver.mjs on its own. Each connection sends one POST with X-Payload-Id /
// X-Repeat-Record-Id headers and a small JSON body, waits for the answer, sends the next.
//   node bench/loadgen.mjs [--url http://127.0.0.1:19101/ok/load] [--connections 64] [--seconds 10] [--pid <receiver pid>]
// Prints one JSON line: requests, seconds, req/s, non-2xx; with --pid also the receiver's CPU
// seconds in the window and requests per receiver CPU second (its rate on one whole core, when
// the machine's other load keeps it from getting one).
import net from 'node:net';
import fs from 'node:fs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const url = new URL(args.url || 'http://127.0.0.1:19101/ok/load');
const CONNS = Number(args.connections || 64);
const SECONDS = Number(args.seconds || 10);
const WARMUP = Number(args.warmup || 1);
const body = '{"hello":"world","n":1}';
const PID = args.pid ? Number(args.pid) : null;
const cpu = () => { // utime + stime of the receiver, seconds (CLK_TCK 100)
  const f = fs.readFileSync(`/proc/${PID}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
let seq = 0, done = 0, bad = 0, counting = false, stopping = false;

function request() {
  const id = ++seq;
  return `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n` +
    `X-Repeat-Record-Id: ${id}\r\nX-Payload-Id: load-${id}\r\nIdempotency-Key: k-${id}\r\n` +
    `Content-Length: ${body.length}\r\n\r\n${body}`;
}

function connection() {
  const s = net.connect({ host: url.hostname, port: Number(url.port), noDelay: true });
  let buf = '';
  s.setEncoding('latin1');
  s.on('connect', () => s.write(request()));
  s.on('data', d => {
    buf += d;
    for (; ;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.slice(0, end);
      const m = /content-length: *(\d+)/i.exec(head);
      const len = m ? Number(m[1]) : 0;
      if (buf.length < end + 4 + len) return;
      buf = buf.slice(end + 4 + len);
      if (counting) { done++; if (head.charCodeAt(9) !== 50 /* 2xx */) bad++; }
      if (stopping) { s.end(); return; }
      s.write(request());
    }
  });
  s.on('error', e => { console.error('socket error', e.message); });
}

for (let i = 0; i < CONNS; i++) connection();
setTimeout(() => {
  counting = true;
  const start = performance.now();
  const cpu0 = PID ? cpu() : 0;
  setTimeout(() => {
    const secs = (performance.now() - start) / 1000;
    counting = false; stopping = true;
    const out = { connections: CONNS, requests: done, seconds: +secs.toFixed(2), reqPerSec: Math.round(done / secs), non2xx: bad };
    if (PID) { out.receiverCpuS = +(cpu() - cpu0).toFixed(2); out.reqPerReceiverCpuS = Math.round(done / out.receiverCpuS); }
    console.log(JSON.stringify(out));
    setTimeout(() => process.exit(0), 200);
  }, SECONDS * 1000);
}, WARMUP * 1000);
