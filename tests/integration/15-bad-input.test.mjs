// Bad input on every route of docs/api.md (issue 13): each field a route reads (JSON body
// fields, query parameters, form fields, path segments, and the crs_session cookie,
// X-CSRF-Token and Authorization headers) fed non-ASCII text, invalid UTF-8 as raw bytes,
// NUL, lone surrogates, 10 KB, wrong JSON types and duplicate keys. Whatever comes in:
// never a 5xx, a refusal has the API's error shape with a Persian message, and a refused
// request changes nothing in the database.
//
// One citizen per route is prepared once; every case then changes one field of an otherwise
// valid request, so a failure names route · where field · value.
// expect: 1069 tests
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test, before, after } from 'node:test';
import { api, admin, adminToken, ADMIN, REPO, STACK_DIR, Client, sql, sql1, q } from '../lib/stack.mjs';
import {
  DAY, jalali, serverNow, makePerson, makeOffice, newCityCode,
  login, readyCitizen, lunarFor,
} from '../lib/citizens.mjs';
import { openBank, press, deliver } from '../lib/bank.mjs';

// ------------------------------------------------------------------ the database, cheaply

// One mariadb client for the whole file: a checksum before and after each of several
// hundred cases would cost a process each through sql().
class Db {
  constructor() {
    this.proc = spawn('mariadb', ['--no-defaults', `--socket=${path.join(STACK_DIR, 'run', 'mysql.sock')}`,
      '-u', 'root', '--default-character-set=utf8mb4', '-N', '-B', '--unbuffered', 'crs'],
    { stdio: ['pipe', 'pipe', 'inherit'] });
    this.proc.stdout.setEncoding('utf8');
    this.buf = '';
    this.wake = null;
    this.n = 0;
    this.proc.stdout.on('data', (d) => { this.buf += d; this.wake?.(); });
  }

  query(text) {
    const mark = `@@end${++this.n}@@`;
    this.proc.stdin.write(`${text};\nSELECT '${mark}';\n`);
    return new Promise((resolve) => {
      this.wake = () => {
        const i = this.buf.indexOf(`${mark}\n`);
        if (i < 0) return;
        const out = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + mark.length + 1);
        this.wake = null;
        resolve(out.split('\n').filter(Boolean).map((l) => l.split('\t')));
      };
      this.wake();
    });
  }

  close() { this.proc.stdin.end(); }
}

let db;

// What a refused request must not change: the tables routes write. Captchas are consumed by
// design; every authenticated request touches its session's last_seen_at, so sessions count
// (this file's citizens' only: the sweeper ends old ones of other files); and the outbox's
// sender works on its own time, so notifications count too.
const WRITTEN = ['application', 'slot', 'payment', 'api_token', 'hijri_month_start', 'office'];

async function snapshot() {
  const nids = Object.values(c).map((x) => x.nid ?? x.person?.nid).filter(Boolean).map(q).join(', ');
  const rows = await db.query(`CHECKSUM TABLE ${WRITTEN.join(', ')};
    SELECT 'sessions', COUNT(*) FROM session WHERE subject IN (${nids});
    SELECT 'notifications', CONCAT(COUNT(*), ' up to id ', COALESCE(MAX(id), 0)) FROM notification_outbox`);
  return Object.fromEntries(rows.map(([k, v]) => [k.replace(/^crs\./, ''), v]));
}

// Never written by any route; the biggest table, so checked once per field, not per case.
async function registryChecksum() {
  return (await db.query('CHECKSUM TABLE registry_person'))[0][1];
}

// ------------------------------------------------------------------ crsd's log

const CRSD_LOG = path.join(STACK_DIR, 'log', 'crsd.log');

function logSize() {
  try { return fs.statSync(CRSD_LOG).size; } catch { return 0; }
}

