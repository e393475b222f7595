// The demo's own half (bin/demo starts it beside the service): the local endpoints (an in-process
// bin/receiver.mjs), the demo repeaters in three domains, a steady stream of records and events,
// and a status line every few seconds. With --check it stops as soon as everything the demo
// promises is visible through the API (or fails after --check seconds).
//
//   node bin/lib/demo.mjs --api http://127.0.0.1:8080 --token dev-token --read-token read-token
//        --receiver-port 9990 --dead-port 9991 [--public-url http://localhost:8080]
//        [--service-pid <pid>] [--t0 <ms since epoch>] [--check <seconds>]
//        [--status-every <seconds>] [--rate <records per second>]
//
// No npm dependencies (Node 18+: fetch).
import { startReceiver } from '../receiver.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : 'true']);
  return acc;
}, []));
const API = args.api || 'http://127.0.0.1:8080';
const TOKEN = args.token || 'dev-token';
const READ_TOKEN = args['read-token'] || null;
const RECEIVER_PORT = Number(args['receiver-port'] || 9990);
const DEAD_PORT = Number(args['dead-port'] || 9991);
const T0 = Number(args.t0 || Date.now());
const CHECK = args.check ? Number(args.check) : 0;
const STATUS_EVERY = Number(args['status-every'] || 10) * 1000;
const RATE = Number(args.rate || 7); // records per second, all repeaters together (roughly)
const PUBLIC = (args['public-url'] || API).replace(/\/$/, '');

const since = (t = Date.now()) => ((t - T0) / 1000).toFixed(1) + ' s';
const say = (s) => process.stdout.write(`[demo] ${s}\n`);
const sleep = (ms) => new Promise(r => setTimeout(r, ms));

let stopping = false;
let receiver = null;
async function stop(code) {
  stopping = true;
  try { await receiver?.close(); } catch { /* closing anyway */ }
  process.exit(code);
}
process.on('SIGTERM', () => stop(0));
// bin/demo stops the stream first (SIGUSR1) and the endpoints (SIGTERM) after the service, so
// that deliveries in flight while the service drains still get their answers.
process.on('SIGUSR1', () => { stopping = true; });
// If bin/demo itself is killed (SIGKILL: no trap runs), stop the service and exit rather than
// run on unowned: this process is then re-parented.
const PARENT = process.ppid;
const SERVICE_PID = Number(args['service-pid'] || 0);
setInterval(() => {
  if (process.ppid === PARENT) return;
  if (SERVICE_PID) try { process.kill(-SERVICE_PID, 'SIGTERM'); } catch { /* already gone */ }
  stop(1);
}, 1000).unref();
process.on('SIGINT', () => stop(0));

