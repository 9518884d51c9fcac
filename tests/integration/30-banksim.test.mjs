// Tests of the bank simulators themselves (tools/banksim): Sadad, Parsian and the demo bank,
// each started here on a free port and spoken to directly over HTTP, as a C plugin and a
// browser would. Needs no stack. Protocol reference: shared/reference/gateways.md.
// expect: 26 tests
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { once } from 'node:events';
import { test, before, after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sadadSign, sadadKey } from '../../tools/banksim/sadad.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SIM = (name) => path.join(REPO, 'tools/banksim', `${name}.mjs`);

// Credentials of the simulators started here (not the stack's demo ones, to prove they are read).
const MERCHANT = '000000999888777';
const TERMINAL = '11223344';
const KEY = Buffer.from('TEST-SADAD-KEY-24-BYTES!').toString('base64');
const PIN = 'TESTPIN1111111111111';
const DEMO_MERCHANT = 'test-merchant';

const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const PNS = {
  sale: 'https://pec.Shaparak.ir/NewIPGServices/Sale/SaleService',
  confirm: 'https://pec.Shaparak.ir/NewIPGServices/Confirm/ConfirmService',
  reversal: 'https://pec.Shaparak.ir/NewIPGServices/Reversal/ReversalService',
};
const PPATH = {
  sale: '/NewIPGServices/Sale/SaleService.asmx',
  confirm: '/NewIPGServices/Confirm/ConfirmService.asmx',
  reversal: '/NewIPGServices/Reverse/ReversalService.asmx',
};

const children = [];
let SADAD;
let PARSIAN;
let DEMO;
let RECEIVER;          // base URL of the local "merchant" that receives callbacks
const received = [];   // callbacks it got: {method, path, contentType, body}

// ------------------------------------------------------------------ process and HTTP helpers

function cleanEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^CRS_(SADAD|PARSIAN|DEMO|BANKSIM)/.test(k)) env[k] = v;
  }
  return { ...env, ...extra };
}

/** Starts a simulator on a free port; resolves to {base, child, out()}. */
async function startSim(name, env = {}, args = []) {
  const child = spawn(process.execPath, [SIM(name), '--port', '0', ...args], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const base = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${name} did not start: ${out}${err}`)), 10000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) { clearTimeout(t); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(t); reject(new Error(`${name} exited with ${code}: ${out}${err}`)); });
  });
  return { base, child, out: () => out, err: () => err };
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = once(child, 'exit');
  child.kill('SIGTERM');
  await done;
}

before(async () => {
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push({ method: req.method, path: req.url, contentType: req.headers['content-type'], body });
      res.writeHead(303, { Location: '/result.html' });
      res.end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  receiver.unref();
  RECEIVER = `http://127.0.0.1:${receiver.address().port}`;
  [SADAD, PARSIAN, DEMO] = await Promise.all([
    startSim('sadad', { CRS_SADAD_MERCHANT: MERCHANT, CRS_SADAD_TERMINAL: TERMINAL, CRS_SADAD_KEY: KEY }),
    startSim('parsian', { CRS_PARSIAN_PIN: PIN }),
    startSim('demo', { CRS_DEMO_MERCHANT: DEMO_MERCHANT }),
  ]);
});

after(async () => {
  await Promise.all(children.map(stop));
});

let orderSeq = 1000 + Math.floor(Math.random() * 1000) * 1000;
const nextOrder = () => ++orderSeq;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function postJson(url, body, { headers = {}, raw, signal } = {}) {
  const r = await fetch(url, {
    method: 'POST', signal,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: raw ?? JSON.stringify(body),
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json, text, headers: r.headers };
}

async function control(sim, body) {
  const r = await postJson(`${sim.base}/__control`, body);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function orderInfo(sim, orderId) {
  const r = await fetch(`${sim.base}/__control/orders?order_id=${orderId}`);
  const j = await r.json();
  assert.equal(j.orders.length, 1, `order ${orderId} listed once`);
  return j.orders[0];
}

// ------------------------------------------------------------------ HTML (what a browser sees)

function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, e) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e];
  });
}

function attrs(s) {
  const a = {};
  for (const m of s.matchAll(/([\w:-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) a[m[1].toLowerCase()] = decodeEntities(m[3] ?? m[4]);
  return a;
}

function parseForms(html) {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)].map((m) => ({
    attrs: attrs(m[1]),
    inputs: [...m[2].matchAll(/<input\b([^>]*)>/gi)].map((x) => attrs(x[1])),
    buttons: [...m[2].matchAll(/<button\b([^>]*)>/gi)].map((x) => attrs(x[1])),
  }));
}

/**
 * Opens the purchase page like a browser, presses the button `action`, and returns the
 * auto-submitting callback form: {page, html, action, method, fields: [[name, value]…], map}.
 */
async function browserPay(pageUrl, action) {
  const r = await fetch(pageUrl);
  const page = await r.text();
  assert.equal(r.status, 200, page);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  const form = parseForms(page).find((f) => f.buttons.some((b) => b.name === 'action' && b.value === action));
  assert.ok(form, `purchase page has <button name="action" value="${action}">`);
  const body = new URLSearchParams();
  for (const i of form.inputs) if (i.type === 'hidden') body.append(i.name, i.value);
  body.append('action', action);
  const r2 = await fetch(new URL(form.attrs.action, pageUrl), {
    method: (form.attrs.method || 'get').toUpperCase(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body,
  });
  const html = await r2.text();
  assert.equal(r2.status, 200, html);
  const forms = parseForms(html);
  assert.equal(forms.length, 1, 'one callback form');
  const cb = forms[0];
  assert.equal((cb.attrs.method || '').toLowerCase(), 'post', 'callback form POSTs');
  assert.match(html, /<script>[^<]*\.submit\(\)[^<]*<\/script>/, 'the callback form submits itself');
  const fields = cb.inputs.filter((i) => i.type === 'hidden').map((i) => [i.name, i.value]);
  return { page, html, action: cb.attrs.action, method: 'POST', fields, map: Object.fromEntries(fields) };
}

/** Posts an auto-form like the browser does and returns what the merchant received. */
async function deliver(cb) {
  const n = received.length;
  const r = await fetch(cb.action, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(cb.fields),
  });
  assert.equal(r.status, 303);
  assert.equal(received.length, n + 1);
  return received[n];
}

// ------------------------------------------------------------------ Sadad helpers

function localDateTime() {
  const d = new Date(Date.now() + 3.5 * 3600e3);
  const h = d.getUTCHours();
  const p = (x) => String(x).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${h % 12 || 12}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${h < 12 ? 'am' : 'pm'}`;
}

function sadadBody({ orderId, amount = 200000, key = KEY, returnUrl, ...over }) {
  const body = {
    MerchantId: MERCHANT, TerminalId: TERMINAL, Amount: amount, OrderId: orderId,
    LocalDateTime: localDateTime(), ReturnUrl: returnUrl ?? `${RECEIVER}/pay/sadad/callback`,
    SignData: sadadSign(key, `${TERMINAL};${orderId};${amount}`),
    AdditionalData: 'CRS test',
  };
  return { ...body, ...over };
}

async function sadadRequest(opts, { prefix = '/VPG' } = {}) {
  return postJson(`${SADAD.base}${prefix}/api/v0/Request/PaymentRequest`, sadadBody(opts));
}

async function sadadToken(opts = {}) {
  const orderId = opts.orderId ?? nextOrder();
  const r = await sadadRequest({ ...opts, orderId });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.ResCode, 0, r.text);
  assert.equal(typeof r.json.Token, 'string');
  return { orderId, token: r.json.Token, amount: opts.amount ?? 200000 };
}

async function sadadVerify(token, { key = KEY, prefix = '/VPG', signal } = {}) {
  return postJson(`${SADAD.base}${prefix}/api/v0/Advice/Verify`, { Token: token, SignData: sadadSign(key, token) }, { signal });
}

const sadadPage = (token, p = '/VPG/Purchase') => `${SADAD.base}${p}?Token=${encodeURIComponent(token)}`;

// ------------------------------------------------------------------ Parsian helpers

const xmlEsc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function envelope(service, op, fields, { version = '1.1' } = {}) {
  const inner = Object.entries(fields).map(([k, v]) => `<${k}>${xmlEsc(v)}</${k}>`).join('');
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${version === '1.2' ? SOAP12 : SOAP11}" ` +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">' +
    `<soap:Body><${op} xmlns="${PNS[service]}"><requestData>${inner}</requestData></${op}></soap:Body></soap:Envelope>`;
}

/**
 * One SOAP call. opts: version, action (default the right SOAPAction; null = no header),
 * body (raw envelope), contentType, path.
 */
async function soap(service, op, fields, opts = {}) {
  const version = opts.version || '1.1';
  const action = opts.action === undefined ? `${PNS[service]}/${op}` : opts.action;
  const headers = {};
  if (version === '1.1') {
    headers['Content-Type'] = opts.contentType || 'text/xml; charset=utf-8';
    if (action !== null) headers.SOAPAction = `"${action}"`;
  } else {
    headers['Content-Type'] = opts.contentType || `application/soap+xml; charset=utf-8${action !== null ? `; action="${action}"` : ''}`;
  }
  const r = await fetch(`${PARSIAN.base}${opts.path || PPATH[service]}`, {
    method: 'POST', headers, body: opts.body ?? envelope(service, op, fields, { version }), signal: opts.signal,
  });
  const text = await r.text();
  const get = (name) => {
    const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(text);
    return m ? decodeEntities(m[1]) : null;
  };
  return { status: r.status, contentType: r.headers.get('content-type'), text, get };
}

async function parsianSale({ orderId = nextOrder(), amount = 200000, pin = PIN, callback, ...extra } = {}) {
  const r = await soap('sale', 'SalePaymentRequest', {
    LoginAccount: pin, Amount: amount, OrderId: orderId,
    CallBackUrl: callback ?? `${RECEIVER}/pay/parsian/callback?x=1&y=2`, ...extra,
  });
  return { ...r, orderId, amount, token: r.get('Token') };
}

async function parsianToken(opts = {}) {
  const r = await parsianSale(opts);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.get('Status'), '0', r.text);
  assert.match(r.token, /^[1-9]\d*$/);
  return r;
}

