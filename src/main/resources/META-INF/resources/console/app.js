// The repeater-dispatch web console: a small static app over the admin API (/api/v1), no build
// step. The token lives in sessionStorage and goes out as an Authorization header, never in a URL
// or a cookie. Every page is built with createElement and textContent: data never reaches
// innerHTML, so a payload or a name holding markup is shown as text. docs/console.md.

const STORE = { token: 'rd.console.token', actor: 'rd.console.actor', role: 'rd.console.role' };
const STATES = ['pending', 'failed', 'succeeded', 'cancelled', 'empty', 'invalid_payload'];
const PAGE = 25;

const main = document.getElementById('main');

// ---- session ------------------------------------------------------------------------------------

const session = {
  get token() { return sessionStorage.getItem(STORE.token); },
  get actor() { return sessionStorage.getItem(STORE.actor); },
  get role() { return sessionStorage.getItem(STORE.role); },
  get admin() { return this.role === 'admin'; },
  save(token, who) {
    sessionStorage.setItem(STORE.token, token);
    sessionStorage.setItem(STORE.actor, who.actor);
    sessionStorage.setItem(STORE.role, who.role);
  },
  clear() { Object.values(STORE).forEach((k) => sessionStorage.removeItem(k)); },
};

class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

/** Calls the admin API with the session's token; answers the parsed JSON (or text for non-JSON bodies). */
async function api(method, path, body, token = session.token) {
  const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json, */*' };
  const init = { method, headers, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`/api/v1${path}`, init);
  const type = response.headers.get('Content-Type') || '';
  const payload = type.includes('json') ? await response.json().catch(() => null) : await response.text();
  if (!response.ok) {
    if (response.status === 401 && token === session.token) {
      session.clear();
      showChrome();
    }
    const detail = payload && payload.detail ? payload.detail : `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, detail);
  }
  return payload;
}

async function rawPayload(recordId) {
  const response = await fetch(`/api/v1/records/${recordId}/payload`, {
    headers: { Authorization: `Bearer ${session.token}` }, cache: 'no-store', credentials: 'omit',
  });
  if (!response.ok) {
    throw new ApiError(response.status, `${response.status} ${response.statusText}`);
  }
  return { text: await response.text(), type: response.headers.get('Content-Type') || '' };
}

// ---- DOM helpers: text only, never markup -------------------------------------------------------

/** h('a', {href: '#/x', class: 'c', onclick: fn}, 'text', child...) */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'text') el.textContent = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function table(headings, rows, attrs = {}) {
  return h('table', attrs, h('thead', {}, h('tr', {}, headings.map((t) => h('th', { text: t })))), h('tbody', {}, rows));
}

function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', {}, v)]));
}

function say(text, error = false) {
  const box = document.getElementById('message');
  box.textContent = text;
  box.className = error ? 'error' : '';
  box.hidden = !text;
}

function mutating(label, handler, attrs = {}) {
  // Built for admin tokens only: a read token's pages carry no control that changes anything.
  if (!session.admin) return null;
  return h('button', { type: 'button', class: `mutating ${attrs.class || ''}`.trim(), 'data-action': attrs.action,
    disabled: attrs.disabled, title: attrs.title, onclick: handler }, label);
}

/** The confirmation dialog; resolves true when confirmed. */
function confirmChange(text, count) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-count').textContent = count === undefined ? ''
    : `${count} record${count === 1 ? '' : 's'} will change.`;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.showModal();
  });
}

async function act(label, call) {
  try {
    const result = await call();
    say(result && typeof result.changed === 'number' ? `${label}: ${result.changed} record${result.changed === 1 ? '' : 's'} changed.` : `${label}: done.`);
  } catch (e) {
    say(`${label} refused: ${e.message}`, true);
  }
  await render();
}

// ---- routing ------------------------------------------------------------------------------------

function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = hash.split('?');
  return { parts: path.split('/').filter(Boolean), params: new URLSearchParams(query) };
}