/** What crsd logged since `from` (bytes), warnings and errors only, shortened. */
function logSince(from) {
  let text = '';
  try {
    const fd = fs.openSync(CRSD_LOG, 'r');
    const size = fs.fstatSync(fd).size;
    const b = Buffer.alloc(Math.max(0, Math.min(size - from, 65536)));
    fs.readSync(fd, b, 0, b.length, from);
    fs.closeSync(fd);
    text = b.toString('utf8');
  } catch { /* no log */ }
  return text.split('\n').filter((l) => /"level":"(error|warn)"|runtime error|Sanitizer/.test(l))
    .slice(0, 6).map((l) => l.slice(0, 400)).join('\n');
}

// ------------------------------------------------------------------ bad values

// A string value is a list of parts, rendered per place: text (UTF-8 text), raw (bytes as
// they are: invalid UTF-8 sent as such), nul (U+0000: \u0000 in JSON, %00 in a URL or
// form) and esc (a JSON escape written as is, e.g. \ud800).
const txt = (t) => ({ text: t });
const raw = (...b) => ({ raw: Buffer.from(b) });
const NUL = { nul: true };
const esc = (e) => ({ esc: e });

const TEN_KB = 10 * 1024;

function long(good) {
  const s = typeof good === 'string' && good ? good : 'x';
  return s.repeat(Math.ceil(TEN_KB / Buffer.byteLength(s)));
}

// kind: 'field' — the field's own check must refuse it (any 4xx the route gives);
//       'json'  — the core's JSON parser must refuse it (400) before any handler runs.
//       In a URL, form or header, a 'json' value is the field's business too.
// wrap: the value goes inside a field's wrapper (an e-mail's local part). noHeader: HTTP has
// no NUL in a header (fetch refuses to send one); jsonOnly: an escape only JSON has.
const STRING_VALUES = [
  { name: 'non-ASCII "é"', parts: () => [txt('é')], kind: 'field', wrap: true, id: 'nonascii' },
  { name: 'Persian letters "سلام"', parts: () => [txt('سلام')], kind: 'field', wrap: true, id: 'persian' },
  { name: 'raw bytes C0 AF (overlong "/")', parts: () => [raw(0xC0, 0xAF)], kind: 'json', wrap: true, id: 'overlong' },
  { name: 'raw bytes F4 90 80 80 (above U+10FFFF)', parts: () => [raw(0xF4, 0x90, 0x80, 0x80)], kind: 'json', wrap: true, id: 'above' },
  { name: 'raw bytes ED A0 80 (encoded surrogate U+D800)', parts: () => [raw(0xED, 0xA0, 0x80)], kind: 'json', wrap: true, id: 'surrogate' },
  { name: 'raw byte 80 (lone continuation byte)', parts: () => [raw(0x80)], kind: 'json', wrap: true, id: 'continuation' },
  { name: 'NUL inside (valid value, U+0000, "XYZ")', parts: (g) => [txt(String(g)), NUL, txt('XYZ')], kind: 'json', id: 'nul', noHeader: true },
  { name: 'JSON escape \\ud800 (lone surrogate) after a valid value', parts: (g) => [txt(String(g)), esc('\\ud800')], kind: 'json', id: 'escsurrogate', jsonOnly: true },
  { name: '10 KB value', parts: (g, f) => [txt(f.long ?? long(g))], kind: 'field', id: 'long' },
];

// Wrong JSON types, by the type the field wants.
const TYPE_VALUES = {
  string: [['number 12345', '12345'], ['boolean true', 'true'], ['null', 'null'], ['array ["x"]', '["x"]'], ['object {"a":"b"}', '{"a":"b"}']],
  int: [['string "1"', '"1"'], ['fraction 1.5', '1.5'], ['negative -1', '-1'], ['number 1e400', '1e400'],
    ['integer 99999999999999999999 (beyond int64)', '99999999999999999999'], ['boolean true', 'true'], ['null', 'null'],
    ['array [1]', '[1]'], ['object {"a":1}', '{"a":1}']],
  bool: [['number 1', '1'], ['string "true"', '"true"'], ['null', 'null'], ['array [true]', '[true]'], ['object {"a":true}', '{"a":true}']],
};