const parsianPage = (token) => `${PARSIAN.base}/NewIPG/?Token=${token}`;
const confirm = (token, opts) => soap('confirm', 'ConfirmPayment', { LoginAccount: PIN, Token: token }, opts);
const confirmWithAmount = (token, orderId, amount) =>
  soap('confirm', 'ConfirmPaymentWithAmount', { LoginAccount: PIN, Token: token, OrderId: orderId, Amount: amount });
const reversal = (token, opts) => soap('reversal', 'ReversalRequest', { LoginAccount: PIN, Token: token }, opts);

// ------------------------------------------------------------------ demo helpers

async function demoToken({ orderId = nextOrder(), amount = 150000, merchant = DEMO_MERCHANT } = {}) {
  const r = await postJson(`${DEMO.base}/token`, { merchant, order_id: orderId, amount, callback: `${RECEIVER}/pay/demo/callback` });
  return { ...r, orderId, amount, token: r.json?.token };
}
const demoVerify = (token, opts = {}) => postJson(`${DEMO.base}/verify`, { merchant: DEMO_MERCHANT, token }, opts);

// ================================================================== SignData

test('Sadad SignData matches the test vectors of gateways.md §1.4', () => {
  const key = 'K34VFiiu0qar9xWICc9PPHYucWDzi02l';
  assert.equal(sadadSign(key, '123456;123456789012345;1000'), 's9/P4FHJFPsu+AL52T60XlPLd4TyJORmOpH31ZbXDPA=');
  assert.equal(sadadSign(key, 'kjslflnvda13464sdv13a'), 'HhzhoAicUcVBAkV5bONUFZ9Y2UlZ0e3I');
  assert.equal(sadadKey(key).toString('hex'), '2b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da5');
  // The stack's demo key is base64("DEMO-SADAD-KEY-NOT-REAL!"), 24 bytes.
  assert.equal(sadadKey('REVNTy1TQURBRC1LRVktTk9ULVJFQUwh').toString(), 'DEMO-SADAD-KEY-NOT-REAL!');
  assert.throws(() => sadadSign(Buffer.alloc(16).toString('base64'), 'x'), /24 bytes/);
  assert.throws(() => sadadSign('not base64!', 'x'), /base64/);
});

// ================================================================== Sadad

test('Sadad happy path: PaymentRequest, purchase page, auto-form callback, Verify 0, repeat Verify 100', async () => {
  const orderId = nextOrder();
  const r = await postJson(`${SADAD.base}/VPG/api/v0/Request/PaymentRequest`, {
    ...sadadBody({ orderId, amount: 200000 }), MerchantId: undefined, MerchantID: MERCHANT, // keys are case-insensitive
  });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.equal(r.json.ResCode, 0);
  assert.ok(r.json.Token && typeof r.json.Token === 'string');
  assert.equal(typeof r.json.Description, 'string');
  const token = r.json.Token;

  const cb = await browserPay(sadadPage(token), 'pay');
  assert.match(cb.page, /200,000/, 'page shows the amount');
  assert.match(cb.page, new RegExp(`>${orderId}<`), 'page shows the order');
  assert.match(cb.page, /<button[^>]*name="action"[^>]*value="cancel"/);
  assert.equal(cb.action, `${RECEIVER}/pay/sadad/callback`);
  assert.deepEqual(cb.fields.map(([k]) => k), ['OrderId', 'token', 'ResCode', 'SwitchResCode', 'HashedCardNo', 'PrimaryAccNo']);
  assert.equal(cb.map.OrderId, String(orderId));
  assert.equal(cb.map.token, token);
  assert.equal(cb.map.ResCode, '0');
  assert.equal(cb.map.SwitchResCode, '00');
  assert.match(cb.map.PrimaryAccNo, /^\d{6}\*{6}\d{4}$/);
  assert.match(cb.map.HashedCardNo, /^[0-9A-F]{64}$/);
  const got = await deliver(cb);
  assert.equal(got.method, 'POST');
  assert.equal(got.contentType, 'application/x-www-form-urlencoded');
  assert.equal(new URLSearchParams(got.body).get('token'), token);

  // Verify on the un-prefixed base path (both are served).
  const v = await sadadVerify(token, { prefix: '' });
  assert.equal(v.status, 200);
  assert.equal(v.json.ResCode, 0, v.text);
  assert.equal(v.json.Amount, 200000);
  assert.equal(v.json.OrderId, orderId);
  assert.match(v.json.RetrivalRefNo, /^\d{12}$/);
  assert.match(v.json.SystemTraceNo, /^\d{6}$/);
  assert.equal(typeof v.json.Description, 'string');

  const again = await sadadVerify(token);
  assert.equal(again.json.ResCode, 100, 'repeat verify → 100 (already verified)');
  assert.equal(again.json.RetrivalRefNo, v.json.RetrivalRefNo);
  const o = await orderInfo(SADAD, orderId);
  assert.equal(o.state, 'verified');
  assert.equal(o.verify_count, 2);
});

