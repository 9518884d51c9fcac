#!/usr/bin/env node
// Sadad (Bank Melli Iran) IPG simulator for the CRS tests and the local stack.
//   node tools/banksim/sadad.mjs [--port 8091] [--host 127.0.0.1] [--quiet] [--OPTION VALUE …]
// Speaks the JSON API of shared/reference/gateways.md §1: PaymentRequest, the GET purchase
// page, the form-POST callback and Advice/Verify, with SignData = base64(3DES-ECB-PKCS7).
// Protocol details, options and the control API: tools/banksim/README.md.
import crypto from 'node:crypto';
import {
  cliArg, loadConfig, cfg, isMain, startSim, SimState, describeCommon, parseJson, ciMap, uintField,
  scalarText, RawNumber, sendJson, sendHtml, sendBody, queryCI, parseFormCI, mediaType, randomDigits,
  fakeCard, purchasePageHtml, errorPageHtml, autoPostHtml, beforeVerify, dropAfterVerify, sleep,
  HTTP_500_HTML, formatThousands,
} from './common.mjs';

export const DEMO_KEY = Buffer.from('DEMO-SADAD-KEY-NOT-REAL!').toString('base64');

/** Decodes a TerminalKey (base64 of 24 bytes) or throws. */
export function sadadKey(keyB64) {
  const s = String(keyB64 ?? '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s) || s.length % 4 !== 0) throw new Error('the key must be base64');
  const key = Buffer.from(s, 'base64');
  if (key.length !== 24) throw new Error(`the key must decode to 24 bytes (3-key 3DES), not ${key.length}`);
  return key;
}

/**
 * Sadad SignData: base64(Triple-DES (DES-EDE3) ECB PKCS#7 (key = base64-decoded TerminalKey,
 * data = UTF-8 text)). PaymentRequest signs "TerminalId;OrderId;Amount", Verify the token.
 */
export function sadadSign(keyB64, text) {
  const c = crypto.createCipheriv('des-ede3', sadadKey(keyB64), null);
  return Buffer.concat([c.update(String(text), 'utf8'), c.final()]).toString('base64');
}

const MSG = {
  0: 'عملیات با موفقیت انجام شد',
  1: 'درخواست تکراری می باشد. تراکنش قبلا با موفقیت ثبت شده است',
  100: 'درخواست تکراری می باشد. تراکنش قبلا با موفقیت ثبت شده است',
  101: 'مهلت ارسال تراکنش به پایان رسیده است',
  '-1': 'پارامترهای ارسالی صحیح نیست و یا تراکنش در سیستم وجود ندارد',
  1001: 'پارامترهای پرداخت اشتباه است',
  1002: 'خطا در سیستم - تراکنش ناموفق',
  1011: 'درخواست تکراری است - شماره سفارش قبلا استفاده شده است',
  1017: 'مبلغ بیش از سقف مجاز پذیرنده است',
  1018: 'اشکال در تاریخ و زمان سیستم. لطفا تاریخ و زمان سرور خود را با بانک هماهنگ نمایید',
  1023: 'آدرس بازگشت پذیرنده نامعتبر است',
  1024: 'مهر زمانی پذیرنده نامعتبر است',
  1025: 'اطلاعات SignData ارسالی صحیح نیست (امضای تراکنش نامعتبر است)',
  1026: 'شماره سفارش نامعتبر است',
  1027: 'شماره پذیرنده نامعتبر است',
  1028: 'شماره ترمینال نامعتبر است',
  1031: 'مهلت زمانی شما جهت پرداخت به پایان رسیده است',
  1101: 'مبلغ نامعتبر است',
  1103: 'توکن ارسالی نامعتبر است',
};
const msg = (code) => MSG[code] ?? 'خطای نامشخص';

const DEFAULTS = {
  merchant: '000000140336964',
  terminal: '24074125',
  key: DEMO_KEY,
  base_path: 'both',               // both | vpg | root: which API prefixes are served
  rescode_type: 'number',          // number | string: JSON type of ResCode
  repeat_verify_code: 100,         // 100 | 1 | 0: ResCode of a repeated verify
  verify_window_minutes: 15,       // verify later than this after payment → 101 (REVERSED)
  token_ttl_minutes: 20,           // purchase page of an older unpaid token → 1031
  sign_error_code: 1025,           // ResCode for a wrong SignData (PaymentRequest and Verify)
  min_amount: 1000,                // below → 1101
  max_amount: 500000000,           // above → 1017
  max_clock_skew_minutes: 0,       // 0 = do not check LocalDateTime against the clock (1018)
  callback_token_field: 'token',   // token | Token
  switch_field: 'SwitchResCode',   // SwitchResCode | SwitchResCod
  decline_switch_code: 51,         // SwitchResCode of a declined card
  amount_mismatch_delta: 10000,    // amount_mismatch: Verify reports amount + this
  slow_ms: 3000,                   // slow_token / slow_verify delay
};
const str = (v) => { const s = String(v); if (!s) throw new Error('empty'); return s; };
const SCHEMA = {
  merchant: str,
  terminal: str,
  key: (v) => { sadadKey(v); return String(v); },
  base_path: cfg.oneOf('both', 'vpg', 'root'),
  rescode_type: cfg.oneOf('number', 'string'),
  repeat_verify_code: (v) => { const n = Number(v); if (![100, 1, 0].includes(n)) throw new Error('100, 1 or 0 expected'); return n; },
  verify_window_minutes: cfg.num(0),
  token_ttl_minutes: cfg.num(0),
  sign_error_code: cfg.int(),
  min_amount: cfg.int(0),
  max_amount: cfg.int(1),
  max_clock_skew_minutes: cfg.num(0),
  callback_token_field: cfg.oneOf('token', 'Token'),
  switch_field: cfg.oneOf('SwitchResCode', 'SwitchResCod'),
  decline_switch_code: cfg.int(),
  amount_mismatch_delta: cfg.int(),
  slow_ms: cfg.int(0),
};

/**
 * Merchant LocalDateTime, parsed loosely as the bank seems to: "05/26/2019 3:04:05 pm",
 * ISO 8601, "2019-05-26 15:04:05" or "20190526150405" (the last three as Tehran time when no
 * offset is given). → epoch ms or null.
 */
export function parseLocalDateTime(v) {
  if (typeof v !== 'string') return null;
  const t = v.trim();
  let m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2}) ?([ap]m)$/i.exec(t);
  if (m) {
    let h = Number(m[4]) % 12;
    if (m[7].toLowerCase() === 'pm') h += 12;
    if (Number(m[4]) > 12 || Number(m[4]) < 1) return null;
    return tehran(Number(m[3]), Number(m[1]), Number(m[2]), h, Number(m[5]), Number(m[6]));
  }
  m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (m) {
    if (m[7]) { const ms = Date.parse(t.replace(' ', 'T')); return Number.isNaN(ms) ? null : ms; }
    return tehran(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] || 0));
  }
  m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(t);
  if (m) return tehran(...m.slice(1).map(Number));
  return null;
}

