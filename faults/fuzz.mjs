#!/usr/bin/env node
// API fuzz run (fault scenario 6): thousands of malformed, oversized, wrong-type, unicode and
// injection-shaped requests at every admin route of the OpenAPI document, while known records are
// enqueued and delivered; then checks the guarantees and exits 1 if one broke. Started by
// faults/fuzz.sh (service, scratch database); Node 20, no npm dependencies.
//
//   node faults/fuzz.mjs --base http://127.0.0.1:28201 --token T --read-token R --receiver-port 28202
//                        --db NAME [--requests 3000] [--seed N] [--concurrency 8] [--log service.log]
//
// Invariants: every request answered (but two raw ones the HTTP layer drops); no 5xx; every 4xx
// is application/problem+json with a matching "status"; no response (nor the service log) carries
// a secret we set (endpoint passwords, tokens, header values, admin tokens) or a stack trace; every
// record enqueued on the guard tenants is in the database with its payload unaltered, delivered
// with that payload, and nothing else appeared there; the guard tenants' repeaters, flags and limits are
// unchanged.
import http from 'node:http';
import net from 'node:net';
import fs from 'node:fs';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { startReceiver } from '../bin/receiver.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : 'true']);
  return acc;
}, []));
const BASE = new URL(args.base);
const TOKEN = args.token;
const READ_TOKEN = args['read-token'];
const RECEIVER_PORT = Number(args['receiver-port']);
const DB = args.db;
const REQUESTS = Number(args.requests || 3000);
const CONCURRENCY = Number(args.concurrency || 8);
const SEED = (Number(args.seed || process.env.FUZZ_SEED || crypto.randomInt(1, 2 ** 31)) >>> 0) || 1;
const SERVICE_LOG = args.log;
// every request that is not a plain read with its answer, one line each, to find what changed what
const TRACE = args.trace ? fs.createWriteStream(args.trace) : null;
const say = (m) => process.stderr.write(`[fuzz ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

// ---- deterministic randomness (mulberry32): the seed replays the same request sequence -------------
let rngState = SEED;
function rnd() {
  rngState = (rngState + 0x6D2B79F5) >>> 0;
  let t = rngState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n) => Math.floor(rnd() * n);
const pick = (xs) => xs[int(xs.length)];
const chance = (p) => rnd() < p;
/** encodeURIComponent, but a lone surrogate goes out as its (invalid) UTF-8 bytes instead of throwing. */
const enc = (s) => { try { return encodeURIComponent(s); } catch { return [...s].map((c) => { try { return encodeURIComponent(c); } catch { return '%ED%A0%80'; } }).join(''); } };
const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[int(16)]).join('');

// ---- secrets we hand the service: none may ever come back ------------------------------------------
const secrets = new Set([TOKEN, READ_TOKEN]);
const secret = (kind) => { const s = `${kind}-${hex(20)}`; secrets.add(s); return s; };

// ---- corpora -----------------------------------------------------------------------------------------
const UNICODE = ['\u202Eevil\u202C', 'مرحبا بالعالم', 'שלום', '😀👩‍👩‍👧‍👦🏳️‍🌈', '\u0000', 'a\u0000b', '\uD800', '\uDFFF', 'x\uDBFF',
  '\uFEFF', '\u200B\u200D', 'e\u0301\u0301\u0301', '\u2028\u2029', '中文字符', '\uFFFF', '\u0085', '\u001b[31m', 'Ω≈ç√∫',
  'ǅ', 'İı', '\t', '\r\n', '\\', '"', '\'', '`', '../../../../etc/passwd', '%00', '%2e%2e%2f', '\u00ff\u00fe'];
const INJECTION = ["' OR '1'='1", "1; DROP TABLE repeater; --", "') UNION SELECT auth_secret FROM repeater --",
  "x' or 1=1 or 'a'='a", '" OR ""="', 'from RepeaterEntity where 1=1', "' and r.deleted = false or '1'='1",
  "1 OR 1=1", "$1", "?1", ":now", "${jndi:ldap://127.0.0.1/x}", '{{7*7}}', '<script>alert(1)</script>', '%s%s%n',
  "'; SELECT pg_sleep(10); --", 'E\'\\x00\'', "\\'; --", '*/ OR /*', 'null', 'undefined', 'NaN', '-- ', ';',
  'a\r\nX-Injected: 1', 'a\nSet-Cookie: x=y', 'repeat_record', 'k:1 OR 1=1'];
const NUMBERS = ['0', '-1', '-0', '1.5', '1e3', '2147483647', '2147483648', '-2147483649', '9223372036854775807',
  '9223372036854775808', '-9223372036854775809', '1e308', '1e400', '-1e400', '1e-400', '0.000001',
  '123456789012345678901234567890', '9'.repeat(400), '0x10', '1_000', '+1', '.5', '5.', 'NaN', 'Infinity', '01'];
const IDS = ['0', '-1', '-9223372036854775808', '9223372036854775807', '9223372036854775808', '99999999999999999999',
  '1e3', '0x10', '+5', '%201', '1%20', '1.0', '%2B3', '-0', '00000000000000000001', 'abc', 'null', '%00', '%2F', '..', '%2e%2e', '%F0%9F%98%80', '%C0%AF',
  '%ED%A0%80', '%FF', "1'%20OR%20'1'='1", '1;DROP', '9'.repeat(5000), '%0d%0aX-Injected:%201', '１２'];
const TIMES = ['2026-01-31T12:00:00Z', '+1000000000-01-01T00:00:00Z', '-1000000000-01-01T00:00:00Z',
  '+999999999-12-31T23:59:59.999999999Z', '-999999999-01-01T00:00:00Z', '294277-01-01T00:00:00Z', '+294277-01-01T00:00:00Z',
  '-4714-11-23T00:00:00Z', '-4800-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2026-02-30T00:00:00Z',
  '2026-01-31', 'yesterday', '', '1970-01-01T00:00:00Z', '2026-01-31T12:00:00+25:00', '2026-01-31T12:00:00.1234567891Z'];
const URLS = ['http://127.0.0.1:1/x', `http://${'a'.repeat(64)}.example/`, `http://${'a.'.repeat(130)}com/`, 'http://[::1]:99999/',
  'http://127.0.0.1:0/', 'http://2130706433/', 'http://0x7f.0.0.1/', 'http://169.254.169.254/latest/meta-data', 'http://[fe80::1%25eth0]/',
  'http://a..b/', 'http://-a-.example/', 'http://xn--/', 'http://localhost:65536/', 'https://例え.jp/', 'http://[::ffff:169.254.169.254]/',
  'http://[64:ff9b::a9fe:a9fe]/', 'javascript:alert(1)', 'file:///etc/passwd', 'http://user:pw@127.0.0.1/', 'http:///x', 'http://%00/',
  'http://a b/', 'HTTP://127.0.0.1/', 'http://127.0.0.1/%00', 'http://127.0.0.1/\u0000', `http://127.0.0.1/${'p'.repeat(3000)}`,
  'http://0/', 'http://[::]/', 'http://224.0.0.1/', 'http://10.0.0.1/', 'gopher://127.0.0.1:6379/_FLUSHALL', 'http://127.1/'];
const STATES = ['pending', 'failed', 'succeeded', 'cancelled', 'empty', 'invalid_payload', 'PENDING', ' failed ', 'nope', ''];
const CONTENT_TYPES = ['application/json', 'application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16',
  'application/json; charset=nonexistent', 'application/json; charset=', 'text/plain', 'application/xml',
  'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz', 'multipart/form-data', '*/*', 'application/*',
  'application/problem+json', 'application/json;;;', 'ÿ/ÿ', 'application/vnd.foo+json', null];
const ACCEPTS = [null, null, 'application/json', 'application/xml', 'text/html', '*/*', 'application/problem+json',
  'a/b;q=x', ';;;', 'text/*;q=0', 'application/json;q=0'];

function evilString() {
  switch (int(6)) {
    case 0: return pick(UNICODE);
    case 1: return pick(INJECTION);
    case 2: return pick(UNICODE) + pick(INJECTION) + pick(UNICODE);
    case 3: return 'x'.repeat(pick([0, 1, 126, 127, 255, 256, 4096, 4097, 70000]));
    case 4: return Array.from({ length: 1 + int(20) }, () => String.fromCharCode(int(0x10000))).join('');
    default: return pick(NUMBERS);
  }
}
/** A JSON *text* of a surprising value (numbers as raw lexemes, so 1e400 and 2^64 reach the parser as typed). */
function evilValueText(depth = 0) {
  switch (int(depth > 2 ? 5 : 8)) {
    case 0: return JSON.stringify(evilString());
    case 1: return pick(NUMBERS.filter((n) => /^-?\d+(\.\d+)?(e-?\d+)?$/.test(n)));
    case 2: return pick(['true', 'false', 'null']);
    case 3: return '""';
    case 4: return pick(['[]', '{}']);
    case 5: return `[${Array.from({ length: 1 + int(3) }, () => evilValueText(depth + 1)).join(',')}]`;
    case 6: return `{${Array.from({ length: 1 + int(3) }, () => `${JSON.stringify(evilString())}:${evilValueText(depth + 1)}`).join(',')}}`;
    default: { const d = pick([10, 500, 999, 1001, 5000]); return '['.repeat(d) + ']'.repeat(d); }
  }
}

// ---- the HTTP client: everything raw enough to send broken bytes -------------------------------------
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
// The checks' own calls (setup, guard records, reads) use their own connections: a fuzzed request can
// leave a keep-alive connection in a state that spoils the next request on it (reported when it does).
const ownAgent = new http.Agent({ keepAlive: true, maxSockets: 2 });
let socketSeq = 0;
function send({ method, path, headers = {}, body, agent: via = agent }) {
  // Node sends a GET's or DELETE's body with no Content-Length (it only frames bodies of methods it
  // expects them on), so the server takes those bytes for the next request on the keep-alive
  // connection and the next caller gets its empty 400: always state the length
  if (body !== undefined) headers = { ...headers, 'content-length': Buffer.byteLength(body) };
  return new Promise((resolve) => {
    let req;
    try {
      req = http.request({ host: BASE.hostname, port: BASE.port, method, path, headers, agent: via, timeout: 30000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ socket: sock, status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => resolve({ status: 0, error: e.code || e.message }));
    });
    } catch (e) {
      return resolve({ status: 0, error: `client refused to send: ${e.code || e.message}` });
    }
    let sock;
    req.on('socket', (s) => { s.fuzzId ||= ++socketSeq; sock = s.fuzzId; });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, error: e.code || e.message }));
    if (body !== undefined) req.end(body); else req.end();
  });
}
/** Raw bytes on a fresh socket: request lines and headers Node's client refuses to build. */
function sendRaw(bytes) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: BASE.hostname, port: Number(BASE.port) });
    const chunks = [];
    socket.setTimeout(15000, () => socket.destroy());
    socket.on('data', (c) => { chunks.push(c); if (complete(Buffer.concat(chunks))) socket.end(); });
    socket.on('error', () => {});
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (!m) return resolve({ status: 0, error: 'closed without answer' });
      const [head, ...rest] = text.split('\r\n\r\n');
      const headers = {};
      head.split('\r\n').slice(1).forEach((l) => { const i = l.indexOf(':'); if (i > 0) headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim(); });
      resolve({ status: Number(m[1]), headers, body: Buffer.from(rest.join('\r\n\r\n'), 'latin1').toString('utf8'), raw: true });
    });
    socket.write(bytes);
  });
}
function complete(buf) {
  const text = buf.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const len = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end));
  return len ? buf.length >= end + 4 + Number(len[1]) : /\r\ntransfer-encoding: *chunked/i.test(text.slice(0, end)) ? text.endsWith('0\r\n\r\n') : true;
}
const api = (method, path, body, token = TOKEN) => send({
  agent: ownAgent, method, path, body: body === undefined ? undefined : JSON.stringify(body),
  headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
}).then((r) => { try { r.json = JSON.parse(r.body); } catch { /* not JSON */ } return r; });
const psql = (sql) => execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-X', '-q', '-At', '-F', '\t', '-d', DB, '-c', sql],
  { encoding: 'utf8', maxBuffer: 1 << 28 });