test('Sadad serves /api/v0 and /VPG/api/v0 (any case) and all purchase page paths, GET only', async () => {
  const a = await sadadToken();
  const orderId = nextOrder();
  const r = await postJson(`${SADAD.base}/vpg/API/v0/request/paymentrequest`, sadadBody({ orderId }));
  assert.equal(r.json.ResCode, 0);
  const r2 = await sadadRequest({ orderId: nextOrder() }, { prefix: '' });
  assert.equal(r2.json.ResCode, 0);
  for (const p of ['/Purchase', '/VPG/Purchase', '/Purchase/Index', '/VPG/Purchase/Index']) {
    const res = await fetch(`${SADAD.base}${p}?token=${a.token}`);
    assert.equal(res.status, 200, p);
    assert.match(await res.text(), /value="pay"/);
  }
  const post = await fetch(`${SADAD.base}/VPG/Purchase`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `Token=${a.token}` });
  assert.equal(post.status, 405, 'the purchase page must be opened with GET');
  await post.text();
  const unknown = await fetch(`${SADAD.base}/Purchase?Token=NOSUCHTOKEN`);
  assert.equal(unknown.status, 404);
  assert.match(await unknown.text(), /data-code="1103"/);
  const get = await fetch(`${SADAD.base}/api/v0/Advice/Verify`);
  assert.equal(get.status, 405);
  await get.text();
});

test('Sadad PaymentRequest: wrong key → SignData error 1025, and the other request codes', async () => {
  const wrongKey = Buffer.from('ANOTHER-KEY-OF-24-BYTES!').toString('base64');
  let r = await sadadRequest({ orderId: nextOrder(), key: wrongKey });
  assert.equal(r.status, 200);
  assert.equal(r.json.ResCode, 1025);
  assert.equal(r.json.Token, null);
  // SignData covers the amount: a tampered amount is caught.
  r = await sadadRequest({ orderId: nextOrder(), Amount: 1000 });
  assert.equal(r.json.ResCode, 1025);
  r = await sadadRequest({ orderId: nextOrder(), MerchantId: '000000111111111' });
  assert.equal(r.json.ResCode, 1027);
  r = await sadadRequest({ orderId: nextOrder(), TerminalId: '99999999' });
  assert.equal(r.json.ResCode, 1028);
  const dup = nextOrder();
  assert.equal((await sadadRequest({ orderId: dup })).json.ResCode, 0);
  assert.equal((await sadadRequest({ orderId: dup })).json.ResCode, 1011, 'duplicate OrderId');
  assert.equal((await sadadRequest({ orderId: nextOrder(), returnUrl: 'not a url' })).json.ResCode, 1023);
  assert.equal((await sadadRequest({ orderId: nextOrder(), LocalDateTime: 'yesterday' })).json.ResCode, 1024);
  assert.equal((await sadadRequest({ orderId: nextOrder(), ReturnUrl: undefined })).json.ResCode, 1001);
  assert.equal((await sadadRequest({ orderId: nextOrder(), amount: 0 })).json.ResCode, 1101);
  assert.equal((await sadadRequest({ orderId: nextOrder(), amount: 900000000 })).json.ResCode, 1017);
  // Other LocalDateTime forms are accepted (ISO, Y-m-d H:i:s, YmdHis).
  for (const t of ['2024-11-30T10:20:30+03:30', '2024-11-30 10:20:30', '20241130102030']) {
    assert.equal((await sadadRequest({ orderId: nextOrder(), LocalDateTime: t })).json.ResCode, 0, t);
  }
  // Amount and OrderId as strings: signed exactly as sent.
  const s = nextOrder();
  r = await postJson(`${SADAD.base}/api/v0/Request/PaymentRequest`, {
    ...sadadBody({ orderId: s }), OrderId: `00${s}`, Amount: '200000',
    SignData: sadadSign(KEY, `${TERMINAL};00${s};200000`),
  });
  assert.equal(r.json.ResCode, 0, r.text);
  // Transport-level strictness.
  r = await postJson(`${SADAD.base}/api/v0/Request/PaymentRequest`, null, { raw: '{"MerchantId": 1,', headers: {} });
  assert.equal(r.status, 400);
  r = await postJson(`${SADAD.base}/api/v0/Request/PaymentRequest`, sadadBody({ orderId: nextOrder() }), { headers: { 'Content-Type': 'text/plain' } });
  assert.equal(r.status, 415);
});

test('Sadad Verify codes: unknown or unpaid or cancelled token → -1, wrong SignData → 1025, 20 minutes after payment → 101', async () => {
  assert.equal((await sadadVerify('NOSUCHTOKEN')).json.ResCode, -1);
  const unpaid = await sadadToken();
  const v = await sadadVerify(unpaid.token);
  assert.equal(v.json.ResCode, -1);
  assert.equal(v.json.Amount, null);
  assert.equal(v.json.RetrivalRefNo, null);

  const cancelled = await sadadToken();
  const cb = await browserPay(sadadPage(cancelled.token), 'cancel');
  assert.equal(cb.map.ResCode, '-1');
  assert.equal(cb.map.token, cancelled.token);
  assert.equal((await sadadVerify(cancelled.token)).json.ResCode, -1);
  assert.equal((await orderInfo(SADAD, cancelled.orderId)).state, 'cancelled');

  const declined = await sadadToken();
  const d = await browserPay(sadadPage(declined.token), 'decline');
  assert.equal(d.map.ResCode, '-1');
  assert.equal(d.map.SwitchResCode, '51');
  assert.equal((await sadadVerify(declined.token)).json.ResCode, -1);

  const paid = await sadadToken();
  await browserPay(sadadPage(paid.token), 'pay');
  const wrongKey = Buffer.from('ANOTHER-KEY-OF-24-BYTES!').toString('base64');
  assert.equal((await sadadVerify(paid.token, { key: wrongKey })).json.ResCode, 1025);
  await control(SADAD, { order_id: paid.orderId, age_minutes: 20 });
  const late = await sadadVerify(paid.token);
  assert.equal(late.json.ResCode, 101, 'verify deadline passed');
  assert.equal((await orderInfo(SADAD, paid.orderId)).state, 'reversed');
  assert.equal((await sadadVerify(paid.token)).json.ResCode, 101);

  // A used token's page is refused; an old unpaid token's page says 1031.
  const used = await fetch(sadadPage(paid.token));
  assert.equal(used.status, 409);
  await used.text();
  const old = await sadadToken();
  await control(SADAD, { order_id: old.orderId, age_minutes: 30 });
  const expired = await fetch(sadadPage(old.token));
  assert.equal(expired.status, 410);
  assert.match(await expired.text(), /data-code="1031"/);
});

test('Sadad: the browser never comes back, yet the payment is recorded and Verify succeeds', async () => {
  const o = await sadadToken({ amount: 350000 });
  const cb = await browserPay(sadadPage(o.token), 'pay'); // auto-form not submitted
  assert.equal(cb.map.ResCode, '0');
  assert.equal((await orderInfo(SADAD, o.orderId)).state, 'paid');
  const v = await sadadVerify(o.token);
  assert.equal(v.json.ResCode, 0);
  assert.equal(v.json.Amount, 350000);
});

test('Sadad options by /__control config: ResCode as string, repeat code 1, callback Token/SwitchResCod; reset restores', async () => {
  await control(SADAD, { config: { rescode_type: 'string', repeat_verify_code: 1, callback_token_field: 'Token', switch_field: 'SwitchResCod' } });
  try {
    const orderId = nextOrder();
    const r = await sadadRequest({ orderId });
    assert.equal(r.json.ResCode, '0');
    const cb = await browserPay(sadadPage(r.json.Token), 'pay');
    assert.deepEqual(cb.fields.map(([k]) => k), ['OrderId', 'Token', 'ResCode', 'SwitchResCod', 'HashedCardNo', 'PrimaryAccNo']);
    assert.equal((await sadadVerify(r.json.Token)).json.ResCode, '0');
    assert.equal((await sadadVerify(r.json.Token)).json.ResCode, '1');
    const bad = await postJson(`${SADAD.base}/__control`, { config: { repeat_verify_code: 7 } });
    assert.equal(bad.status, 400);
  } finally {
    await control(SADAD, { reset: true });
  }
  const j = await (await fetch(`${SADAD.base}/__control/orders`)).json();
  assert.equal(j.orders.length, 0, 'reset clears the orders');
  assert.equal(j.config.rescode_type, 'number');
  assert.equal(j.config.key, KEY);
});

