#!/usr/bin/env node
// "Demo bank": a deliberately tiny JSON payment gateway for the integrators' template plugin.
//   node tools/banksim/demo.mjs [--port 8095] [--host 127.0.0.1] [--quiet] [--OPTION VALUE …]
// Protocol (full text in tools/banksim/README.md):
//   POST /token  {merchant, order_id, amount, callback}   → 200 {token}
//   GET  /pay?token=…                                      → page with pay / cancel buttons
//   the browser then POSTs (form) token, status ("ok"|"cancel"|"failed"), order_id to callback
//   POST /verify {merchant, token}                         → 200 {status:"ok"|"failed", amount, reference[, reason]}
import crypto from 'node:crypto';
import {
  cliArg, loadConfig, cfg, isMain, startSim, SimState, describeCommon, parseJson, ciMap, uintField,
  sendJson, sendHtml, sendBody, queryCI, parseFormCI, mediaType, randomDigits, purchasePageHtml,
  errorPageHtml, autoPostHtml, beforeVerify, dropAfterVerify, sleep, HTTP_500_HTML, jsNum,
} from './common.mjs';

const DEFAULTS = {
  merchant: 'demo-merchant',
  verify_window_minutes: 15,     // verify later than this after payment → failed, reason "expired"
  token_ttl_minutes: 20,         // pay page of an older unpaid token → error page
  repeat_verify: 'ok',           // ok | failed: answer to a second verify of a paid token
  max_amount: 500000000,
  amount_mismatch_delta: 10000,
  slow_ms: 3000,
};
const SCHEMA = {
  merchant: (v) => { const s = String(v); if (!s) throw new Error('empty'); return s; },
  verify_window_minutes: cfg.num(0),
  token_ttl_minutes: cfg.num(0),
  repeat_verify: cfg.oneOf('ok', 'failed'),
  max_amount: cfg.int(1),
  amount_mismatch_delta: cfg.int(),
  slow_ms: cfg.int(0),
};

function describe(o) {
  return { ...describeCommon(o), bank: 'demo', reference: o.reference ?? null, last_verify: o.lastVerify ?? null };
}