const sha = (s) => crypto.createHash('sha256').update(s).digest('hex');

// ---- receiver (bin/receiver.mjs, in this process; answers 200): what the guard repeaters deliver ------
const received = new Map(); // record id → {hash, count, path}
let receivedFuzz = 0;
const receiver = await startReceiver({
  port: RECEIVER_PORT,
  onRequest({ path, headers, body }) {
    if (!path.startsWith('/guard')) { receivedFuzz++; return; }
    const id = headers['x-repeat-record-id'];
    const prev = received.get(id);
    const hash = crypto.createHash('sha256').update(body).digest('hex');
    received.set(id, { hash: prev && prev.hash !== hash ? 'DIFFERENT BODIES' : hash, count: (prev?.count || 0) + 1, path });
  },
});
const RECEIVER = `http://127.0.0.1:${RECEIVER_PORT}`;

// ---- findings ------------------------------------------------------------------------------------------
const stats = {}; // route → {2xx,...}
const failures = [];
const failureKinds = {};
let sent = 0;
let transportErrors = 0; // requests that got no answer: each one is also a failure
const transportKinds = {}; // error code → count
const LEAK_MARKERS = ['Exception', '\tat ', 'org.hibernate', 'io.vertx', 'io.repeaterdispatch', 'java.lang', 'PSQLException', 'SQLSTATE'];
function fail(kind, req, res, extra = '') {
  failureKinds[kind] = (failureKinds[kind] || 0) + 1;
  if (failures.length < 200) failures.push({ kind, req, status: res?.status, body: res?.body?.slice(0, 400), extra });
}
function check(route, req, res) {
  sent++;
  const s = (stats[route] ||= { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, err: 0 });
  if (!res.status) {
    s.err++; transportErrors++; transportKinds[res.error] = (transportKinds[res.error] || 0) + 1;
    fail('no answer', req, res, res.error);
    return;
  }
  s[`${String(res.status)[0]}xx`]++;
  if (res.status >= 500) fail('5xx', req, res);
  if (res.status >= 400 && res.status < 500) {
    const ct = res.headers['content-type'] || '';
    let doc = null;
    try { doc = JSON.parse(res.body); } catch { /* checked below */ }
    if (!ct.startsWith('application/problem+json') || !doc || doc.status !== res.status || !doc.title) fail('4xx not problem+json', req, res, `content-type ${ct}`);
  }
  const body = res.body || '';
  for (const sec of secrets) if (body.includes(sec)) fail('secret in response', req, res, sec.slice(0, 12));
  for (const h of Object.values(res.headers || {})) for (const sec of secrets) if (String(h).includes(sec)) fail('secret in response header', req, res);
  for (const m of LEAK_MARKERS) if (body.includes(m)) { fail('internals in response', req, res, m); break; }
}

