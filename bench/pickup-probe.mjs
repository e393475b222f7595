#!/usr/bin/env node
// Enqueues one record at a time through one replica's admin API and times its arrival at a
// receiver (bin/receiver.mjs, in this process, port 19100): "enqueue call returned" to "request
// head reached the receiver". Prints p50/p99/max; exits 1 if a record is not delivered in 10 s.
//   node bench/pickup-probe.mjs <admin base URL> <label> <count>   (see bench/pickup-latency.sh)
import { performance } from 'node:perf_hooks';
import { startReceiver } from '../bin/receiver.mjs';

const [base, label, countText] = process.argv.slice(2);
const count = Number(countText);
if (!base || !label || !(count > 0)) {
  console.error('usage: node bench/pickup-probe.mjs <admin base URL> <label> <count>');
  process.exit(2);
}
const DELIVERY_TIMEOUT_MS = 10_000;
const GAP_MS = 50; // between records, so each is picked up from an idle service
const now = () => performance.timeOrigin + performance.now();

async function call(method, path, body) {
  const res = await fetch(base + path, {
    method, body: JSON.stringify(body),
    headers: { Authorization: 'Bearer bench-token', 'Content-Type': 'application/json' },
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

const receiver = await startReceiver({ port: 19100 });
const { id } = await call('POST', '/api/v1/repeaters',
  { domain: 'pickup', name: label, url: `http://127.0.0.1:${receiver.port}/hook`, batchSize: 7 });
const latencies = [];
for (let i = 0; i < count; i++) {
  const payloadId = `${label}-${i}`;
  await call('POST', `/api/v1/repeaters/${id}/records`, [{ payloadId, payload: { i } }]);
  const returned = now();
  const receivedAt = await receiver.waitFor(payloadId, DELIVERY_TIMEOUT_MS);
  if (receivedAt === null) {
    console.error(`${label}: ${payloadId} not delivered within ${DELIVERY_TIMEOUT_MS / 1000} s`);
    process.exit(1);
  }
  latencies.push(receivedAt - returned);
  await new Promise(resolve => setTimeout(resolve, GAP_MS));
}
await receiver.close();
latencies.sort((a, b) => a - b);
const nearestRank = p => latencies[Math.max(0, Math.ceil(p / 100 * latencies.length) - 1)].toFixed(1);
console.log(`${label}: n=${count} p50=${nearestRank(50)} ms p99=${nearestRank(99)} ms max=${latencies.at(-1).toFixed(1)} ms`);