export function createDemo(config) {
  const state = new SimState({ config, schema: SCHEMA, describe });
  const C = () => state.config;
  const minutes = (n) => n * 60 * 1000;

  function readJson(req, res, ctx) {
    if (mediaType(req) !== 'application/json') { sendJson(res, 415, { error: 'Content-Type must be application/json' }); return null; }
    try {
      const b = parseJson(ctx.body.toString('utf8'));
      if (!b || typeof b !== 'object' || Array.isArray(b)) throw new Error('not an object');
      return ciMap(b);
    } catch (e) {
      sendJson(res, 400, { error: `body must be a JSON object: ${e.message}` });
      return null;
    }
  }

  async function token(req, res, ctx) {
    const f = readJson(req, res, ctx);
    if (!f) return;
    const bad = (status, error) => { ctx.note(error); sendJson(res, status, { error }); };
    if (f.get('merchant') !== C().merchant) return bad(403, 'unknown merchant');
    const order = uintField(f.get('order_id'));
    if (!order || order.canon === '0') return bad(400, 'order_id must be a positive integer');
    const amount = uintField(f.get('amount'));
    if (!amount || amount.canon === '0') return bad(400, 'amount must be a positive integer (Rial)');
    if (BigInt(amount.canon) > BigInt(C().max_amount)) return bad(400, `amount over ${C().max_amount}`);
    let cb = null;
    try { cb = typeof f.get('callback') === 'string' ? new URL(f.get('callback')) : null; } catch { cb = null; }
    if (!cb || !['http:', 'https:'].includes(cb.protocol)) return bad(400, 'callback must be an absolute http(s) URL');
    const old = state.orders.get(order.canon);
    if (old && old.state !== 'refused') return bad(409, 'duplicate order_id');
    const m = state.takeModes(order.canon);
    if (m.modes.has('token_500')) { ctx.note('token_500'); return sendBody(res, 500, 'text/html; charset=utf-8', HTTP_500_HTML); }
    const o = state.newOrder({ orderId: order.canon, amount: amount.canon, returnUrl: f.get('callback'), token: null }, m);
    if (o.modes.has('token_error')) {
      o.state = 'refused';
      state.store(o);
      if (o.modes.has('slow_token')) await sleep(C().slow_ms);
      return bad(503, 'payment service temporarily unavailable');
    }
    o.token = crypto.randomBytes(16).toString('hex');
    state.store(o);
    ctx.note(`order ${o.orderId} amount ${o.amount} token ${o.token}`);
    if (o.modes.has('slow_token')) { ctx.note('slow_token'); await sleep(C().slow_ms); }
    if (o.modes.has('token_drop')) { ctx.note('token_drop'); return res.destroy(); }
    return sendJson(res, 200, { token: o.token });
  }

  async function verify(req, res, ctx) {
    const f = readJson(req, res, ctx);
    if (!f) return;
    if (f.get('merchant') !== C().merchant) { ctx.note('unknown merchant'); return sendJson(res, 403, { error: 'unknown merchant' }); }
    const t = f.get('token');
    let o = typeof t === 'string' ? state.byToken.get(t) : undefined;
    const answer = (ok, reason) => {
      ctx.note(ok ? 'ok' : `failed: ${reason}`);
      if (o) o.lastVerify = ok ? 'ok' : reason;
      if (o && dropAfterVerify(o, res, ctx)) return;
      const amount = ok ? (o.modes.has('amount_mismatch') ? (BigInt(o.amount) + BigInt(C().amount_mismatch_delta)).toString() : o.amount) : null;
      sendJson(res, 200, ok ? { status: 'ok', amount: jsNum(amount), reference: o.reference }
        : { status: 'failed', amount: null, reference: null, reason });
    };
    if (!o) { o = null; return answer(false, 'unknown token'); }
    if (await beforeVerify(o, res, ctx, C().slow_ms)) return;
    o.verifyCount++;
    if (o.state === 'paid' && Date.now() - o.paidAt > minutes(C().verify_window_minutes)) {
      o.state = 'reversed';
      o.reversedAt = o.paidAt + minutes(C().verify_window_minutes);
    }
    if (o.state === 'reversed') return answer(false, 'expired');
    if (o.state === 'paid') {
      if (o.modes.has('verify_fails')) return answer(false, 'declined by the bank');
      o.state = 'verified';
      o.verifiedAt = Date.now();
      return answer(true);
    }
    if (o.state === 'verified') {
      if (o.modes.has('confirm_already')) return answer(false, 'already verified');
      if (o.modes.has('double_confirm_ok')) return answer(true);
      return C().repeat_verify === 'ok' ? answer(true) : answer(false, 'already verified');
    }
    return answer(false, `not paid (${o.state})`);
  }

  function pageError(res, status, code, message) {
    sendHtml(res, status, errorPageHtml({ title: 'Demo bank', code, message }));
  }

  function payableOrder(res, t) {
    if (!t) { pageError(res, 400, 'no_token', 'token missing'); return null; }
    const o = state.byToken.get(t);
    if (!o) { pageError(res, 404, 'unknown_token', 'unknown token'); return null; }
    if (o.state === 'expired') { pageError(res, 410, 'expired', 'token expired'); return null; }
    if (o.state !== 'created') { pageError(res, 409, 'used', `token already used (${o.state})`); return null; }
    if (Date.now() - o.createdAt > minutes(C().token_ttl_minutes)) {
      o.state = 'expired';
      pageError(res, 410, 'expired', 'token expired');
      return null;
    }
    return o;
  }

  function payPage(req, res, ctx) {
    const o = payableOrder(res, queryCI(ctx.url, 'token'));
    if (!o) return;
    sendHtml(res, 200, purchasePageHtml({
      title: 'Demo bank', bank: 'Demo bank (CRS integrators\u2019 template)', merchant: C().merchant,
      amount: o.amount, orderId: o.orderId, action: '/pay', hidden: { token: o.token },
    }));
  }

  function paySubmit(req, res, ctx) {
    if (mediaType(req) !== 'application/x-www-form-urlencoded') return pageError(res, 415, 'bad_form', 'form expected');
    const form = parseFormCI(ctx.body.toString('utf8'));
    const action = form.get('action');
    if (!['pay', 'decline', 'cancel'].includes(action)) return pageError(res, 400, 'bad_action', 'unknown action');
    const o = payableOrder(res, form.get('token'));
    if (!o) return;
    let outcome = action;
    if (o.modes.has('cancel')) outcome = 'cancel';
    else if (o.modes.has('decline') && outcome === 'pay') outcome = 'decline';
    let status;
    if (outcome === 'pay') {
      o.state = 'paid';
      o.paidAt = Date.now();
      o.reference = randomDigits(12);
      status = 'ok';
    } else if (outcome === 'decline') {
      o.state = 'declined';
      status = 'failed';
    } else {
      o.state = 'cancelled';
      status = 'cancel';
    }
    const fields = [['token', o.token], ['status', status], ['order_id', o.orderId]];
    o.callback = { url: o.returnUrl, fields: Object.fromEntries(fields) };
    ctx.note(`order ${o.orderId} ${outcome}`);
    sendHtml(res, 200, autoPostHtml({ title: 'Demo bank', url: o.returnUrl, fields }));
  }

  async function handle(req, res, ctx) {
    const p = ctx.path.replace(/\/+$/, '') || '/';
    const only = (m) => { if (req.method === m) return true; sendJson(res, 405, { error: `use ${m}` }, { Allow: m }); return false; };
    if (p === '/token') return only('POST') && token(req, res, ctx);
    if (p === '/verify') return only('POST') && verify(req, res, ctx);
    if (p === '/pay') {
      if (req.method === 'GET') return payPage(req, res, ctx);
      if (req.method === 'POST') return paySubmit(req, res, ctx);
      return sendJson(res, 405, { error: 'use GET or POST' }, { Allow: 'GET, POST' });
    }
    return sendJson(res, 404, { error: 'not found; routes: POST /token, GET /pay, POST /verify' });
  }

  return { state, handle };
}

if (isMain(import.meta.url)) {
  const config = loadConfig('CRS_DEMO_BANK', DEFAULTS, SCHEMA, { merchant: 'CRS_DEMO_MERCHANT' });
  const { state, handle } = createDemo(config);
  const port = Number(cliArg('port', process.env.CRS_DEMO_BANK_PORT || 8095));
  startSim({ name: 'demo-bank', port, host: cliArg('host', '127.0.0.1'), state, handle });
}