test('Sadad modes: decline, cancel, verify_fails, double_confirm_ok, confirm_already, amount_mismatch', async () => {
  const decl = nextOrder();
  await control(SADAD, { order_id: decl, mode: 'decline' });
  let o = await sadadToken({ orderId: decl });
  let cb = await browserPay(sadadPage(o.token), 'pay');
  assert.equal(cb.map.ResCode, '-1');
  assert.equal(cb.map.SwitchResCode, '51');
  assert.equal((await sadadVerify(o.token)).json.ResCode, -1);

  const canc = nextOrder();
  await control(SADAD, { order_id: canc, mode: 'cancel' });
  o = await sadadToken({ orderId: canc });
  cb = await browserPay(sadadPage(o.token), 'pay');
  assert.equal(cb.map.ResCode, '-1');
  assert.equal(cb.map.PrimaryAccNo, '');
  assert.equal((await orderInfo(SADAD, canc)).state, 'cancelled');

  const vf = nextOrder();
  await control(SADAD, { order_id: vf, mode: 'verify_fails' });
  o = await sadadToken({ orderId: vf });
  cb = await browserPay(sadadPage(o.token), 'pay');
  assert.equal(cb.map.ResCode, '0', 'the card payment itself succeeded');
  assert.equal((await sadadVerify(o.token)).json.ResCode, -1);

  const dc = nextOrder();
  await control(SADAD, { order_id: dc, mode: 'double_confirm_ok' });
  o = await sadadToken({ orderId: dc });
  await browserPay(sadadPage(o.token), 'pay');
  assert.equal((await sadadVerify(o.token)).json.ResCode, 0);
  assert.equal((await sadadVerify(o.token)).json.ResCode, 0, 'repeat verify answers 0 again');

  const ca = nextOrder();
  await control(SADAD, { order_id: ca, mode: 'confirm_already' });
  o = await sadadToken({ orderId: ca });
  await browserPay(sadadPage(o.token), 'pay');
  assert.equal((await sadadVerify(o.token)).json.ResCode, 0);
  assert.equal((await sadadVerify(o.token)).json.ResCode, 100);

  const am = nextOrder();
  await control(SADAD, { order_id: am, mode: 'amount_mismatch' });
  o = await sadadToken({ orderId: am, amount: 200000 });
  await browserPay(sadadPage(o.token), 'pay');
  const v = await sadadVerify(o.token);
  assert.equal(v.json.ResCode, 0);
  assert.notEqual(v.json.Amount, 200000);
  assert.equal(v.json.OrderId, am);
});

test('Sadad modes: token_error (default 1002 or a given code), token_500, token_drop, verify_500, verify_drop, and "next"', async () => {
  const te = nextOrder();
  await control(SADAD, { order_id: te, mode: 'token_error' });
  let r = await sadadRequest({ orderId: te });
  assert.equal(r.json.ResCode, 1002);
  assert.equal(r.json.Token, null);
  await control(SADAD, { order_id: te, mode: 'token_error', code: 1018 });
  assert.equal((await sadadRequest({ orderId: te })).json.ResCode, 1018, 'a refused OrderId may be retried');
  await control(SADAD, { order_id: te, mode: [] });
  assert.equal((await sadadRequest({ orderId: te })).json.ResCode, 0);

  await control(SADAD, { next: 'token_500' });
  r = await sadadRequest({ orderId: nextOrder() });
  assert.equal(r.status, 500);

  const td = nextOrder();
  await control(SADAD, { next: 'token_drop' });
  await assert.rejects(sadadRequest({ orderId: td }), 'connection dropped');
  assert.equal((await sadadRequest({ orderId: td })).json.ResCode, 1011, 'the dropped request was processed: retry hits 1011');

  await control(SADAD, { next: ['verify_500'] });
  let o = await sadadToken();
  await browserPay(sadadPage(o.token), 'pay');
  assert.equal((await sadadVerify(o.token)).status, 500);
  await control(SADAD, { order_id: o.orderId, mode: null });
  assert.equal((await sadadVerify(o.token)).json.ResCode, 0, 'nothing was processed by the 500');

  await control(SADAD, { next: 'verify_drop' });
  o = await sadadToken();
  await browserPay(sadadPage(o.token), 'pay');
  await assert.rejects(sadadVerify(o.token));
  await control(SADAD, { order_id: o.orderId, mode: null });
  assert.equal((await sadadVerify(o.token)).json.ResCode, 100, 'the dropped verify was processed: retry says 100');
});

test('Sadad verify_hangs: the call never answers, the server keeps serving, the socket closes when the client gives up', async () => {
  const id = nextOrder();
  await control(SADAD, { order_id: id, mode: 'verify_hangs' });
  const o = await sadadToken({ orderId: id });
  await browserPay(sadadPage(o.token), 'pay');
  const t0 = Date.now();
  const hung = sadadVerify(o.token, { signal: AbortSignal.timeout(1500) });
  await sleep(200);
  const h = await fetch(`${SADAD.base}/__control/health`);
  assert.equal(h.status, 200);
  await h.text();
  assert.ok(Date.now() - t0 < 1000, 'other requests are served meanwhile');
  const other = await sadadToken();
  assert.ok(other.token);
  await assert.rejects(hung, (e) => e.name === 'TimeoutError');
  assert.ok(Date.now() - t0 >= 1400);
  await sleep(100);
  assert.match(SADAD.out(), /Advice\/Verify -> hung-then-closed/);
  await control(SADAD, { order_id: id, mode: [] });
  assert.equal((await sadadVerify(o.token)).json.ResCode, 0, 'the hung verify did not verify');
});

// ================================================================== Parsian

test('Parsian happy path: SalePaymentRequest, /NewIPG/?Token=, callback with Amount "200,000", ConfirmPayment, second confirm 0 again (P2)', async () => {
  const s = await parsianToken({ amount: 200000, AdditionalData: 'CRS <test> & more', Originator: '09141234567' });
  assert.equal(s.status, 200);
  assert.match(s.contentType, /^text\/xml; charset=utf-8/);
  assert.match(s.text, /<SalePaymentRequestResponse xmlns="https:\/\/pec\.Shaparak\.ir\/NewIPGServices\/Sale\/SaleService"><SalePaymentRequestResult>/);
  assert.ok(BigInt(s.token) > 0n);

  const cb = await browserPay(parsianPage(s.token), 'pay');
  assert.match(cb.page, /200,000/);
  assert.equal(cb.action, `${RECEIVER}/pay/parsian/callback?x=1&y=2`, 'entities of CallBackUrl were decoded');
  assert.deepEqual(cb.fields.map(([k]) => k), ['Token', 'status', 'OrderId', 'TerminalNo', 'RRN', 'Amount', 'HashCardNumber']);
  assert.equal(cb.map.Token, s.token);
  assert.equal(cb.map.status, '0');
  assert.equal(cb.map.OrderId, String(s.orderId));
  assert.match(cb.map.TerminalNo, /^\d+$/);
  assert.match(cb.map.RRN, /^[1-9]\d{11}$/);
  assert.equal(cb.map.Amount, '200,000', 'Amount has thousands commas (pitfall P4)');
  assert.match(cb.map.HashCardNumber, /^[0-9A-F]{64}$/);
  const got = await deliver(cb);
  assert.equal(new URLSearchParams(got.body).get('Amount'), '200,000');
  assert.equal(got.path, '/pay/parsian/callback?x=1&y=2');

  const c = await confirm(s.token);
  assert.equal(c.status, 200, c.text);
  assert.match(c.text, /<ConfirmPaymentResponse xmlns="https:\/\/pec\.Shaparak\.ir\/NewIPGServices\/Confirm\/ConfirmService"><ConfirmPaymentResult><Status>0<\/Status>/);
  assert.equal(c.get('Status'), '0');
  assert.equal(c.get('RRN'), cb.map.RRN);
  assert.equal(c.get('Token'), s.token);
  assert.match(c.get('CardNumberMasked'), /^\d{6}\*{6}\d{4}$/);
  const c2 = await confirm(s.token);
  assert.equal(c2.get('Status'), '0', 'second confirm succeeds again: merchants must be idempotent');
  assert.equal(c2.get('RRN'), cb.map.RRN);
  const o = await orderInfo(PARSIAN, s.orderId);
  assert.equal(o.state, 'confirmed');
  assert.equal(o.verify_count, 2);
});