// ---- the guard tenants: known records enqueued before, during and after the fuzzing ---------------
const GUARD_DOMAINS = ['guard-a', 'guard-b'];
const guardRepeaters = [];
const expected = new Map(); // record id → {repeaterId, payloadId, hash}
async function mustOk(r, what) {
  if (r.status < 200 || r.status >= 300) throw new Error(`${what}: ${r.status} ${r.body?.slice(0, 300)}`);
  return r.json;
}
function guardPayload(n) {
  const shapes = [
    () => ({ n, name: pick(['Ana', 'Zoë', 'محمد', 'דוד', '李雷', 'Ørjan', '😀 emoji', 'quote " and \\ backslash', 'tab\tnewline\n']), ok: chance(0.5), tags: ['a', 'b', 'ç'] }),
    () => [n, 'x'.repeat(int(2000)), { nested: { deeper: [1, 2, { n }] } }],
    () => `just a string ${n} \u202Ertl\u202C 🏳️‍🌈`,
    () => n,
    () => ({ n, big: 9007199254740991, neg: -42, nul: null, arr: [], obj: {}, text: 'ÿ€𝄞' }),
  ];
  return pick(shapes)();
}
let guardSeq = 0;
async function enqueueGuard(count) {
  const r = pick(guardRepeaters);
  const items = Array.from({ length: count }, () => { guardSeq++; return { payloadId: `guard-${guardSeq}-${pick(UNICODE.filter((u) => !/[\u0000-\u001f\uD800-\uDFFF\u0085]/.test(u)))}`, payload: guardPayload(guardSeq) }; });
  const res = await mustOk(await api('POST', `/api/v1/repeaters/${r.id}/records`, items), 'guard enqueue');
  res.recordIds.forEach((id, i) => expected.set(String(id), { repeaterId: r.id, payloadId: items[i].payloadId, hash: sha(JSON.stringify(items[i].payload)) }));
}
const guardRowsSql = `SELECT id, domain, name, url, http_method, headers, auth_type, coalesce(auth_username, ''), auth_secret, timeout_ms,
  batch_size, coalesce(rate_per_second, 0), coalesce(rate_burst, 0), retry_status_codes, invalid_status_codes, is_paused, is_deleted
  FROM repeater WHERE domain IN ('guard-a', 'guard-b') ORDER BY id`;
const guardFlagsSql = `SELECT domain, process_repeaters FROM domain_flag WHERE domain IN ('guard-a', 'guard-b') ORDER BY domain`;
const guardLimitsSql = `SELECT domain, coalesce(remote_ms_per_minute, 0), coalesce(remote_ms_per_hour, 0), updated_at FROM domain_limit
  WHERE domain IN ('guard-a', 'guard-b') ORDER BY domain`;

// ---- routes from the OpenAPI document ----------------------------------------------------------------
const doc = JSON.parse((await send({ method: 'GET', path: '/q/openapi?format=json' })).body);
const routes = [];
for (const [path, ops] of Object.entries(doc.paths)) {
  for (const [method, op] of Object.entries(ops)) {
    if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
    const params = [...(ops.parameters || []), ...(op.parameters || [])];
    routes.push({ method: method.toUpperCase(), path, query: params.filter((p) => p.in === 'query').map((p) => p.name), body: !!op.requestBody });
  }
}
say(`seed ${SEED} (replay: FUZZ_SEED=${SEED}); ${routes.length} operations in the OpenAPI document; ${REQUESTS} fuzz requests, concurrency ${CONCURRENCY}`);