function link(parts, params = {}) {
  const q = new URLSearchParams();
  Object.entries(params).forEach(([k, v]) => { if (v !== undefined && v !== null && v !== '') q.set(k, v); });
  const qs = q.toString();
  return `#/${parts.join('/')}${qs ? `?${qs}` : ''}`;
}

function showChrome() {
  const signedIn = Boolean(session.token);
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('who').hidden = !signedIn;
  document.getElementById('who-actor').textContent = signedIn ? session.actor : '';
  const role = document.getElementById('who-role');
  role.textContent = signedIn ? (session.admin ? 'admin' : 'read only') : '';
  role.className = `badge ${session.admin ? 'admin' : ''}`;
  document.body.dataset.role = signedIn ? session.role : 'none';
}

let rendering = 0;

async function render() {
  const ticket = ++rendering;
  document.body.dataset.busy = 'true';
  showChrome();
  const { parts, params } = route();
  document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('current', a.dataset.nav === parts[0]));
  const page = document.createDocumentFragment();
  try {
    if (!session.token) {
      page.append(signInPage());
    } else if (parts[0] === 'domains') {
      page.append(...(await domainsPage(params)).filter(Boolean));
    } else if (parts[0] === 'repeaters' && parts[1]) {
      page.append(...(await repeaterPage(parts[1], params)).filter(Boolean));
    } else if (parts[0] === 'records' && parts[1]) {
      page.append(...(await recordPage(parts[1])).filter(Boolean));
    } else if (parts[0] === 'audit') {
      page.append(...(await auditPage(params)).filter(Boolean));
    } else {
      page.append(...(await repeatersPage(params)).filter(Boolean));
    }
  } catch (e) {
    if (!session.token) {
      page.replaceChildren(signInPage());
    } else {
      page.replaceChildren(h('h1', { text: 'Could not load this page' }), h('p', { class: 'error', text: e.message }));
    }
  }
  if (ticket === rendering) {
    main.replaceChildren(page);
    main.dataset.page = session.token ? (parts[0] || 'repeaters') + (parts[1] ? '-one' : '') : 'signin';
    main.dataset.loaded = String(ticket);
    delete document.body.dataset.busy;
  }
}

// ---- pages --------------------------------------------------------------------------------------

function signInPage() {
  const input = h('input', { type: 'password', id: 'token', autocomplete: 'off', required: true, spellcheck: 'false' });
  const error = h('p', { class: 'error', id: 'signin-error' });
  const form = h('form', {
    onsubmit: async (event) => {
      event.preventDefault();
      const token = input.value.trim();
      try {
        const who = await api('GET', '/whoami', undefined, token);
        session.save(token, who);
        say('');
        if (!location.hash || location.hash === '#/' || location.hash === '#') location.hash = '#/repeaters';
        else await render();
      } catch (e) {
        error.textContent = e.status === 401 ? 'That token is not valid.' : `Sign-in failed: ${e.message}`;
      }
    },
  },
  h('label', {}, 'API token (admin or read)', input),
  h('button', { type: 'submit', class: 'primary', id: 'sign-in' }, 'Sign in'),
  error,
  h('p', { class: 'muted', text: 'The token stays in this tab (session storage) and is sent as an Authorization header.' }));
  return h('section', { class: 'signin' }, h('h1', { text: 'Sign in' }), form);
}

function repeaterState(r) {
  if (r.deleted) return { key: 'deleted', text: 'deleted' };
  if (r.disabled) return { key: 'disabled', text: `disabled (${r.disabledReason}) since ${time(r.disabledAt)}` };
  if (r.paused) return { key: 'paused', text: 'paused' };
  if (r.nextAttemptAt && new Date(r.nextAttemptAt) > new Date()) return { key: 'backed-off', text: `backed off until ${time(r.nextAttemptAt)}` };
  return { key: 'active', text: 'active' };
}

function stateBadge(r) {
  const s = repeaterState(r);
  return h('span', { class: `badge state state-${s.key}`, 'data-state': s.key }, s.text);
}