function jsonString(parts) {
  const chunks = [Buffer.from('"')];
  for (const p of parts) {
    if (p.text !== undefined) chunks.push(Buffer.from(JSON.stringify(p.text).slice(1, -1)));
    else if (p.raw) chunks.push(p.raw);
    else if (p.nul) chunks.push(Buffer.from('\\u0000'));
    else chunks.push(Buffer.from(p.esc));
  }
  chunks.push(Buffer.from('"'));
  return Buffer.concat(chunks);
}

function urlEncoded(parts) {
  return parts.map((p) => {
    if (p.text !== undefined) return encodeURIComponent(p.text);
    if (p.raw) return [...p.raw].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    return '%00';
  }).join('');
}

// A header value: fetch sends a string's code points below 256 as single bytes.
function headerValue(parts) {
  return Buffer.concat(parts.map((p) => (p.raw ? p.raw : Buffer.from(p.text, 'utf8')))).toString('latin1');
}

// ------------------------------------------------------------------ routes

// A route: method, path (a template; params fill its {segments}), and the fields it reads
// with a valid value each (a function is called per case), the JSON type of body fields
// (string unless said), who calls it ('admin', a citizen's key, or nobody) and what a
// refusal looks like there:
//   error    — 4xx with {"error":{code,message}} (the default);
//   redirect — 303 to /result.html (bank callbacks never show an error page);
//   verify   — 200 {valid:false}, or an error (the public receipt check);
//   ignored  — any 2xx, or an error (routes that read no field: an unknown one is sent).
// Other options: csrf (state-changing session route), rate (nginx rate-limits it: back off),
// prepare (per case: valid values that are used up, like a captcha), extra (more state a
// refusal must not change), alone (body fields are alternatives: this one by default).
// Field options: valid (ids of values that are valid input there), wrap [before, after],
// long (the 10 KB value), noDup (a duplicate of the valid value would change state).
const c = {};          // citizens by key, filled in before()
const ctx = {};        // office, dates, payments, … filled in before()

function captchaRow() {
  // Minted straight into the table the core checks: these cases are about the login's
  // fields, and nginx limits how fast real captchas come.
  const id = `fz${crypto.randomBytes(12).toString('hex')}`;
  const answer = crypto.randomInt(2, 19);
  return { id, answer, sql: `INSERT INTO captcha_challenge (id, answer, created_at, expires_at) VALUES (${q(id)}, ${answer}, '2000-01-01', '2999-01-01')` };
}