// setup: guard repeaters with secrets (bearer, basic, secret header values) and delivery limits that
// never bind (the receiver answers 200), a guard domain's own limits, then the fuzz tenant's
for (const domain of GUARD_DOMAINS) {
  for (const auth of [{ type: 'bearer', token: secret('tok') }, { type: 'basic', username: 'guard', password: secret('pw') }]) {
    const r = await mustOk(await api('POST', '/api/v1/repeaters', {
      domain, name: `guard ${auth.type}`, url: `${RECEIVER}/guard/${domain}`, headers: { 'X-Api-Key': secret('hdr') }, auth, batchSize: 20,
      ...(auth.type === 'basic' ? { rateLimit: { perSecond: 10000 }, statusPolicy: { retry: [404], invalidPayload: [501] } } : {}),
    }), 'create guard repeater');
    guardRepeaters.push(r);
  }
}
await mustOk(await api('PUT', '/api/v1/domains/guard-a/limits', { remoteTimePerMinuteMs: 3600000, remoteTimePerHourMs: null }), 'guard limits');
const fuzzRepeaters = [];
for (let i = 0; i < 4; i++) {
  const r = await mustOk(await api('POST', '/api/v1/repeaters', {
    domain: 'fuzz-zone', name: `fuzz ${i}`, url: `${RECEIVER}/fuzz/${i}`, auth: { type: 'bearer', token: secret('ftok') }, headers: { 'X-K': secret('fhdr') },
  }), 'create fuzz repeater');
  fuzzRepeaters.push(r.id);
}
const fuzzRecords = (await mustOk(await api('POST', `/api/v1/repeaters/${fuzzRepeaters[0]}/records`,
  Array.from({ length: 20 }, (_, i) => ({ payloadId: `f-${i}`, payload: { i } }))), 'fuzz enqueue')).recordIds;
for (let i = 0; i < 10; i++) await enqueueGuard(1 + int(10));
const guardRowsBefore = psql(guardRowsSql);
const guardFlagsBefore = psql(guardFlagsSql);
const guardLimitsBefore = psql(guardLimitsSql);
say(`setup: ${guardRepeaters.length} guard repeaters, ${expected.size} guard records enqueued before fuzzing`);