function outcomeBadges(counts) {
  const shown = Object.entries(counts || {}).filter(([, n]) => n > 0);
  if (!shown.length) return h('span', { class: 'muted', text: 'none' });
  return h('span', { class: 'outcomes' }, shown.map(([state, n]) => h('span', { class: `badge outcome-${state}` }, `${state} ${n}`)));
}

function lastOutcome(a) {
  if (!a || !a.lastAttempt) return h('span', { class: 'muted', text: 'none in the last hour' });
  const l = a.lastAttempt;
  return h('span', {}, h('span', { class: `badge outcome-${l.state}` }, l.state + (l.httpStatus ? ` ${l.httpStatus}` : '')), ' ', h('span', { class: 'muted', text: time(l.at) }));
}

function pauseResume(r) {
  if (r.deleted) return null;
  return r.paused
    ? mutating(r.disabled ? 'Resume (re-enable)' : 'Resume', () => act(`Resume ${r.name}`, () => api('POST', `/repeaters/${r.id}/resume`)), { action: 'resume' })
    : mutating('Pause', () => act(`Pause ${r.name}`, () => api('POST', `/repeaters/${r.id}/pause`)), { action: 'pause' });
}

async function repeatersPage(params) {
  const filter = params.get('state') || '';
  const query = new URLSearchParams({ limit: PAGE });
  if (params.get('domain')) query.set('domain', params.get('domain'));
  if (filter === 'paused') query.set('paused', 'true');
  if (filter === 'backed-off') query.set('backedOff', 'true');
  if (filter === 'disabled') query.set('disabled', 'true');
  if (filter === 'deleted') query.set('deleted', 'true');
  if (params.get('cursor')) query.set('cursor', params.get('cursor'));
  const page = await api('GET', `/repeaters?${query}`);

  const domain = h('input', { id: 'filter-domain', value: params.get('domain') || '', placeholder: 'any' });
  const state = h('select', { id: 'filter-state' },
    [['', 'any'], ['paused', 'paused'], ['backed-off', 'backed off'], ['disabled', 'disabled'], ['deleted', 'deleted']]
      .map(([v, t]) => h('option', { value: v, selected: v === filter }, t)));
  const filters = h('form', {
    class: 'filters',
    onsubmit: (e) => { e.preventDefault(); location.hash = link(['repeaters'], { domain: domain.value.trim(), state: state.value }); },
  }, h('label', {}, 'Domain', domain), h('label', {}, 'State', state), h('button', { type: 'submit', id: 'apply-filters' }, 'Apply'),
  h('button', { type: 'button', onclick: () => render() }, 'Refresh'));

  const rows = page.items.map((r) => {
    const last = h('td', { class: 'last-outcome' }, h('span', { class: 'muted', text: '…' }));
    const hour = h('td', { class: 'last-hour' }, h('span', { class: 'muted', text: '…' }));
    api('GET', `/repeaters/${r.id}/activity`).then((a) => {
      last.replaceChildren(lastOutcome(a));
      hour.replaceChildren(outcomeBadges(a.attempts), a.complete ? '' : h('span', { class: 'muted', text: ' (at least)' }));
    }).catch(() => { last.textContent = '?'; hour.textContent = '?'; });
    return h('tr', { 'data-repeater': r.id },
      h('td', {}, h('a', { href: link(['repeaters', r.id]), class: 'repeater-link' }, r.name), h('div', { class: 'muted', text: `#${r.id}` })),
      h('td', {}, h('a', { href: link(['repeaters'], { domain: r.domain }) }, r.domain)),
      h('td', { class: 'url', text: `${r.method} ${r.url}` }),
      h('td', {}, stateBadge(r)),
      h('td', { class: 'num', text: `${r.records.pending ?? 0} / ${r.records.failed ?? 0}` }),
      last, hour,
      h('td', { class: 'actions' }, pauseResume(r)));
  });
  return [
    h('h1', { text: 'Repeaters' }),
    filters,
    rows.length ? table(['Repeater', 'Domain', 'Endpoint', 'State', 'Queued (pending / failed)', 'Last outcome', 'Attempts, last hour', ''], rows, { id: 'repeaters' })
      : h('p', { class: 'muted', id: 'no-repeaters', text: 'No repeater matches.' }),
    pager(['repeaters'], params, page.next),
  ];
}