test('Parsian ConfirmPaymentWithAmount checks OrderId and Amount against the order', async () => {
  const s = await parsianToken({ amount: 250000 });
  const cb = await browserPay(parsianPage(s.token), 'pay');
  assert.equal(cb.map.Amount, '250,000');
  let c = await confirmWithAmount(s.token, s.orderId, 240000);
  assert.equal(c.get('Status'), '-1528');
  assert.equal(c.get('RRN'), '0');
  assert.equal(c.get('CardNumberMasked'), null);
  c = await confirmWithAmount(s.token, s.orderId + 1, 250000);
  assert.equal(c.get('Status'), '-1528');
  c = await confirmWithAmount(s.token, s.orderId, 250000);
  assert.equal(c.get('Status'), '0');
  assert.match(c.text, /<ConfirmPaymentWithAmountResponse xmlns="[^"]+"><ConfirmPaymentWithAmountResult>/);
  assert.equal(c.get('RRN'), cb.map.RRN);
  await control(PARSIAN, { config: { confirm_mismatch_status: -1530 } });
  try {
    c = await confirmWithAmount(s.token, s.orderId, 1);
    assert.equal(c.get('Status'), '-1530', 'the mismatch status is configurable');
  } finally {
    await control(PARSIAN, { config: { confirm_mismatch_status: -1528 } });
  }
});

test('Parsian cancel → status -138, decline → 51; neither can be confirmed (-1531); unknown token → -1528', async () => {
  const a = await parsianToken();
  const cb = await browserPay(parsianPage(a.token), 'cancel');
  assert.equal(cb.map.status, '-138');
  assert.equal(cb.map.RRN, '0');
  assert.equal(cb.map.Amount, '200,000');
  assert.equal((await confirm(a.token)).get('Status'), '-1531');
  const b = await parsianToken();
  const d = await browserPay(parsianPage(b.token), 'decline');
  assert.equal(d.map.status, '51');
  assert.equal((await confirm(b.token)).get('Status'), '-1531');
  assert.equal((await confirm('123456789')).get('Status'), '-1528');
  const used = await fetch(parsianPage(a.token));
  assert.equal(used.status, 409);
  await used.text();
  const none = await fetch(`${PARSIAN.base}/NewIPG/`);
  assert.equal(none.status, 400, 'no Token in the URL (pitfall P1)');
  await none.text();
});

test('Parsian Sale errors: bad PIN -126, duplicate OrderId -112, amount bounds -132/-111, missing CallBackUrl -113 (Token 0)', async () => {
  let r = await parsianSale({ pin: 'WRONGPIN' });
  assert.equal(r.status, 200);
  assert.equal(r.get('Status'), '-126');
  assert.equal(r.get('Token'), '0');
  const id = nextOrder();
  assert.equal((await parsianSale({ orderId: id })).get('Status'), '0');
  r = await parsianSale({ orderId: id });
  assert.equal(r.get('Status'), '-112');
  assert.equal(r.get('Token'), '0');
  assert.equal((await parsianSale({ amount: 500 })).get('Status'), '-132');
  assert.equal((await parsianSale({ amount: 900000000 })).get('Status'), '-111');
  r = await soap('sale', 'SalePaymentRequest', { LoginAccount: PIN, Amount: 200000, OrderId: nextOrder() });
  assert.equal(r.get('Status'), '-113');
  assert.equal((await parsianSale({ Originator: 'x'.repeat(51) })).get('Status'), '-116');
});

test('Parsian SOAP strictness: wrong SOAPAction, wrong namespaces and malformed envelopes are SOAP faults', async () => {
  const ok = { LoginAccount: PIN, Amount: 200000, OrderId: 1, CallBackUrl: `${RECEIVER}/cb` };
  const fault = async (r, re) => {
    assert.equal(r.status, 500, r.text);
    assert.match(r.text, /<soap:Fault>/);
    if (re) assert.match(r.get('faultstring') ?? r.text, re);
  };
  await fault(await soap('sale', 'SalePaymentRequest', { ...ok, OrderId: nextOrder() }, { action: 'https://pec.Shaparak.ir/NewIPGServices/Sale/SaleService/SalePayment' }), /SOAPAction/);
  await fault(await soap('sale', 'SalePaymentRequest', { ...ok, OrderId: nextOrder() }, { action: `${PNS.confirm}/ConfirmPayment` }), /SOAPAction/);
  // Lowercase "shaparak" in the namespace: wrong namespace.
  const lower = envelope('sale', 'SalePaymentRequest', { ...ok, OrderId: nextOrder() }).replace(PNS.sale, PNS.sale.replace('Shaparak', 'shaparak'));
  await fault(await soap('sale', 'SalePaymentRequest', null, { body: lower, action: null }), /namespace/);
  // The fields must be in the service namespace too.
  const unqualified = `<?xml version="1.0"?><s:Envelope xmlns:s="${SOAP11}"><s:Body><p:SalePaymentRequest xmlns:p="${PNS.sale}"><p:requestData>` +
    `<LoginAccount>${PIN}</LoginAccount><Amount>1000</Amount><OrderId>${nextOrder()}</OrderId><CallBackUrl>http://x/</CallBackUrl></p:requestData></p:SalePaymentRequest></s:Body></s:Envelope>`;
  await fault(await soap('sale', 'SalePaymentRequest', null, { body: unqualified }), /namespace/);
  // Envelope in an unknown namespace → VersionMismatch.
  const v = await soap('sale', 'SalePaymentRequest', null, { body: envelope('sale', 'SalePaymentRequest', ok).replace(SOAP11, 'http://example.com/soap') });
  await fault(v);
  assert.match(v.get('faultcode'), /VersionMismatch/);
  // Malformed XML of several kinds.
  const good = envelope('sale', 'SalePaymentRequest', { ...ok, OrderId: nextOrder() });
  for (const [what, body] of [
    ['unclosed tag', good.replace('</soap:Envelope>', '')],
    ['mismatched end tag', good.replace('</requestData>', '</requestdata>')],
    ['undeclared prefix', good.replace('<soap:Body>', '<soap:Body><x:Foo/>')],
    ['unknown entity', good.replace('<OrderId>', '<OrderId>&nbsp;')],
    ['bare ampersand', good.replace('/cb<', '/cb?a=1&b=2<')],
    ['DTD', good.replace('?>', '?><!DOCTYPE x [<!ENTITY e "1">]>')],
    ['two roots', `${good}<more/>`],
    ['duplicate attribute', good.replace('<soap:Envelope ', '<soap:Envelope a="1" a="2" ')],
    ['not XML at all', 'hello'],
  ]) {
    const r = await soap('sale', 'SalePaymentRequest', null, { body });
    assert.equal(r.status, 500, what);
    assert.match(r.text, /<soap:Fault>/, what);
  }
  await fault(await soap('sale', 'SalePaymentRequest', { ...ok, Amount: '12,000' }), /Amount/);
  await fault(await soap('sale', 'SalePaymentRequest', { ...ok, Terminal: '1' }), /Terminal/);
  await fault(await soap('sale', 'ConfirmPayment', { LoginAccount: PIN, Token: 1 }, { action: null, body: envelope('confirm', 'ConfirmPayment', { LoginAccount: PIN, Token: 1 }) }), /namespace/);
  const ct = await soap('sale', 'SalePaymentRequest', ok, { contentType: 'application/json' });
  assert.equal(ct.status, 415);
  // The reversal URL uses "Reverse"; "/Reversal/" is not served unless configured.
  const alt = await soap('reversal', 'ReversalRequest', { LoginAccount: PIN, Token: 1 }, { path: '/NewIPGServices/Reversal/ReversalService.asmx' });
  assert.equal(alt.status, 404);
});