// ---- request generation ----------------------------------------------------------------------------
const guardRecordIds = () => [...expected.keys()];
/** Other spellings of an id: each must name nothing (404), so admin calls may aim them at guard ids. */
function aliasOf(id) {
  const wide = [...String(id)].map((d) => String.fromCharCode(0xFF10 + Number(d))).join('');
  const arabic = [...String(id)].map((d) => String.fromCharCode(0x0660 + Number(d))).join('');
  return pick([`${id};DROP`, `${id};`, `${id};x=1`, `+${id}`, `%2B${id}`, `0${id}`, `00000000000000000${id}`, `${id}.0`, `${id}e0`,
    `%20${id}`, `${id}%20`, `${id}%00`, `${id}%3B`, `${id}%0d%0a`, enc(wide), enc(arabic), `0x${Number(id).toString(16)}`,
    `${id}%C0%AF`, `%E2%80%8B${id}`, `${id}%09`]);
}
function pathId(template, mutating) {
  // guard ids in their plain spelling only where nothing can change them (reads, or calls without
  // an admin token, set below); other spellings of them anywhere, as they must name nothing
  const own = template.startsWith('/api/v1/records') ? fuzzRecords : fuzzRepeaters;
  const guard = template.startsWith('/api/v1/records') ? guardRecordIds() : guardRepeaters.map((r) => r.id);
  switch (int(11)) {
    case 0: case 1: case 2: case 3: return String(pick(own));
    case 4: return mutating ? String(pick(own)) : String(pick(guard));
    case 5: return String(1 + int(1e6) + 1e6);
    case 6: return aliasOf(pick(guard));
    default: {
      const id = pick(IDS);
      let text = id;
      try { text = decodeURIComponent(id); } catch { /* stays as sent */ }
      return mutating && guard.map(String).includes(text) ? String(pick(own)) : id;
    }
  }
}
function pathDomain(mutating) {
  switch (int(6)) {
    case 0: case 1: return 'fuzz-zone';
    case 2: return mutating ? `fuzz-${hex(4)}` : pick(GUARD_DOMAINS);
    case 3: return enc(evilString()).slice(0, 3000) || '%20';
    case 4: return pick(['a'.repeat(126), 'a'.repeat(127), '-a', '.', '..', '%2e%2e', 'a%2Fb', 'a b', '%00', 'A', 'xn--bcher-kva']);
    default: return enc(pick(INJECTION));
  }
}
function cursor() {
  const b64 = (s) => Buffer.from(s, 'utf8').toString('base64url');
  switch (int(7)) {
    case 0: return b64(`k:${pick(NUMBERS)}`);
    case 1: return b64(`k:${evilString()}`);
    case 2: return b64(`k:${pick(['', '\u0000', 'a\u0000', '\uD800', 'fuzz-zone', 'guard-a'])}`);
    case 3: return pick(['', '!!!', '====', 'k:1', 'azE', 'a'.repeat(10000), '%00', '%FF%FE', b64('x:1')]);
    case 4: return Buffer.from(`k:${hex(8)}`).toString('base64');
    case 5: return b64('k:') + pick(['=', '==', '.', '+', '/']);
    default: return enc(evilString());
  }
}
function queryValue(name) {
  if (chance(0.2)) return enc(evilString()).slice(0, 9000);
  switch (name) {
    case 'limit': return pick(NUMBERS.concat(['1', '50', '500', '501']));
    case 'cursor': return cursor();
    case 'state': return enc(Array.from({ length: 1 + int(3) }, () => pick(STATES)).join(pick([',', ',,', ';'])));
    case 'paused': case 'backedOff': case 'deleted': return pick(['true', 'false', 'TRUE', ' true', '1', 'yes', '', 'null']);
    case 'domain': return pathDomain(false);
    default: return enc(pick([evilString(), pick(INJECTION), 'repeater.update', 'fuzz-admin']));
  }
}
function validBody(route, path) {
  const p = route.path;
  if (p === '/api/v1/repeaters' && route.method === 'POST') {
    return { domain: chance(0.7) ? 'fuzz-zone' : `fuzz-${hex(3)}`, name: `n ${hex(4)}`, url: `${RECEIVER}/fuzz/new`, method: pick(['POST', 'PUT', 'patch']),
      headers: { 'X-Fuzz': secret('fh') }, auth: pick([{ type: 'bearer', token: secret('ft') }, { type: 'basic', username: 'u', password: secret('fp') }, null]),
      timeoutMs: 1 + int(300000), batchSize: 1 + int(144), ...(chance(0.25) ? { url: pick(URLS) } : {}), ...(chance(0.3) ? limitsOfRepeater() : {}),
      ...(chance(0.3) ? { eventTypes: pick([[], ['case.*'], ['case.created', 'form.*'], ['*'], ['a..b']]) } : {}) };
  }
  if (route.method === 'PATCH' && chance(0.2)) return { url: pick(URLS) };
  if (route.method === 'PATCH') return pick([{ name: `renamed ${hex(3)}` }, { timeoutMs: 5000 }, { batchSize: 3 }, { headers: { 'X-New': secret('fh') } },
    { auth: { type: 'bearer', token: secret('ft') } }, { url: `${RECEIVER}/fuzz/moved` }, limitsOfRepeater(), { rateLimit: null, statusPolicy: null }]);
  if (p.endsWith('/events') && route.method === 'POST') {
    return Array.from({ length: 1 + int(3) }, (_, i) => ({ eventType: pick(['case.created', 'case.note.added', 'form.submitted', 'x']),
      payloadId: `fz-${hex(4)}`, payload: { i, t: evilString() } }));
  }
  if (p.endsWith('/records') && route.method === 'POST') return Array.from({ length: 1 + int(3) }, (_, i) => ({ payloadId: `fz-${hex(4)}`, payload: { i, t: evilString() } }));
  if (/records\/(requeue|resend|cancel)$/.test(p) && p.startsWith('/api/v1/repeaters')) {
    return { state: [pick(STATES)], payloadId: chance(0.5) ? `f-${int(20)}` : undefined, registeredAfter: chance(0.4) ? pick(TIMES) : undefined,
      registeredBefore: chance(0.4) ? pick(TIMES) : undefined };
  }
  if (p.includes('/flags/')) return { enabled: chance(0.5) };
  if (p.endsWith('/limits') && route.method === 'PUT') {
    return { remoteTimePerMinuteMs: chance(0.3) ? null : 1 + int(3600000), remoteTimePerHourMs: chance(0.5) ? null : pick([1, 3600000, 1e12]) };
  }
  return chance(0.5) ? {} : undefined;
}
/** A repeater's rate limit and status policy, valid ones (mutateJson makes them otherwise). */
function limitsOfRepeater() {
  return { rateLimit: { perSecond: pick([0.5, 1, 5, 100000]), ...(chance(0.5) ? { burst: 1 + int(100) } : {}) },
    statusPolicy: { retry: [pick([404, 409, 423])], invalidPayload: [pick([500, 502, 301])] } };
}
/** Mutates a JSON document: replaces, drops, adds fields, or changes its kind. Returns JSON text. */
function mutateJson(value) {
  let v = structuredClone(value ?? {});
  const raws = new Map(); // placeholder → raw JSON text (numbers as typed)
  const rawValue = () => { const k = `\u0001raw${raws.size}\u0001`; raws.set(k, evilValueText()); return k; };
  const target = Array.isArray(v) && v.length && typeof v[0] === 'object' ? v[int(v.length)] : v;
  const n = 1 + int(3);
  for (let i = 0; i < n; i++) {
    if (target && typeof target === 'object' && !Array.isArray(target)) {
      const keys = Object.keys(target);
      const op = int(6);
      if (op <= 2 && keys.length) target[pick(keys)] = rawValue();
      else if (op === 3 && keys.length) delete target[pick(keys)];
      else if (op === 4) target[pick(['unknown', 'domain', 'id', 'deleted', '__proto__', 'authSecret', evilString()])] = rawValue();
      else if (target.auth && typeof target.auth === 'object') target.auth[pick(['type', 'username', 'password', 'token', 'extra'])] = rawValue();
      else target[pick(keys.length ? keys : ['x'])] = rawValue();
    }
  }
  if (chance(0.1)) v = rawValue();
  if (chance(0.05)) v = [v];
  let text = JSON.stringify(v);
  for (const [k, raw] of raws) text = text.split(JSON.stringify(k)).join(raw);
  return text;
}
function corruptText(text) {
  switch (int(9)) {
    case 0: return text.slice(0, int(text.length + 1));
    case 1: { const i = int(text.length + 1); return text.slice(0, i) + pick(['{', '}', '"', ',', ':', '\\', '\u0000', '/*', 'NaN', "'"]) + text.slice(i); }
    case 2: return text.replace(/"/g, "'");
    case 3: return `${text},`;
    case 4: return `${text}${text}`;
    case 5: return text.replace('{', '{"a":1,"a":2,');
    case 6: return `// comment\n${text}`;
    case 7: return pick(['', ' ', 'null', '"string"', '42', 'true', '[]', '{}', '[{}]', '[null]', '\uFEFF{}']);
    default: return text.replace(/:/, ': undefined,');
  }
}
/** Bytes that are not (valid) UTF-8: overlong encodings, lone surrogates, invalid bytes, UTF-16. */
function badBytes(text) {
  const bad = pick([[0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xF0, 0x80, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xFF], [0xFE, 0xFF],
    [0xC3], [0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0x80]]);
  if (chance(0.15)) return Buffer.from(text, 'utf16le');
  const buf = Buffer.from(text, 'utf8');
  const quote = buf.indexOf(0x22, int(buf.length)) + 1; // inside a string when there is one
  const at = quote > 0 ? quote : int(buf.length + 1);
  return Buffer.concat([buf.subarray(0, at), Buffer.from(bad), buf.subarray(at)]);
}
function auth(mutating) {
  if (chance(0.88)) return { header: `Bearer ${TOKEN}`, admin: true };
  const h = pick([null, 'Bearer', 'Bearer ', `Bearer ${READ_TOKEN}`, `bearer ${TOKEN}`, `Basic ${Buffer.from(`a:${TOKEN}`).toString('base64')}`,
    `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Bearer ${'x'.repeat(10000)}`, `Bearer ${TOKEN} ${TOKEN}`, 'Bearer ÿÿÿÿ', `Bearer  ${TOKEN}`,
    `Token ${TOKEN}`, 'Bearer sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08']);
  return { header: h, admin: h === `bearer ${TOKEN}` || h === `Bearer  ${TOKEN}`, read: h === `Bearer ${READ_TOKEN}`, mutating };
}

function buildRequest() {
  const route = pick(routes);
  const mutating = route.method !== 'GET';
  const a = auth(mutating);
  // guard ids may appear only when the call cannot change them (a read, or no admin token)
  const mayTouchGuard = !mutating || !a.admin;
  let path = route.path.replace('{id}', () => pathId(route.path, !mayTouchGuard)).replace('{domain}', () => pathDomain(!mayTouchGuard));
  if (route.query.length && chance(0.8)) {
    const qs = route.query.filter(() => chance(0.6)).map((q) => `${chance(0.9) ? q : enc(evilString())}=${queryValue(q)}`);
    if (chance(0.1)) qs.push(`${route.query[0]}=${queryValue(route.query[0])}`); // repeated parameter
    if (qs.length) path += `?${qs.join('&')}`;
  }
  if (chance(0.03)) path = pick([path.replace('/api/v1', '/api/v2'), `${path}/extra`, path.replace(/\/[^/]*$/, '/%2e%2e'), `${path};jsessionid=x`, `${path}%00`]);
  const headers = {};
  if (a.header !== null) headers.authorization = a.header;
  const acc = pick(ACCEPTS);
  if (acc) headers.accept = acc;
  let body;
  const template = validBody(route, path);
  const kind = pick(['valid', 'mutated', 'mutated', 'mutated', 'corrupt', 'bytes', 'oversized', 'none']);
  if (kind !== 'none' && (route.body || chance(0.2))) {
    if (kind === 'valid') body = template === undefined ? undefined : JSON.stringify(template);
    else if (kind === 'mutated') body = mutateJson(template);
    else if (kind === 'corrupt') body = corruptText(mutateJson(template));
    else if (kind === 'bytes') body = badBytes(mutateJson(template));
    else body = oversized(route);
    if (body !== undefined) {
      const ct = kind === 'valid' || chance(0.75) ? 'application/json' : pick(CONTENT_TYPES);
      if (ct) headers['content-type'] = ct;
    }
  }
  // Node refuses to send a path with characters outside ! to ÿ: send their UTF-8 percent-encoded
  path = path.replace(/[^\u0021-\u00ff]/gu, (c) => enc(c));
  return { route: `${route.method} ${route.path}`, method: route.method, path, headers, body, guardSafe: mayTouchGuard };
}
function oversized(route) {
  switch (int(4)) {
    case 0: return JSON.stringify([{ payloadId: 'big', payload: 'x'.repeat(1048577) }]); // one payload over admin.max-payload-bytes
    case 1: return JSON.stringify(Array.from({ length: 1001 }, (_, i) => ({ payloadId: `p${i}`, payload: i }))); // items over the limit
    case 2: return `{"name":"${'n'.repeat(300000)}","domain":"${'d'.repeat(300000)}"}`;
    default: return JSON.stringify({ state: Array.from({ length: 20000 }, () => 'pending'), payloadId: 'p'.repeat(100000) });
  }
}
/** Requests the Node client will not build: CR/LF or NUL in headers and paths, bad request lines. */
function rawRequest() {
  const host = `Host: ${BASE.host}\r\n`;
  const authz = `Authorization: Bearer ${TOKEN}\r\n`;
  // The HTTP layer (Netty) drops the connection without an answer on these two; every other
  // request must get one.
  const badChunkSize = `POST /api/v1/repeaters HTTP/1.1\r\n${host}${authz}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`;
  const unknownVersion = `GET /api/v1/repeaters HTTP/9.9\r\n${host}${authz}Connection: close\r\n\r\n`;
  const variants = [
    `GET /api/v1/repeaters HTTP/1.1\r\n${host}Authorization: Bearer ${TOKEN}\r\nX-Injected: a\nb\r\nConnection: close\r\n\r\n`,
    `GET /api/v1/repeaters HTTP/1.1\r\n${host}Authorization: Bearer ${TOKEN}\u0000\r\nConnection: close\r\n\r\n`,
    `GET /api/v1/repeaters?domain=a\r\nX: y HTTP/1.1\r\n${host}${authz}Connection: close\r\n\r\n`,
    `GET /api/v1/repeaters/1\u0000 HTTP/1.1\r\n${host}${authz}Connection: close\r\n\r\n`,
    `GET /api/v1/domains/ÿÿ/records HTTP/1.1\r\n${host}${authz}Connection: close\r\n\r\n`,
    `GET /api/v1/repeaters HTTP/1.1\r\n${host}${authz}X-Long: ${'a'.repeat(70000)}\r\nConnection: close\r\n\r\n`,
    `POST /api/v1/repeaters HTTP/1.1\r\n${host}${authz}Content-Type: application/json\r\nContent-Length: 5\r\nContent-Length: 6\r\nConnection: close\r\n\r\n{}{}{}`,
    badChunkSize,
    `POST /api/v1/repeaters HTTP/1.1\r\n${host}${authz}Content-Type: application/json\r\nContent-Length: -1\r\nConnection: close\r\n\r\n`,
    `POST /api/v1/repeaters HTTP/1.1\r\n${host}${authz}Content-Type: application/json\r\nContent-Length: 99999999999999999999\r\nConnection: close\r\n\r\n{}`,
    `BREW /api/v1/repeaters HTTP/1.1\r\n${host}${authz}Connection: close\r\n\r\n`,
    unknownVersion,
    `GET ${'/a'.repeat(5000)} HTTP/1.1\r\n${host}${authz}Connection: close\r\n\r\n`,
    `GET /api/v1/repeaters HTTP/1.1\r\n${host}Authorization: Bearer ${TOKEN}\r\n folded: continuation\r\nConnection: close\r\n\r\n`,
    `GET /api/v1/audit?actor=%0d%0aSet-Cookie:%20x=y HTTP/1.1\r\n${host}${authz}Connection: close\r\n\r\n`,
    `OPTIONS /api/v1/repeaters HTTP/1.1\r\n${host}${authz}Connection: close\r\n\r\n`,
    `TRACE /api/v1/repeaters HTTP/1.1\r\n${host}${authz}Connection: close\r\n\r\n`,
    `POST /api/v1/repeaters HTTP/1.1\r\n${host}${authz}Content-Type: application/json\r\nContent-Length: 20000000\r\nConnection: close\r\n\r\n[{"payloadId":`,
  ];
  const i = int(variants.length);
  const text = variants[i];
  return { route: 'RAW', label: `raw #${i}`, bytes: Buffer.from(text, 'latin1'), mayCloseUnanswered: text === badChunkSize || text === unknownVersion };
}
// Answers produced by the HTTP parser itself (Netty/Vert.x), before any application code: they
// cannot be problem+json, and are reported apart.
const PARSER_LEVEL = new Set([400, 413, 414, 431, 501, 505]);
function countParserLevel(route) {
  const s = (stats[route] ||= { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, err: 0 });
  s.parser = (s.parser || 0) + 1;
}

// ---- payload fidelity: valid but unusual JSON must come back as it went in (or be refused) ---------------
/** JSON text → a canonical string that keeps every digit of every number (JS numbers would round). */
function canonical(text) {
  let i = 0;
  const ws = () => { while (/[ \t\r\n]/.test(text[i])) i++; };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++; const parts = []; ws();
      if (text[i] === '}') { i++; return '{}'; }
      for (;;) { ws(); const k = str(); ws(); i++; parts.push(`${k}:${value()}`); ws(); if (text[i++] === '}') return `{${parts.join(',')}}`; }
    }
    if (c === '[') {
      i++; const parts = []; ws();
      if (text[i] === ']') { i++; return '[]'; }
      for (;;) { parts.push(value()); ws(); if (text[i++] === ']') return `[${parts.join(',')}]`; }
    }
    if (c === '"') return str();
    for (const lit of ['true', 'false', 'null']) if (text.startsWith(lit, i)) { i += lit.length; return lit; }
    const m = /^-?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?/.exec(text.slice(i, i + 100000));
    if (!m) throw new Error(`not JSON at ${i}: ${text.slice(i, i + 20)}`);
    i += m[0].length;
    const digits = (m[1] + (m[2] || '')).replace(/^0+/, '');
    if (!digits.replace(/0+$/, '')) return 'num:0';
    // value = 0.<digits without leading zeros> × 10^e, with e from the position of the first significant digit
    const all = m[1] + (m[2] || '');
    const lead = all.length - all.replace(/^0+/, '').length;
    const e = BigInt(m[3] || 0) + BigInt(m[1].length) - BigInt(lead);
    return `num:${m[0][0] === '-' ? '-' : ''}0.${digits.replace(/0+$/, '')}e${e}`;
  };
  const str = () => {
    const start = i; i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.stringify(JSON.parse(text.slice(start, i)));
  };
  const out = value(); ws();
  if (i !== text.length) throw new Error('trailing text');
  return out;
}
const FIDELITY = ['0.1234567890123456789012345', '1e400', '-1e400', '1e-400', '123456789012345678901234567890', '-0', '1.0', '1E2', '0.1',
  '{"s":"\\ud800"}', '{"s":"a\\udfffb"}', '{"s":"\\u0000"}', '{"s":"\\u001f\\u007f"}', '"\\u2028\\u2029"', '{"e":"😀 \\ud83d\\ude00 ‮rtl"}',
  '{"big":3.141592653589793238462643383279502884197}', '[9007199254740993]', '{"n":-9223372036854775809}',
  `${'['.repeat(900)}1${']'.repeat(900)}`, `{"s":"${'x'.repeat(100000)}"}`, '{"a":{"b":{"c":[1,2,{"d":null}]}}}', '"\\/\\b\\f\\n\\r\\t"'];
