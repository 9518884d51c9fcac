#!/usr/bin/env node
// Parsian (PEC) NewIPG simulator for the CRS tests and the local stack.
//   node tools/banksim/parsian.mjs [--port 8092] [--host 127.0.0.1] [--quiet] [--OPTION VALUE …]
// Speaks the SOAP services of shared/reference/gateways.md §2 (Sale, Confirm, Reversal; ASMX
// style, SOAP 1.1 and 1.2), the GET payment page /NewIPG/?Token= and the form-POST callback.
// Protocol details, options and the control API: tools/banksim/README.md.
import {
  cliArg, loadConfig, cfg, isMain, startSim, SimState, describeCommon, parseXml, XmlError, escapeXml,
  sendBody, sendHtml, queryCI, parseFormCI, mediaType, randomDigits, fakeCard, formatThousands,
  purchasePageHtml, errorPageHtml, autoPostHtml, beforeVerify, dropAfterVerify, sleep, HTTP_500_HTML,
  INT64_MAX, jsNum,
} from './common.mjs';

export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
const NS_BASE = 'https://pec.Shaparak.ir/NewIPGServices';

/** The three services: namespace (capital S in Shaparak), URL path(s), operations and their fields. */
export const SERVICES = {
  sale: {
    ns: `${NS_BASE}/Sale/SaleService`,
    path: '/NewIPGServices/Sale/SaleService.asmx',
    ops: { SalePaymentRequest: { LoginAccount: 'string', Amount: 'long', OrderId: 'long', CallBackUrl: 'string', AdditionalData: 'string', Originator: 'string' } },
  },
  confirm: {
    ns: `${NS_BASE}/Confirm/ConfirmService`,
    path: '/NewIPGServices/Confirm/ConfirmService.asmx',
    ops: {
      ConfirmPayment: { LoginAccount: 'string', Token: 'long' },
      ConfirmPaymentWithAmount: { LoginAccount: 'string', Token: 'long', OrderId: 'long', Amount: 'long' },
    },
  },
  reversal: {
    ns: `${NS_BASE}/Reversal/ReversalService`,
    path: '/NewIPGServices/Reverse/ReversalService.asmx', // URL says Reverse, namespace Reversal
    altPath: '/NewIPGServices/Reversal/ReversalService.asmx',
    ops: { ReversalRequest: { LoginAccount: 'string', Token: 'long' } },
  },
};

export class SoapFault extends Error {
  constructor(code, message, { http = 500, version = '1.1' } = {}) {
    super(message);
    this.code = code;        // Client | Server | VersionMismatch | MustUnderstand
    this.http = http;
    this.version = version;
  }
}

const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

function parseLong(text, field, version) {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) {
    throw new SoapFault('Client', `Server was unable to read request. ---> There is an error in XML document. ---> Input string '${text}' of ${field} was not in a correct format (xsd:long).`, { version });
  }
  const v = BigInt(t);
  if (v > INT64_MAX || v < -INT64_MAX - 1n) {
    throw new SoapFault('Client', `Server was unable to read request. ---> Value '${text}' of ${field} was either too large or too small for an Int64.`, { version });
  }
  return v.toString();
}

/**
 * Reads one ASMX SOAP request strictly.
 *   contentType  the Content-Type header; soapAction the SOAPAction header (undefined if absent)
 *   service      an entry of SERVICES; soapActionPolicy 'strict' | 'require' | 'ignore'
 * → {version:'1.1'|'1.2', op, fields:{name: string|null}} ; throws SoapFault.
 * strict: a non-empty SOAPAction must equal NS/Operation (quotes allowed); a missing one is
 * accepted (dispatch on the body element, as ASMX does). require: it must be present and right.
 */