test('Parsian SOAP leniency: no SOAPAction, SOAP 1.2, any prefixes and child order, entities, CDATA, comments', async () => {
  // No SOAPAction header: dispatch on the body element.
  let r = await soap('sale', 'SalePaymentRequest', { LoginAccount: PIN, Amount: 1000, OrderId: nextOrder(), CallBackUrl: `${RECEIVER}/cb` }, { action: null });
  assert.equal(r.get('Status'), '0');
  // SOAP 1.2 with the action parameter: answered in SOAP 1.2.
  r = await soap('sale', 'SalePaymentRequest', { LoginAccount: PIN, Amount: 1000, OrderId: nextOrder(), CallBackUrl: `${RECEIVER}/cb` }, { version: '1.2' });
  assert.equal(r.status, 200, r.text);
  assert.match(r.contentType, /^application\/soap\+xml/);
  assert.match(r.text, new RegExp(`xmlns:soap="${SOAP12}"`));
  assert.equal(r.get('Status'), '0');
  r = await soap('sale', 'SalePaymentRequest', null, { version: '1.2', action: `${PNS.sale}/Nope`, body: envelope('sale', 'SalePaymentRequest', { LoginAccount: PIN, Amount: 1000, OrderId: nextOrder(), CallBackUrl: 'http://x/' }, { version: '1.2' }) });
  assert.equal(r.status, 500);
  assert.match(r.text, /<soap:Value>soap:Sender<\/soap:Value>/);
  // Prefixed elements, reversed child order, entities, CDATA, comments, a Header.
  const orderId = nextOrder();
  const body = `<?xml version='1.0' encoding='UTF-8'?>\n<!-- request -->\n<env:Envelope xmlns:env="${SOAP11}" xmlns:pec="${PNS.sale}">` +
    '<env:Header><pec:Trace>1</pec:Trace></env:Header><env:Body>\n  <pec:SalePaymentRequest><pec:requestData>' +
    `<pec:CallBackUrl><![CDATA[${RECEIVER}/cb?a=1&b=]]>&#x32;&amp;c=&#51;</pec:CallBackUrl><!-- c --><pec:OrderId> ${orderId} </pec:OrderId>` +
    `<pec:Amount>1000</pec:Amount><pec:LoginAccount>${PIN}</pec:LoginAccount><pec:AdditionalData xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>` +
    '</pec:requestData></pec:SalePaymentRequest>\n</env:Body></env:Envelope>\n';
  r = await soap('sale', 'SalePaymentRequest', null, { body });
  assert.equal(r.get('Status'), '0', r.text);
  const o = await orderInfo(PARSIAN, orderId);
  assert.equal(o.return_url, `${RECEIVER}/cb?a=1&b=2&c=3`);
  // Case-insensitive URL path (IIS).
  r = await soap('sale', 'SalePaymentRequest', { LoginAccount: PIN, Amount: 1000, OrderId: nextOrder(), CallBackUrl: 'http://x/' }, { path: PPATH.sale.toLowerCase() });
  assert.equal(r.get('Status'), '0');
  // soapaction=require refuses a missing SOAPAction.
  await control(PARSIAN, { config: { soapaction: 'require' } });
  try {
    r = await soap('sale', 'SalePaymentRequest', { LoginAccount: PIN, Amount: 1000, OrderId: nextOrder(), CallBackUrl: 'http://x/' }, { action: null });
    assert.equal(r.status, 500);
  } finally {
    await control(PARSIAN, { config: { soapaction: 'strict' } });
  }
});

test('Parsian ReversalRequest: 0, then -1551; unpaid → -1550; after the window → -1549; confirm after reversal → -1531', async () => {
  const s = await parsianToken();
  await browserPay(parsianPage(s.token), 'pay');
  assert.equal((await confirm(s.token)).get('Status'), '0');
  let r = await reversal(s.token);
  assert.equal(r.status, 200, r.text);
  assert.match(r.text, /<ReversalRequestResponse xmlns="https:\/\/pec\.Shaparak\.ir\/NewIPGServices\/Reversal\/ReversalService"><ReversalRequestResult>/);
  assert.equal(r.get('Status'), '0');
  assert.equal(r.get('Token'), s.token);
  assert.equal((await reversal(s.token)).get('Status'), '-1551');
  assert.equal((await confirm(s.token)).get('Status'), '-1531');
  const u = await parsianToken();
  assert.equal((await reversal(u.token)).get('Status'), '-1550');
  const w = await parsianToken();
  await browserPay(parsianPage(w.token), 'pay');
  assert.equal((await confirm(w.token)).get('Status'), '0');
  await control(PARSIAN, { order_id: w.orderId, age_minutes: 90 });
  assert.equal((await reversal(w.token)).get('Status'), '-1549');
  assert.equal((await reversal('999')).get('Status'), '-131');
  assert.equal((await soap('reversal', 'ReversalRequest', { LoginAccount: 'x', Token: w.token })).get('Status'), '-126');
  // /Reversal/ path when configured.
  await control(PARSIAN, { config: { reversal_path: 'both' } });
  try {
    const x = await parsianToken();
    await browserPay(parsianPage(x.token), 'pay');
    r = await reversal(x.token, { path: '/NewIPGServices/Reversal/ReversalService.asmx' });
    assert.equal(r.get('Status'), '0');
  } finally {
    await control(PARSIAN, { config: { reversal_path: 'reverse' } });
  }
});

test('Parsian: the browser never comes back, confirm still succeeds; unconfirmed past the window is auto-reversed', async () => {
  const s = await parsianToken();
  await browserPay(parsianPage(s.token), 'pay');
  assert.equal((await orderInfo(PARSIAN, s.orderId)).state, 'paid');
  assert.equal((await confirm(s.token)).get('Status'), '0');
  const late = await parsianToken();
  await browserPay(parsianPage(late.token), 'pay');
  await control(PARSIAN, { order_id: late.orderId, age_minutes: 40 });
  assert.equal((await confirm(late.token)).get('Status'), '-130');
  const o = await orderInfo(PARSIAN, late.orderId);
  assert.equal(o.state, 'reversed');
  assert.equal(o.auto_reversed, true);
  assert.equal((await reversal(late.token)).get('Status'), '-1551');
});