let fidelityAltered = 0;
let fidelityRefused = 0;
async function fidelityProbe() {
  for (const text of FIDELITY) {
    const body = `[{"payloadId":"fidelity","payload":${text}}]`;
    const res = await send({ method: 'POST', path: `/api/v1/repeaters/${fuzzRepeaters[1]}/records`, body,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } });
    check('fidelity probe', { body: body.slice(0, 200) }, res);
    if (res.status !== 202) { fidelityRefused++; continue; }
    const id = JSON.parse(res.body).recordIds[0];
    const stored = await send({ method: 'GET', path: `/api/v1/records/${id}/payload`, headers: { authorization: `Bearer ${TOKEN}` } });
    let same = false;
    let storedCanon = '';
    try { storedCanon = canonical(stored.body); same = storedCanon === canonical(text); } catch (e) { storedCanon = `unparseable (${e.message})`; }
    if (!same) { fidelityAltered++; fail('payload altered', { payload: text.slice(0, 120), recordId: id }, null, `stored: ${stored.body.slice(0, 120)}`); }
  }
}
await api('POST', `/api/v1/repeaters/${fuzzRepeaters[1]}/pause`);
await fidelityProbe();

// ---- run ---------------------------------------------------------------------------------------------------
// The whole request sequence is drawn before sending, so the seed replays it whatever the answers'
// timing (the guard enqueues during the run draw after it, in request order).
const plan = Array.from({ length: REQUESTS }, () => (chance(0.02) ? { raw: rawRequest() } : { req: buildRequest() }));
const started = Date.now();
const guardEvery = Math.max(50, Math.floor(REQUESTS / 30));
let issued = 0;
const describe = (req) => ({ method: req.method, path: req.path.slice(0, 300), headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v).slice(0, 120)])),
  body: req.body === undefined ? undefined : (Buffer.isBuffer(req.body) ? `<${req.body.length} bytes, base64> ${req.body.subarray(0, 300).toString('base64')}` : req.body.slice(0, 300)) });