async function api(method, path, body, { ok = [200, 201, 202] } = {}) {
  const res = await fetch(API + '/api/v1' + path, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!ok.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

// ---- the endpoints ------------------------------------------------------------------------------
// One receiver plays every remote API (bin/receiver.mjs): /ok 200, /slow/<key>?ms= 200 late,
// /flaky 500 to a share of requests, /invalid 422, /gone 410 (set below); the dead port accepts
// and resets every connection: an endpoint that is down.
receiver = await startReceiver({ port: RECEIVER_PORT, deadPort: DEAD_PORT, flakyShare: 0.35 });
const R = `http://127.0.0.1:${RECEIVER_PORT}`;
await fetch(`${R}/_behaviour`, { method: 'POST', body: JSON.stringify({ gone: '410' }) });

// ---- wait for the service -----------------------------------------------------------------------
{
  const limit = Date.now() + 180_000;
  for (;;) {
    try {
      const res = await fetch(API + '/q/health/ready');
      if (res.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > limit) { say('the service did not become ready in 180 s (see its log)'); await stop(1); }
    await sleep(200);
  }
  say(`service ready ${since()} after bin/demo started`);
}

// ---- the repeaters ------------------------------------------------------------------------------
// Three domains. acme takes events (fan-out): each repeater subscribes to some event types.
const SPECS = [
  { key: 'acme/crm', domain: 'acme', name: 'crm', url: `${R}/ok/acme-crm`, eventTypes: ['case.*'], what: 'healthy' },
  { key: 'acme/billing', domain: 'acme', name: 'billing', url: `${R}/slow/acme-billing?ms=1500`, eventTypes: ['case.closed', 'form.*'], what: 'slow (1.5 s)' },
  { key: 'acme/archive', domain: 'acme', name: 'archive', url: `${R}/invalid/acme-archive`, eventTypes: [], what: '422: invalid payloads' },
  { key: 'globex/erp', domain: 'globex', name: 'erp', url: `${R}/flaky/globex-erp`, what: 'flaky (35 % 500)' },
  { key: 'globex/mailer', domain: 'globex', name: 'mailer', url: `http://127.0.0.1:${DEAD_PORT}/hooks/mailer`, what: 'down: backs off' },
  { key: 'initech/analytics', domain: 'initech', name: 'analytics', url: `${R}/ok/initech-analytics`, batchSize: 20, what: 'healthy' },
  { key: 'initech/reports', domain: 'initech', name: 'reports', url: `${R}/slow/initech-reports?ms=400`, what: 'slow (0.4 s)' },
  { key: 'initech/legacy', domain: 'initech', name: 'legacy', url: `${R}/gone/initech-legacy`, what: '410: disabled' },
];
const ids = {};
const create = async (s) => {
  const body = { domain: s.domain, name: s.name, url: s.url, batchSize: s.batchSize || 7, timeoutMs: 10000 };
  if (s.eventTypes) body.eventTypes = s.eventTypes;
  ids[s.key] = (await api('POST', '/repeaters', body)).id;
};
// The healthy initech/analytics first, so that its first record (below) measures how soon a
// delivery lands; then the others, in the order of SPECS (so their ids are too).
const FIRST = 'initech/analytics';
const readyAt = Date.now();
await create(SPECS.find(s => s.key === FIRST));
const createdAt = Date.now();
const firstId = 'initech-analytics-first';
await api('POST', `/repeaters/${ids[FIRST]}/records`, [{ payloadId: firstId, payload: { form: 'registration', first: true } }]);
const queuedAt = Date.now();
const firstDelivery = receiver.waitFor(firstId, 60_000);
for (const s of SPECS) if (s.key !== FIRST) await create(s);

// ---- the stream ---------------------------------------------------------------------------------
let seq = 0;
let sent = 0;
const enqueue = (key, n, payload) => {
  const items = Array.from({ length: n }, () => {
    const id = `${key.replace('/', '-')}-${++seq}`;
    return { payloadId: id, payload: { ...payload(id), sentAt: new Date().toISOString() } };
  });
  sent += n;
  return api('POST', `/repeaters/${ids[key]}/records`, items).then(r => r.recordIds);
};
const EVENTS = ['case.created', 'case.updated', 'case.closed', 'form.submitted'];
const fanOut = (domain, n) => {
  const events = Array.from({ length: n }, (_, i) => {
    const eventType = EVENTS[(seq + i) % EVENTS.length];
    const id = `${domain}-${eventType}-${++seq}`;
    return { eventType, payloadId: id, payload: { type: eventType, case: String(4700 + (seq % 100)), at: new Date().toISOString() } };
  });
  return api('POST', `/domains/${domain}/events`, events).then(r => { sent += r.count; return r; });
};

const firstAt = await firstDelivery;
const secs = (a, b) => ((b - a) / 1000).toFixed(1);
if (firstAt) say(`first delivery ${since(firstAt)} after bin/demo started (${firstId} -> ${FIRST}, 200; `
  + `after ready: repeater created ${secs(readyAt, createdAt)} s, record queued ${secs(createdAt, queuedAt)} s, delivered ${secs(queuedAt, firstAt)} s)`);
else say('no delivery within 60 s of the first enqueue (see the service log)');
await enqueue('initech/legacy', 3, id => ({ id })); // its first 410 disables it: it is owed nothing more

const perTick = Math.max(1, Math.round(RATE / 7)); // a tick makes about 7 records per perTick
async function tick(n) {
  const calls = [
    fanOut('acme', perTick),                                              // -> crm, billing, archive by type
    enqueue('globex/erp', perTick, id => ({ order: id, amount: n % 97 })),
    enqueue('initech/analytics', perTick * 2, id => ({ form: 'visit', id })),
    enqueue('initech/reports', perTick, id => ({ report: id })),
  ];
  if (n % 3 === 0) calls.push(enqueue('globex/mailer', 1, id => ({ to: `user${n}@example.com`, id })));
  const results = await Promise.allSettled(calls);
  for (const r of results) if (r.status === 'rejected' && !stopping) say(`enqueue failed: ${r.reason.message}`);
}

// ---- what the API shows -------------------------------------------------------------------------
async function snapshot() {
  const repeaters = [];
  for (const s of SPECS) repeaters.push({ spec: s, view: await api('GET', `/repeaters/${ids[s.key]}`) });
  const backedOff = (await api('GET', '/repeaters?backedOff=true&limit=50')).items.map(r => r.id);
  const disabled = (await api('GET', '/repeaters?disabled=true&limit=50')).items.map(r => r.id);
  const acmeDone = (await api('GET', '/domains/acme/records?state=succeeded&limit=20')).items;
  const totals = {};
  for (const { view } of repeaters) for (const [state, n] of Object.entries(view.records || {})) totals[state] = (totals[state] || 0) + n;
  return { repeaters, backedOff, disabled, fanOutDelivered: acmeDone.filter(r => r.eventType).length, totals };
}
const nameOf = (id) => SPECS.find(s => ids[s.key] === id)?.key ?? `#${id}`;
function describe(s) {
  const t = s.totals;
  const until = (id) => {
    const v = s.repeaters.find(r => r.view.id === id)?.view;
    return v?.nextAttemptAt ? ` until ${new Date(v.nextAttemptAt).toISOString().slice(11, 19)}Z` : '';
  };
  return `${since()}: succeeded ${t.succeeded || 0}, failed ${t.failed || 0} (retrying), invalid_payload ${t.invalid_payload || 0}, `
    + `cancelled ${t.cancelled || 0}, pending ${t.pending || 0}; backed off: ${s.backedOff.map(id => nameOf(id) + until(id)).join(', ') || 'none'}; `
    + `disabled: ${s.disabled.map(nameOf).join(', ') || 'none'}`;
}

// The promise of the demo: within 60 s the console shows each of these.
function promises(s) {
  const invalid = s.repeaters.find(r => r.spec.key === 'acme/archive').view.records?.invalid_payload || 0;
  return [
    ['deliveries (succeeded records)', (s.totals.succeeded || 0) > 0],
    ['a backed-off repeater (globex/mailer)', s.backedOff.includes(ids['globex/mailer'])],
    ['invalid payloads (acme/archive, 422)', invalid > 0],
    ['fan-out records delivered (acme events)', s.fanOutDelivered > 0],
    ['a disabled repeater (initech/legacy, 410)', s.disabled.includes(ids['initech/legacy'])],
  ];
}

const banner = [
  '',
  '  repeater-dispatch demo: running',
  `  console     ${PUBLIC}/   (sign in with the admin token ${TOKEN}${READ_TOKEN ? `, or the read-only token ${READ_TOKEN}` : ''})`,
  `  API         ${PUBLIC}/api/v1   (curl -H 'Authorization: Bearer ${TOKEN}' ${PUBLIC}/api/v1/repeaters)`,
  `  Swagger UI  ${PUBLIC}/q/swagger-ui`,
  `  endpoints   ${R}  (/ok, /slow, /flaky, /invalid: 422, /gone: 410; ${R}/_stats counts what arrived)`,
  `              http://127.0.0.1:${DEAD_PORT}  (down: resets every connection)`,
  '  repeaters   ' + SPECS.map(s => `${s.key} #${ids[s.key]} ${s.what}`).join('\n              '),
  `  stream      about ${perTick * 7} records per second, acme's by fan-out of events (case.*, form.*)`,
  '  Ctrl-C stops the service, the endpoints and the stream.',
  '',
];
if (!CHECK) process.stdout.write(banner.join('\n') + '\n');

const started = Date.now();
let n = 0;
let nextStatus = Date.now() + (CHECK ? 2000 : 5000);
let shown = new Set();
while (!stopping) {
  const tickAt = Date.now();
  await tick(++n);
  if (Date.now() >= nextStatus) {
    try {
      const s = await snapshot();
      const p = promises(s);
      for (const [what, met] of p) if (met && !shown.has(what)) { shown.add(what); say(`visible ${since()} after start: ${what}`); }
      if (CHECK) {
        if (p.every(([, met]) => met)) { say(`check passed: ${describe(s)}`); await stop(0); }
        if (Date.now() - started > CHECK * 1000) {
          say(`check FAILED after ${CHECK} s: ${p.filter(([, met]) => !met).map(([w]) => w).join('; ')} not visible; ${describe(s)}`);
          await stop(1);
        }
      } else {
        say(describe(s));
      }
    } catch (e) {
      if (!stopping) say(`status: ${e.message}`);
    }
    nextStatus = Date.now() + (CHECK ? 2000 : STATUS_EVERY);
  }
  await sleep(Math.max(0, 1000 - (Date.now() - tickAt)));
}