function tehran(y, mo, d, h, mi, s) {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  return Date.UTC(y, mo - 1, d, h, mi, s) - 3.5 * 3600 * 1000; // Iran has had no DST since 2022
}

function describe(o) {
  return { ...describeCommon(o), bank: 'sadad', rrn: o.rrn ?? null, trace: o.trace ?? null, res_code: o.resCode ?? null };
}

/** Creates the simulator state (exported so tests could drive it in-process). */
export function createSadad(config) {
  const state = new SimState({ config, schema: SCHEMA, describe });
  const C = () => state.config;
  const rc = (code) => (C().rescode_type === 'string' ? String(code) : Number(code));
  const minutes = (n) => n * 60 * 1000;

  function apiPrefixes() {
    const bp = C().base_path;
    return bp === 'both' ? ['/api/v0', '/vpg/api/v0'] : bp === 'vpg' ? ['/vpg/api/v0'] : ['/api/v0'];
  }

  function readJson(req, res, ctx) {
    if (mediaType(req) !== 'application/json') {
      sendJson(res, 415, { Message: `The request entity's media type '${mediaType(req)}' is not supported for this resource.` });
      return null;
    }
    try {
      return parseJson(ctx.body.toString('utf8'));
    } catch (e) {
      ctx.note(`bad JSON: ${e.message}`);
      sendJson(res, 400, { ResCode: rc(1001), Token: null, Description: msg(1001) });
      return null;
    }
  }

  async function paymentRequest(req, res, ctx) {
    const body = readJson(req, res, ctx);
    if (body === null) return;
    const f = ciMap(body);
    const fail = (code, why) => {
      ctx.note(`ResCode ${code}${why ? ' (' + why + ')' : ''}`);
      sendJson(res, 200, { ResCode: rc(code), Token: null, Description: msg(code) });
    };
    if (typeof body !== 'object' || Array.isArray(body)) return fail(1001, 'body is not an object');
    const missing = ['merchantid', 'terminalid', 'amount', 'orderid', 'localdatetime', 'returnurl', 'signdata']
      .filter((k) => f.get(k) === undefined || f.get(k) === null || f.get(k) === '');
    if (missing.length) return fail(1001, `missing ${missing.join(',')}`);
    const merchant = scalarText(f.get('merchantid'));
    const terminal = scalarText(f.get('terminalid'));
    if (merchant !== C().merchant) return fail(1027, `MerchantId ${merchant}`);
    if (terminal !== C().terminal) return fail(1028, `TerminalId ${terminal}`);
    const amountText = scalarText(f.get('amount'));
    const orderText = scalarText(f.get('orderid'));
    const expected = sadadSign(C().key, `${terminal};${orderText};${amountText}`);
    if (typeof f.get('signdata') !== 'string' || f.get('signdata') !== expected) {
      return fail(C().sign_error_code, `SignData of "${terminal};${orderText};${amountText}"`);
    }
    const amount = uintField(f.get('amount'));
    if (!amount || BigInt(amount.canon) < BigInt(C().min_amount) || amount.canon === '0') return fail(1101, `Amount ${amountText}`);
    if (BigInt(amount.canon) > BigInt(C().max_amount)) return fail(1017, `Amount ${amountText} > ${C().max_amount}`);
    const order = uintField(f.get('orderid'));
    if (!order || order.canon === '0') return fail(1026, `OrderId ${orderText}`);
    const ret = f.get('returnurl');
    let retUrl = null;
    try { retUrl = typeof ret === 'string' ? new URL(ret) : null; } catch { retUrl = null; }
    if (!retUrl || !['http:', 'https:'].includes(retUrl.protocol)) return fail(1023, `ReturnUrl ${ret}`);
    const when = parseLocalDateTime(f.get('localdatetime'));
    if (when === null) return fail(1024, `LocalDateTime ${JSON.stringify(scalarText(f.get('localdatetime')))}`);
    if (C().max_clock_skew_minutes > 0 && Math.abs(Date.now() - when) > minutes(C().max_clock_skew_minutes)) {
      return fail(1018, 'LocalDateTime too far from the bank clock');
    }
    const ad = f.get('additionaldata');
    if (ad !== undefined && ad !== null && typeof ad !== 'string') return fail(1036, 'AdditionalData not a string');

    const old = state.orders.get(order.canon);
    if (old && old.state !== 'refused') return fail(1011, `OrderId ${order.canon} already used`);
    const m = state.takeModes(order.canon);
    if (m.modes.has('token_500')) { ctx.note('token_500'); return sendBody(res, 500, 'text/html; charset=utf-8', HTTP_500_HTML); }
    const o = state.newOrder({
      orderId: order.canon, amount: amount.canon, returnUrl: ret, token: null,
      additionalData: ad ?? null,
    }, m);
    if (o.modes.has('token_error')) {
      o.state = 'refused';
      o.resCode = Number(o.modeCode ?? 1002);
      state.store(o);
      if (o.modes.has('slow_token')) await sleep(C().slow_ms);
      return fail(o.resCode, 'token_error');
    }
    o.token = crypto.randomBytes(18).toString('hex').toUpperCase();
    state.store(o);
    ctx.note(`order ${o.orderId} amount ${o.amount} token ${o.token}`);
    if (o.modes.has('slow_token')) { ctx.note('slow_token'); await sleep(C().slow_ms); }
    if (o.modes.has('token_drop')) { ctx.note('token_drop'); return res.destroy(); }
    return sendJson(res, 200, { ResCode: rc(0), Token: o.token, Description: msg(0) });
  }

  /** Lazily applied time rules; returns the order's current state. */
  function refresh(o) {
    const now = Date.now();
    if (o.state === 'paid' && now - o.paidAt > minutes(C().verify_window_minutes)) {
      o.state = 'reversed';
      o.reversedAt = o.paidAt + minutes(C().verify_window_minutes);
    }
    return o.state;
  }

  async function verify(req, res, ctx) {
    const body = readJson(req, res, ctx);
    if (body === null) return;
    const f = ciMap(body);
    const reply = (code, o, why) => {
      ctx.note(`ResCode ${code}${why ? ' (' + why + ')' : ''}`);
      if (o) o.resCode = code;
      const ok = o && [0, 1, 100].includes(code);
      const amount = ok ? (o.modes.has('amount_mismatch') ? (BigInt(o.amount) + BigInt(C().amount_mismatch_delta)).toString() : o.amount) : null;
      const out = {
        ResCode: rc(code),
        Amount: amount === null ? null : new RawNumber(amount),
        Description: msg(code),
        RetrivalRefNo: ok ? o.rrn : null,
        SystemTraceNo: ok ? o.trace : null,
        OrderId: ok ? new RawNumber(o.orderId) : null,
      };
      if (o && dropAfterVerify(o, res, ctx)) return;
      sendJson(res, 200, out);
    };
    const token = f.get('token');
    if (typeof token !== 'string' || !token) return reply(-1, null, 'no Token');
    const o = state.byToken.get(token);
    if (!o) return reply(-1, null, `unknown token ${token}`);
    if (await beforeVerify(o, res, ctx, C().slow_ms)) return;
    if (f.get('signdata') !== sadadSign(C().key, token)) return reply(C().sign_error_code, null, 'SignData of the token');
    o.verifyCount++;
    const st = refresh(o);
    if (st === 'reversed') return reply(101, o, 'verify window passed');
    if (st === 'paid') {
      if (o.modes.has('verify_fails')) return reply(Number(o.modeCode ?? -1), o, 'verify_fails');
      o.state = 'verified';
      o.verifiedAt = Date.now();
      return reply(0, o);
    }
    if (st === 'verified') {
      if (o.modes.has('double_confirm_ok')) return reply(0, o, 'repeat verify, double_confirm_ok');
      if (o.modes.has('confirm_already')) return reply(100, o, 'repeat verify');
      return reply(C().repeat_verify_code, o, 'repeat verify');
    }
    return reply(-1, o, `order is ${st}`);
  }

  function pageError(res, status, code, message) {
    sendHtml(res, status, errorPageHtml({ title: 'درگاه پرداخت سداد', code, message }));
  }

  /** The order of a purchase page / submit, or null after answering an error page. */
  function payableOrder(res, token) {
    if (!token) { pageError(res, 400, 1103, 'توکن ارسال نشده است'); return null; }
    const o = state.byToken.get(token);
    if (!o) { pageError(res, 404, 1103, msg(1103)); return null; }
    if (o.state === 'expired') { pageError(res, 410, 1031, msg(1031)); return null; }
    if (o.state !== 'created') { pageError(res, 409, 1103, `این توکن قبلا استفاده شده است (${o.state})`); return null; }
    if (Date.now() - o.createdAt > minutes(C().token_ttl_minutes)) {
      o.state = 'expired';
      pageError(res, 410, 1031, msg(1031));
      return null;
    }
    return o;
  }

  function purchasePage(req, res, ctx) {
    const o = payableOrder(res, queryCI(ctx.url, 'token'));
    if (!o) return;
    const prefix = ctx.path.startsWith('/vpg/') ? '/VPG' : '';
    sendHtml(res, 200, purchasePageHtml({
      title: 'درگاه پرداخت اینترنتی سداد', bank: 'بانک ملی ایران - درگاه پرداخت سداد',
      merchant: C().merchant, amount: o.amount, orderId: o.orderId,
      action: `${prefix}/Purchase/Submit`, hidden: { token: o.token },
    }));
  }

  function purchaseSubmit(req, res, ctx) {
    if (mediaType(req) !== 'application/x-www-form-urlencoded') return pageError(res, 415, -1, 'فرم نامعتبر است');
    const form = parseFormCI(ctx.body.toString('utf8'));
    const action = form.get('action');
    if (!['pay', 'decline', 'cancel'].includes(action)) return pageError(res, 400, -1, 'عملیات نامعتبر است');
    const o = payableOrder(res, form.get('token'));
    if (!o) return;
    let outcome = action;
    if (o.modes.has('cancel')) outcome = 'cancel';
    else if (o.modes.has('decline') && outcome === 'pay') outcome = 'decline';
    const card = fakeCard('603799');
    let resCode;
    let sw;
    if (outcome === 'pay') {
      o.state = 'paid';
      o.paidAt = Date.now();
      o.rrn = randomDigits(12);
      o.trace = randomDigits(6);
      o.card = card;
      resCode = '0';
      sw = '00';
    } else if (outcome === 'decline') {
      o.state = 'declined';
      o.card = card;
      resCode = '-1';
      sw = String(o.modes.has('decline') && o.modeCode !== undefined ? o.modeCode : C().decline_switch_code);
    } else {
      o.state = 'cancelled';
      resCode = '-1';
      sw = '';
    }
    const fields = [
      ['OrderId', o.orderId],
      [C().callback_token_field, o.token],
      ['ResCode', resCode],
      [C().switch_field, sw],
      ['HashedCardNo', o.card ? o.card.hash : ''],
      ['PrimaryAccNo', o.card ? o.card.masked : ''],
    ];
    o.callback = { url: o.returnUrl, fields: Object.fromEntries(fields) };
    ctx.note(`order ${o.orderId} ${outcome} (${formatThousands(o.amount)} Rial)`);
    sendHtml(res, 200, autoPostHtml({ title: 'بازگشت به سایت پذیرنده', url: o.returnUrl, fields }));
  }

  async function handle(req, res, ctx) {
    const p = ctx.path.replace(/\/+$/, '') || '/';
    for (const prefix of apiPrefixes()) {
      const route = p === `${prefix}/request/paymentrequest` ? paymentRequest : p === `${prefix}/advice/verify` ? verify : null;
      if (!route) continue;
      if (req.method !== 'POST') return sendJson(res, 405, { Message: `The requested resource does not support http method '${req.method}'.` }, { Allow: 'POST' });
      return route(req, res, ctx);
    }
    if (['/purchase', '/purchase/index', '/vpg/purchase', '/vpg/purchase/index'].includes(p)) {
      if (req.method !== 'GET') return pageError(res, 405, -1, 'صفحه پرداخت فقط با GET باز می شود');
      return purchasePage(req, res, ctx);
    }
    if (p === '/purchase/submit' || p === '/vpg/purchase/submit') {
      if (req.method !== 'POST') return pageError(res, 405, -1, 'روش نامعتبر');
      return purchaseSubmit(req, res, ctx);
    }
    return sendJson(res, 404, { Message: `No HTTP resource was found that matches the request URI '${ctx.url.pathname}'.` });
  }

  return { state, handle };
}

if (isMain(import.meta.url)) {
  const config = loadConfig('CRS_SADAD_SIM', DEFAULTS, SCHEMA, {
    merchant: 'CRS_SADAD_MERCHANT', terminal: 'CRS_SADAD_TERMINAL', key: 'CRS_SADAD_KEY',
  });
  const { state, handle } = createSadad(config);
  const port = Number(cliArg('port', process.env.CRS_SADAD_PORT || 8091));
  startSim({ name: 'sadad', port, host: cliArg('host', '127.0.0.1'), state, handle });
}