export function readSoapRequest({ contentType, soapAction, body, service, soapActionPolicy = 'strict' }) {
  const ct = String(contentType || '');
  const media = ct.split(';')[0].trim().toLowerCase();
  let version;
  let action = soapAction;
  if (media === 'text/xml') version = '1.1';
  else if (media === 'application/soap+xml') {
    version = '1.2';
    const m = /;\s*action\s*=\s*("([^"]*)"|[^;\s]+)/i.exec(ct);
    if (m) action = m[2] ?? m[1];
  } else {
    throw new SoapFault('Client', `Unsupported Media Type '${media}': use text/xml (SOAP 1.1) or application/soap+xml (SOAP 1.2).`, { http: 415 });
  }
  const cs = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(ct);
  if (cs && !/^utf-?8$/i.test(cs[1])) throw new SoapFault('Client', `charset ${cs[1]} not supported (UTF-8 only)`, { http: 415, version });

  let root;
  try {
    root = parseXml(body);
  } catch (e) {
    if (e instanceof XmlError) throw new SoapFault('Client', `Server was unable to read request. ---> There is an error in XML document. ---> ${e.message}`, { version });
    throw e;
  }
  if (root.local !== 'Envelope') throw new SoapFault('Client', `The root element must be a SOAP Envelope, not <${root.qname}>.`, { version });
  if (root.ns !== SOAP11_NS && root.ns !== SOAP12_NS) {
    throw new SoapFault('VersionMismatch', `Possible SOAP version mismatch: Envelope namespace '${root.ns}' was unexpected. Expecting ${SOAP11_NS}.`, { version });
  }
  const envNs = root.ns;
  version = envNs === SOAP11_NS ? '1.1' : '1.2'; // answer in the envelope's version (a 1.2 envelope sent as text/xml is tolerated)
  if (root.hasText) throw new SoapFault('Client', 'Text is not allowed directly inside the SOAP Envelope.', { version });
  const kids = root.children;
  let idx = 0;
  if (kids[idx] && kids[idx].local === 'Header' && kids[idx].ns === envNs) {
    for (const h of kids[idx].children) {
      const mu = h.attrs.find((a) => a.local === 'mustUnderstand' && a.ns === envNs);
      if (mu && (mu.value === '1' || mu.value === 'true')) {
        throw new SoapFault('MustUnderstand', `SOAP header ${h.local} was not understood.`, { version });
      }
    }
    idx++;
  }
  const bodyEl = kids[idx];
  if (!bodyEl || bodyEl.local !== 'Body' || bodyEl.ns !== envNs) throw new SoapFault('Client', 'The SOAP Envelope must contain a Body (in the envelope namespace) after the optional Header.', { version });
  if (kids.length !== idx + 1) throw new SoapFault('Client', `Unexpected element <${kids[idx + 1].qname}> after the SOAP Body.`, { version });
  if (bodyEl.hasText) throw new SoapFault('Client', 'Text is not allowed directly inside the SOAP Body.', { version });
  if (bodyEl.children.length !== 1) throw new SoapFault('Client', `The SOAP Body must contain exactly one operation element (found ${bodyEl.children.length}).`, { version });
  const opEl = bodyEl.children[0];
  if (opEl.ns !== service.ns) {
    throw new SoapFault('Client', `Server did not recognize the request element <${opEl.local}> in namespace '${opEl.ns}'. Expected namespace: '${service.ns}'.`, { version });
  }
  const spec = Object.hasOwn(service.ops, opEl.local) ? service.ops[opEl.local] : null;
  if (!spec) {
    throw new SoapFault('Client', `Server did not recognize the request element <${opEl.local}>. Operations here: ${Object.keys(service.ops).join(', ')}.`, { version });
  }
  const op = opEl.local;
  const expectedAction = `${service.ns}/${op}`;
  if (soapActionPolicy !== 'ignore') {
    const a = action === undefined ? '' : String(action).trim().replace(/^"(.*)"$/, '$1');
    if (a === '' && soapActionPolicy === 'require') {
      throw new SoapFault('Client', `Missing SOAPAction; expected "${expectedAction}".`, { version });
    }
    if (a !== '' && a !== expectedAction) {
      throw new SoapFault('Client', `Server did not recognize the value of HTTP Header SOAPAction: ${a}. Expected "${expectedAction}" for <${op}>.`, { version });
    }
  }
  if (opEl.hasText) throw new SoapFault('Client', `Text is not allowed directly inside <${op}>.`, { version });
  if (opEl.children.length !== 1 || opEl.children[0].local !== 'requestData' || opEl.children[0].ns !== service.ns) {
    const what = opEl.children.map((c) => `{${c.ns}}${c.local}`).join(', ') || 'nothing';
    throw new SoapFault('Client', `<${op}> must contain exactly one <requestData> in namespace '${service.ns}' (found ${what}).`, { version });
  }
  const rd = opEl.children[0];
  if (rd.hasText) throw new SoapFault('Client', 'Text is not allowed directly inside <requestData>.', { version });
  const fields = Object.fromEntries(Object.keys(spec).map((k) => [k, null]));
  const seen = new Set();
  for (const c of rd.children) {
    if (c.ns !== service.ns) {
      throw new SoapFault('Client', `Element <${c.local}> in namespace '${c.ns}' was not expected; the fields of requestData are in '${service.ns}'.`, { version });
    }
    if (!Object.hasOwn(spec, c.local)) throw new SoapFault('Client', `Element <${c.local}> was not expected in requestData of ${op}; fields: ${Object.keys(spec).join(', ')}.`, { version });
    if (seen.has(c.local)) throw new SoapFault('Client', `Element <${c.local}> appears twice.`, { version });
    seen.add(c.local);
    if (c.children.length) throw new SoapFault('Client', `Element <${c.local}> must contain text only.`, { version });
    const nil = c.attrs.find((a) => a.local === 'nil' && a.ns === XSI_NS);
    if (nil && (nil.value === 'true' || nil.value === '1')) continue;
    fields[c.local] = spec[c.local] === 'long' ? parseLong(c.text, c.local, version) : c.text;
  }
  return { version, op, fields };
}