const ROUTES = [
  {
    method: 'POST', path: '/api/v1/session', rate: true,
    async prepare() {
      const k = captchaRow();
      await db.query(k.sql);
      return { captcha_id: k.id, captcha_answer: String(k.answer) };
    },
    json: {
      national_id: { good: () => c.first.nid },
      serial: { good: () => c.first.serial },
      captcha_id: { good: (p) => p.captcha_id },
      captcha_answer: { good: (p) => p.captcha_answer },
    },
  },
  { method: 'DELETE', path: '/api/v1/session', who: 'home', csrf: true },
  { method: 'GET', path: '/api/v1/application', who: 'home' },
  { method: 'GET', path: '/api/v1/lunar-options', query: { solar: { good: () => '1369/03/19' } } },
  {
    method: 'PUT', path: '/api/v1/application/details', who: 'details', csrf: true,
    json: {
      birth_date_solar: { good: () => c.details.person.birth },
      birth_date_lunar: { good: () => ctx.lunar },
      gender: { good: () => c.details.person.gender },
      religion: { good: () => 'islam' },
      mother_name: { good: () => 'زهرا', valid: ['persian'] },
      mobile: { good: () => '09141234567' },
    },
  },
  {
    method: 'PUT', path: '/api/v1/application/needs', who: 'needs', csrf: true,
    json: Object.fromEntries(['can_leave_home', 'can_climb_stairs', 'pupils_visible', 'fingers_intact']
      .map((k) => [k, { good: () => true, type: 'bool' }])),
  },
  { method: 'PUT', path: '/api/v1/application/mobile', who: 'mobile', csrf: true, json: { mobile: { good: () => '09141234567' } } },
  {
    method: 'GET', path: '/api/v1/offices', who: 'offices',
    query: { date: { good: () => ctx.date }, city_code: { good: () => ctx.city }, phone: { good: () => '33440000' } },
  },
  {
    method: 'POST', path: '/api/v1/application/appointment', who: 'appointment', csrf: true,
    json: { office_id: { good: () => ctx.office, type: 'int' }, date: { good: () => ctx.date }, shift: { good: () => 'morning' } },
  },
  { method: 'GET', path: '/api/v1/application/receipt', who: 'paid', query: { format: { good: () => 'json' } } },
  {
    method: 'POST', path: '/api/v1/application/receipt/email', who: 'paid', csrf: true,
    json: { email: { good: () => 'citizen@example.ir', wrap: ['a', '@example.ir'], long: `${'a'.repeat(TEN_KB)}@example.ir` } },
  },
  { method: 'GET', path: '/api/v1/receipt-verify', outcome: 'verify', query: { q: { good: () => ctx.qr } } },
  { method: 'GET', path: '/api/v1/delivery-offices', query: { city_code: { good: () => ctx.city } } },
  {
    method: 'PUT', path: '/api/v1/application/delivery-office', who: 'delivery', csrf: true,
    json: { office_id: { good: () => ctx.office, type: 'int' } },
  },
  // USSD answers every step 200 text/plain, a bad one with END or its page again.
  {
    method: 'POST', path: '/api/v1/ussd', outcome: 'ussd',
    form: { session_id: { good: () => 's1' }, msisdn: { good: () => '09141234567' }, text: { good: () => '1' } },
  },
  // Routes that read no field: an unknown parameter must change nothing either.
  { method: 'GET', path: '/api/v1/captcha', rate: true, outcome: 'ignored', query: { x: { good: () => '1' } } },
  { method: 'GET', path: '/api/v1/gateways', outcome: 'ignored', query: { x: { good: () => '1' } } },
  { method: 'GET', path: '/api/v1/payments/{payment_id}', who: 'paid', params: { payment_id: { good: () => String(ctx.sadad.id) } } },
  // Bank callbacks: the valid values are those of a payment already decided, so a callback
  // that gets through is a replay and must change nothing either.
  ...['POST', 'GET'].flatMap((method) => [
    {
      method, path: '/pay/{gateway}/callback', outcome: 'redirect', label: 'sadad',
      params: { gateway: { good: () => 'sadad' } },
      [method === 'POST' ? 'form' : 'query']: {
        token: { good: () => ctx.sadad.token }, OrderId: { good: () => ctx.sadad.order }, ResCode: { good: () => '0' },
      },
    },
    {
      method, path: '/pay/{gateway}/callback', outcome: 'redirect', label: 'parsian',
      params: { gateway: { good: () => 'parsian' } },
      [method === 'POST' ? 'form' : 'query']: {
        Token: { good: () => ctx.parsian.token }, status: { good: () => '0' }, OrderId: { good: () => ctx.parsian.order },
        Amount: { good: () => '200000' }, RRN: { good: () => '123456789012' },
      },
    },
  ]),
  // The admin listener.
  { method: 'GET', path: '/admin/v1/modules', who: 'admin' },
  { method: 'POST', path: '/admin/v1/modules/load', who: 'admin', extra: modulesState, json: { path: { good: () => 'pay_sadad' } } },
  {
    method: 'POST', path: '/admin/v1/modules/{name}/{action}', who: 'admin', extra: modulesState,
    // Never both valid: that would reload a module.
    params: { name: { good: () => 'pay_sadad' }, action: { good: () => 'reload' } },
  },
  { method: 'GET', path: '/admin/v1/health', who: 'admin' },
  { method: 'GET', path: '/admin/v1/metrics', who: 'admin' },
  {
    method: 'POST', path: '/admin/v1/tokens', who: 'admin',
    json: {
      role: { good: () => 'office', noDup: true },
      office_id: { good: () => ctx.office, type: 'int', noDup: true },
      name: { good: () => 'fuzz', valid: ['nonascii', 'persian'], noDup: true },
      expires_in: { good: () => '90d', noDup: true },
    },
  },
  { method: 'GET', path: '/admin/v1/tokens', who: 'admin' },
  // No token has this id: a valid value revokes nothing.
  { method: 'POST', path: '/admin/v1/tokens/{id}/revoke', who: 'admin', params: { id: { good: () => '999999999' } } },
  { method: 'GET', path: '/admin/v1/payments/refunds', who: 'admin', query: { all: { good: () => '1' } } },
  {
    method: 'POST', path: '/admin/v1/payments/refunds/{refund_id}/resolve', who: 'admin',
    params: { refund_id: { good: () => '999999999' } }, json: { note: { good: () => 'واریز شد' } },
  },
  { method: 'GET', path: '/admin/v1/clock', who: 'admin' },
  {
    // One of set, advance, reset per call: each alone.
    method: 'POST', path: '/admin/v1/clock', who: 'admin', alone: 'advance', extra: clockOffset,
    json: {
      set: { good: () => 'x', noDup: true },
      advance: { good: () => '0ms', long: `${'9'.repeat(TEN_KB)}ms` },
      reset: { good: () => true, type: 'bool', noDup: true },
    },
  },
  {
    method: 'GET', path: '/admin/v1/stats', who: 'admin',
    query: { province: { good: () => 'آزمون', valid: ['nonascii', 'persian'] }, city_code: { good: () => ctx.city } },
  },
  { method: 'POST', path: '/admin/v1/stats/verify', who: 'admin', json: { repair: { good: () => false, type: 'bool' } } },
  { method: 'GET', path: '/admin/v1/hijri-months', who: 'admin' },
  {
    method: 'PUT', path: '/admin/v1/hijri-months/{year}/{month}', who: 'admin',
    params: { year: { good: () => String(ctx.hijri.year) }, month: { good: () => String(ctx.hijri.month) } },
    json: { day1: { good: () => ctx.hijri.day1 } },
  },
  // Last: a bad value taken for the valid one starts a payment at the bank, which the
  // reconciler would later change under the cases that follow.
  {
    method: 'POST', path: '/api/v1/payments', who: 'payer', csrf: true,
    // A duplicate of the valid gateway would start a payment too.
    json: { gateway: { good: () => 'sadad', noDup: true } },
  },
];