test('Parsian modes: confirm_already (-1533 on repeat), reconfirm_status config, decline, cancel, verify_fails, amount_mismatch, token_error', async () => {
  const ca = nextOrder();
  await control(PARSIAN, { order_id: ca, mode: 'confirm_already' });
  let s = await parsianToken({ orderId: ca });
  await browserPay(parsianPage(s.token), 'pay');
  assert.equal((await confirm(s.token)).get('Status'), '0');
  assert.equal((await confirm(s.token)).get('Status'), '-1533');

  await control(PARSIAN, { config: { reconfirm_status: -1533 } });
  try {
    s = await parsianToken();
    await browserPay(parsianPage(s.token), 'pay');
    assert.equal((await confirm(s.token)).get('Status'), '0');
    assert.equal((await confirm(s.token)).get('Status'), '-1533');
    const dc = nextOrder();
    await control(PARSIAN, { order_id: dc, mode: 'double_confirm_ok' });
    s = await parsianToken({ orderId: dc });
    await browserPay(parsianPage(s.token), 'pay');
    assert.equal((await confirm(s.token)).get('Status'), '0');
    assert.equal((await confirm(s.token)).get('Status'), '0', 'double_confirm_ok overrides the configured -1533');
  } finally {
    await control(PARSIAN, { config: { reconfirm_status: 0 } });
  }

  await control(PARSIAN, { next: 'decline', code: 55 });
  s = await parsianToken();
  let cb = await browserPay(parsianPage(s.token), 'pay');
  assert.equal(cb.map.status, '55');
  assert.equal(cb.map.RRN, '0');

  await control(PARSIAN, { next: 'cancel' });
  s = await parsianToken();
  cb = await browserPay(parsianPage(s.token), 'pay');
  assert.equal(cb.map.status, '-138');

  await control(PARSIAN, { next: 'verify_fails' });
  s = await parsianToken();
  cb = await browserPay(parsianPage(s.token), 'pay');
  assert.equal(cb.map.status, '0');
  const f = await confirm(s.token);
  assert.equal(f.get('Status'), '-1540');
  assert.equal(f.get('RRN'), '0');

  const am = nextOrder();
  await control(PARSIAN, { order_id: am, mode: 'amount_mismatch' });
  s = await parsianToken({ orderId: am, amount: 200000 });
  cb = await browserPay(parsianPage(s.token), 'pay');
  assert.notEqual(cb.map.Amount, '200,000', 'the bank reports another amount');
  assert.equal((await confirmWithAmount(s.token, am, 200000)).get('Status'), '-1528', 'with the stored amount: refused');
  assert.equal((await confirm(s.token)).get('Status'), '0', 'plain ConfirmPayment cannot notice (P5)');

  const te = nextOrder();
  await control(PARSIAN, { order_id: te, mode: 'token_error' });
  let r = await parsianSale({ orderId: te });
  assert.equal(r.get('Status'), '-1');
  assert.equal(r.get('Token'), '0');
  await control(PARSIAN, { order_id: te, mode: 'token_error', code: -127 });
  assert.equal((await parsianSale({ orderId: te })).get('Status'), '-127');

  await control(PARSIAN, { next: 'token_500' });
  r = await parsianSale({});
  assert.equal(r.status, 500);
  await control(PARSIAN, { next: 'token_drop' });
  await assert.rejects(parsianSale({}));
});

test('Parsian verify_hangs and verify_drop on ConfirmPayment; plain amount format option', async () => {
  const id = nextOrder();
  await control(PARSIAN, { order_id: id, mode: 'verify_hangs' });
  const s = await parsianToken({ orderId: id });
  await browserPay(parsianPage(s.token), 'pay');
  const hung = confirm(s.token, { signal: AbortSignal.timeout(800) });
  const h = await parsianToken();
  assert.ok(h.token, 'served while a confirm hangs');
  await assert.rejects(hung, (e) => e.name === 'TimeoutError');
  await control(PARSIAN, { order_id: id, mode: 'verify_drop' });
  await assert.rejects(confirm(s.token));
  await control(PARSIAN, { order_id: id, mode: [] });
  assert.equal((await confirm(s.token)).get('Status'), '0');

  await control(PARSIAN, { config: { amount_format: 'plain' } });
  try {
    const p = await parsianToken({ amount: 1234567 });
    const cb = await browserPay(parsianPage(p.token), 'pay');
    assert.equal(cb.map.Amount, '1234567');
  } finally {
    await control(PARSIAN, { config: { amount_format: 'comma' } });
  }
  const p = await parsianToken({ amount: 1234567 });
  assert.equal((await browserPay(parsianPage(p.token), 'pay')).map.Amount, '1,234,567');
});

// ================================================================== demo bank

test('Demo bank happy path: /token, /pay page, callback token/status/order_id, /verify ok (again ok)', async () => {
  const t = await demoToken({ amount: 150000 });
  assert.equal(t.status, 200, t.text);
  assert.match(t.token, /^[0-9a-f]{32}$/);
  const cb = await browserPay(`${DEMO.base}/pay?token=${t.token}`, 'pay');
  assert.match(cb.page, /150,000/);
  assert.match(cb.page, /value="cancel"/);
  assert.equal(cb.action, `${RECEIVER}/pay/demo/callback`);
  assert.deepEqual(cb.fields, [['token', t.token], ['status', 'ok'], ['order_id', String(t.orderId)]]);
  await deliver(cb);
  const v = await demoVerify(t.token);
  assert.deepEqual(v.json, { status: 'ok', amount: 150000, reference: v.json.reference });
  assert.match(v.json.reference, /^\d{12}$/);
  assert.deepEqual((await demoVerify(t.token)).json, v.json, 'a repeated verify answers ok again');
});

test('Demo bank errors and failure paths: merchant, duplicates, bad input, cancel, decline, expiry', async () => {
  assert.equal((await demoToken({ merchant: 'someone-else' })).status, 403);
  const id = nextOrder();
  assert.equal((await demoToken({ orderId: id })).status, 200);
  assert.equal((await demoToken({ orderId: id })).status, 409);
  assert.equal((await demoToken({ amount: 0 })).status, 400);
  assert.equal((await postJson(`${DEMO.base}/token`, null, { raw: 'nope' })).status, 400);
  assert.equal((await postJson(`${DEMO.base}/verify`, { merchant: 'x', token: 'y' })).status, 403);
  assert.deepEqual((await demoVerify('nosuch')).json, { status: 'failed', amount: null, reference: null, reason: 'unknown token' });

  let t = await demoToken();
  let cb = await browserPay(`${DEMO.base}/pay?token=${t.token}`, 'cancel');
  assert.equal(cb.map.status, 'cancel');
  assert.equal((await demoVerify(t.token)).json.status, 'failed');
  t = await demoToken();
  cb = await browserPay(`${DEMO.base}/pay?token=${t.token}`, 'decline');
  assert.equal(cb.map.status, 'failed');
  t = await demoToken();
  assert.equal((await demoVerify(t.token)).json.status, 'failed', 'unpaid');
  await browserPay(`${DEMO.base}/pay?token=${t.token}`, 'pay');
  await control(DEMO, { order_id: t.orderId, age_minutes: 20 });
  const late = await demoVerify(t.token);
  assert.equal(late.json.status, 'failed');
  assert.equal(late.json.reason, 'expired');
});