/** A SOAP response envelope: `<OpResponse xmlns=NS><OpResult>…fields…</OpResult></OpResponse>`. */
export function soapResponse(version, ns, op, fields) {
  const env = version === '1.2' ? SOAP12_NS : SOAP11_NS;
  const inner = fields.filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`).join('');
  return '<?xml version="1.0" encoding="utf-8"?>' +
    `<soap:Envelope xmlns:soap="${env}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">` +
    `<soap:Body><${op}Response xmlns="${escapeXml(ns)}"><${op}Result>${inner}</${op}Result></${op}Response></soap:Body></soap:Envelope>`;
}

export function soapFaultXml(version, code, message) {
  if (version === '1.2') {
    const c = { Client: 'Sender', Server: 'Receiver' }[code] || code;
    return '<?xml version="1.0" encoding="utf-8"?>' +
      `<soap:Envelope xmlns:soap="${SOAP12_NS}"><soap:Body><soap:Fault><soap:Code><soap:Value>soap:${c}</soap:Value></soap:Code>` +
      `<soap:Reason><soap:Text xml:lang="en">${escapeXml(message)}</soap:Text></soap:Reason><soap:Detail /></soap:Fault></soap:Body></soap:Envelope>`;
  }
  return '<?xml version="1.0" encoding="utf-8"?>' +
    `<soap:Envelope xmlns:soap="${SOAP11_NS}"><soap:Body><soap:Fault><faultcode>soap:${code}</faultcode>` +
    `<faultstring>${escapeXml(message)}</faultstring><detail /></soap:Fault></soap:Body></soap:Envelope>`;
}

const soapType = (version) => (version === '1.2' ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8');

const MESSAGES = {
  0: 'Successful',
  '-1': 'Server Error',
  '-111': 'InvalidMerchantMaxTransAmount',
  '-112': 'OrderIdDuplicated',
  '-113': 'ValueIsNull',
  '-116': 'LengthIsMoreOfMaximum',
  '-126': 'InvalidMerchantPin',
  '-127': 'InvalidMerchantIp',
  '-130': 'TokenIsExpired',
  '-131': 'InvalidToken',
  '-132': 'InvalidMinimumPaymentAmount',
  '-138': 'CanceledByUser',
  '-1527': 'CallSalePaymentRequestServiceFailed',
  '-1528': 'ConfirmPaymentRequestInfoNotFound',
  '-1531': 'CannotConfirmNonSuccessfulPayment',
  '-1533': 'PaymentIsAlreadyConfirmed',
  '-1540': 'InvalidConfirmRequestService',
  '-1549': 'MaxAllowedTimeToReversalHasExceeded',
  '-1550': 'PaymentRequestStatusIsNotReversalable',
  '-1551': 'PaymentRequestIsAlreadyReversed',
};
const message = (s) => MESSAGES[String(s)] ?? 'UnknownError';

const DEFAULTS = {
  pin: 'DEMOPIN0000000000000',
  terminal_no: '44481453',           // TerminalNo field of the callback
  soapaction: 'strict',              // strict | require | ignore
  reversal_path: 'reverse',          // reverse | reversal | both: URL path(s) of ReversalService.asmx
  amount_format: 'comma',            // comma ("200,000") | plain ("200000") in the callback
  reconfirm_status: 0,               // second confirm of a token: 0 (post-2021, P2) or -1533
  confirm_mismatch_status: -1528,    // ConfirmPaymentWithAmount with another OrderId/Amount
  late_confirm_status: -130,         // confirm after confirm_window_minutes (auto-reversed)
  confirm_window_minutes: 30,        // unconfirmed payments are auto-reversed after this
  reversal_window_minutes: 60,       // ReversalRequest later than this after payment → -1549
  token_ttl_minutes: 20,             // payment page of an older unpaid token → -130
  min_amount: 1000,                  // below → -132
  max_amount: 500000000,             // above → -111
  decline_status: 51,                // callback status of a declined card
  token_digits: 18,                  // Token size (int64; 18 digits is beyond 2^53 on purpose)
  ip_allow: '',                      // comma-separated caller IPs; empty = any (else -127)
  amount_mismatch_delta: 10000,      // amount_mismatch: the bank's paid amount = amount + this
  slow_ms: 3000,
};
const str = (v) => { const s = String(v); if (!s) throw new Error('empty'); return s; };
const SCHEMA = {
  pin: str,
  terminal_no: str,
  soapaction: cfg.oneOf('strict', 'require', 'ignore'),
  reversal_path: cfg.oneOf('reverse', 'reversal', 'both'),
  amount_format: cfg.oneOf('comma', 'plain'),
  reconfirm_status: (v) => { const n = Number(v); if (n !== 0 && n !== -1533) throw new Error('0 or -1533 expected'); return n; },
  confirm_mismatch_status: cfg.int(),
  late_confirm_status: cfg.int(),
  confirm_window_minutes: cfg.num(0),
  reversal_window_minutes: cfg.num(0),
  token_ttl_minutes: cfg.num(0),
  min_amount: cfg.int(0),
  max_amount: cfg.int(1),
  decline_status: cfg.int(),
  token_digits: cfg.int(6, 18),
  ip_allow: (v) => String(v ?? ''),
  amount_mismatch_delta: cfg.int(),
  slow_ms: cfg.int(0),
};

function describe(o) {
  return {
    ...describeCommon(o), bank: 'parsian', rrn: o.rrn ?? null, paid_amount: jsNum(o.paidAmount ?? null),
    status: o.lastStatus ?? null, auto_reversed: Boolean(o.autoReversed),
  };
}

export function createParsian(config) {
  const state = new SimState({ config, schema: SCHEMA, describe });
  const C = () => state.config;
  const minutes = (n) => n * 60 * 1000;

  function paths() {
    const m = new Map();
    m.set(SERVICES.sale.path.toLowerCase(), SERVICES.sale);
    m.set(SERVICES.confirm.path.toLowerCase(), SERVICES.confirm);
    if (C().reversal_path !== 'reversal') m.set(SERVICES.reversal.path.toLowerCase(), SERVICES.reversal);
    if (C().reversal_path !== 'reverse') m.set(SERVICES.reversal.altPath.toLowerCase(), SERVICES.reversal);
    return m;
  }

  function newToken() {
    for (;;) {
      const t = randomDigits(C().token_digits);
      if (!state.byToken.has(t)) return t;
    }
  }

  function refresh(o) {
    if (o.state === 'paid' && Date.now() - o.paidAt > minutes(C().confirm_window_minutes)) {
      o.state = 'reversed';
      o.autoReversed = true;
      o.reversedAt = o.paidAt + minutes(C().confirm_window_minutes);
    }
    return o.state;
  }

  function ipAllowed(req) {
    const list = C().ip_allow.split(',').map((x) => x.trim()).filter(Boolean);
    if (!list.length) return true;
    const ip = String(req.socket.remoteAddress || '').replace(/^::ffff:/, '');
    return list.includes(ip);
  }

  async function sale(req, res, ctx, soap, reply) {
    const f = soap.fields;
    const refuse = (status, why) => { ctx.note(`Status ${status}${why ? ' (' + why + ')' : ''}`); reply([['Token', '0'], ['Message', message(status)], ['Status', String(status)]]); };
    if (f.LoginAccount !== C().pin) return refuse(-126, 'LoginAccount');
    if (!ipAllowed(req)) return refuse(-127, `caller ${req.socket.remoteAddress}`);
    for (const k of ['OrderId', 'Amount', 'CallBackUrl']) if (f[k] === null || f[k] === '') return refuse(-113, `${k} missing`);
    if (BigInt(f.OrderId) <= 0n) return refuse(-113, 'OrderId must be > 0');
    if (BigInt(f.Amount) < BigInt(C().min_amount)) return refuse(-132, `Amount ${f.Amount}`);
    if (BigInt(f.Amount) > BigInt(C().max_amount)) return refuse(-111, `Amount ${f.Amount}`);
    let cb = null;
    try { cb = new URL(f.CallBackUrl); } catch { cb = null; }
    if (!cb || !['http:', 'https:'].includes(cb.protocol)) return refuse(-113, `CallBackUrl ${f.CallBackUrl}`);
    if (f.AdditionalData !== null && f.AdditionalData.length > 500) return refuse(-116, 'AdditionalData > 500');
    if (f.Originator !== null && f.Originator.length > 50) return refuse(-116, 'Originator > 50');
    const old = state.orders.get(f.OrderId);
    if (old && old.state !== 'refused') return refuse(-112, `OrderId ${f.OrderId}`);
    const m = state.takeModes(f.OrderId);
    if (m.modes.has('token_500')) { ctx.note('token_500'); return sendBody(res, 500, 'text/html; charset=utf-8', HTTP_500_HTML); }
    const o = state.newOrder({
      orderId: f.OrderId, amount: f.Amount, returnUrl: f.CallBackUrl, token: null,
      additionalData: f.AdditionalData, originator: f.Originator,
    }, m);
    if (o.modes.has('token_error')) {
      o.state = 'refused';
      o.lastStatus = Number(o.modeCode ?? -1);
      state.store(o);
      if (o.modes.has('slow_token')) await sleep(C().slow_ms);
      return refuse(o.lastStatus, 'token_error');
    }
    o.token = newToken();
    o.lastStatus = 0;
    state.store(o);
    ctx.note(`order ${o.orderId} amount ${o.amount} token ${o.token}`);
    if (o.modes.has('slow_token')) { ctx.note('slow_token'); await sleep(C().slow_ms); }
    if (o.modes.has('token_drop')) { ctx.note('token_drop'); return res.destroy(); }
    return reply([['Token', o.token], ['Message', message(0)], ['Status', '0']]);
  }

  async function confirm(req, res, ctx, soap, reply) {
    const f = soap.fields;
    let o = null;
    const answer = (status, why) => {
      ctx.note(`Status ${status}${why ? ' (' + why + ')' : ''}`);
      const ok = status === 0;
      if (o) o.lastStatus = status;
      if (o && dropAfterVerify(o, res, ctx)) return;
      reply([
        ['Status', String(status)],
        ['CardNumberMasked', ok ? o.card.masked : null],
        ['RRN', ok ? o.rrn : '0'],
        ['Token', f.Token ?? '0'],
      ]);
    };
    if (f.LoginAccount !== C().pin) return answer(-126, 'LoginAccount');
    if (!ipAllowed(req)) return answer(-127, `caller ${req.socket.remoteAddress}`);
    if (f.Token === null) return answer(-113, 'Token missing');
    o = state.byToken.get(f.Token) || null;
    if (!o) return answer(-1528, `unknown token ${f.Token}`);
    if (await beforeVerify(o, res, ctx, C().slow_ms)) return;
    o.verifyCount++;
    const st = refresh(o);
    if (st === 'reversed') return o.autoReversed ? answer(C().late_confirm_status, 'confirm window passed, auto-reversed') : answer(-1531, 'reversed');
    if (st !== 'paid' && st !== 'confirmed') return answer(-1531, `order is ${st}`);
    if (soap.op === 'ConfirmPaymentWithAmount') {
      if (f.OrderId === null || f.Amount === null) return answer(-113, 'OrderId/Amount missing');
      if (f.OrderId !== o.orderId || f.Amount !== o.paidAmount) {
        return answer(Number(C().confirm_mismatch_status), `mismatch: sent OrderId ${f.OrderId} Amount ${f.Amount}, bank has ${o.orderId} ${o.paidAmount}`);
      }
    }
    if (st === 'paid') {
      if (o.modes.has('verify_fails')) return answer(Number(o.modeCode ?? -1540), 'verify_fails');
      o.state = 'confirmed';
      o.verifiedAt = Date.now();
      return answer(0);
    }
    // already confirmed (pitfall P2: PEC answers 0 again since ~2021)
    if (o.modes.has('confirm_already')) return answer(-1533, 'repeat confirm');
    if (o.modes.has('double_confirm_ok')) return answer(0, 'repeat confirm');
    return answer(C().reconfirm_status, 'repeat confirm');
  }

  async function reversal(req, res, ctx, soap, reply) {
    const f = soap.fields;
    let o = null;
    const answer = (status, why) => {
      ctx.note(`Status ${status}${why ? ' (' + why + ')' : ''}`);
      if (o) o.lastStatus = status;
      reply([['Status', String(status)], ['Message', message(status)], ['Token', f.Token ?? '0']]);
    };
    if (f.LoginAccount !== C().pin) return answer(-126, 'LoginAccount');
    if (!ipAllowed(req)) return answer(-127, `caller ${req.socket.remoteAddress}`);
    if (f.Token === null) return answer(-113, 'Token missing');
    o = state.byToken.get(f.Token) || null;
    if (!o) return answer(-131, `unknown token ${f.Token}`);
    const st = refresh(o);
    if (st === 'reversed') return answer(-1551);
    if (st !== 'paid' && st !== 'confirmed') return answer(-1550, `order is ${st}`);
    if (Date.now() - o.paidAt > minutes(C().reversal_window_minutes)) return answer(-1549);
    o.state = 'reversed';
    o.reversedAt = Date.now();
    return answer(0);
  }

  const HANDLERS = { SalePaymentRequest: sale, ConfirmPayment: confirm, ConfirmPaymentWithAmount: confirm, ReversalRequest: reversal };

  async function soapEndpoint(req, res, ctx, service) {
    let soap;
    try {
      soap = readSoapRequest({
        contentType: req.headers['content-type'], soapAction: req.headers.soapaction,
        body: ctx.body.toString('utf8'), service, soapActionPolicy: C().soapaction,
      });
    } catch (e) {
      if (!(e instanceof SoapFault)) throw e;
      ctx.note(`fault: ${e.message}`);
      if (e.http === 415) return sendBody(res, 415, 'text/plain; charset=utf-8', e.message);
      return sendBody(res, e.http, soapType(e.version), soapFaultXml(e.version, e.code, e.message));
    }
    ctx.note(soap.op);
    const reply = (fields) => sendBody(res, 200, soapType(soap.version), soapResponse(soap.version, service.ns, soap.op, fields));
    return HANDLERS[soap.op](req, res, ctx, soap, reply);
  }

  function pageError(res, status, code, msg) {
    sendHtml(res, status, errorPageHtml({ title: 'درگاه پرداخت پارسیان', code, message: msg }));
  }

  function payableOrder(res, token) {
    if (!token) { pageError(res, 400, -131, 'توکن ارسال نشده است (Token missing from the URL)'); return null; }
    const o = /^\d+$/.test(token) ? state.byToken.get(BigInt(token).toString()) : null;
    if (!o) { pageError(res, 404, -131, 'توکن نامعتبر است (InvalidToken)'); return null; }
    if (o.state === 'expired') { pageError(res, 410, -130, 'توکن منقضی شده است (TokenIsExpired)'); return null; }
    if (o.state !== 'created') { pageError(res, 409, -131, `این تراکنش قبلا انجام شده است (${o.state})`); return null; }
    if (Date.now() - o.createdAt > minutes(C().token_ttl_minutes)) {
      o.state = 'expired';
      pageError(res, 410, -130, 'توکن منقضی شده است (TokenIsExpired)');
      return null;
    }
    return o;
  }

  function paymentPage(req, res, ctx) {
    const o = payableOrder(res, queryCI(ctx.url, 'token'));
    if (!o) return;
    sendHtml(res, 200, purchasePageHtml({
      title: 'درگاه پرداخت اینترنتی پارسیان', bank: 'تجارت الکترونیک پارسیان (PEC)',
      merchant: C().terminal_no, amount: o.amount, orderId: o.orderId,
      action: '/NewIPG/Submit', hidden: { Token: o.token },
    }));
  }

  function paymentSubmit(req, res, ctx) {
    if (mediaType(req) !== 'application/x-www-form-urlencoded') return pageError(res, 415, -1, 'فرم نامعتبر است');
    const form = parseFormCI(ctx.body.toString('utf8'));
    const action = form.get('action');
    if (!['pay', 'decline', 'cancel'].includes(action)) return pageError(res, 400, -1, 'عملیات نامعتبر است');
    const o = payableOrder(res, form.get('token'));
    if (!o) return;
    let outcome = action;
    if (o.modes.has('cancel')) outcome = 'cancel';
    else if (o.modes.has('decline') && outcome === 'pay') outcome = 'decline';
    const card = fakeCard('622106');
    let status;
    if (outcome === 'pay') {
      o.state = 'paid';
      o.paidAt = Date.now();
      o.rrn = randomDigits(12);
      o.card = card;
      o.paidAmount = o.modes.has('amount_mismatch') ? (BigInt(o.amount) + BigInt(C().amount_mismatch_delta)).toString() : o.amount;
      status = '0';
    } else if (outcome === 'decline') {
      o.state = 'declined';
      o.card = card;
      status = String(o.modes.has('decline') && o.modeCode !== undefined ? o.modeCode : C().decline_status);
    } else {
      o.state = 'cancelled';
      status = '-138';
    }
    const amount = o.paidAmount ?? o.amount;
    const fields = [
      ['Token', o.token],
      ['status', status],
      ['OrderId', o.orderId],
      ['TerminalNo', C().terminal_no],
      ['RRN', outcome === 'pay' ? o.rrn : '0'],
      ['Amount', C().amount_format === 'comma' ? formatThousands(amount) : amount],
      ['HashCardNumber', o.card ? o.card.hash : ''],
    ];
    o.callback = { url: o.returnUrl, fields: Object.fromEntries(fields) };
    ctx.note(`order ${o.orderId} ${outcome}`);
    sendHtml(res, 200, autoPostHtml({ title: 'بازگشت به سایت پذیرنده', url: o.returnUrl, fields }));
  }

  function helpPage(res, service, pathname) {
    const ops = Object.keys(service.ops).map((op) =>
      `<li><b>${op}</b>: POST ${escapeXml(pathname)}, SOAPAction "${escapeXml(service.ns)}/${op}", fields ${Object.keys(service.ops[op]).join(', ')}</li>`).join('\n');
    sendHtml(res, 200, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeXml(pathname)}</title></head><body>` +
      `<h1>PEC NewIPG simulator</h1><p>Namespace: ${escapeXml(service.ns)}</p><ul>${ops}</ul>` +
      '<p>No WSDL is served by the simulator.</p></body></html>');
  }

  async function handle(req, res, ctx) {
    const service = paths().get(ctx.path);
    if (service) {
      if (req.method === 'POST') return soapEndpoint(req, res, ctx, service);
      if (req.method === 'GET') {
        if (ctx.url.search.toLowerCase().includes('wsdl')) return sendBody(res, 404, 'text/plain; charset=utf-8', 'The simulator serves no WSDL; see tools/banksim/README.md.');
        return helpPage(res, service, ctx.url.pathname);
      }
      return sendBody(res, 405, 'text/plain; charset=utf-8', 'Method not allowed', { Allow: 'GET, POST' });
    }
    if (ctx.path === '/newipg/' || ctx.path === '/newipg' || ctx.path === '/newipg/default.aspx') {
      if (req.method !== 'GET') return pageError(res, 405, -1, 'صفحه پرداخت با GET و ?Token= باز می شود');
      return paymentPage(req, res, ctx);
    }
    if (ctx.path === '/newipg/submit') {
      if (req.method !== 'POST') return pageError(res, 405, -1, 'روش نامعتبر');
      return paymentSubmit(req, res, ctx);
    }
    return sendBody(res, 404, 'text/html; charset=utf-8', '<html><body><h1>404 - File or directory not found.</h1></body></html>');
  }

  return { state, handle };
}

if (isMain(import.meta.url)) {
  const config = loadConfig('CRS_PARSIAN_SIM', DEFAULTS, SCHEMA, { pin: 'CRS_PARSIAN_PIN', terminal_no: 'CRS_PARSIAN_TERMINAL' });
  const { state, handle } = createParsian(config);
  const port = Number(cliArg('port', process.env.CRS_PARSIAN_PORT || 8092));
  startSim({ name: 'parsian', port, host: cliArg('host', '127.0.0.1'), state, handle });
}