async function worker() {
  while (issued < REQUESTS) {
    const n = issued++;
    if (n % guardEvery === 0) await enqueueGuard(1 + int(8)); // known records, while the fuzzing goes on
    if (plan[n].raw) {
      const { raw } = plan[n];
      const res = await sendRaw(raw.bytes);
      const rawDesc = { raw: raw.label, bytes: raw.bytes.toString('latin1').slice(0, 300) };
      const parserAnswered = res.status && PARSER_LEVEL.has(res.status) && !(res.headers['content-type'] || '').startsWith('application/problem+json');
      if (parserAnswered || (!res.status && raw.mayCloseUnanswered)) {
        sent++; countParserLevel('RAW');
        if (res.status >= 500) fail('5xx', rawDesc, res);
        continue;
      }
      check('RAW', rawDesc, res);
      continue;
    }
    const { req } = plan[n];
    const res = await send(req);
    // a request line or headers over the HTTP layer's limits get its plain answer (see PARSER_LEVEL)
    if ([414, 431].includes(res.status) && !(res.headers['content-type'] || '').startsWith('application/problem+json')) {
      sent++; countParserLevel(req.route);
      continue;
    }
    if (TRACE) TRACE.write(`${n}\ts${res.socket}\t${res.status || res.error}\t${res.headers?.['content-type'] ?? ''}\t${req.method} ${JSON.stringify(req.path.slice(0, 300))} auth=${JSON.stringify(String(req.headers.authorization ?? '').slice(0, 60))} ${JSON.stringify(Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'authorization')))} body=${req.body === undefined ? '-' : `${req.body.length}:${JSON.stringify(String(req.body).slice(0, 80))}`}\n`);
    check(req.route, describe(req), res);
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
const fuzzSeconds = (Date.now() - started) / 1000;
for (let i = 0; i < 5; i++) await enqueueGuard(1 + int(10));
say(`fuzzing done: ${sent} requests in ${fuzzSeconds.toFixed(1)} s; ${expected.size} guard records enqueued; waiting for deliveries`);

// ---- guarantees --------------------------------------------------------------------------------------------
const deadline = Date.now() + Number(args['delivery-timeout-s'] || 60) * 1000;
while (Date.now() < deadline && [...expected.keys()].some((id) => !received.has(id))) await new Promise((r) => setTimeout(r, 200));
const health = await send({ method: 'GET', path: '/q/health/live' });
if (health.status !== 200) fail('service not live after fuzzing', { path: '/q/health/live' }, health);

const rows = new Map();
const dbText = psql(`SELECT id, repeater_id, payload_id, encode(sha256(convert_to(payload, 'UTF8')), 'hex'), state FROM repeat_record_all
  WHERE domain IN ('guard-a', 'guard-b') OR repeater_id IN (${guardRepeaters.map((r) => r.id).join(',')}) ORDER BY id`);
for (const line of dbText.split('\n').filter(Boolean)) {
  const [id, repeaterId, payloadId, hash, state] = line.split('\t');
  rows.set(id, { repeaterId: Number(repeaterId), payloadId, hash, state: Number(state) });
}
let found = 0; let corrupted = 0; let delivered = 0; let deliveredCorrupt = 0; let notSucceeded = 0; let duplicates = 0;
for (const [id, want] of expected) {
  const row = rows.get(id);
  if (!row) { fail('record lost', { recordId: id }, null, 'not in the database'); continue; }
  found++;
  if (row.hash !== want.hash || row.repeaterId !== want.repeaterId || row.payloadId !== want.payloadId) {
    corrupted++; fail('record corrupted', { recordId: id }, null, `db ${JSON.stringify(row)} vs enqueued ${JSON.stringify(want)}`);
  }
  if (row.state !== 4) { notSucceeded++; fail('record not delivered', { recordId: id }, null, `state ${row.state}`); }
  const got = received.get(id);
  if (got) {
    delivered++;
    duplicates += got.count - 1;
    if (got.hash !== want.hash) { deliveredCorrupt++; fail('delivered payload differs', { recordId: id }, null, got.hash); }
  } else fail('record never received', { recordId: id }, null);
}
const strangers = [...rows.keys()].filter((id) => !expected.has(id));
for (const id of strangers.slice(0, 20)) fail('unexpected record in a guard tenant', { recordId: id }, null, JSON.stringify(rows.get(id)));
if (psql(guardRowsSql) !== guardRowsBefore) fail('guard repeaters changed', {}, null, psql(guardRowsSql).slice(0, 400));
if (psql(guardFlagsSql) !== guardFlagsBefore) fail('guard flags changed', {}, null, psql(guardFlagsSql));
if (psql(guardLimitsSql) !== guardLimitsBefore) fail('guard domain limits changed', {}, null, psql(guardLimitsSql));
if (SERVICE_LOG && fs.existsSync(SERVICE_LOG)) {
  const logText = fs.readFileSync(SERVICE_LOG, 'utf8');
  for (const sec of secrets) if (logText.includes(sec)) fail('secret in service log', {}, null, sec.slice(0, 12));
}

// ---- report ------------------------------------------------------------------------------------------------
const pad = (s, n) => String(s).padEnd(n);
const lines = [`API fuzz run: seed ${SEED}, ${sent} requests in ${fuzzSeconds.toFixed(1)} s (${(sent / fuzzSeconds).toFixed(0)}/s), concurrency ${CONCURRENCY}`,
  '', `${pad('route', 58)} ${['2xx', '3xx', '4xx', '5xx', 'err'].map((c) => c.padStart(6)).join('')}`];
const total = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, err: 0 };
for (const [route, s] of Object.entries(stats).sort()) {
  lines.push(`${pad(route, 58)} ${['2xx', '3xx', '4xx', '5xx', 'err'].map((c) => String(s[c]).padStart(6)).join('')}${s.parser ? `  (+${s.parser} answered or closed by the HTTP parser)` : ''}`);
  for (const c of Object.keys(total)) total[c] += s[c];
}
lines.push(`${pad('total', 58)} ${Object.values(total).map((v) => String(v).padStart(6)).join('')}`, '');
lines.push(`5xx: ${total['5xx']}; 4xx not problem+json: ${failureKinds['4xx not problem+json'] || 0}; secrets in responses: ${(failureKinds['secret in response'] || 0) + (failureKinds['secret in response header'] || 0)}; `
  + `secrets in the service log: ${failureKinds['secret in service log'] || 0}; internals in responses: ${failureKinds['internals in response'] || 0}; transport errors: ${transportErrors}`
  + (transportErrors ? ` (${Object.entries(transportKinds).map(([k, v]) => `${k} ×${v}`).join(', ')})` : ''));
lines.push(`guard records: enqueued ${expected.size}, found ${found}, corrupted ${corrupted}, delivered ${delivered} (${deliveredCorrupt} with another body, ${duplicates} duplicate deliveries), `
  + `not succeeded ${notSucceeded}, unexpected ${strangers.length}; fuzz-tenant deliveries ${receivedFuzz}`);
lines.push(`payload fidelity probes: ${FIDELITY.length}, altered ${fidelityAltered}, refused ${fidelityRefused}`);
process.stdout.write(`${lines.join('\n')}\n`);
if (failures.length) {
  process.stdout.write(`\nFAILED: ${Object.entries(failureKinds).map(([k, v]) => `${k} ×${v}`).join(', ')}\n`);
  for (const f of failures.slice(0, 60)) process.stdout.write(`  ${f.kind}: ${JSON.stringify(f.req)} -> ${f.status ?? ''} ${f.body ?? ''} ${f.extra}\n`);
  process.stdout.write(`replay: FUZZ_SEED=${SEED} faults/fuzz.sh${REQUESTS <= 3000 ? ' --quick' : ''}\n`);
}
await receiver.close();
agent.destroy();
process.exit(failures.length ? 1 : 0);