test('Demo bank modes: decline, cancel, verify_fails, amount_mismatch, confirm_already, token_error, verify_hangs', async () => {
  await control(DEMO, { next: 'decline' });
  let t = await demoToken();
  assert.equal((await browserPay(`${DEMO.base}/pay?token=${t.token}`, 'pay')).map.status, 'failed');
  await control(DEMO, { next: 'cancel' });
  t = await demoToken();
  assert.equal((await browserPay(`${DEMO.base}/pay?token=${t.token}`, 'pay')).map.status, 'cancel');
  await control(DEMO, { next: 'verify_fails' });
  t = await demoToken();
  await browserPay(`${DEMO.base}/pay?token=${t.token}`, 'pay');
  assert.equal((await demoVerify(t.token)).json.status, 'failed');
  await control(DEMO, { next: 'amount_mismatch' });
  t = await demoToken({ amount: 150000 });
  await browserPay(`${DEMO.base}/pay?token=${t.token}`, 'pay');
  const v = await demoVerify(t.token);
  assert.equal(v.json.status, 'ok');
  assert.notEqual(v.json.amount, 150000);
  await control(DEMO, { next: 'confirm_already' });
  t = await demoToken();
  await browserPay(`${DEMO.base}/pay?token=${t.token}`, 'pay');
  assert.equal((await demoVerify(t.token)).json.status, 'ok');
  assert.equal((await demoVerify(t.token)).json.reason, 'already verified');
  await control(DEMO, { next: 'token_error' });
  assert.equal((await demoToken()).status, 503);
  await control(DEMO, { next: 'verify_hangs' });
  t = await demoToken();
  await browserPay(`${DEMO.base}/pay?token=${t.token}`, 'pay');
  await assert.rejects(demoVerify(t.token, { signal: AbortSignal.timeout(500) }), (e) => e.name === 'TimeoutError');
});

// ================================================================== all three

test('slow_token and slow_verify delay the answers by 3 s (all three banks, without blocking them)', async () => {
  const sOrder = nextOrder();
  const pOrder = nextOrder();
  const dOrder = nextOrder();
  await control(SADAD, { order_id: sOrder, mode: ['slow_token', 'slow_verify'] });
  await control(PARSIAN, { order_id: pOrder, mode: 'slow_token,slow_verify' });
  await control(DEMO, { order_id: dOrder, mode: ['slow_token', 'slow_verify'] });
  const timed = async (f) => { const t0 = Date.now(); const r = await f(); return { r, ms: Date.now() - t0 }; };
  const [a, b, c] = await Promise.all([
    timed(() => sadadToken({ orderId: sOrder })),
    timed(() => parsianToken({ orderId: pOrder })),
    timed(() => demoToken({ orderId: dOrder })),
    (async () => { await sleep(300); const t0 = Date.now(); await sadadToken(); assert.ok(Date.now() - t0 < 1000, 'not blocked'); })(),
  ]);
  for (const x of [a, b, c]) assert.ok(x.ms >= 2900 && x.ms < 6000, `token took ${x.ms} ms`);
  await browserPay(sadadPage(a.r.token), 'pay');
  await browserPay(parsianPage(b.r.token), 'pay');
  await browserPay(`${DEMO.base}/pay?token=${c.r.token}`, 'pay');
  const [va, vb, vc] = await Promise.all([
    timed(() => sadadVerify(a.r.token)),
    timed(() => confirm(b.r.token)),
    timed(() => demoVerify(c.r.token)),
  ]);
  for (const x of [va, vb, vc]) assert.ok(x.ms >= 2900 && x.ms < 6000, `verify took ${x.ms} ms`);
  assert.equal(va.r.json.ResCode, 0);
  assert.equal(vb.r.get('Status'), '0');
  assert.equal(vc.r.json.status, 'ok');
});

test('control API: orders listing, unknown mode / key → 400, age of an unknown order → 404, "next" is a queue, reset', async () => {
  for (const sim of [SADAD, PARSIAN, DEMO]) {
    let r = await postJson(`${sim.base}/__control`, { order_id: 1, mode: 'explode' });
    assert.equal(r.status, 400);
    assert.match(r.json.error, /unknown mode/);
    r = await postJson(`${sim.base}/__control`, { order_id: 987654321, age_minutes: 5 });
    assert.equal(r.status, 404);
    r = await postJson(`${sim.base}/__control`, { bogus: 1 });
    assert.equal(r.status, 400);
    r = await postJson(`${sim.base}/__control`, { config: { nope: 1 } });
    assert.equal(r.status, 400);
    const q = await control(sim, { next: 'decline' });
    assert.deepEqual(q.next_queue.at(-1), ['decline']);
    await control(sim, { next: 'cancel' });
    const j = await (await fetch(`${sim.base}/__control/orders`)).json();
    assert.ok(Array.isArray(j.orders));
    assert.deepEqual(j.next_queue.slice(-2), [['decline'], ['cancel']]);
    await control(sim, { reset: true });
    const k = await (await fetch(`${sim.base}/__control/orders`)).json();
    assert.deepEqual(k.orders, []);
    assert.deepEqual(k.next_queue, []);
  }
  // The queue is consumed in order by the next orders created.
  await control(PARSIAN, { next: 'decline' });
  await control(PARSIAN, { next: 'cancel' });
  const a = await parsianToken();
  const b = await parsianToken();
  assert.equal((await browserPay(parsianPage(a.token), 'pay')).map.status, '51');
  assert.equal((await browserPay(parsianPage(b.token), 'pay')).map.status, '-138');
  const o = await orderInfo(PARSIAN, a.orderId);
  assert.deepEqual(o.modes, ['decline']);
  assert.equal(o.callback.fields.status, '51');
  assert.equal(o.token, a.token);
  const byToken = await (await fetch(`${PARSIAN.base}/__control/orders?token=${b.token}`)).json();
  assert.deepEqual(byToken.orders.map((x) => x.order_id), [b.orderId]);
});

test('defaults are the stack demo credentials; SIGTERM ends a simulator promptly even with a hanging verify', async () => {
  const sim = await startSim('sadad');
  const p = await startSim('parsian');
  const d = await startSim('demo');
  const cfg = async (s) => (await (await fetch(`${s.base}/__control/orders`)).json()).config;
  const sc = await cfg(sim);
  assert.equal(sc.merchant, '000000140336964');
  assert.equal(sc.terminal, '24074125');
  assert.equal(sc.key, Buffer.from('DEMO-SADAD-KEY-NOT-REAL!').toString('base64'));
  assert.equal((await cfg(p)).pin, 'DEMOPIN0000000000000');
  assert.equal((await cfg(d)).merchant, 'demo-merchant');
  const bad = spawn(process.execPath, [SIM('sadad'), '--port', '0'], { env: cleanEnv({ CRS_SADAD_KEY: Buffer.alloc(16).toString('base64') }), stdio: 'ignore' });
  const [code] = await once(bad, 'exit');
  assert.equal(code, 2, 'a key that is not 24 bytes is refused at startup');

  const r = await postJson(`${sim.base}/__control`, { next: 'verify_hangs' });
  assert.equal(r.status, 200);
  const orderId = nextOrder();
  const body = { MerchantId: '000000140336964', TerminalId: '24074125', Amount: 1000, OrderId: orderId, LocalDateTime: localDateTime(), ReturnUrl: 'http://127.0.0.1/cb', SignData: sadadSign(sc.key, `24074125;${orderId};1000`) };
  const t = await postJson(`${sim.base}/api/v0/Request/PaymentRequest`, body);
  assert.equal(t.json.ResCode, 0);
  await browserPay(`${sim.base}/Purchase?Token=${t.json.Token}`, 'pay');
  const hung = postJson(`${sim.base}/api/v0/Advice/Verify`, { Token: t.json.Token, SignData: sadadSign(sc.key, t.json.Token) }).catch((e) => e);
  await sleep(200);
  const t0 = Date.now();
  const exited = once(sim.child, 'exit');
  sim.child.kill('SIGTERM');
  const [exitCode] = await exited;
  assert.equal(exitCode, 0);
  assert.ok(Date.now() - t0 < 2500, 'exits promptly');
  assert.ok((await hung) instanceof Error, 'the hanging client sees the connection close');
  await stop(p.child);
  await stop(d.child);
});