function pager(parts, params, next) {
  const current = Object.fromEntries(params.entries());
  return h('div', { class: 'pager' },
    params.get('cursor') ? h('a', { href: link(parts, { ...current, cursor: '' }) }, '« First page') : null,
    next ? h('a', { href: link(parts, { ...current, cursor: next }), class: 'next-page' }, 'Next page »') : null);
}

async function repeaterPage(id, params) {
  const [r, activity] = await Promise.all([api('GET', `/repeaters/${encodeURIComponent(id)}`), api('GET', `/repeaters/${encodeURIComponent(id)}/activity`)]);
  const stateFilter = params.get('state') || '';
  const query = new URLSearchParams({ limit: PAGE });
  if (stateFilter) query.set('state', stateFilter);
  if (params.get('cursor')) query.set('cursor', params.get('cursor'));
  const records = await api('GET', `/repeaters/${r.id}/records?${query}`);
  const counts = r.records || {};
  const sum = (states) => states.reduce((n, s) => n + (counts[s] || 0), 0);

  const bulk = (label, action, states, text) => {
    const n = sum(states);
    return mutating(`${label} (${n})`, async () => {
      if (await confirmChange(`${text} of ${r.name} (#${r.id})?`, n)) {
        await act(label, () => api('POST', `/repeaters/${r.id}/records/${action}`, { state: states }));
      }
    }, { action: `bulk-${action}-${states.join('-')}`, disabled: n === 0 || r.deleted });
  };

  const recordRows = records.items.map((rec) => h('tr', { 'data-record': rec.id, 'data-record-state': rec.state },
    h('td', {}, h('a', { href: link(['records', rec.id]), class: 'record-link' }, `#${rec.id}`)),
    h('td', { text: rec.payloadId }),
    h('td', { text: rec.eventType || '—' }),
    h('td', {}, h('span', { class: `badge record-state outcome-${rec.state}` }, rec.state)),
    h('td', { class: 'num', text: rec.attemptCount }),
    h('td', { text: time(rec.nextCheck) }),
    h('td', { text: time(rec.registeredAt) }),
    h('td', { class: 'actions' }, recordActions(rec))));

  const filter = h('select', { id: 'records-state', onchange: (e) => { location.hash = link(['repeaters', r.id], { state: e.target.value }); } },
    h('option', { value: '' }, 'every state'), STATES.map((s) => h('option', { value: s, selected: s === stateFilter }, s)));

  const admin = session.admin && !r.deleted ? h('div', { class: 'toolbar' },
    pauseResume(r),
    bulk('Requeue failed', 'requeue', ['failed'], 'Requeue every failed record (due now)'),
    bulk('Requeue cancelled and invalid', 'requeue', ['cancelled', 'invalid_payload'], 'Requeue every cancelled and invalid-payload record (fresh tries)'),
    bulk('Resend delivered', 'resend', ['succeeded', 'empty'], 'Send every delivered record again'),
    bulk('Cancel queued', 'cancel', ['pending', 'failed'], 'Cancel every queued record')) : null;

  return [
    h('p', {}, h('a', { href: link(['repeaters'], { domain: r.domain }) }, `« Repeaters of ${r.domain}`)),
    h('h1', {}, `${r.name} `, h('span', { class: 'muted', text: `#${r.id}` }), ' ', stateBadge(r)),
    admin,
    facts([
      ['Domain', r.domain],
      ['Endpoint', h('span', { class: 'url', text: `${r.method} ${r.url}` })],
      ['State', stateBadge(r)],
      ['Failing since', time(r.failingSince)],
      ['Failed batches in a row', String(r.consecutiveFailedBatches)],
      ['Ordering', r.ordering],
      ['Batch size / concurrency now', `${r.batchSize} / ${r.concurrency ? r.concurrency.effective : '—'}`],
      ['Event types', r.eventTypes && r.eventTypes.length ? r.eventTypes.join(', ') : 'every type'],
      ['Rate limit', r.rateLimit ? `${r.rateLimit.perSecond}/s, burst ${r.rateLimit.burst}` : 'none'],
      ['Signing', r.signing.enabled ? 'on' : 'off'],
      ['Records by state', h('span', { class: 'outcomes', id: 'record-counts' }, STATES.map((s) => h('span', { class: `badge outcome-${s}`, 'data-count': s }, `${s} ${counts[s] ?? 0}`)))],
      ['Last outcome', lastOutcome(activity)],
      ['Attempts, last hour', h('span', {}, outcomeBadges(activity.attempts), activity.complete ? '' : ' (at least)')],
    ]),
    h('h2', { text: 'Records' }),
    h('div', { class: 'toolbar' }, h('label', {}, 'State', filter), h('button', { type: 'button', id: 'refresh', onclick: () => render() }, 'Refresh')),
    recordRows.length ? table(['Record', 'Payload id', 'Event type', 'State', 'Attempts', 'Next check', 'Registered', ''], recordRows, { id: 'records' })
      : h('p', { class: 'muted no-records', text: 'No records.' }),
    pager(['repeaters', r.id], params, records.next),
  ];
}