async function modulesState() {
  const r = await admin('GET', '/admin/v1/modules');
  return r.json.modules.map((m) => `${m.name}:${m.state}`).sort().join(' ');
}

async function clockOffset() {
  return (await admin('GET', '/admin/v1/clock')).json.offset_ms;
}

// ------------------------------------------------------------------ cases

/** Every case of a route: {where, field, value (its name), kind, render (valid → bad value)}. */
function casesOf(route) {
  const out = [];
  const places = [['path', route.params], ['query', route.query], ['form', route.form], ['json', route.json]];
  for (const [where, fields] of places) {
    for (const [field, f] of Object.entries(fields || {})) {
      const type = f.type ?? 'string';
      for (const v of STRING_VALUES) {
        if (f.valid?.includes(v.id)) continue;
        if (v.jsonOnly && where !== 'json') continue;
        out.push({
          where, field, value: v.name,
          kind: where === 'json' && type === 'string' ? v.kind : 'field',
          render: (g) => {
            let parts = v.parts(g, f);
            if (v.wrap && f.wrap) parts = [txt(f.wrap[0]), ...parts, txt(f.wrap[1])];
            return { parts };
          },
        });
      }
      if (where !== 'json') continue;
      for (const [name, text] of TYPE_VALUES[type]) {
        out.push({ where, field, value: `wrong type: ${name}`, kind: 'field', render: () => ({ json: text }) });
      }
      if (!f.noDup) out.push({ where, field, value: 'the key twice (duplicate key)', kind: 'json', dup: true, render: () => ({}) });
    }
  }
  // Headers the core reads for this route.
  const heads = [];
  if (route.who && route.who !== 'admin') heads.push('cookie crs_session');
  if (route.who && route.who !== 'admin' && route.csrf) heads.push('header X-CSRF-Token');
  if (route.who === 'admin') heads.push('header Authorization');
  for (const where of heads) {
    for (const v of STRING_VALUES) {
      if (v.jsonOnly || v.noHeader) continue;
      out.push({ where, field: '', value: v.name, kind: 'field', render: () => ({ parts: v.parts('x', {}) }) });
    }
  }
  return out;
}