function recordActions(rec) {
  const one = (label, action) => mutating(label, async () => {
    if (await confirmChange(`${label} record #${rec.id} (${rec.payloadId})?`, 1)) {
      await act(`${label} #${rec.id}`, () => api('POST', `/records/${rec.id}/${action}`));
    }
  }, { action });
  return [
    ['failed', 'cancelled', 'invalid_payload'].includes(rec.state) ? one('Requeue', 'requeue') : null,
    ['succeeded', 'empty'].includes(rec.state) ? one('Resend', 'resend') : null,
    ['pending', 'failed'].includes(rec.state) ? one('Cancel', 'cancel') : null,
  ];
}

async function recordPage(id) {
  const rec = await api('GET', `/records/${encodeURIComponent(id)}`);
  let payload;
  try {
    const raw = await rawPayload(rec.id);
    let text = raw.text;
    if (raw.type.includes('json')) {
      try { text = JSON.stringify(JSON.parse(raw.text), null, 2); } catch (e) { /* shown as queued */ }
    }
    payload = h('pre', { class: 'payload', id: 'payload' }, text);
  } catch (e) {
    payload = h('p', { class: 'error', text: `payload: ${e.message}` });
  }
  const attempts = rec.attempts.map((a) => h('tr', {},
    h('td', { text: time(a.at) }),
    h('td', {}, h('span', { class: `badge outcome-${a.state}` }, a.state)),
    h('td', { class: 'num', text: a.httpStatus ?? '—' }),
    h('td', { class: 'num', text: a.durationMs }),
    h('td', { text: a.message || '' })));
  return [
    h('p', {}, h('a', { href: link(['repeaters', rec.repeaterId]) }, `« Repeater #${rec.repeaterId}`)),
    h('h1', {}, `Record #${rec.id} `, h('span', { class: `badge record-state outcome-${rec.state}`, id: 'record-state' }, rec.state)),
    h('div', { class: 'toolbar' }, recordActions(rec), h('button', { type: 'button', id: 'refresh', onclick: () => render() }, 'Refresh')),
    facts([
      ['Payload id', rec.payloadId],
      ['Domain', rec.domain],
      ['Event type', rec.eventType || '—'],
      ['Attempts', String(rec.attemptCount)],
      ['Next check', time(rec.nextCheck)],
      ['Registered', time(rec.registeredAt)],
      ['Updated', time(rec.updatedAt)],
    ]),
    h('h2', { text: 'Attempts' }),
    attempts.length ? table(['At', 'Outcome', 'HTTP', 'ms', 'Message'], attempts, { id: 'attempts' }) : h('p', { class: 'muted', text: 'No attempt yet.' }),
    h('h2', { text: `Payload (${rec.contentType})` }),
    payload,
  ];
}

async function domainsPage(params) {
  const query = new URLSearchParams({ limit: PAGE });
  if (params.get('cursor')) query.set('cursor', params.get('cursor'));
  const page = await api('GET', `/domains?${query}`);
  const rows = page.items.map((d) => h('tr', { 'data-domain': d.domain },
    h('td', {}, h('a', { href: link(['repeaters'], { domain: d.domain }) }, d.domain)),
    h('td', {}, h('span', { class: `badge ${d.processRepeaters ? 'state-active' : 'state-paused'}`, 'data-flag': String(d.processRepeaters) },
      d.processRepeaters ? 'per-repeater loop' : 'legacy per-record path'), ' ', h('span', { class: 'muted', text: `(${d.flagSource})` })),
    h('td', { class: 'num', text: d.repeaters }),
    h('td', { class: 'num', text: d.queued.pending ?? 0 }),
    h('td', { class: 'num', text: d.queued.failed ?? 0 }),
    h('td', { class: 'actions' }, mutating(d.processRepeaters ? 'Switch to legacy path' : 'Switch to per-repeater loop', async () => {
      const to = !d.processRepeaters;
      if (await confirmChange(`Deliver ${d.domain}'s records on the ${to ? 'per-repeater loop' : 'legacy per-record path'}?`)) {
        await act(`Flag of ${d.domain}`, () => api('PUT', `/domains/${encodeURIComponent(d.domain)}/flags/process-repeaters`, { enabled: to }));
      }
    }, { action: 'toggle-flag' }))));
  return [
    h('h1', { text: 'Domains' }),
    rows.length ? table(['Domain', 'Dispatch (process-repeaters flag)', 'Repeaters', 'Pending', 'Failed', ''], rows, { id: 'domains' })
      : h('p', { class: 'muted', text: 'No domain yet.' }),
    pager(['domains'], params, page.next),
  ];
}

async function auditPage(params) {
  const query = new URLSearchParams({ limit: PAGE });
  ['actor', 'action', 'cursor'].forEach((k) => { if (params.get(k)) query.set(k, params.get(k)); });
  const page = await api('GET', `/audit?${query}`);
  const actor = h('input', { id: 'filter-actor', value: params.get('actor') || '', placeholder: 'any' });
  const action = h('input', { id: 'filter-action', value: params.get('action') || '', placeholder: 'any' });
  const filters = h('form', {
    class: 'filters',
    onsubmit: (e) => { e.preventDefault(); location.hash = link(['audit'], { actor: actor.value.trim(), action: action.value.trim() }); },
  }, h('label', {}, 'Actor', actor), h('label', {}, 'Action', action), h('button', { type: 'submit' }, 'Apply'));
  const target = (t) => {
    const m = /^(repeater|record)\/(\d+)$/.exec(t || '');
    if (m) return h('a', { href: link([`${m[1]}s`, m[2]]) }, t);
    const d = /^domain\/(.+)$/.exec(t || '');
    return d ? h('a', { href: link(['repeaters'], { domain: d[1] }) }, t) : (t || '');
  };
  const rows = page.items.map((e) => h('tr', { 'data-audit': e.id },
    h('td', { text: time(e.at) }),
    h('td', { text: e.actor }),
    h('td', { text: e.action }),
    h('td', {}, target(e.target)),
    h('td', {}, e.detail == null ? '' : h('details', {}, h('summary', { text: 'detail' }), h('pre', { class: 'detail' }, JSON.stringify(e.detail, null, 2))))));
  return [
    h('h1', { text: 'Audit trail' }),
    filters,
    rows.length ? table(['At', 'Actor', 'Action', 'Target', 'Detail'], rows, { id: 'audit' }) : h('p', { class: 'muted', text: 'No entries.' }),
    pager(['audit'], params, page.next),
  ];
}

// ---- start --------------------------------------------------------------------------------------

document.getElementById('sign-out').addEventListener('click', () => {
  session.clear();
  say('');
  location.hash = '#/';
  render();
});
window.addEventListener('hashchange', () => { say(''); render(); });
render();