async function goods(route, prepared) {
  const g = {};
  for (const place of ['params', 'query', 'form', 'json']) {
    g[place] = {};
    for (const [k, f] of Object.entries(route[place] || {})) g[place][k] = await f.good(prepared);
  }
  return g;
}

/** The JSON body: the valid one with the field's value (raw bytes as they are) put in. */
function jsonBody(route, kase, g, v) {
  const MARK = '@@fuzz@@';
  let obj = { ...g.json };
  // Alternatives (set | advance | reset): the fuzzed one alone, else the route's default.
  if (route.alone) obj = kase.where === 'json' ? { [kase.field]: g.json[kase.field] } : { [route.alone]: g.json[route.alone] };
  if (kase.where === 'json' && !kase.dup) obj[kase.field] = MARK;
  let text = JSON.stringify(obj);
  if (kase.dup) text = `${text.slice(0, -1)},${JSON.stringify(kase.field)}:${JSON.stringify(g.json[kase.field])}}`;
  const [before, after] = text.split(JSON.stringify(MARK));
  if (after === undefined) return Buffer.from(before);
  return Buffer.concat([Buffer.from(before), v.json !== undefined ? Buffer.from(v.json) : jsonString(v.parts), Buffer.from(after)]);
}

function buildRequest(route, kase, g) {
  const place = { path: 'params', query: 'query', form: 'form', json: 'json' }[kase.where];
  const v = kase.render(place ? g[place][kase.field] : undefined);
  const enc = (where, k, val) => (kase.where === where && kase.field === k ? urlEncoded(v.parts) : encodeURIComponent(val));
  const pairs = (where, vals) => Object.entries(vals).map(([k, val]) => `${k}=${enc(where, k, val)}`).join('&');
  let url = route.path.replace(/\{(\w+)\}/g, (_, k) => enc('path', k, g.params[k]));
  if (route.query) url += `?${pairs('query', g.query)}`;
  const headers = {};
  let body;
  let cookies;
  if (route.form) {
    body = pairs('form', g.form);
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  if (route.json) {
    body = jsonBody(route, kase, g, v);
    headers['content-type'] = 'application/json';
  }
  const header = (where, good) => (kase.where === where ? headerValue(v.parts) : good);
  if (route.who === 'admin') {
    headers.authorization = `Bearer ${header('header Authorization', adminToken())}`;
    url = `${ADMIN}${url}`;
  } else if (route.who) {
    const who = c[route.who].client;
    cookies = `crs_session=${header('cookie crs_session', who.session)}`;
    if (route.csrf) headers['x-csrf-token'] = header('header X-CSRF-Token', who.csrf);
  }
  return { url, opts: { body, headers, cookies } };
}

async function send(route, req) {
  for (let wait = 100; ; wait = Math.min(wait * 2, 2000)) {
    const r = await api(route.method, req.url, req.opts);
    // Only nginx's per-address limit is waited out (its 429 names no field);
    // crsd's own limits (failures per national ID) are answers like any other.
    if (r.status !== 429 || !route.rate || r.json?.error?.field) return r;
    await new Promise((res) => setTimeout(res, wait));
  }
}

function describe(r) {
  return `status ${r.status} ${r.headers.get('content-type') || ''}: ${r.text.slice(0, 200)}`;
}

function checkOutcome(route, kase, r) {
  const what = describe(r);
  assert.ok(r.status < 500, `a server error: ${what}`);
  const outcome = route.outcome ?? 'error';
  if (outcome === 'redirect') {
    // A request line nginx cannot take (a NUL in the path, 10 KB in the path
    // or query) never reaches crsd: the browser gets nginx's Persian page.
    if ((r.status === 400 && kase.where === 'path') ||
        (r.status === 414 && (kase.where === 'path' || kase.where === 'query'))) {
      assert.match(r.headers.get('content-type') || '', /text\/html/, what);
      assert.match(r.text, /dir="rtl"/, `a Persian page: ${what}`);
      return;
    }
    assert.equal(r.status, 303, `the bank is sent to the result page: ${what}`);
    assert.match(r.headers.get('location') || '', /\/result\.html(\?payment=\d+)?$/);
    return;
  }
  if (outcome === 'ignored' && r.status < 300) return;
  if (outcome === 'ussd') {
    if (r.status === 200) assert.match(r.text, /^(CON|END) /, `a USSD answer: ${what}`);
    else assert.ok(r.status >= 400 && /^END |dir="rtl"/.test(r.text), `refused in text: ${what}`);
    return;
  }
  if (outcome === 'verify' && r.status === 200) {
    assert.equal(r.json?.valid, false, `not a valid receipt: ${what}`);
    return;
  }
  if (kase.kind === 'json') assert.equal(r.status, 400, `the JSON parser refuses it: ${what}`);
  assert.ok(r.status >= 400, `refused: ${what}`);
  assert.ok(r.json?.error && typeof r.json.error.code === 'string' && typeof r.json.error.message === 'string',
    `the API's error shape {"error":{code,message}}: ${what}`);
  assert.match(r.json.error.message, /[\u0600-\u06FF]/, `a Persian message: ${what}`);
}

// ------------------------------------------------------------------ the citizens

async function waitOutboxQuiet() {
  for (let i = 0; i < 100; i++) {
    if (sql1("SELECT COUNT(*) FROM notification_outbox WHERE state = 'pending'") === '0') return;
    await new Promise((res) => setTimeout(res, 200));
  }
}

async function pay(client, gateway, action) {
  const p = await client.post('/api/v1/payments', { gateway });
  assert.equal(p.status, 201, p.text);
  const d = await deliver(await press(await openBank(p.json.redirect), action));
  assert.equal(d.status, 303);
  const [token, order] = sql(`SELECT token, order_id FROM payment WHERE id = ${p.json.payment_id}`)[0];
  return { id: p.json.payment_id, token, order };
}

/** The Jalali date of the first day from `from` on that is no holiday, both in Tehran: the
 *  office opens every weekday, so nothing depends on the hour this runs at. */
function bookableDay(from) {
  const holidays = new Set(sql('SELECT day FROM holiday').map((r) => r[0]));
  const tehran = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tehran' });
  let d = from;
  while (holidays.has(tehran.format(d))) d = new Date(d.getTime() + DAY);
  return jalali(d);
}

before(async () => {
  db = new Db();
  for (const m of ['pay_sadad', 'pay_parsian']) {
    const r = await admin('POST', `/admin/v1/modules/${m}/enable`);
    assert.equal(r.status, 200, r.text);
  }
  ctx.city = newCityCode();
  ctx.office = makeOffice({ cityCode: ctx.city, morning: 100, evening: 100, workingDays: 127, caps: { delivers_cards: 1 } });
  ctx.date = bookableDay(new Date((await serverNow()).getTime() + 4 * DAY));
  c.first = makePerson();
  c.home = { client: new Client(), person: makePerson() };
  await login(c.home.client, c.home.person);
  for (const k of ['details', 'needs', 'mobile', 'offices', 'appointment', 'delivery', 'payer', 'paid', 'paid2']) {
    c[k] = await readyCitizen();
  }
  ctx.lunar = await lunarFor(c.details.client, c.details.person.birth);
  for (const k of ['appointment', 'payer', 'paid', 'paid2']) {
    const b = await c[k].client.post('/api/v1/application/appointment', { office_id: ctx.office, date: ctx.date, shift: 'morning' });
    assert.equal(b.status, 200, b.text);
  }
  // Both banks' tokens, each of a payment already decided (paid and verified; a
  // cancelled one would stay open until the bank's window closes).
  ctx.parsian = await pay(c.paid2.client, 'parsian', 'pay');
  ctx.sadad = await pay(c.paid.client, 'sadad', 'pay');
  const receipt = await c.paid.client.get('/api/v1/application/receipt');
  assert.equal(receipt.status, 200, receipt.text);
  ctx.qr = receipt.json.qr_payload;
  const months = await admin('GET', '/admin/v1/hijri-months');
  // An announced month start, put again as it is: a PUT that gets through changes nothing.
  const m = months.json.months.find((x) => x.day1);
  assert.ok(m, 'the seed announces lunar month starts');
  ctx.hijri = { year: m.year, month: m.month, day1: m.day1 };
  await waitOutboxQuiet();
});

after(() => db?.close());

// ------------------------------------------------------------------ the table

let total = 0;
for (const route of ROUTES) {
  const title = `${route.method} ${route.path}${route.label ? ` (${route.label})` : ''}`;
  test(title, async (t) => {
    const cases = casesOf(route);
    const registry = await registryChecksum();
    for (const kase of cases) {
      total++;
      const name = `${title} · ${kase.where}${kase.field ? ` ${kase.field}` : ''} · ${kase.value}`;
      await t.test(name, async () => {
        const prepared = route.prepare ? await route.prepare() : {};
        const g = await goods(route, prepared);
        const req = buildRequest(route, kase, g);
        const before = { db: await snapshot(), extra: route.extra ? await route.extra() : undefined };
        const mark = logSize();
        const r = await send(route, req);
        try {
          checkOutcome(route, kase, r);
          assert.deepEqual({ db: await snapshot(), extra: route.extra ? await route.extra() : undefined }, before,
            'a refused request changed the database');
        } catch (e) {
          const lines = logSince(mark);
          e.message = `${e.message}${lines ? `\ncrsd log:\n${lines}` : ''}`;
          throw e;
        }
      });
    }
    assert.equal(await registryChecksum(), registry, 'the civil registry is never written');
  });
}

// The CRS routes docs/api.md lists: "`GET /path`", "`GET`, `POST /path`", "`POST` or `GET /path`",
// and "/{name}/enable\|disable" for a segment of alternatives.
function documentedRoutes() {
  const doc = fs.readFileSync(path.join(REPO, 'docs', 'api.md'), 'utf8');
  const found = new Set();
  for (const line of doc.split('\n')) {
    let pending = [];
    for (const [, span] of line.matchAll(/`([^`]+)`/g)) {
      const m = /^(GET|POST|PUT|DELETE)(?: (\/\S+))?$/.exec(span);
      if (!m) { pending = []; continue; }
      if (!m[2]) { pending.push(m[1]); continue; }
      // The sinks' and simulators' own routes are test tooling, not CRS.
      if (!/^\/(api|pay|admin)\//.test(m[2])) { pending = []; continue; }
      const tmpl = m[2].split('/').map((seg) => (/^\{.*\}$|\\\|/.test(seg) ? '{}' : seg)).join('/');
      for (const method of [...pending, m[1]]) found.add(`${method} ${tmpl}`);
      pending = [];
    }
  }
  return found;
}

test('the table covers every route of docs/api.md', () => {
  const tabled = new Set(ROUTES.map((r) => `${r.method} ${r.path.replace(/\{[^}]+\}/g, '{}')}`));
  const documented = documentedRoutes();
  assert.ok(documented.size >= 30, `routes found in docs/api.md: ${[...documented].join(', ')}`);
  assert.deepEqual([...documented].filter((r) => !tabled.has(r)), [], 'documented routes missing from the table');
  assert.ok(total > 500, `${total} cases`);
});
